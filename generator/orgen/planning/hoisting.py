"""Hoisting: which model class each schema becomes, and the schemas the models stage makes them from.

Components keep their names (through the registry); a referenced schema outside components, or an
inline one a response needs as a class, is hoisted into a class of its own. Every `$ref` in the
schemas handed on names a model class, so the models stage sees only those.
"""

from __future__ import annotations

import copy
from typing import Any

from ..ir import ModelInfo
from ..names import ClassName, pascal
from ..pointer import follow, unescape
from .kinds import is_deprecated, is_object, is_union
from .registry import ClassRegistry

SCHEMA_PREFIX = "#/components/schemas/"


class ModelClasses:
    """The model classes of one document: named by `registry`, with the schema of each."""

    def __init__(self, document: dict[str, Any], registry: ClassRegistry) -> None:
        self.document = document
        self.registry = registry
        self.schemas: dict[str, Any] = {}  # class name -> schema with refs to classes

    def add_components(self, components: dict[str, Any]) -> None:
        """Give each component schema its class (in the order given: hoisting names follow it)."""
        for name, schema in components.items():
            self.schemas[self.registry.components[name]] = self.rewrite_refs(schema)

    def ref_class(self, ref: str) -> ClassName:
        """The model class for a schema reference, hoisting targets that live outside components."""
        if ref.startswith(SCHEMA_PREFIX) and "/" not in ref[len(SCHEMA_PREFIX):]:
            name = unescape(ref[len(SCHEMA_PREFIX):])
            if name in self.registry.components:
                return self.registry.components[name]
        return self.hoist(ref[1:], follow(self.document, ref[1:]), pascal(ref.rsplit("/", 1)[-1]))

    def hoist(self, key: str, schema: Any, hint: str) -> ClassName:
        """The class of the schema at `key` (a pointer, or an inline schema's identity)."""
        name, new = self.registry.hoisted(key, hint)
        if new:  # named before its refs are rewritten: a recursive schema finds itself
            self.schemas[name] = self.rewrite_refs(schema)
        return name

    def rewrite_refs(self, schema: Any) -> Any:
        """A copy of `schema` whose refs name model classes (the models stage sees only those)."""
        result = copy.deepcopy(schema)
        stack = [result]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    node["$ref"] = SCHEMA_PREFIX + self.ref_class(ref)
                stack.extend(v for k, v in node.items() if k != "$ref")
            elif isinstance(node, list):
                stack.extend(node)
        return result

    def infos(self) -> list[ModelInfo]:
        """Each class for the models reference page, by name."""
        return [self._info(name, schema) for name, schema in sorted(self.schemas.items())]

    def _info(self, name: str, schema: Any) -> ModelInfo:
        schema = schema if isinstance(schema, dict) else {}
        kind = "enum" if "enum" in schema else "union" if is_union(schema) else "object" if is_object(schema) else "alias"
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        fields = tuple(str(wire) for wire, prop in properties.items() if is_deprecated(prop))
        return ModelInfo(ClassName(name), self.registry.schema_name(name), str(schema.get("description") or ""), kind, is_deprecated(schema), fields)
