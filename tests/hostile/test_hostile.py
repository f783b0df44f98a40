"""Hostile specs build into packages that import, type-check and run nothing from the spec.

Each spec is built by the real CLI in its own folder, with HOME pointed at an empty folder; then
every generated module is imported in a fresh interpreter and all packages are checked together
by one `mypy --strict` run. No payload may leave its marker file anywhere, and no build may write
outside its `--out`.
"""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from html.parser import HTMLParser
from typing import Any

import pytest
from markdown_it import MarkdownIt

from ..conftest import run_orgen, tree
from . import specs

CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "injection": specs.injection,
    "names": lambda _: specs.names(),
    "recursive": lambda _: specs.recursive(),
    "values": lambda _: specs.values(),
}


@dataclass
class Built:
    """One hostile spec built: where, what the CLI said, and the package it made."""

    spec: dict[str, Any]
    work: Path  # the build's working folder, holding only the spec
    out: Path
    returncode: int
    stderr: str
    package: str


@dataclass
class Session:
    root: Path
    home: Path
    markers: Path
    built: dict[str, Built]

    def env(self) -> dict[str, str]:
        return {"HOME": str(self.home), "XDG_CACHE_HOME": str(self.home / ".cache"), "ORGEN_CACHE_DIR": ""}


def _build(session_root: Path, name: str, spec: dict[str, Any], env: dict[str, str]) -> Built:
    work, out = session_root / name / "work", session_root / name / "out"
    work.mkdir(parents=True)
    (work / "spec.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False), encoding="utf-8")
    done = run_orgen("build", "spec.json", "--out", out, "-q", cwd=work, env=env)
    packages = [path.name for path in out.iterdir() if (path / "__init__.py").is_file() and path.name != "tests"] if out.is_dir() else []
    return Built(spec, work, out, done.returncode, done.stderr, packages[0] if len(packages) == 1 else "")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    root = tmp_path_factory.mktemp("hostile")
    home, markers = root / "home", root / "markers"
    home.mkdir()
    markers.mkdir()
    documents = {name: make(markers) for name, make in CASES.items()}
    state = Session(root, home, markers, {})
    with ThreadPoolExecutor(len(documents)) as pool:  # each build is its own process
        futures = {name: pool.submit(_build, root, name, spec, state.env()) for name, spec in documents.items()}
        state.built = {name: future.result() for name, future in futures.items()}
    return state


def _python(session: Session, code: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter whose working folder is the session's empty home."""
    env = {**os.environ, **session.env(), "PYTHONPATH": os.pathsep.join(map(str, paths)), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=session.home, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_builds_with_exit_0_and_no_traceback(session: Session, case: str) -> None:
    built = session.built[case]
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr and "internal error" not in built.stderr
    assert built.package, "exactly one package in the output folder"


@pytest.fixture(scope="module")
def imported(session: Session) -> subprocess.CompletedProcess[str]:
    """Every module of every package imported, once, in one fresh interpreter."""
    packages = {name: (built.out, built.package) for name, built in session.built.items()}
    return _python(session, f"""
        import importlib, pkgutil
        failed = []
        for package in {[package for _, package in packages.values()]!r}:
            root = importlib.import_module(package)
            for info in pkgutil.walk_packages(root.__path__, package + "."):
                try:
                    importlib.import_module(info.name)
                except Exception as error:
                    failed.append(f"{{info.name}}: {{type(error).__name__}}: {{error}}")
        print("\\n".join(failed) or "ok")
    """, *(out for out, _ in packages.values()))


def test_every_generated_module_imports(imported: subprocess.CompletedProcess[str]) -> None:
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "ok"


def test_packages_pass_mypy_strict(session: Session) -> None:
    packages = [built.out / built.package for built in session.built.values()]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *map(str, packages)],
        cwd=session.root, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_payload_ran(session: Session, imported: subprocess.CompletedProcess[str]) -> None:
    assert imported.returncode == 0, imported.stderr  # the import ran every module's top level
    assert list(session.markers.iterdir()) == []
    for folder in (session.root, session.home):  # every process ran in one of these
        assert not list(folder.rglob("pwned*")), f"a payload ran: marker file under {folder}"
    assert not list(Path.cwd().glob("pwned*")), "a payload ran: marker file in the test's working folder"


def test_nothing_written_outside_out(session: Session) -> None:
    for name, built in session.built.items():
        case_folder = built.work.parent
        assert sorted(path.name for path in case_folder.iterdir()) == ["out", "work"], name
        assert sorted(path.name for path in built.work.iterdir()) == ["spec.json"], name
        written = tree(built.out)
        assert all(not path.startswith((".orgen-staging", "../")) for path in written), name
    assert list(session.home.iterdir()) == [], "nothing under HOME (no cache, no config)"


def test_hostile_strings_stay_data(session: Session) -> None:
    """What the spec says reaches the client unchanged: as wire names, enum values, literals and docs."""
    built = session.built["injection"]
    strings = specs.payloads(session.markers)
    done = _python(session, f"""
        import json, {built.package} as package
        from {built.package} import models, _client
        strings = {strings!r}
        found = {{
            "aliases": sorted(
                {{field.alias or name for model in vars(models).values() if isinstance(model, type)
                  and hasattr(model, "model_fields") for name, field in model.model_fields.items()}} & set(strings)
            ),
            "enum": sorted({{member.value for model in vars(models).values() if isinstance(model, type)
                            and hasattr(model, "__members__") for member in model}} & set(strings)),
            "base_url": _client.DEFAULT_BASE_URL,
            "doc": package.__doc__,
        }}
        print(json.dumps(found))
    """, built.out)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["aliases"] == sorted(strings), "every property name is a field's wire name"
    assert found["enum"] == sorted(strings), "every enum value is a member's value"
    assert found["base_url"] == f"https://example.com/{strings[2]}{strings[3]}"
    assert strings[0] in found["doc"] and strings[4].replace("\r", "\n") in found["doc"]


def test_awkward_names_round_trip(session: Session) -> None:
    """Keywords, builtins, pydantic's names and unicode that Python normalises all keep their own field."""
    built = session.built["names"]
    data = {name: f"value {index}" for index, name in enumerate(specs.AWKWARD_NAMES)}
    done = _python(session, f"""
        import json
        from {built.package}.models import Choice, Names
        data = json.loads({json.dumps(data)!r})
        parsed = Names.model_validate(data)
        assert not parsed.model_extra, parsed.model_extra  # every key landed in a field of its own
        print(json.dumps({{"dump": parsed.model_dump(by_alias=True), "choices": [c.value for c in Choice]}}))
    """, built.out)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["dump"] == data
    assert result["choices"] == [name for name in specs.AWKWARD_NAMES if name != "x" * 300]


def test_recursive_models_parse_nested_values(session: Session) -> None:
    built = session.built["recursive"]
    node = {"name": "root", "children": [{"name": "a", "children": [{"name": "b"}]}], "by_name": {"c": {"name": "c"}}}
    done = _python(session, f"""
        import json
        from {built.package}.models import Node, Tree
        node = Node.model_validate(json.loads({json.dumps(node)!r}))
        assert isinstance(node.children[0].children[0], Node)
        tree = Tree.model_validate({{"root": {{"leaves": [{{"leaves": ["x"]}}, "y"]}}}})
        print(json.dumps(node.model_dump(by_alias=True, exclude_none=True)))
    """, built.out)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == node
    models = (built.out / built.package / "models.py").read_text(encoding="utf-8")
    assert r'pattern="^\\p{L}+$"' in models, "a pattern only pydantic's default engine reads is kept"


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would run from rendered HTML: script tags, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if name.startswith("on") or (name in ("href", "src") and url.startswith(("javascript:", "vbscript:", "data:"))):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_comment(self, data: str) -> None:
        if "script" in data.lower() or "orgen" not in data:
            self.found.append(f"<!--{data}-->")  # only orgen's own header may be a comment


def _active_markup(markdown_text: str) -> list[str]:
    # CommonMark with tables, raw HTML on and no link filter of its own: it shows what the
    # Markdown itself would do in a renderer that trusts it.
    renderer = MarkdownIt("commonmark").enable("table")
    renderer.validateLink = lambda url: True
    parser = _ActiveMarkup()
    parser.feed(renderer.render(markdown_text))
    return parser.found


def test_markdown_docs_render_no_active_markup(session: Session) -> None:
    documents = sorted(session.built["injection"].out.rglob("*.md"))
    assert len(documents) >= 3
    for document in documents:
        assert _active_markup(document.read_text(encoding="utf-8")) == [], document.name
    assert _active_markup("\n\n".join(specs.MARKUP)), "the payloads are active when left raw"


def test_spec_file_name_cannot_end_the_docs_header_comment(tmp_path: Path) -> None:
    name = "api--><img src=x onerror=alert(1)><!--.json"
    (tmp_path / name).write_text(json.dumps(specs.recursive()), encoding="utf-8")
    done = run_orgen("build", name, "--out", tmp_path / "out", "-q", cwd=tmp_path, env={"ORGEN_CACHE_DIR": ""}, timeout=120)
    assert done.returncode == 0, done.stderr
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "onerror" in readme.splitlines()[0], "the header names the spec"
    assert _active_markup(readme) == []


def test_ill_typed_values_are_warned_about_and_dropped(session: Session) -> None:
    built = session.built["values"]
    warnings = [line for line in built.stderr.splitlines() if line.startswith("warning: ")]
    for fragment in ('properties/count/default: default "1) or', "properties/count/maximum: 'maximum' must be a number",
                     "properties/bad_pattern/pattern: pattern", "properties/tags/default: default",
                     "Short/x-enumNames: 'x-enumNames' must name each", "properties/letters/pattern: pattern"):
        assert sum(fragment in line for line in warnings) == 1, fragment
    models = (built.out / built.package / "models.py").read_text(encoding="utf-8")
    assert "EmailStr" not in models and "ULID" not in models, "no type from a package the client does not depend on"
    assert "this" not in models.split("class ")[0], "no import named by the spec"
    assert "ClassVar" not in models
    assert 'pattern="^(?P<year>[0-9]{4})$"' in models, "ECMAScript named groups are kept, in Python's spelling"


@pytest.mark.parametrize("case", sorted(specs.REFUSED_REFS))
def test_refs_off_the_spec_folder_are_refused(case: str, tmp_path: Path) -> None:
    ref, message = specs.REFUSED_REFS[case]
    work = tmp_path / "work" / "inner"
    work.mkdir(parents=True)
    secret = tmp_path / "secret.yaml"
    secret.write_text("X: {type: string}\n")
    (work / "link").symlink_to(tmp_path)
    (work / "spec.json").write_text(json.dumps(specs.with_ref(ref)))
    done = run_orgen("build", "spec.json", "--out", tmp_path / "out", "-q", cwd=work, env={"ORGEN_CACHE_DIR": ""}, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.startswith("spec.json:") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_update_between_hostile_specs_reports_markup_as_text(session: Session, tmp_path: Path) -> None:
    # A folder built from one hostile spec is rebuilt from another: every removed name, path and value
    # reaches CHANGELOG.md and `orgen diff`; none of them may act as markup or code.
    work = tmp_path / "work"
    shutil.copytree(session.built["names"].work, work)
    old, new = work / "spec.json", work / "next.json"
    new.write_text((session.built["injection"].work / "spec.json").read_text(encoding="utf-8"), encoding="utf-8")
    first = run_orgen("build", old.name, "--out", "out", "-q", cwd=work, env=session.env())
    assert first.returncode == 0, first.stderr
    for text_format in ("markdown", "text", "json"):
        diff = run_orgen("diff", old.name, new.name, "--format", text_format, cwd=work, env=session.env())
        assert diff.returncode == 0 and "Traceback" not in diff.stderr, diff.stderr
        if text_format == "markdown":
            assert _active_markup(diff.stdout) == []
    shutil.copy(new, old)
    rebuilt = run_orgen("build", old.name, "--out", "out", "-q", cwd=work, env=session.env())
    assert rebuilt.returncode == 0, rebuilt.stderr
    changelog = (work / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "### Breaking changes" in changelog and "script" in changelog
    assert _active_markup(changelog) == []
    assert not any(session.markers.iterdir()), "a payload ran"
