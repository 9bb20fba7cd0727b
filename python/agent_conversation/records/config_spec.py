"""The four configuration types per crate revision, from the generated wire tables (``CONFIGS``).

``CacheConfig``, ``ToolExecutionStrategy``, ``ContextConfig`` and ``ExecutionLimits`` are read
by ``serde_json::from_str::<T>`` directly (derived structs: snake_case keys, declaration order,
unknown keys ignored, a repeated key is an error, the sequence form is accepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..dialects import resolve_in
from ..models.wire import CONFIGS

CONFIG_TYPES = ("CacheConfig", "ToolExecutionStrategy", "ContextConfig", "ExecutionLimits")
TABLE_NAME = {
    "CacheConfig": "cacheConfig",
    "ToolExecutionStrategy": "toolExecutionStrategy",
    "ContextConfig": "contextConfig",
    "ExecutionLimits": "executionLimits",
    "CompactionConfig": "compactionConfig",
    "ManualCacheStrategy": "manualCacheStrategy",
    "Duration": "duration",
}

# Option fields. Those with serde(default) may be left out of the sequence form; an Option
# without it (yoagent's max_consecutive_identical_tool_calls) loads as None when missing from
# a map but is required in the sequence form.
OPTIONS = frozenset(
    {
        "session_key",
        "compact_headroom_turns",
        "max_consecutive_identical_tool_calls",
        "max_cost",
        "focus_message",
    }
)
OPTION_WITHOUT_DEFAULT = frozenset({"max_consecutive_identical_tool_calls"})


@dataclass(frozen=True)
class ConfigField:
    name: str
    kind: str  # u64, u32, bool, str, f32, f64, map, or a type/enum name
    required: bool  # in the map form
    seq_required: bool  # in the sequence form
    option: bool  # null loads as None and is written as null
    default: Any  # the value a missing key loads as (when not required)


@dataclass(frozen=True)
class StructSpec:
    name: str
    fields: tuple[ConfigField, ...]

    @property
    def lookup(self) -> dict[str, ConfigField]:
        return {f.name: f for f in self.fields}


@dataclass(frozen=True)
class ConfigSpec:
    revision: str  # e.g. "yoagent@0.18"
    crate: str
    structs: dict[str, StructSpec]
    strategy_variants: dict[str, StructSpec]  # ToolExecutionStrategy's variants
    strategy_tag: str  # ToolExecutionStrategy's tag key (internally tagged)
    enums: dict[str, tuple[str, ...]]  # unit variants: CacheStrategy, TokenAccounting, ...

    def has(self, type_name: str) -> bool:
        return type_name == "ToolExecutionStrategy" or type_name in self.structs


def _kind(raw: str) -> str:
    return "map" if raw.startswith("{") else raw


def _struct(name: str, table: dict[str, Any], skip: str | None = None) -> StructSpec:
    required = set(table["required"])
    defaults = table["defaults"]
    fields = []
    for key in table["order"]:
        if key == skip:
            continue
        option = key in OPTIONS
        has_default = key in defaults and key not in OPTION_WITHOUT_DEFAULT
        fields.append(
            ConfigField(
                name=key,
                kind=_kind(table["kinds"][key]),
                required=key in required,
                seq_required=not has_default,
                option=option,
                default=defaults.get(key),
            )
        )
    return StructSpec(name, tuple(fields))


@cache
def config_spec(revision: str) -> ConfigSpec:
    rev = CONFIGS[revision]
    types = rev["types"]
    structs = {}
    for type_name, table_name in TABLE_NAME.items():
        if type_name == "ToolExecutionStrategy" or table_name not in types:
            continue
        structs[type_name] = _struct(type_name, types[table_name])
    strategy = types[TABLE_NAME["ToolExecutionStrategy"]]
    variants = {
        name: _struct(name, table, skip=strategy["tag"])
        for name, table in strategy["variants"].items()
    }
    enums = {name: tuple(values) for name, values in rev.get("enums", {}).items()}
    return ConfigSpec(revision, rev["crate"], structs, variants, strategy["tag"], enums)


def config_revisions(crate: str | None = None) -> list[str]:
    """Configuration revisions, newest first (of one crate if given; yoagent before phi-core)."""
    crates = [crate] if crate else ["yoagent", "phi-core"]
    out: list[str] = []
    for name in crates:
        out += reversed([k for k, r in CONFIGS.items() if r["crate"] == name])
    return out


def resolve_config(name: str) -> str:
    """``yoagent@0.18.1`` → the configuration revision that version reads and writes."""
    return resolve_in(CONFIGS, name, _unknown)


def _unknown(name: str, why: str | None) -> str:
    ranges = ", ".join(f"{key} ({' '.join(r['versions'])})" for key, r in CONFIGS.items())
    return (
        f"unknown crate version {name!r} for configuration types: use a crate name "
        f"('yoagent', 'phi-core') or crate@version; known revisions: {ranges}"
    )
