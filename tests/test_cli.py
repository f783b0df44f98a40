"""The CLI as users meet it: exit codes, drift check, determinism, and what a rebuild may touch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_SPEC, Orgen, tree

ARGS = ("--package-name", "openrouter_client", "--client-name", "OpenRouter", "-q")


def build(orgen: Orgen, out: Path, *extra: str, cwd: Path = ROOT, spec: Path = SEED_SPEC) -> None:
    result = orgen("build", spec, "--out", out, *ARGS, *extra, cwd=cwd)
    assert result.returncode == 0, result.stderr


def test_help_explains_every_command(orgen: Orgen) -> None:
    top = orgen("--help")
    assert top.returncode == 0 and "build" in top.stdout and "normalize" in top.stdout
    sub = orgen("build", "--help")
    assert "--check" in sub.stdout and "--strict" in sub.stdout and "Examples" in sub.stdout
    assert orgen("--version").stdout.startswith("orgen, version")


def test_build_twice_under_different_hash_seeds_is_byte_identical(orgen: Orgen, tmp_path: Path) -> None:
    for seed, name in (("1", "a"), ("4242", "b")):
        result = orgen("build", SEED_SPEC, "--out", tmp_path / name, *ARGS, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_check_reports_drift_with_a_diff_and_exit_1(orgen: Orgen, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(orgen, out)
    assert orgen("build", SEED_SPEC, "--out", out, *ARGS, "--check").returncode == 0
    client = out / "openrouter_client" / "_client.py"
    client.write_text(client.read_text() + "# local edit\n")
    (out / "docs" / "models.md").unlink()
    before = tree(out)
    result = orgen("build", SEED_SPEC, "--out", out, *ARGS, "--check")
    assert result.returncode == 1
    assert "-# local edit" in result.stdout and "+++ b/docs/models.md" in result.stdout
    assert tree(out) == before, "--check must write nothing"


def test_rebuild_keeps_user_files_and_removes_files_no_longer_generated(orgen: Orgen, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(orgen, out)
    (out / "NOTES.md").write_text("mine")
    (out / "openrouter_client" / "extra.py").write_text("# mine too\n")
    manifest = out / ".orgen" / "manifest.json"
    # Pretend a previous build also wrote a file that this spec no longer produces.
    manifest.write_text(manifest.read_text().replace('"files": {', '"files": {\n    "docs/old.md": {"sha256": "x", "rendered_sha256": "x"},', 1))
    (out / "docs" / "old.md").write_text("stale")
    build(orgen, out)
    assert (out / "NOTES.md").read_text() == "mine"
    assert (out / "openrouter_client" / "extra.py").read_text() == "# mine too\n"
    assert not (out / "docs" / "old.md").exists()


def test_refuses_to_overwrite_a_file_orgen_did_not_write(orgen: Orgen, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("my readme")
    result = orgen("build", SEED_SPEC, "--out", out, *ARGS)
    assert result.returncode == 2
    assert "README.md: exists and was not written by orgen" in result.stderr
    assert (out / "README.md").read_text() == "my readme"
    assert sorted(p.name for p in out.iterdir()) == ["README.md"]


def test_failed_build_leaves_previous_output_untouched(orgen: Orgen, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(orgen, out)
    before = tree(out)
    broken = tmp_path / "broken.yaml"
    broken.write_text(SEED_SPEC.read_text().replace("$ref: '#/components/schemas/CompletionResponse'", "$ref: '#/components/schemas/Nope'", 1))
    result = orgen("build", broken, "--out", out, *ARGS)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == before


def test_bad_input_is_one_line_with_file_line_and_pointer(orgen: Orgen, tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Missing'\n")
    result = orgen("build", spec, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "api.yaml:8: /paths/~1x/get/responses/200/$ref: $ref target '#/components/responses/Missing' does not exist"
    ]


def test_config_comes_from_pyproject_and_options_override_it(orgen: Orgen, tmp_path: Path) -> None:
    shutil.copy(SEED_SPEC, tmp_path / "api.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.orgen]\nout = "sdk"\npackage-name = "acme"\nclient-name = "Acme"\nbase-url = "https://acme.test/v2"\n'
        'api-key-env = "ACME_KEY"\n\n[tool.orgen.operations]\n"create-completions" = "text.complete"\n'
    )
    result = orgen("build", "api.yaml", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    client = (tmp_path / "sdk" / "acme" / "_client.py").read_text()
    assert "class Acme(SyncAPIClient)" in client and '"https://acme.test/v2"' in client and '"ACME_KEY"' in client
    assert '"call": "text.complete"' in (tmp_path / "sdk" / ".orgen" / "manifest.json").read_text()
    result = orgen("build", "api.yaml", "-q", "--out", "other", "--package-name", "other_pkg", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "other" / "other_pkg" / "_client.py").is_file()


def test_unknown_config_key_is_a_clear_error(orgen: Orgen, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.orgen]\npackge-name = "x"\n')
    result = orgen("build", SEED_SPEC, cwd=tmp_path)
    assert result.returncode == 2 and "unknown setting 'packge-name'" in result.stderr


def test_manifest_lists_spec_hash_files_and_operations(orgen: Orgen, tmp_path: Path) -> None:
    import hashlib
    import json

    out = tmp_path / "out"
    build(orgen, out)
    manifest = json.loads((out / ".orgen" / "manifest.json").read_text())
    assert manifest["spec_sha256"] == hashlib.sha256(SEED_SPEC.read_bytes()).hexdigest()
    assert manifest["operations"] == [
        {"operation_id": "create-completions", "method": "POST", "path": "/completions", "call": "completions.create"}
    ]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]
    assert "openrouter_client/py.typed" in manifest["files"]


def test_markdown_blocks_merge_and_conflicts_name_both_places(orgen: Orgen, tmp_path: Path) -> None:
    block = "```yaml\nopenapi: 3.1.0\ninfo: {{title: Two, version: '1'}}\npaths:\n  /{path}:\n    get:\n      operationId: get-{path}\n      tags: [{path}]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\ncomponents:\n  schemas:\n    Thing: {{type: {kind}}}\n```\n"
    doc = tmp_path / "api.md"
    doc.write_text("# API\n\n" + block.format(path="a", kind="object") + "\ntext\n\n" + block.format(path="b", kind="object"))
    result = orgen("build", doc, "--out", tmp_path / "out", "--package-name", "two", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {"a.py", "b.py"} <= {p.name for p in (tmp_path / "out" / "two" / "resources").iterdir()}
    doc.write_text("# API\n\n" + block.format(path="a", kind="object") + "\n" + block.format(path="b", kind="string"))
    result = orgen("build", doc, "--out", tmp_path / "out2", "--package-name", "two", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "api.md:38: /components/schemas/Thing: defined again with different content (first defined at api.md:19)"
    )


def test_refs_to_files_under_the_spec_folder_are_followed(orgen: Orgen, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text("type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n  owner: {$ref: 'owner.yaml'}\n")
    (tmp_path / "schemas" / "owner.yaml").write_text("type: object\nproperties:\n  email: {type: string}\n")
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: list-pets\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {type: array, items: {$ref: 'schemas/pet.yaml'}}\n"
    )
    result = orgen("build", "api.yaml", "--out", "out", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    models = (tmp_path / "out" / "pets" / "models.py").read_text()
    assert "class Pet(BaseModel)" in models and "class Owner(BaseModel)" in models
    resource = (tmp_path / "out" / "pets" / "resources" / "pets.py").read_text()
    assert "-> List[_models.Pet]" in resource


def test_formatter_choice_changes_layout_not_meaning(orgen: Orgen, tmp_path: Path) -> None:
    import ast

    outputs = {}
    for formatter in ("black", "ruff", "none"):
        build(orgen, tmp_path / formatter, "--formatter", formatter)
        outputs[formatter] = (tmp_path / formatter / "openrouter_client" / "resources" / "completions.py").read_text()
    def code_only(text: str) -> str:
        # Formatters may re-indent docstrings (their text), never the code.
        tree = ast.parse(text)
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body[0].value.value = ""
        return ast.dump(tree)

    dumps = {name: code_only(text) for name, text in outputs.items()}
    assert dumps["black"] == dumps["ruff"] == dumps["none"]
    assert outputs["none"] != outputs["black"]


def test_json_spec_builds_the_same_client_as_yaml(orgen: Orgen, tmp_path: Path) -> None:
    import json

    import yaml

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(yaml.safe_load(SEED_SPEC.read_text()), indent=2))
    build(orgen, tmp_path / "from_json", spec=spec)
    build(orgen, tmp_path / "from_yaml")
    for name in ("resources/completions.py", "models.py", "params.py", "_client.py"):
        as_json = (tmp_path / "from_json" / "openrouter_client" / name).read_text().split("\n", 1)[1]
        as_yaml = (tmp_path / "from_yaml" / "openrouter_client" / name).read_text().split("\n", 1)[1]
        assert as_json == as_yaml, name


def test_json_errors_carry_line_numbers(orgen: Orgen, tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n  "paths": {\n    "/x": {"get": {"responses": {"200": {"$ref": "#/nope"}}}}\n  }\n}\n')
    result = orgen("build", spec, "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "api.json:5: /paths/~1x/get/responses/200/$ref: $ref target '#/nope' does not exist"


@pytest.mark.parametrize("name", ["Callable", "PaymentRequiredError", "Timeout"])
def test_a_client_name_the_package_already_uses_is_refused(orgen: Orgen, tmp_path: Path, name: str) -> None:
    # Names exported by __init__.py or imported by _client.py would be shadowed by the client class.
    result = orgen("build", SEED_SPEC, "--out", tmp_path / "out", "--client-name", name, cwd=tmp_path, env={"ORGEN_CACHE_DIR": ""})
    assert result.returncode == 2 and f"client name {name!r} is taken" in result.stderr
    assert not (tmp_path / "out").exists()
