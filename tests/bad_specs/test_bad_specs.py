"""Broken and hostile inputs: each is refused by the real CLI with exit 2 and exactly its one-line errors.

Every `NAME.yaml`/`NAME.json` here has a `NAME.expected` beside it holding the exact stderr of
`orgen build NAME -q`. Inputs too large to keep as files (deep nesting, huge numbers) are generated.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import run_orgen

HERE = Path(__file__).resolve().parent
CASES = sorted(path for path in HERE.iterdir() if path.suffix in (".yaml", ".json") and path.with_suffix(".expected").is_file())
# Fast enough for an alias bomb or a 100,000-level document, with room for a busy machine.
TIME_LIMIT = 5.0
NO_CACHE = {"ORGEN_CACHE_DIR": ""}  # nothing outside --out, not even the rebuild record


def build(spec: str | Path, out: Path, *extra: str, cwd: Path = HERE) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    done = run_orgen("build", spec, "--out", out, "-q", *extra, cwd=cwd, env=NO_CACHE, timeout=60)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


def assert_refused(result: tuple[int, str, str, float], expected: str | tuple[str, ...], out: Path) -> None:
    code, stdout, stderr, elapsed = result
    assert "Traceback" not in stdout + stderr
    assert stderr in (expected if isinstance(expected, tuple) else (expected,))
    assert code == 2
    assert elapsed < TIME_LIMIT
    assert not out.exists(), "a refused spec must not write anything"


def test_every_case_has_an_expectation() -> None:
    specs = {path.stem for path in HERE.iterdir() if path.suffix in (".yaml", ".json")}
    expectations = {path.stem for path in HERE.glob("*.expected")}
    # the specs without an expectation build, with a warning (see the --strict tests)
    assert specs - expectations == {"unsupported_content", "duplicate_operation_id"}
    assert expectations <= specs


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_refused_with_its_expected_lines(case: Path, tmp_path: Path) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    assert expected.strip() and all(line.startswith(case.name + ":") for line in expected.splitlines())
    assert_refused(build(case.name, tmp_path / "out"), expected, tmp_path / "out")


# Generated inputs: (file name, text, expected stderr).
_HEAD_YAML = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\n"
_HEAD_JSON = '{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": {},\n'
GENERATED = [
    (  # flow brackets: deeper than libyaml's recursive composer survives (it would crash the process)
        "deep_flow.yaml",
        _HEAD_YAML + "x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n",
        # Newer PyYAML releases refuse such depth in their own parser first; either way it is
        # one located line.
        (
            "deep_flow.yaml:4: /x-deep/0/0: nested more than 128 levels deep\n",
            "deep_flow.yaml:4: /: invalid YAML: exceeded maximum nesting depth\n",
        ),
    ),
    (  # deeper than Python's recursion limit, shallow enough for the composer
        "deep_mid.yaml",
        _HEAD_YAML + "x-deep: " + "[" * 1_500 + "]" * 1_500 + "\n",
        # Newer PyYAML releases refuse such depth in their own parser first; either way it is
        # one located line.
        (
            "deep_mid.yaml:4: /x-deep/0/0: nested more than 128 levels deep\n",
            "deep_mid.yaml:4: /: invalid YAML: exceeded maximum nesting depth\n",
        ),
    ),
    (  # block indentation: past the limit, within what the composer handles
        "deep_block.yaml",
        _HEAD_YAML + "x-deep:\n" + "".join("  " * level + f"k{level}:\n" for level in range(1, 200)) + "  " * 200 + "v: 1\n",
        "deep_block.yaml:132: /x-deep/k1/k2: nested more than 128 levels deep\n",
    ),
    (  # too deep for the JSON parser's own recursion
        "deep_json.json",
        _HEAD_JSON + ' "x": ' + '{"a": [\n' * 50_000 + "1" + "]}" * 50_000 + "}\n",
        "deep_json.json:65: /x/a/0: nested more than 128 levels deep\n",
    ),
    (  # within the JSON parser's reach, past orgen's limit
        "deep_json_moderate.json",
        _HEAD_JSON + ' "x": ' + "[\n" * 300 + "1" + "]" * 300 + "}\n",
        "deep_json_moderate.json:129: /x/0/0: nested more than 128 levels deep\n",
    ),
    (
        "long_number.json",
        _HEAD_JSON + ' "x-n": ' + "9" * 5_000 + "}\n",
        "long_number.json:2: /: invalid JSON: a number has too many digits\n",
    ),
    (
        "long_number.yaml",
        _HEAD_YAML + "x-n: " + "9" * 5_000 + "\n",
        "long_number.yaml:4: /x-n: invalid YAML: cannot read '9999999999999999999999999999999999999...' as int\n",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), GENERATED, ids=[case[0] for case in GENERATED])
def test_generated_input_refused(name: str, text: str, expected: str | tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert_refused(build(name, tmp_path / "out", cwd=tmp_path), expected, tmp_path / "out")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A local TCP port that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def test_remote_ref_is_never_fetched_even_when_allowed(listener: tuple[int, list[object]], tmp_path: Path) -> None:
    port, connections = listener
    spec = tmp_path / "remote.yaml"
    spec.write_text((HERE / "remote_ref.yaml").read_text().replace("127.0.0.1:9", f"127.0.0.1:{port}"))
    ref = f"'http://127.0.0.1:{port}/schemas.yaml#/Pet'"

    refused = build(spec.name, tmp_path / "refused", cwd=tmp_path)
    assert refused[0] == 2
    assert refused[2] == (
        f"remote.yaml:7: /components/schemas/Pet/$ref: remote $ref {ref} refused; orgen reads only local files "
        "(or pass --allow-remote-refs to leave it untyped)\n"
    )

    code, _, stderr, _ = build(spec.name, tmp_path / "out", "--allow-remote-refs", cwd=tmp_path)
    assert code == 0, stderr
    assert stderr == (
        f"warning: remote.yaml:7: /components/schemas/Pet/$ref: remote $ref {ref} not fetched "
        "(orgen never makes network calls); its value is untyped\n"
    )
    models = (tmp_path / "out" / "remote" / "models.py").read_text()
    assert "class Pet(RootModel[Any]):" in models
    time.sleep(0.3)  # give a connection, had there been one, time to be accepted
    assert connections == []


def test_strict_turns_a_warning_into_an_error(tmp_path: Path) -> None:
    warning = (
        "unsupported_content.yaml:8: /paths/~1items/post/requestBody: request body content type "
        "application/xml is not supported; the method sends no body"
    )
    done = run_orgen("build", "unsupported_content.yaml", "--out", tmp_path / "out", cwd=HERE, env=NO_CACHE)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == f"warning: {warning}", "warnings come last, after the progress lines"
    assert done.stderr.count(warning) == 1
    assert (tmp_path / "out" / "xml" / "resources").is_dir()

    strict = build("unsupported_content.yaml", tmp_path / "strict", "--strict")
    assert_refused(strict, f"{warning} (warning, fatal under --strict)\n", tmp_path / "strict")


def test_errors_in_a_referenced_file_name_its_own_line_and_pointer(tmp_path: Path) -> None:
    # Both errors sit in models.yaml, which api.yaml brings in by reference: the first is found
    # while following refs, the second while checking shapes after the file was merged in.
    folder = HERE / "referenced"
    missing = "models.yaml:10: /Pet/properties/tag/$ref: $ref file 'tags.yaml' does not exist\n"
    assert_refused(build("api.yaml", tmp_path / "out", cwd=folder), missing, tmp_path / "out")

    shutil.copytree(folder, tmp_path / "spec")
    models = tmp_path / "spec" / "models.yaml"
    models.write_text(models.read_text(encoding="utf-8").replace("tags.yaml#/Tag", "#/Owner"), encoding="utf-8")
    shape = "models.yaml:16: /Owner/properties/kind/type: expected a type name or a list of them, found a number\n"
    assert_refused(build("api.yaml", tmp_path / "out", cwd=tmp_path / "spec"), shape, tmp_path / "out")


def test_duplicate_operation_ids_are_renamed_from_method_and_path_with_a_warning(tmp_path: Path) -> None:
    warning = (
        "duplicate_operation_id.yaml:10: /paths/~1b/get/operationId: duplicate operationId 'fetch' "
        "(also at /paths/~1a/get); this operation is named from its method and path"
    )
    done = run_orgen("build", "duplicate_operation_id.yaml", "--out", tmp_path / "out", "-q", cwd=HERE, env=NO_CACHE)
    assert done.returncode == 0 and done.stderr == f"warning: {warning}\n"
    resources = tmp_path / "out" / "dupes" / "resources"
    assert "def fetch(" in (resources / "a.py").read_text(encoding="utf-8")
    assert "def get(" in (resources / "b.py").read_text(encoding="utf-8")
    again = run_orgen("build", "duplicate_operation_id.yaml", "--out", tmp_path / "again", "-q", cwd=HERE, env=NO_CACHE)
    assert again.returncode == 0 and (tmp_path / "again" / "dupes" / "resources" / "b.py").read_bytes() == (resources / "b.py").read_bytes()
    strict = build("duplicate_operation_id.yaml", tmp_path / "strict", "--strict")
    assert_refused(strict, f"{warning} (warning, fatal under --strict)\n", tmp_path / "strict")
