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
    """Map a dialect name (``yoagent@0.16.2``, ``yoagent@0.18``, ``phi-core``) to a revision."""
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
    for key in revisions:
        if _in_range(parsed, REVISIONS[key]["versions"]):
            return key
    # A bare major.minor such as "yoagent@0.18" names every patch of that minor.
    if len(parsed) == 2:
        for key in revisions:
            if _in_range(parsed + (0,), REVISIONS[key]["versions"]):
                return key
    raise ConversationError(_unknown(name))


def _unknown(name: str) -> str:
    ranges = ", ".join(f"{key} ({' '.join(rev['versions'])})" for key, rev in REVISIONS.items())
    return (
        f"unknown dialect {name!r}: use 'auto', a crate name ('yoagent', 'phi-core') or "
        f"crate@version; known revisions: {ranges}"
    )
