"""The shapes a dialect writes and reads, from its wire tables, for the fast reader.

``key_sets``: every key set a reader accepts for a type (defaulted keys may be missing) and how
each wire key feeds the record; ``key_orders``: the key orders the dialect's writer emits
(declaration order, or sorted for phi-core) with each key's kind; ``compile_check``: a
straight-line checker for one key order (no per-field dispatch at run time).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from .._lean_typing import TYPE_CHECKING
from .spec import CONTENT_KIND, STOP_KIND, USAGE_KIND, Field, TypeSpec

if TYPE_CHECKING:
    from typing import Any


class Layout:
    """One accepted key set of one type: which wire key feeds which record key, and how."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[Any, str, str]]) -> None:
        self.pairs = pairs  # (wire key, record key, kind) or (default value, record key, "default")


def _present_sets(ts: TypeSpec, may_be_absent: Any) -> Iterator[list[Field]]:
    """Every choice of present fields, in declaration order, where only the fields for which
    ``may_be_absent(field)`` holds may be left out."""
    optional = [f for f in ts.fields if may_be_absent(f)]
    for n in range(len(optional) + 1):
        for extra in combinations(optional, n):
            yield [f for f in ts.fields if not may_be_absent(f) or f in extra]


def key_sets(ts: TypeSpec, tag: str | None) -> dict[frozenset[str], Layout]:
    """Every key set a reader accepts (defaulted keys may be missing) → how to read it."""
    out: dict[frozenset[str], Layout] = {}
    for present in _present_sets(ts, lambda f: not f.required):
        chosen = {f.wire for f in present}
        # An absent serde(default) field reads as its default: kind "default" carries it.
        pairs = [
            (f.wire, f.ir, f.kind) if f.wire in chosen else (f.default, f.ir, "default")
            for f in ts.fields
            if f.wire in chosen or (f.has_default and f.default is not None)
        ]
        keys = frozenset(chosen | ({tag} if tag else set()))
        out[keys] = Layout(pairs)
    return out


def key_orders(ts: TypeSpec, tag: str, sort: bool) -> dict[tuple[str, ...], list[tuple[str, str]]]:
    """Canonical key orders (optional keys present or not) → (key, kind) pairs.

    Only serde(default) fields that are always written may not be absent; Option fields
    may be absent.
    """
    out = {}
    for present in _present_sets(ts, lambda f: f.optional):
        order = [tag, *(f.wire for f in present)]
        out[tuple(sorted(order) if sort else order)] = [
            (f.wire, "optional-" + f.kind if f.optional and f.kind == "free" else f.kind)
            for f in present
        ]
    return out


_CHECKS = {
    "str": "    if type(m[{k!r}]) is not str: return False",
    "u64": "    v = m[{k!r}]\n    if type(v) is not int or v < 0: return False",
    "bool": "    v = m[{k!r}]\n    if v is not True and v is not False: return False",
    STOP_KIND: "    v = m[{k!r}]\n    if type(v) is not str or v not in stops: return False",
    # The content blocks, each checked by its own kind's checker for its key order, inline.
    CONTENT_KIND: (
        "    v = m[{k!r}]\n"
        "    if type(v) is not list: return False\n"
        "    n = 0\n"
        "    for b in v:\n"
        "        if type(b) is not dict: return False\n"
        "        t = b.get(content_tag)\n"
        "        c = block_check.get(t) if type(t) is str else None\n"
        "        if c is None: return False\n"
        "        c = c[tuple(b)]\n"
        "        if c is None or not c(b): return False\n"
        "        n += len(b)\n"
        "    reader.keys += n"
    ),
    USAGE_KIND: (
        "    v = m[{k!r}]\n"
        "    if type(v) is not dict or tuple(v) != usage_order: return False\n"
        "    for x in v.values():\n"
        "        if type(x) is not int or x < 0: return False\n"
        "    reader.keys += len(v)"
    ),
    "free": "    if not reader.free_in_place(m[{k!r}], 5): return False",
    # An Option<Value> given as null reads as absent (a note): the general reader decides.
    "optional-free": (
        "    v = m[{k!r}]\n    if v is None or not reader.free_in_place(v, 5): return False"
    ),
}


def compile_check(pairs: list[tuple[str, str]], env: dict[str, Any]) -> Any:
    """Build ``check(m) -> bool`` for one canonical key order, as straight-line code."""
    lines = ["def check(m):"]
    for key, kind in pairs:
        template = _CHECKS.get(kind)
        if template is None:
            lines.append("    return False")
            break
        lines.append(template.format(k=key))
    lines.append("    return True")
    namespace = dict(env)
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the wire tables only
    return namespace["check"]


class Checks(dict):  # type: ignore[type-arg]
    """``checks[key_order]``: the checker of one canonical key order, compiled when first asked
    for (a document meets few of them); None for any other order (not kept: hostile input
    cannot grow this)."""

    __slots__ = ("orders", "env")

    def __init__(self, orders: dict[tuple[str, ...], list[tuple[str, str]]], env: dict[str, Any]):
        super().__init__()
        self.orders = orders
        self.env = env

    def __missing__(self, order: tuple[str, ...]) -> Any:
        pairs = self.orders.get(order)
        if pairs is None:
            return None
        check = self[order] = compile_check(pairs, self.env)
        return check
