"""The full OpenRouter spec: 97 operations, ~770 schemas, allOf inheritance, declared discriminators and
one-value enums. Its package must import, pass `mypy --strict`, and parse real payloads by tag while
keeping what a newer server adds (unknown fields, unknown enum values).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from .conftest import ROOT, run_orgen

PACKAGE = "openrouter_full"
SPEC = next(
    (path for path in (ROOT / "specs" / "openrouter-full.yaml", Path("/work/shared/specs/openrouter-full.yaml")) if path.is_file()),
    None,
)
pytestmark = pytest.mark.skipif(SPEC is None, reason="openrouter-full.yaml is not available")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert SPEC is not None
    folder = tmp_path_factory.mktemp("openrouter_full")
    # Built from its own folder: no [tool.orgen] settings of this repository apply.
    result = run_orgen("build", SPEC, "--out", folder / "out", "--package-name", PACKAGE, "--formatter", "none", "-q", cwd=folder, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder / "out"


@pytest.fixture(scope="module")
def models(out: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{PACKAGE}.models")
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    assert SPEC is not None
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]


def test_manifest_lists_every_operation(out: Path) -> None:
    manifest = json.loads((out / ".orgen" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["operations"]) == 97


def test_every_module_imports(out: Path, models: ModuleType) -> None:
    package = importlib.import_module(PACKAGE)
    names = [info.name for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")]
    assert f"{PACKAGE}.resources.chat" in names
    for name in names:
        importlib.import_module(name)


def test_package_passes_mypy_strict(out: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", PACKAGE],
        cwd=out, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_package_passes_the_linters_users_run(out: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F401,F811,I001,E402", PACKAGE],
        cwd=out, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_declared_discriminators_are_pydantic_discriminated_unions(models: ModuleType, schemas: dict[str, Any]) -> None:
    declared = {name: s["discriminator"]["propertyName"] for name, s in schemas.items() if "discriminator" in s and "oneOf" in s}
    assert len(declared) > 20
    for name, tag in declared.items():
        discriminator = getattr(models, name).model_fields["root"].discriminator
        assert discriminator is not None, name
        assert discriminator.endswith(tag.lstrip("_")), name  # the tag's field, e.g. `field_shape` for `_shape`


def test_stream_event_parses_by_tag_and_keeps_what_is_new(models: ModuleType, schemas: dict[str, Any]) -> None:
    payload = dict(schemas["StreamEventsResponseOutputItemAdded"]["example"], added_later={"x": 1})
    event = models.StreamEvents.model_validate(payload).root
    assert type(event) is models.StreamEventsResponseOutputItemAdded
    assert event.model_extra == {"added_later": {"x": 1}}
    assert event.item.root.type == payload["item"]["type"]  # the item is itself picked by its tag


def test_described_reference_keeps_the_union_discriminated(models: ModuleType, schemas: dict[str, Any]) -> None:
    # `data: {allOf: [{$ref: ObservabilityDestination}, {description: ...}]}` is the union itself.
    response = models.CreateObservabilityDestinationResponse.model_validate(schemas["CreateObservabilityDestinationResponse"]["example"])
    assert type(response.data.root) is models.ObservabilityLangfuseDestination


def test_unknown_enum_value_parses(models: ModuleType, schemas: dict[str, Any]) -> None:
    example = dict(schemas["BaseResponsesResult"]["example"], status="paused_for_review")
    result = models.BaseResponsesResult.model_validate(example)
    assert isinstance(result.status, models.OpenAIResponsesResponseStatus)
    assert result.status.value == "paused_for_review"
    assert result.status == "paused_for_review"


def test_extension_that_redeclares_a_base_property_takes_its_own_schema(models: ModuleType) -> None:
    # TextExtendedConfig extends TextConfig with a wider `verbosity` enum; the wider one applies.
    config = models.TextExtendedConfig.model_validate({"format": {"type": "text"}, "verbosity": "xhigh"})
    assert config.verbosity == "xhigh"
    assert set(models.TextConfig.model_fields) <= set(models.TextExtendedConfig.model_fields)


def test_one_value_enums_are_literal_tags(models: ModuleType, schemas: dict[str, Any]) -> None:
    event = models.StreamEvents.model_validate(schemas["StreamEventsResponseOutputItemAdded"]["example"]).root
    assert event.type == "response.output_item.added"
    with pytest.raises(ValueError):
        models.StreamEventsResponseOutputItemAdded.model_validate({**schemas["StreamEventsResponseOutputItemAdded"]["example"], "type": "other"})
    # A tag is its own default, so a model built by hand needs no `type=`.
    assert models.InputText(text="hi").type == "input_text"


COLLIDING_SPEC = """\
openapi: 3.1.0
info: {title: Collide, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        owner: {type: object, properties: {login: {type: string}}}
    ThingOwner:
      type: object
      properties:
        id: {type: integer}
"""


def test_component_keeps_its_name_when_an_inline_schema_would_take_it(tmp_path: Path) -> None:
    # `Thing.owner` is named `ThingOwner` after its parent and field, like the component beside it.
    (tmp_path / "spec.yaml").write_text(COLLIDING_SPEC, encoding="utf-8")
    result = run_orgen("build", "spec.yaml", "--out", "out", "--package-name", "collide", "--formatter", "none", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        models = importlib.import_module("collide.models")
        assert set(models.ThingOwner.model_fields) == {"id"}
        owner = next(arg for arg in typing.get_args(models.Thing.model_fields["owner"].annotation) if arg is not type(None))
        assert set(owner.model_fields) == {"login"}
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [name for name in sys.modules if name == "collide" or name.startswith("collide.")]:
            del sys.modules[name]
