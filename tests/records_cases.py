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
