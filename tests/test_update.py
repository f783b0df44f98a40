"""`orgen update` against a real HTTP server on 127.0.0.1: a spec is replaced only by one orgen can build."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import SEED_SPEC, Orgen, tree

GOOD = SEED_SPEC.read_bytes()
# Upstream published a new version: a change to the spec that still builds.
NEWER = GOOD.replace(b"\ninfo:\n", b"\ninfo:\n  description: Now with a description.\n", 1)
# Cut in the middle, with no Content-Length to give it away: still YAML, but its $refs point at
# schemas that were in the lost half, which orgen's own checks catch.
HALF = GOOD[: len(GOOD) // 2].rsplit(b"\n", 1)[0] + b"\n"
BROKEN_YAML = b"openapi: 3.1.0\ninfo: {title: Broken, version: '1'\npaths: {}\n"
BUILD = ("--out", "client", "--formatter", "none", "-q")
# An HTTP proxy in the environment must not be asked for 127.0.0.1; records of builds stay out of ~/.cache.
ENV = {"no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "ORGEN_CACHE_DIR": ""}


@dataclass
class Upstream:
    """The server: files from `folder` at /NAME, and a few misbehaving paths."""

    folder: Path
    base: str

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def publish(self, name: str, content: bytes) -> str:
        (self.folder / name).write_bytes(content)
        return self.url(name)


class _Handler(SimpleHTTPRequestHandler):
    release: threading.Event

    def do_GET(self) -> None:
        if self.path == "/truncated.yaml":  # promises the whole spec, sends half, hangs up
            self._send(GOOD[: len(GOOD) // 2], length=len(GOOD))
        elif self.path == "/half.yaml":  # half a spec, with nothing to say it is half
            self._send(HALF, length=None)
        elif self.path == "/slow.yaml":  # accepts the connection, never answers in time
            self.release.wait(30)
        elif self.path == "/to-ftp.yaml":  # a redirect away from http
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/openapi.yaml")
            self.end_headers()
        elif self.path.startswith("/huge"):  # 100 KB, announced or not
            self._send(b"# padding\n" * 10_000, length=100_000 if self.path == "/huge-declared.yaml" else None)
        else:
            super().do_GET()

    def _send(self, body: bytes, length: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/yaml")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)  # HTTP/1.0: the connection closes after this

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    folder = tmp_path / "upstream"
    folder.mkdir()
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Upstream(folder, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: the spec they keep up to date, nothing generated yet."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "openapi.yaml").write_bytes(GOOD)
    return folder


def update(orgen: Orgen, project: Path, *args: str) -> tuple[int, str, str]:
    result = orgen("update", "openapi.yaml", *args, cwd=project, env=ENV)
    return result.returncode, result.stdout, result.stderr


def test_update_replaces_the_spec_and_builds_it_as_build_would(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    code, out, err = update(orgen, project, "--from", upstream.publish("openapi.yaml", NEWER), *BUILD)
    assert code == 0, err
    assert (project / "openapi.yaml").read_bytes() == NEWER
    assert (project / "client" / ".orgen" / "manifest.json").is_file()
    assert out.strip(), "the changelog entry, or a line saying the client did not change"
    assert sorted(p.name for p in project.iterdir()) == ["client", "openapi.yaml"], "no temporary file is left behind"
    # The same spec built by `orgen build` gives the same client.
    built = orgen("build", "openapi.yaml", "--out", "built", "--formatter", "none", "-q", cwd=project, env=ENV)
    assert built.returncode == 0, built.stderr
    assert tree(project / "client") == tree(project / "built")


def test_identical_upstream_builds_nothing(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    url = upstream.publish("openapi.yaml", GOOD)
    code, out, err = update(orgen, project, "--from", url, *BUILD)
    assert code == 0, err
    assert out.strip() == f"openapi.yaml is up to date with {url}"
    assert sorted(p.name for p in project.iterdir()) == ["openapi.yaml"]


def test_check_exits_1_when_upstream_differs_and_writes_nothing(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    code, out, err = update(orgen, project, "--from", upstream.publish("openapi.yaml", NEWER), "--check", *BUILD)
    assert code == 1, err
    assert "differs" in out and len(out.splitlines()) == 1
    assert sorted(p.name for p in project.iterdir()) == ["openapi.yaml"]
    assert (project / "openapi.yaml").read_bytes() == GOOD
    code, _, err = update(orgen, project, "--from", upstream.publish("same.yaml", GOOD), "--check", *BUILD)
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.yaml", BROKEN_YAML, "/broken.yaml:3: /: invalid YAML"),  # shown where it is: in the download
        ("truncated.yaml", None, "connection closed after"),
        ("half.yaml", None, "$ref"),
        ("empty.yaml", b"", "empty"),
    ],
    ids=["broken", "truncated", "half", "empty"],
)
@pytest.mark.parametrize("check", [False, True])
def test_a_bad_download_exits_2_and_leaves_the_spec_alone(
    orgen: Orgen, project: Path, upstream: Upstream, name: str, content: bytes | None, says: str, check: bool
) -> None:
    url = upstream.publish(name, content) if content is not None else upstream.url(name)
    code, out, err = update(orgen, project, "--from", url, *(["--check"] if check else []), *BUILD)
    assert code == 2, (out, err)
    assert says in err, err
    assert "Traceback" not in err
    assert (project / "openapi.yaml").read_bytes() == GOOD
    assert sorted(p.name for p in project.iterdir()) == ["openapi.yaml"], "nothing built, no temporary file left"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/openapi.yaml", "openapi.yaml", "http:///openapi.yaml"])
def test_only_http_urls_are_fetched(orgen: Orgen, project: Path, url: str) -> None:
    code, _, err = update(orgen, project, "--from", url, *BUILD)
    assert code == 2
    assert err.splitlines() == [f"orgen: {url!r} is not an http:// or https:// URL"]
    assert (project / "openapi.yaml").read_bytes() == GOOD


def test_a_redirect_away_from_http_is_refused(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    code, _, err = update(orgen, project, "--from", upstream.url("to-ftp.yaml"), *BUILD)
    assert code == 2
    assert len(err.splitlines()) == 1 and "redirects to 'ftp://127.0.0.1/openapi.yaml'" in err, err
    assert (project / "openapi.yaml").read_bytes() == GOOD


@pytest.mark.parametrize("name", ["huge.yaml", "huge-declared.yaml"])
def test_a_download_over_max_bytes_exits_2(orgen: Orgen, project: Path, upstream: Upstream, name: str) -> None:
    code, _, err = update(orgen, project, "--from", upstream.url(name), "--max-bytes", "1000", *BUILD)
    assert code == 2
    assert len(err.splitlines()) == 1 and "1000" in err and "--max-bytes" in err, err
    assert (project / "openapi.yaml").read_bytes() == GOOD


def test_a_server_that_does_not_answer_times_out_with_one_line(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    started = time.monotonic()
    code, _, err = update(orgen, project, "--from", upstream.url("slow.yaml"), "--timeout", "0.5", *BUILD)
    assert code == 2
    assert err.splitlines() == [f"orgen: cannot download {upstream.url('slow.yaml')}: no answer within 0.5 s"]
    assert time.monotonic() - started < 15
    assert (project / "openapi.yaml").read_bytes() == GOOD


def test_the_url_comes_from_pyproject_when_from_is_absent(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    url = upstream.publish("openapi.yaml", NEWER)
    (project / "pyproject.toml").write_text(f'[tool.orgen]\nspec-url = "{url}"\nout = "client"\nformatter = "none"\n')
    code, _, err = update(orgen, project, "-q")
    assert code == 0, err
    assert (project / "openapi.yaml").read_bytes() == NEWER
    assert (project / "client" / ".orgen" / "manifest.json").is_file()


def test_without_a_url_update_says_where_to_give_one(orgen: Orgen, project: Path) -> None:
    code, _, err = update(orgen, project, *BUILD)
    assert code == 2
    assert len(err.splitlines()) == 1 and "--from" in err and "spec-url" in err, err


def test_update_explains_itself(orgen: Orgen) -> None:
    help_text = orgen("update", "--help").stdout
    for words in ("Examples", "--from", "--check", "--timeout", "--max-bytes", "--out", "--package-name", "--formatter", "--quiet"):
        assert words in help_text


def test_update_of_a_built_client_prints_the_changelog_entry_it_wrote(orgen: Orgen, project: Path, upstream: Upstream) -> None:
    built = orgen("build", "openapi.yaml", *BUILD, cwd=project, env=ENV)
    assert built.returncode == 0, built.stderr
    # Upstream adds an enum value to a response: an addition, so the patch moves below 1.0.0.
    added = GOOD.replace(b"        - value: content_filter\n", b"        - value: content_filter\n        - value: tool_calls\n", 1)
    assert added != GOOD
    code, out, err = update(orgen, project, "--from", upstream.publish("openapi.yaml", added), *BUILD)
    assert code == 0, err
    assert out.startswith("## 0.1.1 (") and "tool_calls" in out
    changelog = (project / "client" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert out.strip() in changelog
