"""Variants: inline members of a tagged union are named after their tag, not their position.

`tools: {items: {anyOf: [{properties: {type: {const: bash_20250124}, ...}}, ...]}}` in a schema
`MessagesRequest` would give classes `MessagesRequestTools1` to `MessagesRequestTools5`. Each inline
member with a literal tag becomes a component named after the union's place and its tag
(`MessagesRequestToolsBash20250124`), and the union refers to it: the same types, better names.
"""

from __future__ import annotations

from typing import Any

from .names import pascal, unique
from .pointer import join

# The property read as a member's tag, when a member has several literal properties.
_TAG_NAMES = ("type", "kind", "object", "event", "role", "name")


def name_tagged_variants(document: dict[str, Any]) -> None:
    """Hoist the tagged inline members of every union under `components.schemas`, in place."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        return
    taken = set(schemas) | {pascal(str(name)) for name in schemas}
    hoisted: dict[str, Any] = {}
    for name in sorted(schemas, key=str):
        _visit(schemas[name], pascal(str(name)), taken, hoisted)
    schemas.update(hoisted)


def _visit(node: Any, hint: str, taken: set[str], hoisted: dict[str, Any]) -> None:
    if not isinstance(node, dict):
        return
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if isinstance(members, list):
            tags = [member_tag(member) for member in members]
            named = [tag for tag in tags if tag is not None]
            hoist = len(named) >= 2 and len(set(named)) == len(named)
            for index, (member, tag) in enumerate(zip(members, tags)):
                if hoist and tag is not None:
                    # A plain `str` key: the document stays plain data (`orgen normalize` prints it).
                    name = str(unique(pascal(hint + pascal(tag, "Variant")), taken))
                    hoisted[name] = member
                    members[index] = {"$ref": join("#/components/schemas", name)}
                    _visit(member, name, taken, hoisted)
                else:
                    _visit(member, hint, taken, hoisted)
    for member in node.get("allOf") or []:
        _visit(member, hint, taken, hoisted)
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, schema in properties.items():
            _visit(schema, hint + pascal(str(name)), taken, hoisted)
    _visit(node.get("items"), hint, taken, hoisted)
    extra = node.get("additionalProperties")
    _visit(extra, hint + "Value", taken, hoisted)


def member_hint(hint: str, member: Any, index: int) -> str:
    """The name of an inline union member that does not move when its siblings are added, removed
    or reordered: after its tag, else its title, else its required (else all) property names, and
    a list member `List`. Only a member with none of those is named by its position."""
    tag = member_tag(member)
    if tag is not None:
        return hint + pascal(tag, "Variant")
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title.strip():
            return hint + pascal(title, "Variant")
        properties = member.get("properties")
        if isinstance(properties, dict) and properties:
            required = [str(name) for name in member.get("required") or [] if name in properties]
            return hint + "".join(pascal(name, "Field") for name in sorted(required or map(str, properties))[:3])
        if member.get("type") == "array":
            return hint + "List"
    return f"{hint}{index}"


def member_tag(member: Any) -> str | None:
    """The literal value of an inline object member's tag property, if it has one."""
    if not isinstance(member, dict) or "$ref" in member or not isinstance(member.get("properties"), dict):
        return None
    literals = {}
    for name, schema in member["properties"].items():
        if not isinstance(schema, dict) or "$ref" in schema:
            continue
        if isinstance(schema.get("const"), str):
            literals[str(name)] = schema["const"]
        elif isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1 and isinstance(schema["enum"][0], str):
            literals[str(name)] = schema["enum"][0]
    for name in _TAG_NAMES:
        if name in literals:
            return str(literals[name])
    return next(iter(literals.values())) if len(literals) == 1 else None
