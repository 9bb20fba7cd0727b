"""serde's ``Deserialize`` rules for the configuration types, applied to a parsed JSON value.

The value comes from the exact serde_json parser (:mod:`..codec.jsonparse`); this module applies
what the derives do on top of it: unknown keys ignored, a repeated key is ``duplicate field``,
missing keys, the sequence form, externally tagged enums (``"auto"``, ``{"manual": {...}}``,
``{"FixedCount": 3}``), the internally tagged ``ToolExecutionStrategy`` (tag as a string only),
``std::time::Duration`` (only ``secs``/``nanos``; nanos carry into secs), f32 via ``as f32``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..codec.jsonparse import DupDict
from ..codec.numbers import U32_MAX, U64_MAX
from ..codec.reader import Note, Reject, describe
from .config_spec import ConfigField, ConfigSpec, StructSpec
from .floats import to_f32
from .serde_rules import (
    boolean,
    known_variant,
    missing,
    number,
    refuse_duplicates,
    string,
    tag_of,
    unsigned,
    wrong_type,
)

NANOS_PER_SEC = 1_000_000_000
COMPACTION_SCOPE = ("FixedCount", "TokenBudget")


class ConfigReader:
    """Reads one configuration value under one revision; collects round-trip notes."""

    def __init__(self, spec: ConfigSpec) -> None:
        self.spec = spec
        self.notes: list[Note] = []

    def note(self, path: tuple[Any, ...], message: str, kind: str) -> None:
        self.notes.append(Note(path, kind, message))

    # -- entry point -----------------------------------------------------------------------------
    def read(self, value: Any, type_name: str) -> Any:
        if type_name == "ToolExecutionStrategy":
            return self.strategy(value, ())
        if type_name not in self.spec.structs:
            raise Reject((), f"{self.spec.revision} has no {type_name}", "wrong-type")
        return self.struct(value, self.spec.structs[type_name], ())

    # -- structs ---------------------------------------------------------------------------------
    def struct(self, value: Any, spec: StructSpec, path: tuple[Any, ...]) -> dict[str, Any]:
        if isinstance(value, dict):
            return self.struct_map(value, spec, path)
        if isinstance(value, list):
            self.note(path, "written as a sequence; the crate writes an object", "alias")
            return self.struct_seq(value, spec, path)
        raise wrong_type(path, value, f"struct {spec.name}")

    def struct_map(
        self, value: dict[str, Any], spec: StructSpec, path: tuple[Any, ...], skip: str = ""
    ) -> dict[str, Any]:
        lookup = spec.lookup
        refuse_duplicates(value, lookup, path, skip)
        for key in value:
            if key not in lookup and key != skip:
                self.note(
                    (*path, key),
                    f"unknown key `{key}` is ignored by {self.spec.revision} and not written",
                    "unknown-key",
                )
        out: dict[str, Any] = {}
        for f in spec.fields:
            if f.name not in value:
                if f.required:
                    raise missing(path, f.name)
                out[f.name] = _copy(f.default)
                continue
            out[f.name] = self.field(value[f.name], f, (*path, f.name))
        return out

    def struct_seq(
        self, items: list[Any], spec: StructSpec, path: tuple[Any, ...], offset: int = 0
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        available = len(items) - offset
        for pos, f in enumerate(spec.fields):
            if pos >= available:
                if f.seq_required:
                    raise Reject(
                        path,
                        f"invalid length {available}, expected struct {spec.name} with "
                        f"{len(spec.fields)} elements (`{f.name}` is missing)",
                        "missing-key",
                    )
                out[f.name] = _copy(f.default)
                continue
            out[f.name] = self.field(items[pos + offset], f, (*path, pos + offset))
        if available > len(spec.fields):
            raise Reject(
                (*path, len(spec.fields) + offset),
                f"trailing characters: struct {spec.name} has {len(spec.fields)} fields",
                "wrong-type",
            )
        return out

    # -- field values ----------------------------------------------------------------------------
    def field(self, raw: Any, f: ConfigField, path: tuple[Any, ...]) -> Any:
        if raw is None and f.option:
            return None
        return self.value(raw, f.kind, path)

    def value(self, raw: Any, kind: str, path: tuple[Any, ...]) -> Any:
        if kind == "u64":
            return unsigned(raw, path, U64_MAX, "usize")
        if kind == "u32":
            return unsigned(raw, path, U32_MAX, "u32")
        if kind == "bool":
            return boolean(raw, path)
        if kind == "str":
            return string(raw, path)
        if kind in ("f64", "f32"):
            return self.float(raw, kind, path)
        if kind == "map":
            return self.map(raw, path)
        if kind == "Duration":
            return self.duration(raw, path)
        if kind == "CacheStrategy":
            manual = ("manual", "struct", self.manual_cache_strategy)
            return self.enum_with_data(raw, path, kind, (*self.spec.enums[kind], "manual"), manual)
        if kind == "CompactionScope":
            fixed = ("FixedCount", "newtype", lambda v, at: unsigned(v, at, U64_MAX, "usize"))
            return self.enum_with_data(raw, path, kind, COMPACTION_SCOPE, fixed)
        if kind in self.spec.structs:
            return self.struct(raw, self.spec.structs[kind], path)
        if kind in self.spec.enums:
            return self.unit_enum(raw, self.spec.enums[kind], path, kind)
        raise AssertionError(kind)  # pragma: no cover

    def float(self, raw: Any, kind: str, path: tuple[Any, ...]) -> float:
        value = number(raw, path, kind)
        if kind == "f32":
            value = to_f32(value)
            if math.isinf(value):
                self.note(
                    path,
                    f"{describe(raw)} is beyond f32 and loads as infinity, which the crate "
                    "writes as null and then cannot read back",
                    "not-round-trip",
                )
        return value

    def map(self, raw: Any, path: tuple[Any, ...]) -> dict[str, int]:
        if not isinstance(raw, dict):
            raise wrong_type(path, raw, "a map")
        if isinstance(raw, DupDict):
            for key in raw.duplicates:
                self.note((*path, key), f"key `{key}` repeated; the last one wins", "duplicate-key")
        return {k: unsigned(v, (*path, k), U64_MAX, "usize") for k, v in raw.items()}

    def duration(self, raw: Any, path: tuple[Any, ...]) -> dict[str, int]:
        if isinstance(raw, dict):
            if isinstance(raw, DupDict) and raw.duplicates:
                key = raw.duplicates[0]
                if key in ("secs", "nanos"):
                    raise Reject((*path, key), f"duplicate field `{key}`", "duplicate-key")
            for key in raw:
                if key not in ("secs", "nanos"):
                    raise Reject(
                        (*path, key),
                        f"unknown field `{key}`, expected `secs` or `nanos` (Duration refuses "
                        "other keys)",
                        "unknown-key",
                    )
            for key in ("secs", "nanos"):
                if key not in raw:
                    raise missing(path, key)
            secs_raw, nanos_raw = raw["secs"], raw["nanos"]
            at: tuple[Any, Any] = ("secs", "nanos")
        elif isinstance(raw, list):
            self.note(path, "written as a sequence; the crate writes an object", "alias")
            if len(raw) < 2:
                raise Reject(
                    path, f"invalid length {len(raw)}, expected struct Duration", "missing-key"
                )
            if len(raw) > 2:
                raise Reject((*path, 2), "trailing characters: Duration has 2 fields", "wrong-type")
            secs_raw, nanos_raw, at = raw[0], raw[1], (0, 1)
        else:
            raise wrong_type(path, raw, "struct Duration")
        secs = unsigned(secs_raw, (*path, at[0]), U64_MAX, "u64")
        nanos = unsigned(nanos_raw, (*path, at[1]), U32_MAX, "u32")
        if nanos >= NANOS_PER_SEC:
            secs += nanos // NANOS_PER_SEC
            nanos %= NANOS_PER_SEC
            if secs > U64_MAX:
                raise Reject(path, "overflow deserializing Duration", "out-of-range")
            self.note(path, "nanos of a second or more carry into secs when written", "alias")
        return {"secs": secs, "nanos": nanos}

    def unit_enum(
        self, raw: Any, variants: tuple[str, ...], path: tuple[Any, ...], name: str
    ) -> str:
        """An externally tagged enum of unit variants: ``"v"`` or ``{"v": null}``."""
        if isinstance(raw, str):
            return known_variant(raw, variants, path)
        key, inner = self._one_key(raw, path, name)
        known_variant(key, variants, path)
        if inner is not None:
            raise wrong_type((*path, key), inner, "unit")
        self.note(path, f'written as a map; the crate writes "{key}"', "alias")
        return key

    def _one_key(self, raw: Any, path: tuple[Any, ...], name: str) -> tuple[str, Any]:
        if not isinstance(raw, dict) or len(raw) != 1 or isinstance(raw, DupDict):
            raise Reject(
                path,
                f"invalid type: {describe(raw)}, expected enum {name} (a string or a map "
                "with exactly one key)",
                "wrong-type",
            )
        ((key, inner),) = raw.items()
        return key, inner

    def manual_cache_strategy(self, raw: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        return self.struct(raw, self.spec.structs["ManualCacheStrategy"], path)

    def enum_with_data(
        self,
        raw: Any,
        path: tuple[Any, ...],
        name: str,
        variants: tuple[str, ...],
        data: tuple[str, str, Callable[[Any, tuple[Any, ...]], Any]],
    ) -> Any:
        """An externally tagged enum of unit ``variants`` and one variant with ``data``: its
        name, serde's word for its form (``struct``, ``newtype``) and the reader of its value."""
        variant, form, read = data
        if isinstance(raw, str) and raw == variant:
            raise Reject(path, f"invalid type: unit variant, expected {form} variant", "wrong-type")
        if isinstance(raw, str):
            return self.unit_enum(raw, variants, path, name)
        key, inner = self._one_key(raw, path, name)
        if key == variant:
            return {key: read(inner, (*path, key))}
        return self.unit_enum(raw, variants, path, name)

    # -- ToolExecutionStrategy (internally tagged; tag key from the tables) -----------------------
    def strategy(self, raw: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        variants = tuple(self.spec.strategy_variants)
        tag = self.spec.strategy_tag
        if isinstance(raw, dict):
            name = self._tag(tag_of(raw, tag, path), variants, (*path, tag))
            spec = self.spec.strategy_variants[name]
            return {tag: name, **self.struct_map(raw, spec, path, skip=tag)}
        if isinstance(raw, list):
            if not raw:
                raise missing(path, tag)
            name = self._tag(raw[0], variants, (*path, 0))
            self.note(path, "written as a sequence; the crate writes an object", "alias")
            spec = self.spec.strategy_variants[name]
            if not spec.fields:
                if len(raw) > 1:
                    raise Reject(
                        (*path, 1), f"invalid length: {name} takes no fields", "wrong-type"
                    )
                return {tag: name}
            return {tag: name, **self.struct_seq(raw, spec, path, offset=1)}
        raise Reject(
            path,
            f"invalid type: {describe(raw)}, expected internally tagged enum ToolExecutionStrategy",
            "wrong-type",
        )

    @staticmethod
    def _tag(raw: Any, variants: tuple[str, ...], path: tuple[Any, ...]) -> str:
        if isinstance(raw, str):
            return known_variant(raw, variants, path)
        raise wrong_type(path, raw, "variant identifier")


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value
