"""Inline classes are named by orgen from their place, before the models library sees them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from orgen.planning.inline_classes import hoist_inline_classes as hoist, makes_class, singular
from orgen.planning.registry import ClassRegistry

REF = "#/components/schemas/"


def _hoist(schemas: dict[str, Any]) -> dict[str, Any]:
    return hoist(schemas, ClassRegistry(schemas))


def test_a_field_class_is_named_after_its_parent_and_keeps_the_field_keywords_at_its_place() -> None:
    schemas: dict[str, Any] = {
        "Job": {
            "type": "object",
            "properties": {
                "state": {"description": "Where it is.", "type": "string", "enum": ["queued", "done"], "nullable": True, "default": "queued"},
            },
        }
    }
    result = _hoist(schemas)
    assert result["Job"]["properties"]["state"] == {"$ref": REF + "JobState", "description": "Where it is.", "nullable": True, "default": "queued"}
    assert result["JobState"] == {"description": "Where it is.", "type": "string", "enum": ["queued", "done"]}


def test_names_follow_from_the_place_alone_whatever_other_schemas_hold() -> None:
    usage = {"allOf": [{"$ref": REF + "Usage"}, {"type": "object", "properties": {"frames": {"type": "integer"}}}]}
    alone = {"Result": {"type": "object", "properties": {"usage": copy.deepcopy(usage)}}, "Usage": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    crowded = {**copy.deepcopy(alone), "Other": {"type": "object", "properties": {"usage": copy.deepcopy(usage)}}}
    assert _hoist(alone)["Result"]["properties"]["usage"] == {"$ref": REF + "ResultUsage"}
    assert _hoist(crowded)["Result"]["properties"]["usage"] == {"$ref": REF + "ResultUsage"}


def test_a_field_inside_an_all_of_part_is_named_after_the_schema() -> None:
    schemas = {"FrameImage": {"allOf": [{"$ref": REF + "Image"}, {"properties": {"frame_type": {"type": "string", "enum": ["first", "last"]}}}]}}
    assert "FrameImageFrameType" in _hoist(schemas)


def test_of_two_places_wanting_one_name_the_shallower_has_it() -> None:
    level = {"type": "string", "enum": ["low", "high"]}
    schemas = {
        "Request": {
            "type": "object",
            "properties": {
                "quality": {"type": "object", "properties": {"level": dict(level)}},
                "quality_level": dict(level),
            },
        }
    }
    result = _hoist(schemas)
    assert result["Request"]["properties"]["quality_level"] == {"$ref": REF + "RequestQualityLevel"}
    assert result["RequestQuality"]["properties"]["level"] == {"$ref": REF + "RequestQualityLevel2"}


def test_items_take_the_singular_and_a_top_level_list_is_not_named_twice() -> None:
    item = {"type": "object", "properties": {"error": {"type": "string"}}}
    schemas = {
        "Result": {"type": "object", "properties": {"failed_frames": {"type": "array", "items": dict(item)}}},
        "Matrix": {"type": "array", "items": dict(item)},
    }
    result = _hoist(schemas)
    assert {"ResultFailedFrame", "MatrixItem"} <= set(result)


@pytest.mark.parametrize(
    ("plural", "one"),
    [("Frames", "Frame"), ("Entries", "Entry"), ("Boxes", "Box"), ("Statuses", "Status"), ("Sizes", "Size"), ("Data", "DataItem"), ("Status", "StatusItem"), ("Address", "AddressItem"), ("Keys", "Key")],
)
def test_singular(plural: str, one: str) -> None:
    assert singular(plural) == one


def test_union_members_are_named_by_tag_or_as_the_one_class_of_the_union() -> None:
    schemas: dict[str, Any] = {
        "Tool": {
            "type": "object",
            "properties": {
                "crop": {"oneOf": [{"type": "string", "enum": ["auto"]}, {"type": "object", "properties": {"width": {"type": "integer"}}}]},
                "kind": {
                    "oneOf": [
                        {"type": "object", "properties": {"type": {"const": "bash"}, "cmd": {"type": "string"}}},
                        {"type": "object", "properties": {"type": {"const": "web"}, "url": {"type": "string"}}},
                    ]
                },
            },
        },
        "Engine": {"oneOf": [{"type": "string", "enum": ["fast", "slow"]}, {"type": "string", "const": "old"}]},
    }
    result = _hoist(schemas)
    assert result["Tool"]["properties"]["crop"]["oneOf"][1] == {"$ref": REF + "ToolCrop"}
    assert [m["$ref"] for m in result["Tool"]["properties"]["kind"]["oneOf"]] == [REF + "ToolKindBash", REF + "ToolKindWeb"]
    assert result["Engine"]["oneOf"][0] == {"$ref": REF + "EngineEnum"}  # `Engine` is the union's own


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, True),
        ({"type": "string", "enum": ["a", "b"]}, True),
        ({"type": "string", "enum": ["a"]}, False),  # a constant: `Literal["a"]`
        ({"type": "string", "enum": ["a", None]}, False),
        ({"type": "object", "additionalProperties": {"type": "string"}}, False),  # `dict[str, str]`
        ({"allOf": [{"$ref": REF + "A"}, {"properties": {}}]}, False),  # `A` itself
        ({"allOf": [{"$ref": REF + "A"}, {"properties": {"b": {"type": "string"}}}]}, True),
        ({"allOf": [{"$ref": REF + "A"}, {"$ref": REF + "B"}]}, True),
        ({"oneOf": [{"type": "string"}], "properties": {"a": {}}}, False),
        ({"$ref": REF + "A"}, False),
    ],
)
def test_makes_class(schema: dict[str, Any], expected: bool) -> None:
    assert makes_class(schema) is expected


def test_an_update_regenerates_a_schema_whose_own_name_orgen_numbered_by_itself() -> None:
    from orgen.model_units import Block
    from orgen.models import _made_unique

    # `ChatRequestReasoningEffort2` is orgen's name for `reasoning.effort` (its shallower twin has
    # the plain one): the class can be generated from its unit alone.
    blocks = {name: [Block(name, (), "")] for name in ("ChatRequestReasoningEffort", "ChatRequestReasoningEffort2")}
    changed = {"ChatRequestReasoningEffort2": blocks["ChatRequestReasoningEffort2"]}
    assert not _made_unique(changed, blocks, dict.fromkeys(blocks, {}))
    # A class the models library named after another schema's class is another matter.
    blocks = {"Usage": [Block("Usage", (), "")], "Result": [Block("UsageModel", (), ""), Block("Result", (), "")]}
    assert _made_unique({"Result": blocks["Result"]}, blocks, dict.fromkeys(blocks, {}))
