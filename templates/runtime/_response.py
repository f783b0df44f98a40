"""Parsing of HTTP responses, and the raw-response wrapper that exposes them unparsed."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, ParamSpec, Self, TypeVar, cast

import httpx

from ._exceptions import DEFAULT_REQUEST_ID_HEADERS, APIError, find_request_id

__all__ = [
    "APIResponse",
    "APIResponseWithHeaders",
    "AsyncStreamedResponse",
    "RAW_RESPONSE_HEADER",
    "STREAMED_RESPONSE_HEADER",
    "StreamedResponse",
    "async_to_raw_response_wrapper",
    "async_to_raw_response_with_headers_wrapper",
    "async_to_streamed_response_wrapper",
    "parse_response",
    "read_header",
    "read_header_list",
    "to_raw_response_wrapper",
    "to_raw_response_with_headers_wrapper",
    "to_streamed_response_wrapper",
]

_T = TypeVar("_T")
_R = TypeVar("_R")
_P = ParamSpec("_P")
_H = TypeVar("_H")
_V = TypeVar("_V", str, int, float, bool)

# Private markers: the base client removes them before sending and returns an APIResponse
# (body read) or a StreamedResponse (body not read yet) instead of the parsed value.
RAW_RESPONSE_HEADER = "X-Client-Raw-Response"
STREAMED_RESPONSE_HEADER = "X-Client-Streamed-Response"

# Builds a Stream or AsyncStream; kept abstract so this module does not pick sync or async.
StreamFactory = Callable[[type[Any], httpx.Response], object]


def parse_response(cast_to: type[_T], response: httpx.Response) -> _T:
    """Decode a successful response's body into `cast_to`."""
    if cast_to is type(None):
        # Operations without a response schema ignore whatever body there is.
        return None
    if cast_to is bytes:
        return cast(_T, response.content)
    content_type = response.headers.get("content-type", "")
    if cast_to is str and "json" not in content_type:
        return cast(_T, response.text)
    from ._models import (  # pydantic is imported on the first parsed response, not with the package
        parse_json,
    )

    try:
        # The body's bytes go straight to the validator: no dict of it is built first.
        return parse_json(cast_to, response.content)
    except ValueError as exc:
        raise APIError(
            f"Could not decode the response body as JSON (content-type {content_type!r})",
            body=response.text,
        ) from exc


class APIResponse(Generic[_T]):
    """An HTTP response together with the type its body parses into."""

    http_response: httpx.Response

    def __init__(
        self,
        *,
        cast_to: type[_T],
        http_response: httpx.Response,
        stream_factory: StreamFactory | None = None,
        request_id_headers: Sequence[str] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        self.http_response = http_response
        self._cast_to = cast_to
        self._request_id_headers = request_id_headers
        # Set for streamed requests: parse() then yields a stream over the unread body.
        self._stream_factory = stream_factory
        self._parsed: _T | None = None
        self._is_parsed = False

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id for this request (quote it to support), if the response names one."""
        return find_request_id(self.http_response.headers, self._request_id_headers)

    @property
    def text(self) -> str:
        """The decoded body; not available on a streamed response before it is read."""
        return self.http_response.text

    def json(self) -> Any:
        return self.http_response.json()

    def parse(self) -> _T:
        """The body as `cast_to` (a stream for streamed requests); computed once."""
        if not self._is_parsed:
            if self._stream_factory is not None:
                self._parsed = cast(_T, self._stream_factory(self._cast_to, self.http_response))
            else:
                self._parsed = parse_response(self._cast_to, self.http_response)
            self._is_parsed = True
        return cast(_T, self._parsed)

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] type={self._cast_to!r}>"


class APIResponseWithHeaders(APIResponse[_T], Generic[_T, _H]):
    """An APIResponse of an operation that declares response headers: `typed_headers` reads them."""

    def __init__(
        self, response: APIResponse[_T], read_headers: Callable[[httpx.Headers], _H]
    ) -> None:
        super().__init__(
            cast_to=response._cast_to,
            http_response=response.http_response,
            stream_factory=response._stream_factory,
            request_id_headers=response._request_id_headers,
        )
        self._read_headers = read_headers

    @property
    def typed_headers(self) -> _H:
        """The declared headers, each as its declared type (None when absent or not of that type)."""
        return self._read_headers(self.http_response.headers)


def read_header(headers: httpx.Headers, name: str, kind: type[_V]) -> _V | None:
    """Header `name` as `kind`; None when it is missing or its value is not of that type.

    A malformed header must not cost the caller the response it came with.
    """
    value = headers.get(name)
    return None if value is None else _convert(value.strip(), kind)


def read_header_list(headers: httpx.Headers, name: str, kind: type[_V]) -> list[_V] | None:
    """An array header (`simple` style: `a,b,c`, or the header repeated) as a list of `kind`."""
    values = [
        item.strip() for line in headers.get_list(name) for item in line.split(",") if item.strip()
    ]
    if not headers.get_list(name):
        return None
    converted = [_convert(item, kind) for item in values]
    return None if any(item is None for item in converted) else cast(list[_V], converted)


def _convert(value: str, kind: type[_V]) -> _V | None:
    if kind is bool:
        flag = {"true": True, "false": False}.get(value.lower())
        return cast(_V, flag)
    try:
        return kind(value)
    except ValueError:
        return None


class StreamedResponse(Generic[_T]):
    """A response whose body has not been read: iterate it, save it, or parse it; then close it.

    Use it as a context manager so the connection is released even when the body is not read.
    """

    def __init__(self, *, cast_to: type[_T], http_response: httpx.Response) -> None:
        self.http_response = http_response
        self._cast_to = cast_to

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks as it arrives, never all of it in memory."""
        return self.http_response.iter_bytes(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def write_to_file(self, path: str | os.PathLike[str], chunk_size: int = 65536) -> int:
        """Stream the body into `path`; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:
            for chunk in self.http_response.iter_bytes(chunk_size):
                written += file.write(chunk)
        return written

    def read(self) -> bytes:
        return self.http_response.read()

    def parse(self) -> _T:
        """Read the whole body and parse it as the operation's return type."""
        self.http_response.read()
        return parse_response(self._cast_to, self.http_response)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class AsyncStreamedResponse(Generic[_T]):
    """The asyncio twin of StreamedResponse."""

    def __init__(self, *, cast_to: type[_T], http_response: httpx.Response) -> None:
        self.http_response = http_response
        self._cast_to = cast_to

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in chunks as it arrives, never all of it in memory."""
        return self.http_response.aiter_bytes(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def write_to_file(self, path: str | os.PathLike[str], chunk_size: int = 65536) -> int:
        """Stream the body into `path`; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                written += file.write(chunk)
        return written

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def parse(self) -> _T:
        """Read the whole body and parse it as the operation's return type."""
        await self.http_response.aread()
        return parse_response(self._cast_to, self.http_response)

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


def _with_marker(kwargs: dict[str, Any], header: str) -> None:
    extra_headers = dict(kwargs.get("extra_headers") or {})
    extra_headers[header] = "true"
    kwargs["extra_headers"] = extra_headers


def _with_raw_header(kwargs: dict[str, Any]) -> None:
    _with_marker(kwargs, RAW_RESPONSE_HEADER)


def to_raw_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, APIResponse[_R]]:
    """Wrap a resource method so it returns the APIResponse instead of the parsed body."""

    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_R]:
        _with_raw_header(kwargs)
        # The base client sees the marker header and returns an APIResponse.
        return cast(APIResponse[_R], func(*args, **kwargs))

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[_P, Awaitable[_R]],
) -> Callable[_P, Awaitable[APIResponse[_R]]]:
    """Wrap an async resource method so it returns the APIResponse instead of the parsed body."""

    @functools.wraps(func)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_R]:
        _with_raw_header(kwargs)
        return cast(APIResponse[_R], await func(*args, **kwargs))

    return wrapped


def to_raw_response_with_headers_wrapper(
    func: Callable[_P, _R], read_headers: Callable[[httpx.Headers], _H]
) -> Callable[_P, APIResponseWithHeaders[_R, _H]]:
    """`to_raw_response_wrapper` for an operation whose response declares headers."""
    raw = to_raw_response_wrapper(func)

    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponseWithHeaders[_R, _H]:
        return APIResponseWithHeaders(raw(*args, **kwargs), read_headers)

    return wrapped


def async_to_raw_response_with_headers_wrapper(
    func: Callable[_P, Awaitable[_R]], read_headers: Callable[[httpx.Headers], _H]
) -> Callable[_P, Awaitable[APIResponseWithHeaders[_R, _H]]]:
    """`async_to_raw_response_wrapper` for an operation whose response declares headers."""
    raw = async_to_raw_response_wrapper(func)

    @functools.wraps(func)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponseWithHeaders[_R, _H]:
        return APIResponseWithHeaders(await raw(*args, **kwargs), read_headers)

    return wrapped


def to_streamed_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, StreamedResponse[_R]]:
    """Wrap a resource method so it returns the unread response (downloads, large bodies)."""

    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> StreamedResponse[_R]:
        _with_marker(kwargs, STREAMED_RESPONSE_HEADER)
        return cast(StreamedResponse[_R], func(*args, **kwargs))

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[_P, Awaitable[_R]],
) -> Callable[_P, Awaitable[AsyncStreamedResponse[_R]]]:
    """Wrap an async resource method so it returns the unread response."""

    @functools.wraps(func)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncStreamedResponse[_R]:
        _with_marker(kwargs, STREAMED_RESPONSE_HEADER)
        return cast(AsyncStreamedResponse[_R], await func(*args, **kwargs))

    return wrapped
