"""The shortest reading of a small document exactly as a crate wrote it.

Most saved conversations are small files the crate wrote itself. For those, every step of the
general reading (:mod:`.document`: element spans, batches, the element reader's bookkeeping)
decides nothing: orjson writes the tree back byte for byte, so no key is repeated, there is no
``-0`` and every float literal is orjson's own; and the likeliest dialect's fast reader takes
every message in place, so that dialect reads it with no note (the first such reading is the
one :func:`..best_reading.best_reading` chooses). :func:`read_small` checks exactly that, with
one orjson parse, one orjson write and the fast reader's compiled checks, and answers None for
anything else (a bigger file, another layout, a float serde reads on its own, a message the fast
reader leaves to the general one); the general reading then decides. Tests compare both on the
fixtures, the conformance corpus and generated documents.
"""

from __future__ import annotations

from typing import Any

import orjson

from .dialect_hints import likely_order
from .fastread import FastReader
from .parsed import BATCH_BYTES
from .reader import Bail
from .spec import get_spec

_PRETTY = b"[\n  "


def read_small(data: bytes, dialect: str | None) -> tuple[str, list[Any], FastReader] | None:
    """``(dialect, tree, fast reader)`` when ``data`` (at most one batch) is in the wire form of
    ``dialect`` (None: the likeliest one) exactly as orjson writes its tree, compact or with a
    2-space indent; else None. The tree is then the records in wire form (the reader's
    ``records_of`` makes records of it where the dialect's names differ)."""
    if len(data) > BATCH_BYTES:
        return None
    try:
        tree = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(tree) is not list or not tree:
        return None
    option = orjson.OPT_INDENT_2 if data.startswith(_PRETTY) else 0
    try:
        if orjson.dumps(tree, option=option) != data:
            return None
    except (TypeError, orjson.JSONEncodeError):
        return None
    if dialect is None:
        from ..dialects import known_dialects

        dialect = likely_order(tree, known_dialects())[0]
    fast = FastReader.for_spec(get_spec(dialect))
    fast.fix = True  # the text is orjson's: a float serde may read otherwise is collected
    try:
        if not fast.wire_form(tree) or fast.hard:
            return None
    except Bail:
        return None
    return dialect, tree, fast
