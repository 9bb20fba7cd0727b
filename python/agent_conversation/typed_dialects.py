"""Dialect names that carry their message type, for type checkers.

``loads(text, YOAGENT_0_22)`` reads exactly as ``loads(text, "yoagent@0.22")`` (a
``TypedDialect`` is that string) and is a ``Conversation[models.yoagent_0_22.Message]``:
``conv[i]`` is the union of the revision's generated models, and narrowing it
(``isinstance(m, AssistantMessage)``) types every field. One constant per wire revision
(``models.MODULES``; a test checks each names its own module). Importing this module imports
every generated model module.
"""

from __future__ import annotations

from typing import Generic

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


YOAGENT_0_4: TypedDialect[yoagent_0_4.Message] = TypedDialect("yoagent@0.4")
YOAGENT_0_8: TypedDialect[yoagent_0_8.Message] = TypedDialect("yoagent@0.8")
YOAGENT_0_9: TypedDialect[yoagent_0_9.Message] = TypedDialect("yoagent@0.9")
YOAGENT_0_13: TypedDialect[yoagent_0_13.Message] = TypedDialect("yoagent@0.13")
YOAGENT_0_22: TypedDialect[yoagent_0_22.Message] = TypedDialect("yoagent@0.22")
PHI_CORE_0_7: TypedDialect[phi_core_0_7.Message] = TypedDialect("phi-core@0.7")
PHI_CORE_0_8: TypedDialect[phi_core_0_8.Message] = TypedDialect("phi-core@0.8")
PHI_CORE_0_9: TypedDialect[phi_core_0_9.Message] = TypedDialect("phi-core@0.9")
