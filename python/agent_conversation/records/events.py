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
from ..errors import ConversationError, Problem, decode_utf8, pointer
from .event_models import EVENT_VERSIONS, event_model, event_version
from .model import ModelReader, to_json


@dataclass
class EventStream:
    dialect: str  # the modeled crate version, e.g. "yoagent@0.26.6"
    events: list[dict[str, Any]] = field(default_factory=list)  # written forms
    lines: list[int] = field(default_factory=list)  # 1-based line of each event


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
    from ..codec.document import syntax_problem

    try:
        value = parse_value(line)
    except JsonSyntaxError as err:
        _, column = err.line_column(line)
        problem = syntax_problem(index, (), number, column, err.code, line, "the event")
        raise ConversationError([problem]) from None
    except RecursionError:
        raise ConversationError(
            [Problem(index, "", number, None, "nested too deeply", "recursion-limit")]
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
    text = decode_utf8(data)
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
    text = decode_utf8(data)
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
    messages seen; runs are concatenated. phi-core's ``RevertApplied`` tags the target message
    the way that crate version's loop does (the event carries what it needs). Compaction and
    pruning rewrite the history without putting the result in an event: such streams are
    refused. Records added to the history outside the loop (an Agent API call between runs, a
    session fork) emit no event, so they cannot be part of the result.
    """
    from ..api import loads
    from ..dialects import resolve

    stream = loads_events(data, dialect)
    messages: list[Any] = []
    run: list[Any] = []
    ended = False
    turn = 0
    reverts: list[tuple[dict[str, Any], int]] = []  # RevertApplied events of this run, turn
    for event, line in zip(stream.events, stream.lines, strict=True):
        kind = event["type"]
        if kind in ("contextCompacted", "CompactionEnded", "PrunApplied"):
            raise ConversationError(
                [Problem(None, "/type", line, None, f"a {kind} event rewrites the history "
                         "without recording the result: the history cannot be rebuilt", "shape")]
            )  # fmt: skip
        if kind in ("agentStart", "AgentStart"):
            if not ended:
                messages += _tagged(run, messages, reverts, stream.dialect)
            run, ended, turn, reverts = [], False, 0, []
        elif kind == "TurnStart":
            turn = event["turn_index"] + 1
        elif kind in ("messageEnd", "MessageEnd"):
            run.append(event["message"])
        elif kind == "RevertApplied" and event["applied"] and event["target"] is not None:
            reverts.append((event, turn))
        elif kind in ("agentEnd", "AgentEnd"):
            messages += _tagged(event["messages"], messages, reverts, stream.dialect)
            run, ended, reverts = [], True, []
    if not ended:
        messages += _tagged(run, messages, reverts, stream.dialect)
    return loads(to_json(messages), resolve(stream.dialect))


_TAG_KINDS = {"failure": "lesson", "tangent": "finding", "completion": "outcome",
              "step-summary": "checkpoint"}  # fmt: skip
_REVERT_TOOL = "revert_to_state"


def _revert_tag(
    event: dict[str, Any], target: dict[str, Any], history: list[Any], turn: int, dialect: str
) -> dict[str, Any] | None:
    """The NodeTag phi-core's ``apply_revert`` attaches to the target (None: no tag)."""
    kind = _TAG_KINDS[event["category"]]
    summary = event["summary"] or ""
    abandoned = event["abandoned_node_ids"]
    if dialect in ("phi-core@0.8.0", "phi-core@0.10.0"):
        text = summary
    else:  # 0.12+: a breadcrumb naming the abandoned tools; pinned kinds may attach nothing
        decayable = kind in ("lesson", "finding")
        pinned = not decayable and target["role"] == "toolResult"
        span = [] if pinned else [target]
        span += [m for m in history if "kind" not in m and m.get("nodeId") in abandoned]
        names: list[str] = []
        for m in span:
            if m["role"] == "toolResult":
                found = [m["toolName"]]
            else:
                found = [b["name"] for b in m["content"] if b["type"] == "toolCall"]
            names += [n for n in found if n != _REVERT_TOOL and n not in names]
        summary = summary.strip()
        joined = ", ".join(names)
        if summary and names:
            text = f"reverted past: {summary} ({joined} abandoned)"
        elif summary:
            text = f"reverted past: {summary}"
        elif names:
            text = f"reverted past: {joined} (abandoned)"
        else:
            text = ""
        if not decayable and not abandoned:
            return None
    return {"abandoned_node_ids": abandoned, "created_at_turn": turn, "kind": kind, "text": text}


def _tagged(
    run: list[Any], before: list[Any], reverts: list[tuple[dict[str, Any], int]], dialect: str
) -> list[Any]:
    """Attach revert tags to their target messages (in this run, else earlier in the history)."""
    history = before + run
    for event, turn in reverts:
        for message in reversed(history):
            if "kind" not in message and message.get("nodeId") == event["target"]:
                tag = _revert_tag(event, message, history, turn, dialect)
                if tag is None:
                    break
                message["tags"] = [*message.get("tags", []), tag]
                for key in sorted(message):  # phi-core writes LLM messages with sorted keys
                    message[key] = message.pop(key)
                break
    return run
