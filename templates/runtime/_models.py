"""Base model for API objects, and conversion between Python values and JSON data."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal, TypeVar, cast, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict

from ._exceptions import APIResponseValidationError
from ._types import NotGiven

__all__ = ["BaseModel", "parse_as", "parse_partial", "to_wire"]

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


def parse_partial(cast_to: type[_T], data: object) -> _T:
    """Like `parse_as`, but a body that does not match the spec still parses.

    A server may be newer than the spec the client was built from, and streamed chunks are
    partial objects (a `finish_reason` that is null until the last chunk, say). So when strict
    validation fails, a model is built field by field: every field that validates is typed as
    usual and the others keep the value the server sent; an object matching no member of a
    union (a variant added later) becomes a plain `BaseModel` whose fields are its attributes.
    Anything else raises `APIResponseValidationError`.
    """
    try:
        return parse_as(cast_to, data)
    except pydantic.ValidationError as error:
        if isinstance(data, dict):
            if isinstance(cast_to, type) and issubclass(cast_to, BaseModel):
                return cast(_T, _construct_partial(cast_to, data))
            if _models_in(cast_to):
                return cast(_T, BaseModel.model_validate(data))
        raise APIResponseValidationError(
            f"The response does not match the API's schema: {error}", body=data
        ) from error


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    return [c for c in get_args(annotation) if isinstance(c, type) and issubclass(c, BaseModel)]


def _construct_partial(model: type[BaseModel], data: Mapping[str, object]) -> BaseModel:
    values: dict[str, object] = {}
    known: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        known.add(key)
        if key in data:
            values[name] = _partial_value(info.annotation, data[key])
    extra = {key: value for key, value in data.items() if key not in known}
    return model.model_construct(None, **{**values, **extra})


def _partial_value(annotation: Any, value: object) -> object:
    try:
        return _adapter(annotation).validate_python(value)
    except (pydantic.ValidationError, TypeError):
        pass
    model = _model_in(annotation)
    if model is not None and isinstance(value, dict):
        return _construct_partial(model, value)
    if get_origin(annotation) is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return [_partial_value(item, element) for element in value]
    return value


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class of `Model` or `Model | None`, if that is what the annotation is."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = _models_in(annotation)
    return models[0] if len(models) == 1 else None
