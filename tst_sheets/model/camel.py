"""Base models for the camelCase JSON the commands print (``--json``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Camel(BaseModel):
    """Fields with explicit camelCase aliases, also set by their Python names."""

    model_config = ConfigDict(populate_by_name=True)


class AutoCamel(BaseModel):
    """Every field's alias is its name in camelCase; set by either."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
