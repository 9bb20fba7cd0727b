"""yoagent session files (``Session::to_jsonl`` / ``from_jsonl``, yoagent >= 0.11).

One compact JSON object per line: ``id``, ``parent_id`` (string or null, always written),
``message`` (one AgentMessage in that version's dialect), ``timestamp`` (u64), then an optional
``label``. Loading trims each line and skips blank ones, refuses a repeated id and a parent that
no earlier line defined. Problems carry the 1-based line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .codec.jsonparse import DupDict, JsonSyntaxError, parse_value, position, value_positions
from .codec.reader import Reader, Reject
from .codec.spec import get_spec
from .codec.writer import write
from .dialects import known_dialects, resolve
from .errors import ConversationError, Problem, pointer

ENTRY_FIELDS = ("id", "parent_id", "message", "timestamp", "label")


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
    dialect: str
    entries: list[SessionEntry] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def head(self) -> str | None:
        return self.entries[-1].id if self.entries else None


def session_dialects() -> list[str]:
    """Revisions whose crate versions have sessions (yoagent >= 0.11), newest first."""
    out = []
    for name in reversed(known_dialects()):
        if not name.startswith("yoagent@"):
            continue
        upper = _upper(name)
        if upper is None or upper > (0, 11, 0):
            out.append(name)
    return out


def _upper(name: str) -> tuple[int, ...] | None:
    from .models.wire import REVISIONS

    for bound in REVISIONS[name]["versions"]:
        if bound.startswith("<"):
            return tuple(int(p) for p in bound.lstrip("<=").split("."))
    return None


def loads_session(data: str | bytes, dialect: str = "auto") -> Session:
    """Read a session file; raise ConversationError listing every problem."""
    text = _text(data)
    if dialect != "auto":
        return _read(text, resolve(dialect))
    first_error: ConversationError | None = None
    best: Session | None = None
    for name in session_dialects():
        try:
            session = _read(text, name)
        except ConversationError as err:
            first_error = first_error or err
            continue
        if not session.notes:
            return session
        if best is None or len(session.notes) < len(best.notes):
            best = session
    if best is not None:
        return best
    assert first_error is not None
    raise first_error


def _text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConversationError(
            [Problem(None, "", None, None, f"not valid UTF-8 (byte {err.start})", "encoding")]
        ) from None


def _read(text: str, dialect: str) -> Session:
    spec = get_spec(dialect)
    session = Session(dialect)
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip()
        if not line:
            continue
        offset = len(raw_line) - len(raw_line.lstrip())
        index = len(session.entries)
        try:
            value = parse_value(line)
        except JsonSyntaxError as err:
            _, column = err.line_column(line)
            problems.append(Problem(index, "", number, column + offset, err.code, "syntax"))
            continue
        reader = Reader(spec)
        try:
            entry = _entry(value, reader, index)
        except Reject as why:
            problems.append(_at(line, number, offset, index, why.path, why.message, why.kind))
            continue
        entry.line = number
        for note in reader.notes:
            session.notes.append(
                _at(line, number, offset, index, note.path, note.message, note.kind)
            )
        if entry.id in seen:
            problems.append(
                Problem(
                    index, "/id", number, 1 + offset, f"repeated id {entry.id!r}", "duplicate-id"
                )
            )
            continue
        if entry.parent_id is not None and entry.parent_id not in seen:
            problems.append(
                Problem(
                    index,
                    "/parent_id",
                    number,
                    1 + offset,
                    f"parent {entry.parent_id!r} of {entry.id!r} is not defined on an earlier line",
                    "unknown-parent",
                )
            )
            continue
        seen.add(entry.id)
        session.entries.append(entry)
    if problems:
        raise ConversationError(problems)
    return session


def _at(
    line: str, number: int, offset: int, index: int, path: tuple[Any, ...], message: str, kind: str
) -> Problem:
    positions = value_positions(line, len(line) - len(line.lstrip()), ())
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    start = positions.get(probe, 0)
    _, column = position(line, start)
    return Problem(index, pointer(path), number, column + 1 + offset, message, kind)


def _entry(value: Any, reader: Reader, index: int) -> SessionEntry:
    if isinstance(value, list):
        value = _entry_from_sequence(value, reader)
    if not isinstance(value, dict):
        raise Reject((), "a session line must be a JSON object", "type")
    if isinstance(value, DupDict):
        for key in value.duplicates:
            if key in ENTRY_FIELDS:
                raise Reject((key,), f"duplicate field `{key}`", "duplicate-key")
    for key in value:
        if key not in ENTRY_FIELDS:
            reader.note((key,), f"unknown key `{key}` would be dropped", "unknown-key")
    for key in ("id", "message", "timestamp"):
        if key not in value:
            raise Reject((), f"missing field `{key}`", "missing")
    entry_id = value["id"]
    if not isinstance(entry_id, str):
        raise Reject(("id",), "`id` must be a string", "type")
    parent = value.get("parent_id")
    if parent is not None and not isinstance(parent, str):
        raise Reject(("parent_id",), "`parent_id` must be a string or null", "type")
    timestamp = Reader.u64(value["timestamp"], ("timestamp",))
    label = value.get("label")
    if label is not None and not isinstance(label, str):
        raise Reject(("label",), "`label` must be a string", "type")
    try:
        message = reader.message(value["message"], 0)
    except Reject as why:
        raise Reject(("message", *why.path[1:]), why.message, why.kind) from None
    for note in reader.notes:
        if note.path and note.path[0] == 0:
            note.path = ("message", *note.path[1:])
    return SessionEntry(entry_id, parent, message, timestamp, label)


def _entry_from_sequence(items: list[Any], reader: Reader) -> dict[str, Any]:
    """serde also reads a struct from a sequence: id, parent_id, message, timestamp[, label]."""
    if not 4 <= len(items) <= 5:
        raise Reject((), f"invalid length {len(items)}, expected 4 or 5 elements", "type")
    reader.note((), "written as a sequence; the crate writes an object", "alias")
    return dict(zip(ENTRY_FIELDS, items, strict=False))


def dumps_session(session: Session, dialect: str | None = None) -> str:
    """The exact text ``Session::to_jsonl`` writes for these entries."""
    import orjson

    target = resolve(dialect) if dialect else session.dialect
    spec = get_spec(target)
    lines = []
    problems: list[Problem] = []
    for index, entry in enumerate(session.entries):
        text, losses = write([entry.message], spec, has_float=True)
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
