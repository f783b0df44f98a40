"""Registry: the one authority for every class name the planner hands out, by the namespace it lives in.

Model classes (components by their schema names, then schemas hoisted out of operations) share the
models module; TypedDicts share the params module; resource classes and their `Async` twins share
resources/__init__.py; an operation's headers class shares its resource's module.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..names import ClassName, pascal, unique, unique_classes

# The classes a resource module defines for a resource named `Foo`, besides any headers classes.
_RESOURCE_CLASSES = tuple(f"{prefix}{{}}{suffix}" for prefix in ("", "Async") for suffix in ("", "WithRawResponse", "WithStreamingResponse"))


class ClassRegistry:
    """Hands out class names, each unique in its namespace; the same key always gets the same name."""

    def __init__(self, schema_names: Iterable[str]) -> None:
        self.components: dict[str, ClassName] = unique_classes(schema_names)  # schema name -> class
        self._models: set[str] = set(self.components.values())
        self._schema_names: dict[str, str] = {class_name: name for name, class_name in self.components.items()}
        self._hoisted: dict[str, ClassName] = {}  # pointer (or identity) of an inline schema -> class
        self._params: set[str] = set()
        self._resources: set[str] = set()
        self._resource_modules: dict[str, set[str]] = {}  # resource class -> names its module defines

    def schema_name(self, class_name: str) -> str:
        """The component a model class was named from (a hoisted class: its own name)."""
        return self._schema_names.get(class_name, class_name)

    def hoisted(self, key: str, hint: str) -> tuple[ClassName, bool]:
        """The model class of the inline schema `key`, and whether it was named just now."""
        if key in self._hoisted:
            return self._hoisted[key], False
        base = pascal(hint)
        # `ListEndpointsResponse` taken by a component (often the payload the response wraps):
        # `ListEndpointsResponseBody` says more than `ListEndpointsResponse2`.
        if base in self._models and base + "Body" not in self._models:
            base = ClassName(base + "Body")
        self._hoisted[key] = ClassName(unique(base, self._models))
        return self._hoisted[key], True

    def inline_class(self, hint: str) -> ClassName:
        """A model class for an inline schema, named from its place (see inline_classes.py)."""
        return ClassName(unique(pascal(hint), self._models))

    def is_model_class(self, name: str) -> bool:
        return name in self._models

    def typed_dict(self, owner: str) -> ClassName:
        """A new TypedDict for the shape of `owner` (a model class, or an argument's hint)."""
        return ClassName(unique(f"{owner}Param", self._params))

    def resource(self, base: ClassName) -> ClassName:
        """A resource class: `a_1` and `a1` both spell `A1`, and `async_foo` spells the async twin of
        `foo`, so every name and its `Async` twin must be distinct (resources/__init__.py imports all)."""
        name, counter = base, 2
        while name in self._resources or f"Async{name}" in self._resources:
            name, counter = ClassName(f"{base}{counter}"), counter + 1
        self._resources |= {name, f"Async{name}"}
        self._resource_modules[name] = {pattern.format(name) for pattern in _RESOURCE_CLASSES}
        return name

    def headers_class(self, resource: ClassName, operation: str) -> ClassName:
        """`UpdateHeaders` for `update`: the class reading an operation's declared response headers,
        named apart from the other classes of its resource's module."""
        return ClassName(unique(pascal(operation) + "Headers", self._resource_modules[resource]))
