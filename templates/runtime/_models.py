"""Base model for API objects, and conversion between Python values and JSON data."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Mapping
from enum import Enum, IntEnum, StrEnum
from typing import Any, Literal, TypeVar, cast, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict

from ._exceptions import APIResponseValidationError
from ._logs import logger
from ._types import NotGiven

__all__ = [
    "BaseModel",
    "OpenEnum",
    "OpenIntEnum",
    "OpenStrEnum",
    "json_parser",
    "note_unknown_value",
    "parse_as",
    "parse_json",
    "parse_partial",
    "to_wire",
]

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


def parse_json(cast_to: type[_T], raw: bytes | str) -> _T:
    """Validate a JSON document into `cast_to`, leniently (see `json_parser`)."""
    return json_parser(cast_to)(raw)


def json_parser(cast_to: type[_T]) -> Callable[[bytes | str], _T]:
    """A function parsing JSON documents into `cast_to`, built once per type.

    The bytes go straight to pydantic's validator. It accepts `null` (or nothing) for any field,
    since streamed chunks are partial objects (`finish_reason` is null until the last chunk); a
    document that still does not fit is parsed by `parse_partial`. Raises ValueError when `raw`
    is not JSON.
    """
    try:
        return cast(Callable[[bytes | str], _T], _cached_parser(cast(Any, cast_to)))
    except TypeError:  # an unhashable type expression
        return _parser(cast_to)


@functools.lru_cache(maxsize=256)
def _cached_parser(cast_to: Any) -> Callable[[bytes | str], Any]:
    return _parser(cast_to)


def _parser(cast_to: Any) -> Callable[[bytes | str], Any]:
    validate = _lenient_validator(cast_to)

    def parse(raw: bytes | str) -> Any:
        try:
            result = validate(raw)
        except pydantic.ValidationError:
            result = parse_partial(cast_to, json.loads(raw))
        if _unknown_values:
            _report_unknown_values(result)
        return result

    return parse


_lenient_lock = threading.Lock()


def _lenient_validator(cast_to: Any) -> Callable[[bytes | str], Any]:
    """`validate_json` of a validator for `cast_to` in which every model field may be null or absent.

    It is built from the core schema pydantic made for `cast_to`, so the objects it returns are
    the generated classes themselves. pydantic reuses the finished validator of a model class
    found in a schema; the classes are marked unfinished while the lenient one is compiled so that
    it compiles their lenient schemas instead.
    """
    adapter = _adapter(cast_to)
    models: list[type] = []
    schema = _lenient_schema(adapter.core_schema, models)
    with _lenient_lock:
        complete = [(model, model.__dict__.get("__pydantic_complete__")) for model in models]
        try:
            for model, _ in complete:
                type.__setattr__(model, "__pydantic_complete__", False)
            validator = pydantic_core.SchemaValidator(cast(Any, schema))
        except Exception:  # a pydantic whose schemas differ: strict validation, then partial
            return adapter.validate_json
        finally:
            for model, flag in complete:
                type.__setattr__(model, "__pydantic_complete__", flag)
    return validator.validate_json


def _lenient_schema(node: Any, models: list[type]) -> Any:
    if isinstance(node, list):
        return [_lenient_schema(item, models) for item in node]
    if not isinstance(node, dict):
        return node
    copied: dict[str, Any] = {key: _lenient_schema(value, models) for key, value in node.items()}
    kind = copied.get("type")
    if kind == "model":
        models.append(copied["cls"])
    elif kind == "model-field":
        inner = copied["schema"]
        if inner.get("type") == "default":
            copied["schema"] = {**inner, "schema": _nullable(inner["schema"])}
        else:
            copied["schema"] = {"type": "default", "schema": _nullable(inner), "default": None}
    return copied


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema if schema.get("type") == "nullable" else {"type": "nullable", "schema": schema}


# -- drift: values the API sends that this client does not know --------------------------------

# (enum class, value) pairs parsed since the last check; non-empty only when something is new.
_unknown_values: list[tuple[type, object]] = []
_reported: set[tuple[str, object]] = set()
# Unknown enum values already warned about: one warning per value, whichever field held it first.
_reported_enum_values: set[tuple[type, object]] = set()


def note_unknown_value(enum: type, value: object) -> None:
    """Called by an open enum's `_missing_`: remember `value` until the parse that met it ends."""
    if (enum, value) not in _reported_enum_values:
        _unknown_values.append((enum, value))


class _Open:
    """Forward compatible: a value the API adds later parses as a new member instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> object:
        base: Any = getattr(cls, "_member_type_", object)
        if base is object or not isinstance(value, base):
            return None
        member: Any = base.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        note_unknown_value(cls, value)  # warned about once, naming the field, after parsing
        return member


class OpenEnum(_Open, Enum):
    """Base of generated enums: a value the spec does not list yet parses as a new member."""


class OpenStrEnum(_Open, StrEnum):
    """Base of generated string enums: a value the spec does not list yet parses as a new member."""


class OpenIntEnum(_Open, IntEnum):
    """Base of generated integer enums: a value the spec does not list yet parses as a new member."""


def _report_unknown_values(result: object) -> None:
    """Warn once per unknown enum value, naming the model and field that held it."""
    _unknown_values.clear()
    for owner, field, member in _enum_members(result, "", ""):
        key = (type(member), member._value_)
        if (
            member._value_ not in type(member)._value2member_map_
            and key not in _reported_enum_values
        ):
            _reported_enum_values.add(key)
            report_drift(
                owner, field, member._value_, f"a value {type(member).__name__} does not list"
            )


def _enum_members(value: object, owner: str, field: str) -> Any:
    if isinstance(value, Enum):
        yield owner, field, value
    elif isinstance(value, pydantic.BaseModel):
        name = type(value).__name__
        for key, item in value.__dict__.items():
            yield from _enum_members(item, name, key)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _enum_members(item, owner, field)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _enum_members(item, owner, field)


def report_drift(model: str, field: str, value: object, what: str) -> None:
    """Log at WARNING, once per process for each model, field and value, that the API sent
    something this client's spec does not describe."""
    try:
        key = (f"{model}.{field}", value)
        hash(key)
    except TypeError:
        key = (f"{model}.{field}", type(value).__name__)
    if key in _reported:
        return
    _reported.add(key)
    shown = repr(value)
    if len(shown) > 200:
        shown = shown[:200] + "…"
    logger.warning(
        "%s.%s: the API sent %s, %s; it was kept as sent. The client is older than the API: "
        "regenerate it from the current spec to type this value.",
        model or "response",
        field or "(value)",
        shown,
        what,
    )


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
                _report_unknown_member(_type_name(cast_to), "", data)
                return cast(_T, BaseModel.model_validate(data))
        raise APIResponseValidationError(
            f"The response does not match the API's schema: {error}", body=data
        ) from error


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    return [c for c in get_args(annotation) if isinstance(c, type) and issubclass(c, BaseModel)]


def _construct_partial(model: type[BaseModel], data: Mapping[str, object]) -> BaseModel:
    # Field types defined after the class (a cycle) are resolved now.
    if not model.__pydantic_complete__:
        model.model_rebuild(raise_errors=False)
    values: dict[str, object] = {}
    known: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        known.add(key)
        if key in data:
            values[name] = _partial_value(info.annotation, data[key], model.__name__, name)
    extra = {key: value for key, value in data.items() if key not in known}
    return model.model_construct(None, **{**values, **extra})


def _partial_value(annotation: Any, value: object, owner: str, field: str) -> object:
    try:
        return _adapter(annotation).validate_python(value)
    except (pydantic.ValidationError, TypeError):
        pass
    model = _model_in(annotation)
    if model is not None and isinstance(value, dict):
        return _construct_partial(model, value)
    if get_origin(annotation) is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return [_partial_value(item, element, owner, field) for element in value]
    if value is not None:  # null where a value is required is how partial chunks look
        _report_unknown_member(owner, field, value)
    return value


def _report_unknown_member(owner: str, field: str, value: object) -> None:
    if isinstance(value, dict):
        tag = value.get("type")
        shown = (
            f"type {tag}"
            if isinstance(tag, str)
            else f"keys {', '.join(sorted(map(str, value))[:8])}"
        )
        report_drift(
            owner,
            field,
            f"an object ({shown})",
            "which matches none of the types this client knows",
        )
    else:
        report_drift(owner, field, value, "which does not fit the type this client knows")


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or repr(annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class of `Model` or `Model | None`, if that is what the annotation is."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = _models_in(annotation)
    return models[0] if len(models) == 1 else None
