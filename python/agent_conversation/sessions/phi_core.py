"""phi-core session documents: the AgentMessages inside what ``save_session`` writes.

phi-core (>= 0.7) ``save_session`` writes ``serde_json::to_writer_pretty(Session)``: the
AgentMessages live in ``loops[i].messages``, ``loops[i].turns[j].input_messages``,
``.output_message`` and ``.tool_results``. :func:`loads_phi_session` reads exactly those (any
other document: every ``messages`` array in it) and reports pointers into the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..best_reading import best_reading
from ..codec.fastread import FastReader
from ..codec.floats import FloatLog, drift_cause, surviving
from ..codec.jsonparse import JsonSyntaxError, parse_value, position, value_positions
from ..codec.numbers import DEFAULT_FLOAT_FORMAT
from ..codec.orjson_tree import written_by_orjson
from ..codec.reader import Bail, Reader, Reject
from ..codec.spec import get_spec
from ..dialects import known_dialects, resolve
from ..errors import (
    ConversationError,
    Problem,
    decode_utf8,
    element_index,
    pointer,
    require_document,
)


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
    # the fast path's tree of the whole document, provably serde_json's (the document check
    # reads it instead of parsing the text again); None after the exact path
    root: Any = field(default=None, repr=False, compare=False)
    # the fast path's reading of each message: id(raw) -> (raw, record)
    read: dict[int, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def memo(self) -> dict[int, Any]:
        """The messages read so far, for the whole-document check (records.model.ModelReader
        reads a message it finds here without reading it again)."""
        known = {(key, "record"): pair for key, pair in self.read.items()}
        return {id(get_spec(self.dialect)): known}


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
    return loads_phi_session_exact(data, dialect)


def loads_phi_session_exact(data: str | bytes, dialect: str = "auto") -> PhiSession:
    """The exact path over the whole document (the reference the fast path is tested
    against; it also gives positions)."""
    require_document(data)
    text = decode_utf8(data)
    from ..codec.parsed import syntax_problem

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
    best = best_reading(
        names, lambda name, _: _read_phi(sites, name, locate, layout), lambda s: s.notes
    )
    return _phi_floats(best, text, floats)


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

    def refuse(path: tuple[Any, ...], words: str, kind: str) -> None:
        problems.append(Problem(None, pointer(path), None, None, words, kind))

    def need_array(container: dict[str, Any], key: str, path: tuple[Any, ...]) -> None:
        if key not in container:
            refuse(path, f"missing field `{key}`", "missing-key")
        elif not isinstance(container[key], list):
            refuse((*path, key), f"`{key}` must be an array", "wrong-type")
        else:
            sites.append(((*path, key), container[key], False))

    if isinstance(root, dict) and isinstance(root.get("loops"), list):
        for i, record in enumerate(root["loops"]):
            where = ("loops", i)
            if not isinstance(record, dict):
                refuse(where, "a loop must be an object", "wrong-type")
                continue
            need_array(record, "messages", where)
            turns = record.get("turns")  # #[serde(default)]
            if turns is None and "turns" not in record:
                continue
            if not isinstance(turns, list):
                refuse((*where, "turns"), "`turns` must be an array", "wrong-type")
                continue
            for j, turn in enumerate(turns):
                at = (*where, "turns", j)
                if not isinstance(turn, dict):
                    refuse(at, "a turn must be an object", "wrong-type")
                    continue
                need_array(turn, "input_messages", at)
                if "output_message" in turn:
                    sites.append(((*at, "output_message"), turn["output_message"], True))
                else:
                    refuse(at, "missing field `output_message`", "missing-key")
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


def check_phi_session(data: bytes, dialect: str) -> PhiSession:
    """:func:`loads_phi_session` for a check (``validate-conversation``): where the fast path
    reads the document, a message already in its dialect's written form stays in that form in
    ``arrays`` (no record made; the lint reads wire form too)."""
    require_document(data)
    fast = _read_phi_fast(data, dialect, wire=True)
    return fast if fast is not None else loads_phi_session_exact(data, dialect)


def _read_phi_fast(data: str | bytes, dialect: str, wire: bool = False) -> PhiSession | None:
    """The session when orjson's tree is provably serde_json's (orjson writes it back byte for
    byte, compact or pretty-printed with 2 spaces: no repeated key, no ``-0``, floats in
    shortest form) and a dialect reads every message without a note; None sends the document
    to the exact path (which also gives positions)."""
    import orjson

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    try:
        root = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not written_by_orjson(raw, root):
        return None
    sites, shape_problems, layout = _phi_sites(root)
    if shape_problems or not sites:
        return None
    names = [resolve(dialect)] if dialect != "auto" else phi_session_dialects()
    for name in names:
        try:
            session = _read_phi(sites, name, lambda p: p, layout, fast=True, wire=wire)
        except ConversationError:
            continue
        except (Bail, RecursionError):
            return None  # a float serde may read differently, or too deep: the exact path
        if not session.notes:
            session.root = root
            return session
    return None


def _read_phi(
    sites: list[tuple[tuple[Any, ...], Any, bool]],
    dialect: str,
    locate: Callable[[Problem], Problem],
    layout: str,
    fast: bool = False,
    wire: bool = False,
) -> PhiSession:
    spec = get_spec(dialect)
    session = PhiSession(dialect, layout=layout)
    problems: list[Problem] = []
    quick = FastReader.for_spec(spec) if fast else None
    for base, items, single in sites:
        reader = Reader(spec, fast=fast)
        records = []
        for i, item in enumerate([items] if single else items):
            if quick is not None:
                record = _in_place(quick, item, wire)
                if record is not None:
                    records.append(record)
                    session.read[id(item)] = (item, record)
                    continue
            try:
                records.append(reader.message(item, i))
                if fast:
                    session.read[id(item)] = (item, records[-1])
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


def _in_place(quick: FastReader, item: Any, wire: bool) -> Any:
    """The record (``wire``: the message itself) of a message already exactly as the dialect
    writes it (checked in place, no float serde may read differently); None: the reader
    decides."""
    try:
        if not quick.in_place(item):
            quick.hard.clear()
            return None
    except Bail:
        quick.hard.clear()
        return None
    return item if quick.identity or wire else quick.records_of([item])[0]
