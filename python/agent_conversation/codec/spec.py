"""Dialect specifications built from the generated wire tables (``models/wire.py``).

The wire tables say, per revision, each type's keys, order, aliases, defaults and which optional
keys are omitted. The *kind* of each field (string, u64, content list, ...) is the same in every
revision and is named here by its internal (yoagent >= 0.13 camelCase) name.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from .._lean_typing import TYPE_CHECKING, NamedTuple
from ..models.wire import REVISIONS

if TYPE_CHECKING:
    from typing import Any

# The value kinds of the wire tables the codec reads field by field: scalars, free JSON, and
# the schemas' $defs names (a list in brackets).
CONTENT_KIND, STOP_KIND, USAGE_KIND = "[Content]", "StopReason", "Usage"
PROTOCOL_KIND, TAG_KIND_KIND, U64_LIST_KIND = "ApiProtocol", "TagKind", "[u64]"
_CODEC_KINDS = frozenset(
    {"str", "u64", "u32", "bool", "free", CONTENT_KIND, STOP_KIND, USAGE_KIND}
    | {PROTOCOL_KIND, TAG_KIND_KIND, U64_LIST_KIND}
)
_TAG = "tag"  # the tables' kind of a union's tag key


def _union(name: str) -> tuple[str, tuple[str, ...]]:
    """A tagged union of the schemas (``Message``, ``Content``): its tag key and every variant
    of every revision, in order of first appearance."""
    tag, variants = "", []
    for rev in REVISIONS.values():
        union = rev["unions"][name]
        tag = union["tag"]
        variants += [v for v in union["variants"].values() if v not in variants]
    return tag, tuple(variants)


FREE_DEPTH_LIMIT = 127  # deepest container serde_json accepts, counting the top-level array
MESSAGE_TAG, MESSAGE_ROLES = _union("Message")
CONTENT_TAG, CONTENT_TYPES = _union("Content")

# Internal (record) name of every wire spelling that differs from it (x-record-names).
IR_NAME: dict[str, str] = {}
for _rev in REVISIONS.values():
    for _table in _rev["types"].values():
        IR_NAME.update(_table.get("record_names", {}))


def _kinds() -> dict[str, dict[str, str]]:
    """Field kinds by (type, internal field name), for every type the codec reads field by field
    (the tables' types whose keys all have a codec kind; tags excluded)."""
    kinds: dict[str, dict[str, str]] = {}
    skipped: set[str] = set()
    for rev in REVISIONS.values():
        for name, table in rev["types"].items():
            if "variants" in table:
                skipped.add(name)
                continue
            fields = {
                IR_NAME.get(key, key): kind for key, kind in table["kinds"].items() if kind != _TAG
            }
            if not set(fields.values()) <= _CODEC_KINDS:
                skipped.add(name)
                continue
            kinds.setdefault(name, {}).update(fields)
    return {name: fields for name, fields in kinds.items() if name not in skipped}


KINDS = _kinds()


# Immutable records (NamedTuple: building them at import costs a fraction of a dataclass's,
# which the command line's start-up feels).
class Field(NamedTuple):
    wire: str  # the name this revision writes
    ir: str  # the internal name
    kind: str
    required: bool  # must be present in the map form
    optional: bool  # an Option: null reads as absent, absent is not written
    has_default: bool  # serde(default): may be missing (also at the end of the seq form)
    default: Any


class TypeSpec(NamedTuple):
    name: str
    tag: str | None  # "role" / "type" for tagged variants
    fields: tuple[Field, ...]  # declaration order, tag excluded
    lookup: dict[str, Field]  # every accepted spelling (wire name and aliases) -> field
    aliases: frozenset[str]
    label: str = ""  # the schemas' $defs name (TurnId, NodeTag), for messages
    duplicates_error: bool = True  # a repeated key is an error (x-duplicate-keys), else last wins


_NONE: Any = MappingProxyType({})  # the default of Spec's tables (shared, so read-only)


class Spec(NamedTuple):
    name: str
    crate: str
    revision: str
    stop_reasons: frozenset[str]
    stop_order: tuple[str, ...]
    sorted_keys: bool
    duplicates_error: bool
    metadata: tuple[str, ...]
    types: dict[str, TypeSpec]
    lenient_metadata: bool = True  # phi-core drops a malformed metadata value silently
    api_protocols: frozenset[str] = frozenset()  # yoagent >= 0.22: thinking `redactedProtocol`
    role_index: bool = True  # the message tag may be a variant index (not phi-core: read as Value)
    enums: Mapping[str, tuple[str, ...]] = _NONE  # by $defs name
    metadata_kinds: Mapping[str, str] = _NONE  # phi-core metadata
    unions: Mapping[str, dict[str, Any]] = _NONE  # provenanceHint

    def __repr__(self) -> str:  # the tables are long: the name says which spec it is
        return f"Spec({self.name!r})"

    @property
    def is_phi(self) -> bool:
        return self.crate == "phi-core"


def _type_spec(name: str, table: dict[str, Any]) -> TypeSpec:
    tag = MESSAGE_TAG if name in MESSAGE_ROLES else CONTENT_TAG if name in CONTENT_TYPES else None
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
    aliases = frozenset(table["aliases"])
    return TypeSpec(
        name,
        tag,
        tuple(fields),
        lookup,
        aliases,
        table.get("definition", name),
        table["duplicates"] == "error",
    )


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
        **_extras(rev),
    )


def _extras(rev: dict[str, Any]) -> dict[str, Any]:
    """What a reader needs beyond the field-by-field types: tag indexes, closed enums, the kinds
    of phi-core's metadata keys and the unions of variants (provenanceHint)."""
    return {
        "role_index": bool(rev["unions"]["Message"]["index"]),
        "enums": {name: tuple(values) for name, values in rev["enums"].items()},
        "metadata_kinds": dict(rev.get("metadata_kinds", {})),
        "unions": {name: t for name, t in rev["types"].items() if "variants" in t},
    }


INTERNAL = "internal"


@cache
def internal_spec() -> Spec:
    """The internal record form as a dialect: camelCase keys, every stop reason, usage with
    ``reasoning``, all phi-core metadata (strict). Used to validate hand-built records."""
    camel = [k for k, r in REVISIONS.items() if r["crate"] == "yoagent"][-1]
    phi = [k for k, r in REVISIONS.items() if r["crate"] == "phi-core"][-1]
    base = REVISIONS[camel]["types"]
    phi_types = REVISIONS[phi]["types"]
    types = {}
    for name, table in base.items():
        if name not in KINDS:
            continue
        # One spelling per key (no aliases), plus the keys only phi-core has (usage reasoning).
        table = {**table, "aliases": {}}
        known = {IR_NAME.get(key, key) for key in table["order"]}
        other = phi_types.get(name, {})
        extra = [k for k in other.get("order", []) if IR_NAME.get(k, k) not in known]
        if extra:
            table["order"] = [*table["order"], *extra]
            defaults = other.get("defaults", {})
            added = {k: defaults[k] for k in extra if k in defaults}
            table["defaults"] = {**table["defaults"], **added}
        types[name] = _type_spec(name, table)
    for name, table in phi_types.items():  # phi-core's metadata types (turnId, tag)
        if name in KINDS and name not in types:
            types[name] = _type_spec(name, table)
    stops: list[str] = []
    for rev in REVISIONS.values():
        stops += [s for s in rev["stop_reasons"] if s not in stops]
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
        **{**_extras(REVISIONS[phi]), "role_index": _extras(REVISIONS[camel])["role_index"]},
    )
