"""Dialect names: ``yoagent@0.16.2`` → the wire revision that version reads and writes."""

from __future__ import annotations

from functools import lru_cache

from .errors import ConversationError
from .models.wire import REVISIONS


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return tuple(int(p) for p in parts)


def _in_range(version: tuple[int, ...], bounds: list[str]) -> bool:
    for bound in bounds:
        op = bound[:2] if bound[:2] in (">=", "<=") else bound[:1]
        limit = _version_tuple(bound[len(op) :])
        padded = version + (0,) * (3 - len(version))
        limit_p = limit + (0,) * (3 - len(limit))
        ok = {
            ">=": padded >= limit_p,
            "<=": padded <= limit_p,
            ">": padded > limit_p,
            "<": padded < limit_p,
        }[op]
        if not ok:
            return False
    return True


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
    if name in REVISIONS:
        return name
    crate, _, version = name.partition("@")
    revisions = [key for key, rev in REVISIONS.items() if rev["crate"] == crate]
    if not revisions:
        raise ConversationError(_unknown(name))
    if version in ("", "latest"):
        return revisions[-1]
    try:
        parsed = _version_tuple(version)
    except ValueError:
        raise ConversationError(_unknown(name)) from None
    why = _not_a_release(crate, parsed)
    if why:
        raise ConversationError(_unknown(name, why))
    for key in revisions:
        if _in_range(parsed, REVISIONS[key]["versions"]):
            return key
    # A bare major.minor such as "yoagent@0.18" names every patch of that minor.
    if len(parsed) == 2:
        for key in revisions:
            if _in_range(parsed + (0,), REVISIONS[key]["versions"]):
                return key
    raise ConversationError(_unknown(name))


# Versions inside a revision's range that the crate never published, and versions before any
# save API (facts: FORMAT.md section 2). The ranges themselves come from the schema.
NEVER_PUBLISHED = {"phi-core": ((0, 11),)}  # phi-core went from 0.10.x to 0.12.0
NO_SAVE_API = {"yoagent": (0, 4, 0)}  # yoagent 0.1-0.3 had no save_messages/restore_messages


def _not_a_release(crate: str, version: tuple[int, ...]) -> str | None:
    for gap in NEVER_PUBLISHED.get(crate, ()):
        if version[: len(gap)] == gap:
            return f"{crate} has no version {'.'.join(map(str, gap))}.x (it was never published)"
    first = NO_SAVE_API.get(crate)
    padded = version + (0,) * (3 - len(version))
    if first is not None and padded < first:
        return (
            f"{crate} before {'.'.join(map(str, first))} has no save API "
            "(no save_messages/restore_messages): nothing to read or write"
        )
    return None


def _unknown(name: str, why: str | None = None) -> str:
    ranges = ", ".join(f"{key} ({' '.join(rev['versions'])})" for key, rev in REVISIONS.items())
    if why:
        return f"unknown dialect {name!r}: {why}; known revisions: {ranges}"
    return (
        f"unknown dialect {name!r}: use 'auto', a crate name ('yoagent', 'phi-core') or "
        f"crate@version; known revisions: {ranges}"
    )
