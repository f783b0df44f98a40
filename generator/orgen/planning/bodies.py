"""Bodies: an operation's request body as keyword arguments — JSON object fields, one JSON value, or a form.

A JSON object body spreads into one argument per property; any other JSON body is one `body`
argument; a multipart or urlencoded form spreads like an object, its binary properties uploads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ir import BodyKind, Param
from ..names import ClassName, PyName, pascal, snake, unique
from ..normalize import deref
from ..pointer import join
from ..typeexpr import FILE, SequenceOf, TypeExpr
from .hoisting import ModelClasses
from .input_types import InputTypes
from .kinds import is_binary, is_deprecated, is_union
from .media import FORM, MULTIPART, json_body


class Bodies:
    """Plans the body arguments of operations of one document."""

    def __init__(self, document: dict[str, Any], inputs: InputTypes, models: ModelClasses, warn: Callable[[str, str], None]) -> None:
        self.document = document
        self.inputs = inputs
        self.models = models
        self.warn = warn

    def of(self, operation: dict[str, Any], pointer: str, hint: str, taken: set[str]) -> tuple[BodyKind, list[Param]]:
        """How `operation` sends its body and the arguments that make it, named apart from `taken`."""
        body = deref(self.document, operation.get("requestBody"))
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return "none", []
        content = body["content"]
        json_type, json_schema = json_body(content)
        where = join(pointer, "requestBody")
        if json_type is None:
            form_type = next((t for t in (MULTIPART, FORM) if t in content), None)
            if form_type is not None:
                return self._form(content[form_type] or {}, form_type, where, hint, taken)
            self.warn(where, f"request body content type {', '.join(sorted(map(str, content)))} is not supported; the method sends no body")
            return "none", []
        others = sorted(str(t) for t in content if str(t) != json_type)
        if others:
            self.warn(where, f"request body also accepts {', '.join(others)}; the method sends {json_type} only")
        schema = json_schema or {}
        resolved = deref(self.document, schema)
        if isinstance(resolved, dict) and isinstance(resolved.get("properties"), dict) and not is_union(resolved):
            owner = self.models.ref_class(schema["$ref"]) if "$ref" in schema else ClassName(hint + "Body")
            return "json", self._fields(resolved, owner, taken)
        annotation = self.inputs.of(schema, hint + "Body")
        return "json-value", [Param(PyName(unique("body", taken)), "body", "body", annotation, bool(body.get("required")), str(body.get("description") or ""))]

    def _fields(self, schema: dict[str, Any], owner: ClassName, taken: set[str]) -> list[Param]:
        """One argument per property of a JSON object body (read-only ones are never sent)."""
        required = set(schema.get("required") or [])
        params = []
        for prop_name, prop in schema["properties"].items():
            if isinstance(prop, dict) and prop.get("readOnly"):
                continue
            prop_schema = prop if isinstance(prop, dict) else {}
            resolved = deref(self.document, prop_schema)
            params.append(
                Param(
                    name=PyName(unique(snake(str(prop_name), "field", frozenset()), taken)),
                    wire_name=str(prop_name),
                    location="body",
                    annotation=self.inputs.of(prop_schema, f"{owner}{pascal(str(prop_name))}"),
                    required=prop_name in required,
                    description=str(resolved.get("description") or "") if isinstance(resolved, dict) else "",
                    deprecated=is_deprecated(prop_schema) or is_deprecated(resolved),
                )
            )
        return params

    def _form(self, media: dict[str, Any], form_type: str, where: str, hint: str, taken: set[str]) -> tuple[BodyKind, list[Param]]:
        """A form body: each property is an argument; binary properties are file uploads."""
        schema = deref(self.document, media.get("schema") or {})
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            self.warn(where, f"{form_type} body without properties is not supported; the method sends no body")
            return "none", []
        required = set(schema.get("required") or [])
        params = []
        for prop_name, prop in schema["properties"].items():
            prop = prop if isinstance(prop, dict) else {}
            resolved = deref(self.document, prop)
            is_file = is_binary(resolved) or (
                isinstance(resolved, dict) and resolved.get("type") == "array" and is_binary(deref(self.document, resolved.get("items")))
            )
            if is_file:
                annotation: TypeExpr = SequenceOf(FILE) if resolved.get("type") == "array" else FILE
            else:
                annotation = self.inputs.of(prop, f"{hint}{pascal(str(prop_name))}")
            params.append(
                Param(
                    name=PyName(unique(snake(str(prop_name), "field", frozenset()), taken)),
                    wire_name=str(prop_name),
                    location="file" if is_file else "body",
                    annotation=annotation,
                    required=prop_name in required,
                    description=str(resolved.get("description") or "") if isinstance(resolved, dict) else "",
                    deprecated=is_deprecated(prop) or is_deprecated(resolved),
                )
            )
        return ("multipart" if form_type == MULTIPART else "form"), params
