"""Failures first met in real-world specs (see scripts/corpus.py), each reproduced by a tiny spec.

Every test builds its spec with the CLI and imports the generated package in a fresh interpreter,
since most of these failures only showed when `models.py` was imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .conftest import Orgen

PACKAGE = "rw_client"


def _spec(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    """A document whose one operation returns `Holder` (or that has `paths` as given)."""
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Real world", "version": "1"},
        "paths": paths or {"/holder": {"get": {"operationId": "getHolder", "responses": {"200": ok}}}},
        "components": {"schemas": schemas},
    }


def build(orgen: Orgen, tmp_path: Path, spec: dict[str, Any]) -> tuple[Path, str]:
    """The output folder of a successful build, and what the build printed (away from this repo's settings)."""
    path, out = tmp_path / "spec.json", tmp_path / "out"
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = orgen("build", path, "--out", out, "--package-name", PACKAGE, "--formatter", "none", "-q", cwd=tmp_path, env={"ORGEN_CACHE_DIR": ""})
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def run_in_package(out: Path, code: str) -> str:
    """Import every generated module, then run `code` (with `models` imported); returns its output."""
    script = (
        "import importlib, pkgutil, sys\n"
        f"package = importlib.import_module({PACKAGE!r})\n"
        "for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"from {PACKAGE} import models\n" + code
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=out, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_enum_value_descriptions_become_member_docstrings(orgen: Orgen, tmp_path: Path) -> None:
    # zoom.us: `x-enum-descriptions` such as "Zip/Postal Code" were written into the enum unquoted.
    field = {
        "type": "string",
        "enum": ["zip", "quote", "plain"],
        "x-enum-descriptions": ["Zip/Postal Code", 'Ends in a "quote"', "Plain"],
    }
    out, _ = build(orgen, tmp_path, _spec({"Holder": {"type": "object", "properties": {"field_name": field}}}))
    printed = run_in_package(out, "print(models.Holder.model_validate({'field_name': 'zip'}).field_name.value)")
    assert printed.strip() == "zip"
    assert '"""Zip/Postal Code"""' in (out / PACKAGE / "models.py").read_text()


def test_a_property_named_field_keeps_root_model_constraints_working(orgen: Orgen, tmp_path: Path) -> None:
    # amazonaws.com/securityhub: a property `Field` made the models generator import pydantic's
    # `Field` under another name, while constrained root models still called `Field(...)`.
    schemas = {
        "Holder": {
            "type": "object",
            "properties": {
                "Field": {"type": "string"},
                "Short": {"type": "string", "maxLength": 3},
                "Count": {"$ref": "#/components/schemas/Count"},
            },
        },
        "Count": {"type": "integer", "minimum": 1, "maximum": 10},
    }
    out, _ = build(orgen, tmp_path, _spec(schemas))
    code = "holder = models.Holder.model_validate({'Field': 'x', 'Count': 3})\nprint(holder.model_dump(by_alias=True, exclude_none=True))"
    assert run_in_package(out, code).strip() == "{'Field': 'x', 'Count': 3}"


def test_patterns_pydantics_regex_engine_refuses_are_dropped_with_a_warning(orgen: Orgen, tmp_path: Path) -> None:
    # amazonaws.com/proton, linqr.app: `[\w.-]{1,255}` compiles past the Rust engine's size limit;
    # amazonaws.com/elasticmapreduce: an escaped lone surrogate. Python's `re` reads both.
    properties = {
        "name": {"type": "string", "pattern": r"^[\w\-\.]{1,1024}$"},
        "text": {"type": "string", "pattern": "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDBFF-\\uDC00\\uDFFF\\r\\n\\t]*"},
        "look": {"type": "string", "pattern": r"^(?!-)[a-z-]+$"},  # look-around: Python's engine checks it
    }
    out, printed = build(orgen, tmp_path, _spec({"Holder": {"type": "object", "properties": properties}}))
    assert printed.count("pydantic's engine refuses it") == 2
    run_in_package(out, "models.Holder.model_validate({'name': 'a.b', 'text': 'x', 'look': 'ab'})")
    refused = run_in_package(
        out,
        "import pydantic\ntry:\n    models.Holder.model_validate({'look': '-a'})\nexcept pydantic.ValidationError:\n    print('refused')",
    )
    assert refused.strip() == "refused"


def test_a_component_keeps_its_name_when_inline_schemas_keep_taking_it(orgen: Orgen, tmp_path: Path) -> None:
    # here.com/tracking: two inline response schemas each have an enum property `type`; the models
    # generator named each `Type` in turn, pushing the component `Type` to `Type2`.
    rule = {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string", "enum": ["temperature", "pressure"]}}}
    message = {"type": "object", "properties": {"message": {"type": "string"}}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"allOf": [message, rule]}}}}}
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"type": {"$ref": "#/components/schemas/Type"}}}}}}
    paths = {
        "/rules": {"get": {"operationId": "getRule", "responses": ok}, "put": {"operationId": "putRule", "responses": ok}},
        "/jobs": {"post": {"operationId": "createJob", "requestBody": body, "responses": {"204": {"description": "done"}}}},
    }
    out, _ = build(orgen, tmp_path, _spec({"Type": {"type": "string", "enum": ["create", "delete"]}}, paths))
    code = (
        "print(sorted(member.value for member in models.Type))\n"
        "print(models.GetRuleResponse.model_validate({'type': 'pressure'}).type.value)\n"
        "print(models.PutRuleResponse.model_validate({'type': 'temperature'}).type.value)"
    )
    assert run_in_package(out, code).split() == ["['create',", "'delete']", "pressure", "temperature"]


def test_extensions_in_paths_and_referenced_callbacks_are_read_as_openapi_allows(orgen: Orgen, tmp_path: Path) -> None:
    # apicurio.local/registry: `x-codegen-contextRoot` among the paths; cpy.re/peertube: a callback
    # given as a reference. Both were refused as "expected a mapping".
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
    spec = _spec({}, {"/ping": {"get": {"operationId": "ping", "responses": ok, "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}}}}})
    spec["paths"]["x-codegen-contextRoot"] = "/apis/registry"
    spec["paths"]["/ping"]["get"]["responses"]["x-note"] = "extensions are allowed among responses too"
    spec["components"]["callbacks"] = {"Done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}, "x-kind": "hook"}}
    out, _ = build(orgen, tmp_path, spec)
    run_in_package(out, "from rw_client import RealWorld\nassert callable(RealWorld(api_key='k', base_url='http://test').ping.retrieve)")


def _mypy_strict(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(out / ".mypy"), PACKAGE],
        cwd=out, capture_output=True, text=True, timeout=300, check=False,
    )


def test_explicit_non_nullable_optional_fields_and_base_class_discriminators_type_check(orgen: Orgen, tmp_path: Path) -> None:
    # azure.com search: an optional field with `nullable: false` came out `x: Kind = None`.
    # microsoft.com graph: a discriminator on a base schema that subtypes extend with allOf made its
    # tag a literal of the base's name, which every subtype's plain string contradicted.
    kind = {"type": "string", "enum": ["upload", "merge"], "nullable": False}
    item = {
        "type": "object",
        "required": ["@odata.type"],
        "properties": {"@odata.type": {"type": "string", "default": "#item"}},
        "discriminator": {"propertyName": "@odata.type", "mapping": {"#link": "#/components/schemas/Link"}},
    }
    link = {"allOf": [{"$ref": "#/components/schemas/Item"}, {
        "type": "object",
        "required": ["@odata.type"],
        "properties": {"@odata.type": {"type": "string", "default": "#link"}, "href": {"type": "string"}},
    }]}
    holder = {"type": "object", "properties": {"action": kind, "item": {"$ref": "#/components/schemas/Item"}, "link": {"$ref": "#/components/schemas/Link"}}}
    out, _ = build(orgen, tmp_path, _spec({"Holder": holder, "Item": item, "Link": link}))
    checked = _mypy_strict(out)
    assert checked.returncode == 0, checked.stdout
    printed = run_in_package(out, "h = models.Holder.model_validate({'link': {'@odata.type': '#link', 'href': 'x'}})\nprint(h.action, h.link.href)")
    assert printed.split() == ["None", "x"]


def test_a_body_offered_in_several_content_types_says_which_one_the_method_sends(orgen: Orgen, tmp_path: Path) -> None:
    # openrouter.ai: POST /audio/transcriptions takes JSON or multipart/form-data.
    body_schema = {"type": "object", "properties": {"model": {"type": "string"}}}
    content = {"application/json": {"schema": body_schema}, "multipart/form-data": {"schema": body_schema}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}}}}
    paths = {"/transcriptions": {"post": {"operationId": "transcribe", "requestBody": {"content": content}, "responses": ok}}}
    _, printed = build(orgen, tmp_path, _spec({"Holder": {"type": "object"}}, paths))
    warnings = [line for line in printed.splitlines() if "also accepts" in line]
    assert warnings == ["warning: spec.json:1: /paths/~1transcriptions/post/requestBody: request body also accepts multipart/form-data; the method sends application/json only"]
