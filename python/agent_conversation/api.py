"""The public codec API: ``loads``, ``dumps``, ``detect``, ``load``, ``dump``."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from .atomic_write import check_target as check_target
from .atomic_write import write_atomic as write_atomic
from .best_reading import best_reading
from .codec.dialect_hints import likely_order
from .codec.document import parse, read
from .codec.floats import memory_of
from .codec.numbers import FLOAT_FORMAT_CHOICES, chosen_format
from .codec.parsed import Parsed
from .codec.read_result import ReadResult, drift_notes
from .conversation import Conversation
from .dialects import crate_of, known_dialects, resolve
from .errors import AUTO, ConversationError
from .rendering import loss_problems
from .rendering import render as render

if TYPE_CHECKING:
    from .conversation import M
    from .typed_dialects import TypedDialect


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed and checked.

    A JSON tree has no reference cycles, so the collector can free nothing there; left on, it
    rescans the young objects over and over while millions are created (a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@overload
def loads(
    data: str | bytes, dialect: TypedDialect[M], *, float_format: str = ...
) -> Conversation[M]: ...
@overload
def loads(
    data: str | bytes, dialect: str = ..., *, float_format: str = ...
) -> Conversation[Any]: ...
def loads(data: str | bytes, dialect: str = "auto", *, float_format: str = "auto") -> Conversation:
    """Read a saved conversation exactly as that crate version's ``restore_messages()`` does.

    ``dialect`` is ``auto`` (the most likely reader that accepts it), a crate name
    (``yoagent``, ``phi-core``: the newest revision) or ``crate@version``; a constant of
    :mod:`agent_conversation.typed_dialects` also types ``conv[i]`` for type checkers.

    ``float_format`` (``auto``, ``ryu``, ``zmij``) is kept on the conversation
    (``conv.float_format``) for every later write. ``auto`` takes the writer the text shows (a
    float from 1e16 on written ``1e+16`` is zmij, serde_json >= 1.0.147; ``1e16`` is ryu,
    serde_json <= 1.0.146) and otherwise assumes zmij, what a fresh build resolves today
    (``conv.float_format_detected`` tells which). Floats that serde_json's restore reads
    differently from the literal are listed in ``conv.notes`` (kind ``float-drift``).
    """
    check_float_format(float_format)
    with _collector_paused():
        return _loads(data, dialect, float_format)


def check_float_format(float_format: str) -> None:
    if float_format not in FLOAT_FORMAT_CHOICES:
        raise ConversationError(
            f"float_format must be one of {', '.join(FLOAT_FORMAT_CHOICES)}, not {float_format!r}"
        )


def _loads(data: str | bytes, dialect: str, float_format: str) -> Conversation:
    parsed = parse(data)
    if dialect != "auto":
        return _conversation(read(parsed, resolve(dialect)), parsed, float_format)
    order = likely_order(parsed.tree, known_dialects())

    def trial(name: str, first_error: ConversationError | None) -> ReadResult:
        # once a dialect has refused, the others stop at their first problem, and look first
        # at the messages it refused
        probe = [p.index for p in first_error.problems] if first_error else []
        return read(parsed, name, fail_fast=first_error is not None, probe=probe)

    try:
        result = best_reading(order, trial, lambda found: found.notes)
    except ConversationError as err:
        raise _explain_auto(err, order) from None
    return _conversation(result, parsed, float_format)


def _explain_auto(error: ConversationError, order: list[str]) -> ConversationError:
    """The first dialect's refusal, saying that every dialect was tried (``cause["auto"]``)."""
    problems = [replace(p, dialect=order[0], cause={**p.cause, AUTO: True}) for p in error.problems]
    return ConversationError(problems)


def _conversation(result: ReadResult, parsed: Parsed, float_format: str) -> Conversation:
    detected = result.float_format
    chosen, assumed = chosen_format(float_format, detected)
    notes = result.notes
    if result.drifts:
        notes = [
            *notes,
            *drift_notes(parsed, result.drifts, result.dialect, chosen, assumed),
        ]
    if result.wire is not None:
        return Conversation(
            dialect=result.dialect,
            notes=list(notes),
            has_float=result.has_float,
            wire=result.wire,
            make_records=lambda: result.records,
            float_format=chosen,
            float_format_detected=detected is not None,
            memory=memory_of(result.drifts),
        )
    return Conversation(
        result.records,
        dialect=result.dialect,
        notes=notes,  # type: ignore[arg-type]  # a Sequence whose positions come late
        has_float=result.has_float,
        float_format=chosen,
        float_format_detected=detected is not None,
        memory=memory_of(result.drifts),
    )


def detect(data: str | bytes) -> list[str]:
    """The dialects whose reader accepts ``data``, most likely first."""
    try:
        parsed = parse(data)
    except ConversationError:
        return []
    accepted: list[tuple[int, int, str]] = []
    for rank, name in enumerate(likely_order(parsed.tree, known_dialects())):
        try:
            result = read(parsed, name, fail_fast=True)
        except ConversationError:
            continue
        accepted.append((len(result.notes), rank, name))
    return [name for _, _, name in sorted(accepted)]


def dumps(
    conv: Conversation,
    dialect: str | None = None,
    *,
    float_format: str = "auto",
    as_saved: bool = False,
) -> str:
    """The exact text that dialect's ``save_messages()`` writes for this history.

    Writing to another version of the same crate is allowed when nothing is lost; anything
    that would be lost raises ConversationError naming it. Cross-crate: see ``convert``.

    ``float_format``: ``auto`` (the conversation's own, ``conv.float_format``), ``ryu``
    (serde_json up to 1.0.146: ``1e16``) or ``zmij`` (serde_json 1.0.147+: ``1e+16``); it only
    matters for floats in free JSON values.

    ``as_saved``: by default each float is the value ``restore_messages()`` gives (serde_json's
    reading, not always correctly rounded), so ``dumps(loads(x))`` is what the crate writes
    after restoring ``x``. With ``as_saved=True`` each float is the value of its literal, as the
    agent held it when it saved: the bytes ``save_messages()`` wrote for this history (what
    ``validate-conversation --canonical`` compares).
    """
    return _encoded(conv, dialect, float_format, as_saved).decode()


def _encoded(conv: Conversation, dialect: str | None, float_format: str, as_saved: bool) -> bytes:
    """:func:`dumps` as UTF-8 bytes (what :func:`dump` writes: no ``str`` made)."""
    check_float_format(float_format)
    target = resolve(dialect) if dialect is not None else conv.dialect
    if target is None:
        raise ConversationError("this conversation was built by hand: name the dialect to write")
    if conv.dialect is not None and crate_of(conv.dialect) != crate_of(target):
        raise ConversationError(
            f"{conv.dialect} → {target} crosses crates; use agent_conversation.convert() "
            "which reports what is lost"
        )
    chosen = conv.float_format if float_format == "auto" else float_format
    data, losses = render(conv, target, chosen, conv.memory if as_saved else None)
    if losses:
        raise ConversationError(loss_problems(losses, target))
    return data


@overload
def load(
    path: str | os.PathLike[str], dialect: TypedDialect[M], *, float_format: str = ...
) -> Conversation[M]: ...
@overload
def load(
    path: str | os.PathLike[str], dialect: str = ..., *, float_format: str = ...
) -> Conversation[Any]: ...
def load(
    path: str | os.PathLike[str], dialect: str = "auto", *, float_format: str = "auto"
) -> Conversation:
    """Read a saved conversation file (see :func:`loads`)."""
    return loads(Path(path).read_bytes(), dialect, float_format=float_format)


def dump(
    conv: Conversation,
    path: str | os.PathLike[str],
    dialect: str | None = None,
    *,
    float_format: str = "auto",
    as_saved: bool = False,
) -> None:
    """Write a conversation file atomically (a temporary file in the same folder, then rename).

    ``float_format`` and ``as_saved`` as in :func:`dumps`.
    """
    write_atomic(Path(path), _encoded(conv, dialect, float_format, as_saved))
