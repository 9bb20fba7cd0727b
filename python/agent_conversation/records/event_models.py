"""``AgentEvent`` of each crate version, as :mod:`.model` tables (read off the crates' sources).

yoagent (from 0.13; 0.12 events are not serializable): tagged by ``type`` in camelCase, fields
camelCase. phi-core: tagged by ``type`` in PascalCase, fields snake_case, every event carries
``loop_id``; 0.9+ adds ``TurnRequest`` (so 0.8 cannot read 0.15's streams). Nested types this
package does not model field by field (phi-core's request payload, compaction blocks, revert
targets) are ``raw``: checked to be JSON and written back as read.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..codec.spec import get_spec
from ..dialects import resolve
from .model import Enum, F, Model, d, s

ZERO_USAGE_YO = {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 0}
DEFAULT_STATS = {"usage": ZERO_USAGE_YO, "turns": 0, "compactions": 0}
DELTA = Enum({name: [F("delta", "str")] for name in ("text", "thinking", "toolCallDelta")}, "type")


def _yoagent_events(version: str) -> Enum:
    tool = [F("toolCallId", "str"), F("toolName", "str")]
    end_fields: list[F] = [F("messages", ("vec", "agent_message"))]
    if version != "0.13.0":
        end_fields.append(d("stats", "SessionStats", DEFAULT_STATS))
    variants: dict[str, Any] = {
        "agentStart": None,
        "agentEnd": end_fields,
        "turnStart": None,
        "turnEnd": [F("message", "agent_message"), F("toolResults", ("vec", "message"))],
        "messageStart": [F("message", "agent_message")],
        "messageUpdate": [F("message", "agent_message"), F("delta", "StreamDelta")],
        "messageEnd": [F("message", "agent_message")],
        "toolExecutionStart": [*tool, F("args", "value")],
        "toolExecutionUpdate": [*tool, F("partialResult", "ToolResult")],
        "toolExecutionEnd": [*tool, F("result", "ToolResult"), F("isError", "bool")],
        "progressMessage": [*tool, F("text", "str")],
        "inputRejected": [F("reason", "str")],
    }
    if version not in ("0.13.0", "0.17.0"):
        variants["loopDetected"] = [
            F("toolName", "str"), F("repetitions", "usize"), F("aborted", "bool"),
        ]  # fmt: skip
    if version != "0.13.0":
        variants["contextCompacted"] = [
            F("method", "CompactionMethod"),
            F("messagesBefore", "usize"),
            F("messagesAfter", "usize"),
            F("tokensBefore", "usize"),
            F("tokensAfter", "usize"),
            F("summary", ("opt", "SummaryStats")),
        ]
    if version == "0.26.6":
        variants["providerRetry"] = [
            F("attempt", "usize"), F("maxAttempts", "usize"), F("error", "str"),
            F("delayMs", "u64"),
        ]  # fmt: skip
        order = list(variants)
        order.remove("providerRetry")
        order.insert(order.index("loopDetected"), "providerRetry")
        variants = {k: variants[k] for k in order}
    return Enum(variants, tag="type")


def _spend(counter: str) -> list[F]:
    return [
        d("usage", "usage", ZERO_USAGE_YO),
        s("costUsd", "f64"),
        d(counter, "u32", 0),
    ]


def _is_empty_spend(counter: str) -> Any:
    def empty(value: Any) -> bool:
        return (
            value.get(counter, 0) == 0
            and value.get("usage", ZERO_USAGE_YO) == ZERO_USAGE_YO
            and value.get("costUsd") is None
        )

    return empty


def _yoagent_structs(version: str) -> dict[str, list[F]]:
    structs: dict[str, list[F]] = {
        "ToolResult": [F("content", "content"), d("details", "value", None)],
        "SummaryStats": [
            F("messagesSummarized", "usize"),
            F("usage", "usage"),
            F("costUsd", ("opt", "f64"), skip=True),
        ],
    }
    stats = [
        d("usage", "usage", ZERO_USAGE_YO),
        d("turns", "u32", 0),
        s("costUsd", "f64"),
        d("compactions", "u32", 0),
    ]
    if version == "0.26.6":
        decision = [
            d("requests", "u32", 0), d("failures", "u32", 0), d("timeouts", "u32", 0),
            d("usage", "usage", ZERO_USAGE_YO), s("costUsd", "f64"), d("unpriced", "u32", 0),
        ]  # fmt: skip
        structs.update(
            SubAgentSpend=_spend("runs"),
            DecisionStats=decision,
            CompactionSpend=_spend("requests"),
            ExtensionSpend=_spend("requests"),
        )
        for name, type_name, counter in (
            ("subAgents", "SubAgentSpend", "runs"),
            ("decision", "DecisionStats", "requests"),
            ("compaction", "CompactionSpend", "requests"),
            ("extensions", "ExtensionSpend", "requests"),
        ):
            default = {f.name: f.default for f in structs[type_name] if f.name != "costUsd"}
            stats.append(F(name, type_name, default, True, _is_empty_spend(counter)))
    structs["SessionStats"] = stats
    return structs


def _phi_events(version: str) -> Enum:
    loop = F("loop_id", "str")
    tool = [loop, F("tool_call_id", "str"), F("tool_name", "str")]
    variants: dict[str, Any] = {
        "AgentStart": [
            F("agent_id", "str"),
            F("session_id", "str"),
            loop,
            F("parent_loop_id", ("opt", "str")),
            d("continuation_kind", "ContinuationKind", "Initial"),
            F("timestamp", "datetime"),
            F("metadata", ("opt", "value")),
            s("config_snapshot", "LoopConfigSnapshot"),
        ],
        "AgentEnd": [
            loop,
            F("messages", ("vec", "agent_message")),
            F("usage", "usage"),
            F("timestamp", "datetime"),
            F("rejection", ("opt", "str")),
        ],
        "TurnStart": [
            loop,
            F("turn_index", "u32"),
            F("timestamp", "datetime"),
            F("triggered_by", "TurnTrigger"),
        ],  # fmt: skip
        "TurnRequest": [
            loop,
            F("turn_index", "u32"),
            F("payload", "AnnotatedRequestPayload"),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "TurnEnd": [
            loop,
            F("message", "agent_message"),
            F("usage", "usage"),
            F("timestamp", "datetime"),
            F("tool_results", ("vec", "message")),
        ],
        "MessageStart": [loop, F("message", "agent_message")],
        "MessageUpdate": [loop, F("message", "agent_message"), F("delta", "StreamDelta")],
        "MessageEnd": [loop, F("message", "agent_message")],
        "ToolExecutionStart": [*tool, F("args", "value")],
        "ToolExecutionUpdate": [*tool, F("partial_result", "ToolResult")],
        "ToolExecutionEnd": [
            *tool,
            F("result", "ToolResult"),
            F("is_error", "bool"),
            F("child_loop_id", ("opt", "str")),
        ],  # fmt: skip
        "ProgressMessage": [*tool, F("text", "str")],
        "InputRejected": [loop, F("reason", "str")],
        "ParallelLoopStart": [
            F("session_id", "str"),
            F("loop_ids", ("vec", "str")),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "ParallelLoopEnd": [
            F("session_id", "str"),
            F("selected_loop_id", "str"),
            F("selected_config_index", "usize"),
            F("evaluation_usage", "usage"),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "CompactionStarted": [
            loop,
            F("estimated_tokens", "usize"),
            F("message_count", "usize"),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "PrunApplied": [
            loop,
            F("tokens_removed", "usize"),
            F("messages_removed", "usize"),
            F("memo", ("opt", "str")),
            F("pruned_timestamps", ("vec", "u64")),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "RevertApplied": [
            loop,
            F("category", "RevertCategory"),
            F("target", ("opt", "u64")),
            F("abandoned_node_ids", ("vec", "u64")),
            F("summary", ("opt", "str")),
            F("applied", "bool"),
            F("reason", ("opt", "str")),
            F("timestamp", "datetime"),
        ],  # fmt: skip
        "CompactionEnded": [
            loop,
            F("messages_before", "usize"),
            F("messages_after", "usize"),
            F("estimated_tokens_before", "usize"),
            F("estimated_tokens_after", "usize"),
            F("loops_compacted", "usize"),
            F("timestamp", "datetime"),
        ],  # fmt: skip
    }
    if version == "0.8.0":
        del variants["TurnRequest"]
    return Enum(variants, tag="type")


PHI_ENUMS = {
    "ContinuationKind": Enum(
        {
            "Initial": None,
            "Default": None,
            "Rerun": [F("tag", "str")],
            "Branch": [F("tag", "str")],
            "Compaction": None,
        }
    ),
    "TurnTrigger": Enum(
        {"User": None, "SubAgent": None, "Continuation": None, "Branch": None},
        aliases={"FollowUp": "Continuation"},
    ),
    "StreamDelta": Enum(
        {
            "Text": [F("delta", "str")],
            "Thinking": [F("delta", "str")],
            "ToolCallDelta": [F("delta", "str")],
        }
    ),  # fmt: skip
    "RevertCategory": Enum(
        {"failure": None, "tangent": None, "completion": None, "step-summary": None}
    ),
    "ThinkingLevel": Enum(
        {"off": None, "minimal": None, "low": None, "medium": None, "high": None}
    ),
    "ApiProtocol": Enum(
        {
            name: None
            for name in (
                "anthropic_messages",
                "open_ai_completions",
                "open_ai_responses",
                "azure_open_ai_responses",
                "google_generative_ai",
                "google_vertex",
                "bedrock_converse_stream",
            )
        }
    ),  # fmt: skip
}

PHI_ENUMS.update(
    BlockProvenance=Enum(
        {
            "system-prompt": None,
            "identity-block": [F("name", "str"), F("order", "u32")],
            "memory-tier": [F("tier", "str"), F("record_id", "str")],
            "loop-turn": [
                F("turn_index", "usize"),
                F("role", "ProvenanceRole"),
                F("message_index", "usize"),
            ],
            "steering": None,
            "follow-up": None,
            "unknown": None,
        },
        tag="kind",
    ),  # fmt: skip
    ProvenanceRole=Enum(
        {
            n: None
            for n in ("user-message", "assistant-response", "tool-call-request", "tool-call-result")
        }
    ),  # fmt: skip
    ResponseFormat=Enum(
        {
            "text": None,
            "json-object": None,
            "json-schema": [F("schema", "value"), F("name", "str"), F("strict", "bool")],
        },
        tag="kind",
    ),
)

PHI_STRUCTS: dict[str, list[F]] = {
    "AnnotatedRequestPayload": [
        F("system_prompt", "str"),
        F("messages", ("vec", "message")),
        F("provenance", ("vec", "BlockProvenance")),
        F("tools", ("vec", "ToolDefinition")),
        F("model_id", "str"),
        F("thinking_level", "ThinkingLevel"),
        F("max_tokens", ("opt", "u32")),
        F("temperature", ("opt", "f32")),
        F("response_format", "ResponseFormat"),
    ],
    "ToolDefinition": [F("name", "str"), F("description", "str"), F("parameters", "value")],
    "ToolResult": [F("content", "content"), d("details", "value", None), s("child_loop_id", "str")],
    "LoopConfigSnapshot": [
        F("model", "str"),
        F("provider", "str"),
        F("config_id", ("opt", "str")),
        s("name", "str"),
        s("api", "ApiProtocol"),
        s("base_url", "str"),
        s("reasoning", "bool"),
        s("context_window", "u32"),
        s("max_tokens", "u32"),
        s("thinking_level", "ThinkingLevel"),
        s("temperature", "f32"),
    ],
}

# The crate versions whose events are modeled, and the message dialect of each.
EVENT_VERSIONS = {
    "yoagent": ("0.13.0", "0.17.0", "0.18.1", "0.26.6"),
    "phi-core": ("0.8.0", "0.10.0", "0.15.2"),
}


def event_version(dialect: str) -> str:
    """``yoagent@0.20.1`` → the modeled version it is read as (the newest not above it)."""
    crate, _, version = dialect.partition("@")
    versions = EVENT_VERSIONS.get(crate)
    if versions is None:
        raise ValueError(f"unknown crate {crate!r}")
    if version in ("", "latest"):
        return f"{crate}@{versions[-1]}"
    parsed = tuple(int(p) for p in version.split("."))
    chosen = None
    for v in versions:
        if tuple(int(p) for p in v.split(".")) <= parsed + (0,) * (3 - len(parsed)):
            chosen = v
    if chosen is None:
        first = versions[0]
        raise ValueError(
            f"{dialect}: {crate} events are serializable from {first}"
            + (" (yoagent 0.12's AgentEvent has no Serialize)" if crate == "yoagent" else "")
        )
    return f"{crate}@{chosen}"


@cache
def event_model(name: str) -> Model:
    """The model of ``AgentEvent`` for a modeled crate version (``phi-core@0.8.0``)."""
    crate, _, version = name.partition("@")
    spec = get_spec(resolve(name))
    if crate == "yoagent":
        enums = {
            "AgentEvent": _yoagent_events(version),
            "StreamDelta": DELTA,
            "CompactionMethod": Enum({"summarized": None, "deterministic": None}),
        }
        return Model(spec, _yoagent_structs(version), enums, name)
    enums = dict(PHI_ENUMS)
    enums["AgentEvent"] = _phi_events(version)
    return Model(spec, dict(PHI_STRUCTS), enums, name)
