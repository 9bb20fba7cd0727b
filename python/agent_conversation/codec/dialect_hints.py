"""Cheap hints of which crate (and which key style) wrote a document, to try the likely dialects
first. Every key and value comes from the wire tables (:mod:`.wirefacts`)."""

from __future__ import annotations

from typing import Any

from . import wirefacts as facts
from .spec import MESSAGE_ROLES, MESSAGE_TAG, get_spec

# (signal, keys): a message, or its usage, holding any of these keys shows the signal
_MESSAGE_KEYS = (("phi", facts.PHI_METADATA), ("camel", facts.CAMEL_ASSISTANT))
_USAGE_KEYS = (
    ("phi", facts.PHI_ONLY_USAGE),
    ("camel", facts.CAMEL_USAGE),
    ("snake", facts.SNAKE_USAGE),
)


def _mark(found: dict[str, bool], keys: Any, table: tuple[tuple[str, Any], ...]) -> None:
    for signal, names in table:
        if not names.isdisjoint(keys):
            found[signal] = True


def signals(tree: list[Any]) -> dict[str, bool]:
    """Cheap hints of which crate wrote a document (looks at the first LLM messages); every key
    and value comes from the wire tables (:mod:`.wirefacts`)."""
    found = dict(camel=False, snake=False, phi=False, yoagent_stop=False, provider_snake=False)
    seen = 0
    for m in tree:
        role = m.get(MESSAGE_TAG) if isinstance(m, dict) else None
        if not isinstance(role, str) or role not in MESSAGE_ROLES:
            continue
        seen += 1
        keys = list(m)
        if keys and keys[0] != MESSAGE_TAG and keys == sorted(keys):
            found["phi"] = True
        _mark(found, m, _MESSAGE_KEYS)
        stop = m.get(facts.STOP_KEY)
        if not isinstance(stop, str):
            pass
        elif stop in facts.YOAGENT_ONLY_STOPS:
            found["yoagent_stop"] = True
        elif stop in facts.PHI_ONLY_STOPS:
            found["phi"] = True
        usage = m.get(facts.USAGE_KEY)
        if isinstance(usage, dict):
            _mark(found, usage, _USAGE_KEYS)
        content = m.get(facts.CONTENT_KEY)
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict):
                    if not facts.CAMEL_TOOL_CALL.isdisjoint(block):
                        found["camel"] = True
                    elif not facts.SNAKE_TOOL_CALL.isdisjoint(block):
                        found["provider_snake"] = True
        if seen >= 64:
            break
    return found


def likely_order(tree: list[Any], dialects: list[str]) -> list[str]:
    """Dialects ordered from most to least likely to have written this document."""
    hint = signals(tree)
    yo = [d for d in reversed(dialects) if d.startswith("yoagent@")]
    phi = [d for d in reversed(dialects) if d.startswith("phi-core@")]
    camel = [d for d in yo if _is_camel(d)]
    snake = [d for d in yo if not _is_camel(d)]
    if hint["phi"]:
        return phi + camel + snake
    if hint["camel"]:
        return camel + snake + phi
    return snake + camel + phi


def _is_camel(dialect: str) -> bool:
    return not facts.CAMEL_USAGE.isdisjoint(get_spec(dialect).types[facts.USAGE_TYPE].lookup)
