"""Typed views of records: the generated pydantic model of a message in its dialect."""

from __future__ import annotations

import importlib
from typing import Any

from .codec.spec import get_spec
from .codec.writer import Writer
from .dialects import known_dialects
from .models import MODULES


def models_for(dialect: str | None) -> Any:
    """The generated model module of a dialect (newest yoagent for hand-built records)."""
    if dialect is None:
        dialect = [d for d in known_dialects() if d.startswith("yoagent@")][-1]
    return importlib.import_module(f"agent_conversation.models.{MODULES[dialect]}")


def to_model(record: dict[str, Any], dialect: str | None) -> Any:
    """The message as a model: User-, Assistant-, ToolResult- or ExtensionMessage."""
    module = models_for(dialect)
    name = dialect or [d for d in known_dialects() if d.startswith("yoagent@")][-1]
    wire = Writer(get_spec(name), floats=False).record(record, 0)
    if "kind" in record:
        return module.ExtensionMessage.model_validate(wire)
    return getattr(module, _CLASSES[record["role"]]).model_validate(wire)


_CLASSES = {
    "user": "UserMessage",
    "assistant": "AssistantMessage",
    "toolResult": "ToolResultMessage",
}
