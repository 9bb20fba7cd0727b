"""Reading a saved conversation one element span at a time: fast path, exact path, positions.

The document is split into element byte spans (:mod:`.split`); batches of about
:data:`BATCH_BYTES` are parsed by orjson; each element is read by the fast reader and proven
equal to what serde_json builds from its text, or else parsed again, alone, by the exact
parser (:mod:`.jsonparse`), which also gives the positions of its problems. What proves an
element (no cliff: no step looks at more than the element's own bytes):

- the batch is *canonical*: orjson writes its tree back byte for byte in the document's layout
  (compact, or pretty-printed with 2 spaces). Then no key was repeated, there is no ``-0``,
  every float literal is orjson's shortest text of its value, so only floats with more than 15
  digits (or a far exponent) are looked at: serde's reading of that text replaces the value.
- otherwise, on the element's span: its keys counted in the text equal the keys in the tree,
  no ``-0``, and (only when the element holds floats) every float literal one serde reads
  correctly.

Memory: in streaming use (``keep=False``) one batch's tree at a time (a batch is at least one
element), besides the input and 16 bytes per element; ``keep=True`` keeps the trees (``loads``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import orjson

from ..errors import (
    ENCODING,
    FLOAT_DRIFT,
    ConversationError,
    Finding,
    Note,
    Problem,
    decode_utf8,
    pointer,
    require_document,
)
from ..wording import syntax_kind
from . import wirefacts as facts
from .fastparse import floats_simple, has_minus_zero, keys_match
from .fastread import FastReader
from .floats import Drift, FloatLog, drift_cause, style_in_text, surviving
from .jsonparse import RECURSION_LIMIT, JsonSyntaxError, Parser, position, value_positions
from .numbers import EXPONENT_FROM
from .reader import Bail, Reader, Reject
from .spec import MESSAGE_ROLES, MESSAGE_TAG, get_spec
from .split import Spans, join_spans, spans_of_canonical, split, split_until_error

BATCH_BYTES = 1 << 20


class Batch:
    """Consecutive elements parsed by orjson in one call."""

    __slots__ = ("first", "trees", "canonical")

    def __init__(self, first: int, trees: list[Any], canonical: bool) -> None:
        self.first = first
        self.trees = trees  # None where orjson refused the element's text
        self.canonical = canonical


class Parsed:
    """A document split into elements, to be read under one or more dialects.

    ``fast=False`` is the exact path for the whole document (``tree``/``text``/``spans`` from
    the exact parser): the reference the fast path is tested against.
    """

    def __init__(
        self,
        data: bytes,
        tree: list[Any] | None,
        fast: bool,
        text: str | None = None,
        spans: list[tuple[int, int]] | None = None,
        elements: Spans | None = None,
        syntax: Problem | None = None,
        keep: bool = True,
        floats: FloatLog | None = None,
    ) -> None:
        self.data = data
        self._tree = tree
        self.fast = fast
        self.text = text
        self.spans = spans  # exact path: character spans of the elements in ``text``
        self.elements = elements  # fast path: byte spans of the elements in ``data``
        self.syntax = syntax  # serde's syntax error after the last element (it stops there)
        self.keep = keep
        self._batches: list[Batch] | None = None
        self.patched: set[int] = set()  # elements whose orjson floats are serde's already
        self.rereads_at: dict[int, list[tuple[str, float]]] = {}  # what patching them replaced
        self.floats = floats  # exact path: the whole document's float literals (drifts, writer)
        self.element_floats: dict[int, FloatLog] = {}  # elements the exact parser read
        self._exact: dict[int, Any] = {}
        # (offset, newlines before it, the last one's offset): positions move forward, so each
        # lookup counts only the bytes since the previous one (a one-line file has no newline
        # to find backwards)
        self._lines = (0, 0, -1)
        # the elements are not one array's (a session's messages, each inside its line): a
        # batch joins their spans with commas, and msgspec proves it splits where they do
        self.gapped = False

    def __len__(self) -> int:
        if not self.fast:
            return len(self._tree or [])
        return len(self.elements) if self.elements is not None else 0

    @property
    def tree(self) -> list[Any]:
        """Every element's tree (orjson's where it parsed them; None where it refused)."""
        if self._tree is None:
            self._tree = [t for batch in self.batches() for t in batch.trees]
        return self._tree

    @tree.setter
    def tree(self, value: list[Any]) -> None:
        self._tree = value

    def head(self, count: int = 256) -> list[Any]:
        """The first elements' trees (enough to guess the dialect)."""
        out: list[Any] = []
        for batch in self.batches():
            out.extend(batch.trees)
            if len(out) >= count:
                break
        return out

    # -- batches ---------------------------------------------------------------------------------
    def batches(self) -> Iterator[Batch]:
        if self._batches is not None:
            yield from self._batches
            return
        made: list[Batch] | None = [] if self.keep else None
        for batch in self._make_batches():
            if made is not None:
                made.append(batch)
            yield batch
        if made is not None:
            self._batches = made

    def _make_batches(self) -> Iterator[Batch]:
        spans = self.elements
        if spans is None:
            return
        data, starts, ends = self.data, spans.starts, spans.ends
        n = len(starts)
        lead, tail = spans.lead, spans.tail
        first = 0
        while first < n:
            last = first + 1
            limit = starts[first] + BATCH_BYTES
            while last < n and ends[last - 1] < limit:
                last += 1
            if self.gapped:
                joined = join_spans(data, starts, ends, first, last)
            else:
                joined = b"[" + lead + data[starts[first] : ends[last - 1]] + tail + b"]"
            text = joined or b""
            try:
                if joined is None:  # an element span that is not one whole value
                    raise orjson.JSONDecodeError("not one value per span", "", 0)
                trees = orjson.loads(text)
            except orjson.JSONDecodeError:
                trees = [_orjson_or_none(data[starts[k] : ends[k]]) for k in range(first, last)]
                canonical = False
            else:
                canonical = _canonical(trees, text, lead, tail)
            del text
            yield Batch(first, trees, canonical)
            first = last

    # -- the exact path for one element ------------------------------------------------------------
    def span(self, index: int) -> tuple[int, int]:
        assert self.elements is not None
        return self.elements.starts[index], self.elements.ends[index]

    def element_text(self, index: int) -> str:
        start, end = self.span(index)
        raw = self.data[start:end]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line, column = self.line_column(start + err.start, 0)
            raise ConversationError(
                [Problem(None, (), line, column + 1, {"byte": start + err.start}, ENCODING)]
            ) from None

    def exact_tree(self, index: int) -> Any:
        """The element parsed by the exact parser; raises :class:`SyntaxStop` where serde stops."""
        found = self._exact.get(index, _MISSING)
        if found is not _MISSING:
            return found
        text = self.element_text(index)
        parser = Parser(text)
        parser.depth = RECURSION_LIMIT - 1  # inside the top-level array
        try:
            value, end = parser.value(0, (index,))
            if end != len(text):  # not one value: serde stops at what follows it
                raise parser.peek_fail("expected `,` or `]`", end)
        except JsonSyntaxError as err:
            line, column = err.line_column(text)
            start = self.span(index)[0]
            line, column = self.shift(start, line, column)
            where = err.path or (index,)
            raise SyntaxStop(syntax_problem(index, where, line, column, err.code, text)) from None
        if parser.floats.drifts:
            self.element_floats[index] = parser.floats
        if self.keep:
            self._exact[index] = value
        return value

    def element_drifts(self, index: int) -> list[Drift]:
        """Every float literal of the element that serde reads differently (exact parser;
        paths from the document, offsets in the element's text)."""
        log = self.element_floats.get(index)
        if log is None:
            text = self.element_text(index)
            parser = Parser(text)
            parser.depth = RECURSION_LIMIT - 1
            parser.value(0, (index,))
            log = parser.floats
        return log.drifts

    # -- positions -------------------------------------------------------------------------------
    def line_column(self, offset: int, column_base: int = 0) -> tuple[int, int]:
        """serde's (line, column) of a byte offset: column counts bytes before it on its line."""
        data = self.data
        last, count, newline = self._lines
        if offset >= last:
            count += data.count(b"\n", last, offset)
            found = data.rfind(b"\n", last, offset)
            newline = found if found >= 0 else newline
        else:
            count = data.count(b"\n", 0, offset)
            newline = data.rfind(b"\n", 0, offset)
        self._lines = (offset, count, newline)
        return count + 1, offset - (newline + 1) + column_base

    def shift(self, start: int, line: int, column: int) -> tuple[int, int]:
        """A (line, column) inside the element starting at ``start`` → in the whole file."""
        base_line, base_column = self.line_column(start)
        return base_line + line - 1, column + (base_column if line == 1 else 0)

    def locate_element(self, index: int, note: Finding) -> Problem:
        """A note of element ``index`` (its path from the document root) with its position,
        and its sub-notes' positions."""
        text = self.element_text(index)
        positions = value_positions(text, 0, (index,))
        start = self.span(index)[0]

        def place(found: Finding) -> tuple[int, int]:
            probe = found.path
            while probe not in positions and len(probe) > 1:
                probe = probe[:-1]
            line, column = position(text, positions.get(probe, 0))
            line, column = self.shift(start, line, column)
            return line, column + 1

        return Problem.of(index, note, *place(note), place=place)


_MISSING = object()


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


class SyntaxStop(Exception):
    """serde_json stopped inside or after an element: the problem, with its position."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _orjson_or_none(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def _canonical(trees: list[Any], text: bytes, lead: bytes, tail: bytes) -> bool:
    """True when orjson writes ``trees`` back as exactly ``text`` (compact or 2-space pretty)."""
    if not lead and not tail:
        option = 0
    elif lead == b"\n  " and tail == b"\n":
        option = orjson.OPT_INDENT_2
    else:
        return False
    try:
        return orjson.dumps(trees, option=option) == text
    except (TypeError, orjson.JSONEncodeError):
        return False


class Notes(Sequence[Problem]):
    """A read's notes; positions are found when first looked at (each needs its element's
    span parsed again by the exact parser), so trying a dialect only counts them."""

    def __init__(self, parsed: Parsed, pending: list[Any]) -> None:
        self._parsed = parsed
        self._pending = pending  # Problem, or (index, note) to locate
        self._done: list[Problem] | None = None

    def _all(self) -> list[Problem]:
        if self._done is None:
            locate_element = self._parsed.locate_element
            self._done = [
                p if isinstance(p, Problem) else locate_element(*p) for p in self._pending
            ]
            self._pending = self._done
        return self._done

    def __len__(self) -> int:
        return len(self._pending)

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, Notes)):
            return self._all() == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._all())


@dataclass
class ReadResult:
    dialect: str
    _records: list[dict[str, Any]] | None
    notes: Sequence[Problem]
    has_float: bool
    wire: list[Any] | None = None  # the document's tree, when it is exactly the wire form
    reader: FastReader | None = None
    float_format: str | None = None  # the writer its text shows ("ryu"/"zmij"), None: no sign
    drifts: list[Drift] = field(default_factory=list)  # floats restore_messages() changes
    parsed: Parsed | None = None  # the document read (places the drifts)

    @property
    def records(self) -> list[dict[str, Any]]:
        if self._records is None:
            assert self.reader is not None and self.wire is not None
            self._records = self.reader.records_of(self.wire)
        return self._records


def to_bytes(data: str | bytes | bytearray | memoryview) -> bytes:
    require_document(data)
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ConversationError(
                [Problem(None, (), None, None, {"character": err.start}, ENCODING)]
            ) from None
    return bytes(data)


def parse(data: str | bytes, keep: bool = True) -> Parsed:
    """Split a document into elements; raise ConversationError for an encoding error or when
    serde_json refuses the text before its first element. A syntax error after some elements
    is kept (``Parsed.syntax``) so that refused elements before it are reported too.

    ``keep=False`` streams: batches are parsed again each time the document is read.
    """
    raw = to_bytes(data)
    if len(raw) <= BATCH_BYTES:  # one batch: orjson's tree may give the spans too
        try:
            tree = orjson.loads(raw)
        except orjson.JSONDecodeError:
            tree = None
        if type(tree) is list:
            found = spans_of_canonical(raw, tree)
            if found is not None:
                parsed = Parsed(raw, None, True, elements=found, keep=keep)
                if keep:
                    parsed._batches = [Batch(0, tree, True)]
                return parsed
    spans = split(raw)
    if spans is not None:
        return Parsed(raw, None, True, elements=spans, keep=keep)
    return _broken(raw, keep)


def _broken(raw: bytes, keep: bool) -> Parsed:
    """A document that is not a well-formed array: the elements before serde's syntax error
    (found by a C scanner), and that error (found by the exact parser from the last of them)."""
    text = decode_utf8(raw)
    char_spans, resume = split_until_error(text)
    if not char_spans:
        return exact(Parsed(raw, [], False))
    parser = Parser(text)
    try:
        parser.resume_document(resume, len(char_spans))
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        index = parser.element
        where = err.path or ((index,) if index is not None else ())
        syntax = syntax_problem(index, where, line, column, err.code, text)
    else:  # the scanner stopped where serde goes on: let the exact path read it all
        return exact(Parsed(raw, [], False))
    from array import array

    starts: array = array("q")  # type: ignore[type-arg]
    ends: array = array("q")  # type: ignore[type-arg]
    ascii_text = text.isascii()
    byte_pos = char_pos = 0
    for start, end in char_spans:
        if ascii_text:
            starts.append(start)
            ends.append(end)
            continue
        byte_pos += len(text[char_pos:start].encode("utf-8"))
        starts.append(byte_pos)
        byte_pos += len(text[start:end].encode("utf-8"))
        ends.append(byte_pos)
        char_pos = end
    del text
    first = starts[0]
    open_at = raw.rfind(b"[", 0, first)
    elements = Spans(starts, ends, raw[open_at + 1 : first], b"")
    return Parsed(raw, None, True, elements=elements, syntax=syntax, keep=keep)


def exact(parsed: Parsed) -> Parsed:
    """The whole document through the exact parser (positions, duplicates, serde's numbers)."""
    if not parsed.fast and parsed.text is not None:
        return parsed
    raw = parsed.data
    text = decode_utf8(raw)
    parser = Parser(text)
    syntax = None
    try:
        tree, spans = parser.parse_document()
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        index = parser.element
        where = err.path or ((index,) if index is not None else ())
        problem = syntax_problem(index, where, line, column, err.code, text)
        if not parser.partial:
            raise ConversationError([problem]) from None
        tree, spans, syntax = parser.partial, [], problem
    if syntax is not None:
        # the elements before the error, with their spans, for their own problems
        spans = _exact_spans(text, len(tree))
    return Parsed(
        raw, tree, fast=False, text=text, spans=spans, syntax=syntax, floats=parser.floats
    )


def _exact_spans(text: str, count: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    parser = Parser(text)
    parser.depth = RECURSION_LIMIT - 1
    i = parser.ws(0) + 1
    for k in range(count):
        i = parser.ws(i)
        if k:
            i = parser.ws(i + 1)  # the comma
        _, end = parser.value(i, (k,))
        spans.append((i, end))
        i = end
    return spans


def syntax_problem(
    index: int | None,
    path: tuple[Any, ...],
    line: int,
    column: int | None,
    code: str,
    text: str,
    after: str | None = None,
) -> Problem:
    """serde_json's syntax error ``code`` at ``path`` as a problem of its kind; ``after``: what
    trailing characters follow (the conversation's closing ``]`` unless said)."""
    kind = syntax_kind(code, text)
    cause = {"serde": code} if after is None else {"serde": code, "after": after}
    return Problem(index, path, line, column, cause, kind)


Sink = Callable[[int, dict[str, Any]], None]


def read(
    parsed: Parsed,
    dialect: str,
    sink: Sink | None = None,
    fail_fast: bool = False,
    probe: Sequence[int | None] = (),
) -> ReadResult:
    """Read a parsed document under one canonical dialect; raise ConversationError if refused.

    With ``sink``, each record is handed to it as it is read and none are kept. ``fail_fast``:
    stop at the first refused element (when only acceptance matters); ``probe``: elements to
    try first (those another dialect refused), so that a refusal costs no full read.
    """
    try:
        if not parsed.fast:
            return _read_exact(parsed, dialect)
        if fail_fast and probe:
            _probe(parsed, dialect, probe)
        return _ElementReader(parsed, dialect, sink, fail_fast).run()
    except ConversationError as err:  # each problem says which dialect refused
        err.problems = [replace(p, dialect=p.dialect or dialect) for p in err.problems]
        raise


def _probe(parsed: Parsed, dialect: str, indices: Sequence[int | None]) -> None:
    """Raise ConversationError if this dialect refuses one of these elements."""
    reader = Reader(get_spec(dialect))
    count = len(parsed)
    for index in sorted({i for i in indices if i is not None and 0 <= i < count}):
        try:
            reader.message(parsed.exact_tree(index), index)
        except Reject as why:
            raise ConversationError([parsed.locate_element(index, why.note)]) from None
        except SyntaxStop as stop:
            raise ConversationError([stop.problem]) from None


class _ElementReader:
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
        if self.wire is not None and not self.notes:
            return ReadResult(self.dialect, None, [], self.has_float, self.wire, fast, **floats)
        records = self.records
        if self.wire is not None:  # made lazily by the fast reader: make the missing ones now
            missing = [i for i, r in enumerate(records) if r is None]
            if missing:
                made = fast.records_of([self.wire[i] for i in missing])
                for i, r in zip(missing, made, strict=True):
                    records[i] = r
        return ReadResult(self.dialect, records, notes, self.has_float, **floats)

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


def _read_exact(parsed: Parsed, dialect: str) -> ReadResult:
    spec = get_spec(dialect)
    reader = Reader(spec)
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, m in enumerate(parsed.tree):
        try:
            records.append(reader.message(m, i))
        except Reject as why:
            problems.append(locate(parsed, why.note))
    if parsed.syntax is not None:
        problems.append(parsed.syntax)
    if problems:
        raise ConversationError(problems)
    notes = [locate(parsed, n) for n in reader.notes]
    floats = parsed.floats or FloatLog()
    drifts = surviving(floats.drifts, records)
    return ReadResult(
        dialect, records, notes, reader.has_float, float_format=floats.style, drifts=drifts
    )


def drift_notes(
    parsed: Parsed, drifts: list[Drift], dialect: str, float_format: str, assumed: bool
) -> list[Problem]:
    """One ``float-drift`` note per float that ``restore_messages()`` changes, with its place.

    On the fast path a drift found by re-reading a literal knows only its element: the exact
    parser reads that element's span (and no other) to place it.
    """
    out = []
    placed: dict[int, list[Drift]] = {}
    for drift in drifts:
        index = drift.path[0]
        path, offset = drift.path, drift.offset
        if offset < 0:  # fast path: the element's own drifts, matched by literal in order
            if index not in placed:
                placed[index] = list(parsed.element_drifts(index))
            candidates = placed[index]
            match = next((d for d in candidates if d.literal == drift.literal), None)
            if match is not None:
                candidates.remove(match)
                path, offset = match.path, match.offset
        if not parsed.fast:
            assert parsed.text is not None
            line, column = position(parsed.text, max(offset, 0))
        else:
            text = parsed.element_text(index)
            line, column = position(text, max(offset, 0))
            line, column = parsed.shift(parsed.span(index)[0], line, column)
        cause = drift_cause(drift, dialect, float_format, assumed)
        out.append(Problem(index, path, line, column + 1, cause, FLOAT_DRIFT))
    out.sort(key=lambda p: (p.line or 0, p.column or 0))
    return out


def locate(parsed: Parsed, note: Finding) -> Problem:
    """A note (or an unplaced problem) at its path (starting with the element index), with its
    line and column."""
    index = note.path[0]
    assert isinstance(index, int), "a note of a message starts with its index"
    if parsed.fast:
        return parsed.locate_element(index, note)
    text, spans = parsed.text, parsed.spans
    assert text is not None and spans is not None
    start = spans[index][0]
    positions = value_positions(text, start, (index,))

    def place(found: Finding) -> tuple[int, int]:
        probe = found.path
        while probe not in positions and len(probe) > 1:
            probe = probe[:-1]
        line, column = position(text, positions.get(probe, start))
        return line, column + 1

    return Problem.of(index, note, *place(note), place=place)


def signals(tree: list[Any]) -> tuple[bool, bool]:
    """Cheap hints of which crate wrote a document (looks at the first LLM messages): (phi-core,
    camelCase yoagent); every key and value comes from the wire tables (:mod:`.wirefacts`)."""
    camel = False
    seen = 0
    for m in tree:
        role = m.get(MESSAGE_TAG) if type(m) is dict else None
        if type(role) is not str or role not in MESSAGE_ROLES:
            continue
        seen += 1
        keys = list(m)
        if keys and keys[0] != MESSAGE_TAG and keys == sorted(keys):
            return True, camel
        stop = m.get(facts.STOP_KEY)
        if not facts.PHI_METADATA.isdisjoint(m) or (
            type(stop) is str and stop in facts.PHI_ONLY_STOPS
        ):
            return True, camel
        if not camel and not facts.CAMEL_ASSISTANT.isdisjoint(m):
            camel = True
        usage = m.get(facts.USAGE_KEY)
        if type(usage) is dict:
            if not facts.PHI_ONLY_USAGE.isdisjoint(usage):
                return True, camel
            if not camel and not facts.CAMEL_USAGE.isdisjoint(usage):
                camel = True
        if not camel:
            content = m.get(facts.CONTENT_KEY)
            if type(content) is list:
                camel = any(
                    type(b) is dict and not facts.CAMEL_TOOL_CALL.isdisjoint(b) for b in content
                )
        if seen >= 64:
            break
    return False, camel


def likely_order(tree: list[Any], dialects: list[str]) -> list[str]:
    """Dialects ordered from most to least likely to have written this document."""
    return list(_order(*signals(tree), tuple(dialects)))


@lru_cache(maxsize=16)
def _order(phi_hint: bool, camel_hint: bool, dialects: tuple[str, ...]) -> tuple[str, ...]:
    yo = [d for d in reversed(dialects) if d.startswith("yoagent@")]
    phi = [d for d in reversed(dialects) if d.startswith("phi-core@")]
    camel = [d for d in yo if _is_camel(d)]
    snake = [d for d in yo if not _is_camel(d)]
    if phi_hint:
        return (*phi, *camel, *snake)
    if camel_hint:
        return (*camel, *snake, *phi)
    return (*snake, *camel, *phi)


def _is_camel(dialect: str) -> bool:
    return not facts.CAMEL_USAGE.isdisjoint(get_spec(dialect).types[facts.USAGE_TYPE].lookup)


def read_arrays(
    text: str, dialect: str
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[Problem]]:
    """Read every ``messages`` array inside a JSON document (a phi-core session file).

    Returns ``[(pointer of the array, records)]`` and the notes; raises with every problem.
    """
    spec = get_spec(dialect)
    found: list[tuple[tuple[Any, ...], list[Any]]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "messages" and isinstance(item, list):
                    found.append(((*path, key), item))
                else:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))

    from .jsonparse import parse_value

    try:
        root = parse_value(text)
    except JsonSyntaxError as err:
        line, column = err.line_column(text)
        raise ConversationError(
            [syntax_problem(None, err.path or (), line, column, err.code, text)]
        ) from None
    walk(root, ())
    if not found:
        return [], []
    positions = value_positions(text, len(text) - len(text.lstrip(" \t\r\n")), ())
    problems: list[Problem] = []
    notes: list[Problem] = []
    out: list[tuple[str, list[dict[str, Any]]]] = []

    def place(path: tuple[Any, ...]) -> tuple[int, int]:
        probe = path
        while probe and probe not in positions:
            probe = probe[:-1]
        line, column = position(text, positions.get(probe, 0))
        return line, column + 1

    def at(base: tuple[Any, ...], note: Note) -> Problem:
        return Problem.of(
            None,
            note,
            *place((*base, *note.path)),
            base=base,
            place=lambda sub: place((*base, *sub.path)),
        )

    for base, items in found:
        reader = Reader(spec)
        records = []
        for i, item in enumerate(items):
            try:
                records.append(reader.message(item, i))
            except Reject as why:
                problems.append(at(base, why.note))
        notes += [at(base, n) for n in reader.notes]
        out.append((pointer(base), records))
    if problems:
        raise ConversationError(problems)
    return out, notes
