"""Each exchange format's own words, declared once as data: ``schema/exchange/<format>.json``, a
JSON Schema of the part of the format this package writes and reads (its description cites the
format's documentation; tests validate every export against it).

A format's vocabulary is every property name, ``const`` and ``enum`` string of its schema. The
exchange modules read a word that OUR wire uses too (``role``, ``content``, ``text``, ``type``,
...) through the format's namespace (``CHAT.role``) or ours (``record_names.MESSAGE.role``), so
each use says which side it is on; tests/test_no_wire_literals.py refuses such a word spelled
out, and any other format's word, in an exchange module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..record_names import Names
from ..schemas import schema_dir

# The schema files that declare each format's words (fine-tuning lines reuse the chat messages).
SOURCES: dict[str, tuple[str, ...]] = {
    "openai-chat": ("openai-chat",),
    "openai-finetune": ("openai-finetune", "openai-chat"),
    "anthropic-messages": ("anthropic-messages",),
    "pydantic-ai": ("pydantic-ai",),
}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``schema/exchange/<name>.json``."""
    path = schema_dir() / "exchange" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _words(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                yield from value
            elif key == "const" and isinstance(value, str):
                yield value
            elif key == "enum" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            yield from _words(value)
    elif isinstance(node, list):
        for item in node:
            yield from _words(item)


@cache
def vocabulary(fmt: str) -> Names:
    """The words of an exchange format, by identifier (``vocabulary("openai-chat").tool_calls``)."""
    words: list[str] = []
    for name in SOURCES[fmt]:
        words += [w for w in _words(schema(name)) if w not in words]
    return Names(f"{fmt} words", words)
