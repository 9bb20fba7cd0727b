"""A saved conversation split into element byte spans, parsed by orjson a batch at a time.

:class:`Parsed` holds the document and its elements' spans (:mod:`.split`); batches of about
:data:`BATCH_BYTES` are parsed by orjson in one call. A batch is *canonical* when orjson writes
its tree back byte for byte in the document's layout (compact, or pretty-printed with 2 spaces):
then no key was repeated, there is no ``-0`` and every float literal is orjson's shortest text
of its value. An element may also be parsed again, alone, by the exact parser
(:mod:`.jsonparse`), which gives serde's syntax errors and the positions of its problems.

Memory: in streaming use (``keep=False``) one batch's tree at a time (a batch is at least one
element), besides the input and 16 bytes per element; ``keep=True`` keeps the trees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ..errors import ENCODING, ConversationError, Finding, Problem
from ..wording import syntax_kind
from .floats import Drift, FloatLog
from .jsonparse import RECURSION_LIMIT, JsonSyntaxError, Parser, position, value_positions
from .orjson_tree import BATCH_BYTES as BATCH_BYTES
from .orjson_tree import small_array, written_by_orjson
from .split import Spans, join_spans, spans_of_canonical


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
                canonical = written_by_orjson(text, trees)
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


def one_batch(raw: bytes, keep: bool) -> Parsed | None:
    """A document of at most one batch whose orjson tree gives the element spans too (the
    usual case: a document the crate wrote), or None."""
    tree = small_array(raw)
    if tree is None:
        return None
    found = spans_of_canonical(raw, tree)
    if found is None:
        return None
    parsed = Parsed(raw, None, True, elements=found, keep=keep)
    if keep:
        parsed._batches = [Batch(0, tree, True)]
    return parsed
