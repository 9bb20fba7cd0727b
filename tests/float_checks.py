"""Comparing floats between two documents of the same shape, and reading float-drift notes."""

from __future__ import annotations

from typing import Any

import orjson
from agent_conversation.codec.numbers import format_f64


def changed_floats(ours: str, theirs: str) -> list[tuple[str, str]]:
    """(our float, the crate's float), zmij text, wherever two documents of the same shape
    differ in a float, sorted; anything else differing fails."""
    out: list[tuple[str, str]] = []

    def walk(a: Any, b: Any) -> None:
        if isinstance(a, dict):
            assert isinstance(b, dict) and list(a) == list(b), (a, b)
            for key in a:
                walk(a[key], b[key])
        elif isinstance(a, list):
            assert isinstance(b, list) and len(a) == len(b), (a, b)
            for x, y in zip(a, b, strict=True):
                walk(x, y)
        elif type(a) is float and type(b) is float and a != b:
            out.append((format_f64(a, True), format_f64(b, True)))
        else:
            assert type(a) is type(b) and a == b, (a, b)

    walk(orjson.loads(ours), orjson.loads(theirs))
    return sorted(out)


def drift_pairs(notes: list[Any]) -> list[tuple[str, str]]:
    """(the literal's value, serde's reading), zmij text, of every ``float-drift`` note, sorted
    (notes follow the source's key order, a crate writes free values' keys sorted)."""
    pairs = []
    for note in notes:
        if note.kind == "float-drift":
            literal = note.message.split(" changes ", 1)[1].split(" to ", 1)[0]
            changed = note.message.split(" to ", 1)[1].split(" ", 1)[0]
            pairs.append((format_f64(float(literal), True), format_f64(float(changed), True)))
    return sorted(pairs)
