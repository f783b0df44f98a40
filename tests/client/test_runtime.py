"""The client runtime against a real local server, sync and async: logs, request ids, the time
budget, streams that recover and let go, hooks and drift warnings."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
import time
from typing import Any

import httpx
import openrouter_client
import pytest
from openrouter_client import (
    APIStatusError,
    APIStreamError,
    APITimeoutError,
    InternalServerError,
    models,
)
from openrouter_client._models import parse_json

from .conftest import GENERATED, Canned, Driver, ScriptedServer, json_reply, sse_reply
from .test_client_behaviour import COMPLETION, chunk_event, completion

SECRET_KEY = "sk-or-v1-0123456789abcdef"


def error_event(code: int, message: str = "Upstream error") -> str:
    return "data: " + json.dumps({"error": {"code": code, "message": message}}) + "\n\n"


def all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


# --- logging ----------------------------------------------------------------------------


def test_logs_requests_and_retries_without_secrets(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openrouter_client")
    server.enqueue(
        json_reply({"error": {"message": "busy"}}, 503),
        json_reply(COMPLETION, headers={"x-request-id": "req-7", "Set-Cookie": "session=cookie-secret"}),
    )

    driver.run(
        lambda client: client.completions.create(
            prompt="Hi",
            extra_headers={"Cookie": "session=cookie-secret", "X-Api-Key": "header-secret"},
            extra_body={"password": "field-secret"},
        ),
        api_key=SECRET_KEY,
    )

    text = all_log_text(caplog)
    assert all(record.name.startswith("openrouter_client") for record in caplog.records)
    assert "POST" in text and "/api/v1/completions" in text
    assert "-> 503" in text and "-> 200" in text and "request id req-7" in text
    assert "Retrying POST" in text and "(retry 1 of 2)" in text and "HTTP 503" in text
    assert '"prompt": "Hi"' in text  # bodies at DEBUG
    for secret in (SECRET_KEY, "cookie-secret", "header-secret", "field-secret"):
        assert secret not in text
    assert "[redacted]" in text


def test_info_level_logs_responses_and_retries_but_no_bodies(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openrouter_client")
    server.enqueue(json_reply({}, 502), json_reply(COMPLETION))

    driver.create(prompt="Hi")

    messages = [record.getMessage() for record in caplog.records]
    assert [m.split(" -> ")[1][:3] for m in messages if " -> " in m] == ["502", "200"]
    assert any(m.startswith("Retrying POST") for m in messages)
    assert not any("prompt" in m for m in messages)


def test_configured_names_are_redacted(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger="openrouter_client")
    client_class = openrouter_client.AsyncOpenRouter if driver.is_async else openrouter_client.OpenRouter
    monkeypatch.setattr(client_class, "_redacted_names", ("x-team-token", "session_code"))
    server.enqueue(json_reply(COMPLETION))

    driver.run(
        lambda client: client.completions.create(
            prompt="Hi", extra_headers={"X-Team-Token": "tt-secret"}, extra_body={"session_code": "sc-secret"}
        )
    )

    text = all_log_text(caplog)
    assert "tt-secret" not in text and "sc-secret" not in text
    assert "x-team-token" in text.lower() and "session_code" in text


def test_log_env_variable_turns_on_a_stderr_handler(server: ScriptedServer) -> None:
    server.enqueue(json_reply({}, 500), json_reply(COMPLETION))
    program = (
        "import openrouter_client as o\n"
        f"c = o.OpenRouter(base_url={server.url + '/api/v1'!r}, max_retries=1)\n"
        "c._sleep = lambda s: None\n"
        "c.completions.create(prompt='Hi')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "OPENROUTER_API_KEY": SECRET_KEY, "OPENROUTER_LOG": "debug"}
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert "Retrying POST" in done.stderr and "-> 200 OK" in done.stderr and "Request: POST" in done.stderr
    assert SECRET_KEY not in done.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", program.replace("max_retries=1", "max_retries=0").replace("500", "")],
        env={**env, "OPENROUTER_LOG": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert quiet.stderr == "" or "Retrying" not in quiet.stderr


# --- request ids ------------------------------------------------------------------------


def test_status_errors_carry_the_request_id(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({"error": {"message": "bad key"}}, 401, headers={"X-Request-Id": "req-401"}))

    with pytest.raises(APIStatusError) as caught:
        driver.create(prompt="Hi")

    assert caught.value.request_id == "req-401"
    assert "req-401" in str(caught.value) and "bad key" in str(caught.value)


def test_raw_responses_and_streams_carry_the_request_id(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION, headers={"x-request-id": "req-raw"}))
    raw = driver.raw_create(prompt="Hi")
    assert raw.request_id == "req-raw"

    reply = sse_reply(chunk_event("a"), "data: [DONE]\n\n")
    reply.headers["x-request-id"] = "req-stream"
    server.enqueue(reply)
    _, stream = driver.stream(prompt="Hi")
    assert stream.request_id == "req-stream"


def test_request_id_headers_are_configurable(
    driver: Driver, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_class = openrouter_client.AsyncOpenRouter if driver.is_async else openrouter_client.OpenRouter
    monkeypatch.setattr(client_class, "_request_id_headers", ("x-trace-id", "x-request-id"))
    server.enqueue(json_reply({}, 404, headers={"x-request-id": "second", "x-trace-id": "first"}))

    with pytest.raises(APIStatusError) as caught:
        driver.create(prompt="Hi")

    assert caught.value.request_id == "first"


def test_error_without_a_request_id(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({"error": {"message": "nope"}}, 404))
    with pytest.raises(APIStatusError) as caught:
        driver.create(prompt="Hi")
    assert caught.value.request_id is None and str(caught.value) == "nope"


# --- one time budget --------------------------------------------------------------------


def test_total_timeout_bounds_slow_retryable_failures(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(*[json_reply({"error": {"message": "slow"}}, 503, delay=0.3) for _ in range(10)])

    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        driver.run(lambda client: client.completions.create(prompt="Hi"), sleep=True, total_timeout=1.0, max_retries=10)
    elapsed = time.monotonic() - started

    assert elapsed < 1.5
    assert "total_timeout" in str(caught.value)
    assert isinstance(caught.value.__cause__, (InternalServerError, APITimeoutError))
    # Every try began with enough budget left for its backoff.
    assert 2 <= len(server.requests) <= 3


def test_total_timeout_cuts_a_slow_try(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION, delay=5))

    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        driver.run(
            lambda client: client.with_options(total_timeout=0.5).completions.create(prompt="Hi"),
            sleep=True,
            timeout=30,
        )

    assert time.monotonic() - started < 1.5


def test_no_retry_starts_when_its_backoff_would_pass_the_budget(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({}, 429, headers={"retry-after": "5"}), json_reply(COMPLETION))

    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        driver.run(lambda client: client.completions.create(prompt="Hi"), sleep=True, total_timeout=2.0)

    assert time.monotonic() - started < 1.0 and len(server.requests) == 1


def test_total_timeout_leaves_quick_calls_alone(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({}, 500), json_reply(COMPLETION))
    result = driver.run(lambda client: client.completions.create(prompt="Hi"), total_timeout=30)
    assert result.id == "cmpl-123" and len(server.requests) == 2


def test_total_timeout_must_be_positive(driver: Driver) -> None:
    with pytest.raises(ValueError):
        driver.make_client(total_timeout=0)


# --- streams that recover and let go ----------------------------------------------------


def test_stream_whose_first_event_is_a_retryable_error_is_retried(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        sse_reply(": OPENROUTER PROCESSING\n\n", error_event(502)),
        sse_reply(chunk_event("Hel"), chunk_event("lo"), "data: [DONE]\n\n"),
    )

    items, _ = driver.stream(prompt="Hi")

    assert [item.choices[0].text for item in items] == ["Hel", "lo"]
    assert len(server.requests) == 2
    assert [r.headers["x-retry-count"] for r in server.requests] == ["0", "1"]


def test_stream_is_not_retried_once_a_chunk_was_delivered(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(
        sse_reply(chunk_event("Hel"), error_event(502)),
        sse_reply(chunk_event("never"), "data: [DONE]\n\n"),
    )
    seen: list[str] = []

    async def consume_async(client: Any) -> None:
        async for item in await client.completions.create(prompt="Hi", stream=True):
            seen.append(item.choices[0].text)

    def consume(client: Any) -> Any:
        if driver.is_async:
            return consume_async(client)
        for item in client.completions.create(prompt="Hi", stream=True):
            seen.append(item.choices[0].text)
        return None

    with pytest.raises(APIStreamError) as caught:
        driver.run(consume)

    assert seen == ["Hel"] and len(server.requests) == 1
    assert caught.value.code == 502


def test_stream_with_a_non_retryable_error_event_raises(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(sse_reply(error_event(401, "bad key")))
    with pytest.raises(APIStreamError) as caught:
        driver.stream(prompt="Hi")
    assert caught.value.message == "bad key" and len(server.requests) == 1


def test_stream_cut_before_its_first_event_is_retried(driver: Driver, server: ScriptedServer) -> None:
    cut = sse_reply(": keep-alive\n\n", "data: {")
    cut.headers["Content-Length"] = "100000"
    server.enqueue(cut, sse_reply(chunk_event("ok"), "data: [DONE]\n\n"))

    items, _ = driver.stream(prompt="Hi")

    assert [item.choices[0].text for item in items] == ["ok"] and len(server.requests) == 2


def test_stream_retries_stop_at_max_retries(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(*[sse_reply(error_event(503)) for _ in range(3)])
    with pytest.raises(APIStreamError):
        driver.stream(prompt="Hi")
    assert len(server.requests) == 3  # max_retries=2


def endless_stream() -> Canned:
    reply = sse_reply(*[chunk_event(f"t{i}") for i in range(50)])
    reply.chunk_delay = 0.05
    return reply


def test_breaking_out_of_the_loop_closes_the_connection(server: ScriptedServer) -> None:
    server.enqueue(endless_stream())
    with openrouter_client.OpenRouter(base_url=server.url, api_key="k") as client:
        stream = client.completions.create(prompt="Hi", stream=True)
        for _ in stream:
            break
        assert stream.response.is_closed
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert pool.connections == []


def test_async_break_and_close_release_the_connection(server: ScriptedServer) -> None:
    server.enqueue(endless_stream(), endless_stream())

    async def main() -> None:
        async with openrouter_client.AsyncOpenRouter(base_url=server.url, api_key="k") as client:
            stream = await client.completions.create(prompt="Hi", stream=True)
            async for _ in stream:
                break
            await asyncio.sleep(0.01)  # asyncio closes a dropped async generator on its next turn
            assert stream.response.is_closed

            other = await client.completions.create(prompt="Hi", stream=True)
            async with other:
                await other.__anext__()
            assert other.response.is_closed
            assert client._http._transport._pool.connections == []  # type: ignore[attr-defined]

    asyncio.run(main())


def test_cancelling_the_reading_task_closes_the_connection(server: ScriptedServer) -> None:
    server.enqueue(endless_stream())

    async def main() -> None:
        async with openrouter_client.AsyncOpenRouter(base_url=server.url, api_key="k") as client:
            stream = await client.completions.create(prompt="Hi", stream=True)
            started = asyncio.Event()

            async def read() -> None:
                async for _ in stream:
                    started.set()

            task = asyncio.create_task(read())
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert stream.response.is_closed
            assert client._http._transport._pool.connections == []  # type: ignore[attr-defined]

    asyncio.run(main())


def test_an_unclosed_stream_releases_its_connection_when_collected(server: ScriptedServer) -> None:
    server.enqueue(endless_stream(), endless_stream())
    with openrouter_client.OpenRouter(base_url=server.url, api_key="k") as client:
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        stream = client.completions.create(prompt="Hi", stream=True)
        next(stream)
        assert len(pool.connections) == 1
        del stream
        gc.collect()
        assert pool.connections == []

        unread = client.completions.create(prompt="Hi", stream=True)
        assert len(pool.connections) == 1
        del unread
        gc.collect()
        assert pool.connections == []


# --- hooks ------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def before_request(self, request: httpx.Request) -> httpx.Request:
        self.events.append(("before", request.headers["x-retry-count"]))
        request.headers["X-Signed"] = "yes"
        return request

    def after_response(self, response: httpx.Response) -> None:
        self.events.append(("after", response.status_code))

    def on_error(self, error: Exception, attempt: int) -> None:
        self.events.append(("error", (type(error).__name__, attempt)))


class AsyncRecorder(Recorder):
    async def before_request(self, request: httpx.Request) -> None:  # type: ignore[override]
        await asyncio.sleep(0)
        self.events.append(("before", request.headers["x-retry-count"]))
        request.headers["X-Signed"] = "yes"

    async def after_response(self, response: httpx.Response) -> None:
        await asyncio.sleep(0)
        self.events.append(("after", response.status_code))


def test_hooks_see_every_try(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply({}, 503), json_reply({}, 429), json_reply(COMPLETION))
    recorder = AsyncRecorder() if driver.is_async else Recorder()

    driver.run(lambda client: client.completions.create(prompt="Hi"), hooks=[recorder])

    assert recorder.events == [
        ("before", "0"), ("after", 503), ("error", ("InternalServerError", 1)),
        ("before", "1"), ("after", 429), ("error", ("RateLimitError", 2)),
        ("before", "2"), ("after", 200),
    ]
    assert [r.headers.get("x-signed") for r in server.requests] == ["yes"] * 3


def test_hooks_see_connection_errors_and_stream_retries(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(sse_reply(error_event(502)), sse_reply(chunk_event("a"), "data: [DONE]\n\n"))
    recorder = Recorder()

    items, _ = driver.run(lambda client: client.completions.create(prompt="Hi", stream=True), hooks=[recorder])

    assert len(items) == 1
    assert recorder.events == [
        ("before", "0"), ("after", 200), ("error", ("APIStreamError", 1)), ("before", "1"), ("after", 200),
    ]


def test_with_options_adds_hooks(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))
    first, second = Recorder(), Recorder()

    driver.run(lambda client: client.with_options(hooks=[second]).completions.create(prompt="Hi"), hooks=[first])

    assert first.events == second.events == [("before", "0"), ("after", 200)]


def test_hooks_with_only_some_methods(driver: Driver, server: ScriptedServer) -> None:
    server.enqueue(json_reply(COMPLETION))
    statuses: list[int] = []

    class Metrics:
        def after_response(self, response: httpx.Response) -> None:
            statuses.append(response.status_code)

    driver.run(lambda client: client.completions.create(prompt="Hi"), hooks=[Metrics()])
    assert statuses == [200]


# --- drift ------------------------------------------------------------------------------


def test_each_unknown_enum_value_is_warned_about_once(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="openrouter_client")
    value = f"drift_{driver.mode}"
    choice = {"text": "", "index": 0, "logprobs": None, "finish_reason": value}
    server.enqueue(*[json_reply(completion(choices=[choice])) for _ in range(3)])

    for _ in range(3):
        result = driver.create(prompt="Hi")
        assert result.choices[0].finish_reason == value

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "CompletionChoice.finish_reason" in message and repr(value) in message and "regenerate" in message


def test_unknown_enum_values_in_streams_are_warned_about(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="openrouter_client")
    value = f"stream_drift_{driver.mode}"
    choice = {"text": "x", "index": 0, "logprobs": None, "finish_reason": value}
    event = "data: " + json.dumps(completion(choices=[choice])) + "\n\n"
    server.enqueue(sse_reply(event, event, "data: [DONE]\n\n"))

    items, _ = driver.stream(prompt="Hi")

    assert [item.choices[0].finish_reason for item in items] == [value, value]
    assert sum(value in r.getMessage() for r in caplog.records) == 1


def test_known_values_and_null_chunks_warn_about_nothing(
    driver: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="openrouter_client")
    partial = {"text": "a", "index": 0, "logprobs": None, "finish_reason": None}
    server.enqueue(sse_reply("data: " + json.dumps(completion(choices=[partial])) + "\n\n", chunk_event("b")))

    driver.stream(prompt="Hi")

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_unknown_union_member_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="openrouter_client")
    union: Any = models.ResponseFormatJSONSchema | models.ResponseFormatTextGrammar

    value = parse_json(union, b'{"type": "brand_new_format", "x": 1}')

    assert value.model_extra == {"type": "brand_new_format", "x": 1}
    (warning,) = caplog.records
    assert "brand_new_format" in warning.getMessage() and "regenerate" in warning.getMessage()


def test_partial_chunks_keep_the_generated_classes(driver: Driver, server: ScriptedServer) -> None:
    partial = {"text": "a", "index": 0, "logprobs": None, "finish_reason": None}
    server.enqueue(sse_reply("data: " + json.dumps({"id": "x", "choices": [partial]}) + "\n\n"))

    (item,), _ = driver.stream(prompt="Hi")

    assert type(item) is models.CompletionResponse and type(item.choices[0]) is models.CompletionChoice
    assert item.model is None and item.choices[0].finish_reason is None
