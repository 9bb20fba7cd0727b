"""The names of the internal record form, read from the wire tables (``models/wire.py``).

Hand-written code never spells a wire name: it reads ``MESSAGE.stop_reason`` (→ the record key
``stopReason``), ``ROLE.tool_result``, ``CONTENT.tool_call``, ``STOP.tool_use`` and so on. Each
namespace maps a Python identifier (the snake_case of the name, as the generated pydantic models
name their fields) to the name the tables hold, so a name the schemas drop or rename fails
loudly (``AttributeError``) instead of being written silently; tests/test_no_wire_literals.py
checks every such attribute in the package against its namespace without running the code.

Record keys are the internal names (yoagent >= 0.13 camelCase, plus phi-core's message metadata
and usage ``reasoning``), whatever the revision spells on its wire.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .codec.wirefacts import EXTENSION_TYPE, type_name
from .models.wire import REVISIONS


def identifier(word: str) -> str:
    """The Python identifier of a name: ``stopReason`` → ``stop_reason``, ``tool-call`` →
    ``tool_call``, ``image_url`` stays."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", word).replace("-", "_")
    return snake.lower()


class Names:
    """A closed set of names (``what`` says of what), read by identifier: ``names.stop_reason``."""

    def __init__(self, what: str, words: Iterable[str]) -> None:
        self._what = what
        self._words: dict[str, str] = {}
        self._all: list[str] = []
        ambiguous: set[str] = set()
        for word in words:
            if word in self._all:
                continue
            self._all.append(word)
            key = identifier(word)
            if not key.isidentifier():  # ``image/png``: a word, but no attribute
                continue
            if self._words.setdefault(key, word) != word:
                ambiguous.add(key)  # ``tool-call`` and ``tool_call``: neither is an attribute
        for key in ambiguous:
            del self._words[key]

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._words[name]
        except KeyError:
            raise AttributeError(f"{self._what} has no name {name!r}") from None

    def __contains__(self, word: object) -> bool:
        return word in self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def has(self, name: str) -> bool:
        """Whether ``name`` (an identifier) is one of these names."""
        return name in self._words

    def __repr__(self) -> str:
        return f"<Names of {self._what}: {', '.join(self._all)}>"


def _record_keys(*definitions: str) -> list[str]:
    """The internal record keys of the types that these ``$defs`` names define, every revision."""
    keys: list[str] = []
    for definition in definitions:
        name = type_name(definition)
        for rev in REVISIONS.values():
            table = rev["types"].get(name)
            if table is None:
                continue
            for key in table["order"]:
                key = table["record_names"].get(key, key)
                if key not in keys:
                    keys.append(key)
    return keys


def _union_variants(union: str) -> list[str]:
    found: list[str] = []
    for rev in REVISIONS.values():
        found += [v for v in rev["unions"][union]["variants"].values() if v not in found]
    return found


def _all(field: str) -> list[str]:
    found: list[str] = []
    for rev in REVISIONS.values():
        found += [v for v in rev[field] if v not in found]
    return found


_MESSAGES = ("UserMessage", "AssistantMessage", "ToolResultMessage", "ExtensionMessage")
_BLOCKS = ("TextContent", "ImageContent", "ThinkingContent", "ToolCallContent")

MESSAGE = Names("message record keys", _record_keys(*_MESSAGES) + _all("metadata"))
BLOCK = Names("content block keys", _record_keys(*_BLOCKS))
USAGE = Names("usage keys", _record_keys("Usage"))
ROLE = Names("message roles", [*_union_variants("Message"), EXTENSION_TYPE])
CONTENT = Names("content types", _union_variants("Content"))
STOP = Names("stop reasons", _all("stop_reasons"))
PROTOCOL = Names("API protocols", _all("api_protocols"))

# phi-core's message metadata keys (turnId, nodeId, ...), in the schemas' order.
PHI_METADATA: tuple[str, ...] = tuple(_all("metadata"))

# The counts of a fresh assistant record's usage: the newest yoagent's, in its order.
_NEWEST_YOAGENT = [r for r in REVISIONS.values() if r["crate"] == "yoagent"][-1]
USAGE_COUNTS: tuple[str, ...] = tuple(
    _NEWEST_YOAGENT["types"][type_name("Usage")]["record_names"].get(key, key)
    for key in _NEWEST_YOAGENT["types"][type_name("Usage")]["order"]
)
