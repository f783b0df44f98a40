"""`orgen diff`: each class of spec change gets the level docs/spec-updates.md gives it.

Every case starts from one small API and changes one thing, the way real updates do; the surfaces
are built by the real pipeline (the models library included) and compared in-process.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgen.compare import Change, bump, compare, next_version
from orgen.config import Config
from orgen.pipeline import surface_of
from orgen.revision import _extract

from .conftest import Orgen

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shop", "version": "1"},
    "servers": [{"url": "https://shop.example/v1"}],
    "components": {
        "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Status": {"type": "string", "enum": ["open", "closed", "held"]},
            "Order": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "note": {"type": "string", "description": "Free text."},
                    "total": {"type": "integer"},
                },
            },
            "NewOrder": {
                "type": "object",
                "required": ["item"],
                "properties": {"item": {"type": "string"}, "quantity": {"type": "integer"}},
            },
        },
    },
    "security": [{"key": []}],
    "paths": {
        "/orders": {
            "post": {
                "operationId": "createOrder",
                "tags": ["orders"],
                "summary": "Create an order",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewOrder"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}},
            },
            "get": {
                "operationId": "listOrders",
                "tags": ["orders"],
                "parameters": [{"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}}}}},
            },
        },
    },
}
Edit = Callable[[dict[str, Any]], None]


def _surface(document: dict[str, Any], folder: Path) -> dict[str, Any]:
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    return surface_of(spec, Config(package_name="shop"))


def changes_after(edit: Edit, tmp_path: Path) -> list[Change]:
    new = copy.deepcopy(BASE)
    edit(new)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    return compare(_surface(BASE, tmp_path / "old"), _surface(new, tmp_path / "new"))


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _create(doc: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = doc["paths"]["/orders"]["post"]
    return operation


# (name, edit, expected (level, kind, where) among the changes)
CASES: list[tuple[str, Edit, tuple[str, str, str]]] = [
    ("operation removed", lambda d: d["paths"]["/orders"].pop("get"), ("breaking", "operation-removed", "client.orders.list")),
    ("operation added", lambda d: d["paths"].__setitem__("/ping", {"get": {"operationId": "ping", "tags": ["health"], "responses": {"204": {"description": "ok"}}}}), ("non-breaking", "operation-added", "client.health.ping")),
    ("resource added", lambda d: d["paths"].__setitem__("/ping", {"get": {"operationId": "ping", "tags": ["health"], "responses": {"204": {"description": "ok"}}}}), ("non-breaking", "resource-added", "client.health")),
    ("operation renamed", lambda d: _create(d).__setitem__("tags", ["sales"]), ("breaking", "operation-renamed", "client.orders.create")),
    ("argument added, optional", lambda d: _schemas(d)["NewOrder"]["properties"].__setitem__("coupon", {"type": "string"}), ("non-breaking", "argument-added", "client.orders.create(coupon=)")),
    ("argument added, required", lambda d: (_schemas(d)["NewOrder"]["properties"].__setitem__("email", {"type": "string"}), _schemas(d)["NewOrder"]["required"].append("email")), ("breaking", "argument-added-required", "client.orders.create(email=)")),
    ("argument removed", lambda d: _schemas(d)["NewOrder"]["properties"].pop("quantity"), ("breaking", "argument-removed", "client.orders.create(quantity=)")),
    ("argument now required", lambda d: _schemas(d)["NewOrder"]["required"].append("quantity"), ("breaking", "argument-now-required", "client.orders.create(quantity=)")),
    ("argument now optional", lambda d: _schemas(d)["NewOrder"].__setitem__("required", []), ("non-breaking", "argument-now-optional", "client.orders.create(item=)")),
    ("argument widened", lambda d: _schemas(d)["NewOrder"]["properties"].__setitem__("quantity", {"type": "number"}), ("non-breaking", "type-widened", "client.orders.create(quantity=)")),
    ("argument narrowed", lambda d: _schemas(d)["NewOrder"]["properties"].__setitem__("item", {"type": "string", "enum": ["tea", "cake"]}), ("breaking", "type-narrowed", "client.orders.create(item=)")),
    ("argument type changed", lambda d: _schemas(d)["NewOrder"]["properties"].__setitem__("quantity", {"type": "boolean"}), ("breaking", "type-changed", "client.orders.create(quantity=)")),
    ("response field removed", lambda d: _schemas(d)["Order"]["properties"].pop("total"), ("breaking", "field-removed", "models.Order.total")),
    ("response field added, required", lambda d: (_schemas(d)["Order"]["properties"].__setitem__("placed", {"type": "string"}), _schemas(d)["Order"]["required"].append("placed")), ("non-breaking", "field-added", "models.Order.placed")),
    ("request model field added, required", lambda d: (_schemas(d)["NewOrder"]["properties"].__setitem__("email", {"type": "string"}), _schemas(d)["NewOrder"]["required"].append("email")), ("breaking", "field-added-required", "models.NewOrder.email")),
    ("response field now nullable", lambda d: _schemas(d)["Order"]["properties"].__setitem__("id", {"type": ["string", "null"]}), ("breaking", "now-nullable", "models.Order.id")),
    ("response field narrowed", lambda d: _schemas(d)["Order"]["properties"].__setitem__("total", {"type": "integer", "enum": [1, 2]}), ("non-breaking", "type-narrowed", "models.Order.total")),
    ("response field type changed", lambda d: _schemas(d)["Order"]["properties"].__setitem__("total", {"type": "string"}), ("breaking", "type-changed", "models.Order.total")),
    ("response field now required", lambda d: _schemas(d)["Order"]["required"].append("total"), ("non-breaking", "field-now-required", "models.Order.total")),
    ("model removed", lambda d: (_schemas(d).__setitem__("Order", {"type": "object"}), _schemas(d).pop("Status"), _schemas(d)["Order"].__setitem__("properties", {"id": {"type": "string"}}), d["paths"]["/orders"]["get"].__setitem__("parameters", [])), ("breaking", "model-removed", "models.Status")),
    ("model added", lambda d: _schemas(d).__setitem__("Refund", {"type": "object", "properties": {"amount": {"type": "integer"}}}), ("non-breaking", "model-added", "models.Refund")),
    ("enum value added", lambda d: _schemas(d)["Status"]["enum"].append("shipped"), ("non-breaking", "enum-value-added", "models.Status.shipped")),
    ("enum value removed", lambda d: _schemas(d)["Status"].__setitem__("enum", ["open", "held"]), ("breaking", "enum-value-removed", "models.Status.closed")),
    ("description changed", lambda d: _schemas(d)["Order"]["properties"]["note"].__setitem__("description", "Anything."), ("docs", "field-description-changed", "models.Order.note")),
    ("summary changed", lambda d: _create(d).__setitem__("summary", "Place an order"), ("docs", "operation-summary-changed", "client.orders.create")),
    ("operation deprecated", lambda d: _create(d).__setitem__("deprecated", True), ("non-breaking", "operation-deprecated", "client.orders.create")),
    ("return type changed", lambda d: _create(d)["responses"]["200"]["content"]["application/json"].__setitem__("schema", {"$ref": "#/components/schemas/NewOrder"}), ("breaking", "type-changed", "client.orders.create")),
    ("base URL changed", lambda d: d.__setitem__("servers", [{"url": "https://shop.example/v2"}]), ("non-breaking", "base-url-changed", "Shop(base_url=)")),
    ("auth removed", lambda d: (d.pop("security"), d["components"].pop("securitySchemes")), ("non-breaking", "auth-removed", "Shop(api_key=)")),
    ("auth header changed", lambda d: d["components"]["securitySchemes"].__setitem__("key", {"type": "apiKey", "in": "header", "name": "X-Key"}), ("non-breaking", "auth-header-changed", "Shop(api_key=)")),
    ("streaming added", lambda d: (_schemas(d)["NewOrder"]["properties"].__setitem__("stream", {"type": "boolean"}), _create(d)["responses"]["200"]["content"].__setitem__("text/event-stream", {"schema": {"$ref": "#/components/schemas/Order"}})), ("non-breaking", "streaming-added", "client.orders.create(stream=)")),
]


@pytest.mark.parametrize(("edit", "expected"), [(edit, expected) for _, edit, expected in CASES], ids=[name for name, _, _ in CASES])
def test_each_change_class_gets_its_level(edit: Edit, expected: tuple[str, str, str], tmp_path: Path) -> None:
    changes = changes_after(edit, tmp_path)
    found = {(c.level, c.kind, c.where) for c in changes}
    assert expected in found, "\n".join(f"{c.level} {c.kind} {c.where}: {c.message}" for c in changes)


def test_an_unchanged_spec_reports_nothing(tmp_path: Path) -> None:
    assert changes_after(lambda d: None, tmp_path) == []


def test_reordering_schemas_and_paths_changes_nothing(tmp_path: Path) -> None:
    def reorder(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"] = dict(reversed(list(_schemas(doc).items())))
        doc["paths"]["/orders"] = dict(reversed(list(doc["paths"]["/orders"].items())))

    assert changes_after(reorder, tmp_path) == []


def test_a_new_response_enum_value_says_what_installed_clients_do(tmp_path: Path) -> None:
    changes = changes_after(lambda d: _schemas(d)["Status"]["enum"].append("shipped"), tmp_path)
    [added] = [c for c in changes if c.kind == "enum-value-added"]
    assert "clients already installed" in added.message


def test_operation_changes_carry_their_operation_id(tmp_path: Path) -> None:
    changes = changes_after(lambda d: d["paths"]["/orders"].pop("get"), tmp_path)
    assert [c.operation_id for c in changes if c.kind == "operation-removed"] == ["listOrders"]


@pytest.mark.parametrize(
    ("levels", "expected"),
    [((), "none"), (("docs",), "patch"), (("docs", "non-breaking"), "minor"), (("non-breaking", "breaking"), "major")],
)
def test_bump_is_the_highest_level(levels: tuple[str, ...], expected: str) -> None:
    assert bump([Change(level, "k", "w", "m") for level in levels]) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("version", "how", "expected"),
    [("1.4.2", "major", "2.0.0"), ("1.4.2", "minor", "1.5.0"), ("1.4.2", "patch", "1.4.3"), ("1.4.2", "none", "1.4.2"),
     ("0.3.1", "major", "0.4.0"), ("0.3.1", "minor", "0.3.2"), ("0.3.1", "patch", "0.3.2")],
)
def test_versions_move_by_semver_with_the_usual_rule_below_one(version: str, how: str, expected: str) -> None:
    assert next_version(version, how) == expected


# -- the command ---------------------------------------------------------------------------------------


def _write_pair(tmp_path: Path, edit: Edit) -> tuple[Path, Path]:
    new = copy.deepcopy(BASE)
    edit(new)
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    new_path.write_text(json.dumps(new), encoding="utf-8")  # JSON on one side: any input build takes
    return old_path, new_path


def test_json_output_is_one_object_with_bump_and_changes(orgen: Orgen, tmp_path: Path) -> None:
    old, new = _write_pair(tmp_path, lambda d: d["paths"]["/orders"].pop("get"))
    done = orgen("diff", old, new, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"bump", "changes"} and report["bump"] == "major"
    removed = next(c for c in report["changes"] if c["kind"] == "operation-removed")
    assert removed == {"level": "breaking", "kind": "operation-removed", "where": "client.orders.list", "operation_id": "listOrders", "message": removed["message"]}
    assert all(set(c) <= {"level", "kind", "where", "operation_id", "message"} for c in report["changes"])


def test_fail_on_breaking_exits_1_and_text_groups_breaking_first(orgen: Orgen, tmp_path: Path) -> None:
    old, new = _write_pair(tmp_path, lambda d: (d["paths"]["/orders"].pop("get"), _schemas(d)["Status"]["enum"].append("shipped")))
    done = orgen("diff", old, new, "--fail-on", "breaking")
    assert done.returncode == 1
    assert done.stdout.index("Breaking changes") < done.stdout.index("Added and changed")
    assert "client.orders.list" in done.stdout
    assert orgen("diff", old, old, "--fail-on", "any").returncode == 0


def test_fail_on_any_counts_docs_changes(orgen: Orgen, tmp_path: Path) -> None:
    old, new = _write_pair(tmp_path, lambda d: _create(d).__setitem__("summary", "Place an order"))
    assert orgen("diff", old, new, "--fail-on", "breaking").returncode == 0
    done = orgen("diff", old, new, "--fail-on", "any", "--format", "markdown")
    assert done.returncode == 1 and "Bump: **patch**" in done.stdout


def test_bad_input_exits_2_with_one_located_line(orgen: Orgen, tmp_path: Path) -> None:
    old, _ = _write_pair(tmp_path, lambda d: None)
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    done = orgen("diff", old, broken)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(str(broken)) or "broken.yaml:" in done.stderr
    assert orgen("diff", old, tmp_path / "missing.yaml").returncode == 2


def test_rev_path_reads_the_spec_from_git(orgen: Orgen, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    spec = repo / "specs" / "api.yaml"
    spec.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "spec"], cwd=repo, check=True)
    edited = copy.deepcopy(BASE)
    edited["paths"]["/orders"].pop("get")
    spec.write_text(yaml.safe_dump(edited), encoding="utf-8")
    done = orgen("diff", "HEAD:specs/api.yaml", "specs/api.yaml", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["bump"] == "major"
    unknown = orgen("diff", "nosuchrev:specs/api.yaml", "specs/api.yaml", cwd=repo)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_a_new_inline_union_member_renames_none_of_its_siblings(tmp_path: Path) -> None:
    def with_filter(doc: dict[str, Any]) -> None:
        _schemas(doc)["NewOrder"]["properties"]["filter"] = {
            "anyOf": [
                {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}},
                {"type": "object", "required": ["tag"], "properties": {"tag": {"type": "string"}}},
            ]
        }

    def with_a_member_in_front(doc: dict[str, Any]) -> None:
        with_filter(doc)
        _schemas(doc)["NewOrder"]["properties"]["filter"]["anyOf"].insert(0, {"type": "object", "required": ["price"], "properties": {"price": {"type": "integer"}}})

    old, new = copy.deepcopy(BASE), copy.deepcopy(BASE)
    with_filter(old)
    with_a_member_in_front(new)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    changes = compare(_surface(old, tmp_path / "old"), _surface(new, tmp_path / "new"))
    assert not [c for c in changes if c.kind in ("model-removed", "model-renamed")], changes
    assert {c.where for c in changes if c.kind == "model-added"} >= {"params.NewOrderFilterPriceParam"}


@pytest.mark.parametrize("filters", [True, False], ids=["extraction filters", "before Python 3.11.4"])
def test_a_revision_is_unpacked_inside_its_folder_only(filters: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name, data in (("specs/api.yaml", b"openapi: 3.1.0"), ("../outside.txt", b"no")):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    archive.seek(0)
    if not filters:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    folder = tmp_path / "rev"
    folder.mkdir()
    with tarfile.open(fileobj=archive) as tar:
        try:
            _extract(tar, folder)
        except tarfile.OutsideDestinationError:  # the filter refuses the whole archive: as good
            assert filters
            return
    assert (folder / "specs" / "api.yaml").read_bytes() == b"openapi: 3.1.0"
    assert not (tmp_path / "outside.txt").exists()
