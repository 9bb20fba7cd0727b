"""orjson's tree of a small document, and whether orjson writes that tree back as the same bytes.

Both are the first steps of every reading (:mod:`.parsed`, :mod:`.small_document`) and need
nothing but orjson, so the shortest reading of a small file loads no more than this.
"""

from __future__ import annotations

import orjson

from .._lean_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

BATCH_BYTES = 1 << 20  # documents up to this size are parsed in one orjson call
_PRETTY = b"[\n  "


def small_array(raw: bytes) -> list[Any] | None:
    """orjson's tree of a document of at most one batch that is a JSON array; else None."""
    if len(raw) > BATCH_BYTES:
        return None
    try:
        tree = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return tree if type(tree) is list else None


def is_pretty(data: bytes) -> bool:
    """True when ``data`` starts the way orjson's 2-space indent writes a non-empty array or
    object (anything else it writes the same either way, or not at all)."""
    return data[1:4] == _PRETTY[1:] and data[:1] in (b"[", b"{")


def written_by_orjson(data: bytes, tree: Any) -> bool:
    """True when orjson writes ``tree`` as exactly ``data``, compact or with a 2-space indent
    (then no key is repeated, there is no ``-0`` and every float literal is orjson's own)."""
    option = orjson.OPT_INDENT_2 if is_pretty(data) else 0
    try:
        return orjson.dumps(tree, option=option) == data
    except (TypeError, orjson.JSONEncodeError):
        return False
