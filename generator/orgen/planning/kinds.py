"""Kinds: what sort of schema (or spec node) a node is, as the planner's decisions need to know."""

from __future__ import annotations

from typing import Any


def is_deprecated(node: Any) -> bool:
    """Whether an operation, parameter or schema says `deprecated: true` (only `true` counts)."""
    return isinstance(node, dict) and node.get("deprecated") is True


def is_literal(value: Any) -> bool:
    """Whether a `const` or `enum` value can stand in a `Literal[...]`."""
    return value is None or isinstance(value, (str, int, bool))


def is_union(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)


def is_object(schema: Any) -> bool:
    """An object with properties, not a union: a model on the way out, a TypedDict on the way in."""
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("properties"), dict)
        and bool(schema["properties"])
        and not is_union(schema)
        and schema.get("type", "object") in ("object", None)
    )


def is_binary(schema: Any) -> bool:
    """A string of raw bytes: a file to upload."""
    return isinstance(schema, dict) and schema.get("type") == "string" and (
        schema.get("format") == "binary" or "contentMediaType" in schema
    )
