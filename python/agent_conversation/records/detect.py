"""Telling the records apart by content: a configuration value or an agent event stream."""

from __future__ import annotations

from typing import Any

import orjson

WHOLE_LIMIT = 4 * 1024 * 1024  # parse a pretty-printed object whole only up to this size
STRATEGY_TAGS = ("sequential", "parallel", "batched")
_OTHER_KINDS = ("loops", "session_id", "message", "parent_id")


def _load(chunk: bytes) -> Any:
    try:
        return orjson.loads(chunk)
    except orjson.JSONDecodeError:
        return None


def record_kind(value: Any) -> str | None:
    """``config``, ``events`` or None for one parsed top-level value."""
    from .configs import config_hints

    if not isinstance(value, dict) or "parent_id" in value or "loops" in value:
        return None
    tag = value.get("type")
    if isinstance(tag, str):
        if tag in STRATEGY_TAGS:
            return "config"
        return "events"
    if any(k in value for k in _OTHER_KINDS):
        return None
    if config_hints(value):
        return "config"
    return None


def sniff_record(data: bytes, start: int, name: str) -> str | None:
    """What validate-conversation should check this input as, if it is one of the records."""
    if data[start : start + 1] != b"{":
        return None
    newline = data.find(b"\n", start)
    first = data[start:] if newline < 0 else data[start:newline]
    head = _load(first)
    if head is None and newline >= 0 and len(data) <= WHOLE_LIMIT:
        head = _load(data[start:])  # a pretty-printed object
        if head is not None:
            kind = record_kind(head)
            return "config" if kind == "config" else None
    return record_kind(head)
