# ruff: noqa: E501  (tables of test documents)
"""Configuration documents for the interop tests: what the crates write, and mutations of it.

Every case is (type, document). The same documents go to every crate version; the real types
decide which accept them.
"""

from __future__ import annotations

import json
from typing import Any

DURATION = {"secs": 600, "nanos": 0}

BASES: dict[str, list[dict[str, Any]]] = {
    "CacheConfig": [
        {"enabled": True, "strategy": "auto"},
        {"enabled": False, "strategy": "disabled", "session_key": None},
        {"enabled": True, "strategy": "auto", "session_key": "conv-1"},
        {
            "enabled": True,
            "strategy": {
                "manual": {"cache_system": True, "cache_tools": False, "cache_messages": True}
            },
            "session_key": None,
        },
    ],
    "ToolExecutionStrategy": [
        {"type": "sequential"},
        {"type": "parallel"},
        {"type": "batched", "size": 4},
    ],
    "ContextConfig": [
        {
            "max_context_tokens": 100000,
            "system_prompt_tokens": 4000,
            "keep_recent": 10,
            "keep_first": 2,
            "tool_output_max_lines": 50,
        },
        {
            "max_context_tokens": 100000,
            "system_prompt_tokens": 4000,
            "keep_recent": 10,
            "keep_first": 2,
            "tool_output_max_lines": 50,
            "tool_output_max_lines_overrides": {"read_file": 18446744073709551615},
            "compact_target_ratio": 0.7,
            "compact_headroom_turns": 30,
            "truncate_tool_output_on_append": True,
        },
        {
            "max_context_tokens": 100000,
            "system_prompt_tokens": 4000,
            "compaction": {
                "compact_at_pct": 0.9,
                "compact_budget_threshold_pct": 0.05,
                "compaction_scope": {"FixedCount": 3},
                "keep_first_turns": 2,
                "keep_recent_turns": 10,
                "max_summary_tokens": 2000,
                "tool_output_max_lines": 50,
                "focus_message": None,
            },
            "keep_recent": 10,
            "keep_first": 2,
            "tool_output_max_lines": 50,
        },
    ],
    "ExecutionLimits": [
        {"max_turns": 50, "max_total_tokens": 1000000, "max_duration": DURATION},
        {
            "max_turns": 50,
            "max_total_tokens": 1000000,
            "max_duration": DURATION,
            "max_consecutive_identical_tool_calls": 3,
        },
        {
            "max_turns": 50,
            "max_total_tokens": 1000000,
            "token_accounting": "processed",
            "max_duration": DURATION,
            "max_consecutive_identical_tool_calls": 3,
        },
        {"max_turns": 50, "max_total_tokens": 1000000, "max_duration": DURATION, "max_cost": 2.5},
        {"max_turns": 50, "max_total_tokens": 1000000, "max_duration": DURATION, "max_cost": None},
    ],
}

# Values put in place of a key's value.
REPLACEMENTS: list[Any] = [
    None, 0, 1, -1, 1.0, 1.5, 18446744073709551615, 18446744073709551616, 4294967296, "x", True,
    [], {}, [1, 2], 1e39, 0.1, 1e13, 1e-7, 123456789, -0.0,
]  # fmt: skip

NESTED_REPLACEMENTS: dict[str, list[Any]] = {
    "strategy": [
        "manual", "Auto", {"auto": None}, {"disabled": None}, {"auto": 1}, {"manual": None},
        {"manual": [True, False, True]}, {"manual": [True, False]},
        {"manual": {"cache_system": True, "cache_tools": True}}, {}, {"auto": None, "x": 1},
        {"manual": {"cache_system": True, "cache_tools": True, "cache_messages": True, "z": 0}},
    ],
    "max_duration": [
        [600, 0], [600], [600, 0, 0], {"secs": 600}, {"secs": 600, "nanos": 0, "x": 1},
        {"secs": 1, "nanos": 2500000000}, {"secs": 18446744073709551615, "nanos": 1500000000},
        {"secs": 1, "nanos": 4294967296}, {"nanos": 5, "secs": 7}, {"secs": 1.0, "nanos": 0},
    ],
    "token_accounting": ["growth", "Growth", {"growth": None}, "processed", 0],
    "tool_output_max_lines_overrides": [
        {}, {"a": 1, "b": 2}, {"a": -1}, {"a": 1.0}, [["a", 1]], {"a": None},
    ],
    "compaction_scope": ["TokenBudget", "FixedCount", {"FixedCount": 7}, {"TokenBudget": None},
                         {"FixedCount": -1}, {"Other": 1}],
    "size": [0, 1, -1, 1.0, "3", None],
    "type": ["sequential", "parallel", "batched", "Batched", 0, None, "x"],
}  # fmt: skip


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _mutations(base: dict[str, Any]) -> list[str]:
    docs = [_dumps(base)]
    keys = list(base)
    for key in keys:
        docs.append(_dumps({k: v for k, v in base.items() if k != key}))
        for repl in REPLACEMENTS + NESTED_REPLACEMENTS.get(key, []):
            docs.append(_dumps({**base, key: repl}))
        text = _dumps(base)
        # a repeated key (the parsers of Python collapse it, so build the text)
        docs.append(text[:-1] + "," + _dumps({key: base[key]})[1:])
        inner = base[key]
        if isinstance(inner, dict):
            for sub in inner:
                for repl in REPLACEMENTS + NESTED_REPLACEMENTS.get(sub, []):
                    docs.append(_dumps({**base, key: {**inner, sub: repl}}))
                docs.append(_dumps({**base, key: {k: v for k, v in inner.items() if k != sub}}))
    docs.append(_dumps({**base, "unknown": 1}))
    docs.append(_dumps({"unknown": 1, **base}))
    values = list(base.values())
    for n in range(len(values) + 2):
        docs.append(_dumps(values[:n]))
    docs.append(_dumps(values + [None]))
    docs.append(" \n" + _dumps(base) + "\n ")
    docs.append(_dumps(base) + "x")
    docs.append(json.dumps(base, indent=2))
    return docs


def config_cases() -> list[tuple[str, str]]:
    """(type, document) pairs, deduplicated, in a stable order."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    extra = {
        "ToolExecutionStrategy": [
            '["batched",3]', '["sequential"]', '["sequential",1]', '["parallel",null]', "[]",
            '{"type":"sequential","size":3}', '{"size":3,"type":"batched"}',
            '{"type":"batched","size":3,"size":4}', '{"type":"sequential","type":"parallel"}',
            '"parallel"', '{"parallel":null}', "null", "{}", "[0]",
        ],
    }  # fmt: skip
    for type_name, bases in BASES.items():
        docs: list[str] = []
        for base in bases:
            docs += _mutations(base)
        docs += extra.get(type_name, [])
        for doc in docs:
            if (type_name, doc) not in seen:
                seen.add((type_name, doc))
                out.append((type_name, doc))
    return out


# -- agent events ----------------------------------------------------------------------------------
USER = {"role": "user", "content": [{"type": "text", "text": "hi"}], "timestamp": 1}
ASSISTANT_YO = {
    "role": "assistant",
    "content": [{"type": "toolCall", "id": "t1", "name": "bash", "arguments": {"b": 1, "a": 2.5}}],
    "stopReason": "toolUse", "model": "m", "provider": "p",
    "usage": {"input": 1, "output": 2, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 3},
    "timestamp": 2,
}  # fmt: skip
RESULT_YO = {
    "role": "toolResult", "toolCallId": "t1", "toolName": "bash",
    "content": [{"type": "text", "text": "ok"}], "isError": False, "timestamp": 3,
}  # fmt: skip
EXTENSION = {"role": "extension", "kind": "note", "data": {"z": 1, "a": [1, 2]}}
TOOL_RESULT = {"content": [{"type": "text", "text": "out"}], "details": {"k": 1}}
USAGE_YO = {"input": 5, "output": 6, "cacheRead": 1, "cacheWrite": 2, "totalTokens": 14}

YOAGENT_EVENTS: list[dict[str, Any]] = [
    {"type": "agentStart"},
    {"type": "agentEnd", "messages": [USER, ASSISTANT_YO, RESULT_YO, EXTENSION]},
    {"type": "agentEnd", "messages": [], "stats": {"usage": USAGE_YO, "turns": 2, "costUsd": 0.25,
                                                   "compactions": 1}},
    {"type": "agentEnd", "messages": [], "stats": {
        "turns": 1, "subAgents": {"usage": USAGE_YO, "runs": 2},
        "decision": {"requests": 0, "failures": 3}, "compaction": {"requests": 1},
        "extensions": {"costUsd": 1.5}}},
    {"type": "turnStart"},
    {"type": "turnEnd", "message": ASSISTANT_YO, "toolResults": [RESULT_YO]},
    {"type": "messageStart", "message": USER},
    {"type": "messageUpdate", "message": ASSISTANT_YO, "delta": {"type": "text", "delta": "h"}},
    {"type": "messageUpdate", "message": ASSISTANT_YO, "delta": {"type": "toolCallDelta", "delta": "{"}},
    {"type": "messageEnd", "message": EXTENSION},
    {"type": "toolExecutionStart", "toolCallId": "t1", "toolName": "bash", "args": {"y": [1, {"b": 0, "a": 1}]}},
    {"type": "toolExecutionUpdate", "toolCallId": "t1", "toolName": "bash", "partialResult": TOOL_RESULT},
    {"type": "toolExecutionEnd", "toolCallId": "t1", "toolName": "bash", "result": {"content": []}, "isError": True},
    {"type": "progressMessage", "toolCallId": "t1", "toolName": "bash", "text": "50%"},
    {"type": "inputRejected", "reason": "no"},
    {"type": "providerRetry", "attempt": 1, "maxAttempts": 3, "error": "429", "delayMs": 500},
    {"type": "loopDetected", "toolName": "bash", "repetitions": 3, "aborted": False},
    {"type": "contextCompacted", "method": "summarized", "messagesBefore": 9, "messagesAfter": 3,
     "tokensBefore": 900, "tokensAfter": 100,
     "summary": {"messagesSummarized": 6, "usage": USAGE_YO, "costUsd": 0.001}},
    {"type": "contextCompacted", "method": "deterministic", "messagesBefore": 9, "messagesAfter": 3,
     "tokensBefore": 900, "tokensAfter": 100, "summary": None},
]  # fmt: skip

TS = "2026-11-30T15:33:35.123456Z"
PHI_USER = {"content": [{"text": "hi", "type": "text"}], "role": "user", "timestamp": 1,
            "turnId": {"loopId": "l", "turnIndex": 0}, "nodeId": 3}  # fmt: skip
PHI_ASSISTANT = {
    "content": [{"arguments": {"a": 1}, "id": "t1", "name": "bash", "type": "toolCall"}],
    "model": "m", "provider": "p", "role": "assistant", "stopReason": "toolUse", "timestamp": 2,
    "usage": {"cache_read": 0, "cache_write": 0, "input": 1, "output": 2, "reasoning": 0,
              "total_tokens": 3},
}  # fmt: skip
PHI_RESULT = {"content": [{"text": "ok", "type": "text"}], "isError": False, "role": "toolResult",
              "timestamp": 3, "toolCallId": "t1", "toolName": "bash"}  # fmt: skip
PHI_USAGE = {"input": 1, "output": 2, "reasoning": 3, "cache_read": 4, "cache_write": 5,
             "total_tokens": 15}  # fmt: skip

PHI_EVENTS: list[dict[str, Any]] = [
    {"type": "AgentStart", "agent_id": "a", "session_id": "s", "loop_id": "l", "parent_loop_id": None,
     "continuation_kind": "Initial", "timestamp": TS, "metadata": None},
    {"type": "AgentStart", "agent_id": "a", "session_id": "s", "loop_id": "l", "parent_loop_id": "p",
     "continuation_kind": {"Rerun": {"tag": "x"}}, "timestamp": "2026-11-30T15:33:35Z",
     "metadata": {"b": 1, "a": 2},
     "config_snapshot": {"model": "m", "provider": "p", "config_id": None, "temperature": 0.7,
                         "api": "anthropic_messages", "thinking_level": "high"}},
    {"type": "AgentEnd", "loop_id": "l", "messages": [PHI_USER, PHI_ASSISTANT, PHI_RESULT, EXTENSION],
     "usage": PHI_USAGE, "timestamp": TS, "rejection": None},
    {"type": "TurnStart", "loop_id": "l", "turn_index": 0, "timestamp": TS, "triggered_by": "User"},
    {"type": "TurnStart", "loop_id": "l", "turn_index": 1, "timestamp": TS, "triggered_by": "FollowUp"},
    {"type": "TurnRequest", "loop_id": "l", "turn_index": 0, "timestamp": TS,
     "payload": {"system_prompt": "s", "messages": [], "provenance": [], "tools": [],
                 "model_id": "m", "thinking_level": "off", "max_tokens": None,
                 "temperature": None, "response_format": {"kind": "text"}}},
    {"type": "TurnRequest", "loop_id": "l", "turn_index": 2, "timestamp": TS,
     "payload": {"system_prompt": "s", "messages": [PHI_USER, PHI_ASSISTANT, PHI_RESULT],
                 "provenance": [{"kind": "system-prompt"}, {"kind": "identity-block", "name": "n", "order": 1},
                                {"kind": "loop-turn", "turn_index": 1, "role": "tool-call-result",
                                 "message_index": 2}, {"kind": "memory-tier", "tier": "t", "record_id": "r"}],
                 "tools": [{"name": "bash", "description": "d", "parameters": {"type": "object", "a": [1.5]}}],
                 "model_id": "m", "thinking_level": "medium", "max_tokens": 100,
                 "temperature": 0.3, "response_format": {"kind": "json-schema", "schema": {"z": 1, "a": 2},
                                                         "name": "x", "strict": True}}},
    {"type": "TurnEnd", "loop_id": "l", "message": PHI_ASSISTANT, "usage": PHI_USAGE, "timestamp": TS,
     "tool_results": [PHI_RESULT]},
    {"type": "MessageStart", "loop_id": "l", "message": PHI_USER},
    {"type": "MessageUpdate", "loop_id": "l", "message": PHI_ASSISTANT, "delta": {"Text": {"delta": "h"}}},
    {"type": "MessageEnd", "loop_id": "l", "message": EXTENSION},
    {"type": "ToolExecutionStart", "loop_id": "l", "tool_call_id": "t1", "tool_name": "bash", "args": {"b": [1]}},
    {"type": "ToolExecutionUpdate", "loop_id": "l", "tool_call_id": "t1", "tool_name": "bash",
     "partial_result": {"content": [], "details": None, "child_loop_id": "c"}},
    {"type": "ToolExecutionEnd", "loop_id": "l", "tool_call_id": "t1", "tool_name": "bash",
     "result": TOOL_RESULT, "is_error": False, "child_loop_id": None},
    {"type": "ProgressMessage", "loop_id": "l", "tool_call_id": "t1", "tool_name": "bash", "text": "x"},
    {"type": "InputRejected", "loop_id": "l", "reason": "r"},
    {"type": "ParallelLoopStart", "session_id": "s", "loop_ids": ["a", "b"], "timestamp": TS},
    {"type": "ParallelLoopEnd", "session_id": "s", "selected_loop_id": "a", "selected_config_index": 1,
     "evaluation_usage": PHI_USAGE, "timestamp": TS},
    {"type": "CompactionStarted", "loop_id": "l", "estimated_tokens": 5, "message_count": 2, "timestamp": TS},
    {"type": "PrunApplied", "loop_id": "l", "tokens_removed": 1, "messages_removed": 2, "memo": None,
     "pruned_timestamps": [1, 2], "timestamp": TS},
    {"type": "RevertApplied", "loop_id": "l", "category": "step-summary", "target": 4,
     "abandoned_node_ids": [5], "summary": "s", "applied": True, "reason": None, "timestamp": TS},
    {"type": "CompactionEnded", "loop_id": "l", "messages_before": 1, "messages_after": 1,
     "estimated_tokens_before": 1, "estimated_tokens_after": 1, "loops_compacted": 1, "timestamp": TS},
]  # fmt: skip

EVENT_REPLACEMENTS: list[Any] = [None, 0, -1, 1.5, "x", True, [], {}, "2026-11-30T15:33:35+02:00",
                                 "2026-11-30 15:33:35.1z", "2026-13-01T00:00:00Z"]  # fmt: skip


def _event_mutations(base: dict[str, Any]) -> list[str]:
    docs = [_dumps(base)]
    text = _dumps(base)
    for key in base:
        docs.append(_dumps({k: v for k, v in base.items() if k != key}))
        for repl in EVENT_REPLACEMENTS:
            docs.append(_dumps({**base, key: repl}))
        docs.append(text[:-1] + "," + _dumps({key: base[key]})[1:])
        inner = base[key]
        if isinstance(inner, dict):
            for sub in inner:
                docs.append(_dumps({**base, key: {k: v for k, v in inner.items() if k != sub}}))
                for repl in (None, -1, "x", 1.5):
                    docs.append(_dumps({**base, key: {**inner, sub: repl}}))
    docs.append(_dumps({**base, "unknown": [1]}))
    docs.append(_dumps(list(base.values())))
    return docs


def event_cases() -> list[tuple[str, str]]:
    """(crate, document) pairs: every event variant of both crates, and mutations."""
    out: list[tuple[str, str]] = []
    for crate, bases in (("yoagent", YOAGENT_EVENTS), ("phi-core", PHI_EVENTS)):
        seen: set[str] = set()
        for base in bases:
            for doc in _event_mutations(base):
                if doc not in seen:
                    seen.add(doc)
                    out.append((crate, doc))
    return out


# -- phi-core session documents --------------------------------------------------------------------
def phi_session(version: str) -> dict[str, Any]:
    """A session document laid out as phi-core ``version`` saves it (0.8 loops carry events)."""
    turn: dict[str, Any] = {
        "turn_id": {"loopId": "l1", "turnIndex": 0},
        "triggered_by": "User",
        "usage": PHI_USAGE,
        "input_messages": [PHI_USER],
        "output_message": PHI_ASSISTANT,
        "tool_results": [PHI_RESULT],
        "started_at": TS,
        "ended_at": "2026-11-30T15:33:36Z",
    }
    loop: dict[str, Any] = {
        "loop_id": "l1",
        "session_id": "s1",
        "agent_id": "a1",
        "parent_loop_id": None,
        "continuation_kind": "Initial",
        "started_at": TS,
        "ended_at": TS,
        "status": "Completed",
        "rejection": None,
        "config": {"model": "m", "provider": "p", "config_id": None, "thinking_level": "low"},
        "messages": [PHI_USER, PHI_ASSISTANT, PHI_RESULT, EXTENSION],
        "turns": [turn],
        "usage": PHI_USAGE,
        "metadata": {"b": [1, 2.5], "a": None},
        "children_loop_ids": ["c1"],
        "child_loop_refs": [
            {
                "tool_call_id": "t1",
                "tool_name": "sub",
                "child_loop_id": "c1",
                "child_session_id": "s2",
            }
        ],
        "parallel_group": None,
    }
    if version in ("0.8.0", "0.10.0"):
        events = [
            {"sequence": i, "event": e}
            for i, e in enumerate(PHI_EVENTS)
            if e["type"] != "TurnRequest" or version == "0.10.0"
        ]
        items = list(loop.items())
        items.insert(list(loop).index("children_loop_ids"), ("events", events))
        loop = dict(items)
    if version != "0.8.0":
        turn["request_payload"] = next(e for e in PHI_EVENTS if e["type"] == "TurnRequest")[
            "payload"
        ]
    return {
        "session_id": "s1",
        "agent_id": "a1",
        "created_at": TS,
        "last_active_at": TS,
        "formation": {"FirstLoop": {"timestamp": TS}},
        "parent_spawn_ref": None,
        "scope": "ephemeral",
        "loops": [loop],
    }


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def session_cases() -> list[str]:
    """Session documents of both layouts and mutations of them (pretty-printed)."""
    docs: list[str] = []
    for version in ("0.8.0", "0.10.0", "0.15.2"):
        base = phi_session(version)
        docs.append(_pretty(base))
        docs.append(_dumps(base))
        for key in base:
            docs.append(_pretty({k: v for k, v in base.items() if k != key}))
            for repl in (None, 1, {}):
                docs.append(_pretty({**base, key: repl}))
        loop = base["loops"][0]
        for key in loop:
            without = {k: v for k, v in loop.items() if k != key}
            docs.append(_pretty({**base, "loops": [without]}))
            for repl in (None, -1, {"Rerun": {"tag": "t"}}, "Aborted"):
                docs.append(_pretty({**base, "loops": [{**loop, key: repl}]}))
        turn = loop["turns"][0]
        for key in turn:
            without = {k: v for k, v in turn.items() if k != key}
            docs.append(_pretty({**base, "loops": [{**loop, "turns": [without]}]}))
            for repl in (None, "FollowUp", {}):
                docs.append(_pretty({**base, "loops": [{**loop, "turns": [{**turn, key: repl}]}]}))
        for formation in (
            {"Explicit": {"timestamp": TS}},
            "FirstLoop",
            {
                "InactivityTimeout": {
                    "threshold_secs": 5,
                    "previous_session_id": None,
                    "timestamp": TS,
                }
            },
            {"InactivityTimeout": {"threshold_secs": 5, "timestamp": TS}},
        ):
            docs.append(_pretty({**base, "formation": formation}))
        docs.append(_pretty({**base, "scope": "persistent", "unknown": 1}))
        docs.append(
            _pretty(
                {
                    **base,
                    "loops": [
                        {
                            **loop,
                            "compaction_block": {
                                "keep_first": {"startTurn": 0, "endTurn": 1},
                                "keep_recent": {
                                    "range": {"startTurn": 2, "endTurn": 3},
                                    "messages": [PHI_USER],
                                },
                                "createdAt": TS,
                            },
                        }
                    ],
                }
            )
        )
        docs.append(
            _pretty(
                {
                    **base,
                    "loops": [
                        {
                            **loop,
                            "parallel_group": {
                                "all_loop_ids": ["l1"],
                                "selected_loop_id": "l1",
                                "selected_config_index": 0,
                                "evaluation_usage": PHI_USAGE,
                                "is_selected": True,
                            },
                        }
                    ],
                }
            )
        )
        docs.append(
            _pretty(
                {
                    **base,
                    "parent_spawn_ref": {
                        "parent_session_id": "p",
                        "parent_loop_id": "q",
                        "tool_call_id": "t",
                        "tool_name": "n",
                    },
                }
            )
        )
    return docs


# -- random mutations of real documents ------------------------------------------------------------
MUTANTS: list[Any] = [None, -1, 0, 1.5, "", "x", True, [], {}, "2026-11-30T15:33:35Z",
                      18446744073709551616, {"Text": {"delta": "d"}}]  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def mutate(value: Any, rng: Any) -> Any:
    """One random change: a value replaced, a key dropped or added, an array item dropped."""
    value = json.loads(json.dumps(value))
    paths = [p for p in _paths(value) if p]
    path = rng.choice(paths)
    parent = value
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    op = rng.random()
    if op < 0.5:
        parent[last] = rng.choice(MUTANTS)
    elif op < 0.8:
        del parent[last]
    elif isinstance(parent, dict):
        parent["extra_" + str(last)] = rng.choice(MUTANTS)
    else:
        parent.insert(last, rng.choice(MUTANTS))
    return value
