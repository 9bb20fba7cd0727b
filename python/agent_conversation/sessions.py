"""Session files: yoagent's JSONL sessions and phi-core's pretty-printed session documents.

yoagent (>= 0.11) ``Session::to_jsonl`` / ``from_jsonl``: one compact JSON object per line,
``id``, ``parent_id`` (string or null, always written), ``message`` (one AgentMessage in that
version's dialect), ``timestamp`` (u64), then an optional ``label``; lines joined by ``\\n``.
``from_jsonl`` splits with ``str::lines`` (``\\n``, ``\\r\\n``), trims each line with
``str::trim`` (Unicode White_Space) and skips blank ones, refuses a repeated id and a parent that
no earlier line defined. Problems carry the 1-based line number.

phi-core (>= 0.7) ``save_session`` writes ``serde_json::to_writer_pretty(Session)``: the
AgentMessages live in ``loops[i].messages``, ``loops[i].turns[j].input_messages``,
``.output_message`` and ``.tool_results``. :func:`loads_phi_session` reads exactly those (any
other document: every ``messages`` array in it) and reports pointers into the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .codec.floats import Drift, FloatLog, drift_cause, memory_of, surviving
from .codec.jsonparse import DupDict, JsonSyntaxError, parse_value, position, value_positions
from .codec.numbers import DEFAULT_FLOAT_FORMAT
from .codec.reader import Reader, Reject
from .codec.spec import get_spec
from .codec.wirefacts import SESSION_ENTRY, session_line_patterns
from .codec.writer import write
from .dialects import known_dialects, resolve
from .errors import (
    Cause,
    ConversationError,
    Problem,
    decode_utf8,
    element_index,
    pointer,
    require_document,
)

# The entry's keys in written order, from the schemas' SessionEntry (the unpacking below fails
# loudly if a revision ever changes the entry's shape).
ENTRY_FIELDS: tuple[str, ...] = tuple(SESSION_ENTRY["order"])
ID, PARENT_ID, MESSAGE, TIMESTAMP, LABEL = ENTRY_FIELDS
ENTRY_REQUIRED: tuple[str, ...] = tuple(SESSION_ENTRY["required"])

# Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim` strips. Python's
# `str.strip()` would also strip U+001C..U+001F, which Rust keeps (and serde then refuses).
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# The layout `to_jsonl` writes, for the fast path (on bytes): strings without escapes in the
# entry's own fields (anything else goes to the exact reader).
_head, _tail, _TAIL_KEY = session_line_patterns()
_HEAD, _TAIL = re.compile(_head), re.compile(_tail)
_U64_MAX = 2**64 - 1


@dataclass
class SessionEntry:
    id: str
    parent_id: str | None
    message: dict[str, Any]  # a record in the internal form
    timestamp: int
    label: str | None = None
    line: int = 0


@dataclass
class Session:
    """A yoagent session. ``float_format``/``float_format_detected``/``memory`` as on
    :class:`~agent_conversation.conversation.Conversation`."""

    dialect: str
    entries: list[SessionEntry] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    float_format: str = DEFAULT_FLOAT_FORMAT
    float_format_detected: bool = False
    memory: dict[int, tuple[float, float]] = field(default_factory=dict)
    # while reading: (entry index, line, column, drift) of each float the restore changes
    drifts: list[tuple[int, int, int, Drift]] = field(default_factory=list, repr=False)
    style: str | None = field(default=None, repr=False)

    @property
    def head(self) -> str | None:
        return self.entries[-1].id if self.entries else None


def session_dialects() -> list[str]:
    """Revisions whose crate versions have sessions (SessionEntry's x-crate-versions), newest
    first."""
    from .models.wire import REVISIONS

    return [name for name in reversed(known_dialects()) if REVISIONS[name]["session_versions"]]


def sessions_from() -> str:
    """The first crate version with session files (``yoagent 0.11.0``)."""
    from .models.wire import REVISIONS

    name = session_dialects()[-1]
    low = REVISIONS[name]["session_versions"][0].lstrip(">=")
    return f"{REVISIONS[name]['crate']} {low}"


def has_sessions(dialect: str) -> bool:
    """Whether a dialect (``yoagent@0.9.3``, ``yoagent@0.13``) has session files. A revision
    name stands for all its versions, so it has them if any of its versions does."""
    from .dialects import _in_range, _version_tuple
    from .models.wire import REVISIONS

    revision = resolve(dialect)
    bounds = REVISIONS[revision]["session_versions"]
    version = dialect.partition("@")[2]
    if not bounds or dialect == revision or version in ("", "latest"):
        return bool(bounds)
    return _in_range(_version_tuple(version), bounds)


def loads_session(
    data: str | bytes, dialect: str = "auto", *, float_format: str = "auto"
) -> Session:
    """Read a yoagent session file exactly as ``Session::from_jsonl`` does.

    Raises ConversationError listing every problem (the crate stops at the first).
    ``float_format`` as in :func:`agent_conversation.loads`.
    """
    require_document(data)
    from .api import check_float_format

    check_float_format(float_format)
    names = [resolve(dialect)] if dialect != "auto" else session_dialects()
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    fast = _read_fast(raw, names, float_format)
    if fast is not None:
        return fast
    text = decode_utf8(data)
    first_error: ConversationError | None = None
    best: Session | None = None
    for name in names:
        try:
            session = _read(text, name)
        except ConversationError as err:
            first_error = first_error or err
            continue
        if not session.notes:
            return _with_floats(session, float_format)
        if best is None or len(session.notes) < len(best.notes):
            best = session
    if best is not None:
        return _with_floats(best, float_format)
    assert first_error is not None
    raise first_error


def _with_floats(session: Session, float_format: str) -> Session:
    """Settle the float format and report the floats the crate's restore changes."""
    detected = session.style
    chosen = float_format if float_format != "auto" else detected or DEFAULT_FLOAT_FORMAT
    session.float_format = chosen
    session.float_format_detected = detected is not None
    assumed = float_format == "auto" and detected is None
    for index, line, column, drift in session.drifts:
        words = drift_cause(drift, session.dialect, chosen, assumed)
        session.notes.append(
            Problem(index, pointer(drift.path), line, column, words, "float-drift")
        )
    session.memory = memory_of([d for _, _, _, d in session.drifts])
    session.drifts = []
    return session


def _lines(text: str) -> list[tuple[int, str, int]]:
    """(1-based line number, trimmed line, columns trimmed on the left) of each non-blank line,
    as ``str::lines`` + ``str::trim`` see them."""
    out = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip(RUST_WHITESPACE)
        if line:
            lead = raw_line[: len(raw_line) - len(raw_line.lstrip(RUST_WHITESPACE))]
            out.append((number, line, len(lead.encode("utf-8"))))
    return out


# -- fast path: the layout to_jsonl writes, checked by the codec in one document ---------------
def _read_fast(data: bytes, names: list[str], float_format: str) -> Session | None:
    """The session when every line has the crate's own layout and every message is read without
    a note by one of ``names``; None sends the file to the exact reader (which gives positions).

    Works on bytes (a str of a file with one emoji would take four bytes a character): each line
    is proven one complete JSON value by orjson (which also proves it UTF-8), its entry fields
    are taken from the fixed layout, and all the messages are read by the codec as one document.
    """
    import orjson

    from .api import loads

    heads: list[tuple[str, str | None, int, str | None, int]] = []
    pieces: list[memoryview] = []
    seen: set[str] = set()
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        line = raw_line.strip()  # ASCII whitespace; a line that Rust would trim further (U+3000,
        if not line:  # U+2028, ...) does not start with `{"id":` and goes to the exact reader
            continue
        head = _HEAD.match(line)
        tail = _TAIL.match(line, max(0, line.rfind(_TAIL_KEY)))
        if head is None or tail is None or tail.start() <= head.end():
            return None
        try:
            orjson.loads(line)  # one complete JSON value: the layout splits it where serde does
        except orjson.JSONDecodeError:
            return None
        entry_id = head.group(1)[1:-1].decode("utf-8")
        parent = head.group(2)
        parent_id = None if parent == b"null" else parent[1:-1].decode("utf-8")
        timestamp = int(tail.group(1))
        label = tail.group(2)
        if (
            timestamp > _U64_MAX
            or entry_id in seen
            or (parent_id is not None and parent_id not in seen)
        ):
            return None
        seen.add(entry_id)
        heads.append(
            (
                entry_id,
                parent_id,
                timestamp,
                None if label is None else label[1:-1].decode("utf-8"),
                number,
            )
        )
        pieces.append(memoryview(line)[head.end() : tail.start()])
    document = b"[" + b",".join(pieces) + b"]"
    del pieces
    for name in names:
        try:
            conv = loads(document, name, float_format=float_format)
        except ConversationError:
            continue
        if conv.notes or len(conv) != len(heads):
            return None
        session = Session(name, float_format=conv.float_format)
        session.float_format_detected = conv.float_format_detected
        for (entry_id, parent_id, timestamp, label, number), record in zip(
            heads, conv.records, strict=True
        ):
            session.entries.append(
                SessionEntry(entry_id, parent_id, record, timestamp, label, number)
            )
        return session
    return None


# -- exact path ----------------------------------------------------------------------------------
def _read(text: str, dialect: str) -> Session:
    from .codec.document import syntax_problem

    spec = get_spec(dialect)
    session = Session(dialect)
    problems: list[Problem] = []
    seen: set[str] = set()
    unreadable: list[int] = []  # lines whose id could not be read (their children are suspect)
    for number, line, offset in _lines(text):
        index = len(session.entries) + len(problems)
        floats = FloatLog()
        try:
            value = parse_value(line, floats)
        except JsonSyntaxError as err:
            _, column = err.line_column(line)
            problems.append(syntax_problem(index, (), number, column + offset, err.code, line))
            unreadable.append(number)
            continue
        reader = Reader(spec)
        try:
            entry = _entry(value, reader)
        except Reject as why:
            problems.append(_at(line, number, offset, index, why.path, why.message, why.kind))
            loose_id = value.get("id") if isinstance(value, dict) else None
            if isinstance(loose_id, str) and loose_id not in seen:
                seen.add(loose_id)  # its children are not blamed for this line's problem
            else:
                unreadable.append(number)
            continue
        entry.line = number
        for note in reader.notes:
            session.notes.append(_at(line, number, offset, index, note.path, note.cause, note.kind))
        if entry.id in seen:
            problems.append(
                _at(
                    line,
                    number,
                    offset,
                    index,
                    ("id",),
                    f"repeated id {entry.id!r}",
                    "duplicate-id",
                )
            )
            continue
        if entry.parent_id is not None and entry.parent_id not in seen:
            words = f"parent {entry.parent_id!r} of {entry.id!r} is not defined on an earlier line"
            if unreadable:
                words += f" (line {unreadable[-1]} could not be read)"
            problems.append(
                _at(line, number, offset, index, ("parent_id",), words, "unknown-parent")
            )
            seen.add(entry.id)
            continue
        seen.add(entry.id)
        session.entries.append(entry)
        session.style = session.style or floats.style
        for drift in surviving(floats.drifts, entry.message):
            _, column = position(line, drift.offset)
            session.drifts.append((index, number, column + 1 + offset, drift))
    if problems:
        raise ConversationError(problems)
    return session


def _at(
    line: str,
    number: int,
    offset: int,
    index: int,
    path: tuple[Any, ...],
    message: Cause | str,
    kind: str,
) -> Problem:
    try:
        positions = value_positions(line, 0, ())
    except (JsonSyntaxError, RecursionError):
        positions = {}
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    start = positions.get(probe, 0)
    _, column = position(line, start)
    return Problem(index, pointer(path), number, column + 1 + offset, message, kind)


def _entry(value: Any, reader: Reader) -> SessionEntry:
    if isinstance(value, list):
        value = _entry_from_sequence(value, reader)
    if not isinstance(value, dict):
        raise Reject((), "a session line must be a JSON object", "wrong-type")
    if isinstance(value, DupDict):
        for key in value.duplicates:
            if key in ENTRY_FIELDS:
                raise Reject((key,), f"duplicate field `{key}`", "duplicate-key")
    for key in value:
        if key not in ENTRY_FIELDS:
            reader.note((key,), f"unknown key `{key}` would be dropped", "unknown-key")
    for key in ENTRY_REQUIRED:
        if key not in value:
            raise Reject((), f"missing field `{key}`", "missing-key")
    entry_id = value[ID]
    if not isinstance(entry_id, str):
        raise Reject((ID,), f"`{ID}` must be a string", "wrong-type")
    parent = value.get(PARENT_ID)
    if parent is not None and not isinstance(parent, str):
        raise Reject((PARENT_ID,), f"`{PARENT_ID}` must be a string or null", "wrong-type")
    timestamp = Reader.u64(value[TIMESTAMP], (TIMESTAMP,))
    label = value.get(LABEL)
    if label is not None and not isinstance(label, str):
        raise Reject((LABEL,), f"`{LABEL}` must be a string", "wrong-type")
    if LABEL in value and label is None:
        reader.note((LABEL,), f"`{LABEL}` is null: written back it is left out", "null-optional")
    try:
        message = reader.message(value[MESSAGE], 0)
    except Reject as why:
        raise Reject((MESSAGE, *why.path[1:]), why.message, why.kind) from None
    for note in reader.notes:
        if note.path and note.path[0] == 0:
            note.path = (MESSAGE, *note.path[1:])
    return SessionEntry(entry_id, parent, message, timestamp, label)


def _entry_from_sequence(items: list[Any], reader: Reader) -> dict[str, Any]:
    """serde also reads a struct from a sequence: id, parent_id, message, timestamp[, label]."""
    if not 4 <= len(items) <= 5:
        raise Reject((), f"invalid length {len(items)}, expected 4 or 5 elements", "wrong-type")
    reader.note((), "written as a sequence; the crate writes an object", "alias")
    return dict(zip(ENTRY_FIELDS, items, strict=False))


def dumps_session(
    session: Session,
    dialect: str | None = None,
    *,
    float_format: str = "auto",
    as_saved: bool = False,
) -> str:
    """The exact text ``Session::to_jsonl`` writes for these entries.

    ``float_format`` and ``as_saved`` as in :func:`agent_conversation.dumps` (``auto``: the
    session's own ``float_format``).
    """
    from .api import check_float_format

    check_float_format(float_format)
    chosen = session.float_format if float_format == "auto" else float_format
    memory = session.memory if as_saved else None
    import orjson

    target = resolve(dialect) if dialect else session.dialect
    spec = get_spec(target)
    lines = []
    problems: list[Problem] = []
    for index, entry in enumerate(session.entries):
        text, losses = write(
            [entry.message], spec, has_float=True, float_format=chosen, memory=memory or None
        )
        problems += [
            Problem(
                index,
                "/message" + pointer(loss.path[1:]),
                entry.line or None,
                None,
                loss.message,
                "loss",
            )
            for loss in losses
        ]
        head = orjson.dumps({"id": entry.id, "parent_id": entry.parent_id})[:-1]
        tail = b',"timestamp":' + str(entry.timestamp).encode()
        if entry.label is not None:
            tail += b',"label":' + orjson.dumps(entry.label)
        lines.append(head.decode() + ',"message":' + text[1:-1] + tail.decode() + "}")
    if problems:
        raise ConversationError(problems)
    return "\n".join(lines)


# -- phi-core session documents ------------------------------------------------------------------
@dataclass
class MessageArray:
    """One AgentMessage array found in a phi-core session (``single``: ``output_message``)."""

    path: tuple[Any, ...]
    records: list[dict[str, Any]]
    single: bool = False

    @property
    def pointer(self) -> str:
        return pointer(self.path)


@dataclass
class PhiSession:
    dialect: str
    arrays: list[MessageArray] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    layout: str = "session"  # "session" (loops/turns) or "generic" (every `messages` array)


def phi_session_dialects() -> list[str]:
    return [name for name in reversed(known_dialects()) if name.startswith("phi-core@")]


def loads_phi_session(data: str | bytes, dialect: str = "auto") -> PhiSession:
    """Read every AgentMessage inside a phi-core session document as that crate reads it.

    Only the AgentMessage parts are checked (and that the fields holding them are there); the
    session's other fields are not. Problems carry the message's index in its array, a pointer
    from the document root and serde's line/column.
    """
    require_document(data)
    fast = _read_phi_fast(data, dialect)
    if fast is not None:
        return fast
    text = decode_utf8(data)
    from .codec.document import syntax_problem

    floats = FloatLog()
    try:
        root = parse_value(text, floats)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        where = err.path or ()
        raise ConversationError(
            [syntax_problem(None, where, line, column, err.code, text)]
        ) from None
    sites, shape_problems, layout = _phi_sites(root)
    locate = _locator(text)
    if shape_problems:
        raise ConversationError([locate(p) for p in shape_problems])
    if not sites:
        raise ConversationError(
            [
                Problem(
                    None,
                    "",
                    None,
                    None,
                    "no AgentMessage arrays here: a phi-core session has `loops[].messages`",
                    "shape",
                )
            ]
        )
    names = [resolve(dialect)] if dialect != "auto" else phi_session_dialects()
    first_error: ConversationError | None = None
    best: PhiSession | None = None
    for name in names:
        try:
            session = _read_phi(sites, name, locate, layout)
        except ConversationError as err:
            first_error = first_error or err
            continue
        if not session.notes:
            return _phi_floats(session, text, floats)
        if best is None or len(session.notes) < len(best.notes):
            best = session
    if best is not None:
        return _phi_floats(best, text, floats)
    assert first_error is not None
    raise first_error


def _phi_floats(session: PhiSession, text: str, floats: FloatLog) -> PhiSession:
    """The floats phi-core's restore changes, as notes (phi-core writes zmij/ryu as yoagent)."""
    drifts = surviving(floats.drifts, [array.records for array in session.arrays])
    for drift in drifts:
        line, column = position(text, drift.offset)
        words = drift_cause(drift, session.dialect, floats.style or DEFAULT_FLOAT_FORMAT, False)
        session.notes.append(
            Problem(None, pointer(drift.path), line, column + 1, words, "float-drift")
        )
    return session


def _phi_sites(root: Any) -> tuple[list[tuple[tuple[Any, ...], Any, bool]], list[Problem], str]:
    """Where the AgentMessages are: (path, the array or the single message, single?)."""
    sites: list[tuple[tuple[Any, ...], Any, bool]] = []
    problems: list[Problem] = []

    def need_array(container: dict[str, Any], key: str, path: tuple[Any, ...]) -> None:
        if key not in container:
            problems.append(
                Problem(None, pointer(path), None, None, f"missing field `{key}`", "missing-key")
            )
        elif not isinstance(container[key], list):
            problems.append(
                Problem(
                    None,
                    pointer((*path, key)),
                    None,
                    None,
                    f"`{key}` must be an array",
                    "wrong-type",
                )
            )
        else:
            sites.append(((*path, key), container[key], False))

    if isinstance(root, dict) and isinstance(root.get("loops"), list):
        for i, record in enumerate(root["loops"]):
            where = ("loops", i)
            if not isinstance(record, dict):
                problems.append(
                    Problem(
                        None, pointer(where), None, None, "a loop must be an object", "wrong-type"
                    )
                )
                continue
            need_array(record, "messages", where)
            turns = record.get("turns")  # #[serde(default)]
            if turns is None and "turns" not in record:
                continue
            if not isinstance(turns, list):
                problems.append(
                    Problem(
                        None,
                        pointer((*where, "turns")),
                        None,
                        None,
                        "`turns` must be an array",
                        "wrong-type",
                    )
                )
                continue
            for j, turn in enumerate(turns):
                at = (*where, "turns", j)
                if not isinstance(turn, dict):
                    problems.append(
                        Problem(
                            None, pointer(at), None, None, "a turn must be an object", "wrong-type"
                        )
                    )
                    continue
                need_array(turn, "input_messages", at)
                if "output_message" in turn:
                    sites.append(((*at, "output_message"), turn["output_message"], True))
                else:
                    problems.append(
                        Problem(
                            None,
                            pointer(at),
                            None,
                            None,
                            "missing field `output_message`",
                            "missing-key",
                        )
                    )
                need_array(turn, "tool_results", at)
        return sites, problems, "session"

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "messages" and isinstance(item, list):
                    sites.append(((*path, key), item, False))
                else:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for k, item in enumerate(value):
                walk(item, (*path, k))

    walk(root, ())
    return sites, problems, "generic"


def _locator(text: str) -> Callable[[Problem], Problem]:
    """Give problems without a position serde's line/column of the value their pointer names."""
    cache: dict[str, dict[tuple[Any, ...], int]] = {}

    def locate(problem: Problem) -> Problem:
        if problem.line is not None:
            return problem
        if "positions" not in cache:
            start = len(text) - len(text.lstrip(" \t\r\n"))
            try:
                cache["positions"] = value_positions(text, start, ())
            except (JsonSyntaxError, RecursionError):
                cache["positions"] = {}
        positions = cache["positions"]
        probe = _path(problem.pointer)
        while probe and probe not in positions:
            probe = probe[:-1]
        line, column = position(text, positions.get(probe, 0))
        return Problem(
            problem.index, problem.pointer, line, column + 1, problem.message, problem.kind
        )

    return locate


def _path(pointer_text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for raw in pointer_text.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(token) if token.isascii() and token.isdigit() else token)
    return tuple(parts)


def _read_phi_fast(data: str | bytes, dialect: str) -> PhiSession | None:
    """The session when orjson's tree is provably serde_json's (orjson writes it back byte for
    byte, compact or pretty-printed with 2 spaces: no repeated key, no ``-0``, floats in
    shortest form) and a dialect reads every message without a note; None sends the document
    to the exact path (which also gives positions)."""
    import orjson

    from .codec.reader import Bail

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    try:
        root = orjson.loads(raw)
        if orjson.dumps(root, option=orjson.OPT_INDENT_2) != raw and orjson.dumps(root) != raw:
            return None
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, TypeError):
        return None
    sites, shape_problems, layout = _phi_sites(root)
    if shape_problems or not sites:
        return None
    names = [resolve(dialect)] if dialect != "auto" else phi_session_dialects()
    for name in names:
        try:
            session = _read_phi(sites, name, lambda p: p, layout, fast=True)
        except ConversationError:
            continue
        except (Bail, RecursionError):
            return None  # a float serde may read differently, or too deep: the exact path
        if not session.notes:
            return session
    return None


def _read_phi(
    sites: list[tuple[tuple[Any, ...], Any, bool]],
    dialect: str,
    locate: Callable[[Problem], Problem],
    layout: str,
    fast: bool = False,
) -> PhiSession:
    spec = get_spec(dialect)
    session = PhiSession(dialect, layout=layout)
    problems: list[Problem] = []
    for base, items, single in sites:
        reader = Reader(spec, fast=fast)
        records = []
        for i, item in enumerate([items] if single else items):
            try:
                records.append(reader.message(item, i))
            except Reject as why:
                rest = why.path[1:]
                path = (*base, *rest) if single else (*base, *why.path)
                problems.append(
                    locate(
                        Problem(
                            None if single else i, pointer(path), None, None, why.message, why.kind
                        )
                    )
                )
        for note in reader.notes:
            path = (*base, *note.path[1:]) if single else (*base, *note.path)
            index = None if single else element_index(note.path)
            session.notes.append(locate(Problem(index, path, None, None, note.cause, note.kind)))
        session.arrays.append(MessageArray(base, records, single))
    if problems:
        raise ConversationError(problems)
    return session
