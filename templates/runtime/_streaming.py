"""Server-Sent Events decoding and the typed iterators over a streamed response."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import (
    DEFAULT_REQUEST_ID_HEADERS,
    APIConnectionError,
    APIError,
    APIStreamError,
    APITimeoutError,
    find_request_id,
)

__all__ = ["AsyncStream", "SSEDecoder", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")

# The sentinel some servers send as the last event's data instead of closing quietly.
_DONE = b"[DONE]"
_BOM = b"\xef\xbb\xbf"
# bytes.splitlines breaks at exactly the SSE line ends: CRLF, LF and a lone CR (unlike
# str.splitlines, which also breaks at other characters). A name of its own keeps it replaceable.
_split_lines = bytes.splitlines


class ServerSentEvent:
    """One dispatched event: its type, data (lines joined by LF), last event id and retry hint.

    `raw` is the data as it arrived, in bytes; `data` decodes it (invalid UTF-8 is replaced).
    """

    __slots__ = ("event", "id", "raw", "retry")

    def __init__(
        self,
        event: str = "message",
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
        *,
        raw: bytes | None = None,
    ) -> None:
        self.event = event
        self.raw = data.encode() if raw is None else raw
        self.id = id
        self.retry = retry

    @property
    def data(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.raw, self.id, self.retry) == (
            other.event,
            other.raw,
            other.id,
            other.retry,
        )

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, "
            f"retry={self.retry!r})"
        )


class SSEDecoder:
    """Incremental decoder following the WHATWG `text/event-stream` parsing rules.

    Feed it raw byte chunks in arrival order; chunk boundaries may fall anywhere, including inside
    a UTF-8 sequence, a byte-order mark, or between the CR and LF of a CRLF. It works on bytes
    (line ends are ASCII, so they never occur inside a multi-byte sequence) and each byte is
    scanned once, however the stream is cut.
    """

    def __init__(self) -> None:
        # The unfinished line, in the pieces it arrived in, joined once when its end arrives.
        self._pending: list[bytes] = []
        # Bytes held back at the start while they might still be a byte-order mark.
        self._head: bytes | None = b""
        # A chunk ending in CR may be the first half of a CRLF split across chunks.
        self._skip_lf = False
        self._event = ""
        self._data: list[bytes] = []
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume `chunk` and return the events it completes."""
        if self._head is not None:
            chunk = self._head + chunk
            if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
                self._head = chunk
                return []
            self._head = None
            # A single leading byte-order mark is not part of the stream.
            chunk = chunk.removeprefix(_BOM)
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 10:
                chunk = chunk[1:]
        lines = _split_lines(chunk, True)
        if not lines:
            return []
        last = lines[-1]
        # An unfinished last line waits for the rest of it (after this chunk's complete lines).
        tail = lines.pop() if last[-1] not in b"\r\n" else None
        if last[-1] == 13:
            self._skip_lf = True
        events: list[ServerSentEvent] = []
        for line in lines:
            if self._pending:
                line = b"".join([*self._pending, line])
                self._pending = []
            # Drop the line end: CRLF, LF or CR.
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
            if line.startswith(b"data:"):  # the line nearly every event is made of
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)
            elif not line:
                event = self._dispatch()
                if event is not None:
                    events.append(event)
            elif line[0] != 58:  # a line starting with ":" is a comment (a keep-alive)
                self._process_field(line)
        if tail is not None:
            self._pending.append(tail)
        return events

    def _process_field(self, line: bytes) -> None:
        field, colon, value = line.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        if field == b"data":  # `data` without a colon: an empty data line
            self._data.append(value)
        elif field == b"event":
            self._event = value.decode("utf-8", "replace")
        elif field == b"id":
            if b"\0" not in value:
                self._last_id = value.decode("utf-8", "replace")
        elif field == b"retry":
            if value.isdigit():  # bytes.isdigit() accepts ASCII digits only
                self._retry = int(value)
        # Any other field name is ignored, as the spec requires.

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent(
            event or "message",
            id=self._last_id,
            retry=self._retry,
            raw=data[0] if len(data) == 1 else b"\n".join(data),
        )


class _EventParser(Generic[_T]):
    """Turns events into `cast_to` items; built once per stream, so per-event work is only parsing."""

    def __init__(self, cast_to: type[_T], request_id: str | None) -> None:
        from ._models import (
            json_parser,  # pydantic is imported on first use, not with the package
        )

        self._parse = json_parser(cast_to)
        self._request_id = request_id

    def __call__(self, sse: ServerSentEvent) -> _T:
        raw = sse.raw
        # Only an event that mentions "error" can be one; the rest skip the extra decoding.
        if b'"error"' in raw or sse.event == "error":
            self._raise_if_error(sse)
        try:
            return self._parse(raw)
        except ValueError as exc:
            raise APIError(
                f"Could not decode stream event data as JSON: {sse.data!r}", body=sse.data
            ) from exc

    def _raise_if_error(self, sse: ServerSentEvent) -> None:
        try:
            payload = json.loads(sse.raw)
        except ValueError:
            if sse.event == "error":
                raise APIStreamError(sse.data, body=sse.data, request_id=self._request_id) from None
            return
        error = payload.get("error") if isinstance(payload, dict) else None
        if error is None and sse.event == "error":
            error = payload
        if isinstance(error, dict) or (isinstance(error, str) and error):
            # Errors after the 200 status line can only be reported inside the stream, as an object
            # (`{"error": {"message": ..., "code": 502}}`) or, from some servers, as a bare string.
            message = error.get("message") if isinstance(error, dict) else error
            code = error.get("code") if isinstance(error, dict) else None
            raise APIStreamError(
                message if isinstance(message, str) else json.dumps(error),
                body=payload,
                code=code if isinstance(code, (int, str)) and not isinstance(code, bool) else None,
                request_id=self._request_id,
            )


def _stream_error(error: httpx.RequestError) -> APIConnectionError:
    """The client's own error for a transport failure after the response has started."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError()
    return APIConnectionError(f"Connection error while streaming: {error}")


# Opens the stream again after a failure before its first event reached the caller; raises the
# failure when it may not be retried.
Reconnect = Callable[[APIError], httpx.Response]
AsyncReconnect = Callable[[APIError], Awaitable[httpx.Response]]


class _StreamBase(Generic[_T]):
    """What sync and async streams hold: the current response and how to parse its events."""

    def __init__(
        self, cast_to: type[_T], response: httpx.Response, request_id_headers: Sequence[str]
    ) -> None:
        self.response = response
        self._cast_to = cast_to
        self._request_id_headers = request_id_headers

    @property
    def request_id(self) -> str | None:
        """The server's id for the request that opened this stream, if the response names one."""
        return find_request_id(self.response.headers, self._request_id_headers)

    def _event_parser(self) -> _EventParser[_T]:
        return _EventParser(self._cast_to, self.request_id)


class Stream(_StreamBase[_T]):
    """Iterator over the items of a streamed response.

    Until its first item reaches you, a stream that fails (connection lost, or an error event the
    API marks as transient) is opened again, within the client's retries and time budget; after
    that, failures raise, so no item is ever repeated. Use it as a context manager, or break out of
    the loop, or call `close()`: the connection is released at once, and also when an unclosed
    stream is garbage-collected.
    """

    def __init__(
        self,
        cast_to: type[_T],
        response: httpx.Response,
        *,
        reconnect: Reconnect | None = None,
        request_id_headers: Sequence[str] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        super().__init__(cast_to, response, request_id_headers)
        self._reconnect = reconnect
        self._iterator = self._iter_items()
        # A stream dropped before it was iterated still holds its response: release it then.
        self._finalizer = weakref.finalize(self, response.close)

    def _iter_items(self) -> Generator[_T, None, None]:
        delivered = False
        try:
            while True:
                try:
                    for item in self._iter_response(self.response):
                        delivered = True
                        yield item
                    return
                except (APIConnectionError, APIStreamError) as failure:
                    if delivered or self._reconnect is None:
                        raise
                    self.response.close()
                    self.response = self._reconnect(failure)
        finally:
            self.response.close()

    def _iter_response(self, response: httpx.Response) -> Generator[_T, None, None]:
        parse = self._event_parser()
        decoder = SSEDecoder()
        try:
            for chunk in response.iter_bytes():
                for sse in decoder.feed(chunk):
                    if sse.raw == _DONE:
                        return
                    yield parse(sse)
        except httpx.RequestError as error:
            raise _stream_error(error) from error

    def __iter__(self) -> Iterator[_T]:
        # A fresh generator per loop: when a `for` loop is left early it is dropped, and dropping
        # it closes the stream at once.
        try:
            yield from self._iterator
        finally:
            self.close()

    def __next__(self) -> _T:
        return next(self._iterator)

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop iterating and release the HTTP connection."""
        self._iterator.close()
        # An iterator that never started has no `finally` to run, so close directly too.
        self.response.close()


class AsyncStream(_StreamBase[_T]):
    """Async iterator over the items of a streamed response (see `Stream`).

    Breaking out of `async for`, leaving `async with`, `await close()` or cancelling the task
    that reads it releases the connection.
    """

    def __init__(
        self,
        cast_to: type[_T],
        response: httpx.Response,
        *,
        reconnect: AsyncReconnect | None = None,
        request_id_headers: Sequence[str] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        super().__init__(cast_to, response, request_id_headers)
        self._reconnect = reconnect
        self._iterator = self._iter_items()
        self._finalizer = weakref.finalize(self, _release_later, response, _running_loop())

    async def _iter_items(self) -> AsyncGenerator[_T, None]:
        delivered = False
        try:
            while True:
                try:
                    async for item in self._iter_response(self.response):
                        delivered = True
                        yield item
                    return
                except (APIConnectionError, APIStreamError) as failure:
                    if delivered or self._reconnect is None:
                        raise
                    await self.response.aclose()
                    self.response = await self._reconnect(failure)
        finally:
            await self.response.aclose()

    async def _iter_response(self, response: httpx.Response) -> AsyncGenerator[_T, None]:
        parse = self._event_parser()
        decoder = SSEDecoder()
        try:
            async for chunk in response.aiter_bytes():
                for sse in decoder.feed(chunk):
                    if sse.raw == _DONE:
                        return
                    yield parse(sse)
        except httpx.RequestError as error:
            raise _stream_error(error) from error

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._guarded()

    async def _guarded(self) -> AsyncGenerator[_T, None]:
        # A fresh generator per loop; when a loop is left early, asyncio closes it, and with it
        # the stream.
        try:
            async for item in self._iterator:
                yield item
        finally:
            await self.close()

    async def __anext__(self) -> _T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop iterating and release the HTTP connection."""
        await self._iterator.aclose()
        await self.response.aclose()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# Closing tasks started by garbage collection, kept referenced until they finish.
_closing: set[asyncio.Task[None]] = set()


def _release_later(response: httpx.Response, loop: asyncio.AbstractEventLoop | None) -> None:
    """Close the response of an async stream that was dropped unclosed (closing needs its loop)."""
    if response.is_closed or loop is None or loop.is_closed():
        return

    def start() -> None:
        task = loop.create_task(response.aclose())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    loop.call_soon_threadsafe(start)
