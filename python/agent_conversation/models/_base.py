"""Base class of the generated models (hand-written; the model modules themselves are generated).

Python attributes are snake_case; the wire names are their aliases. Models accept either
spelling (so yoagent's snake-case aliases load too), ignore unknown keys (as serde does) and
serialize by alias without being asked: ``model.model_dump()`` gives wire names.
"""

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")
