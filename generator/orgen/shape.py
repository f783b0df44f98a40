"""Shape: the parts of an OpenAPI document that orgen reads must have the types the spec gives them.

Later stages read the document as OpenAPI describes it (operations are mappings, parameters a list,
`required` a list of names); a value of another type there is reported here, with its line, rather
than failing somewhere inside the generator. Only structure is checked: what a value means (an
unknown `type`, an ill-typed `default`) is for later stages to judge.

The checks come in layers, each using the one before: the checks every other is made of, Schema
Objects, operations and what they hold, and the document's top level.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .document import Document
from .normalize import HTTP_METHODS
from .pointer import join
from .problems import Problem, SpecError

# Schema keywords holding one subschema, a list of them, or a mapping of names to them.
SUBSCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
             "unevaluatedProperties", "unevaluatedItems", "additionalItems")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_COMPONENT_SECTIONS = ("parameters", "requestBodies", "responses", "headers", "securitySchemes", "examples", "links", "callbacks", "pathItems")

Check = Callable[[Any, str], object]


class _Checks:
    """What every check is made of: a value of the type the spec gives, each entry of a mapping or
    list, a key that may be absent, a scalar read as text. Problems are collected, not raised."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def expect(self, value: Any, pointer: str, kind: type | tuple[type, ...], name: str) -> bool:
        if isinstance(value, kind):
            return True
        self.problems.append(self.document.problem(pointer, f"expected {name}, found {_kind(value)}"))
        return False

    def mapping(self, value: Any, pointer: str) -> bool:
        return self.expect(value, pointer, dict, "a mapping")

    def each(self, value: Any, pointer: str, check: Check, as_list: bool = False, extensible: bool = False) -> None:
        """Run `check` on each entry of a mapping (or, with `as_list`, of a list).

        An `extensible` mapping (Paths, Responses, Callback) may also hold `x-` extensions, of any shape.
        """
        if as_list:
            if self.expect(value, pointer, list, "a list"):
                for index, item in enumerate(value):
                    check(item, f"{pointer}/{index}")
        elif self.mapping(value, pointer):
            for key, item in value.items():
                if not (extensible and str(key).startswith("x-")):
                    check(item, join(pointer, key))

    def optional(self, node: dict[str, Any], pointer: str, key: str, check: Check) -> None:
        # `tags:` with nothing after it reads as null: as good as absent
        if node.get(key) is not None:
            check(node[key], join(pointer, key))

    def text(self, value: Any, pointer: str) -> None:
        # YAML reads `summary: 404` as a number and `summary:` as null; any scalar reads fine as text
        if value is not None:
            self.expect(value, pointer, (str, int, float, bool), "a string")


class _Schemas(_Checks):
    """Schema Objects: each subschema a schema, and the keywords read of each the types JSON Schema gives."""

    def schema(self, value: Any, pointer: str) -> None:
        stack = [(value, pointer)]
        while stack:  # schemas nest as deep as the document: walked without recursion
            node, where = stack.pop()
            if isinstance(node, bool):  # OpenAPI 3.1: `true` accepts anything, `false` nothing
                continue
            if not self.mapping(node, where) or "$ref" in node:
                continue
            for key in SUBSCHEMA:
                if key in node and not (key == "items" and isinstance(node[key], list)):
                    stack.append((node[key], join(where, key)))
            if isinstance(node.get("items"), list):
                stack.extend((item, join(where, "items", index)) for index, item in enumerate(node["items"]))
            for key in SUBSCHEMA_LISTS:
                if key in node and self.expect(node[key], join(where, key), list, "a list"):
                    stack.extend((item, join(where, key, index)) for index, item in enumerate(node[key]))
            for key in SUBSCHEMA_MAPS:
                if key in node and self.mapping(node[key], join(where, key)):
                    stack.extend((item, join(where, key, name)) for name, item in node[key].items())
            self._schema_keywords(node, where)

    def _schema_keywords(self, node: dict[str, Any], pointer: str) -> None:
        if "type" in node:
            kind = node["type"]
            if not (isinstance(kind, str) or isinstance(kind, list) and all(isinstance(k, str) for k in kind)):
                self.problems.append(self.document.problem(join(pointer, "type"), f"expected a type name or a list of them, found {_kind(kind)}"))
        if "enum" in node:
            self.expect(node["enum"], join(pointer, "enum"), list, "a list")
        required = node.get("required")
        if "required" in node and not (isinstance(required, list) and all(isinstance(name, str) for name in required)):
            self.problems.append(self.document.problem(join(pointer, "required"), f"expected a list of property names, found {_kind(required)}"))
        if "discriminator" in node and self.mapping(node["discriminator"], join(pointer, "discriminator")):
            where = join(pointer, "discriminator")
            self.optional(node["discriminator"], where, "propertyName", self.text)
            self.optional(node["discriminator"], where, "mapping", lambda v, p: self.each(v, p, self.text))


class _Operations(_Schemas):
    """Path items and operations, and what they hold: parameters, request bodies, responses, media."""

    def path_item(self, value: Any, pointer: str) -> None:
        if not self.mapping(value, pointer) or "$ref" in value:
            return
        self.optional(value, pointer, "parameters", lambda v, p: self.each(v, p, self.parameter, as_list=True))
        for method in HTTP_METHODS:
            self.optional(value, pointer, method, self.operation)

    def operation(self, value: Any, pointer: str) -> None:
        if not self.mapping(value, pointer):
            return
        for key in ("operationId", "summary", "description"):
            self.optional(value, pointer, key, self.text)
        self.optional(value, pointer, "tags", lambda v, p: self.expect(v, p, list, "a list"))
        self.optional(value, pointer, "parameters", lambda v, p: self.each(v, p, self.parameter, as_list=True))
        self.optional(value, pointer, "requestBody", self.request_body)
        self.optional(value, pointer, "responses", lambda v, p: self.each(v, p, self.response, extensible=True))
        self.optional(value, pointer, "callbacks", lambda v, p: self.each(v, p, self.callback))

    def callback(self, value: Any, pointer: str) -> None:
        if not (isinstance(value, dict) and "$ref" in value):  # a Callback Object or a reference to one
            self.each(value, pointer, self.path_item, extensible=True)

    def parameter(self, value: Any, pointer: str) -> None:
        if not self.mapping(value, pointer) or "$ref" in value:
            return
        for key in ("name", "in", "description"):
            self.optional(value, pointer, key, self.text)
        self.optional(value, pointer, "schema", self.schema)
        self.optional(value, pointer, "content", lambda v, p: self.each(v, p, self.media))

    header = parameter

    def request_body(self, value: Any, pointer: str) -> None:
        if self.mapping(value, pointer) and "$ref" not in value:
            self.optional(value, pointer, "content", lambda v, p: self.each(v, p, self.media))

    def response(self, value: Any, pointer: str) -> None:
        if self.mapping(value, pointer) and "$ref" not in value:
            self.optional(value, pointer, "content", lambda v, p: self.each(v, p, self.media))
            self.optional(value, pointer, "headers", lambda v, p: self.each(v, p, self.header))

    def media(self, value: Any, pointer: str) -> None:
        if self.mapping(value, pointer):
            self.optional(value, pointer, "schema", self.schema)


class _Document(_Operations):
    """The document's top level: servers, tags, paths, webhooks and components."""

    def root(self, root: dict[str, Any]) -> None:
        self.optional(root, "", "servers", lambda v, p: self.each(v, p, self.server, as_list=True))
        self.optional(root, "", "tags", lambda v, p: self.each(v, p, self.tag, as_list=True))
        self.optional(root, "", "paths", lambda v, p: self.each(v, p, self.path_item, extensible=True))
        self.optional(root, "", "webhooks", lambda v, p: self.each(v, p, self.path_item, extensible=True))
        if "components" in root:  # null too: repairs add security schemes and servers to it
            self.components(root["components"], "/components")

    def server(self, value: Any, pointer: str) -> None:
        if self.mapping(value, pointer):
            self.optional(value, pointer, "url", self.text)
            self.optional(value, pointer, "variables", lambda v, p: self.each(v, p, self.mapping))

    def tag(self, value: Any, pointer: str) -> None:
        if self.mapping(value, pointer):
            self.optional(value, pointer, "name", self.text)

    def components(self, value: Any, pointer: str) -> None:
        if not self.mapping(value, pointer):
            return
        self.optional(value, pointer, "schemas", lambda v, p: self.each(v, p, self.schema))
        checks: dict[str, Check] = {
            "parameters": self.parameter, "requestBodies": self.request_body, "responses": self.response,
            "headers": self.header, "callbacks": self.callback, "pathItems": self.path_item,
        }
        for section in _COMPONENT_SECTIONS:
            self.optional(value, pointer, section, functools.partial(self.each, check=checks.get(section, self.mapping)))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def check_shape(document: Document) -> None:
    """Raise SpecError listing every value of the wrong type where the document's structure is read."""
    shape = _Document(document)
    shape.root(document.root)
    if shape.problems:
        raise SpecError(shape.problems)
