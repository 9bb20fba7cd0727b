"""The fast path of yoagent session files: every line in ``to_jsonl``'s layout, the messages
read by the codec element span by element span (:mod:`..codec.document`).

One pass over the bytes finds each line's entry fields (the layout's regexes, strings without
escapes) and its message's byte span; the codec then reads those spans as the elements of one
document (batches of them parsed by orjson, proven to split where the spans do), with the exact
parser only on a message that needs it, so problems and notes carry the file's own line and
column. Anything else (a line in another layout, a repeated id or unknown parent, a message
that is not one JSON value) returns None: the exact reader (:mod:`.yoagent_exact`) gives
serde's verdict, line by line.

Memory: the input, 16 bytes per line for the spans, the entries' own fields and (streaming)
one batch of messages (about 1 MB).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from ..codec.document import read
from ..codec.floats import memory_of
from ..codec.numbers import chosen_format
from ..codec.parsed import Parsed
from ..codec.read_result import ReadResult, drift_notes
from ..codec.split import Spans
from ..codec.wirefacts import session_line_patterns
from ..errors import ConversationError, Problem
from .lines import MESSAGE
from .model import Session, SessionEntry

_head, _tail, _ = session_line_patterns()
_U64_MAX = 2**64 - 1
# One line (without its `\n`): the entry in to_jsonl's layout (head, the message up to the
# tail, which ends the line), or nothing, between ASCII spaces that Rust's `str::trim` strips
# too (a line in another Unicode White_Space goes to the exact reader). The message is the
# greedy rest of the line before the tail: the tail holds one `,"timestamp":`, the last.
_SPACES = rb"[ \t\r\x0b\x0c]*"
_LINE = re.compile(
    _SPACES
    + rb"(?:"
    + _head
    + rb"(.*)"
    + _tail.removesuffix(rb"\Z")
    + rb")?"
    + _SPACES
    + rb"(?:\n|\Z)"
)
# problems only the exact reader words as serde does for a whole line
_LINE_KINDS = frozenset(("syntax", "encoding"))

Head = tuple[str, "str | None", int, "str | None", int]  # id, parent, timestamp, label, line


class Scan:
    """The entries' fields (``heads``) and their messages as the elements of ``parsed``."""

    def __init__(self, heads: list[Head], parsed: Parsed) -> None:
        self.heads = heads
        self.parsed = parsed


def scan(data: bytes, keep: bool = True) -> Scan | None:
    """Every non-blank line's entry fields and message span; None unless every line has
    ``to_jsonl``'s layout, ids are unique and every parent is defined on an earlier line."""
    heads: list[Head] = []
    starts: array = array("q")  # type: ignore[type-arg]
    ends: array = array("q")  # type: ignore[type-arg]
    seen: set[str] = set()
    match = _LINE.match
    size, pos, number = len(data), 0, 0
    try:
        while pos < size:
            line = match(data, pos)
            if line is None:
                return None
            pos = line.end()
            number += 1
            if line.start(3) < 0:
                continue  # a blank line
            entry_id = line.group(1)[1:-1].decode("utf-8")
            parent = line.group(2)
            parent_id = None if parent == b"null" else parent[1:-1].decode("utf-8")
            timestamp = int(line.group(4))
            label = line.group(5)
            start, end = line.span(3)
            if (
                start == end
                or timestamp > _U64_MAX
                or entry_id in seen
                or (parent_id is not None and parent_id not in seen)
            ):
                return None
            seen.add(entry_id)
            text = None if label is None else label[1:-1].decode("utf-8")
            heads.append((entry_id, parent_id, timestamp, text, number))
            starts.append(start)
            ends.append(end)
    except UnicodeDecodeError:
        return None
    if not heads:
        return None
    parsed = Parsed(data, None, True, elements=Spans(starts, ends), keep=keep)
    parsed.gapped = True
    return Scan(heads, parsed)


def read_fast(data: bytes, names: list[str], float_format: str) -> Session | None:
    """The session as the first of ``names`` that reads every message without a note reads
    it (else the one with the fewest notes); raises ConversationError when none reads it
    (the first one's problems); None sends the file to the exact reader."""
    found = scan(data)
    if found is None:
        return None
    outcome = read_messages(found.parsed, names)
    if outcome is None:
        return None
    result, _ = outcome
    return _session(found, result, float_format, result.records)


def read_messages(
    parsed: Parsed, names: list[str], make_sink: Callable[[str], Any] | None = None
) -> tuple[ReadResult, Any] | None:
    """The dialect trials of the exact reader, in the same order, on the codec: the result
    and (with ``make_sink``: records handed to it, none kept) the sink of its dialect;
    raises the first dialect's problems (as the session's) when none reads it; None when a
    problem is one only the exact reader words (a message that is not one JSON value)."""
    from ..api import _collector_paused

    with _collector_paused():
        return _trials(parsed, names, make_sink)


def _trials(
    parsed: Parsed, names: list[str], make_sink: Callable[[str], Any] | None
) -> tuple[ReadResult, Any] | None:
    first_error: ConversationError | None = None
    best: tuple[ReadResult, Any] | None = None
    for name in names:
        sink = make_sink(name) if make_sink is not None else None
        probe = [p.index for p in first_error.problems] if first_error else []
        try:
            result = read(parsed, name, sink=sink, fail_fast=first_error is not None, probe=probe)
        except ConversationError as err:
            if any(p.kind in _LINE_KINDS for p in err.problems):
                return None
            first_error = first_error or err
            continue
        if not result.notes:
            return result, sink
        if best is None or len(result.notes) < len(best[0].notes):
            best = (result, sink)
    if best is not None:
        return best
    assert first_error is not None
    raise ConversationError(as_entries(first_error.problems))


def settle_floats(
    session: Session, result: ReadResult, parsed: Parsed, float_format: str
) -> list[Problem]:
    """Set the session's float format and memory from the read; its notes, the float drifts
    last (as the exact reader's)."""
    detected = result.float_format
    chosen, assumed = chosen_format(float_format, detected)
    session.float_format = chosen
    session.float_format_detected = detected is not None
    notes = list(result.notes)
    if result.drifts:
        notes += drift_notes(parsed, result.drifts, result.dialect, chosen, assumed)
        session.memory = memory_of(result.drifts)
    return as_entries(notes)


def as_entries(problems: Iterable[Problem]) -> list[Problem]:
    """Problems the codec placed in element ``i`` (``/i/...``) as the session's
    (``/message/...`` of entry ``i``)."""
    return [
        Problem(p.index, (MESSAGE, *p.path[1:]), p.line, p.column, _worded(p), p.kind)
        for p in problems
    ]


def _worded(problem: Problem) -> Any:
    """The cause as the exact reader gives it: a refusal of every reading worded (without the
    dialect and the readings behind it), other facts as they are."""
    return problem.message if problem.context or problem.dialect else problem.cause


def stream_session(
    data: bytes, names: list[str], float_format: str, make_sink: Callable[[str], Any]
) -> tuple[Session, Any] | None:
    """Read a session whose entries form one chain (each entry's parent the one before it)
    without keeping its messages: each record goes to the sink ``make_sink(dialect)`` made for
    the dialect tried, as it is read (``validate-conversation``'s lint). The session's entries
    carry their fields and line but an empty message. None where :func:`loads_session` must
    read it (another layout, or a tree of entries); raises ConversationError as it does."""
    found = scan(data, keep=False)
    if found is None:
        return None
    previous = None
    for entry_id, parent_id, *_ in found.heads:
        if parent_id != previous:
            return None
        previous = entry_id
    outcome = read_messages(found.parsed, names, make_sink)
    if outcome is None:
        return None
    result, sink = outcome
    return _session(found, result, float_format, None), sink


def _session(
    found: Scan, result: ReadResult, float_format: str, records: list[Any] | None
) -> Session:
    """The session read: entries from the lines' fields and ``records`` (None: streamed, the
    entries' messages left empty), notes and float format from the codec's result."""
    session = Session(result.dialect)
    session.notes = settle_floats(session, result, found.parsed, float_format)
    messages = records if records is not None else [{} for _ in found.heads]
    session.entries = [
        SessionEntry(entry_id, parent_id, message, timestamp, label, line)
        for (entry_id, parent_id, timestamp, label, line), message in zip(
            found.heads, messages, strict=True
        )
    ]
    return session
