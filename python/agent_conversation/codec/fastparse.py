"""The fast path: parse with orjson, then prove the result equals what the exact parser gives.

orjson is as strict as serde_json about syntax, but it differs in four ways, each checked here
(or by the reader, which walks every object in fast mode and bails on anything unusual):

- repeated keys: orjson keeps the last silently. Every key in the text is a string followed
  directly by ``:``; counting ``":`` (minus escaped quotes) must equal the keys in the tree.
- ``-0``: orjson gives the integer 0, serde_json the float -0.0.
- floats: serde_json's float parsing is not correctly rounded for long or far-scaled literals;
  every float literal must be one where both agree.
- nesting: orjson allows deeper documents than serde_json's 128 (checked by the reader).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from .numbers import NumberOutOfRange, is_simple_literal, parse_literal

_WS_BEFORE_COLON = re.compile(rb'"[ \t\r\n]+:')
_MINUS_ZERO = re.compile(rb"-0(?![.0-9eE])")
_FLOAT_LITERAL = re.compile(
    rb"[:\[,][ \t\r\n]*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?=[ \t\r\n]*[,\]}])"
)
_WS_AFTER_QUOTE = (b'" ', b'"\n', b'"\r', b'"\t')


def load_tree(data: bytes) -> list[Any] | None:
    """orjson's tree for ``data`` if it is a JSON array, else None (leave it to the exact path)."""
    try:
        tree = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return tree if type(tree) is list else None


def keys_match(data: bytes, tree_keys: int) -> bool:
    """True when the text has exactly ``tree_keys`` keys, i.e. no key was repeated."""
    if b'\\\\":' in data:
        return False  # a key ending in a backslash: leave it to the exact path
    if any(w in data for w in _WS_AFTER_QUOTE) and _WS_BEFORE_COLON.search(data):
        return False
    return data.count(b'":') - data.count(b'\\":') == tree_keys


def numbers_match(data: bytes, has_float: bool, minus_zero: bool = True) -> bool:
    """True when every number orjson read equals serde_json's reading of its literal."""
    if minus_zero and b"-0" in data:
        for m in _MINUS_ZERO.finditer(data):
            start = m.start()
            j = start - 1
            while j >= 0 and data[j] in b" \t\r\n":
                j -= 1
            if j >= 0 and data[j] in b":[,":
                return False
    if not has_float:
        return True
    for m in _FLOAT_LITERAL.finditer(data):
        lit = m.group(1).decode()
        if lit.lstrip("-").isdigit() and len(lit) < 19:
            continue
        if is_simple_literal(lit):
            continue
        try:
            serde_value = parse_literal(lit)
        except NumberOutOfRange:
            return False
        orjson_value = orjson.loads(lit)
        if type(serde_value) is not type(orjson_value) or serde_value != orjson_value:
            return False
    return True


def has_minus_zero(span: bytes) -> bool:
    """True when the text holds a ``-0`` number (orjson reads it as the integer 0)."""
    return b"-0" in span and not numbers_match(span, False)


def floats_simple(span: bytes) -> bool:
    """True when serde_json reads every float literal in the text as orjson does."""
    return numbers_match(span, True, minus_zero=False)
