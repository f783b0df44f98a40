"""Property: any schema built from objects, arrays, enums, unions, nullables and arbitrary unicode names
generates a package that compiles, imports, and parses a valid value and dumps it back unchanged.

Each example is a full build (about half a second in-process), so examples are few; a failure
prints the schema and value that broke it.
"""

from __future__ import annotations

import importlib
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgen.config import Config
from orgen.pipeline import build
from orgen.pointer import escape, unescape

SCHEMAS = "#/components/schemas/"
_packages = itertools.count()

# Characters that trouble generators more often than a uniform draw would find them: quotes and
# backslashes, line breaks and controls, characters Python normalises to others (ﬁ → fi, ℌ → H,
# fullwidth letters, combining marks), bidirectional overrides, digits and separators.
TRICKY = "\"'\\\r\n\t\x00\x85\u2028\u202e ﬁℌｆＡ\u0308_-./~{}#0123456789"
characters = st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8"))  # any character a file can hold
# Names: any unicode, or one that clashes with Python, pydantic or the generated code.
names = st.one_of(
    st.text(characters, max_size=10),
    st.sampled_from(["class", "None", "self", "model_config", "schema", "model_fields", "root", "object", "int",
                     "Any", "Field", "title", "name", "value", "mro", "_", "__init__", "1", ""]),
)
primitives = st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}])
enums = st.lists(names, min_size=1, max_size=4, unique=True).map(lambda values: {"type": "string", "enum": values})
# Members of distinct JSON types, so that a value parses as the member it was made for.
unions = st.lists(st.sampled_from(["string", "integer", "boolean"]), min_size=2, max_size=3, unique=True).map(
    lambda kinds: {"oneOf": [{"type": kind} for kind in kinds]}
)


def _nullable(schema: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Sometimes nullable, sometimes described (prose ends up in docstrings)."""
    return st.tuples(schema, st.booleans(), st.one_of(st.none(), st.text(characters, max_size=20))).map(
        lambda parts: {**parts[0], **({"nullable": True} if parts[1] else {}), **({"description": parts[2]} if parts[2] is not None else {})}
    )


def _objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    properties = st.dictionaries(names, _nullable(children), min_size=1, max_size=4)
    return properties.flatmap(
        lambda props: st.sets(st.sampled_from(sorted(props))).map(
            lambda required: {"type": "object", "properties": props, "required": sorted(required)}
        )
    )


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(children.map(lambda items: {"type": "array", "items": items}), _objects(children))


schemas = st.recursive(st.one_of(primitives, enums, unions), _extend, max_leaves=8)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A spec whose `Root` object uses random schemas, named components (one recursive) and names."""
    components: dict[str, Any] = {name: draw(_objects(schemas)) for name in draw(st.lists(names, max_size=3, unique=True))}
    components.pop("Root", None)
    refs = [{"$ref": SCHEMAS + escape(name)} for name in components]
    recursive = draw(names)
    if draw(st.booleans()) and recursive != "Root":  # a tree: a node that lists nodes of its own kind
        components[recursive] = {
            "type": "object",
            "properties": {draw(names): {"type": "string"}, "children": {"type": "array", "items": {"$ref": SCHEMAS + escape(recursive)}}},
        }
        refs.append({"$ref": SCHEMAS + escape(recursive)})
    children = st.one_of(schemas, st.sampled_from(refs)) if refs else schemas
    components["Root"] = draw(_objects(children))
    root = {"$ref": SCHEMAS + "Root"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Property", "version": "1"},
        "paths": {
            "/roots": {
                "post": {
                    "operationId": "createRoot",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": root}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": root}}}},
                }
            }
        },
        "components": {"schemas": components},
    }


def values(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Valid JSON data for `schema`: every property present, so a dump has nothing to add."""
    if "$ref" in schema:
        return values(components[unescape(schema["$ref"][len(SCHEMAS):])], components, depth + 1)
    if "enum" in schema:
        strategy: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    elif "oneOf" in schema:
        strategy = st.one_of(*(values(variant, components, depth) for variant in schema["oneOf"]))
    elif schema["type"] == "array":  # deep down, arrays are empty: recursive models end
        strategy = st.lists(values(schema["items"], components, depth + 1), max_size=2) if depth < 4 else st.just([])
    elif schema["type"] == "object":
        strategy = st.fixed_dictionaries({name: values(item, components, depth + 1) for name, item in schema["properties"].items()})
    else:
        strategy = {
            "string": st.text(characters, max_size=10),
            "integer": st.integers(-(2**53), 2**53),
            "number": st.floats(allow_nan=False, allow_infinity=False),
            "boolean": st.booleans(),
        }[schema["type"]]
    return st.one_of(st.none(), strategy) if schema.get("nullable") else strategy


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=documents(), data=st.data())
def test_random_schemas_generate_models_that_round_trip(document: dict[str, Any], data: st.DataObject) -> None:
    package = f"property_client_{next(_packages)}"
    with tempfile.TemporaryDirectory() as folder:
        spec, out = Path(folder) / "spec.json", Path(folder) / "out"
        spec.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        build(spec, Config(out=out, package_name=package))
        for source in (out / package).rglob("*.py"):
            compile(source.read_text(encoding="utf-8"), str(source), "exec")
        sys.path.insert(0, str(out))
        try:
            models = importlib.import_module(f"{package}.models")
            importlib.import_module(f"{package}.resources")
            value = data.draw(values({"$ref": SCHEMAS + "Root"}, document["components"]["schemas"]), label="value")
            parsed = models.Root.model_validate(value)
            assert parsed.model_dump(by_alias=True) == value
        finally:
            sys.path.remove(str(out))
            for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
                del sys.modules[name]
