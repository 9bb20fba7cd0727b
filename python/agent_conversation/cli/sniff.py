"""What an input is, judged by its content: a saved conversation, a yoagent session file
(JSONL), a phi-core session document, or one of the records (configuration, events). Both
commands use it (``validate-conversation`` without ``--type``, ``convert-conversation``)."""

from __future__ import annotations

import re

from ..codec.wirefacts import SESSION_ENTRY

# A session line's keys (from the tables): the message, and the parent id (always written).
MESSAGE = next(key for key, kind in SESSION_ENTRY["kinds"].items() if kind == "AgentMessage")
PARENT = next(
    key
    for key in SESSION_ENTRY["order"]
    if key not in SESSION_ENTRY["required"] and key not in SESSION_ENTRY["omit_when_absent"]
)
_LEADING_SPACE = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")
_SPACE = re.compile(rb"[ \t\r\n]*")


def is_blank(data: bytes) -> bool:
    if data[:1] == b"[":  # the usual start of a saved conversation
        return False
    return _LEADING_SPACE.match(data).end() == len(data)  # type: ignore[union-attr]


def sniff(data: bytes, name: str) -> str:
    """conversation, session (yoagent JSONL) or phi-session, judged by the content (without
    copying it: inputs may be large)."""
    jsonl = name.lower().split("?", 1)[0].endswith(".jsonl")
    if data[:1] == b"[":  # the usual start of a saved conversation: no space to skip
        return "session" if jsonl else "conversation"
    start = _LEADING_SPACE.match(data).end()  # type: ignore[union-attr]
    if data[start : start + 1] != b"{":  # no record is anything but an object
        return "session" if jsonl else "conversation"
    from ..records.detect import sniff_record

    record = sniff_record(data, start, name)
    if record is not None:
        return record
    if jsonl:
        return "session"
    newline = data.find(b"\n", start)
    first = data[start:] if newline < 0 else data[start:newline]
    more = newline >= 0 and _SPACE.match(data, newline).end() < len(data)  # type: ignore[union-attr]
    import orjson

    try:
        head = orjson.loads(first)
    except orjson.JSONDecodeError:
        # a pretty-printed object (phi-core) or a broken session line
        quoted = [b'"' + key.encode() + b'"' for key in (PARENT, MESSAGE)]
        return "session" if all(key in first for key in quoted) else "phi-session"
    if isinstance(head, dict):
        if "loops" in head or "session_id" in head:
            return "phi-session"
        if MESSAGE in head or PARENT in head:
            return "session"
    return "session" if more else "phi-session"
