"""Uploads, downloads, SSE-only operations, union results, and configured client behaviour.

The client is generated from tests/client/specs/features.yaml (with retry codes and attribution
headers configured as a user would in [tool.orgen]) and driven against a real local server.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Canned, ScriptedServer, json_reply, sse_reply

SPEC = Path(__file__).parent / "specs" / "features.yaml"
CONFIG = """[tool.orgen]
package-name = "features_client"
client-name = "Features"
api-key-env = "FEATURES_API_KEY"
retry-error-codes = [502, 529]

[tool.orgen.client-headers]
http_referer = "HTTP-Referer"
x_title = "X-Title"
"""


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    work = tmp_path_factory.mktemp("features")
    (work / "pyproject.toml").write_text(CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "orgen", "build", str(SPEC), "--out", "out", "-q"],
        cwd=work, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(work / "out"))
    try:
        yield importlib.import_module("features_client")
    finally:
        sys.path.remove(str(work / "out"))
        for name in [m for m in sys.modules if m.split(".")[0] == "features_client"]:
            del sys.modules[name]


def call(features: ModuleType, server: ScriptedServer, mode: str, action: Any, **options: Any) -> Any:
    """Run `action(client)` with the sync or async client; streams and downloads are drained."""
    settings = {"base_url": server.url, "api_key": "k", "max_retries": 2, **options}
    if mode == "sync":
        with features.Features(**settings) as client:
            client._sleep = lambda seconds: None
            result = action(client)
            if isinstance(result, features.Stream):
                return list(result)
            return result

    async def main() -> Any:
        async with features.AsyncFeatures(**settings) as client:

            async def no_sleep(seconds: float) -> None:
                return None

            client._sleep = no_sleep
            result = await action(client)
            if isinstance(result, features.AsyncStream):
                return [item async for item in result]
            return result

    return asyncio.run(main())


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
def test_multipart_upload_sends_file_and_fields(features: ModuleType, server: ScriptedServer, mode: str, tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"hello upload")
    server.enqueue(json_reply({"id": "file-1", "bytes": 12}))
    stored = call(features, server, mode, lambda c: c.files.upload(file=upload, purpose="batch", tags=["a", "b"]))
    assert isinstance(stored, features.models.File) and stored.bytes == 12
    request = server.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.body
    assert b'name="file"; filename="notes.txt"' in body and b"hello upload" in body
    assert b'name="purpose"\r\n\r\nbatch' in body
    assert body.count(b'name="tags"') == 2


@pytest.mark.parametrize("mode", MODES)
def test_upload_accepts_bytes_file_objects_and_named_tuples(features: ModuleType, server: ScriptedServer, mode: str, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\x01")
    server.enqueue(*(json_reply({"id": "f", "bytes": 2}) for _ in range(3)))
    call(features, server, mode, lambda c: c.files.upload(file=b"raw", purpose="batch"))
    with path.open("rb") as handle:
        call(features, server, mode, lambda c: c.files.upload(file=handle, purpose="batch"))
    call(features, server, mode, lambda c: c.files.upload(file=("report.csv", b"a,b", "text/csv"), purpose="batch"))
    bodies = [r.body for r in server.requests]
    assert b"raw" in bodies[0]
    assert b'filename="data.bin"' in bodies[1] and b"\x00\x01" in bodies[1]
    assert b'filename="report.csv"' in bodies[2] and b"Content-Type: text/csv" in bodies[2]


@pytest.mark.parametrize("mode", MODES)
def test_binary_download_returns_bytes(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    payload = bytes(range(256)) * 4
    server.enqueue(Canned(body=payload, headers={"Content-Type": "application/octet-stream"}))
    data = call(features, server, mode, lambda c: c.files.download(file_id="f/1"))
    assert data == payload
    assert server.requests[0].path == "/files/f%2F1/content"
    # The operation only answers with octet-stream: asking for JSON would invite a 406.
    assert server.requests[0].headers["accept"] == "application/octet-stream"


def test_streaming_download_reads_the_body_in_chunks(features: ModuleType, server: ScriptedServer, tmp_path: Path) -> None:
    chunks = [bytes([i]) * 50_000 for i in range(8)]
    server.enqueue(Canned(headers={"Content-Type": "application/octet-stream"}, chunks=chunks))
    target = tmp_path / "out.bin"
    with features.Features(base_url=server.url, api_key="k") as client:
        with client.files.with_streaming_response.download(file_id="f") as response:
            assert response.status_code == 200
            assert not response.http_response.is_stream_consumed
            written = response.write_to_file(target)
    assert written == 400_000 and target.read_bytes() == b"".join(chunks)


def test_async_streaming_download_iterates_bytes(features: ModuleType, server: ScriptedServer) -> None:
    server.enqueue(Canned(headers={"Content-Type": "application/octet-stream"}, chunks=[b"ab", b"cd", b"ef"]))

    async def main() -> bytes:
        async with features.AsyncFeatures(base_url=server.url, api_key="k") as client:
            async with await client.files.with_streaming_response.download(file_id="f") as response:
                return b"".join([chunk async for chunk in response.iter_bytes()])

    assert asyncio.run(main()) == b"abcdef"


@pytest.mark.parametrize("mode", MODES)
def test_sse_only_operation_yields_union_members_from_the_envelope(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(
        sse_reply(
            "event: started\ndata: " + json.dumps({"type": "started", "at": 1}) + "\n\n",
            ": keep-alive\n\n",
            "event: progress\ndata: " + json.dumps({"type": "progress", "percent": 50.5}) + "\n\n",
            "data: [DONE]\n\n",
        )
    )
    events = call(features, server, mode, lambda c: c.events.stream(kinds=["a", "b"], x_trace="t-1"))
    assert [type(e).__name__ for e in events] == ["Started", "Progress"]
    assert events[1].percent == 50.5
    request = server.requests[0]
    assert request.path == "/events?kinds=a&kinds=b"
    assert request.headers["x-trace"] == "t-1" and request.headers["accept"] == "text/event-stream"


@pytest.mark.parametrize("mode", MODES)
def test_union_response_parses_into_the_tagged_member(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"type": "progress", "percent": 3, "eta": 9}))
    shape = call(features, server, mode, lambda c: c.shapes.get(id="s1"))
    assert isinstance(shape, features.models.Progress) and shape.model_extra == {"eta": 9}


@pytest.mark.parametrize("mode", MODES)
def test_400_with_configured_transient_code_is_retried(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(
        json_reply({"error": {"code": 502, "message": "upstream down"}}, status=400),
        json_reply({"error": {"code": "529", "message": "overloaded"}}, status=400),
        json_reply({"type": "started", "at": 5}),
    )
    shape = call(features, server, mode, lambda c: c.shapes.get(id="s1"))
    assert shape.at == 5 and len(server.requests) == 3


@pytest.mark.parametrize("mode", MODES)
def test_400_with_other_code_is_not_retried(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"error": {"code": 400, "message": "bad input"}}, status=400))
    with pytest.raises(features.BadRequestError, match="bad input"):
        call(features, server, mode, lambda c: c.shapes.get(id="s1"))
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
def test_attribution_headers_are_client_options(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"type": "started", "at": 1}), json_reply({"type": "started", "at": 1}))
    call(features, server, mode, lambda c: c.shapes.get(id="s"), http_referer="https://app.example", x_title="My App")
    call(features, server, mode, lambda c: c.shapes.get(id="s"))
    first, second = server.requests
    assert first.headers["http-referer"] == "https://app.example" and first.headers["x-title"] == "My App"
    assert "http-referer" not in second.headers and "x-title" not in second.headers


def test_feature_client_passes_mypy_strict(features: ModuleType) -> None:
    package = Path(features.__file__).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(package)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("mode", MODES)
def test_union_member_added_later_parses_as_a_plain_object(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"type": "paused", "reason": "maintenance"}))
    shape = call(features, server, mode, lambda c: c.shapes.get(id="s1"))
    assert not isinstance(shape, (features.models.Started, features.models.Progress))
    assert shape.type == "paused" and shape.reason == "maintenance"


@pytest.mark.parametrize("mode", MODES)
def test_body_that_fits_nothing_raises_an_api_error(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply(["not", "an", "event"]))
    with pytest.raises(features.APIResponseValidationError) as caught:
        call(features, server, mode, lambda c: c.shapes.get(id="s1"))
    assert isinstance(caught.value, features.APIError) and caught.value.body == ["not", "an", "event"]


@pytest.mark.parametrize("mode", MODES)
def test_error_bodies_parse_into_the_models_the_spec_declares(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    def failure(reply: Canned, expected: type[BaseException]) -> Any:
        server.enqueue(reply)
        with pytest.raises(expected) as caught:
            call(features, server, mode, lambda c: c.shapes.get(id="s1"), max_retries=0)
        return caught.value

    missing = failure(json_reply({"detail": "no shape s1"}, status=404), features.NotFoundError)
    assert isinstance(missing.data, features.models.NotFound) and missing.data.detail == "no shape s1"
    # 402 and 422 have no entry of their own: the 4XX range declares their body.
    for status, expected in ((402, features.PaymentRequiredError), (422, features.UnprocessableEntityError)):
        error = failure(json_reply({"error": {"code": status, "message": "no"}}, status=status), expected)
        assert isinstance(error.data, features.models.ErrorResponse) and error.data.error.code == status
        assert error.body == {"error": {"code": status, "message": "no"}} and error.status_code == status
    too_large = failure(json_reply({"error": {"code": 413, "message": "too big"}}, status=413), features.PayloadTooLargeError)
    assert str(too_large) == "too big"
    # No model declared for 500, and a body that is not JSON: the error is raised all the same.
    broken = failure(Canned(status=500, headers={"content-type": "text/html"}, body=b"<h1>oops</h1>"), features.InternalServerError)
    assert broken.data is None and broken.body == "<h1>oops</h1>"


def _drain(features: ModuleType, server: ScriptedServer, mode: str, pages: Any) -> list[Any]:
    """Every item `pages(client)` iterates over, with the sync or the async client."""
    settings = {"base_url": server.url, "api_key": "k", "max_retries": 0}
    if mode == "sync":
        with features.Features(**settings) as client:
            return list(pages(client))

    async def main() -> list[Any]:
        async with features.AsyncFeatures(**settings) as client:
            return [item async for item in pages(client)]

    return asyncio.run(main())


@pytest.mark.parametrize("mode", MODES)
def test_offset_pages_are_fetched_until_a_short_page(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(
        json_reply({"data": [{"id": "t1"}, {"id": "t2"}]}),
        json_reply({"data": [{"id": "t3"}, {"id": "t4"}]}),
        json_reply({"data": [{"id": "t5"}]}),
    )
    things = _drain(features, server, mode, lambda c: c.things.iter_list(limit=2))
    assert [thing.id for thing in things] == ["t1", "t2", "t3", "t4", "t5"]
    assert all(isinstance(thing, features.models.Thing) for thing in things)
    assert [r.path for r in server.requests] == ["/things?limit=2", "/things?offset=2&limit=2", "/things?offset=4&limit=2"]


@pytest.mark.parametrize("mode", MODES)
def test_cursor_pages_are_followed_until_there_is_no_next_cursor(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(
        json_reply({"page": {"items": [{"id": "a"}, {"id": "b"}]}, "next-cursor": "c/2"}),
        json_reply({"page": {"items": [{"id": "c"}]}, "next-cursor": None}),
    )
    things = _drain(features, server, mode, lambda c: c.things.iter_scan())
    assert [thing.id for thing in things] == ["a", "b", "c"]
    assert [r.path for r in server.requests] == ["/things/scan", "/things/scan?cursor=c%2F2"]


def test_pages_are_fetched_only_as_iteration_reaches_them(features: ModuleType, server: ScriptedServer) -> None:
    server.enqueue(json_reply({"data": [{"id": "t1"}, {"id": "t2"}]}), json_reply({"data": []}))
    with features.Features(base_url=server.url, api_key="k") as client:
        pages = client.things.iter_list()
        assert server.requests == []
        assert next(pages).id == "t1" and len(server.requests) == 1
        assert [thing.id for thing in pages] == ["t2"]  # an empty page ends it
    assert len(server.requests) == 2


def _deprecations(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize("mode", MODES)
def test_calling_a_deprecated_operation_warns_at_the_callers_line(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"id": "c1"}), json_reply({"id": "c2"}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charge = call(features, server, mode, lambda c: c.legacy.charge())
        raw = call(features, server, mode, lambda c: c.legacy.with_raw_response.charge())
    assert charge.id == "c1" and raw.parse().id == "c2"
    assert _deprecations(caught) == ["client.legacy.charge is deprecated"] * 2
    assert caught[0].filename == __file__
    assert [r.path for r in server.requests] == ["/legacy/charge"] * 2


@pytest.mark.parametrize("mode", MODES)
def test_passing_deprecated_arguments_warns_once_naming_them(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"id": "t"}), json_reply({"id": "t"}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(features, server, mode, lambda c: c.things.update(id="t", name="new"))
        assert _deprecations(caught) == []
        call(features, server, mode, lambda c: c.things.update(id="t", label="old", dry_run=False))
    assert _deprecations(caught) == ["arguments dry_run, label of client.things.update are deprecated"]
    assert caught[0].filename == __file__
    # Deprecated still means supported: the values go on the wire.
    assert server.requests[1].path == "/things/t?dry_run=false" and server.requests[1].json() == {"label": "old"}


@pytest.mark.parametrize("mode", MODES)
def test_deprecated_argument_of_a_streaming_call_warns_and_streams(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(sse_reply('data: {"id": "e1"}\n\n', "data: [DONE]\n\n"))
    with pytest.warns(DeprecationWarning, match="^argument temperature of client.talk.create is deprecated$"):
        events = call(features, server, mode, lambda c: c.talk.create(prompt="hi", stream=True, temperature=0.5))
    assert [e.id for e in events] == ["e1"]
    assert server.requests[0].json() == {"prompt": "hi", "stream": True, "temperature": 0.5}


@pytest.mark.parametrize("mode", MODES)
def test_reading_a_deprecated_model_field_warns_but_parsing_it_does_not(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    server.enqueue(json_reply({"id": "t", "legacy_code": "L-1"}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thing = call(features, server, mode, lambda c: c.things.update(id="t"))
        assert _deprecations(caught) == []
        assert thing.id == "t" and thing.model_dump()["legacy_code"] == "L-1"
        assert _deprecations(caught) == []
        with pytest.warns(DeprecationWarning):
            assert thing.legacy_code == "L-1"


def test_type_checkers_flag_deprecated_calls_and_arguments(features: ModuleType, tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from features_client import AsyncFeatures, Features\n"
        "def use(c: Features) -> None:\n"
        "    c.things.update(id='a', name='x')\n"  # 3: fine
        "    c.things.update(id='a', label='x')\n"  # 4: deprecated argument
        "    c.legacy.charge()\n"  # 5: deprecated operation
        "    c.talk.create(prompt='p', stream=True)\n"  # 6: fine
        "    c.talk.create(prompt='p', stream=True, temperature=1.0)\n"  # 7: deprecated argument
        "async def use_async(c: AsyncFeatures) -> None:\n"
        "    await c.things.update(id='a', dry_run=True)\n"  # 9: deprecated argument
        "    await c.legacy.charge()\n"  # 10: deprecated operation
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated", "--no-incremental", str(usage)],
        capture_output=True, text=True, check=False, env={**os.environ, "MYPYPATH": str(Path(features.__file__).parents[1])},
    )
    flagged = sorted(int(line.split(":")[1]) for line in result.stdout.splitlines() if line.startswith(str(usage)) and "[deprecated]" in line)
    assert flagged == [4, 5, 7, 9, 10], result.stdout
    assert "is deprecated: arguments dry_run, label of client.things.update are deprecated" in result.stdout


@pytest.mark.parametrize("mode", MODES)
def test_declared_response_headers_are_read_as_their_types(features: ModuleType, server: ScriptedServer, mode: str) -> None:
    declared = {"X-RateLimit-Remaining": "41", "X-Cost": "0.25", "X-Cached": "true", "X-Regions": "eu, us", "X-Trace-Id": "tr-9"}
    server.enqueue(json_reply({"id": "t"}, headers=declared), json_reply({"id": "t"}, headers={"X-RateLimit-Remaining": "many", "X-Cached": "maybe"}))
    raw = call(features, server, mode, lambda c: c.things.with_raw_response.update(id="t"))
    headers = raw.typed_headers
    assert isinstance(headers, features.resources.things.UpdateHeaders)
    assert (headers.x_rate_limit_remaining, headers.x_cost, headers.x_cached) == (41, 0.25, True)
    assert headers.x_regions == ["eu", "us"] and headers.x_trace_id == "tr-9"
    assert raw.parse().id == "t" and raw.status_code == 200
    # Missing or malformed: None, and the response is still there to read.
    odd = call(features, server, mode, lambda c: c.things.with_raw_response.update(id="t")).typed_headers
    assert odd == features.resources.things.UpdateHeaders(None, None, None, None, None)


def test_typed_headers_have_their_declared_types_for_type_checkers(features: ModuleType, tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from features_client import AsyncFeatures, Features\n"
        "def use(c: Features) -> None:\n"
        "    reveal_type(c.things.with_raw_response.update(id='a').typed_headers.x_rate_limit_remaining)\n"
        "async def use_async(c: AsyncFeatures) -> None:\n"
        "    reveal_type((await c.things.with_raw_response.update(id='a')).typed_headers.x_regions)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
        capture_output=True, text=True, check=False, env={**os.environ, "MYPYPATH": str(Path(features.__file__).parents[1])},
    )
    assert 'Revealed type is "int | None"' in result.stdout, result.stdout
    assert 'Revealed type is "list[str] | None"' in result.stdout, result.stdout
