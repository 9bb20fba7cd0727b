"""Cheap hints of which crate (and which key style) wrote a document, to try the likely dialects
first. Every key and value comes from the wire tables (:mod:`.wirefacts`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from .._lean_typing import TYPE_CHECKING
from ..models.wire import REVISIONS
from . import wirefacts as facts
from .spec import MESSAGE_ROLES, MESSAGE_TAG

if TYPE_CHECKING:
    from typing import Any


def signals(tree: list[Any]) -> tuple[bool, bool]:
    """Cheap hints of which crate wrote a document (looks at the first LLM messages): (phi-core,
    camelCase yoagent); every key and value comes from the wire tables (:mod:`.wirefacts`)."""
    camel = False
    seen = 0
    message_hints, usage_hints = _MESSAGE_HINTS, _USAGE_HINTS  # per-document: locals are cheaper
    for m in tree:
        role = m.get(MESSAGE_TAG) if type(m) is dict else None
        if type(role) is not str or role not in MESSAGE_ROLES:
            continue
        seen += 1
        keys = tuple(m)
        found = message_hints.get(keys) or _key_hints(message_hints, keys, _message_hints)
        stop = m.get(_STOP_KEY)
        if found[0] or (type(stop) is str and stop in _PHI_ONLY_STOPS):
            return True, camel
        camel = camel or found[1]
        usage = m.get(_USAGE_KEY)
        if type(usage) is dict:
            keys = tuple(usage)
            found = usage_hints.get(keys) or _key_hints(usage_hints, keys, _usage_hints)
            if found[0]:
                return True, camel
            camel = camel or found[1]
        if not camel:
            content = m.get(_CONTENT_KEY)
            if type(content) is list:
                for block in content:
                    if type(block) is dict and not _CAMEL_TOOL_CALL.isdisjoint(block):
                        camel = True
                        break
        if seen >= 64:
            break
    return False, camel


_STOP_KEY, _USAGE_KEY, _CONTENT_KEY = facts.STOP_KEY, facts.USAGE_KEY, facts.CONTENT_KEY
_PHI_ONLY_STOPS, _CAMEL_TOOL_CALL = facts.PHI_ONLY_STOPS, facts.CAMEL_TOOL_CALL

# What the keys alone hint, by key tuple (documents repeat a few key tuples many times); each
# memo is bounded: past its size it is not added to.
_MESSAGE_HINTS: dict[tuple[str, ...], tuple[bool, bool]] = {}
_USAGE_HINTS: dict[tuple[str, ...], tuple[bool, bool]] = {}
_MEMO_SIZE = 4096


def _key_hints(
    memo: dict[tuple[str, ...], tuple[bool, bool]],
    keys: tuple[str, ...],
    hints: Callable[[tuple[str, ...]], tuple[bool, bool]],
) -> tuple[bool, bool]:
    found = memo.get(keys)
    if found is None:
        found = hints(keys)
        if len(memo) < _MEMO_SIZE:
            memo[keys] = found
    return found


def _message_hints(keys: tuple[str, ...]) -> tuple[bool, bool]:
    """(phi-core, camelCase yoagent) as a message's keys show them: phi-core writes its keys
    sorted (the tag is not first then) and has metadata keys of its own."""
    phi = bool(keys) and keys[0] != MESSAGE_TAG and list(keys) == sorted(keys)
    phi = phi or not facts.PHI_METADATA.isdisjoint(keys)
    return phi, not facts.CAMEL_ASSISTANT.isdisjoint(keys)


def _usage_hints(keys: tuple[str, ...]) -> tuple[bool, bool]:
    return not facts.PHI_ONLY_USAGE.isdisjoint(keys), not facts.CAMEL_USAGE.isdisjoint(keys)


def likely_order(tree: list[Any], dialects: list[str]) -> list[str]:
    """Dialects ordered from most to least likely to have written this document."""
    return list(_order(*signals(tree), tuple(dialects)))


def likeliest(tree: list[Any]) -> str:
    """The dialect most likely to have written this document, of every known one
    (``likely_order(tree, known_dialects())[0]``)."""
    return _order(*signals(tree), _KNOWN)[0]


_KNOWN = tuple(REVISIONS)  # every dialect, as dialects.known_dialects() lists them


@lru_cache(maxsize=16)
def _order(phi_hint: bool, camel_hint: bool, dialects: tuple[str, ...]) -> tuple[str, ...]:
    yo = [d for d in reversed(dialects) if d.startswith("yoagent@")]
    phi = [d for d in reversed(dialects) if d.startswith("phi-core@")]
    camel = [d for d in yo if _is_camel(d)]
    snake = [d for d in yo if not _is_camel(d)]
    if phi_hint:
        return (*phi, *camel, *snake)
    if camel_hint:
        return (*camel, *snake, *phi)
    return (*snake, *camel, *phi)


def _is_camel(dialect: str) -> bool:
    """Whether the dialect reads camelCase usage keys (its usage keys and their aliases)."""
    return not facts.CAMEL_USAGE.isdisjoint(facts.accepted_keys(dialect, facts.USAGE_TYPE))
