"""Naming: which resource each operation belongs to and what its method is called.

Operations are taken in path order, then HTTP method order, so every name (and every suffix that
tells two apart) comes out the same on every build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..names import PyName, module_name, snake, unique, words
from ..normalize import HTTP_METHODS, deref
from ..pointer import join
from .client import DEVICE_NAMES

# Method names share the class scope with the annotations of later methods: never a type used there.
# Containers in resource annotations are spelled `List`/`Dict`, so `list` stays a fine method name.
# The resource's own attributes (`with_raw_response`, ...) are taken too.
_METHOD_RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "object", "type", "cast", "overload", "with_raw_response", "with_streaming_response"}
)
# Attributes of the client base class that a resource must not shadow.
_CLIENT_ATTRIBUTES = {"close", "request", "request_stream", "with_options", "base_url", "api_key", "timeout", "max_retries"}
# Spec extensions that name a call; orgen's own first, then the ones other generators' specs carry.
_GROUP_EXTENSIONS = ("x-orgen-resource", "x-speakeasy-group")
_NAME_EXTENSIONS = ("x-orgen-name", "x-speakeasy-name-override")
_VERB_NAMES = {"get": "retrieve", "post": "create", "put": "update", "patch": "update", "delete": "delete"}


@dataclass(frozen=True)
class NamedOperation:
    """One operation of the document (path-level parameters merged in) and the names it gets."""

    path: str
    method: str
    operation: dict[str, Any]
    pointer: str
    operation_id: str  # unique in the document
    resource: PyName
    name: PyName  # the method, unique in its resource
    tag_description: str  # of the operation's first tag: its resource's docstring


class OperationNames:
    """Names the operations of a document, one at a time; remembers each resource's method names."""

    def __init__(self, document: dict[str, Any], config: Config, warn: Callable[[str, str], None]) -> None:
        self.document = document
        self.config = config
        self.warn = warn
        self._methods: dict[str, set[str]] = {}  # resource -> its method names
        self._ids: dict[str, str] = {}  # operationId -> pointer of the operation

    def operations(self) -> Iterator[NamedOperation]:
        """Every operation, named (lazily: warnings come in the order operations are planned)."""
        for path, item in sorted((self.document.get("paths") or {}).items()):
            item = deref(self.document, item)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    merged = dict(operation)
                    merged["parameters"] = self._merge_parameters(item.get("parameters"), operation.get("parameters"))
                    yield self._named(str(path), method, merged, join("/paths", path, method))

    def iterating_method(self, resource: str, name: str) -> PyName:
        """`iter_list` beside `list`: the method that walks every page, named apart from the rest."""
        return PyName(unique(f"iter_{name}", self._methods[resource]))

    def _named(self, path: str, method: str, operation: dict[str, Any], pointer: str) -> NamedOperation:
        operation_id = str(operation.get("operationId") or f"{method}_{path}")
        if operation_id in self._ids:
            # OpenAPI wants operationIds unique; real specs break that and users cannot fix
            # upstream. Paths are taken in sorted order, so the same one is renamed every time.
            self.warn(join(pointer, "operationId"), f"duplicate operationId {operation_id!r} (also at {self._ids[operation_id]}); this operation is named from its method and path")
            operation = {key: value for key, value in operation.items() if key != "operationId"}
            operation_id = unique(f"{method}_{path}", set(self._ids))
        self._ids[operation_id] = pointer
        resource, method_name = self._names(path, method, operation, operation_id)
        name = PyName(unique(method_name, self._methods.setdefault(resource, set())))
        return NamedOperation(path, method, operation, pointer, operation_id, resource, name, self._tag_description(operation))

    def _merge_parameters(self, shared: Any, own: Any) -> list[Any]:
        merged: dict[tuple[str, str], Any] = {}
        for param in list(shared or []) + list(own or []):
            resolved = deref(self.document, param)
            if isinstance(resolved, dict) and "name" in resolved:
                merged[(str(resolved["name"]), str(resolved.get("in")))] = resolved
        return list(merged.values())

    def _names(self, path: str, method: str, operation: dict[str, Any], operation_id: str) -> tuple[PyName, str]:
        override = self.config.operations.get(operation_id)
        if override:
            resource, _, name = override.partition(".")
            return _resource_name(resource), snake(name, "call", _METHOD_RESERVED)
        tags = operation.get("tags") or []
        segments = [s for s in path.split("/") if s and not s.startswith("{")]
        group = _extension(operation, _GROUP_EXTENSIONS)
        resource = _resource_name(group or (str(tags[0]) if tags else (segments[0] if segments else "default")))
        named = _extension(operation, _NAME_EXTENSIONS)
        if named:
            return resource, snake(named, method, _METHOD_RESERVED)
        resource_words = set(words(resource))
        resource_words |= {w[:-1] for w in resource_words if w.endswith("s")} | {w + "s" for w in resource_words}
        kept = [w for w in words(operation_id) if w not in resource_words]
        if not kept or not operation.get("operationId"):
            kept = [_VERB_NAMES.get(method, method)] if operation.get("operationId") else kept or [method]
        return resource, snake("_".join(kept), method, _METHOD_RESERVED)

    def _tag_description(self, operation: dict[str, Any]) -> str:
        tags = operation.get("tags") or []
        for tag in self.document.get("tags") or []:
            if isinstance(tag, dict) and tags and tag.get("name") == tags[0]:
                return str(tag.get("description") or "")
        return ""


def _resource_name(text: str) -> PyName:
    """A resource's attribute on the client, and the name of its module and docs page."""
    name = module_name(text, "api")
    return PyName(name + "_") if name in _CLIENT_ATTRIBUTES or name in DEVICE_NAMES else name


def _extension(operation: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = operation.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None
