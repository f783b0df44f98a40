"""Minimal valid example values built from JSON Schema (OpenAPI 3.0/3.1 flavoured).

`Examples(document).value(schema)` gives a small value the schema accepts: the schema's own
example when it has one, the first enum value, `const`, a value of the right `format`
(uuid, date-time, email, uri, ...) and, for objects, only the required properties.
"""

from __future__ import annotations

import copy
from typing import Any

_FORMATS: dict[str, Any] = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "12:00:00Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "duration": "P1D",
}
_MAX_DEPTH = 12


class Examples:
    """Builds example values for the schemas of one OpenAPI document (local `$ref`s only)."""

    def __init__(self, document: dict[str, Any], *, use_examples: bool = True) -> None:
        self.document = document
        self.use_examples = use_examples

    # -- references ---------------------------------------------------------------------------------
    def resolve(self, node: Any) -> Any:
        """`node` with `$ref`s followed; sibling keywords of a 3.1 `$ref` are kept."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                break
            seen.add(ref)
            target = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings else target
        return node

    # -- values -------------------------------------------------------------------------------------
    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return "example"  # `true` / `{}`: anything goes
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if self.use_examples:
            if "example" in schema and schema["example"] is not None:
                return copy.deepcopy(schema["example"])
            examples = schema.get("examples")
            if isinstance(examples, list) and examples and examples[0] is not None:
                return copy.deepcopy(examples[0])
        enum = [v for v in schema.get("enum") or [] if v is not None]
        if enum:
            return copy.deepcopy(enum[0])
        if "allOf" in schema:
            return self.value(self.merge_all_of(schema), depth + 1)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return self.value(self.pick_branch(schema, key), depth + 1)
        if "default" in schema and schema["default"] is not None:
            return copy.deepcopy(schema["default"])
        kind = self.type_of(schema)
        if kind == "object":
            return self.object_value(schema, depth)
        if kind == "array":
            return self.array_value(schema, depth)
        if kind == "string":
            return self.string_value(schema)
        if kind == "integer":
            return int(self.number_value(schema, integer=True))
        if kind == "number":
            return self.number_value(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return "example"

    def type_of(self, schema: dict[str, Any]) -> str | None:
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if kinds else "null"
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema or "required" in schema:
                return "object"
            if "items" in schema:
                return "array"
        return kind if isinstance(kind, str) else None

    def pick_branch(self, schema: dict[str, Any], key: str) -> dict[str, Any]:
        """The first branch that is not `null`, with the parent's own keywords kept."""
        branches = [self.resolve(b) for b in schema[key]]
        chosen = next(
            (b for b in branches if not (isinstance(b, dict) and self.type_of(b) == "null" and "const" not in b)),
            branches[0] if branches else {},
        )
        rest = {k: v for k, v in schema.items() if k not in (key, "discriminator", "example", "examples", "default")}
        if not isinstance(chosen, dict):
            return rest
        return self.merge_all_of({"allOf": [rest, chosen]}) if rest else chosen

    def merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        """One schema that means (near enough) the same as the `allOf` of its parts."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema.get("allOf") or []:
            part = self.resolve(part)
            if not isinstance(part, dict):
                continue
            if "allOf" in part:
                part = self.merge_all_of(part)
            for key, item in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **item}
                elif key == "required":
                    merged["required"] = sorted({*merged.get("required", []), *item})
                elif key not in merged:
                    merged[key] = item
        return merged

    def object_value(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        required = [name for name in schema.get("required") or [] if isinstance(name, str)]
        result: dict[str, Any] = {}
        for name in required:
            prop = properties.get(name)
            if prop is None:
                extra = schema.get("additionalProperties")
                prop = extra if isinstance(extra, dict) else {}
            result[name] = self.value(prop, depth + 1) if depth < _MAX_DEPTH else None
        wanted = schema.get("minProperties") or 0
        extra = schema.get("additionalProperties")
        while len(result) < wanted:
            key = f"key{len(result)}"
            result[key] = self.value(extra if isinstance(extra, dict) else {}, depth + 1)
        return result

    def array_value(self, schema: dict[str, Any], depth: int) -> list[Any]:
        count = max(int(schema.get("minItems") or 0), 1)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        if depth >= _MAX_DEPTH:
            return []
        item = self.value(schema.get("items") or {}, depth + 1)
        return [copy.deepcopy(item) for _ in range(count)]

    def string_value(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS:
            return str(_FORMATS[fmt])
        text = "example"
        low = int(schema.get("minLength") or 0)
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if "maxLength" in schema:
            text = text[: max(int(schema["maxLength"]), low)]
        return text

    def number_value(self, schema: dict[str, Any], *, integer: bool) -> float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        exclusive_low = schema.get("exclusiveMinimum")
        exclusive_high = schema.get("exclusiveMaximum")
        step = 1 if integer else 0.5
        value: float = 1
        if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
            low = exclusive_low + step if low is None else max(low, exclusive_low + step)
        if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
            high = exclusive_high - step if high is None else min(high, exclusive_high - step)
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and multiple > 0:
            value = multiple * max(1, round(value / multiple))
        return value
