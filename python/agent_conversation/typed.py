"""Typed views of records: the generated pydantic model of a message in its dialect."""

from __future__ import annotations

import importlib
from typing import Any

from .codec.spec import MESSAGE_TAG, get_spec
from .codec.wirefacts import EXTENSION_TYPE, is_extension_record
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
    spec = get_spec(name)
    wire = Writer(spec, floats=False).record(record, 0)
    # The model class is the schema's $defs name of the record's type (UserMessage, ...).
    if is_extension_record(record):
        return getattr(module, spec.types[EXTENSION_TYPE].label).model_validate(wire)
    return getattr(module, spec.types[record[MESSAGE_TAG]].label).model_validate(wire)
