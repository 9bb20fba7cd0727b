"""Base classes of the generated models (hand-written; the model modules themselves are generated).

Python attributes are snake_case; the wire names are their aliases. Models accept either
spelling (so yoagent's snake-case aliases load too), ignore unknown keys (as serde does) and
serialize by alias without being asked: ``model.model_dump()`` gives wire names.

A structure several revisions share with their own classes in it is generated once as a
generic model (``UserMessageOf[ContentT]``); each revision's class only binds it
(``class UserMessage(UserMessageOf[Content]): ...``) and takes its docstring (the schema's
description), for ``help()`` and ``model_json_schema()``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel

RootT = TypeVar("RootT")


def _take_generic_docstring(cls: type) -> None:
    """Give a class without a docstring that of the generic model it binds, if any."""
    if cls.__doc__ is not None:
        return
    for base in cls.__bases__:
        origin = getattr(base, "__pydantic_generic_metadata__", {}).get("origin")
        if origin is not None and origin.__doc__:
            cls.__doc__ = origin.__doc__
            return


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
