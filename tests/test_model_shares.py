"""A cold build of many schemas generates its models in shares, in parallel: the joined text must be
exactly one run's, and where shares cannot give it, one run makes it after all."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from orgen import format as formatting
from orgen import model_jobs, models, pipeline
from orgen.config import Config
from orgen.render import models_file, templates_dir

from .history.pairs import PAIRS, spec


def _api(path: Path) -> Any:
    _, api, _ = pipeline.plan_spec(path, Config(package_name="client"))
    return api


def test_shares_of_a_real_spec_join_into_one_runs_text_and_bring_its_classes_formatted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    api = _api(spec(PAIRS[-1][1], tmp_path))
    templates = templates_dir()
    whole = models.generate_models(api, templates, "code")
    monkeypatch.setattr(models, "SHARE_SIZE", 200_000)
    shares = models.split(api, 3)
    assert shares is not None and len(shares) == 3
    assert sorted(name for share in shares for name in share) == sorted(api.model_document["components"]["schemas"])
    parts = [models.generate_part(api, templates, names, formatting.preformat) for names in shares]
    joined = models.join_parts(api, parts, "code")
    assert joined is not None
    assert joined.source == whole.source
    assert joined.record == whole.record  # the next build's update reads the same units either way
    # The shares' formatted classes are those black gives the file: it formats only the header.
    path = PurePosixPath("client/models.py")
    text = {path: models_file(joined.source, "openapi.yaml")}
    with_known = formatting.format_files(text, "black", known=joined.known, classes=False)
    alone = formatting.format_files(text, "black", classes=False)
    assert with_known.files == alone.files
    assert with_known.formatted_pieces <= 2 < alone.formatted_pieces


def test_one_run_makes_the_models_when_shares_cannot_give_its_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A class that refers to itself is finished by a `model_rebuild()` call after the classes: that
    # text does not cut into units, so shares cannot be joined into it.
    filler = {f"Filler{n}": {"type": "object", "properties": {"note": {"type": "string", "description": "x" * 200}}} for n in range(6)}
    trunk = {"type": "object", "properties": {"item": {"type": "string"}, "previous": {"$ref": "#/components/schemas/Trunk"}}}
    tag = {"type": "object", "properties": {"previous": {"$ref": "#/components/schemas/Trunk"}, "tag": {"type": "integer"}}}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tag"}}}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Trees", "version": "1"},
        "paths": {"/tags": {"get": {"operationId": "get_tag", "responses": ok}}},
        "components": {"schemas": {"Tag": tag, **filler, "Trunk": trunk}},
    }
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    api = _api(path)
    templates = templates_dir()
    monkeypatch.setattr(models, "SHARE_SIZE", 100)
    shares = models.split(api, 2)
    assert shares is not None and len(shares) == 2
    assert models.join_parts(api, [models.generate_part(api, templates, names) for names in shares], "code") is None
    made = model_jobs.run_models(api, templates, path, "code", workers=2)
    assert made.source == models.generate_models(api, templates, "code").source
    assert "Trunk.model_rebuild()" in made.source
