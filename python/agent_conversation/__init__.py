"""Schemas, byte-exact codec and validator for yoagent / phi-core saved conversations.

The public API is imported lazily so that the command-line tool starts fast.
"""

from __future__ import annotations

from ._lean_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Conversation",
    "ConversationError",
    "ConversionResult",
    "KINDS",
    "Problem",
    "__version__",
    "best_match",
    "convert",
    "detect",
    "dump",
    "dumps",
    "dumps_config",
    "dumps_events",
    "export",
    "history_from_events",
    "import_",
    "known_dialects",
    "load",
    "loads",
    "loads_config",
    "loads_events",
    "split_runs",
]

_LAZY = {
    "Conversation": "agent_conversation.conversation",
    "ConversionResult": "agent_conversation.conversion",
    "convert": "agent_conversation.conversion",
    "ConversationError": "agent_conversation.errors",
    "Problem": "agent_conversation.errors",
    "KINDS": "agent_conversation.errors",
    "best_match": "agent_conversation.errors",
    "detect": "agent_conversation.api",
    "dump": "agent_conversation.api",
    "dumps": "agent_conversation.api",
    "load": "agent_conversation.api",
    "loads": "agent_conversation.api",
    "known_dialects": "agent_conversation.dialects",
    "export": "agent_conversation.exchange",
    "import_": "agent_conversation.exchange",
    "history_from_events": "agent_conversation.records.events",
    "loads_config": "agent_conversation.records.configs",
    "dumps_config": "agent_conversation.records.configs",
    "loads_events": "agent_conversation.records.events",
    "dumps_events": "agent_conversation.records.events",
    "split_runs": "agent_conversation.records.events",
}

if TYPE_CHECKING:  # pragma: no cover
    from agent_conversation.api import detect, dump, dumps, load, loads
    from agent_conversation.conversation import Conversation
    from agent_conversation.conversion import ConversionResult, convert
    from agent_conversation.dialects import known_dialects
    from agent_conversation.errors import KINDS, ConversationError, Problem, best_match
    from agent_conversation.exchange import export, import_
    from agent_conversation.records.configs import dumps_config, loads_config
    from agent_conversation.records.events import (
        dumps_events,
        history_from_events,
        loads_events,
        split_runs,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agent_conversation' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
