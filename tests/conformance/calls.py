"""Minimal valid calls for every operation, derived from the spec and the generator's own plan.

The spec says which arguments an operation requires and what values they accept; orgen's plan
(the IR the templates render from) says which keyword argument of the generated method carries
each wire parameter. Nothing here names a model class, so renaming models does not affect it.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgen.config import load_config
from orgen.ir import Operation
from orgen.normalize import deref
from orgen.pipeline import load_normalized
from orgen.plan import plan
from orgen.typeexpr import TypeExpr, render
from orgen.values import Values, merge_all_of

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
UPLOAD = ("conformance.txt", b"hello from the conformance suite\n", "text/plain")
_JSON = ("application/json",)
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def spec_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of the spec, in document order."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = (item or {}).get(method)
            if isinstance(operation, dict):
                found.append((path, method, operation))
    return found


def planned_operations(root: Path, spec: Path, package: str) -> dict[str, Operation]:
    """orgen's plan for `spec` with the repo's `[tool.orgen]` settings, by operationId."""
    config = load_config(root).with_options(package_name=package)
    document, normalized, problems = load_normalized(spec, config)
    api = plan(normalized, config, problems, document.where)
    return {op.operation_id: op for op in api.operations}


@dataclass
class Call:
    """The keyword arguments of one minimal call, and what the spec required."""

    kwargs: dict[str, Any]
    spec_required: set[tuple[str, str]] = field(default_factory=set)  # (location, wire name)
    notes: list[str] = field(default_factory=list)


class CallBuilder:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.values = Values(document)

    def parameters(self, path: str, operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        """The operation's parameters (path-level ones included) by (location, name)."""
        shared = (self.document["paths"][path] or {}).get("parameters") or []
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for param in [*shared, *(operation.get("parameters") or [])]:
            resolved = deref(self.document, param)
            if isinstance(resolved, dict) and "name" in resolved:
                merged[(str(resolved.get("in")), str(resolved["name"]))] = resolved
        return merged

    def body(self, operation: dict[str, Any]) -> tuple[str | None, dict[str, Any], bool]:
        """(media type, schema, required) of the body the generated client sends, JSON first."""
        body = deref(self.document, operation.get("requestBody"))
        if not isinstance(body, dict):
            return None, {}, False
        content = body.get("content") or {}
        media = next((t for t in content if t in _JSON or t.endswith("+json")), None)
        media = media or next((t for t in _FORMS if t in content), None)
        if media is None:
            return None, {}, bool(body.get("required"))
        schema = deref(self.document, (content[media] or {}).get("schema") or {})
        if isinstance(schema, dict) and "allOf" in schema:
            schema = merge_all_of(self.document, schema)
        return media, schema if isinstance(schema, dict) else {}, bool(body.get("required"))

    def param_value(self, param: dict[str, Any]) -> Any:
        if "example" in param:
            return param["example"]
        examples = param.get("examples")
        if isinstance(examples, dict):
            for example in examples.values():
                example = deref(self.document, example)
                if isinstance(example, dict) and "value" in example:
                    return example["value"]
        schema = param.get("schema")
        if schema is None:
            content = param.get("content") or {}
            schema = next(iter(content.values()), {}).get("schema") if content else {}
        return self.values.of(schema or {}).value

    def build(self, path: str, operation: dict[str, Any], planned: Operation) -> Call:
        params = self.parameters(path, operation)
        media, body_schema, body_required = self.body(operation)
        properties = body_schema.get("properties") or {}
        required_props = set(body_schema.get("required") or []) if body_required or media in _FORMS else set()

        spec_required = {key for key, param in params.items() if param.get("required") or key[0] == "path"}
        if planned.body == "json-value":
            if body_required:
                spec_required.add(("body", "body"))
        else:
            spec_required |= {("body", name) for name in required_props}

        call = Call(kwargs={}, spec_required=spec_required)
        for param in planned.params:
            location = "body" if param.location in ("body", "file") else param.location
            if not (param.required or (location, param.wire_name) in spec_required):
                continue
            if param.location == "file":
                schema = properties.get(param.wire_name) or {}
                resolved = deref(self.document, schema)
                many = isinstance(resolved, dict) and resolved.get("type") == "array"
                call.kwargs[param.name] = [UPLOAD] if many else UPLOAD
            elif param.location == "body" and planned.body == "json-value":
                call.kwargs[param.name] = self.values.of(body_schema).value
            elif param.location == "body":
                call.kwargs[param.name] = self.values.of(properties.get(param.wire_name) or {}).value
            else:
                raw = params.get((param.location, param.wire_name))
                call.kwargs[param.name] = self.param_value(raw) if raw else self.values.of({}).value
        return call


# -- checking results against the declared return type ---------------------------------------------


def declared_type(package: str, planned: Operation, annotation: TypeExpr | None = None) -> Any:
    """The runtime type behind the return annotation the generator wrote for `planned`."""
    module = sys.modules[f"{package}.resources.{planned.resource}"]
    # The annotation as generated text, evaluated in the namespace of the module it was written into.
    return eval(render(annotation or planned.response_type), vars(module))


def conforms(value: Any, annotation: Any) -> bool:
    """Whether `value` is an instance of the type expression `annotation`."""
    if annotation is Any or annotation is object:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in args)
    if origin is typing.Literal:
        return value in args
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return isinstance(value, Mapping) and all(conforms(v, args[-1]) for v in value.values()) if args else isinstance(value, Mapping)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Sequence):
        return isinstance(value, list) and (not args or all(conforms(v, args[0]) for v in value))
    if isinstance(annotation, type):
        if annotation is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return isinstance(value, annotation)
    return True
