"""Base class of the generated models (hand-written; the model modules themselves are generated).

Python attributes are snake_case; the wire names are their aliases. Models accept either
spelling (so yoagent's snake-case aliases load too), ignore unknown keys (as serde does) and
serialize by alias without being asked: ``model.model_dump()`` gives wire names.

``U64`` types the items of u64 lists (``NodeTag.abandoned_node_ids``); scripts/generate_models.py
checks that its bounds are the schemas' ``U64``.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

U64 = Annotated[int, Field(ge=0, le=18446744073709551615)]


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")
