"""Shortcuts that make orgen fast must not change what it says or writes.

The record of the last build (an unchanged `--check` or rebuild answers without regenerating),
JSON line lookups on demand, black run on pieces of a big file, one ruff process for all files,
and a generated package that imports its models only when they are used.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from orgen import format as formatting
from orgen import pieces as cutting
from orgen.load import _JsonIndex

from .conftest import SEED_SPEC, Orgen, tree

ARGS = ("--package-name", "openrouter_client", "--client-name", "OpenRouter")


def test_unchanged_check_answers_from_the_record_and_any_change_falls_back(orgen: Orgen, tmp_path: Path) -> None:
    spec, out = tmp_path / "openapi.yaml", tmp_path / "out"
    shutil.copy(SEED_SPEC, spec)
    env = {"ORGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert orgen("build", spec, "--out", out, *ARGS, cwd=tmp_path, env=env).returncode == 0

    recorded = orgen("build", spec, "--out", out, *ARGS, "--check", cwd=tmp_path, env=env)
    assert recorded.returncode == 0 and "unchanged since the last build" in recorded.stderr
    rebuilt = orgen("build", spec, "--out", out, *ARGS, cwd=tmp_path, env=env)
    assert rebuilt.returncode == 0 and "wrote 0 changed" in rebuilt.stderr

    # Without a record the full pipeline runs and agrees.
    full = orgen("build", spec, "--out", out, *ARGS, "--check", cwd=tmp_path, env={"ORGEN_CACHE_DIR": ""})
    assert full.returncode == 0 and "loaded and normalized" in full.stderr

    # An edited output file: the record no longer matches, and the real diff is reported.
    models = out / "openrouter_client" / "models.py"
    models.write_text(models.read_text() + "# edited\n")
    drift = orgen("build", spec, "--out", out, *ARGS, "--check", cwd=tmp_path, env=env)
    assert drift.returncode == 1 and "-# edited" in drift.stdout
    assert orgen("build", spec, "--out", out, *ARGS, cwd=tmp_path, env=env).returncode == 0

    # A changed spec or a different option is a different build.
    spec.write_text(spec.read_text().replace("Create a completion", "Create a text completion", 1))
    changed = orgen("build", spec, "--out", out, *ARGS, "--check", cwd=tmp_path, env=env)
    assert changed.returncode == 1 and "unchanged since the last build" not in changed.stderr
    other = orgen("build", spec, "--out", out, *ARGS, "--check", "--formatter", "none", cwd=tmp_path, env=env)
    assert "unchanged since the last build" not in other.stderr


def test_a_fresh_checkout_answers_from_the_manifest_and_any_change_falls_back(orgen: Orgen, tmp_path: Path) -> None:
    spec, out = tmp_path / "openapi.yaml", tmp_path / "out"
    shutil.copy(SEED_SPEC, spec)
    caches = iter(range(100))

    def fresh_machine() -> dict[str, str]:
        """A cache folder with no record in it: what a CI runner with a fresh checkout has."""
        return {"ORGEN_CACHE_DIR": str(tmp_path / f"cache-{next(caches)}")}

    assert orgen("build", spec, "--out", out, *ARGS, cwd=tmp_path, env=fresh_machine()).returncode == 0
    from_manifest = "as its manifest records it"

    def check(*options: str) -> subprocess.CompletedProcess[str]:
        return orgen("build", spec, "--out", out, *ARGS, "--check", *options, cwd=tmp_path, env=fresh_machine())

    answered = check()
    assert answered.returncode == 0 and from_manifest in answered.stderr and "loaded" not in answered.stderr
    rebuilt = orgen("build", spec, "--out", out, *ARGS, cwd=tmp_path, env=fresh_machine())
    assert rebuilt.returncode == 0 and "wrote 0 changed" in rebuilt.stderr and from_manifest in rebuilt.stderr
    # Records turned off, nothing answers from an earlier build.
    off = orgen("build", spec, "--out", out, *ARGS, "--check", cwd=tmp_path, env={"ORGEN_CACHE_DIR": ""})
    assert off.returncode == 0 and "loaded and normalized" in off.stderr

    # An edited output file: the full pipeline runs and reports the diff.
    models = out / "openrouter_client" / "models.py"
    original = models.read_text()
    models.write_text(original + "# edited\n")
    drift = check()
    assert drift.returncode == 1 and "-# edited" in drift.stdout and from_manifest not in drift.stderr
    models.write_text(original)

    # A manifest edited by hand (its seal no longer matches) lends nothing; the build agrees with
    # the files and reports the manifest's drift.
    manifest = out / ".orgen" / "manifest.json"
    written = manifest.read_text()
    manifest.write_text(written.replace('"call": "completions.create"', '"call": "completions.make"'))
    edited = check()
    assert edited.returncode == 1 and from_manifest not in edited.stderr and "completions.make" in edited.stdout
    manifest.write_text(written)

    # A manifest another orgen wrote (another fingerprint) lends nothing either, but is no drift.
    data = json.loads(written)
    data["fingerprint"] = "made by another orgen"
    from orgen.write import _seal

    data["seal"] = _seal(data)
    manifest.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    other = check()
    assert other.returncode == 0 and from_manifest not in other.stderr and "loaded and normalized" in other.stderr
    manifest.write_text(written)

    # Another option, or an edited spec, is another build.
    assert from_manifest not in check("--formatter", "none").stderr
    spec.write_text(spec.read_text().replace("Create a completion", "Create a text completion", 1))
    changed = check()
    assert changed.returncode == 1 and from_manifest not in changed.stderr


def test_an_answer_from_the_manifest_repeats_the_warnings_and_strict_still_fails(orgen: Orgen, tmp_path: Path) -> None:
    spec, out = tmp_path / "warned.yaml", tmp_path / "out"
    body = {"content": {"application/json": {"schema": {"type": "object"}}, "multipart/form-data": {"schema": {"type": "object"}}}}
    operation = {"operationId": "upload", "requestBody": body, "responses": {"200": {"description": "ok"}}}
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "Warned", "version": "1"}, "paths": {"/upload": {"post": operation}}}))
    built = orgen("build", spec, "--out", out, cwd=tmp_path, env={"ORGEN_CACHE_DIR": str(tmp_path / "a")})
    assert built.returncode == 0 and "warning: " in built.stderr
    warning = next(line for line in built.stderr.splitlines() if line.startswith("warning: "))
    answered = orgen("build", spec, "--out", out, "--check", cwd=tmp_path, env={"ORGEN_CACHE_DIR": str(tmp_path / "b")})
    assert answered.returncode == 0 and "as its manifest records it" in answered.stderr and warning in answered.stderr.splitlines()
    strict = orgen("build", spec, "--out", out, "--check", "--strict", cwd=tmp_path, env={"ORGEN_CACHE_DIR": str(tmp_path / "c")})
    assert strict.returncode == 2 and "as its manifest records it" not in strict.stderr


def test_json_lines_are_found_by_walking_only_the_path() -> None:
    text = '{\n "a": [\n  1,\n  {"b": 2,\n   "c": [ ]}\n ],\n "d": {"e": "x"},\n "d2": "y"\n}\n'
    index = _JsonIndex(text)
    expected = {"": 1, "/a": 2, "/a/0": 3, "/a/1": 4, "/a/1/b": 4, "/a/1/c": 5, "/d": 7, "/d2": 8}
    assert {pointer: index.line(pointer) for pointer in expected} == expected
    # A missing node answers with its nearest existing ancestor, in any order of lookups.
    assert index.line("/a/1/c/0") == 5 and index.line("/a/7") == 2 and index.line("/zz/y") == 1
    assert index.line("/d/e") == 7 and index.line("/a/01") == 2


def _many_classes(count: int) -> str:
    # Imports already tidy (format_files also sorts imports): black alone decides the text compared.
    parts = ["# header\nfrom __future__ import annotations\n\nfrom typing import Any\n\n\n"]
    for index in range(count):
        parts.append(
            f"class Model{index}(object):\n    '''Doc {index}.'''\n    a: int = {index}\n    b: dict[str,Any] = {{'k':[1,2,3]}}\n\n\n"
            f"# about {index}\nclass Commented{index}: pass\n\n"
            f"@staticmethod\ndef helper{index}(x:int)->int:\n    return x\n\n\n"
        )
    return "".join(parts)


def test_black_in_pieces_equals_black_on_the_whole_file() -> None:
    source = _many_classes(600)
    pieces = cutting.cut(source)
    assert len(pieces) > 2 and "".join(piece.text for piece in pieces) == source
    whole = formatting._black(source)
    assert cutting.join(pieces, [str(formatting._black(piece.source)) for piece in pieces]) == whole
    # Through the pool, as a build of a large spec formats.
    files = {PurePosixPath("pkg/models.py"): source, PurePosixPath("pkg/small.py"): "x=1\n"}
    formatted = formatting.format_files(files, "black")
    assert formatted.files[PurePosixPath("pkg/models.py")] == whole
    # The record of its pieces gives them back from the formatted file, and only new pieces are formatted.
    known = formatting.known_pieces(formatted.pieces[PurePosixPath("pkg/models.py")], whole)
    assert len(known) == len(set(pieces)) and formatting.known_pieces(formatted.pieces[PurePosixPath("pkg/models.py")], whole + "#") == {}
    edited = {PurePosixPath("pkg/models.py"): source.replace("a: int = 7\n", "a: int=70\n", 1)}
    again = formatting.format_files(edited, "black", known=known)
    assert again.formatted_pieces == 1 and again.files[PurePosixPath("pkg/models.py")] == formatting._black(edited[PurePosixPath("pkg/models.py")])


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_one_ruff_process_formats_every_file_as_ruff_does_one_by_one() -> None:
    files = {PurePosixPath("pkg/build/x.py"): "x = {'a':1}\n", PurePosixPath("pkg/models.py"): _many_classes(5)}
    formatted = formatting.format_files(files, "ruff").files
    for path, source in files.items():
        alone = subprocess.run(
            ["ruff", "format", "--line-length=100", "--isolated", "-"], input=source, capture_output=True, text=True, check=True
        ).stdout
        assert formatted[path] == alone


def test_generated_package_imports_models_and_pydantic_on_first_use(orgen: Orgen, tmp_path: Path) -> None:
    assert orgen("build", SEED_SPEC, "--out", tmp_path / "out", *ARGS, "-q", env={"ORGEN_CACHE_DIR": ""}).returncode == 0
    probe = (
        "import sys, openrouter_client as p\n"
        "assert 'pydantic' not in sys.modules and 'openrouter_client.models' not in sys.modules\n"
        "assert p.models.CompletionResponse.__name__ == 'CompletionResponse' and p.params is sys.modules['openrouter_client.params']\n"
        "from openrouter_client.resources import completions\n"
        "assert completions._models.CompletionResponse is p.models.CompletionResponse\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path / "out", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _wide_spec(note: str) -> dict[str, object]:
    """A spec with enough models that its models.py is worth a record of pieces."""
    schemas = {
        f"Thing{index}": {
            "type": "object",
            "description": note if index == 7 else f"Thing number {index}.",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
        }
        for index in range(400)
    }
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing0"}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Wide", "version": "1"},
        "paths": {"/things": {"get": {"operationId": "getThing", "tags": ["things"], "responses": ok}}},
        "components": {"schemas": schemas},
    }


def test_a_changed_spec_reformats_only_the_changed_pieces(orgen: Orgen, tmp_path: Path) -> None:
    spec, out, fresh = tmp_path / "wide.json", tmp_path / "out", tmp_path / "fresh"
    env = {"ORGEN_CACHE_DIR": ""}
    spec.write_text(json.dumps(_wide_spec("The first note.")))
    assert orgen("build", spec, "--out", out, cwd=tmp_path, env=env).returncode == 0
    spec.write_text(json.dumps(_wide_spec("The second note.")))
    _same_history(out, fresh)

    rebuilt = orgen("build", spec, "--out", out, cwd=tmp_path, env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    ran, total = _pieces_formatted(rebuilt.stderr)
    # The changed description's piece, the models' import block (put together anew from the
    # classes' units), and the pieces that name the package version the update moved.
    records = json.loads((out / ".orgen" / "manifest.json").read_text())["files"]
    versioned = [
        piece
        for name in ("__init__.py", "_client.py")
        for piece in formatting.known_pieces(records[f"wide/{name}"]["pieces"], (out / "wide" / name).read_text()).values()
        if "0.1.1" in piece
    ]
    assert "-> 0.1.1 (patch" in rebuilt.stderr and ran == 2 + len(versioned) and total > 400, rebuilt.stderr
    assert "(for 1 of 400 schemas)" in rebuilt.stderr
    assert "The second note." in (out / "wide" / "models.py").read_text()
    # What the pieces add up to is what a build from nothing writes.
    assert orgen("build", spec, "--out", fresh, "-q", cwd=tmp_path, env=env).returncode == 0
    assert tree(out) == tree(fresh)

    # A file edited by hand lends nothing: its pieces are formatted again.
    models = out / "wide" / "models.py"
    models.write_text(models.read_text() + "\n# edited\n")
    spec.write_text(json.dumps(_wide_spec("The third note.")))
    again = orgen("build", spec, "--out", out, cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    ran, total = _pieces_formatted(again.stderr)
    assert ran >= 400, again.stderr

    # Text formatted by other code (an earlier orgen, another black) lends nothing either: no file,
    # no piece, no record; what is written is what a build from nothing writes.
    manifest = out / ".orgen" / "manifest.json"
    written = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**written, "format_code": "formatted by other code"}))
    other = orgen("build", spec, "--out", out, cwd=tmp_path, env=env)
    assert other.returncode == 0 and "; 0 files unchanged" in other.stderr, other.stderr
    ran, total = _pieces_formatted(other.stderr)
    from_nothing = orgen("build", spec, "--out", tmp_path / "from_nothing", cwd=tmp_path, env=env)
    assert (ran, total) == _pieces_formatted(from_nothing.stderr) and json.loads(manifest.read_text()) == written


def _same_history(out: Path, fresh: Path) -> None:
    """Give `fresh` the release history of `out` (version, changelog, manifest) and none of its
    files: a build into it then writes, from nothing, what a rebuild of `out` should write."""
    for name in (".orgen/api.json", ".orgen/manifest.json", "CHANGELOG.md"):
        (fresh / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / name, fresh / name)


def _pieces_formatted(progress: str) -> tuple[int, int]:
    found = re.search(r"black ran on (\d+) of (\d+) pieces(?: \((\d+) again)?", progress)
    assert found, progress
    # Pieces formatted again once the update's version was known count as black's work too.
    return int(found.group(1)) + int(found.group(3) or 0), int(found.group(2))


def test_models_are_generated_again_only_when_their_input_changed(orgen: Orgen, tmp_path: Path) -> None:
    spec, out, fresh = tmp_path / "wide.json", tmp_path / "out", tmp_path / "fresh"
    env = {"ORGEN_CACHE_DIR": ""}  # no record of the last build: as on a fresh CI checkout
    document = _wide_spec("A note.")
    spec.write_text(json.dumps(document))
    assert orgen("build", spec, "--out", out, "-q", cwd=tmp_path, env=env).returncode == 0

    check = orgen("build", spec, "--out", out, "--check", cwd=tmp_path, env=env)
    assert check.returncode == 0 and "(models unchanged)" in check.stderr, check.stderr

    # An operation changes, no schema does: the models are kept and the whole output is what a
    # build from nothing writes.
    document["paths"]["/things"]["get"]["summary"] = "Get the first thing"  # type: ignore[index]
    spec.write_text(json.dumps(document))
    _same_history(out, fresh)
    rebuilt = orgen("build", spec, "--out", out, cwd=tmp_path, env=env)
    assert rebuilt.returncode == 0 and "(models unchanged)" in rebuilt.stderr, rebuilt.stderr
    assert orgen("build", spec, "--out", fresh, "-q", cwd=tmp_path, env=env).returncode == 0
    assert tree(out) == tree(fresh)

    # A schema changes: the models are generated again.
    spec.write_text(json.dumps(_wide_spec("Another note.")))
    changed = orgen("build", spec, "--out", out, cwd=tmp_path, env=env)
    assert changed.returncode == 0 and "(models unchanged)" not in changed.stderr
    assert "Another note." in (out / "wide" / "models.py").read_text()

    # An edited models.py is not trusted: the check regenerates it and reports the edit.
    models = out / "wide" / "models.py"
    models.write_text(models.read_text() + "# edited\n")
    drift = orgen("build", spec, "--out", out, "--check", cwd=tmp_path, env=env)
    assert drift.returncode == 1 and "(models unchanged)" not in drift.stderr and "-# edited" in drift.stdout


def test_kept_models_are_keyed_on_the_versions_of_the_libraries_that_write_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from orgen import pipeline
    from orgen.config import Config
    from orgen.render import templates_dir

    spec = tmp_path / "openapi.yaml"
    shutil.copy(SEED_SPEC, spec)
    _, api, _ = pipeline.plan_spec(spec, Config())
    before = pipeline._models_input(api, templates_dir(), spec.name)
    monkeypatch.setattr(pipeline, "_TEXT_LIBRARIES", ("datamodel-code-generator==0.0.1", "isort==0.0.1"))
    assert pipeline._models_input(api, templates_dir(), spec.name) != before
