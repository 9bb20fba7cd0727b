"""Splitting a saved conversation's top-level array into element byte spans.

Every later step works on one element span at a time: orjson parses batches of elements, the
exact parser runs only on the span of an element that needs it, and positions are that span's
offset plus the position inside it. msgspec's ``Raw`` finds the elements at C speed (it checks
the syntax of the structure it skips); the bytes between elements (``[``, ``,``, ``]`` and
whitespace) are checked here, so nothing msgspec might accept beyond serde_json leaks through:
each element's own text is still parsed by orjson or the exact parser.

Memory: the input's bytes, 16 bytes per element for the spans, and (while splitting) one
``Raw`` view of 48 bytes per element; no object tree of the whole document.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from typing import Any

from .orjson_tree import is_pretty, written_by_orjson

_WS = re.compile(rb"[ \t\r\n]*")
_SEP = re.compile(rb"[ \t\r\n]*,[ \t\r\n]*")
_DECODER: Any = None  # msgspec's decoder, made on first use (importing msgspec takes time)


@dataclass
class Spans:
    """Element ``i`` is ``data[starts[i]:ends[i]]``; ``lead``/``tail`` are the bytes between
    the brackets and the first/last element (they tell compact from pretty-printed text)."""

    starts: array  # type: ignore[type-arg]
    ends: array  # type: ignore[type-arg]
    lead: bytes = b""
    tail: bytes = b""

    def __len__(self) -> int:
        return len(self.starts)


def split(data: bytes) -> Spans | None:
    """The element spans of a well-formed top-level JSON array; None for anything else (a
    syntax error, another top-level type: the caller finds serde's error)."""
    global _DECODER
    import msgspec

    if _DECODER is None:
        _DECODER = msgspec.json.Decoder(list[msgspec.Raw])
    try:
        raws = _DECODER.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    start = _WS.match(data).end()  # type: ignore[union-attr]
    if data[start : start + 1] != b"[":
        return None
    pos = _WS.match(data, start + 1).end()  # type: ignore[union-attr]
    starts: array = array("q")  # type: ignore[type-arg]
    ends: array = array("q")  # type: ignore[type-arg]
    if not raws:
        close = pos
        lead = tail = b""
    elif pos == start + 1 and _compact(data, start, raws, starts, ends):
        return Spans(starts, ends)  # no whitespace anywhere: every separator is one comma
    else:
        lead = data[start + 1 : pos]
        last = len(raws) - 1
        sep = _SEP.match
        add_start, add_end = starts.append, ends.append
        for k, raw in enumerate(raws):
            end = pos + len(raw)
            add_start(pos)
            add_end(end)
            if k < last:
                m = sep(data, end)
                if m is None:
                    return None
                pos = m.end()
            else:
                pos = end
        close = _WS.match(data, pos).end()  # type: ignore[union-attr]
        tail = data[pos:close]
    if data[close : close + 1] != b"]":
        return None
    if _WS.match(data, close + 1).end() != len(data):  # type: ignore[union-attr]
        return None
    return Spans(starts, ends, lead, tail)


def _compact(data: bytes, start: int, raws: list[Any], starts: array, ends: array) -> bool:  # type: ignore[type-arg]
    """Spans at C speed for a compact array: when the elements' lengths plus one comma between
    each two and the two brackets make up the whole text, there is no whitespace anywhere, so
    element ``k + 1`` starts one byte after element ``k`` ends."""
    lengths = list(map(len, raws))
    if start + 2 + sum(lengths) + len(lengths) - 1 != len(data):
        return False
    starts.extend(accumulate(map(add, lengths[:-1], repeat(1)), initial=start + 1))
    ends.extend(map(add, starts, lengths))
    return data[ends[-1] : ends[-1] + 1] == b"]"


def join_spans(data: bytes, starts: array, ends: array, first: int, last: int) -> bytes | None:  # type: ignore[type-arg]
    """Elements ``first`` to ``last - 1`` (spans anywhere in ``data``) as one compact array
    text, when msgspec splits that text exactly at the spans (each span one whole value);
    None otherwise."""
    pieces = [data[starts[k] : ends[k]] for k in range(first, last)]
    text = b"[" + b",".join(pieces) + b"]"
    found = split(text)
    if found is None or len(found) != len(pieces):
        return None
    lengths = list(map(len, pieces))
    expected = array("q", accumulate(map(add, lengths[:-1], repeat(1)), initial=1))
    if found.starts != expected or found.ends != array("q", map(add, expected, lengths)):
        return None
    return text


def spans_of_canonical(data: bytes, tree: list[Any]) -> Spans | None:
    """The spans of a document orjson writes back byte for byte (compact, or pretty-printed
    with 2 spaces), from the lengths orjson writes each element with; None otherwise."""
    import orjson

    if not tree or not written_by_orjson(data, tree):
        return None
    pretty = is_pretty(data)
    option = orjson.OPT_INDENT_2 if pretty else 0
    texts = [orjson.dumps(t, option=option) for t in tree]
    if pretty:  # each line of an element is indented two more spaces inside the array
        lengths = [len(t) + 2 * t.count(b"\n") for t in texts]
        first, gap = 4, 4  # "[\n  ", ",\n  "
    else:
        lengths = list(map(len, texts))
        first, gap = 1, 1
    starts: array = array("q", accumulate(map(add, lengths[:-1], repeat(gap)), initial=first))  # type: ignore[type-arg]
    ends: array = array("q", map(add, starts, lengths))  # type: ignore[type-arg]
    if pretty:
        return Spans(starts, ends, b"\n  ", b"\n")
    return Spans(starts, ends)


_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def split_until_error(text: str) -> tuple[list[tuple[int, int]], int]:
    """For a text that :func:`split` refused: the (character) spans of the complete top-level
    elements before the first place that is not well-formed, and where to resume exact parsing
    (after the last good element, or the array's first element).

    The standard library's C scanner finds the elements; what it accepts beyond serde_json
    (``NaN``, lone surrogates) is refused later when the element itself is parsed.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    ws = re.compile(r"[ \t\r\n]*")
    i = ws.match(text).end()  # type: ignore[union-attr]
    if i >= n or text[i] != "[":
        return spans, 0
    pos = ws.match(text, i + 1).end()  # type: ignore[union-attr]
    resume = i
    if pos < n and text[pos] == "]":
        return spans, resume
    while pos < n:
        try:
            _, end = _SCAN(text, pos)
        except (StopIteration, ValueError, RecursionError):
            return spans, resume
        j = ws.match(text, end).end()  # type: ignore[union-attr]
        if j < n and text[j] not in ",]" and text[pos] in "-0123456789":
            # serde reads `1.x`, `1e`, `01` as one bad number; the C scanner stops after `1`
            return spans, resume
        spans.append((pos, end))
        resume = end
        if j >= n or text[j] != ",":
            return spans, resume
        pos = ws.match(text, j + 1).end()  # type: ignore[union-attr]
    return spans, resume
