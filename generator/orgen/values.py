"""Values: a small value a JSON schema accepts, preferring the example the spec gives for it.

`Values(document).of(schema)` answers the schema's own `example` (or first of its `examples`) when
it has one; otherwise its `const`, first enum value or `default`; a string of its `format`;
a number within its bounds; for an object its required properties (and those the spec gives an
example for), each made the same way. Each answer says whether it came from the spec's examples,
so callers can tell a spec-given call from a made-up one.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from .normalize import deref

_FORMATS: dict[str, str] = {
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
# Strings tried, in order, for a schema with a `pattern` and no example.
_PATTERN_CANDIDATES = ("example", "EXAMPLE", "Example", "example-1", "1", "a", "A", "abc", "2025-01-01", "1.0.0", "en-US", "USD", "US")
_MAX_DEPTH = 8


@dataclass
class Made:
    """A value and where it came from."""

    value: Any
    from_spec: bool  # somewhere in it is a value the spec's examples gave
    from_schema: bool  # somewhere in it is a value made from a schema


class Values:
    """Example values for the schemas of one (normalized) OpenAPI document.

    `direction` leaves out what the other side writes: `readOnly` properties in requests,
    `writeOnly` ones in responses.
    """

    def __init__(self, document: dict[str, Any], direction: str = "request") -> None:
        self.document = document
        self.skip = "readOnly" if direction == "request" else "writeOnly"

    def of(self, schema: Any, depth: int = 0) -> Made:
        """A value of `schema`: the one the spec gives, else the one its keywords name, else one of its type."""
        given = spec_example(schema) if isinstance(schema, dict) else None  # beside a `$ref` (3.1)
        schema = deref(self.document, schema)
        if not isinstance(schema, dict):
            return Made("example", False, True)  # `true` / `{}`: anything goes
        given = given if given is not None else spec_example(schema)
        if given is not None:
            return Made(given, True, False)
        if "const" in schema:
            return Made(copy.deepcopy(schema["const"]), False, True)
        enum = [v for v in schema.get("enum") or [] if v is not None]
        if enum:
            return Made(copy.deepcopy(enum[0]), False, True)
        if isinstance(schema.get("allOf"), list):
            return self.of(merge_all_of(self.document, schema), depth + 1)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self.of(likely_member(self.document, schema, keyword), depth + 1)
        if schema.get("default") is not None:
            return Made(copy.deepcopy(schema["default"]), False, True)
        kind = type_of(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        return Made(_scalar(schema, kind), False, True)

    def _object(self, schema: dict[str, Any], depth: int) -> Made:
        properties, required = object_properties(self.document, schema)
        result: dict[str, Any] = {}
        made = Made(result, False, False)
        for name, prop in properties.items():
            resolved = deref(self.document, prop)
            if isinstance(resolved, dict) and resolved.get(self.skip):
                continue
            wanted = name in required or (isinstance(resolved, dict) and spec_example(resolved) is not None)
            if wanted and depth < _MAX_DEPTH:
                _put(made, name, self.of(prop, depth + 1))
        for name in required:
            if name not in result and name not in properties:
                extra = schema.get("additionalProperties")
                _put(made, name, self.of(extra if isinstance(extra, dict) else {}, depth + 1))
        made.from_schema = made.from_schema or not made.from_spec
        return made

    def _array(self, schema: dict[str, Any], depth: int) -> Made:
        count = max(int(schema.get("minItems") or 0), 1)
        if depth >= _MAX_DEPTH:
            return Made([], False, True)
        item = self.of(schema.get("items") or {}, depth + 1)
        return Made([copy.deepcopy(item.value) for _ in range(count)], item.from_spec, item.from_schema)


def _put(made: Made, name: str, part: Made) -> None:
    """Add `part` to the object `made` under `name`, with where it came from."""
    made.value[name] = part.value
    made.from_spec = made.from_spec or part.from_spec
    made.from_schema = made.from_schema or part.from_schema


# -- reading schemas: a union as its likely member, an allOf as one object, the example given ----
def likely_member(document: dict[str, Any], schema: dict[str, Any], keyword: str) -> dict[str, Any]:
    """The member of a union a user most likely wants: the first with an example of its own,
    else the first that is not `null` (authors list the usual case first); with the union's
    own keywords (its properties, required names) kept."""
    members = [deref(document, m) for m in schema[keyword]]
    usable = [m for m in members if isinstance(m, dict) and not (type_of(m) == "null" and "const" not in m)]
    chosen = next((m for m in usable if spec_example(m) is not None), usable[0] if usable else {})
    rest = {k: v for k, v in schema.items() if k not in (keyword, "discriminator", "example", "examples", "default")}
    return merge_all_of(document, {"allOf": [rest, chosen]}) if rest else chosen


def merge_all_of(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """One schema that means (near enough) the same as the `allOf` of its parts."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema.get("allOf") or []:
        part = deref(document, part)
        if not isinstance(part, dict):
            continue
        if "allOf" in part:
            part = merge_all_of(document, part)
        for key, item in part.items():
            if key == "properties" and isinstance(item, dict):
                merged["properties"] = {**merged.get("properties", {}), **item}
            elif key == "required" and isinstance(item, list):
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *item]))
            elif key not in merged:
                merged[key] = item
    return merged


def object_properties(document: dict[str, Any], schema: Any) -> tuple[dict[str, Any], list[str]]:
    """An object schema's properties (allOf parts merged) and its required names."""
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return {}, []
    if isinstance(schema.get("allOf"), list):
        schema = merge_all_of(document, schema)
    found = schema.get("properties")
    required = [name for name in schema.get("required") or [] if isinstance(name, str)]
    return (found if isinstance(found, dict) else {}), required


def spec_example(node: dict[str, Any]) -> Any:
    """The example a schema, parameter or media object gives (`example`, else the first of
    `examples`, a list in a schema or a map of Example objects elsewhere); None when it gives none."""
    if node.get("example") is not None:
        return copy.deepcopy(node["example"])
    examples = node.get("examples")
    if isinstance(examples, list) and examples and examples[0] is not None:
        return copy.deepcopy(examples[0])
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and example.get("value") is not None:
                return copy.deepcopy(example["value"])
    return None


def type_of(schema: dict[str, Any]) -> str | None:
    """A schema's type, read from its keywords when it names none (`null` only when nothing else)."""
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


# -- scalars -------------------------------------------------------------------------------------
def _scalar(schema: dict[str, Any], kind: str | None) -> object:
    """A value of a scalar type (of no known type: any value goes)."""
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "example"


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        return _FORMATS[fmt]
    low = int(schema.get("minLength") or 0)
    high = schema.get("maxLength")
    pattern = schema.get("pattern")
    candidates = _PATTERN_CANDIDATES if isinstance(pattern, str) else ("example",)
    for text in candidates:
        text = text + "x" * (low - len(text)) if len(text) < low else text
        if isinstance(high, int) and len(text) > high:
            text = text[: max(high, low)]
        if not isinstance(pattern, str) or _matches(pattern, text):
            return text
    return "example"


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, RecursionError, OverflowError):
        return True  # a pattern Python cannot read: nothing to check against


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    step = 1 if integer else 0.5
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        low = exclusive_low + step if low is None else max(low, exclusive_low + step)
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
        high = exclusive_high - step if high is None else min(high, exclusive_high - step)
    value: float = 1
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, low)
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, high)
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and not isinstance(multiple, bool) and multiple > 0:
        value = multiple * max(1, round(value / multiple))
    return int(value) if integer else float(value)
