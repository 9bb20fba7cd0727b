"""Dialect names that carry their message type, for type checkers.

``loads(text, YOAGENT_0_22)`` reads exactly as ``loads(text, "yoagent@0.22")`` (a
``TypedDialect`` is that string) and is a ``Conversation[Yoagent022Message]``: ``conv[i]`` is the
union of the revision's generated models, and narrowing it (``isinstance(m, AssistantMessage)``
or on ``m.role``) types every field. One constant per wire revision (``models.MODULES``; a test
checks each union against the revision's ``SavedConversation``). Importing this module imports
every generated model module.
"""

from __future__ import annotations

from typing import Any, Generic, TypeAlias

from .conversation import M
from .models import (
    phi_core_0_7,
    phi_core_0_8,
    phi_core_0_9,
    yoagent_0_4,
    yoagent_0_8,
    yoagent_0_9,
    yoagent_0_13,
    yoagent_0_22,
)


class TypedDialect(str, Generic[M]):
    """A dialect name (a ``str``) whose type parameter is its message union."""


Yoagent04Message: TypeAlias = (
    yoagent_0_4.ExtensionMessage
    | yoagent_0_4.UserMessage
    | yoagent_0_4.AssistantMessage
    | yoagent_0_4.ToolResultMessage
)
Yoagent08Message: TypeAlias = (
    yoagent_0_8.ExtensionMessage
    | yoagent_0_8.UserMessage
    | yoagent_0_8.AssistantMessage
    | yoagent_0_8.ToolResultMessage
)
Yoagent09Message: TypeAlias = (
    yoagent_0_9.ExtensionMessage
    | yoagent_0_9.UserMessage
    | yoagent_0_9.AssistantMessage
    | yoagent_0_9.ToolResultMessage
)
Yoagent013Message: TypeAlias = (
    yoagent_0_13.ExtensionMessage
    | yoagent_0_13.UserMessage
    | yoagent_0_13.AssistantMessage
    | yoagent_0_13.ToolResultMessage
)
Yoagent022Message: TypeAlias = (
    yoagent_0_22.ExtensionMessage
    | yoagent_0_22.UserMessage
    | yoagent_0_22.AssistantMessage
    | yoagent_0_22.ToolResultMessage
)
PhiCore07Message: TypeAlias = (
    phi_core_0_7.ExtensionMessage
    | phi_core_0_7.UserMessage
    | phi_core_0_7.AssistantMessage
    | phi_core_0_7.ToolResultMessage
)
PhiCore08Message: TypeAlias = (
    phi_core_0_8.ExtensionMessage
    | phi_core_0_8.UserMessage
    | phi_core_0_8.AssistantMessage
    | phi_core_0_8.ToolResultMessage
)
PhiCore09Message: TypeAlias = (
    phi_core_0_9.ExtensionMessage
    | phi_core_0_9.UserMessage
    | phi_core_0_9.AssistantMessage
    | phi_core_0_9.ToolResultMessage
)

YOAGENT_0_4: TypedDialect[Yoagent04Message] = TypedDialect("yoagent@0.4")
YOAGENT_0_8: TypedDialect[Yoagent08Message] = TypedDialect("yoagent@0.8")
YOAGENT_0_9: TypedDialect[Yoagent09Message] = TypedDialect("yoagent@0.9")
YOAGENT_0_13: TypedDialect[Yoagent013Message] = TypedDialect("yoagent@0.13")
YOAGENT_0_22: TypedDialect[Yoagent022Message] = TypedDialect("yoagent@0.22")
PHI_CORE_0_7: TypedDialect[PhiCore07Message] = TypedDialect("phi-core@0.7")
PHI_CORE_0_8: TypedDialect[PhiCore08Message] = TypedDialect("phi-core@0.8")
PHI_CORE_0_9: TypedDialect[PhiCore09Message] = TypedDialect("phi-core@0.9")

# Each constant with its union, for the test that holds them to the generated modules.
UNIONS: dict[str, Any] = {
    YOAGENT_0_4: Yoagent04Message,
    YOAGENT_0_8: Yoagent08Message,
    YOAGENT_0_9: Yoagent09Message,
    YOAGENT_0_13: Yoagent013Message,
    YOAGENT_0_22: Yoagent022Message,
    PHI_CORE_0_7: PhiCore07Message,
    PHI_CORE_0_8: PhiCore08Message,
    PHI_CORE_0_9: PhiCore09Message,
}
