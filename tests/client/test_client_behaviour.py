"""Behaviour of the generated client against a real local HTTP server, sync and async alike."""

from __future__ import annotations

import ast
import asyncio
import email.utils
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import httpx
import openrouter_client
import pytest
from openrouter_client import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    models,
)
from openrouter_client._base_client import RequestOptions, format_path
from openrouter_client._models import to_wire
from openrouter_client._response import RAW_RESPONSE_HEADER
from openrouter_client._streaming import ServerSentEvent, SSEDecoder
from openrouter_client._types import NOT_GIVEN, NotGiven, strip_not_given

from .conftest import GENERATED, REPO_ROOT, Canned, Driver, ScriptedServer, json_reply, sse_reply

COMPLETION: dict[str, Any] = {
    "id": "cmpl-123",
    "object": "text_completion",
    "created": 1700000000,
    "model": "openai/gpt-4o-mini",
    "choices": [{"text": "Hello there", "index": 0, "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}


def completion(**changes: Any) -> dict[str, Any]:
    return {**COMPLETION, **changes}


def chunk_event(text: str) -> str:
    choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}
    return "data: " + json.dumps(completion(choices=[choice], usage=None)) + "\n\n"


# --- requests and responses -------------------------------------------------------


def test_parses_typed_completion(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))

    result = driver.create(prompt="Say hello", model="openai/gpt-4o-mini")

    assert isinstance(result, models.CompletionResponse)
    assert result.id == "cmpl-123"
    assert result.object == "text_completion"
    assert result.choices[0].text == "Hello there"
    assert result.choices[0].finish_reason is models.CompletionFinishReason("stop")
    assert isinstance(result.usage, models.CompletionUsage)
    assert result.usage.total_tokens == 5
    assert result.system_fingerprint is None

    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/api/v1/completions"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"]
    assert request.headers["x-retry-count"] == "0"


def test_sends_only_given_fields(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))

    driver.create(prompt="Hi", max_tokens=None, temperature=0.5)

    # Exact equality: omitted arguments (model, stop, stream, ...) are absent, None is null.
    assert server.requests[0].json() == {"prompt": "Hi", "max_tokens": None, "temperature": 0.5}
    assert b'"max_tokens":null' in server.requests[0].body.replace(b" ", b"")


@pytest.mark.parametrize("form", ["dict", "model"])
def test_nested_param_uses_wire_name_schema(
    driver: Driver, server: ScriptedServer, form: str
) -> None:
    server.enqueue(json_reply(COMPLETION))
    response_format: Any
    if form == "dict":
        response_format = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": {"type": "object"}},
        }
    else:
        response_format = models.ResponseFormatJSONSchema(
            type="json_schema",
            json_schema=models.JSONSchemaConfig(name="answer", schema={"type": "object"}),
        )

    driver.create(prompt="Hi", response_format=response_format)

    # Unset model fields (description, strict) stay off the wire.
    assert server.requests[0].json()["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": {"type": "object"}},
    }


def test_extra_headers_query_and_body_are_merged(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))

    driver.create(
        prompt="Hi",
        extra_headers={"X-Title": "tests"},
        extra_query={"debug": "1"},
        extra_body={"top_p": 0.9, "prompt": "overridden"},
    )

    (request,) = server.requests
    assert request.path == "/api/v1/completions?debug=1"
    assert request.headers["x-title"] == "tests"
    assert request.json() == {"prompt": "overridden", "top_p": 0.9}


def test_unknown_enum_value_and_extra_fields_parse(driver: Driver, server: ScriptedServer) -> None:
    choice = {
        "text": "",
        "index": 0,
        "logprobs": None,
        "finish_reason": "tool_calls",
        "native_finish_reason": "x",
    }
    server.enqueue(json_reply(completion(choices=[choice], provider="SomeProvider")))

    result = driver.create(prompt="Hi")

    finish_reason = result.choices[0].finish_reason
    assert isinstance(finish_reason, models.CompletionFinishReason)
    assert finish_reason == "tool_calls"
    assert finish_reason.value == "tool_calls"
    assert result.choices[0].model_extra == {"native_finish_reason": "x"}
    assert result.model_extra == {"provider": "SomeProvider"}


def test_with_raw_response(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION, headers={"X-Request-Id": "req-42"}))

    raw = driver.raw_create(prompt="Hi")

    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-42"
    assert raw.json()["id"] == "cmpl-123"
    assert '"cmpl-123"' in raw.text
    parsed = raw.parse()
    assert isinstance(parsed, models.CompletionResponse)
    assert raw.parse() is parsed
    # The marker header only steers the client; it never reaches the server.
    assert RAW_RESPONSE_HEADER.lower() not in server.requests[0].headers


def test_generic_request_with_path_and_query(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({"ok": True}))
    options = RequestOptions(
        method="get",
        path=format_path("/models/{id}/endpoints", {"id": "../admin"}),
        query={"tags": ["a", "b"], "flag": True, "skipped": NOT_GIVEN, "absent": None, "n": 3},
        extra_query={"extra": "1"},
    )

    result = driver.run(lambda client: client.request(dict, options))

    assert result == {"ok": True}
    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == "/api/v1/models/..%2Fadmin/endpoints?tags=a&tags=b&flag=true&n=3&extra=1"
    assert request.body == b""


def test_empty_body_with_none_type(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(Canned(status=204))
    options = RequestOptions(method="delete", path=format_path("/things/{id}", {"id": 7}))

    assert driver.run(lambda client: client.request(type(None), options)) is None
    assert server.requests[0].path == "/api/v1/things/7"


# --- authentication ---------------------------------------------------------------


def test_bearer_from_api_key_argument(
    driver: Driver, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "env-key")
    server.enqueue(json_reply(COMPLETION))

    driver.create(prompt="Hi")

    assert server.requests[0].headers["authorization"] == "Bearer test-key"


def test_bearer_from_environment(
    driver: Driver, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "env-key")
    server.enqueue(json_reply(COMPLETION))

    driver.run(lambda client: client.completions.create(prompt="Hi"), api_key=None)

    assert server.requests[0].headers["authorization"] == "Bearer env-key"


def test_a_callable_api_key_is_asked_once_for_every_call(
    driver: Driver, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    tokens = iter(["token-1", "token-2"])
    server.enqueue(json_reply({}, 500), json_reply(COMPLETION), json_reply(COMPLETION))

    async def twice(client: Any) -> None:
        await client.completions.create(prompt="Hi")  # retried once: the same request again
        await client.completions.create(prompt="Hi")

    def twice_sync(client: Any) -> None:
        client.completions.create(prompt="Hi")
        client.completions.create(prompt="Hi")

    driver.run(twice if driver.is_async else twice_sync, api_key=lambda: next(tokens))

    sent = [r.headers["authorization"] for r in server.requests]
    assert sent == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_missing_api_key(driver: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)

    with pytest.raises(APIError) as caught:
        driver.make_client(api_key=None)

    assert "api_key" in caught.value.message
    assert "OPENROUTER_API_KEY" in caught.value.message


# --- streaming --------------------------------------------------------------------


def test_streaming_skips_comments_and_stops_at_done(driver: Driver, server: ScriptedServer) -> None:
    first, second = chunk_event("Hel"), chunk_event("lo")
    server.enqueue(
        sse_reply(
            ": OPENROUTER PROCESSING\n\n",
            first[:25],  # an event split across two writes
            first[25:],
            ": OPENROUTER PROCESSING\r\n\r\n",
            second.replace("\n", "\r\n"),
            "data: [DONE]\n\n",
            chunk_event("never read"),
        )
    )

    items, stream = driver.stream(prompt="Hi")

    assert [item.choices[0].text for item in items] == ["Hel", "lo"]
    assert all(isinstance(item, models.CompletionResponse) for item in items)
    assert stream.response.is_closed
    (request,) = server.requests
    assert request.headers["accept"] == "text/event-stream"
    assert request.json() == {"prompt": "Hi", "stream": True}


def test_mid_stream_error_raises(driver: Driver, server: ScriptedServer) -> None:
    error = {"error": {"message": "Provider disconnected", "code": 502}}
    server.enqueue(sse_reply(chunk_event("partial"), "data: " + json.dumps(error) + "\n\n"))

    with pytest.raises(APIError) as caught:
        driver.stream(prompt="Hi")

    assert not isinstance(caught.value, APIStatusError)
    assert caught.value.message == "Provider disconnected"
    assert caught.value.body == error


def test_streamed_chunks_with_null_required_fields_still_parse(
    driver: Driver, server: ScriptedServer
) -> None:
    # OpenRouter streams `finish_reason: null` until the last chunk, though the spec requires it.
    partial = {"text": "Hel", "index": 0, "logprobs": None, "finish_reason": None}
    server.enqueue(
        sse_reply(
            "data: " + json.dumps(completion(choices=[partial], usage=None)) + "\n\n",
            chunk_event("lo"),
            "data: [DONE]\n\n",
        )
    )

    items, _ = driver.stream(prompt="Hi")

    assert [type(item) for item in items] == [models.CompletionResponse] * 2
    assert isinstance(items[0].choices[0], models.CompletionChoice)
    assert items[0].choices[0].text == "Hel" and items[0].choices[0].finish_reason is None
    assert items[1].choices[0].finish_reason == "stop"


def test_stream_close_releases_response(server: ScriptedServer) -> None:
    server.enqueue(sse_reply(chunk_event("a"), chunk_event("b"), "data: [DONE]\n\n"))

    with openrouter_client.OpenRouter(base_url=server.url, api_key="k") as client:
        with client.completions.create(prompt="Hi", stream=True) as stream:
            assert next(stream).choices[0].text == "a"
        assert stream.response.is_closed


def test_stream_cut_off_raises_connection_error(driver: Driver, server: ScriptedServer) -> None:
    reply = sse_reply(chunk_event("a"), "data: {")
    reply.headers["Content-Length"] = "100000"  # promises more than is sent before closing
    server.enqueue(reply)

    with pytest.raises(APIConnectionError) as caught:
        driver.stream(prompt="Hi")

    assert not isinstance(caught.value, APITimeoutError)


def test_streamed_raw_response_parses_to_stream(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(sse_reply(chunk_event("a"), "data: [DONE]\n\n"))

    def call(client: Any) -> Any:
        return client.completions.with_raw_response.create(prompt="Hi", stream=True)

    if driver.is_async:

        async def main() -> list[str]:
            async with driver.make_client() as client:
                raw = await call(client)
                assert isinstance(raw, APIResponse)
                stream = raw.parse()
                assert isinstance(stream, openrouter_client.AsyncStream)
                return [item.choices[0].text async for item in stream]

        texts = asyncio.run(main())
    else:
        with driver.make_client() as client:
            raw = call(client)
            assert isinstance(raw, APIResponse)
            stream = raw.parse()
            assert isinstance(stream, openrouter_client.Stream)
            texts = [item.choices[0].text for item in stream]
    assert texts == ["a"]


# --- errors and retries -----------------------------------------------------------


def test_429_honours_retry_after(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        json_reply({"error": {"message": "slow down"}}, 429, {"Retry-After": "3"}),
        json_reply(COMPLETION),
    )

    result = driver.create(prompt="Hi")

    assert isinstance(result, models.CompletionResponse)
    assert len(server.requests) == 2
    assert driver.sleeps == [3.0]
    assert [r.headers["x-retry-count"] for r in server.requests] == ["0", "1"]


def test_retry_after_ms_takes_precedence(driver: Driver, server: ScriptedServer) -> None:
    headers = {"retry-after-ms": "250", "Retry-After": "5"}
    server.enqueue(json_reply({}, 503, headers), json_reply(COMPLETION))

    driver.create(prompt="Hi")

    assert driver.sleeps == [0.25]


def test_retry_after_http_date(driver: Driver, server: ScriptedServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=10)
    server.enqueue(
        json_reply({}, 429, {"Retry-After": email.utils.format_datetime(when, usegmt=True)})
    )
    server.enqueue(json_reply(COMPLETION))

    driver.create(prompt="Hi")

    (delay,) = driver.sleeps
    assert 8.0 < delay <= 10.0


def test_retry_after_too_long_falls_back_to_backoff(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({}, 429, {"Retry-After": "120"}), json_reply(COMPLETION))

    driver.create(prompt="Hi")

    (delay,) = driver.sleeps
    assert 0.375 <= delay <= 0.5


def test_server_errors_retried_then_raised(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(*[json_reply({"error": {"message": "upstream failed"}}, 500) for _ in range(3)])

    with pytest.raises(InternalServerError) as caught:
        driver.create(prompt="Hi")

    assert caught.value.status_code == 500
    assert caught.value.message == "upstream failed"
    assert len(server.requests) == 3
    first, second = driver.sleeps
    # Exponential backoff with up to 25% jitter taken off.
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0


def test_with_options_changes_settings_for_the_calls_made_through_it(
    driver: Driver, server: ScriptedServer
) -> None:
    server.enqueue(json_reply({}, 500), json_reply({}, 500), json_reply(COMPLETION))
    seen: dict[str, Any] = {}

    def call(client: Any) -> Any:
        once = client.with_options(max_retries=0, timeout=3.5, default_headers={"X-Trace": "t1"})
        seen.update(shared=once._http is client._http, bound=once.completions._client is once,
                    original=client.completions._client is client, retries=client.max_retries)
        return once.completions.create(prompt="Hi")

    with pytest.raises(InternalServerError):
        driver.run(call)
    assert seen == {"shared": True, "bound": True, "original": True, "retries": 2}
    assert len(server.requests) == 1 and server.requests[0].headers["x-trace"] == "t1"

    # The client it came from keeps its own retries and headers.
    driver.create(prompt="Hi")
    assert len(server.requests) == 3 and "x-trace" not in server.requests[2].headers


def test_rate_limit_error_after_retries(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        json_reply({}, 429, {"Retry-After": "0"}), json_reply({}, 429, {"Retry-After": "0"})
    )

    with pytest.raises(RateLimitError):
        driver.run(lambda client: client.completions.create(prompt="Hi"), max_retries=1)

    assert len(server.requests) == 2
    assert driver.sleeps == [0.0]


def test_no_retry_on_401(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        json_reply({"error": {"message": "No auth credentials found", "code": 401}}, 401)
    )
    server.enqueue(json_reply(COMPLETION))

    with pytest.raises(AuthenticationError) as caught:
        driver.create(prompt="Hi")

    assert caught.value.status_code == 401
    assert len(server.requests) == 1
    assert driver.sleeps == []


def test_400_is_bad_request_with_body(driver: Driver, server: ScriptedServer) -> None:
    body = {"error": {"message": "prompt is required", "code": 400}}
    server.enqueue(json_reply(body, 400))

    with pytest.raises(BadRequestError) as caught:
        driver.create(prompt="")

    assert caught.value.status_code == 400
    assert caught.value.body == body
    assert caught.value.message == "prompt is required"
    assert caught.value.response.status_code == 400
    assert len(server.requests) == 1


def test_non_json_error_uses_status_line(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        Canned(status=404, body=b"no such route", headers={"Content-Type": "text/plain"})
    )

    with pytest.raises(NotFoundError) as caught:
        driver.create(prompt="Hi")

    assert caught.value.message == "HTTP 404 Not Found: no such route"
    assert caught.value.body == "no such route"


@pytest.mark.parametrize("where", ["client", "request"])
def test_timeout(driver: Driver, server: ScriptedServer, where: str) -> None:
    server.enqueue(json_reply(COMPLETION, delay=2.0), json_reply(COMPLETION, delay=2.0))
    client_timeout = 0.2 if where == "client" else 30.0
    request_timeout: Any = 0.2 if where == "request" else NOT_GIVEN

    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        driver.run(
            lambda client: client.completions.create(prompt="Hi", timeout=request_timeout),
            timeout=client_timeout,
            max_retries=1,
        )

    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 2  # timeouts are retried
    assert len(driver.sleeps) == 1


def test_connection_refused(driver: Driver) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is now closed: nothing listens there.

    with pytest.raises(APIConnectionError) as caught:
        driver.run(
            lambda client: client.completions.create(prompt="Hi"),
            base_url=f"http://127.0.0.1:{port}",
            max_retries=0,
        )

    assert not isinstance(caught.value, APITimeoutError)
    assert driver.sleeps == []


def test_connection_errors_are_retried(driver: Driver) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(APIConnectionError):
        driver.run(
            lambda client: client.completions.create(prompt="Hi"),
            base_url=f"http://127.0.0.1:{port}",
            max_retries=2,
        )

    assert len(driver.sleeps) == 2


def test_caller_supplied_http_client_is_left_open(server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))
    http_client = httpx.Client()

    with openrouter_client.OpenRouter(
        base_url=server.url, api_key="k", http_client=http_client
    ) as client:
        client.completions.create(prompt="Hi")

    assert not http_client.is_closed
    http_client.close()


# --- runtime helpers --------------------------------------------------------------


def test_format_path_encodes_values() -> None:
    assert format_path("/models/{id}", {"id": "../secrets"}) == "/models/..%2Fsecrets"
    assert format_path("/models/{id}", {"id": "{other}"}) == "/models/%7Bother%7D"
    assert format_path("/models/{id}", {"id": "a b?c#d&e"}) == "/models/a%20b%3Fc%23d%26e"
    assert format_path("/models/{id}/x", {"id": ".."}) == "/models/%2E%2E/x"
    assert format_path("/a/{x}/{y}", {"x": True, "y": 3}) == "/a/true/3"
    # A value that looks like a placeholder is not substituted again.
    assert format_path("/a/{x}/{y}", {"x": "{y}", "y": "z"}) == "/a/%7By%7D/z"


def test_format_path_ignores_format_syntax() -> None:
    # str.format would evaluate attribute and index lookups here.
    with pytest.raises(ValueError, match="Missing path parameter"):
        format_path("/a/{id.__class__}", {"id": "x"})
    with pytest.raises(ValueError, match="Missing path parameter"):
        format_path("/a/{id[0]}", {"id": "x"})


def test_not_given_sentinel() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert strip_not_given({"a": 1, "b": NOT_GIVEN, "c": None}) == {"a": 1, "c": None}


def test_to_wire() -> None:
    class Color(Enum):
        RED = "red"

    config = models.JSONSchemaConfig(name="n", schema={"type": "object"})
    value = {"a": (1, Color.RED), "b": NOT_GIVEN, "c": {"d": config, "e": None}}
    assert to_wire(value) == {
        "a": [1, "red"],
        "c": {"d": {"name": "n", "schema": {"type": "object"}}, "e": None},
    }


def _feed_bytewise(decoder: SSEDecoder, data: bytes) -> list[ServerSentEvent]:
    events: list[ServerSentEvent] = []
    for index in range(len(data)):
        events.extend(decoder.feed(data[index : index + 1]))
    return events


def test_sse_decoder_follows_the_spec() -> None:
    stream = (
        "\ufeff: comment\r\n"
        "event: update\r"
        "id: 7\n"
        "retry: 1500\r\n"
        "data: first line\n"
        "data:second line é\r\n"
        "unknown: ignored\n"
        "\r\n"
        "data\n"
        "\r"
        "event: no-data\n"
        "\n"
        "data:  two spaces\n"
        "\n"
        "data: incomplete at end of stream\n"
    ).encode()

    events = _feed_bytewise(SSEDecoder(), stream)

    assert events == [
        ServerSentEvent(event="update", data="first line\nsecond line é", id="7", retry=1500),
        ServerSentEvent(event="message", data="", id="7", retry=1500),
        ServerSentEvent(event="message", data=" two spaces", id="7", retry=1500),
    ]


def test_sse_decoder_whole_chunks_match_bytewise() -> None:
    data = b"data: a\r\n\r\ndata: b\r\rdata: c\n\n"
    assert SSEDecoder().feed(data) == _feed_bytewise(SSEDecoder(), data)
    assert [e.data for e in SSEDecoder().feed(data)] == ["a", "b", "c"]


# --- package shape ----------------------------------------------------------------


def test_runtime_copies_are_identical() -> None:
    runtime = REPO_ROOT / "templates" / "runtime"
    sources = sorted(runtime.glob("*.py"))
    assert sources
    for source in sources:
        template = source.read_text(encoding="utf-8")
        copy = (GENERATED / "openrouter_client" / source.name).read_text(encoding="utf-8")
        # The generator may put a comment header above the copied text, nothing else.
        header = copy[: len(copy) - len(template)] if copy.endswith(template) else None
        assert header is not None, f"{source.name} differs from its template"
        assert all(line.startswith("#") for line in header.splitlines()), source.name


def test_runtime_is_generic() -> None:
    for source in (REPO_ROOT / "templates" / "runtime").glob("*.py"):
        text = source.read_text()
        assert "openrouter" not in text.lower(), source.name
        assert "{{" not in text and "{%" not in text, source.name
        ast.parse(text)


def test_package_exports() -> None:
    exported = openrouter_client.__all__
    assert exported == sorted(exported)
    for name in exported:
        assert hasattr(openrouter_client, name), name
    for name in dir(openrouter_client._exceptions):
        attribute = getattr(openrouter_client._exceptions, name)
        if isinstance(attribute, type) and issubclass(attribute, APIError):
            assert name in exported, name


def test_a_long_line_in_small_chunks_is_scanned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A streamed base64 image arrives as one `data:` line of megabytes in small chunks: each chunk's
    # text must be searched for line ends once, not the whole line again with every chunk.
    import openrouter_client._streaming as streaming

    scanned = 0
    real = streaming._split_lines

    def counting(data: bytes, keepends: bool) -> list[bytes]:
        nonlocal scanned
        scanned += len(data)
        return real(data, keepends)

    monkeypatch.setattr(streaming, "_split_lines", counting)
    payload = "A" * 2 * 1024 * 1024
    data = f"data: {payload}\n\n".encode()
    decoder, events = SSEDecoder(), []
    for start in range(0, len(data), 1024):
        events += decoder.feed(data[start : start + 1024])
    assert [len(event.data) for event in events] == [len(payload)]
    assert scanned <= len(data)


def test_mid_stream_error_as_a_string_raises(driver: Driver, server: ScriptedServer) -> None:
    error = {"error": "upstream overloaded"}
    server.enqueue(sse_reply(chunk_event("partial"), "data: " + json.dumps(error) + "\n\n"))

    with pytest.raises(APIError) as caught:
        driver.stream(prompt="Hi")

    assert caught.value.message == "upstream overloaded" and caught.value.body == error
