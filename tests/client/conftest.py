"""Fixtures for the generated client: a scripted local HTTP server and sync/async drivers."""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATED = REPO_ROOT / "generated"
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))

import openrouter_client  # noqa: E402


@dataclass
class Canned:
    """One scripted reply; `chunks` are written and flushed one by one (a streamed body)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunks: list[bytes] | None = None
    # Seconds to wait after each chunk (a stream the server is still writing).
    chunk_delay: float = 0.0


def json_reply(
    payload: object, status: int = 200, headers: dict[str, str] | None = None, delay: float = 0.0
) -> Canned:
    return Canned(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        delay=delay,
    )


def sse_reply(*chunks: str | bytes) -> Canned:
    return Canned(
        headers={"Content-Type": "text/event-stream"},
        chunks=[chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks],
    )


@dataclass
class Recorded:
    """What the server saw of one request; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 answering from a queue of canned replies."""

    def __init__(self) -> None:
        self.replies: deque[Canned] = deque()
        self.requests: list[Recorded] = []
        # Replies the client hung up on before they were fully written.
        self.disconnects = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # Handlers still sleeping on a delay must not keep the test run alive.
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def enqueue(self, *replies: Canned) -> None:
        with self._lock:
            self.replies.extend(replies)

    def close(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, recorded: Recorded) -> Canned:
        with self._lock:
            self.requests.append(recorded)
            if self.replies:
                return self.replies.popleft()
        # 418 is never retried, so an unscripted request fails the test quickly.
        return json_reply(
            {"error": {"message": f"unscripted request {recorded.method} {recorded.path}"}}, 418
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(
                    method=self.command,
                    path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                reply = server._next(recorded)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.chunks is None:
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                        return
                    # A body delimited by closing the connection, sent in pieces.
                    self.send_header("Connection", "close")
                    self.close_connection = True
                    self.end_headers()
                    for chunk in reply.chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        if reply.chunk_delay and server._stopping.wait(reply.chunk_delay):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a timeout test, a stream closed early).
                    self.close_connection = True
                    server.disconnects += 1

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return Handler


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    try:
        yield scripted
    finally:
        scripted.close()


class Driver:
    """Runs one client call through OpenRouter or AsyncOpenRouter, so tests are written once."""

    def __init__(self, mode: str, server: ScriptedServer) -> None:
        self.mode = mode
        self.server = server
        self.sleeps: list[float] = []

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    def client_options(self, **overrides: Any) -> dict[str, Any]:
        options: dict[str, Any] = {
            "base_url": f"{self.server.url}/api/v1",
            "api_key": "test-key",
            "max_retries": 2,
        }
        options.update(overrides)
        return options

    def make_client(self, **overrides: Any) -> Any:
        client_class = (
            openrouter_client.AsyncOpenRouter if self.is_async else openrouter_client.OpenRouter
        )
        return client_class(**self.client_options(**overrides))

    def _record_sleeps(self, client: Any) -> None:
        # Retry delays are recorded instead of slept, keeping the suite fast.
        if self.is_async:

            async def record(seconds: float) -> None:
                self.sleeps.append(seconds)

            client._sleep = record
        else:
            client._sleep = self.sleeps.append

    def run(self, call: Callable[[Any], Any], *, sleep: bool = False, **client_overrides: Any) -> Any:
        """Call `call(client)`; awaits it for the async client and drains returned streams.

        Retry delays are recorded, not slept, unless `sleep` is set (tests of the time budget).
        """
        if not self.is_async:
            with self.make_client(**client_overrides) as client:
                if not sleep:
                    self._record_sleeps(client)
                result = call(client)
                if isinstance(result, openrouter_client.Stream):
                    return list(result), result
                return result

        async def main() -> Any:
            async with self.make_client(**client_overrides) as client:
                if not sleep:
                    self._record_sleeps(client)
                result = call(client)
                if inspect.isawaitable(result):
                    result = await result
                if isinstance(result, openrouter_client.AsyncStream):
                    return [item async for item in result], result
                return result

        return asyncio.run(main())

    def create(self, **kwargs: Any) -> Any:
        return self.run(lambda client: client.completions.create(**kwargs))

    def stream(self, **kwargs: Any) -> tuple[list[Any], Any]:
        """Items of a streamed create, and the stream object itself."""
        items, stream = self.run(lambda client: client.completions.create(stream=True, **kwargs))
        return items, stream

    def raw_create(self, **kwargs: Any) -> Any:
        return self.run(lambda client: client.completions.with_raw_response.create(**kwargs))


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest, server: ScriptedServer) -> Driver:
    return Driver(str(request.param), server)
