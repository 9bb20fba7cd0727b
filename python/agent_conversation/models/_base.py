"""Base classes of the generated models (hand-written; the model modules themselves are generated).

Python attributes are snake_case; the wire names are their aliases. Models accept either
spelling (so yoagent's snake-case aliases load too), ignore unknown keys (as serde does) and
serialize by alias without being asked: ``model.model_dump()`` gives wire names.

A structure several revisions share with their own classes in it is generated once as a
generic model (``UserMessageOf[ContentT]``), fields several revisions' classes start with once
as a base (``ToolCallContentBase``); a revision's class that only binds the generic
(``class UserMessage(UserMessageOf[Content]): ...``) or adds fields to the base takes its
docstring (the schema's description), for ``help()`` and ``model_json_schema()``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel

RootT = TypeVar("RootT")


def _take_generic_docstring(cls: type) -> None:
    """Give a generated class without a docstring that of the generated class it extends (its
    first base: ``ToolCallContentBase``) or of the generic model it binds."""
    if cls.__doc__ is not None or cls.__module__ == __name__:
        return
    base = cls.__bases__[0]
    origin = getattr(base, "__pydantic_generic_metadata__", {}).get("origin") or base
    if origin.__module__ != __name__ and origin.__module__.startswith(__package__ or ""):
        cls.__doc__ = origin.__doc__


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _take_generic_docstring(cls)


class WireRootModel(RootModel[RootT], Generic[RootT]):
    """A whole saved array (``SavedConversation``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _take_generic_docstring(cls)
