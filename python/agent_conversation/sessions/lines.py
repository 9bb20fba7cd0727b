"""yoagent session lines: the entry's fields (from the schemas' SessionEntry), how
``Session::from_jsonl`` splits and trims lines, and the one writer of a ``to_jsonl`` line.

``to_jsonl`` writes each entry as one compact JSON object: ``id``, ``parent_id`` (string or
null, always written), ``message`` (one AgentMessage), ``timestamp`` (u64), then ``label`` only
when it has one. The key names and that order come from the generated tables.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..codec.wirefacts import SESSION_ENTRY

# The entry's keys in written order (the unpacking fails loudly if a revision ever changes the
# entry's shape). SessionEntry's attributes carry the same names.
ENTRY_FIELDS: tuple[str, ...] = tuple(SESSION_ENTRY["order"])
ID, PARENT_ID, MESSAGE, TIMESTAMP, LABEL = ENTRY_FIELDS
ENTRY_REQUIRED: tuple[str, ...] = tuple(SESSION_ENTRY["required"])
_OMITTED_WHEN_NONE = frozenset(SESSION_ENTRY["omit_when_absent"])

# Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim` strips. Python's
# `str.strip()` would also strip U+001C..U+001F, which Rust keeps (and serde then refuses).
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def session_line(entry: Any, message: str) -> str:
    """One ``Session::to_jsonl`` line for ``entry`` (id, parent_id, timestamp, label as
    attributes) around ``message``, the message's JSON text as the target dialect writes it."""
    parts = []
    for key in ENTRY_FIELDS:
        if key == MESSAGE:
            parts.append(f'"{key}":{message}')
            continue
        value = getattr(entry, key)
        if value is None and key in _OMITTED_WHEN_NONE:
            continue
        parts.append(f'"{key}":' + orjson.dumps(value).decode())
    return "{" + ",".join(parts) + "}"


def nonblank_lines(text: str) -> list[tuple[int, str, int]]:
    """(1-based line number, trimmed line, bytes trimmed on the left) of each non-blank line,
    as ``str::lines`` + ``str::trim`` see them."""
    out = []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.strip(RUST_WHITESPACE)
        if line:
            lead = raw_line[: len(raw_line) - len(raw_line.lstrip(RUST_WHITESPACE))]
            out.append((number, line, len(lead.encode("utf-8"))))
    return out
