"""phi-core session documents (``save_session``: ``serde_json::to_writer_pretty(Session)``).

Per revision: 0.8 loop records carry ``events`` (``[{sequence, event: AgentEvent}]``), later
ones do not (so phi-core 0.8.0 refuses a 0.15 document: ``missing field `events```); 0.9+ turns
may carry ``request_payload``. Every message array, single message and event inside is read with
the message rules of that version. Written back byte for byte in ``to_string_pretty``'s layout.
Nested types kept as read (``raw``): a turn's ``request_payload`` and a loop's ``metadata``-like
free parts are checked as JSON only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..codec.jsonparse import JsonSyntaxError, parse_value
from ..codec.reader import Reject
from ..errors import ConversationError, Problem, pointer
from .event_models import PHI_ENUMS, PHI_STRUCTS, _phi_events, event_model
from .model import Enum, F, Model, ModelReader, d, locate, s, to_json_pretty

SESSION_VERSIONS = ("0.15.2", "0.10.0", "0.8.0")  # newest first
# Which crate versions save each layout: 0.7-0.8 (loop events, no request payloads), 0.9-0.10
# (loop events, TurnRequest events, turn request payloads; 0.10.0 checked; there is no 0.11),
# 0.12-0.15 (no loop events; 0.15.2 checked, 0.12-0.14 assumed).
LAYOUT_VERSIONS = {"0.8.0": "0.7.0–0.8.x", "0.10.0": "0.9.0–0.10.x", "0.15.2": "0.12.0–0.15.x"}
ZERO_USAGE_PHI = {
    "input": 0, "output": 0, "reasoning": 0, "cache_read": 0, "cache_write": 0, "total_tokens": 0,
}  # fmt: skip


def _structs(version: str) -> dict[str, list[F]]:
    turn_range = [F("startTurn", "u32"), F("endTurn", "u32")]
    section = [F("range", "TurnRange"), F("messages", ("vec", "agent_message"))]
    turn = [
        F("turn_id", "TurnId"),
        F("triggered_by", "TurnTrigger"),
        F("usage", "usage"),
        F("input_messages", ("vec", "agent_message")),
        F("output_message", "agent_message"),
        F("tool_results", ("vec", "agent_message")),
        F("started_at", "datetime"),
        F("ended_at", "datetime"),
    ]
    if version != "0.8.0":
        turn.append(s("request_payload", "AnnotatedRequestPayload"))
    loop = [
        F("loop_id", "str"),
        F("session_id", "str"),
        F("agent_id", "str"),
        F("parent_loop_id", ("opt", "str")),
        d("continuation_kind", ("nulldefault", "ContinuationKind", "Initial"), "Initial"),
        F("started_at", "datetime"),
        F("ended_at", ("opt", "datetime")),
        F("status", "LoopStatus"),
        F("rejection", ("opt", "str")),
        F("config", ("opt", "LoopConfigSnapshot")),
        F("messages", ("vec", "agent_message")),
        d("turns", ("vec", "Turn"), []),
        F("usage", "usage"),
        F("metadata", ("opt", "value")),
        F("events", ("vec", "LoopEvent")),
        F("children_loop_ids", ("vec", "str")),
        F("child_loop_refs", ("vec", "ChildLoopRef")),
        F("parallel_group", ("opt", "ParallelGroupRecord")),
        s("compaction_block", "CompactionBlock"),
    ]
    if version not in ("0.8.0", "0.10.0"):
        loop = [f for f in loop if f.name != "events"]
    structs = dict(PHI_STRUCTS)
    structs.update(
        TurnRange=turn_range,
        CompactedSection=section,
        CompactionBlock=[
            s("keep_first", "TurnRange"),
            s("keep_recent", "CompactedSection"),
            s("keep_compacted", "CompactedSection"),
            F("createdAt", "datetime"),
        ],
        TurnId=[F("loopId", "str"), F("turnIndex", "u32")],
        Turn=turn,
        LoopEvent=[F("sequence", "u64"), F("event", "AgentEvent")],
        ChildLoopRef=[
            F("tool_call_id", "str"),
            F("tool_name", "str"),
            F("child_loop_id", "str"),
            F("child_session_id", "str"),
        ],  # fmt: skip
        SpawnRef=[
            F("parent_session_id", "str"),
            F("parent_loop_id", "str"),
            F("tool_call_id", "str"),
            F("tool_name", "str"),
        ],  # fmt: skip
        ParallelGroupRecord=[
            F("all_loop_ids", ("vec", "str")),
            F("selected_loop_id", "str"),
            F("selected_config_index", "usize"),
            F("evaluation_usage", "usage"),
            F("is_selected", "bool"),
        ],  # fmt: skip
        LoopRecord=loop,
        Session=[
            F("session_id", "str"),
            F("agent_id", "str"),
            F("created_at", "datetime"),
            F("last_active_at", "datetime"),
            F("formation", "SessionFormation"),
            F("parent_spawn_ref", ("opt", "SpawnRef")),
            d("scope", "SessionScope", "ephemeral"),
            F("loops", ("vec", "LoopRecord")),
        ],
    )
    return structs


def _enums(version: str) -> dict[str, Enum]:
    enums = dict(PHI_ENUMS)
    enums.update(
        AgentEvent=_phi_events(version),
        SessionFormation=Enum(
            {
                "Explicit": [F("timestamp", "datetime")],
                "FirstLoop": [F("timestamp", "datetime")],
                "InactivityTimeout": [
                    F("threshold_secs", "u64"),
                    F("previous_session_id", ("opt", "str")),
                    F("timestamp", "datetime"),
                ],
            }
        ),
        LoopStatus=Enum(
            {n: None for n in ("Pending", "Running", "Completed", "Rejected", "Aborted")}
        ),
        SessionScope=Enum({"ephemeral": None, "persistent": None}),
    )
    return enums


@cache
def session_model(version: str) -> Model:
    base = event_model(f"phi-core@{version}")
    return Model(base.spec, _structs(version), _enums(version), f"phi-core@{version}")


@dataclass
class PhiSessionDocument:
    """A phi-core session read as one crate version (``version``) reads it."""

    version: str  # "0.8.0" or "0.15.2": the session layout it was read as
    value: dict[str, Any]  # the written form (what save_session would write after loading)
    notes: list[Problem] = field(default_factory=list)

    @property
    def dialect(self) -> str:
        return f"phi-core@{self.version}"


def _versions(dialect: str) -> list[str]:
    if dialect == "auto":
        return list(SESSION_VERSIONS)
    crate, _, version = dialect.partition("@")
    if crate != "phi-core":
        raise ConversationError(f"{dialect}: session documents are phi-core's")
    if version in ("", "latest"):
        return [SESSION_VERSIONS[0]]
    parts = tuple(int(p) for p in version.split(".") if p.isdigit())
    if parts < (0, 7):
        raise ConversationError(f"{dialect}: session documents are modeled from phi-core 0.7")
    return ["0.8.0" if parts < (0, 9) else "0.10.0" if parts < (0, 12) else "0.15.2"]


def loads_phi_document(data: str | bytes, dialect: str = "auto") -> PhiSessionDocument:
    """Read a whole phi-core session document as ``load_session`` of that version does.

    ``auto`` tries phi-core 0.15.2's layout, then 0.8.0's. Problems carry a JSON pointer from
    the document root and serde's line/column.
    """
    text = data if isinstance(data, str) else bytes(data).decode("utf-8", "surrogateescape")
    from ..codec.document import _syntax_words

    try:
        root = parse_value(text)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        words = _syntax_words(err.code).replace("the conversation's closing `]`", "the document")
        raise ConversationError(
            [Problem(None, pointer(err.path or ()), line, column, words, "syntax")]
        ) from None
    return read_phi_document(root, text, _versions(dialect))


def read_phi_document(
    root: Any,
    text: str | bytes,
    versions: list[str],
    memo: dict[int, Any] | None = None,
    locate_problems: bool = True,
    written: bool = True,
) -> PhiSessionDocument:
    """Read an already parsed document under the first of ``versions`` whose layout fits.

    ``memo``: messages already read (kept between calls on the same tree); the problem is
    placed (a parse of the whole text) only when no version reads it and ``locate_problems``.
    ``written=False``: only the verdict is wanted (the messages in ``value`` stay records).
    """
    first: tuple[str, Reject] | None = None
    for version in versions:
        reader = ModelReader(session_model(version), memo, written)
        try:
            value = reader.read(root, "Session", ())
        except Reject as why:
            first = first or (version, why)
            continue
        return PhiSessionDocument(version, value)
    assert first is not None
    version, refused = first
    words = f"{refused.message} (phi-core {version})"
    if not locate_problems:
        where = pointer(refused.path)
        raise ConversationError([Problem(None, where, None, None, words, refused.kind)])
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    raise ConversationError([locate(text, refused.path, words, refused.kind)])


def dumps_phi_document(doc: PhiSessionDocument, float_format: str = "ryu") -> str:
    """What ``save_session`` writes for this document (no newline at the end)."""
    return to_json_pretty(doc.value, float_format)


def convert_phi_document(
    doc: PhiSessionDocument, target: str
) -> tuple[PhiSessionDocument, list[Problem]]:
    """The same session laid out for another phi-core version, and what that loses.

    0.7–0.8 documents need loop ``events`` (a newer document gets none: ``[]``, which 0.8 loads);
    going down drops turn ``request_payload``, ``TurnRequest`` events and message
    ``provenanceHint`` (0.9+); going up keeps events only where the target layout has them.
    """
    (version,) = _versions(target)
    losses: list[Problem] = []
    value = json.loads(to_json_pretty(doc.value))  # a plain copy of the written form
    for i, loop in enumerate(value.get("loops", [])):
        has_events = version in ("0.8.0", "0.10.0")
        if has_events and "events" not in loop:
            loop["events"] = []
            losses.append(Problem(None, f"/loops/{i}", None, None,
                                  "no loop events to carry: written as []", "added"))  # fmt: skip
        if not has_events and loop.get("events"):
            dropped = f"{len(loop['events'])} loop events dropped"
            losses.append(Problem(None, f"/loops/{i}/events", None, None, dropped, "loss"))
        if version == "0.8.0":
            for j, event in enumerate(loop.get("events", [])):
                if event.get("event", {}).get("type") == "TurnRequest":
                    losses.append(Problem(None, f"/loops/{i}/events/{j}", None, None,
                                          "TurnRequest event dropped", "loss"))  # fmt: skip
            loop["events"] = [
                e for e in loop.get("events", []) if e.get("event", {}).get("type") != "TurnRequest"
            ]
            for j, turn in enumerate(loop.get("turns", [])):
                if "request_payload" in turn:
                    losses.append(Problem(None, f"/loops/{i}/turns/{j}/request_payload", None,
                                          None, "request payload dropped", "loss"))  # fmt: skip
            losses += _provenance_losses(loop, f"/loops/{i}")
    text = json.dumps(value)
    reader = ModelReader(session_model(version))
    try:
        converted = reader.read(parse_value(text), "Session", ())
    except Reject as why:
        raise ConversationError(
            [Problem(None, pointer(why.path), None, None, why.message, why.kind)]
        ) from None
    return PhiSessionDocument(version, converted), losses


def _provenance_losses(value: Any, where: str) -> list[Problem]:
    out: list[Problem] = []
    if isinstance(value, dict):
        if "provenanceHint" in value and "role" in value:
            why = "provenanceHint has no place before phi-core 0.9"
            out.append(Problem(None, where + "/provenanceHint", None, None, why, "loss"))
        for key, item in value.items():
            out += _provenance_losses(item, f"{where}/{key}")
    elif isinstance(value, list):
        for k, item in enumerate(value):
            out += _provenance_losses(item, f"{where}/{k}")
    return out
