"""Agent event streams: one ``AgentEvent`` or a JSONL stream of them, read and written exactly.

Each event is ``serde_json::from_str::<AgentEvent>`` / ``serde_json::to_string``; a stream is one
event per line (blank lines skipped), written one per line with a newline after each. Problems
carry the 1-based line number. ``history_from_events`` gives the conversation a stream describes:
the messages of each run's ``AgentEnd`` (what ``save_messages()`` returns after runs that started
from an empty history), or, for a run without one, the messages of its ``MessageEnd`` events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..codec.jsonparse import JsonSyntaxError, parse_value, position, value_positions
from ..codec.reader import Reject
from ..errors import ConversationError, Problem, pointer
from .event_models import EVENT_VERSIONS, event_model, event_version
from .model import ModelReader, to_json


@dataclass
class EventStream:
    dialect: str  # the modeled crate version, e.g. "yoagent@0.26.6"
    events: list[dict[str, Any]] = field(default_factory=list)  # written forms
    lines: list[int] = field(default_factory=list)  # 1-based line of each event


def _text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConversationError(
            [Problem(None, "", None, None, f"not valid UTF-8 at byte {err.start}", "encoding")]
        ) from None


def _candidates(dialect: str) -> list[str]:
    if dialect != "auto":
        try:
            return [event_version(dialect)]
        except ValueError as err:
            raise ConversationError(str(err)) from None
    out = []
    for crate, versions in EVENT_VERSIONS.items():
        out += [f"{crate}@{v}" for v in reversed(versions)]
    return out


def _split(text: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip(" \t\r"):
            out.append((number, line))
    return out


def _read_line(line: str, number: int, reader: ModelReader, index: int) -> dict[str, Any]:
    from ..codec.document import _syntax_words

    try:
        value = parse_value(line)
    except JsonSyntaxError as err:
        _, column = err.line_column(line)
        words = _syntax_words(err.code).replace("the conversation's closing `]`", "the event")
        raise ConversationError([Problem(index, "", number, column, words, "syntax")]) from None
    except RecursionError:
        raise ConversationError(
            [Problem(index, "", number, None, "nested too deeply", "depth")]
        ) from None
    try:
        return reader.read(value, "AgentEvent", ())  # type: ignore[no-any-return]
    except Reject as why:
        at = _column(line, why.path)
        raise ConversationError(
            [Problem(index, pointer(why.path), number, at, why.message, why.kind)]
        ) from None


def _column(line: str, path: tuple[Any, ...]) -> int | None:
    start = len(line) - len(line.lstrip(" \t\r"))
    try:
        positions = value_positions(line, start, ())
    except (JsonSyntaxError, RecursionError):
        return None
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    return position(line, positions.get(probe, start))[1] + 1


def _read(text: str, name: str) -> EventStream:
    reader = ModelReader(event_model(name))
    stream = EventStream(name)
    problems: list[Problem] = []
    for index, (number, line) in enumerate(_split(text)):
        try:
            stream.events.append(_read_line(line, number, reader, index))
            stream.lines.append(number)
        except ConversationError as err:
            problems += err.problems
    if problems:
        raise ConversationError(problems)
    return stream


def loads_events(data: str | bytes, dialect: str = "auto") -> EventStream:
    """Read a JSONL stream of ``AgentEvent`` (or one event) as the crate version reads each line.

    With ``auto`` the newest modeled version of either crate that reads every line is chosen.
    """
    text = _text(data)
    first: ConversationError | None = None
    for name in _candidates(dialect):
        try:
            return _read(text, name)
        except ConversationError as err:
            if first is None or _fewer(err, first):
                first = err
    assert first is not None
    raise first


def _fewer(err: ConversationError, other: ConversationError) -> bool:
    return len(err.problems) < len(other.problems)


def loads_event(data: str | bytes, dialect: str = "auto") -> dict[str, Any]:
    """Read one event (``serde_json::from_str::<AgentEvent>``); return its written form."""
    text = _text(data)
    names = _candidates(dialect)
    error: ConversationError | None = None
    for name in names:
        reader = ModelReader(event_model(name))
        try:
            value = parse_value(text)
        except JsonSyntaxError:
            return _read_line(text, 1, reader, 0)  # raises with the position
        try:
            return reader.read(value, "AgentEvent", ())  # type: ignore[no-any-return]
        except Reject as why:
            if error is None:
                error = ConversationError(
                    [Problem(None, pointer(why.path), None, None, why.message, why.kind)]
                )
    assert error is not None
    raise error


def dumps_event(event: dict[str, Any], float_format: str = "ryu") -> str:
    """``serde_json::to_string`` of one event's written form."""
    return to_json(event, float_format)


def dumps_events(stream: EventStream, float_format: str = "ryu") -> str:
    """One event per line, each followed by a newline."""
    return "".join(to_json(e, float_format) + "\n" for e in stream.events)


def history_from_events(data: str | bytes, dialect: str = "auto") -> Any:
    """The conversation an event stream describes, as a :class:`~..conversation.Conversation`.

    Per run (``AgentStart`` … ``AgentEnd``): the ``AgentEnd`` messages, else the ``MessageEnd``
    messages seen. Runs are concatenated. Compaction rewrites a crate's history in place without
    putting the result in an event, so a stream with ``contextCompacted``/``CompactionEnded``
    is refused.
    """
    from ..api import loads
    from ..dialects import resolve

    stream = loads_events(data, dialect)
    messages: list[Any] = []
    run: list[Any] = []
    ended = False
    for event, line in zip(stream.events, stream.lines, strict=True):
        tag = event["type"]
        if tag in ("contextCompacted", "CompactionEnded", "PrunApplied", "RevertApplied"):
            raise ConversationError(
                [Problem(None, "/type", line, None, f"a {tag} event rewrites the history "
                         "without recording the result: the history cannot be rebuilt", "shape")]
            )  # fmt: skip
        if tag in ("agentStart", "AgentStart"):
            if not ended:
                messages += run
            run, ended = [], False
        elif tag in ("messageEnd", "MessageEnd"):
            run.append(event["message"])
        elif tag in ("agentEnd", "AgentEnd"):
            messages += event["messages"]
            run, ended = [], True
    if not ended:
        messages += run
    return loads(to_json(messages), resolve(stream.dialect))
