"""Fixtures for the conformance suite: Prism (installed on demand), the built client, the mock server.

Prism comes from npm into `.cache/prism/<version>/` the first time the suite runs; later runs reuse
it. The full OpenRouter client is built with the real `orgen` CLI into a temporary folder, and
`prism mock` serves the same spec on a free local port for the whole session.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from ..conftest import ROOT, run_orgen

SPEC = ROOT / "specs" / "openrouter-full.yaml"
# Its own name, so that other tests importing a build of the same spec never share sys.modules with it.
PACKAGE = "openrouter_conformance"
# 5.14.2 is the last release that runs on Node 18/20; later ones require Node >= 24.
PRISM_VERSION = "5.14.2"
PRISM_HOME = ROOT / ".cache" / "prism" / PRISM_VERSION
PRISM_START_TIMEOUT = 90.0
API_KEY = "sk-conformance"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_spec() -> dict[str, Any]:
    with SPEC.open(encoding="utf-8") as file:
        document: dict[str, Any] = yaml.load(file, Loader=_Loader)
    return document


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: needs Node.js/npm; runs the client against a Prism mock")


# -- summary line -----------------------------------------------------------------------------------

_SUITES = {
    "test_sync_operation": "sync",
    "test_sync_operation_with_schema_generated_response": "sync, schema-generated responses",
    "test_sync_stream": "sync stream",
    "test_sync_stream_with_sse_examples": "sync stream, SSE examples",
    "test_async_operation": "async sample",
}
_outcomes: dict[str, dict[str, str]] = {suite: {} for suite in _SUITES.values()}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = report.nodeid.split("::")[-1].split("[")[0]
    suite = _SUITES.get(name)
    if suite is None or "conformance" not in report.nodeid:
        return
    case = report.nodeid.split("[", 1)[-1].rstrip("]")
    if hasattr(report, "wasxfail"):
        outcome = "xfailed" if report.skipped else "xpassed"
    elif report.failed:
        outcome = "failed"
    elif report.skipped:
        outcome = "skipped"
    elif report.when == "call":
        outcome = "passed"
    else:
        return
    if _outcomes[suite].get(case) in (None, "passed"):
        _outcomes[suite][case] = outcome


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for suite, cases in _outcomes.items():
        if not cases:
            continue
        counts = {kind: sum(1 for o in cases.values() if o == kind) for kind in ("passed", "xfailed", "failed", "xpassed", "skipped")}
        detail = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n and kind != "passed")
        terminalreporter.write_line(
            f"conformance ({suite}): {counts['passed']}/{len(cases)} operations passed" + (f" ({detail})" if detail else "")
        )


# -- Prism ------------------------------------------------------------------------------------------


def _prism_bin(home: Path) -> Path:
    return home / "node_modules" / ".bin" / "prism"


def install_prism() -> Path:
    """The pinned Prism CLI, installed with npm into the repo's `.cache/` when it is not there yet."""
    prism = _prism_bin(PRISM_HOME)
    if prism.exists():
        return prism
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are needed to install the Prism mock server")
    # Install beside the final folder and move it into place, so that an interrupted or concurrent
    # install never leaves a half-populated cache behind.
    staging = PRISM_HOME.with_name(f"{PRISM_VERSION}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    result = subprocess.run(
        [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--loglevel=error",
         f"@stoplight/prism-cli@{PRISM_VERSION}"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0 or not _prism_bin(staging).exists():
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"npm could not install @stoplight/prism-cli@{PRISM_VERSION}:\n{result.stdout}\n{result.stderr}")
    try:
        staging.rename(PRISM_HOME)
    except OSError:  # another run finished first
        shutil.rmtree(staging, ignore_errors=True)
    return prism


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrismServer:
    url: str
    log: Path  # Prism's own output (warnings and up), for a look after a failure


def _wait_until_listening(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + PRISM_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prism exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            # Any HTTP answer (a 404 for an unknown path included) means the server is up.
            urllib.request.urlopen(url + "/__conformance_probe", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"prism did not start within {PRISM_START_TIMEOUT:.0f}s:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def serve(document: Path, log: Path) -> Iterator[PrismServer]:
    """`prism mock document` on a free port of 127.0.0.1, stopped (with its children) on exit."""
    executable = install_prism()
    port = _free_port()
    # Request validation (security included) is always on in mock mode: an invalid request gets the
    # operation's 422/400 response, or a generated 422, plus an `sl-violations` header listing what
    # was wrong. `--errors` is left off on purpose: in mock mode it only turns *response* violations
    # (a spec example that breaks its own schema) into a 500, which would hide whether the client
    # parses what the spec promises. The suite reads both kinds from `sl-violations` instead.
    command = [str(executable), "mock", str(document), "--host", "127.0.0.1", "--port", str(port),
               "--verboseLevel", "warn", "--cors", "false"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(process, url, log)
        yield PrismServer(url=url, log=log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism serving specs/openrouter-full.yaml as it is, for the whole session."""
    with serve(SPEC, tmp_path_factory.mktemp("prism") / "prism.log") as server:
        yield server


def render_event_stream_examples(document: dict[str, Any]) -> list[str]:
    """Rewrite, in place, each `text/event-stream` example given as an event object into SSE text.

    Prism sends a text/* body only when the example is a string; the spec gives each event as an
    object (`{event?, data}`), which Prism refuses to serialise. The rewritten example is the same
    event on the wire (`event:`/`data:` lines, then the spec's sentinel such as `[DONE]`). Schemas
    are untouched, so request validation is exactly that of the original document.
    """
    rendered = []
    for path, item in (document.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if not isinstance(operation, dict):
                continue
            for status, response in (operation.get("responses") or {}).items():
                media = ((response or {}).get("content") or {}).get("text/event-stream")
                example = (media or {}).get("example")
                if not isinstance(example, dict) or "data" not in example:
                    continue
                lines = [f"event: {example['event']}"] if "event" in example else []
                data = example["data"]
                lines.append(f"data: {data if isinstance(data, str) else json.dumps(data)}")
                text = "\n".join(lines) + "\n\n"
                sentinel = media.get("x-speakeasy-sse-sentinel")
                if isinstance(sentinel, str):
                    text += f"data: {sentinel}\n\n"
                media["example"] = text
                rendered.append(f"{method.upper()} {path} {status}")
    return rendered


@pytest.fixture(scope="session")
def prism_sse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServer]:
    """Prism serving a copy of the spec whose event-stream examples are written as SSE text."""
    folder = tmp_path_factory.mktemp("prism-sse")
    document = load_spec()
    assert render_event_stream_examples(document), "the spec has no event-stream examples to render"
    copy = folder / "openrouter-full.sse.json"
    copy.write_text(json.dumps(document), encoding="utf-8")
    with serve(copy, folder / "prism.log") as server:
        yield server


# -- the generated client ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, dict[str, Any]]]:
    """The full client built by the real CLI, imported; with its manifest."""
    out = tmp_path_factory.mktemp("client")
    # Layout does not matter here; ruff is quick when it is installed, black on 25k lines is not.
    formatter = "ruff" if shutil.which("ruff") else "none"
    result = run_orgen("build", SPEC, "--out", out, "--package-name", PACKAGE, "--formatter", formatter, "-q", timeout=300)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / ".orgen" / "manifest.json").read_text(encoding="utf-8"))
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE), manifest
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="session")
def package(built: tuple[ModuleType, dict[str, Any]]) -> ModuleType:
    return built[0]


@pytest.fixture(scope="session")
def manifest(built: tuple[ModuleType, dict[str, Any]]) -> dict[str, Any]:
    return built[1]


@dataclass
class Exchange:
    """What went over the wire for one call, as the client's httpx saw it."""

    method: str
    url: str
    status: int
    content_type: str
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def request_errors(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("location", [""])[0] == "request" and v.get("severity") == "Error"]

    @property
    def response_errors(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v.get("location", [""])[0] == "response" and v.get("severity") == "Error"]


def _violations(response: httpx.Response) -> list[dict[str, Any]]:
    raw = response.headers.get("sl-violations")
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:  # Prism truncates a very long list ("Too many violations! [...")
        side = "request" if '"location":["request"' in raw else "response"
        return [{"location": [side], "severity": "Error", "message": raw[:500]}]
    return parsed if isinstance(parsed, list) else []


class Recorder:
    """httpx event hooks that keep the last exchange, `sl-violations` included."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def _record(self, response: httpx.Response) -> None:
        self.exchanges.append(
            Exchange(
                method=response.request.method,
                url=str(response.request.url),
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                violations=_violations(response),
            )
        )

    def sync_hook(self, response: httpx.Response) -> None:
        self._record(response)

    async def async_hook(self, response: httpx.Response) -> None:
        self._record(response)

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@contextlib.contextmanager
def sync_client(package: ModuleType, server: PrismServer, recorder: Recorder) -> Iterator[Any]:
    """The generated sync client pointed at `server`, recording every response; no retries."""
    with httpx.Client(timeout=30, event_hooks={"response": [recorder.sync_hook]}) as http:
        yield package.OpenRouter(api_key=API_KEY, base_url=server.url, max_retries=0, http_client=http)


@contextlib.asynccontextmanager
async def async_client(package: ModuleType, server: PrismServer, recorder: Recorder) -> AsyncIterator[Any]:
    """The generated async client pointed at `server`, recording every response; no retries."""
    async with httpx.AsyncClient(timeout=30, event_hooks={"response": [recorder.async_hook]}) as http:
        yield package.AsyncOpenRouter(api_key=API_KEY, base_url=server.url, max_retries=0, http_client=http)


@pytest.fixture
def client(package: ModuleType, prism: PrismServer, recorder: Recorder) -> Iterator[Any]:
    with sync_client(package, prism, recorder) as sync:
        yield sync


@pytest.fixture
def sse_client(package: ModuleType, prism_sse: PrismServer, recorder: Recorder) -> Iterator[Any]:
    with sync_client(package, prism_sse, recorder) as sync:
        yield sync
