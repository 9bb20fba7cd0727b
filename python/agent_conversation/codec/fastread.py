"""A fast reader for messages already in a dialect's own shape.

For each type the dialect's exact key sets (required keys, plus each optional key) are known
from the wire tables; a message whose keys form one of those sets and whose values have the
plain types is turned into its record directly. Anything else goes to the general
:class:`~.reader.Reader`, so acceptance is decided by one set of rules; this only skips work.
"""

from __future__ import annotations

import threading

import orjson

from .._lean_typing import TYPE_CHECKING
from .numbers import EXPONENT_FROM, easy_float, parse_literal
from .reject import Bail
from .spec import (
    CONTENT_KIND,
    CONTENT_TAG,
    CONTENT_TYPES,
    FREE_DEPTH_LIMIT,
    MESSAGE_ROLES,
    MESSAGE_TAG,
    STOP_KIND,
    USAGE_KIND,
    Spec,
)
from .wire_layouts import Checks, key_orders, key_sets
from .wirefacts import EXTENSION_KEYS, USAGE_TYPE

if TYPE_CHECKING:
    from typing import Any

    from .reader import Reader

# An extension record's keys in written order (the unpacking fails loudly if that ever changes).
_ROLE, _KIND, _DATA = EXTENSION_KEYS


_CACHE = threading.local()


def _tag(value: Any, key: str) -> str | None:
    """The tag of an internally tagged object (the str under ``key``); None for anything else."""
    if type(value) is not dict:
        return None
    tag = value.get(key)
    return tag if type(tag) is str else None


class FastReader:
    """Reads canonical-shaped messages of one dialect with little overhead.

    Building one compiles its checks, so :meth:`for_spec` keeps one per dialect and thread and
    resets its per-document state.
    """

    hard: list[tuple[Any, Any]]
    rereads: list[tuple[str, float]]

    @classmethod
    def for_spec(cls, spec: Spec) -> FastReader:
        readers = getattr(_CACHE, "readers", None)
        if readers is None:
            readers = _CACHE.readers = {}
        reader = readers.get(spec.name)
        if reader is None or reader.spec is not spec:
            reader = readers[spec.name] = cls(spec)
        else:
            reader.reset()
        return reader

    def reset(self) -> None:
        self._generic: Reader | None = None
        self.keys = 0
        self.has_float = False
        self.big_floats: list[float] = []
        self.fix = False
        self.trusted = False
        self.hard.clear()
        self.rereads = []  # a new list: results keep the old one

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._generic = None  # the general reader, made when first needed
        types = spec.types
        self.messages = {role: key_sets(types[role], MESSAGE_TAG) for role in MESSAGE_ROLES}
        self.blocks = {kind: key_sets(types[kind], CONTENT_TAG) for kind in CONTENT_TYPES}
        self.usage = key_sets(types[USAGE_TYPE], None)
        # Option<Value> keys (providerMetadata): null reads as absent, which the reader notes.
        self.optional_free = {
            f.ir for t in types.values() for f in t.fields if f.optional and f.kind == "free"
        }
        self.stops = spec.stop_reasons
        self.keys = 0
        self.has_float = False
        self.big_floats = []  # magnitude >= 1e16: they show ryu or zmij
        # Floats. A float whose shortest text has more than 15 digits (or a far exponent) may be
        # read by serde_json 1 ulp away from orjson's correctly rounded value. When the
        # element's text is known to be orjson's own writing of its tree (``fix``), each such
        # literal is that shortest text: serde's reading of it replaces the value (in place:
        # ``hard`` collects the places; in copies: at once). Otherwise such a float sends the
        # element to the exact parser.
        self.fix = False
        self.trusted = False  # the values are serde's already (patched earlier): accept them
        self.hard = []
        self.rereads = []  # (literal, serde's value) replaced
        # Where the dialect's wire names are the internal names (yoagent >= 0.13), a message
        # whose keys come in the canonical order already *is* its record: check it in place.
        self.identity = all(f.wire == f.ir for t in types.values() for f in t.fields)
        # The key orders this dialect's writer emits: declaration order, or sorted (phi-core).
        self.sorted = spec.sorted_keys
        self.msg_order = {
            role: key_orders(types[role], MESSAGE_TAG, self.sorted) for role in self.messages
        }
        self.block_order = {
            kind: key_orders(types[kind], CONTENT_TAG, self.sorted) for kind in self.blocks
        }
        usage_keys = [f.wire for f in types[USAGE_TYPE].fields]
        self.usage_order = tuple(sorted(usage_keys) if self.sorted else usage_keys)
        self.compile_checks()

    @property
    def generic(self) -> Reader:
        """The general reader of this dialect, for what the fast checks leave to it (made on
        first use: a document the fast checks take whole never needs it)."""
        generic = self._generic
        if generic is None:
            from .reader import Reader

            generic = self._generic = Reader(self.spec, fast=True)
        return generic

    def wire_form(self, tree: list[Any]) -> bool:
        """True when every message is exactly as this dialect writes it (checked in place).

        Then the tree is the canonical wire form: it can be written back as it is, and the
        records can be made from it later, only if asked for.
        """
        return all(self.in_place(m) for m in tree)

    def in_place(self, m: Any) -> bool:
        """True when one message is exactly as this dialect writes it (checked in place)."""
        if type(m) is not dict:
            return False
        role = m.get(MESSAGE_TAG)
        if type(role) is not str:
            return False
        by_order = self.msg_check.get(role)
        if by_order is None:
            if len(m) != 3 or tuple(m) != EXTENSION_KEYS or type(m[_KIND]) is not str:
                return False
            if not self.free_in_place(m[_DATA], 3):
                return False
            self.keys += 3
            return True
        check = by_order[tuple(m)]
        if check is None or not check(m):
            return False
        self.keys += len(m)
        return True

    def patch_hard(self) -> None:
        """Replace the collected hard floats (in place) by serde's reading of their text."""
        for container, key in self.hard:
            value = container[key]
            literal = orjson.dumps(value).decode()
            serde = parse_literal(literal)
            if serde != value:
                container[key] = serde
                self.rereads.append((literal, float(serde)))
        self.hard.clear()

    def records_of(self, tree: list[Any]) -> list[dict[str, Any]]:
        """Records for a tree that passed :meth:`wire_form`."""
        if self.identity:
            return tree
        trusted, self.trusted = self.trusted, True  # the tree's floats are serde's already
        out = []
        try:
            for m in tree:
                record = m if m.get(MESSAGE_TAG) not in self.messages else self.message(m)
                assert record is not None
                out.append(record)
        finally:
            self.trusted = trusted
        return out

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
        self.big_floats += generic.big_floats
        if generic.notes:
            raise Bail
        return out

    def compile_checks(self) -> None:
        """Straight-line checker functions per canonical key order (no per-field dispatch), each
        compiled when first needed; a message's checker checks its content blocks with theirs."""
        self.block_check: dict[str, Checks] = {}
        env = {
            "stops": self.stops,
            "usage_order": self.usage_order,
            "reader": self,
            "block_check": self.block_check,
            "content_tag": CONTENT_TAG,
        }
        for kind, orders in self.block_order.items():
            self.block_check[kind] = Checks(orders, env)
        self.msg_check = {role: Checks(orders, env) for role, orders in self.msg_order.items()}

    def free_in_place(self, value: Any, depth: int) -> bool:
        """True when a free value is in limits; its keys are put in serde_json's order (a
        BTreeMap's: sorted) at every depth, in place (a JSON object written by Python keeps
        its insertion order)."""
        t = type(value)
        items: Any
        if t is dict:
            if depth > FREE_DEPTH_LIMIT:
                raise Bail
            keys = list(value)
            if len(keys) > 1:
                ordered = sorted(keys)
                if keys != ordered:
                    pairs = [(k, value[k]) for k in ordered]
                    value.clear()
                    value.update(pairs)
            self.keys += len(keys)
            items = value.items()
        elif t is list:
            if depth > FREE_DEPTH_LIMIT:
                raise Bail
            items = enumerate(value)
        else:
            if t is float and self._hard_float(value):
                raise Bail  # a bare float as the whole value: the exact path decides
            return True
        nested = depth + 1
        for k, v in items:
            tv = type(v)
            if tv is float:
                if self._hard_float(v):
                    if not self.fix:
                        raise Bail
                    self.hard.append((value, k))
            elif (tv is dict or tv is list) and not self.free_in_place(v, nested):
                return False
        return True

    def message(self, m: dict[str, Any]) -> dict[str, Any] | None:
        role = m.get(MESSAGE_TAG)
        if type(role) is not str:
            return None
        if self.identity:
            by_order = self.msg_check.get(role)
            if by_order is not None:
                check = by_order[tuple(m)]
                if check is not None:
                    mark = self.keys
                    if check(m):
                        self.keys += len(m)
                        return m
                    self.keys = mark
        layouts = self.messages.get(role)
        if layouts is None:
            if len(m) == 3 and _KIND in m and _DATA in m:
                kind = m[_KIND]
                if type(kind) is str:
                    self.keys += 3
                    return {_ROLE: role, _KIND: kind, _DATA: self.free(m[_DATA], 3)}
            return None
        layout = layouts.get(frozenset(m))
        if layout is None:
            return None
        record: dict[str, Any] = {MESSAGE_TAG: role}
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
            elif kind == CONTENT_KIND:
                value = self.content(value)
                if value is None:
                    return None
            elif kind == STOP_KIND:
                if type(value) is not str or value not in self.stops:
                    return None
            elif kind == USAGE_KIND:
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
            kind = _tag(block, CONTENT_TAG)
            if kind is None:
                return None
            layouts = self.blocks.get(kind)
            if layouts is None:
                return None
            layout = layouts.get(frozenset(block))
            if layout is None:
                return None
            record: dict[str, Any] = {CONTENT_TAG: block[CONTENT_TAG]}
            for wire, ir, kind in layout.pairs:
                if kind == "default":
                    continue  # providerMetadata: absent stays absent
                value = block[wire]
                if kind == "str":
                    if type(value) is not str:
                        return None
                elif kind == "free":
                    if value is None and ir in self.optional_free:
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
        if t is float and self._hard_float(value):
            if not self.fix:
                raise Bail
            literal = orjson.dumps(value).decode()
            serde = parse_literal(literal)
            if serde != value:
                self.rereads.append((literal, float(serde)))
                return serde
        return value

    def _hard_float(self, value: float) -> bool:
        """Note a float (one from 1e16 on shows the writer); True when serde_json may read its
        shortest text 1 ulp away from orjson's value (and the values are not serde's yet)."""
        self.has_float = True
        if not -EXPONENT_FROM < value < EXPONENT_FROM:
            self.big_floats.append(value)
        return not easy_float(value) and not self.trusted
