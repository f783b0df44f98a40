"""Inline classes: every inline schema that becomes a model class is given a component of its own,
named by orgen from its place, before the models library runs.

Left inline, such a class is named by the models library, and that name can depend on the whole
document: a name another schema's part wants too gets a number or `Model` appended (`UsageModel`,
`ChatRequestReasoningEffort1`), and a property inside an `allOf` part loses its parent's name
(`FrameType` for `FrameImage.frame_type`). A spec update anywhere could then rename a class users
import, and no schema's classes could be generated apart from the others. Named here, a class's name
follows from its place alone (`FrameImageFrameType`, `BaseMessagesResultUsage`): the parent's class,
the property (an array's items take the singular, `failed_models` → `FailedModel`), and for a union
member its tag or title (see `variants.member_hint`). The schema itself is moved whole; what belongs
to the place rather than the type (a field's default, its nullability) stays where it was.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from ..names import name_part, pascal
from ..variants import member_hint, member_tag
from .hoisting import SCHEMA_PREFIX
from .kinds import is_union
from .registry import ClassRegistry

# Keywords of a field, not of its type: they stay beside the `$ref` that replaces the inline schema.
_FIELD_KEYWORDS = ("nullable", "default", "readOnly", "writeOnly", "deprecated", "example", "examples")
_SINGULAR = ((re.compile(r"([^aeiou])ies$"), r"\1y"), (re.compile(r"(ss|x|ch|sh|us)es$"), r"\1"), (re.compile(r"([^su])s$"), r"\1"))


def hoist_inline_classes(schemas: dict[str, Any], registry: ClassRegistry) -> dict[str, Any]:
    """`schemas` (class name -> schema, refs naming classes) with every inline part that becomes a
    class moved to a schema of its own, named by `registry`; the parts become references, in place."""
    result = dict(schemas)
    for name in sorted(schemas):
        # Level by level: a field's class is named before its fields' classes, so that of two
        # places wanting one name (`reasoning_effort`, `reasoning.effort`) the shallower has it.
        queue = deque([name])
        while queue:
            current = queue.popleft()
            queue.extend(_Hoister(registry, result).visit_class(result[current], current))
    return result


def makes_class(node: Any) -> bool:
    """Whether the models library writes a class of its own for this inline schema."""
    if not isinstance(node, dict) or "$ref" in node or "const" in node:
        return False
    properties = node.get("properties")
    if isinstance(properties, dict) and properties and not is_union(node):
        return True
    enum = node.get("enum")
    if isinstance(enum, list) and len([value for value in enum if value is not None]) >= 2:
        return True
    parts = node.get("allOf")
    if not isinstance(parts, list) or is_union(node):
        return False
    # Bases by reference, and inline parts that bring fields: with one base and nothing else the
    # library writes the base itself (`allOf: [{$ref: InputImage}, {properties: {}}]`).
    bases = [part for part in parts if isinstance(part, dict) and "$ref" in part]
    fielded = [part for part in parts if isinstance(part, dict) and "$ref" not in part and part.get("properties")]
    return len(bases) >= 2 or bool(fielded) or bool(properties)


class _Hoister:
    """Moves the inline classes of one schema's top level out; `found` names them in order."""

    def __init__(self, registry: ClassRegistry, schemas: dict[str, Any]) -> None:
        self.registry = registry
        self.schemas = schemas
        self.found: list[str] = []

    def visit_class(self, node: Any, name: str) -> list[str]:
        """The parts of a class's schema: its fields, its bases' inline fields, an array's items."""
        if not isinstance(node, dict):
            return self.found
        for part in node.get("allOf") or []:
            if isinstance(part, dict) and "$ref" not in part:
                self.visit_class(part, name)  # an inline base's fields are the class's own
        properties = node.get("properties")
        if isinstance(properties, dict):
            for field, schema in properties.items():
                properties[field] = self._place(schema, name + name_part(str(field), "Field"))
        self._visit_value(node, name)
        return self.found

    def _visit_value(self, node: dict[str, Any], name: str) -> None:
        """The parts of a type that is not a class by itself: items, map values, union members."""
        if isinstance(node.get("items"), dict):
            # One item's class is named in the singular; a union's members after the list itself,
            # as tagged members are (see variants.py).
            node["items"] = self._place(node["items"], singular(name), name)
        if isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = self._place(node["additionalProperties"], name + "Value")
        for keyword in ("oneOf", "anyOf"):
            members = node.get(keyword)
            if isinstance(members, list):
                classes = [index for index, member in enumerate(members) if makes_class(member)]
                for index, member in enumerate(members):
                    hint = _member_name(name, member, index, len(classes) == 1, self.registry) if index in classes else name
                    members[index] = self._place(member, hint)

    def _place(self, node: Any, hint: str, parts_hint: str | None = None) -> Any:
        """The schema at a place: a reference to a new class when it makes one, else itself with its
        parts visited (named after `parts_hint` if given)."""
        if not isinstance(node, dict) or "$ref" in node:
            return node
        if not makes_class(node):
            self._visit_value(node, parts_hint or hint)
            return node
        name = self.registry.inline_class(hint)
        self.schemas[name] = {key: value for key, value in node.items() if key not in _FIELD_KEYWORDS}
        self.found.append(name)
        # A description says what the type is and what the field holds: class and field keep it.
        site = {key: node[key] for key in ("description", *_FIELD_KEYWORDS) if key in node}
        return {"$ref": SCHEMA_PREFIX + name, **site}


def _member_name(union: str, member: dict[str, Any], index: int, alone: bool, registry: ClassRegistry) -> str:
    """A union member's class: after its tag or title (see `member_hint`); else, when it is the one
    member that is a class, the union's own name where free (`…Enum`, `…Object` where not); else
    after its fields, at worst its position."""
    fields = _fields_of(member)
    title = member.get("title")
    if alone and member_tag(fields) is None and not (isinstance(title, str) and title.strip()):
        free = not registry.is_model_class(pascal(union))
        return union if free else union + ("Enum" if "enum" in member else "Object")
    return member_hint(union, fields, index)


def _fields_of(member: dict[str, Any]) -> dict[str, Any]:
    """A member with the fields of its inline `allOf` parts as its own, so that a tag declared in a
    part (`allOf: [{$ref: OutputMessageItem}, {properties: {type: {enum: [message]}}}]`) names it."""
    properties = dict(member.get("properties") or {})
    required = list(member.get("required") or [])
    for part in member.get("allOf") or []:
        if isinstance(part, dict) and "$ref" not in part and isinstance(part.get("properties"), dict):
            properties.update(part["properties"])
            required += list(part.get("required") or [])
    return {**member, "properties": properties, "required": required} if properties else member


def singular(name: str) -> str:
    """The name of one item of a list named `name`: `FailedModels` → `FailedModel`, else `…Item`."""
    for pattern, replacement in _SINGULAR:
        if pattern.search(name):
            return pattern.sub(replacement, name)
    return name + "Item"
