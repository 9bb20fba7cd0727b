"""Reading a parsed document's elements under one dialect, each by the fast or the exact path.

Each element is read by the fast reader and proven equal to what serde_json builds from its
text, or else parsed again, alone, by the exact parser. What proves an element (no cliff: no
step looks at more than the element's own bytes):

- its batch is canonical (:mod:`.parsed`): only floats with more than 15 digits (or a far
  exponent) are looked at, and serde's reading of their text replaces the value;
- otherwise, on the element's span: its keys counted in the text equal the keys in the tree,
  no ``-0``, and (only when the element holds floats) every float literal one serde reads
  correctly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ConversationError, Problem
from .fastparse import floats_simple, has_minus_zero, keys_match
from .fastread import FastReader
from .floats import Drift, style_in_text, surviving
from .numbers import EXPONENT_FROM
from .parsed import Batch, Parsed, SyntaxStop
from .read_result import Notes, ReadResult
from .reader import Bail, Reader, Reject
from .spec import get_spec

Sink = Callable[[int, dict[str, Any]], None]


class ElementReader:
    """Reads one document's elements under one dialect, each by the fast or the exact path."""

    def __init__(self, parsed: Parsed, dialect: str, sink: Sink | None, fail_fast: bool) -> None:
        self.parsed = parsed
        self.fail_fast = fail_fast
        self.dialect = dialect
        spec = get_spec(dialect)
        self.fast = FastReader.for_spec(spec)
        self.generic = self.fast.generic
        self.exact_reader = Reader(spec)
        self.sink = sink
        # a sink that reads only what every dialect's wire form names as the records do
        self.sink_takes_wire = getattr(sink, "takes_wire", False)
        self.problems: list[Problem] = []
        self.notes: list[Any] = []  # Problem, or (index, note) to locate later
        self.has_float = False
        self.wire: list[Any] | None = [] if sink is None else None  # all read in place
        self.records: list[Any] = []  # per element: its record, or None where it is wire
        # Floats. ``drifts``: literals serde reads differently (fast path: from the fast
        # reader's re-read literals, placed later; exact path: the parser's log). ``style``:
        # the writer shown by the first batch holding a float from 1e16 on (a few bytes.find
        # calls on that batch's text only).
        self.drifts: list[Drift] = []
        self.style: str | None = None
        self.batch_drifts: list[Drift] = []  # this batch's, for the sink
        self.batch_floats: list[int] = []  # this batch's elements read exactly with floats
        self.batch_big = False

    def run(self) -> ReadResult:
        parsed = self.parsed
        try:
            for batch in parsed.batches():
                self.batch(batch)
        except SyntaxStop as stop:
            raise ConversationError([*self.problems, stop.problem]) from None
        if parsed.syntax is not None:
            raise ConversationError([*self.problems, parsed.syntax])
        if self.problems:
            raise ConversationError(self.problems)
        fast = self.fast
        notes = Notes(parsed, self.notes)
        floats: dict[str, Any] = dict(float_format=self.style, drifts=self.drifts, parsed=parsed)
        if self.sink is not None:
            return ReadResult(self.dialect, [], notes, self.has_float, **floats)
        if self.wire is not None:
            # every element read in place (one that is not ends the wire list), so no notes:
            # the records are made on first use
            return ReadResult(self.dialect, None, [], self.has_float, self.wire, fast, **floats)
        return ReadResult(self.dialect, self.records, notes, self.has_float, **floats)

    def batch(self, batch: Batch) -> None:
        index = batch.first
        canonical = batch.canonical
        for m in batch.trees:
            self.element(index, m, canonical)
            index += 1
        self.batch_style(batch.first, index)
        end_batch = getattr(self.sink, "end_batch", None)
        if end_batch is not None:
            floats = getattr(self.sink, "floats", None)
            if floats is not None:
                floats(self.style, self.batch_big, self.batch_drifts, self.batch_floats)
            end_batch()
        self.batch_drifts, self.batch_floats = [], []

    def batch_style(self, first: int, end: int) -> None:
        """Find the writer from this batch's floats of magnitude >= 1e16, if not known yet."""
        big: list[float] = []
        for reader in (self.fast, self.generic, self.exact_reader):
            big += reader.big_floats
            reader.big_floats.clear()
        self.batch_big = bool(big)
        if big and self.style is None and end > first:
            start, stop = self.parsed.span(first)[0], self.parsed.span(end - 1)[1]
            self.style = style_in_text(self.parsed.data[start:stop], big)

    def add_drifts(self, index: int, found: list[Drift]) -> None:
        self.drifts += found
        self.batch_drifts += found

    def element(self, index: int, m: Any, canonical: bool) -> None:
        parsed = self.parsed
        fast = self.fast
        wire = False
        record: Any = None
        notes: list[Any] | None = None
        if m is not None:
            mark = fast.keys
            reread_mark = len(fast.rereads)
            before = fast.has_float
            fast.has_float = False
            fast.trusted = index in parsed.patched
            fast.fix = canonical
            try:
                if fast.in_place(m):
                    wire = True
                else:
                    fast.hard.clear()
                    fast.keys = mark
                    record = fast.message(m) if type(m) is dict else None
                    if record is None:
                        fast.keys = mark  # what it counted before giving up
                        record, notes = self.generic_message(m, index)
            except Bail:
                wire, record, notes = False, None, None
            floats = fast.has_float
            fast.has_float = before or floats
            if (wire or record is not None) and not canonical:
                start, end = parsed.span(index)
                span = parsed.data[start:end]
                if (
                    not keys_match(span, fast.keys - mark)
                    or has_minus_zero(span)
                    or (floats and not floats_simple(span))
                ):
                    wire, record = False, None
            if wire:
                if fast.hard:
                    fast.patch_hard()
                    if parsed.keep:  # the trees are kept: later dialect trials see the patch
                        parsed.patched.add(index)
                        parsed.rereads_at[index] = fast.rereads[reread_mark:]
                self.has_float = self.has_float or floats
            else:
                fast.hard.clear()
                if record is not None:
                    self.has_float = self.has_float or floats
                    if notes:
                        self.notes.extend((index, n) for n in notes)
                        if floats:  # a dropped key's float shows the writer too
                            _big_floats(m, fast.big_floats, {})
            if wire or record is not None:
                rereads = (
                    parsed.rereads_at.get(index, []) if fast.trusted else fast.rereads[reread_mark:]
                )
                if rereads and fast.trusted:
                    # patched by an earlier trial: the tree holds serde's readings, the text
                    # the literals (which show the writer)
                    fast.big_floats += [
                        v
                        for v in (float(lit) for lit, _ in rereads)
                        if not -EXPONENT_FROM < v < EXPONENT_FROM
                    ]
                if rereads:
                    self.add_drifts(
                        index,
                        [Drift((index,), -1, lit, serde, float(lit)) for lit, serde in rereads],
                    )
            del fast.rereads[reread_mark:]
        if not wire and record is None:
            record = self.exact(index)
            if record is None:
                return
        if self.sink is not None:
            if wire and not (fast.identity or self.sink_takes_wire):
                record = fast.records_of([m])[0]
            elif wire:
                record = m
            self.sink(index, record)
            return
        if self.wire is not None:
            if wire:
                self.wire.append(m)
                self.records.append(m if fast.identity else None)
                return
            # the first element not in wire form: records for the ones before
            before_records = self.records
            missing = [i for i, r in enumerate(before_records) if r is None]
            if missing:
                made = fast.records_of([self.wire[i] for i in missing])
                for i, r in zip(missing, made, strict=True):
                    before_records[i] = r
            self.wire = None
        elif wire:
            record = m if fast.identity else fast.records_of([m])[0]
        self.records.append(record)

    def generic_message(self, m: Any, index: int) -> tuple[dict[str, Any], list[Any]]:
        """The general reader in fast mode: the record and its notes (located later)."""
        generic = self.generic
        fast = self.fast
        keys, notes, floats = generic.keys, len(generic.notes), generic.has_float
        generic.has_float = False
        record = generic.message(m, index)
        fast.keys += generic.keys - keys
        generic.keys = keys
        if generic.has_float:
            fast.has_float = True
        generic.has_float = floats
        found = generic.notes[notes:]
        del generic.notes[notes:]
        return record, found

    def exact(self, index: int) -> dict[str, Any] | None:
        parsed = self.parsed
        tree = parsed.exact_tree(index)
        reader = self.exact_reader
        mark = len(reader.notes)
        big_mark = len(reader.big_floats)
        try:
            record = reader.message(tree, index)
        except Reject as why:
            self.problems.append(parsed.locate_element(index, why.note))
            if self.fail_fast:
                raise ConversationError(self.problems) from None
            return None
        finally:
            reader.has_float, floats = False, reader.has_float
            self.has_float = self.has_float or floats
        log = parsed.element_floats.get(index)
        if floats or reader.notes[mark:]:
            # every float literal shows the writer (a dropped key's too), as it was written
            held = {id(d.restored): d.saved for d in log.drifts} if log is not None else {}
            del reader.big_floats[big_mark:]  # serde's readings: the walk adds the literals'
            _big_floats(tree, reader.big_floats, held)
        if floats:
            self.batch_floats.append(index)
            if log is not None:
                found = surviving(log.drifts, record)
                if found:
                    self.add_drifts(index, found)
        for note in reader.notes[mark:]:
            self.notes.append(parsed.locate_element(index, note))
        del reader.notes[mark:]
        return record


def _big_floats(value: Any, out: list[float], held: dict[int, float]) -> None:
    """Add the floats of magnitude >= 1e16 inside ``value`` (a parsed element) to ``out``, as
    their literals say (``held``: id of serde's reading → the literal's value)."""
    if type(value) is float:
        if not -EXPONENT_FROM < value < EXPONENT_FROM:
            out.append(held.get(id(value), value))
    elif isinstance(value, dict):
        for item in value.values():
            _big_floats(item, out, held)
    elif isinstance(value, list):
        for item in value:
            _big_floats(item, out, held)
