"""The crates' ``Serialize`` rules: internal records → the exact bytes ``save_messages()`` writes.

``serde_json::to_string`` writes compact JSON; structs in declaration order (optional keys
omitted when absent), free values with keys sorted at every depth, floats in ryu's or zmij's
layout (``1e16`` / ``1e+16``, by the serde_json release).
phi-core writes each LLM message through a ``serde_json::Value``, so its keys come out sorted
at every depth. orjson writes strings and integers exactly as serde_json does; floats differ in
layout, so they are pre-rendered (``orjson.Fragment``) in ryu's or zmij's layout.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..errors import Note
from .numbers import DEFAULT_FLOAT_FORMAT, format_f64
from .spec import (
    CONTENT_KIND,
    CONTENT_TAG,
    MESSAGE_ROLES,
    MESSAGE_TAG,
    STOP_KIND,
    USAGE_KIND,
    Spec,
)
from .wirefacts import EXTENSION_KEYS, EXTENSION_ONLY_KEYS, EXTENSION_TYPE, USAGE_TYPE

# The first key only an extension record has (``kind``): it tells one from an LLM message.
EXTENSION_MARK = next(key for key in EXTENSION_KEYS if key in EXTENSION_ONLY_KEYS)

# orjson writes floats in zmij's layout (shortest digits, `1e+16`) in the versions this was
# checked with; the writing shortcuts below rely on it, so they check it once.
ORJSON_WRITES_ZMIJ = (
    orjson.dumps([1e16, 1e-7, 1.5e-7, 1e22, 0.00001, 100.0, -0.0, 1.2345678901234567e20])
    == b"[1e+16,1e-7,1.5e-7,1e+22,0.00001,100.0,-0.0,1.2345678901234567e+20]"
)


Memory = dict[int, tuple[float, float]]  # id(serde's float) → (that float, the agent's value)


def _fragment_floats(value: Any, plus: bool, memory: Memory | None) -> Any:
    if type(value) is float:
        if memory:
            held = memory.get(id(value))
            if held is not None and held[0] is value:
                value = held[1]
        return orjson.Fragment(format_f64(value, plus))
    if isinstance(value, dict):
        return {k: _fragment_floats(v, plus, memory) for k, v in value.items()}
    if isinstance(value, list):
        return [_fragment_floats(v, plus, memory) for v in value]
    return value


class Writer:
    """Turns records into one dialect's wire objects, collecting what cannot be carried."""

    def __init__(
        self,
        spec: Spec,
        floats: bool = True,
        float_format: str = DEFAULT_FLOAT_FORMAT,
        memory: Memory | None = None,
    ) -> None:
        self.spec = spec
        self.floats = floats
        self.exponent_plus = float_format == "zmij"
        self.memory = memory
        self.losses: list[Note] = []
        types = spec.types
        self._fields = {name: types[name].fields for name in types}
        self._known = {
            name: {MESSAGE_TAG, *(f.ir for f in types[name].fields)} for name in MESSAGE_ROLES
        }
        self._extension = [(f.ir, f.wire, f.kind == "free") for f in types[EXTENSION_TYPE].fields]
        self._metadata = set(spec.metadata)

    def lose(self, path: tuple[Any, ...], kind: str, **cause: Any) -> None:
        self.losses.append(Note(path, kind, cause))

    def free(self, value: Any) -> Any:
        return _fragment_floats(value, self.exponent_plus, self.memory) if self.floats else value

    def record(self, rec: dict[str, Any], index: int) -> dict[str, Any]:
        if EXTENSION_MARK in rec:
            return {
                wire: self.free(rec[ir]) if free else rec[ir] for ir, wire, free in self._extension
            }
        role = rec[MESSAGE_TAG]
        path = (index,)
        out: dict[str, Any] = {MESSAGE_TAG: role}
        self._struct(rec, role, path, out)
        known = self._known[role]
        for key, value in rec.items():
            if key in known:
                continue
            if key in self._metadata:
                out[key] = value
            else:
                self.lose((*path, key), "metadata", key=key, dialect=self.spec.name)
        return out

    def _struct(
        self, rec: dict[str, Any], tname: str, path: tuple[Any, ...], out: dict[str, Any]
    ) -> None:
        for f in self._fields[tname]:
            if f.ir not in rec:
                if f.optional:
                    continue
                if f.has_default:
                    out[f.wire] = f.default
                    continue
                self.lose((*path, f.ir), "missing-key", key=f.wire, required=True)
                continue
            value = rec[f.ir]
            kind = f.kind
            if kind == CONTENT_KIND:
                value = [self._block(b, (*path, f.ir, i)) for i, b in enumerate(value)]
            elif kind == USAGE_KIND:
                value = self._usage(value, (*path, f.ir))
            elif kind == "free":
                value = self.free(value)
            elif kind == STOP_KIND and value not in self.spec.stop_reasons:
                self.lose((*path, f.ir), "stop-reason", variant=value, dialect=self.spec.name)
            out[f.wire] = value

    def _block(self, block: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        tname = block[CONTENT_TAG]
        out: dict[str, Any] = {CONTENT_TAG: tname}
        self._struct(block, tname, path, out)
        fields = self._fields[tname]
        if len(block) > len(out):
            names = {f.ir for f in fields}
            for key in block:
                if key != CONTENT_TAG and key not in names:
                    self.lose((*path, key), "field", key=key, dialect=self.spec.name)
        return out

    def _usage(self, usage: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        fields = self._fields[USAGE_TYPE]
        for f in fields:
            out[f.wire] = usage.get(f.ir, 0)
        if len(usage) > len(fields):
            names = {f.ir for f in fields}
            for key, value in usage.items():
                if key not in names and value != 0:
                    self.lose((*path, key), USAGE_TYPE, key=key, got=value, dialect=self.spec.name)
        return out


def write(
    records: list[dict[str, Any]],
    spec: Spec,
    has_float: bool,
    passthrough: bool = False,
    float_format: str = DEFAULT_FLOAT_FORMAT,
    memory: Memory | None = None,
) -> tuple[bytes, list[Note]]:
    """Serialize records for ``spec`` as UTF-8 bytes; ``passthrough`` when records already are
    its wire form.

    ``float_format`` is ``ryu`` (serde_json <= 1.0.146) or ``zmij`` (1.0.147 and later).
    ``memory``: floats to write as the agent held them rather than as serde read them back.
    """
    if has_float and ORJSON_WRITES_ZMIJ and not memory:
        # orjson writes floats as zmij does; ryu differs only by the `+` of a positive
        # exponent, so floats are pre-rendered only when the text has an `e+` somewhere.
        data, losses = _write(records, spec, False, passthrough, float_format)
        if float_format == "zmij" or b"e+" not in data:
            return data, losses
    return _write(records, spec, has_float, passthrough, float_format, memory)


def _write(
    records: list[dict[str, Any]],
    spec: Spec,
    floats: bool,
    passthrough: bool,
    float_format: str,
    memory: Memory | None = None,
) -> tuple[bytes, list[Note]]:
    writer = Writer(spec, floats=floats, float_format=float_format, memory=memory)
    if passthrough and not floats and not spec.sorted_keys:
        wire = records
    else:
        wire = [writer.record(rec, i) for i, rec in enumerate(records)]
    if not spec.sorted_keys:
        return orjson.dumps(wire), writer.losses
    sort = orjson.OPT_SORT_KEYS
    parts = [orjson.dumps(w) if EXTENSION_MARK in w else orjson.dumps(w, option=sort) for w in wire]
    return b"[" + b",".join(parts) + b"]", writer.losses
