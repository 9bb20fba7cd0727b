"""The exact reader of yoagent session files: ``Session::from_jsonl`` line by line with the
exact JSON parser, every problem with its line and column (the fast path's fallback)."""

from __future__ import annotations

from typing import Any

from ..codec.floats import FloatLog, drift_cause, memory_of, surviving
from ..codec.jsonparse import DupDict, JsonSyntaxError, parse_value, position, value_positions
from ..codec.numbers import chosen_format
from ..codec.reader import Reader, Reject
from ..codec.spec import get_spec
from ..errors import Cause, ConversationError, Problem, pointer
from .lines import ENTRY_FIELDS, ENTRY_REQUIRED, ID, LABEL, MESSAGE, PARENT_ID, TIMESTAMP
from .lines import nonblank_lines as _lines
from .model import Session, SessionEntry


def read_exact(text: str, dialect: str) -> Session:
    """The session as ``dialect`` reads it, every line by the exact parser; raises
    ConversationError with every line's problems. Float drifts are kept for
    :func:`with_floats`."""
    from ..codec.parsed import syntax_problem

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
            loose_id = value.get(ID) if isinstance(value, dict) else None
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
                    (ID,),
                    f"repeated id {entry.id!r}",
                    "duplicate-id",
                )
            )
            continue
        if entry.parent_id is not None and entry.parent_id not in seen:
            words = f"parent {entry.parent_id!r} of {entry.id!r} is not defined on an earlier line"
            if unreadable:
                words += f" (line {unreadable[-1]} could not be read)"
            problems.append(_at(line, number, offset, index, (PARENT_ID,), words, "unknown-parent"))
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


def with_floats(session: Session, float_format: str) -> Session:
    """Settle the float format and report the floats the crate's restore changes."""
    detected = session.style
    chosen, assumed = chosen_format(float_format, detected)
    session.float_format = chosen
    session.float_format_detected = detected is not None
    for index, line, column, drift in session.drifts:
        words = drift_cause(drift, session.dialect, chosen, assumed)
        session.notes.append(
            Problem(index, pointer(drift.path), line, column, words, "float-drift")
        )
    session.memory = memory_of([d for _, _, _, d in session.drifts])
    session.drifts = []
    return session
