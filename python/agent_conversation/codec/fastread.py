"""A fast reader for messages already in a dialect's own shape.

For each type the dialect's exact key sets (required keys, plus each optional key) are known
from the wire tables; a message whose keys form one of those sets and whose values have the
plain types is turned into its record directly. Anything else goes to the general
:class:`~.reader.Reader`, so acceptance is decided by one set of rules; this only skips work.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from .reader import FREE_DEPTH_LIMIT, Bail, Reader
from .spec import Spec, TypeSpec


class _Layout:
    """One accepted key set of one type: which wire key feeds which record key, and how."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[Any, str, str]]) -> None:
        self.pairs = pairs  # (wire key, record key, kind) or (default value, record key, "default")


def _layouts(ts: TypeSpec, tag: str | None) -> dict[frozenset[str], _Layout]:
    required = [f for f in ts.fields if f.required]
    optional = [f for f in ts.fields if not f.required]
    out: dict[frozenset[str], _Layout] = {}
    for n in range(len(optional) + 1):
        for extra in combinations(optional, n):
            chosen = {f.wire for f in (*required, *extra)}
            # An absent serde(default) field reads as its default: kind "default" carries it.
            pairs = [
                (f.wire, f.ir, f.kind) if f.wire in chosen else (f.default, f.ir, "default")
                for f in ts.fields
                if f.wire in chosen or (f.has_default and f.default is not None)
            ]
            keys = frozenset(chosen | ({tag} if tag else set()))
            out[keys] = _Layout(pairs)
    return out


class FastReader:
    """Reads canonical-shaped messages of one dialect with little overhead."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.generic = Reader(spec, fast=True)
        types = spec.types
        self.messages = {role: _layouts(types[role], "role") for role in ("user", "assistant", "toolResult")}
        self.blocks = {kind: _layouts(types[kind], "type") for kind in ("text", "image", "thinking", "toolCall")}
        self.usage = _layouts(types["usage"], None)
        self.stops = spec.stop_reasons
        self.keys = 0
        self.has_float = False

    def read_all(self, tree: list[Any]) -> list[dict[str, Any]]:
        """Records for every message; raises Bail when the exact path must decide."""
        out = []
        generic = self.generic
        for index, message in enumerate(tree):
            record = self.message(message) if type(message) is dict else None
            if record is None:
                mark = generic.keys
                record = generic.message(message, index)
                self.keys += generic.keys - mark
                generic.keys = mark
            out.append(record)
        self.has_float = self.has_float or generic.has_float
        if generic.notes:
            raise Bail
        return out

    def message(self, m: dict[str, Any]) -> dict[str, Any] | None:
        role = m.get("role")
        if type(role) is not str:
            return None
        layouts = self.messages.get(role)
        if layouts is None:
            if len(m) == 3 and "kind" in m and "data" in m:
                kind = m["kind"]
                if type(kind) is str:
                    self.keys += 3
                    return {"role": role, "kind": kind, "data": self.free(m["data"], 3)}
            return None
        layout = layouts.get(frozenset(m))  # type: ignore[arg-type]
        if layout is None:
            return None
        record: dict[str, Any] = {"role": role}
        for wire, ir, kind in layout.pairs:
            if kind == "default":
                record[ir] = wire
                continue
            value = m[wire]
            if kind == "str":
                if type(value) is not str:
                    return None
            elif kind == "u64":
                if type(value) is not int or value < 0:
                    return None
            elif kind == "content":
                value = self.content(value)
                if value is None:
                    return None
            elif kind == "stop":
                if type(value) is not str or value not in self.stops:
                    return None
            elif kind == "usage":
                value = self.read_usage(value)
                if value is None:
                    return None
            elif kind == "bool":
                if value is not True and value is not False:
                    return None
            else:
                return None
            record[ir] = value
        self.keys += len(m)
        return record

    def read_usage(self, u: Any) -> dict[str, Any] | None:
        if type(u) is not dict:
            return None
        layout = self.usage.get(frozenset(u))
        if layout is None:
            return None
        out = {}
        for wire, ir, kind in layout.pairs:
            if kind == "default":
                out[ir] = wire
                continue
            value = u[wire]
            if type(value) is not int or value < 0:
                return None
            out[ir] = value
        self.keys += len(u)
        return out

    def content(self, blocks: Any) -> list[dict[str, Any]] | None:
        if type(blocks) is not list:
            return None
        out = []
        for block in blocks:
            if type(block) is not dict:
                return None
            kind = block.get("type")
            if type(kind) is not str:
                return None
            layouts = self.blocks.get(kind)
            if layouts is None:
                return None
            layout = layouts.get(frozenset(block))
            if layout is None:
                return None
            record: dict[str, Any] = {"type": block["type"]}
            for wire, ir, kind in layout.pairs:
                if kind == "default":
                    continue  # providerMetadata: absent stays absent
                value = block[wire]
                if kind == "str":
                    if type(value) is not str:
                        return None
                elif kind == "free":
                    if value is None and ir == "providerMetadata":
                        return None  # null reads as absent: a note, so the general reader
                    value = self.free(value, 5)
                else:
                    return None
                record[ir] = value
            self.keys += len(block)
            out.append(record)
        return out

    def free(self, value: Any, depth: int) -> Any:
        """A free value with keys sorted at every depth (serde_json's BTreeMap)."""
        t = type(value)
        if t is dict:
            if depth > FREE_DEPTH_LIMIT:
                raise Bail
            self.keys += len(value)
            keys = list(value)
            if len(keys) > 1:
                ordered = sorted(keys)
                if ordered != keys:
                    keys = ordered
            nested = depth + 1
            return {k: self.free(value[k], nested) for k in keys}
        if t is list:
            if depth > FREE_DEPTH_LIMIT:
                raise Bail
            nested = depth + 1
            return [self.free(v, nested) for v in value]
        if t is float:
            self.has_float = True
        return value
