"""Parsing of HTTP responses, and the raw-response wrapper that exposes them unparsed."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ._exceptions import APIError
from ._models import parse_as

__all__ = [
    "APIResponse",
    "RAW_RESPONSE_HEADER",
    "async_to_raw_response_wrapper",
    "parse_response",
    "to_raw_response_wrapper",
]

_T = TypeVar("_T")
_R = TypeVar("_R")
_P = ParamSpec("_P")

# Private marker: the base client removes it before sending and returns an APIResponse.
RAW_RESPONSE_HEADER = "X-Client-Raw-Response"

# Builds a Stream or AsyncStream; kept abstract so this module does not pick sync or async.
StreamFactory = Callable[[type[Any], httpx.Response], object]


def parse_response(cast_to: type[_T], response: httpx.Response) -> _T:
    """Decode a successful response's body into `cast_to`."""
    if cast_to is type(None):
        # Operations without a response schema ignore whatever body there is.
        return None
    content_type = response.headers.get("content-type", "")
    if cast_to is str and "json" not in content_type:
        return cast(_T, response.text)
    try:
        data = response.json()
    except ValueError as exc:
        raise APIError(
            f"Could not decode the response body as JSON (content-type {content_type!r})",
            body=response.text,
        ) from exc
    return parse_as(cast_to, data)


class APIResponse(Generic[_T]):
    """An HTTP response together with the type its body parses into."""

    http_response: httpx.Response

    def __init__(
        self,
        *,
        cast_to: type[_T],
        http_response: httpx.Response,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        self.http_response = http_response
        self._cast_to = cast_to
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


def _with_raw_header(kwargs: dict[str, Any]) -> None:
    extra_headers = dict(kwargs.get("extra_headers") or {})
    extra_headers[RAW_RESPONSE_HEADER] = "true"
    kwargs["extra_headers"] = extra_headers


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
