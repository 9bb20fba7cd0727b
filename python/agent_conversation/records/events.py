"""Agent event streams: one ``AgentEvent`` or a JSONL stream of them, read and written exactly.

Each event is ``serde_json::from_str::<AgentEvent>`` / ``serde_json::to_string``; a stream is one
event per line (blank lines skipped), written one per line with a newline after each. Problems
carry the 1-based line number. ``history_from_events`` gives the conversation a stream describes:
the messages of each run's ``AgentEnd`` (what ``save_messages()`` returns after runs that started
from an empty history, or from the ``start`` history given), or, for a run without one, the
messages of its ``MessageEnd`` events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from ..codec.jsonparse import JsonSyntaxError, parse_value, position, value_positions
from ..codec.reader import Reject
from ..conversation import Conversation
from ..errors import ConversationError, Problem, decode_utf8, pointer
from .compaction_loop import RunCompaction
from .configs import Config
from .event_models import (
    EVENT_VERSIONS,
    event_model,
    event_version,
    history_roles,
    revert_rule,
)
from .model import ModelReader, to_json
from .types import AgentEvent

_ROOT = "AgentEvent"  # the root type of every events schema (its $ref)


@dataclass
class EventStream:
    dialect: str  # the modeled crate version, e.g. "yoagent@0.26.6"
    events: list[AgentEvent] = field(default_factory=list)  # written forms
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


def _read_line(line: str, number: int, reader: ModelReader, index: int) -> AgentEvent:
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
        return cast(AgentEvent, reader.read(value, _ROOT, ()))
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


def loads_event(data: str | bytes, dialect: str = "auto") -> AgentEvent:
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
            return cast(AgentEvent, reader.read(value, _ROOT, ()))
        except Reject as why:
            if error is None:
                error = ConversationError(
                    [Problem(None, pointer(why.path), None, None, why.message, why.kind)]
                )
    assert error is not None
    raise error


def dumps_event(event: AgentEvent | Mapping[str, Any], float_format: str = "ryu") -> str:
    """``serde_json::to_string`` of one event's written form."""
    return to_json(event, float_format)


def dumps_events(stream: EventStream, float_format: str = "ryu") -> str:
    """One event per line, each followed by a newline."""
    return "".join(to_json(e, float_format) + "\n" for e in stream.events)


_MARKS = "marks"  # the key of an x-history annotation that says what the event marks


def _roles(name: str) -> tuple[str, dict[str, dict[str, str]]]:
    """The event tag key and {tag value: x-history annotation} of a modeled crate version."""
    tag = event_model(name).enums[_ROOT].tag
    assert tag is not None
    return tag, history_roles(name)


def _plain(stream: EventStream) -> list[dict[str, Any]]:
    """The events as plain dicts, for reading keys named by the tables."""
    return cast("list[dict[str, Any]]", stream.events)


def _revert_event(event: dict[str, Any], role: dict[str, str]) -> dict[str, Any]:
    """A revert event's parts by their x-history names (target, category, summary, abandoned)."""
    return {part: event[key] for part, key in role.items() if part != _MARKS}


def split_runs(data: str | bytes, dialect: str = "auto") -> list[str]:
    """The stream cut into runs (each from its ``AgentStart`` line), as text, lines unchanged.

    Lines before the second ``AgentStart`` belong to the first run. Feed each run to
    :func:`history_from_events` with the history the app held when that run started.
    """
    text = decode_utf8(data)
    stream = loads_events(text, dialect)
    tag, roles = _roles(stream.dialect)
    starts = [
        line
        for event, line in zip(_plain(stream), stream.lines, strict=True)
        if roles.get(event[tag], {}).get(_MARKS) == "run-start"
    ]
    lines = text.split("\n")
    cuts = [1, *starts[1:]]
    out = []
    for i, first in enumerate(cuts):
        last = cuts[i + 1] - 1 if i + 1 < len(cuts) else len(lines)
        out.append("\n".join(lines[first - 1 : last]) + ("\n" if i + 1 < len(cuts) else ""))
    return out


def history_from_events(
    data: str | bytes,
    dialect: str = "auto",
    start: str | bytes | Conversation | None = None,
    context_config: Config | str | bytes | Mapping[str, Any] | None = None,
) -> Conversation:
    """The conversation an event stream describes, as a :class:`~..conversation.Conversation`.

    ``start`` is the history the stream's first run started from (a saved conversation's text or
    a :class:`~..conversation.Conversation` of the same crate version; default: empty). Per run
    (``AgentStart`` … ``AgentEnd``) the run's new messages are appended: the ``AgentEnd``
    messages (the crates put exactly the run's new messages there, prompts included), else, for
    a run that did not end, the ``MessageEnd`` messages seen. phi-core's ``RevertApplied`` tags
    the target message the way that crate version's loop does (the event carries what it needs).

    yoagent's ``DefaultCompaction`` rewrites the history before a model request when it is over
    the ``ContextConfig`` budget and emits no event; ``AgentEnd`` only counts it
    (``stats.compactions``). Pass ``context_config`` (the ``ContextConfig`` the agent ran with:
    a :class:`~.configs.Config` from ``loads_config``, its JSON text or its record; an ``Agent``
    without one runs with ``ContextConfig::default()`` or ``from_context_window``) and each run
    is replayed as the crate's loop does it (:mod:`.compaction_loop`; yoagent 0.18.x and
    0.26.6), checked against that count. A run that reports compactions without it is refused.
    A run without ``AgentEnd`` is rebuilt from its ``MessageEnd`` messages, whose tool results
    carry the whole output: with ``context_config`` they are cut to the line cap as the loop
    appended them (``truncate_tool_output_on_append``); without it they stay whole.

    What no event carries, so no stream can tell: records the app adds between runs (an Agent
    API ``append_message``, a yoagent session fork with ``replace_messages``) — cut the stream
    with :func:`split_runs` and pass each run the history the app held when it started. Nor the
    result of ``LlmCompaction`` (its ``ContextCompacted`` carries counts and the summary, not
    the history) or of phi-core's ``CompactionEnded`` and ``PrunApplied``: streams with such
    an event are refused.
    """
    from ..api import loads
    from ..dialects import resolve

    stream = loads_events(data, dialect)
    messages: list[Any] = _start_messages(start, stream.dialect)
    compaction = RunCompaction(dialect, stream.dialect, context_config)
    last = 0  # the line of the event seen last
    run: list[Any] = []
    ended = False
    turn = 0
    reverts: list[tuple[dict[str, Any], int]] = []  # RevertApplied events of this run, turn
    tag, roles = _roles(stream.dialect)
    for event, line in zip(_plain(stream), stream.lines, strict=True):
        kind = event[tag]
        role = roles.get(kind, {})
        marks = role.get(_MARKS)
        if marks == "rewrite":
            raise ConversationError(
                [Problem(None, pointer((tag,)), line, None, f"a {kind} event rewrites the "
                         "history without recording the result: the history cannot be rebuilt",
                         "shape")]
            )  # fmt: skip
        if marks == "run-start":
            if not ended:
                new = _tagged(run, messages, reverts, stream.dialect)
                messages = compaction.apply(messages, new, None, last, ended=False)
            run, ended, turn, reverts = [], False, 0, []
        elif marks == "turn-start":
            turn = event[role["index"]] + 1
        elif marks == "message-end":
            run.append(event[role["record"]])
        elif marks == "revert" and event[role["applied"]] and event[role["target"]] is not None:
            reverts.append((_revert_event(event, role), turn))
        elif marks == "run-end":
            new = _tagged(event[role["messages"]], messages, reverts, stream.dialect)
            reported = event[role["stats"]][role["compactions"]] if "stats" in role else None
            messages = compaction.apply(messages, new, reported, line)
            run, ended, reverts = [], True, []
        last = line
    if not ended:
        new = _tagged(run, messages, reverts, stream.dialect)
        messages = compaction.apply(messages, new, None, last, ended=False)
    return loads(to_json(messages), resolve(stream.dialect))


def _start_messages(start: str | bytes | Conversation | None, name: str) -> list[Any]:
    """The written form of each message of ``start``, read as the stream's crate version."""
    if start is None:
        return []
    from ..api import dumps
    from ..dialects import resolve

    if isinstance(start, Conversation):
        start = dumps(start, resolve(name))
    text = decode_utf8(start)
    reader = ModelReader(event_model(name))
    try:
        value = parse_value(text)
        return reader.read(value, ("vec", "agent_message"), ())  # type: ignore[no-any-return]
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        raise ConversationError(
            [Problem(None, "", line, column, f"start: {err.code}", "syntax")]
        ) from None
    except Reject as why:
        raise ConversationError(
            [Problem(None, pointer(why.path), None, None, f"start: {why.message}", why.kind)]
        ) from None


def _tool_names(span: list[Any], rule: dict[str, Any]) -> list[str]:
    """The tools the messages of ``span`` call or answer, in order, once each, minus the
    revert tool itself (the x-revert-tag ``skip_tools``)."""
    keys, holders = rule["keys"], rule["holders"]
    result_tag, result = holders["tool-result-name"]
    call_tag, call = holders["tool-call-name"]
    names: list[str] = []
    for m in span:
        if m[result_tag] == result:
            found = [m[keys["tool-result-name"]]]
        else:
            blocks = m[keys["blocks"]]
            found = [b[keys["tool-call-name"]] for b in blocks if b[call_tag] == call]
        names += [n for n in found if n not in rule["skip_tools"] and n not in names]
    return names


def _revert_tag(
    event: dict[str, Any], target: dict[str, Any], history: list[Any], turn: int, dialect: str
) -> dict[str, Any] | None:
    """The NodeTag phi-core's ``apply_revert`` attaches to the target (None: no tag)."""
    rule = revert_rule(dialect)
    keys = rule["keys"]
    kind = rule["kinds"][event["category"]]
    summary = event["summary"] or ""
    abandoned = event["abandoned"]
    if not rule["breadcrumb"]:
        text = summary
    else:  # a breadcrumb naming the abandoned tools; pinned kinds may attach nothing
        decayable = kind in rule["decaying"]
        result_tag, result = rule["holders"]["tool-result-name"]
        pinned = not decayable and target[result_tag] == result
        span = [] if pinned else [target]
        span += [
            m
            for m in history
            if keys["extension-only"] not in m and m.get(keys["node-id"]) in abandoned
        ]
        names = _tool_names(span, rule)
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
    tag = {
        keys["tag-abandoned"]: abandoned,
        keys["tag-turn"]: turn,
        keys["tag-kind"]: kind,
        keys["tag-text"]: text,
    }
    return dict(sorted(tag.items()))  # phi-core writes LLM messages with sorted keys


def _tagged(
    run: list[Any], before: list[Any], reverts: list[tuple[dict[str, Any], int]], dialect: str
) -> list[Any]:
    """Attach revert tags to their target messages (in this run, else earlier in the history)."""
    history = before + run
    keys = revert_rule(dialect)["keys"] if reverts else {}
    for event, turn in reverts:
        for message in reversed(history):
            if (
                keys["extension-only"] not in message
                and message.get(keys["node-id"]) == event["target"]
            ):
                tag = _revert_tag(event, message, history, turn, dialect)
                if tag is None:
                    break
                message[keys["tag-list"]] = [*message.get(keys["tag-list"], []), tag]
                for key in sorted(message):  # phi-core writes LLM messages with sorted keys
                    message[key] = message.pop(key)
                break
    return run
