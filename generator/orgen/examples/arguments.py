"""Arguments: the keyword arguments of an operation's example call.

An argument takes the spec's example where it gives one (a parameter's `example(s)`, the request
body's, a property schema's) and is made from its schema otherwise. An optional parameter or body
field the spec gives no example for is left out; a file is always sent.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from ..names import PyName
from ..normalize import deref
from ..planning.media import json_media
from ..typeexpr import SequenceOf
from ..values import Made, Values, object_properties, spec_example
from .source import Source

UPLOAD = ("example.txt", b"example file content\n", "text/plain")


def arguments(source: Source, values: Values) -> dict[PyName, Made]:
    """Each argument of the example call by name, with where its value came from."""
    op = source.op
    body_example, body_schema = _body(source)
    properties, _ = object_properties(source.document, body_schema)
    parameters = _parameters(source)
    flag = op.stream.parameter if op.stream else None
    found: dict[PyName, Made] = {}
    for param in op.params:
        if param.name == flag:
            continue
        part: Made | None = None
        if param.location == "file":
            many = isinstance(param.annotation, SequenceOf)
            part = Made([UPLOAD] if many else UPLOAD, False, True)
        elif param.location == "body" and op.body == "json-value":
            if body_example is not None:
                part = Made(body_example, True, False)
            elif param.required:
                part = values.of(body_schema)
        elif param.location == "body":
            if isinstance(body_example, dict) and param.wire_name in body_example:
                part = Made(copy.deepcopy(body_example[param.wire_name]), True, False)
            elif param.required:
                part = values.of(properties.get(param.wire_name) or {})
        else:
            raw = parameters.get((param.location, param.wire_name), {})
            given = spec_example(raw)
            if given is not None:
                part = Made(given, True, False)
            elif param.required:
                part = values.of(raw.get("schema") or _content_schema(raw))
        if part is not None and _sendable(param.location, part.value, param.required):
            found[param.name] = part
    return found


def arguments_from(parts: list[Made]) -> Literal["spec", "schema", "mixed", "none"]:
    """Where the arguments came from, taken together: all from the spec's examples, none, or some."""
    if not parts:
        return "none"
    from_spec = [p.from_spec and not p.from_schema for p in parts]
    if all(from_spec):
        return "spec"
    return "mixed" if any(p.from_spec for p in parts) else "schema"


def _body(source: Source) -> tuple[Any, Any]:
    """The request body's own example (None when it has none) and its schema."""
    body = deref(source.document, source.operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict):
        return None, {}
    if source.op.body in ("json", "json-value"):
        _, media = json_media(content)
    else:
        media = content.get("multipart/form-data" if source.op.body == "multipart" else "application/x-www-form-urlencoded") or {}
    media = media if isinstance(media, dict) else {}
    schema = media.get("schema") or {}
    example = spec_example(media)
    return (example if example is not None else spec_example(deref(source.document, schema) or {})), schema


def _parameters(source: Source) -> dict[tuple[str, str], dict[str, Any]]:
    """The operation's parameters, path-level ones included, by (location, wire name)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for param in [*(source.path_item.get("parameters") or []), *(source.operation.get("parameters") or [])]:
        resolved = deref(source.document, param)
        if isinstance(resolved, dict) and "name" in resolved:
            merged[(str(resolved.get("in")), str(resolved["name"]))] = resolved
    return merged


def _content_schema(param: dict[str, Any]) -> Any:
    content = param.get("content")
    media: Any = next(iter(content.values()), {}) if isinstance(content, dict) and content else {}
    return media.get("schema") if isinstance(media, dict) else {}


def _sendable(location: str, value: object, required: bool) -> bool:
    """Whether an argument with this value belongs in an example call: the client leaves a None
    query or header value out and cannot send an object as a query value, so an optional one
    that would not arrive as given is not shown."""
    if location in ("query", "header", "path") and (value is None or isinstance(value, dict)):
        return required
    return True
