"""Base model for API objects, and conversion between Python values and JSON data."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal, TypeVar, cast, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict

from ._types import NotGiven

__all__ = ["BaseModel", "parse_as", "to_wire"]

_T = TypeVar("_T")


class BaseModel(pydantic.BaseModel):
    """Base of every generated model; keeps fields the server sends that the spec does not list."""

    # extra="allow": a newer server may add fields, and dropping them would lose data.
    # protected_namespaces=(): API fields such as `model_name` must not trigger warnings.
    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


def to_wire(value: object) -> object:
    """Convert a request argument (models, mappings, sequences, enums) into JSON-ready data."""
    if isinstance(value, pydantic.RootModel):
        return to_wire(value.root)
    if isinstance(value, pydantic.BaseModel):
        return _model_to_wire(value)
    if isinstance(value, Mapping):
        return {
            str(key): to_wire(item) for key, item in value.items() if not isinstance(item, NotGiven)
        }
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return pydantic_core.to_jsonable_python(value)  # dates, UUIDs, decimals


def _model_to_wire(model: pydantic.BaseModel) -> dict[str, object]:
    """Only what the caller set goes on the wire (not model defaults), under the API's names.

    One exception: a field typed as a single literal (a union tag such as `type: "json_schema"`)
    is always sent, since a tag the caller could not have chosen otherwise is still required.
    """
    data: dict[str, object] = {}
    for name, info in type(model).model_fields.items():
        if name in model.model_fields_set or _is_tag(info):
            data[info.alias or name] = to_wire(getattr(model, name))
    for key, item in (model.model_extra or {}).items():
        data[key] = to_wire(item)
    return data


def _is_tag(info: Any) -> bool:
    return get_origin(info.annotation) is Literal and len(get_args(info.annotation)) == 1


@functools.lru_cache(maxsize=256)
def _cached_adapter(cast_to: Any) -> pydantic.TypeAdapter[Any]:
    # Building a TypeAdapter compiles a validator; do it once per target type.
    return pydantic.TypeAdapter(cast_to)


def _adapter(cast_to: Any) -> pydantic.TypeAdapter[Any]:
    try:
        return _cached_adapter(cast_to)
    except TypeError:
        # Unhashable type expressions cannot be cached; build one each time.
        return pydantic.TypeAdapter(cast_to)


def parse_as(cast_to: type[_T], data: object) -> _T:
    """Validate JSON-decoded `data` into `cast_to` (a model class, None, or any type expression)."""
    if cast_to is type(None):
        return None
    if isinstance(cast_to, type) and issubclass(cast_to, pydantic.BaseModel):
        return cast(_T, cast_to.model_validate(data))
    return cast(_T, _adapter(cast_to).validate_python(data))
