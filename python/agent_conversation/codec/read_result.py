"""What reading a document under one dialect gives: the records, the notes (placed in the
file when first looked at), the floats' writer and drifts, and how notes and drifts are placed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import FLOAT_DRIFT, Finding, Problem
from .fastread import FastReader
from .floats import Drift, drift_cause
from .jsonparse import position, value_positions
from .parsed import Parsed


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
