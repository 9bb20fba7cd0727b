"""Dialect specifications built from the generated wire tables (``models/wire.py``).

The wire tables say, per revision, each type's keys, order, aliases, defaults and which optional
keys are omitted. The *kind* of each field (string, u64, content list, ...) is the same in every
revision and is named here by its internal (yoagent >= 0.13 camelCase) name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..models.wire import REVISIONS

# Internal name of every wire spelling that differs from it.
IR_NAME = {
    "cache_read": "cacheRead",
    "cache_write": "cacheWrite",
    "total_tokens": "totalTokens",
    "error_message": "errorMessage",
    "provider_metadata": "providerMetadata",
    "redacted_protocol": "redactedProtocol",
}

# Field kinds by (type, internal field name).
KINDS: dict[str, dict[str, str]] = {
    "user": {"content": "content", "timestamp": "u64"},
    "assistant": {
        "content": "content",
        "stopReason": "stop",
        "model": "str",
        "provider": "str",
        "usage": "usage",
        "timestamp": "u64",
        "errorMessage": "str",
    },
    "toolResult": {
        "toolCallId": "str",
        "toolName": "str",
        "content": "content",
        "isError": "bool",
        "timestamp": "u64",
    },
    "extension": {"role": "str", "kind": "str", "data": "free"},
    "text": {"text": "str"},
    "image": {"data": "str", "mimeType": "str"},
    "thinking": {
        "thinking": "str",
        "signature": "str",
        "redacted": "str",
        "redactedProtocol": "protocol",
    },
    "toolCall": {"id": "str", "name": "str", "arguments": "free", "providerMetadata": "free"},
    "usage": {
        "input": "u64",
        "output": "u64",
        "reasoning": "u64",
        "cacheRead": "u64",
        "cacheWrite": "u64",
        "totalTokens": "u64",
    },
    "turnId": {"loopId": "str", "turnIndex": "u32"},
    "tag": {
        "kind": "tagkind",
        "text": "str",
        "created_at_turn": "u32",
        "abandoned_node_ids": "u64list",
    },
}

MESSAGE_ROLES = ("user", "assistant", "toolResult")
CONTENT_TYPES = ("text", "image", "thinking", "toolCall")


@dataclass(frozen=True)
class Field:
    wire: str  # the name this revision writes
    ir: str  # the internal name
    kind: str
    required: bool  # must be present in the map form
    optional: bool  # an Option: null reads as absent, absent is not written
    has_default: bool  # serde(default): may be missing (also at the end of the seq form)
    default: Any


@dataclass(frozen=True)
class TypeSpec:
    name: str
    tag: str | None  # "role" / "type" for tagged variants
    fields: tuple[Field, ...]  # declaration order, tag excluded
    lookup: dict[str, Field]  # every accepted spelling (wire name and aliases) -> field
    aliases: frozenset[str]

    @property
    def positional(self) -> tuple[Field, ...]:
        return self.fields


@dataclass(frozen=True)
class Spec:
    name: str
    crate: str
    revision: str
    stop_reasons: frozenset[str]
    stop_order: tuple[str, ...]
    sorted_keys: bool
    duplicates_error: bool
    metadata: tuple[str, ...]
    types: dict[str, TypeSpec] = field(repr=False)
    lenient_metadata: bool = True  # phi-core drops a malformed metadata value silently
    api_protocols: frozenset[str] = frozenset()  # yoagent >= 0.22: thinking `redactedProtocol`

    @property
    def is_phi(self) -> bool:
        return self.crate == "phi-core"


def _type_spec(name: str, table: dict[str, Any]) -> TypeSpec:
    tag = "role" if name in MESSAGE_ROLES else "type" if name in CONTENT_TYPES else None
    required = set(table["required"])
    optional = set(table["omit_when_absent"])
    defaults = table["defaults"]
    kinds = KINDS[name]
    fields = []
    for wire in table["order"]:
        if wire == tag:
            continue
        ir = IR_NAME.get(wire, wire)
        fields.append(
            Field(
                wire=wire,
                ir=ir,
                kind=kinds[ir],
                required=wire in required,
                optional=wire in optional,
                has_default=wire in defaults,
                default=defaults.get(wire),
            )
        )
    lookup = {f.wire: f for f in fields}
    for alias, target in table["aliases"].items():
        lookup[alias] = lookup[target]
    return TypeSpec(name, tag, tuple(fields), lookup, frozenset(table["aliases"]))


@cache
def get_spec(name: str) -> Spec:
    rev = REVISIONS[name]
    types = {tname: _type_spec(tname, t) for tname, t in rev["types"].items() if tname in KINDS}
    return Spec(
        name=name,
        crate=rev["crate"],
        revision=rev["revision"],
        stop_reasons=frozenset(rev["stop_reasons"]),
        stop_order=tuple(rev["stop_reasons"]),
        sorted_keys=bool(rev["sorted_keys"]),
        duplicates_error=rev["message_duplicates"] == "error",
        metadata=tuple(rev["metadata"]),
        types=types,
        api_protocols=frozenset(rev.get("api_protocols", ())),
    )


INTERNAL = "internal"


@cache
def internal_spec() -> Spec:
    """The internal record form as a dialect: camelCase keys, every stop reason, usage with
    ``reasoning``, all phi-core metadata (strict). Used to validate hand-built records."""
    camel = [k for k, r in REVISIONS.items() if r["crate"] == "yoagent"][-1]
    phi = [k for k, r in REVISIONS.items() if r["crate"] == "phi-core"][-1]
    base = REVISIONS[camel]["types"]
    phi_types = REVISIONS[phi]["types"]
    types = {name: _type_spec(name, table) for name, table in base.items() if name in KINDS}
    usage = dict(base["usage"])
    usage["order"] = [*usage["order"], "reasoning"]
    usage["defaults"] = {**usage["defaults"], "reasoning": 0}
    usage["aliases"] = {}
    types["usage"] = _type_spec("usage", usage)
    for name in ("turnId", "tag"):
        if name in phi_types:
            types[name] = _type_spec(name, phi_types[name])
    stops: list[str] = []
    for rev in REVISIONS.values():
        stops += [s for s in rev["stop_reasons"] if s not in stops]
    for name in ("assistant",):
        table = dict(base[name])
        table["aliases"] = {}
        types[name] = _type_spec(name, table)
    tool_call = dict(base["toolCall"])
    tool_call["aliases"] = {}
    types["toolCall"] = _type_spec("toolCall", tool_call)
    return Spec(
        name=INTERNAL,
        crate=INTERNAL,
        revision="",
        stop_reasons=frozenset(stops),
        stop_order=tuple(stops),
        sorted_keys=False,
        duplicates_error=True,
        metadata=tuple(REVISIONS[phi]["metadata"]),
        types=types,
        lenient_metadata=False,
        api_protocols=frozenset(REVISIONS[camel].get("api_protocols", ())),
    )
