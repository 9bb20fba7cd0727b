"""Cheap hints of which crate (and which key style) wrote a document, to try the likely dialects
first. Every key and value comes from the wire tables (:mod:`.wirefacts`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import wirefacts as facts
from .spec import MESSAGE_ROLES, MESSAGE_TAG, get_spec


def signals(tree: list[Any]) -> tuple[bool, bool]:
    """Cheap hints of which crate wrote a document (looks at the first LLM messages): (phi-core,
    camelCase yoagent); every key and value comes from the wire tables (:mod:`.wirefacts`)."""
    camel = False
    seen = 0
    for m in tree:
        role = m.get(MESSAGE_TAG) if type(m) is dict else None
        if type(role) is not str or role not in MESSAGE_ROLES:
            continue
        seen += 1
        keys = list(m)
        if keys and keys[0] != MESSAGE_TAG and keys == sorted(keys):
            return True, camel
        stop = m.get(facts.STOP_KEY)
        if not facts.PHI_METADATA.isdisjoint(m) or (
            type(stop) is str and stop in facts.PHI_ONLY_STOPS
        ):
            return True, camel
        if not camel and not facts.CAMEL_ASSISTANT.isdisjoint(m):
            camel = True
        usage = m.get(facts.USAGE_KEY)
        if type(usage) is dict:
            if not facts.PHI_ONLY_USAGE.isdisjoint(usage):
                return True, camel
            if not camel and not facts.CAMEL_USAGE.isdisjoint(usage):
                camel = True
        if not camel:
            content = m.get(facts.CONTENT_KEY)
            if type(content) is list:
                camel = any(
                    type(b) is dict and not facts.CAMEL_TOOL_CALL.isdisjoint(b) for b in content
                )
        if seen >= 64:
            break
    return False, camel


def likely_order(tree: list[Any], dialects: list[str]) -> list[str]:
    """Dialects ordered from most to least likely to have written this document."""
    return list(_order(*signals(tree), tuple(dialects)))


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
    return not facts.CAMEL_USAGE.isdisjoint(get_spec(dialect).types[facts.USAGE_TYPE].lookup)
