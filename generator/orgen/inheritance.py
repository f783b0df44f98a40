"""Inheritance: `allOf` extensions that a Python subclass cannot express are written out flat.

datamodel-code-generator turns `allOf: [{$ref: Base}, {properties: ...}]` into `class Child(Base)`.
Specs often redeclare a property of the base in the extension with another schema: a wider enum,
a different item type, an optional field made nullable. As a subclass that is an attribute override
with an incompatible type, which pydantic accepts but type checkers reject (and `isinstance(x, Base)`
would promise a field type the child does not keep). Such a schema gets the base's properties copied
in, its own winning as the spec intends, and stands on its own instead of inheriting.
"""

from __future__ import annotations

import copy
from typing import Any

from .plan import SCHEMA_PREFIX

# Keywords that document a schema without changing the Python type generated for it.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs", "$comment", "default"}
)
# Keywords whose keys are names (a property called `description`), not keywords.
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})

Members = tuple[dict[str, Any], list[str]]  # properties, required


def flatten_conflicting_extensions(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the model document in which no `allOf` extension redeclares a base property differently."""
    result = copy.deepcopy(document)
    finder = _Members(document.get("components", {}).get("schemas", {}))  # bases as written, read only
    stack: list[Any] = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("allOf"), list):
                _flatten(node, finder)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return result


def _flatten(node: dict[str, Any], finder: _Members) -> None:
    parts = node["allOf"]
    bases = [part for part in parts if isinstance(part, dict) and "$ref" in part]
    if not bases:
        return  # no class to inherit from: the library merges inline parts itself
    inherited = finder.merge(bases)
    own = finder.merge([part for part in parts if not (isinstance(part, dict) and "$ref" in part)] + [_own(node)])
    if inherited is None or own is None:
        return  # a part is not a plain object (a union, a primitive): leave it to the library
    conflicts = [name for name in own[0] if name in inherited[0] and _shape(own[0][name]) != _shape(inherited[0][name])]
    if not conflicts:
        return
    del node["allOf"]
    node["type"] = "object"
    node["properties"] = copy.deepcopy({**inherited[0], **own[0]})  # read from the original document
    node["required"] = list(dict.fromkeys(inherited[1] + own[1]))
    if not node["required"]:
        del node["required"]


def _own(node: dict[str, Any]) -> dict[str, Any]:
    return {key: node[key] for key in ("properties", "required") if key in node}


def _shape(schema: Any, names: bool = False) -> Any:
    """`schema` without its annotations: two properties of one shape generate one Python type."""
    if isinstance(schema, dict):
        return {
            key: _shape(value, key in _NAME_MAPS and not names)
            for key, value in schema.items()
            if names or (key not in _ANNOTATIONS and not key.startswith("x-"))
        }
    if isinstance(schema, list):
        return [_shape(item) for item in schema]
    return schema


class _Members:
    """The properties and required names an object schema has, its `allOf` bases included."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self.cache: dict[str, Members | None] = {}

    def merge(self, parts: list[Any]) -> Members | None:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in parts:
            members = self.of(part, frozenset())
            if members is None:
                return None
            properties.update(members[0])
            required.extend(members[1])
        return properties, required

    def of(self, schema: Any, seen: frozenset[str]) -> Members | None:
        if not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.removeprefix(SCHEMA_PREFIX)
            if not ref.startswith(SCHEMA_PREFIX) or name in seen or name not in self.schemas:
                return None
            if name not in self.cache:
                self.cache[name] = self.of(self.schemas[name], seen | {name})
            return self.cache[name]
        if "oneOf" in schema or "anyOf" in schema or schema.get("type", "object") != "object":
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in schema.get("allOf") or []:
            members = self.of(part, seen)
            if members is None:
                return None
            properties.update(members[0])
            required.extend(members[1])
        properties.update(schema.get("properties") or {})
        required.extend(str(name) for name in schema.get("required") or [])
        return properties, required
