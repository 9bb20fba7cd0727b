"""Dialect names: ``yoagent@0.16.2`` → the wire revision that version reads and writes."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ._lean_typing import TYPE_CHECKING
from .errors import ConversationError
from .models.wire import REVISIONS

if TYPE_CHECKING:
    from typing import Any


def parse_version(text: str) -> tuple[int, ...]:
    """``0.16.2`` → ``(0, 16, 2)``; one to three dot-separated ASCII numbers, else ValueError.

    The one parser of crate versions: dialect names, the tables' bounds (``>=0.13.0``) and
    the configuration revisions all go through it."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return tuple(int(p) for p in parts)


def crate_version(name: str) -> tuple[str, tuple[int, ...] | None]:
    """``yoagent@0.20.1`` → (``yoagent``, ``(0, 20, 1)``); a bare crate or ``crate@latest`` has
    no version (None). ValueError, naming it, for a version that is not one (``yoagent@abc``,
    ``yoagent@1.2.3.4``)."""
    crate, _, version = name.partition("@")
    if version in ("", "latest"):
        return crate, None
    try:
        return crate, parse_version(version)
    except ValueError:
        raise ValueError(f"{name}: {version!r} is not a crate version (X.Y.Z)") from None


def _bound(bound: str) -> tuple[str, tuple[int, ...]]:
    """``>=0.13.0`` → (``>=``, ``(0, 13, 0)``): a bound of the tables' ``versions`` lists."""
    op = bound[:2] if bound[:2] in (">=", "<=") else bound[:1]
    return op, _padded(parse_version(bound[len(op) :]))


def _padded(version: tuple[int, ...]) -> tuple[int, ...]:
    return version + (0,) * (3 - len(version))


def in_range(version: tuple[int, ...], bounds: list[str]) -> bool:
    """Whether a version (missing parts read as 0) meets every bound (``>=0.9.0``, ``<0.13.0``)."""
    padded = _padded(version)
    for bound in bounds:
        op, limit = _bound(bound)
        ok = {
            ">=": padded >= limit,
            "<=": padded <= limit,
            ">": padded > limit,
            "<": padded < limit,
        }[op]
        if not ok:
            return False
    return True


def first_version(bounds: list[str]) -> str | None:
    """The lowest version a ``>=`` bound admits, as written (``0.11.0``), or None."""
    return next((b[2:] for b in bounds if _bound(b)[0] == ">="), None)


def version_span(bounds: list[str]) -> str | None:
    """The versions of a range in words: ``0.13.0–0.21.x``, ``0.26.5 and later``,
    ``0.26.5 up to (not including) 0.26.7``; None without a lower bound."""
    low = first_version(bounds)
    high = next((b[1:] for b in bounds if _bound(b)[0] == "<"), None)
    if low is None:
        return None
    if high is None:
        return f"{low} and later"
    major, minor, patch = _padded(parse_version(high))
    if len(high.split(".")) == 3 and patch == 0 and minor > 0:
        return f"{low}–{major}.{minor - 1}.x"
    return f"{low} up to (not including) {high}"


def resolve_in(
    table: dict[str, dict[str, Any]],
    name: str,
    unknown: Callable[[str, str | None], str],
    why_not: Callable[[str, tuple[int, ...]], str | None] = lambda crate, version: None,
) -> str:
    """``crate@version`` (or a revision name, a bare crate, ``crate@latest``) → the key of
    ``table`` (revisions with ``crate`` and ``versions``, oldest first) whose range holds it.

    ConversationError(``unknown(name, why)``) otherwise; ``why_not`` may refuse a parsed
    version with a reason (a version never published)."""
    if name in table:
        return name
    crate, _, version = name.partition("@")
    revisions = [key for key, rev in table.items() if rev["crate"] == crate]
    if not revisions:
        raise ConversationError(unknown(name, None))
    if version in ("", "latest"):
        return revisions[-1]
    try:
        parsed = parse_version(version)
    except ValueError:
        raise ConversationError(unknown(name, None)) from None
    why = why_not(crate, parsed)
    if why:
        raise ConversationError(unknown(name, why))
    for key in revisions:
        if in_range(parsed, table[key]["versions"]):  # a bare 0.18 is 0.18.0: every patch
            return key
    raise ConversationError(unknown(name, None))


def known_dialects() -> list[str]:
    """Canonical dialect names, one per wire revision, oldest first within each crate."""
    return list(REVISIONS)


def crate_of(name: str) -> str:
    return name.split("@", 1)[0]


@lru_cache(maxsize=256)
def resolve(name: str) -> str:
    """Map a dialect name (``yoagent@0.16.2``, ``yoagent@0.18``, ``phi-core``) to a revision.

    A name that is not a str (``None``) is a programming error: TypeError, naming the argument.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"the dialect must be a str ('auto', 'yoagent', 'yoagent@0.18.0'), "
            f"not {type(name).__name__}"
        )
    return resolve_in(REVISIONS, name, _unknown, _not_a_release)


def has_sessions(dialect: str) -> bool:
    """Whether a dialect (``yoagent@0.9.3``, ``yoagent@0.13``) has session files. A revision
    name stands for all its versions, so it has them if any of its versions does."""
    revision = resolve(dialect)
    bounds = REVISIONS[revision]["session_versions"]
    version = dialect.partition("@")[2]
    if not bounds or dialect == revision or version in ("", "latest"):
        return bool(bounds)
    return in_range(parse_version(version), bounds)


def sessions_from() -> str:
    """The first crate version with session files (``yoagent 0.11.0``)."""
    first = next(rev for rev in REVISIONS.values() if rev["session_versions"])
    return f"{first['crate']} {first_version(first['session_versions'])}"


def no_sessions(dialect: str) -> str | None:
    """Why ``dialect`` cannot have session files (None when it can)."""
    if has_sessions(dialect):
        return None
    return f"{dialect} has no session files: Session::to_jsonl exists from {sessions_from()}"


# Versions inside a revision's range that the crate never published, and versions before any
# save API (facts: the crates' release history). The ranges themselves come from the schema.
NEVER_PUBLISHED = {"phi-core": ((0, 11),)}  # phi-core went from 0.10.x to 0.12.0
NO_SAVE_API = {"yoagent": (0, 4, 0)}  # yoagent 0.1-0.3 had no save_messages/restore_messages


def _not_a_release(crate: str, version: tuple[int, ...]) -> str | None:
    """Why a parsed version of ``crate`` names no release with a save API, if it does not."""
    for gap in NEVER_PUBLISHED.get(crate, ()):
        if version[: len(gap)] == gap:
            return f"{crate} has no version {'.'.join(map(str, gap))}.x (it was never published)"
    first = NO_SAVE_API.get(crate)
    if first is not None and _padded(version) < first:
        return (
            f"{crate} before {'.'.join(map(str, first))} has no save API "
            "(no save_messages/restore_messages): nothing to read or write"
        )
    return None


def _unknown(name: str, why: str | None) -> str:
    ranges = ", ".join(f"{key} ({' '.join(rev['versions'])})" for key, rev in REVISIONS.items())
    if why:
        return f"unknown dialect {name!r}: {why}; known revisions: {ranges}"
    return (
        f"unknown dialect {name!r}: use 'auto', a crate name ('yoagent', 'phi-core') or "
        f"crate@version; known revisions: {ranges}"
    )
