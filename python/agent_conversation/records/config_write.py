"""serde's ``Serialize`` for the configuration types: what ``serde_json::to_string`` writes.

Compact JSON, keys in declaration order, every field written (Options as ``null``), a unit
variant as its name, a struct variant as a one-key map, ``Duration`` as ``{"secs","nanos"}``.
A non-finite float is written as ``null`` (serde_json's rule), which the crate cannot read back
as an f32 and reads back as "no limit" for phi-core's ``max_cost``: both become warnings.
``tool_output_max_lines_overrides`` is a Rust ``HashMap``: the crate's key order changes from
run to run, so any order is the crate's; this writer keeps the record's order.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from ..codec.numbers import format_f64
from ..codec.reader import Note
from .config_spec import ConfigSpec, StructSpec
from .floats import format_f32, to_f32


class ConfigWriter:
    def __init__(self, spec: ConfigSpec, float_format: str = "ryu") -> None:
        self.spec = spec
        self.plus = float_format == "zmij"
        self.warnings: list[Note] = []

    def write(self, record: Any, type_name: str) -> str:
        if type_name == "ToolExecutionStrategy":
            return self.strategy(record)
        return self.struct(record, self.spec.structs[type_name], ())

    def struct(self, record: dict[str, Any], spec: StructSpec, path: tuple[Any, ...]) -> str:
        parts = []
        for f in spec.fields:
            value = record.get(f.name, f.default)
            if value is None:
                text = "null"
            else:
                text = self.value(value, f.kind, (*path, f.name))
            parts.append(f'"{f.name}":{text}')
        return "{" + ",".join(parts) + "}"

    def strategy(self, record: dict[str, Any]) -> str:
        tag = self.spec.strategy_tag
        name = record[tag]
        spec = self.spec.strategy_variants[name]
        head = "{" + _string(tag) + ":" + _string(name)
        if not spec.fields:
            return head + "}"
        body = self.struct(record, spec, ())
        return head + "," + body[1:]

    def value(self, value: Any, kind: str, path: tuple[Any, ...]) -> str:
        if kind in ("u64", "u32"):
            return str(int(value))
        if kind == "bool":
            return "true" if value else "false"
        if kind == "str":
            return _string(value)
        if kind in ("f64", "f32"):
            return self.float(float(value), kind, path)
        if kind == "map":
            return "{" + ",".join(f"{_string(k)}:{int(v)}" for k, v in value.items()) + "}"
        if kind == "Duration":
            return f'{{"secs":{int(value["secs"])},"nanos":{int(value["nanos"])}}}'
        if kind == "CacheStrategy":
            if isinstance(value, dict):
                manual = self.struct(
                    value["manual"], self.spec.structs["ManualCacheStrategy"], path
                )
                return '{"manual":' + manual + "}"
            return _string(value)
        if kind == "CompactionScope":
            if isinstance(value, dict):
                return '{"FixedCount":' + str(int(value["FixedCount"])) + "}"
            return _string(value)
        if kind in self.spec.structs:
            return self.struct(value, self.spec.structs[kind], path)
        return _string(value)  # a unit enum

    def float(self, value: float, kind: str, path: tuple[Any, ...]) -> str:
        if kind == "f32":
            value = to_f32(value)
        if math.isfinite(value):
            return format_f32(value, self.plus) if kind == "f32" else format_f64(value, self.plus)
        if path and path[-1] == "max_cost":
            why = "which phi-core silently reads back as no cost limit at all"
        else:
            why = f"which the crate cannot read back (invalid type: null, expected {kind})"
        self.warnings.append(
            Note(path, "not-round-trip", f"{_describe_float(value)} is written as null, {why}")
        )
        return "null"


def _describe_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "infinity" if value > 0 else "negative infinity"


def _string(value: str) -> str:
    return orjson.dumps(value).decode("utf-8")
