"""How a dialect is named to the user: the crate version asked for (``yoagent 0.18.0``) or
the versions of a wire revision (``yoagent 0.22.0–0.26.x``), never the revision's key."""

from __future__ import annotations


def dialect_words(revision: str, requested: str = "auto") -> str:
    """``yoagent 0.18.0`` for what the user named, ``yoagent 0.22.0–0.26.x`` for a revision."""
    crate = revision.split("@", 1)[0].rpartition(":")[2]
    if requested != "auto" and "@" in requested:
        return f"{crate} {requested.split('@', 1)[1]}"
    span = revision_span(revision)
    return f"{crate} {span}" if span else revision


def revision_span(label: str) -> str | None:
    """The crate versions of a result's dialect (a wire revision, or a ``config:`` or
    ``events:`` label), e.g. ``0.13.0–0.21.x``."""
    from ..dialects import version_span
    from ..models.wire import REVISIONS
    from ..records.check import config_versions

    bounds = config_versions(label) or REVISIONS.get(label, {}).get("versions", [])
    return version_span(bounds)
