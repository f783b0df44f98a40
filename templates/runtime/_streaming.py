"""Server-Sent Events decoding and the typed iterators over a streamed response."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, TypeVar

import httpx

from ._exceptions import APIConnectionError, APIError, APITimeoutError

__all__ = ["AsyncStream", "SSEDecoder", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")

# The SSE grammar accepts CRLF, LF and a lone CR as line terminators.
_LINE_END = re.compile(r"\r\n|\r|\n")

# The sentinel some servers send as the last event's data instead of closing quietly.
_DONE = "[DONE]"


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event: its type, data (lines joined by LF), last event id and retry hint."""

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental decoder following the WHATWG `text/event-stream` parsing rules.

    Feed it raw byte chunks in arrival order; chunk boundaries may fall anywhere,
    including inside a UTF-8 sequence or between the CR and LF of a CRLF.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        # The unfinished line, in the pieces it arrived in: joined once, when its end arrives, so a
        # long line fed in small chunks costs time in proportion to its length.
        self._pending: list[str] = []
        self._started = False
        # A chunk ending in CR may be the first half of a CRLF split across chunks.
        self._skip_lf = False
        self._event = ""
        self._data: list[str] = []
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume `chunk` and return the events it completes."""
        text = self._utf8.decode(chunk)
        if not self._started and text:
            self._started = True
            # A single leading byte-order mark is not part of the stream.
            text = text.removeprefix("\ufeff")
        if self._skip_lf and text:
            self._skip_lf = False
            text = text.removeprefix("\n")

        events: list[ServerSentEvent] = []
        start = 0
        for match in _LINE_END.finditer(text):
            line = text[start : match.start()]
            if self._pending:
                line = "".join([*self._pending, line])
                self._pending = []
            event = self._process_line(line)
            if event is not None:
                events.append(event)
            start = match.end()
            if match.group() == "\r" and start == len(text):
                self._skip_lf = True
        if start < len(text):
            self._pending.append(text[start:])
        return events

    def _process_line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            # Comment line, used by servers as a keep-alive; carries nothing.
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry":
            if value.isascii() and value.isdigit():
                self._retry = int(value)
        # Any other field name is ignored, as the spec requires.
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent(
            event=event or "message",
            data="\n".join(data),
            id=self._last_id,
            retry=self._retry,
        )


def _decode_event(cast_to: type[_T], sse: ServerSentEvent) -> _T:
    """Turn one event's JSON data into `cast_to`, raising APIError for an in-stream error."""
    try:
        payload = json.loads(sse.data)
    except ValueError as exc:
        raise APIError(
            f"Could not decode stream event data as JSON: {sse.data!r}", body=sse.data
        ) from exc
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict) or (isinstance(error, str) and error):
        # Errors after the 200 status line can only be reported inside the stream, as an object
        # (`{"error": {"message": ...}}`) or, from some servers, as a bare string.
        message = error.get("message") if isinstance(error, dict) else error
        raise APIError(message if isinstance(message, str) else json.dumps(error), body=payload)
    from ._models import (
        parse_partial,  # pydantic is imported on first use, not with the package
    )

    return parse_partial(cast_to, payload)


def _stream_error(error: httpx.RequestError) -> APIConnectionError:
    """The client's own error for a transport failure after the response has started."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError()
    return APIConnectionError(f"Connection error while streaming: {error}")


class Stream(Generic[_T]):
    """Iterator over the items of a streamed response; closes the response when done."""

    response: httpx.Response

    def __init__(self, cast_to: type[_T], response: httpx.Response) -> None:
        self.response = response
        self._cast_to = cast_to
        self._iterator = self._iter_items()

    def _iter_items(self) -> Generator[_T, None, None]:
        decoder = SSEDecoder()
        try:
            for chunk in self.response.iter_bytes():
                for sse in decoder.feed(chunk):
                    if sse.data == _DONE:
                        return
                    yield _decode_event(self._cast_to, sse)
        except httpx.RequestError as error:
            raise _stream_error(error) from error
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[_T]:
        return self

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


class AsyncStream(Generic[_T]):
    """Async iterator over the items of a streamed response; closes the response when done."""

    response: httpx.Response

    def __init__(self, cast_to: type[_T], response: httpx.Response) -> None:
        self.response = response
        self._cast_to = cast_to
        self._iterator = self._iter_items()

    async def _iter_items(self) -> AsyncGenerator[_T, None]:
        decoder = SSEDecoder()
        try:
            async for chunk in self.response.aiter_bytes():
                for sse in decoder.feed(chunk):
                    if sse.data == _DONE:
                        return
                    yield _decode_event(self._cast_to, sse)
        except httpx.RequestError as error:
            raise _stream_error(error) from error
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[_T]:
        return self

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
