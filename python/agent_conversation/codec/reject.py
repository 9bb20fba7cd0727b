"""Why a reading failed: ``Reject`` (a path, a kind, the facts), the fast path's ``Bail``, and
the refusals serde makes (``invalid type``, ``invalid value``, ``unknown variant``, and the
untagged ``AgentMessage`` whose two readings both failed).
"""

from __future__ import annotations

from .._lean_typing import TYPE_CHECKING
from ..errors import WITHIN, Cause, Note
from ..wording import unexpected, value_facts
from .spec import CONTENT_TAG, MESSAGE_TAG, STOP_KIND

if TYPE_CHECKING:
    from typing import Any


class Reject(Exception):
    """One reading of a value failed: where (a path), what (a kind) and the facts (a cause).

    ``Reject(path, "words", kind)`` is a cause its maker words itself (records, sessions);
    the reader gives facts: ``Reject(path, kind=..., cause={...})``.
    """

    def __init__(
        self,
        path: tuple[Any, ...],
        message: str | None = None,
        kind: str = "invalid",
        cause: Cause | None = None,
        context: tuple[Note, ...] = (),
    ) -> None:
        self.note = note = Note(path, kind, message if cause is None else cause, context)
        super().__init__(message)
        # the note's parts, as a refusal is asked for them
        self.path: tuple[Any, ...] = note.path
        self.kind: str = note.kind
        self.cause: Cause = note.cause
        self.context: tuple[Note, ...] = note.context

    @property
    def message(self) -> str:
        return self.note.message

    def __str__(self) -> str:
        return self.note.message


class Bail(Exception):
    """The fast path met something it leaves to the exact path."""


def describe(value: Any) -> str:
    """serde's ``Unexpected`` wording for a JSON value."""
    return unexpected(value_facts(value))


def wrong_type(path: tuple[Any, ...], raw: Any, expected: str, kind: str = "wrong-type") -> Reject:
    """serde's ``invalid type``: ``raw`` where ``expected`` was expected."""
    return Reject(path, kind=kind, cause={**value_facts(raw), "expected": expected})


def not_an_integer(path: tuple[Any, ...], raw: Any, expected: str, limit: int) -> Reject:
    """A non-integer where an integer is expected; a float names the integer rule it broke."""
    kind = "wrong-type"
    if type(raw) is float:
        if raw != raw or raw in (float("inf"), float("-inf")) or not raw.is_integer():
            kind = "not-an-integer"
        else:
            kind = "integer-overflow" if raw > limit else "float-for-integer"
    return wrong_type(path, raw, expected, kind)


def out_of_range(path: tuple[Any, ...], raw: int, expected: str) -> Reject:
    """serde's ``invalid value`` for an integer outside an unsigned field's range."""
    kind = "negative-integer" if raw < 0 else "integer-overflow"
    cause = {**value_facts(raw), "expected": expected, "category": "value"}
    return Reject(path, kind=kind, cause=cause)


UNKNOWN_KINDS = {MESSAGE_TAG: "unknown-role", CONTENT_TAG: "unknown-content-type"}
UNKNOWN_KINDS[STOP_KIND] = "unknown-stop-reason"
READINGS = ("an LLM message", "an extension record")


def unknown_variant(name: str, variants: tuple[str, ...], path: tuple[Any, ...], of: str) -> Reject:
    """An unknown variant of ``of`` (a tag key, or an enum's ``$defs`` name)."""
    cause = {"variant": name, "variants": variants}
    return Reject(path, kind=UNKNOWN_KINDS.get(of, "unknown-variant"), cause=cause)


def best_reading(llm: Note, ext: Note, looks_extension: bool) -> int:
    """Which reading of an untagged ``AgentMessage`` to blame: 0 (LLM message) or 1 (extension).

    The LLM reading, unless its role was no LLM role (it failed on the role, or on a missing
    key of the message itself) and the extension reading failed on a value rather than a
    missing key, or the record has keys only an extension record has: the author meant an
    extension record.
    """
    on_role = llm.kind in ("unknown-role", "missing-key")
    meant_extension = (
        (on_role or (llm.kind == "not-an-object" and "key" in llm.cause))
        and llm.path[1:] in ((MESSAGE_TAG,), ())
        and (ext.kind != "missing-key" or looks_extension)
    )
    return 1 if meant_extension else 0


def untagged(path: tuple[Any, ...], llm: Reject, ext: Reject, looks_extension: bool) -> Reject:
    """Neither reading of an ``AgentMessage`` succeeded: a refusal that keeps both readings
    (``context``) and takes the blamed one's path and kind (:func:`best_reading`)."""
    best = best_reading(llm.note, ext.note, looks_extension)
    primary = (llm, ext)[best]
    cause = {"readings": READINGS, "best": best, WITHIN: len(path)}
    return Reject(primary.path, kind=primary.kind, cause=cause, context=(llm.note, ext.note))
