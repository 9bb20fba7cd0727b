"""Telling the records apart by content: a configuration value or an agent event stream."""

from __future__ import annotations

from typing import Any

import orjson

from ..sessions.lines import MESSAGE, PARENT_ID
from .config_spec import config_revisions, config_spec
from .tables import EVENTS, SESSIONS

WHOLE_LIMIT = 4 * 1024 * 1024  # parse a pretty-printed object whole only up to this size
# ToolExecutionStrategy is internally tagged by the same key as the events: its tag values
# (from the config tables) tell a strategy from an event.
_STRATEGY_TAG_KEYS = frozenset(config_spec(r).strategy_tag for r in config_revisions())
STRATEGY_TAGS = frozenset(v for r in config_revisions() for v in config_spec(r).strategy_variants)


def _fields(fields: list[list[Any]]) -> set[str]:
    return {field[0] for field in fields}


def _event_keys() -> set[str]:
    keys: set[str] = set()
    for table in EVENTS.values():
        for fields in table["structs"].values():
            keys |= _fields(fields)
        for enum in table["enums"].values():
            for variant in (enum.get("variants") or {}).values():
                if isinstance(variant, list):
                    keys |= _fields(variant)
    return keys


# A yoagent session entry (one line of session.jsonl) or a phi-core session document's top level
# is not a record this module tells apart; their keys come from their own tables. A document's
# own keys (those no event has) rule it out even beside a `type` key.
_DOCUMENT_KEYS = frozenset(
    key for table in SESSIONS.values() for key in _fields(table["structs"][table["root"]])
)
_DOCUMENT_ONLY_KEYS = _DOCUMENT_KEYS - _event_keys()
# The keys that tag an event (AgentEvent) or a ToolExecutionStrategy: both internally tagged.
_TAG_KEYS = _STRATEGY_TAG_KEYS | {t["enums"][t["root"]]["tag"] for t in EVENTS.values()}
_OTHER_KINDS = (MESSAGE, PARENT_ID, *sorted(_DOCUMENT_KEYS))


def _load(chunk: bytes) -> Any:
    try:
        return orjson.loads(chunk)
    except orjson.JSONDecodeError:
        return None


def record_kind(value: Any) -> str | None:
    """``config``, ``events`` or None for one parsed top-level value."""
    from .configs import config_hints

    if not isinstance(value, dict) or PARENT_ID in value:
        return None
    if any(key in value for key in _DOCUMENT_ONLY_KEYS):
        return None
    tag = next((value[key] for key in sorted(_TAG_KEYS) if key in value), None)
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
