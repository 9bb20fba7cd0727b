"""Base class of the generated models (hand-written; the model modules themselves are generated).

Python attributes are snake_case; the wire names are their aliases. Models accept either
spelling, ignore unknown keys (as serde does) and serialize by alias without being asked.
"""

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")
