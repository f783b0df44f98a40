"""Pagination: how a list operation pages, from `x-orgen-pagination` or `x-speakeasy-pagination`.

Both read `{type: offsetLimit | cursor, inputs: [{name, in: parameters, type: offset | page | limit |
cursor}], outputs: {results: $.path, nextCursor: $.path}}`. A declaration the client cannot follow is
reported and ignored: the operation then has no iterating method.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from ..ir import Pagination, Param
from ..names import pascal
from ..normalize import deref
from ..pointer import join
from ..typeexpr import TypeExpr, union
from .media import json_body, success_responses
from .output_types import OutputTypes

_EXTENSIONS = ("x-orgen-pagination", "x-speakeasy-pagination")
_MAX_DEPTH = 8  # schemas nested deeper than this are not searched for the list of items


class Paginations:
    """Plans the paging of operations of one document."""

    def __init__(self, document: dict[str, Any], outputs: OutputTypes, warn: Callable[[str, str], None]) -> None:
        self.document = document
        self.outputs = outputs
        self.warn = warn

    def of(self, operation: dict[str, Any], params: list[Param], pointer: str) -> Pagination | None:
        """How `operation` (with arguments `params`) pages; None when it declares no paging it can."""
        key = next((k for k in _EXTENSIONS if k in operation), None)
        declared = operation.get(key) if key else None
        if not isinstance(declared, dict):
            return None
        inputs = {str(i.get("type")): str(i.get("name")) for i in declared.get("inputs") or [] if isinstance(i, dict) and i.get("in") == "parameters"}
        outputs: dict[str, Any] = declared["outputs"] if isinstance(declared.get("outputs"), dict) else {}
        by_wire = {p.wire_name: p.name for p in params if p.location in ("query", "body")}
        kind: Literal["offset", "page", "cursor"] | None = next((k for k in ("cursor", "offset", "page") if k in inputs), None)
        results = _json_path(outputs.get("results"))
        next_cursor = _json_path(outputs.get("nextCursor")) if kind == "cursor" else ()
        item_type = self._item_type(operation, results or ())
        if kind is None:
            problem = "no input of type offset, page or cursor"
        elif inputs[kind] not in by_wire:
            problem = f"its {kind} input {inputs[kind]!r} is not a parameter of the operation"
        elif results is None or (kind == "cursor" and not next_cursor):
            problem = "outputs must give `results` (and for a cursor `nextCursor`) as $.name paths"
        elif item_type is None:
            problem = f"outputs.results {outputs.get('results')!r} is not a list in the JSON response"
        else:
            problem = ""
        if problem:
            self.warn(join(pointer, str(key)), f"pagination ignored: {problem}; the operation has no iterating method")
            return None
        assert kind is not None and results is not None and next_cursor is not None and item_type is not None
        limit = by_wire.get(inputs.get("limit", "")) if kind != "cursor" else None
        return Pagination(kind, by_wire[inputs[kind]], limit, results, next_cursor, item_type)

    def _item_type(self, operation: dict[str, Any], results: tuple[str, ...]) -> TypeExpr | None:
        """The annotation of one item of the list at `results` in the JSON success body (for a
        union body, of the members that have that list)."""
        for _, response in success_responses(self.document, operation):
            json_type, schema = json_body(response.get("content"))
            if json_type is None or not results:
                continue
            found = self._items_at(schema, results, "", 0)
            return union(found) if found else None
        return None

    def _items_at(self, schema: Any, path: tuple[str, ...], hint: str, depth: int) -> list[TypeExpr]:
        schema = deref(self.document, schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return []
        members = [m for keyword in ("oneOf", "anyOf", "allOf") for m in schema.get(keyword) or []]
        if members:
            return [found for member in members for found in self._items_at(member, path, hint, depth + 1)]
        if not path:
            is_list = schema.get("type") == "array"
            return [self.outputs.of(schema.get("items") or {}, hint + "Item")] if is_list else []
        properties = schema.get("properties")
        if not isinstance(properties, dict) or path[0] not in properties:
            return []
        return self._items_at(properties[path[0]], path[1:], pascal(path[0]), depth + 1)


def _json_path(path: Any) -> tuple[str, ...] | None:
    """`$.data.items` as wire names; None for anything but a plain path of names."""
    if not isinstance(path, str) or not re.fullmatch(r"\$(\.[A-Za-z_][A-Za-z0-9_-]*)+", path):
        return None
    return tuple(path.split(".")[1:])
