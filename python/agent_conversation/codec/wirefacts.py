"""Facts across revisions, derived from the wire tables (``models/wire.py``): the message keys
that hold a stop reason, usage or content, and what tells one crate or revision from another
(the dialect sniffing of :func:`codec.dialect_hints.signals`). Types are found by their schemas'
``$defs`` names (``Usage``, ``ToolCallContent``), never by wire names."""

from __future__ import annotations

from .._lean_typing import TYPE_CHECKING
from ..models.wire import REVISIONS

if TYPE_CHECKING:
    from typing import Any

_YOAGENT = [r for r in REVISIONS.values() if r["crate"] == "yoagent"]
_PHI = [r for r in REVISIONS.values() if r["crate"] == "phi-core"]


def _tables(rev: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: t for name, t in rev["types"].items() if "variants" not in t}


def type_name(definition: str) -> str:
    """The wire-table name of the type a schema ``$defs`` entry defines (``Usage`` → its name)."""
    (name,) = {
        name
        for rev in REVISIONS.values()
        for name, t in _tables(rev).items()
        if t["definition"] == definition
    }
    return name


def key_of_kind(kind: str) -> str:
    """The one message key whose values have this table kind (``StopReason`` → its key)."""
    (key,) = {
        key
        for rev in REVISIONS.values()
        for table in _tables(rev).values()
        for key, k in table["kinds"].items()
        if k == kind
    }
    return str(key)


def _spellings(definition: str) -> tuple[frozenset[str], frozenset[str]]:
    """(older yoagent spellings, the spellings that replaced them) of a type's keys."""
    name = type_name(definition)
    renames = {
        wire: ir
        for rev in _YOAGENT
        if name in rev["types"]
        for wire, ir in rev["types"][name]["record_names"].items()
    }
    newest = set(_YOAGENT[-1]["types"][name]["order"])
    return frozenset(renames), frozenset(set(renames.values()) & newest)


def _record_keys(revisions: list[dict[str, Any]], name: str) -> set[str]:
    return {
        t["record_names"].get(key, key)
        for rev in revisions
        if name in rev["types"]
        for t in [rev["types"][name]]
        for key in t["order"]
    }


USAGE_TYPE = type_name("Usage")
STOP_KEY = key_of_kind("StopReason")
USAGE_KEY = key_of_kind("Usage")
CONTENT_KEY = key_of_kind("[Content]")

_phi_stops = {s for r in _PHI for s in r["stop_reasons"]}
_yoagent_stops = {s for r in _YOAGENT for s in r["stop_reasons"]}
PHI_ONLY_STOPS = frozenset(_phi_stops - _yoagent_stops)
PHI_METADATA = frozenset(k for r in _PHI for k in r["metadata"])
PHI_ONLY_USAGE = frozenset(_record_keys(_PHI, USAGE_TYPE) - _record_keys(_YOAGENT, USAGE_TYPE))
SNAKE_USAGE, CAMEL_USAGE = _spellings("Usage")
SNAKE_ASSISTANT, CAMEL_ASSISTANT = _spellings("AssistantMessage")
SNAKE_TOOL_CALL, CAMEL_TOOL_CALL = _spellings("ToolCallContent")

EXTENSION_TYPE = type_name("ExtensionMessage")
EXTENSION_KEYS: tuple[str, ...] = tuple(_YOAGENT[-1]["types"][EXTENSION_TYPE]["order"])
# The keys of an extension record that no LLM message has (``kind``, ``data``).
_message_keys = {
    key
    for rev in REVISIONS.values()
    for variant in rev["unions"]["Message"]["variants"].values()
    for key in rev["types"][variant]["order"]
}
EXTENSION_ONLY_KEYS = frozenset(
    k for k in _YOAGENT[-1]["types"][EXTENSION_TYPE]["order"] if k not in _message_keys
)


def accepted_keys(revision: str, name: str) -> list[str]:
    """Every key a revision's reader accepts for a type, read off its table: the keys it writes
    and their aliases."""
    table = REVISIONS[revision]["types"][name]
    return [*table["order"], *table["aliases"]]


def is_extension_record(record: dict[str, Any]) -> bool:
    """An internal record is an extension record when it has the extension-only keys."""
    return not EXTENSION_ONLY_KEYS.isdisjoint(record)


SESSION_TYPE = type_name("SessionEntry")
SESSION_ENTRY: dict[str, Any] = next(
    r["types"][SESSION_TYPE] for r in reversed(_YOAGENT) if SESSION_TYPE in r["types"]
)
_PLAIN_STR = rb'"[^"\\\x00-\x1f]*"'  # a JSON string without escapes
_VALUE_PATTERNS = {"str": _PLAIN_STR, "u64": rb"0|[1-9][0-9]{0,19}"}


def session_line_patterns() -> tuple[bytes, bytes, bytes]:
    """Regexes (head, tail) of a session line exactly as ``to_jsonl`` writes it, and the bytes
    the tail starts with: the entry's keys in order around the message, one group per key."""
    order, kinds = SESSION_ENTRY["order"], SESSION_ENTRY["kinds"]
    omit, required = SESSION_ENTRY["omit_when_absent"], SESSION_ENTRY["required"]
    split = next(i for i, key in enumerate(order) if kinds[key] not in _VALUE_PATTERNS)

    def field(key: str) -> bytes:
        value = _VALUE_PATTERNS[kinds[key]]
        if key not in required and key not in omit:  # an Option always written: null too
            value = b"null|" + value
        return b'"' + key.encode() + b'":(' + value + b")"

    head = rb"\{" + b",".join(field(k) for k in order[:split])
    head += b',"' + order[split].encode() + b'":'
    tail = b""
    for key in order[split + 1 :]:
        tail += b"(?:," + field(key) + b")?" if key in omit else b"," + field(key)
    start = b',"' + order[split + 1].encode() + b'":'
    return head, tail + rb"\}\Z", start
