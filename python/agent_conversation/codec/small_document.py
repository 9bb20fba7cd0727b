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

from collections.abc import Callable

from .._lean_typing import TYPE_CHECKING
from .dialect_hints import likeliest
from .fastread import FastReader
from .orjson_tree import small_array, written_by_orjson
from .reject import Bail
from .spec import get_spec

if TYPE_CHECKING:
    from typing import Any


def read_small(data: bytes, dialect: str | None) -> tuple[str, list[Any], FastReader] | None:
    """``(dialect, tree, fast reader)`` when ``data`` (at most one batch) is in the wire form of
    ``dialect`` (None: the likeliest one) exactly as orjson writes its tree, compact or with a
    2-space indent; else None. The tree is then the records in wire form (the reader's
    ``records_of`` makes records of it where the dialect's names differ)."""
    tree = small_array(data)
    if not tree or not written_by_orjson(data, tree):
        return None
    if dialect is None:
        dialect = likeliest(tree)
    fast = FastReader.for_spec(get_spec(dialect))
    fast.fix = True  # the text is orjson's: a float serde may read otherwise is collected
    try:
        if not fast.wire_form(tree) or fast.hard:
            return None
    except Bail:
        return None
    return dialect, tree, fast


def feed_small(
    data: bytes, dialect: str | None, make_sink: Callable[[str], Any]
) -> tuple[str, Any, FastReader] | None:
    """:func:`read_small`, each record (in wire form) fed to ``make_sink(dialect)``:
    ``(dialect, sink, fast reader)``; None where it declines, or for a sink that does not read
    the wire form or takes batches (the general reading feeds that one)."""
    small = read_small(data, dialect)
    if small is None:
        return None
    dialect, tree, fast = small
    sink = make_sink(dialect)
    if not getattr(sink, "takes_wire", False) or hasattr(sink, "end_batch"):
        return None
    for index, message in enumerate(tree):
        sink(index, message)
    return dialect, sink, fast
