"""Choosing a dialect by trial: the first reading without notes, else the one with fewest."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from typing import TypeVar

from .errors import ConversationError

R = TypeVar("R")


def best_reading(
    names: Iterable[str],
    read: Callable[[str, ConversationError | None], R],
    notes: Callable[[R], Sized],
) -> R:
    """Read with each dialect of ``names`` in turn (``read(name, first_error)``): the first
    reading with no ``notes`` wins, else the one with fewest (the earliest among equals); if
    none reads, the first dialect's ConversationError is raised."""
    first_error: ConversationError | None = None
    best: R | None = None
    for name in names:
        try:
            result = read(name, first_error)
        except ConversationError as err:
            first_error = first_error or err
            continue
        if not notes(result):
            return result
        if best is None or len(notes(result)) < len(notes(best)):
            best = result
    if best is not None:
        return best
    assert first_error is not None
    raise first_error
