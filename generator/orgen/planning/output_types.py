"""Output types: the type expression of a value the client parses out of a response."""

from __future__ import annotations

from typing import Any

from ..normalize import deref
from ..typeexpr import BOOL, FLOAT, INT, NONE, OBJECT, STR, DictOf, ListOf, Model, TypeExpr, optional, union
from ..variants import member_hint
from .hoisting import ModelClasses
from .kinds import is_union

PRIMITIVES: dict[str, TypeExpr] = {"string": STR, "integer": INT, "number": FLOAT, "boolean": BOOL, "null": NONE}
# Keys that say nothing of a value's type: a schema of only these admits any value.
_PROSE = {"description", "title", "nullable", "example", "examples"}


class OutputTypes:
    """Response schemas as type expressions; objects become model classes (hoisted when inline)."""

    def __init__(self, document: dict[str, Any], models: ModelClasses) -> None:
        self.document = document
        self.models = models

    def of(self, schema: Any, hint: str, visiting: frozenset[str] = frozenset()) -> TypeExpr:
        """The annotation of a parsed response value; `hint` names a class hoisted for it.

        Unions (inline or named) come back as plain unions of their members rather than as
        wrapper classes: callers get the event or object itself, and parsing still picks the
        member whose literal tag matches.
        """
        if not isinstance(schema, dict):
            return OBJECT
        found = self._expression(schema, hint, visiting)
        return optional(found) if schema.get("nullable") and found != OBJECT else found

    def _expression(self, schema: dict[str, Any], hint: str, visiting: frozenset[str]) -> TypeExpr:
        """`of(schema)` before its `nullable`."""
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = deref(self.document, schema)
            if isinstance(target, dict) and is_union(target) and not target.get("properties") and ref not in visiting:
                return self.of(target, hint, visiting | {ref})
            return Model(self.models.ref_class(ref))
        kind = schema.get("type")
        if kind == "array":
            return ListOf(self.of(schema.get("items") or {}, hint + "Item", visiting))
        if kind in PRIMITIVES and "enum" not in schema and "const" not in schema:
            return PRIMITIVES[kind]
        if kind == "object" and not schema.get("properties") and not is_union(schema):
            extra = schema.get("additionalProperties")
            return DictOf(self.of(extra, hint + "Value") if isinstance(extra, dict) and extra else OBJECT)
        if not schema or set(schema) <= _PROSE:
            return OBJECT
        variants = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(variants, list) and variants and not schema.get("properties"):
            return union(self.of(v, member_hint(hint, v, i), visiting) for i, v in enumerate(variants))
        return Model(self.models.hoist(repr(id(schema)), schema, hint))
