"""Input types: the type expression of an argument, and the TypedDicts that describe nested objects.

An object argument accepts a plain dict of its TypedDict's shape or, where the schema is a named
component, the model itself.
"""

from __future__ import annotations

from typing import Any

from ..ir import TypedDictDef, TypedDictField
from ..names import ClassName, pascal
from ..normalize import deref
from ..typeexpr import BYTES, NONE, OBJECT, LiteralOf, MappingOf, Model, Params, SequenceOf, TypeExpr, members, union
from ..variants import member_hint
from .hoisting import ModelClasses
from .kinds import is_literal, is_object
from .output_types import PRIMITIVES
from .registry import ClassRegistry


class InputTypes:
    """Argument schemas as type expressions; object shapes become TypedDicts, each defined once."""

    def __init__(self, document: dict[str, Any], models: ModelClasses, registry: ClassRegistry) -> None:
        self.document = document
        self.models = models
        self.registry = registry
        self.typed_dicts: dict[str, TypedDictDef] = {}  # key: ref or inline schema's identity

    def of(self, schema: Any, hint: str, visiting: frozenset[str] = frozenset()) -> TypeExpr:
        """The annotation of an argument: plain values, dicts shaped as TypedDicts, or models."""
        if not isinstance(schema, dict):
            return OBJECT
        parts = self._parts(schema, hint, visiting)
        if schema.get("nullable"):
            parts.append(NONE)
        return union(parts, empty=OBJECT)

    def definitions(self) -> list[TypedDictDef]:
        """Every TypedDict handed out, by name."""
        return sorted(self.typed_dicts.values(), key=lambda typed: typed.name)

    def _parts(self, schema: dict[str, Any], hint: str, visiting: frozenset[str]) -> list[TypeExpr]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = deref(self.document, schema)
            if is_object(target):
                return [self._typed_dict(ref, target, self.models.ref_class(ref)), Model(self.models.ref_class(ref))]
            if ref in visiting or not isinstance(target, dict):
                return [OBJECT]
            return self._parts(target, hint, visiting | {ref}) + ([NONE] if target.get("nullable") else [])
        if "const" in schema and is_literal(schema["const"]):
            return [LiteralOf((schema["const"],))]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and all(is_literal(v) for v in enum):
            values = tuple(v for v in enum if v is not None)
            parts: list[TypeExpr] = [LiteralOf(values)] if values else []
            return parts + ([NONE] if None in enum else [])
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                return [part for index, variant in enumerate(schema[keyword]) for part in members(self.of(variant, member_hint(hint, variant, index), visiting))]
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1 and not schema.get("properties"):
            return list(members(self.of(schema["allOf"][0], hint, visiting)))
        kind = schema.get("type")
        if isinstance(kind, list):
            return [part for k in kind for part in self._parts({**schema, "type": k}, hint, visiting)]
        if kind == "string" and schema.get("format") == "binary":
            return [BYTES]
        if kind in PRIMITIVES:
            return [PRIMITIVES[kind]]
        if kind == "array":
            return [SequenceOf(self.of(schema.get("items") or {}, hint + "Item", visiting))]
        if is_object(schema):
            return [self._typed_dict(repr(id(schema)), schema, ClassName(hint))]
        extra = schema.get("additionalProperties")
        if kind == "object" and isinstance(extra, dict) and extra:
            return [MappingOf(self.of(extra, hint + "Value", visiting))]
        if kind == "object" or schema.get("allOf"):
            return [MappingOf(OBJECT)]
        return [OBJECT]

    def _typed_dict(self, key: str, schema: dict[str, Any], owner: ClassName) -> Params:
        if key not in self.typed_dicts:
            definition = TypedDictDef(self.registry.typed_dict(owner), str(schema.get("description") or ""), [])
            self.typed_dicts[key] = definition  # registered first: recursive shapes refer to themselves
            required = set(schema.get("required") or [])
            for prop_name, prop in (schema.get("properties") or {}).items():
                if isinstance(prop, dict) and prop.get("readOnly"):
                    continue
                definition.fields.append(
                    TypedDictField(
                        wire_name=str(prop_name),
                        annotation=self.of(prop, f"{owner}{pascal(str(prop_name))}"),
                        required=prop_name in required,
                        description=str(prop.get("description") or "") if isinstance(prop, dict) else "",
                    )
                )
        return Params(self.typed_dicts[key].name)
