"""Record tables: ``AgentEvent`` (EVENTS) and phi-core ``save_session`` documents (SESSIONS),
by the crate version the interop tests check each revision with, newest first.

Loaded once from ``tables.json`` beside this module, which ``scripts/generate_record_tables.py``
generates from the schemas (see it for the table language). A table several revisions share is
stored there once (``STRUCTS``/``ENUMS``: per type name its distinct tables; a revision names the
index of its own); here each revision gets its ``structs``/``enums`` resolved, the shared tables
being the same objects (read-only).
"""

import json
from pathlib import Path
from typing import Any

_DATA: dict[str, Any] = json.loads(Path(__file__).with_name("tables.json").read_bytes())


def _resolved(entries: dict[str, Any]) -> dict[str, Any]:
    for entry in entries.values():
        for part, pool in (("structs", _DATA["STRUCTS"]), ("enums", _DATA["ENUMS"])):
            entry[part] = {name: pool[name][index] for name, index in entry[part].items()}
    return entries


EVENTS: dict[str, Any] = _resolved(_DATA["EVENTS"])
SESSIONS: dict[str, Any] = _resolved(_DATA["SESSIONS"])
