"""A rebuild after a spec update versions the package by what changed and says so in CHANGELOG.md."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from orgen import pipeline
from orgen.config import Config
from orgen.render import render, templates_dir, versioned
from orgen.surface import _models, models_of

from .conftest import SEED_SPEC, Orgen
from .test_diff import BASE

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600", "ORGEN_CACHE_DIR": ""}  # 2026-01-01


def _spec(folder: Path, document: dict[str, Any]) -> Path:
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    return spec


def _build(orgen: Orgen, folder: Path, *extra: str) -> None:
    done = orgen("build", "spec.yaml", "--out", "out", "--package-name", "shop", "--formatter", "none", *extra, cwd=folder, env=EPOCH)
    assert done.returncode == 0, done.stderr


def _version(folder: Path) -> str:
    text = (folder / "out" / "pyproject.toml").read_text(encoding="utf-8")
    return next(line.split('"')[1] for line in text.splitlines() if line.startswith("version ="))


def test_first_build_takes_the_configured_version_and_an_undated_changelog(orgen: Orgen, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.orgen]\nversion = "2.3.0"\n', encoding="utf-8")
    _spec(tmp_path, BASE)
    _build(orgen, tmp_path)
    assert _version(tmp_path) == "2.3.0"
    init = (tmp_path / "out" / "shop" / "__init__.py").read_text(encoding="utf-8")
    assert any(line.startswith("__version__ = ") and "2.3.0" in line for line in init.splitlines())
    assert (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8") == "# Changelog\n\n## 2.3.0\n\nFirst version, generated from `spec.yaml`.\n"
    assert json.loads((tmp_path / "out" / ".orgen" / "api.json").read_text(encoding="utf-8"))["version"] == "2.3.0"


def test_updates_move_the_version_and_prepend_dated_entries(orgen: Orgen, tmp_path: Path) -> None:
    document = copy.deepcopy(BASE)
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    # An addition: minor, which below 1.0.0 moves the patch.
    document["components"]["schemas"]["Status"]["enum"].append("shipped")
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    assert _version(tmp_path) == "0.1.1"
    # A removal: breaking, which below 1.0.0 moves the minor.
    document["paths"]["/orders"].pop("get")
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    assert _version(tmp_path) == "0.2.0"
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.0 (2026-01-01)") < changelog.index("## 0.1.1 (2026-01-01)") < changelog.index("## 0.1.0\n")
    newest = changelog[changelog.index("## 0.2.0") : changelog.index("## 0.1.1")]
    assert "### Breaking changes" in newest and "`client.orders.list`" in newest
    assert "`models.Status.shipped`" in changelog[changelog.index("## 0.1.1") :]


def test_an_unchanged_rebuild_or_check_never_touches_version_or_changelog(orgen: Orgen, tmp_path: Path) -> None:
    document = copy.deepcopy(BASE)
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    document["paths"]["/orders"].pop("get")
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    before = (tmp_path / "out" / "CHANGELOG.md").read_bytes(), _version(tmp_path)
    _build(orgen, tmp_path)
    check = orgen("build", "spec.yaml", "--out", "out", "--package-name", "shop", "--formatter", "none", "--check", cwd=tmp_path, env=EPOCH)
    assert check.returncode == 0, check.stdout
    assert ((tmp_path / "out" / "CHANGELOG.md").read_bytes(), _version(tmp_path)) == before


def test_check_after_an_update_shows_the_coming_version_and_entry(orgen: Orgen, tmp_path: Path) -> None:
    document = copy.deepcopy(BASE)
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    document["components"]["schemas"]["Status"]["enum"].append("shipped")
    _spec(tmp_path, document)
    check = orgen("build", "spec.yaml", "--out", "out", "--package-name", "shop", "--formatter", "none", "--check", cwd=tmp_path, env=EPOCH)
    assert check.returncode == 1
    assert '+version = "0.1.1"' in check.stdout and "+## 0.1.1 (2026-01-01)" in check.stdout
    assert _version(tmp_path) == "0.1.0"


def test_the_build_names_the_new_version(orgen: Orgen, tmp_path: Path) -> None:
    document = copy.deepcopy(BASE)
    _spec(tmp_path, document)
    _build(orgen, tmp_path)
    document["paths"]["/orders"].pop("get")
    _spec(tmp_path, document)
    done = orgen("build", "spec.yaml", "--out", "out", "--package-name", "shop", "--formatter", "none", cwd=tmp_path, env=EPOCH)
    assert "version 0.1.0 -> 0.2.0 (major" in done.stderr


def test_an_edited_snapshot_is_not_trusted_for_the_kept_models(orgen: Orgen, tmp_path: Path) -> None:
    _spec(tmp_path, BASE)
    _build(orgen, tmp_path)
    snapshot = tmp_path / "out" / ".orgen" / "api.json"
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    del data["surface"]["models"]["Order"]
    snapshot.write_text(json.dumps(data), encoding="utf-8")
    _build(orgen, tmp_path)  # the models are kept: same input, models.py as written
    assert "Order" in json.loads(snapshot.read_text(encoding="utf-8"))["surface"]["models"]


def test_an_update_reads_the_surface_of_the_classes_it_takes_whole_from_the_record() -> None:
    kept, made = "class Kept(BaseModel):\n    x: int", 'class Made(BaseModel):\n    """Doc."""\n\n    y: str | None = None'
    whole = _models(f"{kept}\n\n\n{made}\n")
    recorded = {"Kept": {**whole["Kept"], "doc": "as recorded"}}
    assert models_of([("Kept", None), ("Made", made)], recorded) == {"Kept": recorded["Kept"], "Made": whole["Made"]}
    assert models_of([("Kept", None), ("Made", made)], {}) is None  # not recorded: the caller parses it all


def test_a_new_version_changes_exactly_the_files_a_second_render_makes_again() -> None:
    # A build whose version moves renders again only `versioned(api)`; any other file reading the
    # version would keep the old one.
    _, api, _ = pipeline.plan_spec(SEED_SPEC, Config(package_name="shop"))
    first = render(api, "", "openapi.yaml", templates_dir())
    api.package_version = "7.8.9"
    second = render(api, "", "openapi.yaml", templates_dir())
    assert {path for path in first if first[path] != second[path]} == versioned(api)
    assert render(api, "", "openapi.yaml", templates_dir(), only=versioned(api)) == {path: second[path] for path in versioned(api)}
