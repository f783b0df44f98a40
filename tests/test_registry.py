"""The class registry: every class name the planner hands out, unique in the module it lives in."""

from __future__ import annotations

from orgen.names import ClassName
from orgen.planning.registry import ClassRegistry


def test_components_keep_their_names_and_hoisted_classes_are_named_around_them() -> None:
    registry = ClassRegistry(["pet", "Pet", "ListPetsResponse"])
    assert registry.components == {"ListPetsResponse": "ListPetsResponse", "Pet": "Pet", "pet": "Pet2"}
    assert registry.hoisted("/paths/~1pets/get", "ListPetsResponse") == ("ListPetsResponseBody", True)
    assert registry.hoisted("/paths/~1pets/get", "Other") == ("ListPetsResponseBody", False)  # same key, same class
    assert registry.hoisted("/paths/~1pets/post", "ListPetsResponse") == ("ListPetsResponse2", True)
    assert registry.schema_name("Pet2") == "pet"
    assert registry.schema_name("ListPetsResponseBody") == "ListPetsResponseBody"


def test_typed_dicts_resources_and_headers_classes_each_have_their_own_namespace() -> None:
    registry = ClassRegistry(["PetParam"])
    assert registry.typed_dict("Pet") == "PetParam"  # params.py is another module than models.py
    assert registry.typed_dict("Pet") == "PetParam2"
    first, second = registry.resource(ClassName("A1")), registry.resource(ClassName("A1"))
    assert (first, second) == ("A1", "A12")
    assert registry.resource(ClassName("AsyncA1")) == "AsyncA13"  # `AsyncA1` and `AsyncA12` are twins
    assert registry.headers_class(first, "a1") == "A1Headers"
    assert registry.headers_class(first, "a1") == "A1Headers2"
    # A headers class shares its resource's module, never its resource's classes.
    own = registry.resource(ClassName("FooHeaders"))
    assert registry.headers_class(own, "foo") == "FooHeaders2"
    assert registry.headers_class(second, "a1") == "A1Headers"  # another resource, another module
