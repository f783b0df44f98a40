"""HTTP plumbing behind every generated client: auth, request building, retries, error mapping."""

from __future__ import annotations

import asyncio
import copy
import email.utils
import functools
import importlib
import io
import json
import math
import os
import random
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, cast

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    make_status_error,
)
from ._response import (
    RAW_RESPONSE_HEADER,
    STREAMED_RESPONSE_HEADER,
    APIResponse,
    AsyncStreamedResponse,
    StreamedResponse,
    parse_response,
)
from ._streaming import AsyncStream, Stream
from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout

__all__ = [
    "AsyncAPIClient",
    "AsyncAPIResource",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "LazyModule",
    "RequestOptions",
    "SyncAPIClient",
    "SyncAPIResource",
    "format_path",
    "to_wire",
]

_T = TypeVar("_T")

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

_INITIAL_RETRY_DELAY = 0.5
_MAX_RETRY_DELAY = 8.0
# A server asking for a longer wait than this gets ordinary backoff instead.
_MAX_RETRY_AFTER = 60.0
_RETRY_COUNT_HEADER = "x-retry-count"

_PATH_PARAM = re.compile(r"\{([^{}]*)\}")


def to_wire(value: object) -> object:
    """`_models.to_wire`, imported on first use so that importing the package does not load pydantic."""
    from ._models import to_wire as convert

    return convert(value)


class LazyModule:
    """A module imported when one of its attributes is first read (for the large `models` module)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        # Called only for names not read before: each is kept, so later reads cost nothing.
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)
        return value


@functools.lru_cache(maxsize=512)
def _join_url(base: str, path: str) -> httpx.URL:
    # Plain concatenation: resolving the path as a relative reference would drop
    # the base URL's own path (e.g. /api/v1) whenever the path starts with "/".
    return httpx.URL(base.rstrip("/") + "/" + path.lstrip("/"))


def _to_str(value: object) -> str:
    """Render a scalar for a URL: enums by value, booleans the way JSON spells them."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_path(template: str, params: Mapping[str, object]) -> str:
    """Fill each `{name}` in `template` with the percent-encoded value of `params[name]`.

    Templates come from the spec, so str.format (with its attribute and index
    syntax) is deliberately avoided; values cannot add path segments because
    every reserved character, `/` included, is encoded.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise ValueError(f"Missing path parameter {name!r} for {template!r}")
        encoded = urllib.parse.quote(_to_str(params[name]), safe="")
        if encoded and set(encoded) == {"."}:
            # "." and ".." would be removed as dot-segments when the URL is normalised.
            encoded = encoded.replace(".", "%2E")
        return encoded

    return _PATH_PARAM.sub(substitute, template)


def _encode_query(query: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Flatten query parameters; lists repeat the key, NOT_GIVEN and None are left out."""
    items: list[tuple[str, str]] = []
    for key, value in query.items():
        if value is None or isinstance(value, NotGiven):
            continue
        if isinstance(value, Mapping):
            raise TypeError(f"Query parameter {key!r}: object values are not supported")
        values = value if isinstance(value, (list, tuple)) else [value]
        items.extend(
            (key, _to_str(item))
            for item in values
            if item is not None and not isinstance(item, NotGiven)
        )
    return tuple(items)


def _parse_seconds(value: str | None, scale: float = 1.0) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value) * scale
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def _parse_http_date(value: str | None) -> float | None:
    """Seconds from now until the HTTP date `value`, or None if it is not a date."""
    if value is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


def _retry_after(headers: httpx.Headers) -> float | None:
    """The wait the server asked for, if it asked for a usable one."""
    retry_after = headers.get("retry-after")
    candidates = (
        _parse_seconds(headers.get("retry-after-ms"), scale=0.001),
        _parse_seconds(retry_after),
        _parse_http_date(retry_after),
    )
    for seconds in candidates:
        if seconds is not None and 0 <= seconds <= _MAX_RETRY_AFTER:
            return seconds
    return None


def _error_code(response: httpx.Response) -> int | None:
    """The numeric `error.code` of a JSON error body, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _encode_form(form: Mapping[str, object]) -> dict[str, str | list[str]]:
    """Form fields as text: scalars as JSON spells them, lists repeated, objects as JSON."""
    encoded: dict[str, str | list[str]] = {}
    for key, value in form.items():
        if isinstance(value, NotGiven) or value is None:
            continue
        if isinstance(value, (list, tuple)):
            encoded[key] = [_form_value(item) for item in value]
        else:
            encoded[key] = _form_value(value)
    return encoded


def _form_value(value: object) -> str:
    wire = to_wire(value)
    if isinstance(wire, (dict, list)):
        return json.dumps(wire)
    return _to_str(wire)


def _read_file(value: object) -> tuple[str | None, bytes, str | None]:
    """An upload argument as (filename, content, content type)."""
    filename: str | None = None
    content_type: str | None = None
    content = value
    if isinstance(value, tuple):
        filename, content = value[0], value[1]
        content_type = value[2] if len(value) > 2 else None
    if isinstance(content, os.PathLike):
        path = os.fspath(content)
        with open(path, "rb") as file:
            data = file.read()
        return filename or os.path.basename(path), data, content_type
    if isinstance(content, (bytes, bytearray)):
        return filename or "upload", bytes(content), content_type
    if isinstance(content, io.IOBase) or hasattr(content, "read"):
        data = content.read()
        if not isinstance(data, bytes):
            raise TypeError("file objects must be opened in binary mode")
        name = getattr(content, "name", None)
        fallback = os.path.basename(name) if isinstance(name, str) else "upload"
        return filename or fallback, data, content_type
    raise TypeError(
        f"cannot upload a {type(content).__name__}; pass bytes, a binary file or a path"
    )


@dataclass
class RequestOptions:
    """Everything a resource method decides about one request."""

    method: str
    path: str
    query: Mapping[str, object] | None = None
    headers: Mapping[str, str] | None = None
    # None means the request has no body; JSON null bodies are not supported.
    json_body: object | None = None
    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    # Form bodies (multipart when `files` has parts, else url-encoded) instead of JSON.
    form: Mapping[str, object] | None = None
    files: Mapping[str, object] | None = None
    # Error bodies the spec declares: status ("404", "4XX", "default") -> what to parse them into.
    errors: Mapping[str, object] | None = None


_Mode = Literal["parsed", "raw", "streamed"]


@dataclass
class _PreparedRequest:
    """The parts of a request that stay the same across retries."""

    method: str
    url: httpx.URL
    params: httpx.QueryParams
    headers: httpx.Headers
    json: object | None
    timeout: Timeout
    mode: _Mode
    data: dict[str, str | list[str]] | None = None
    files: list[tuple[str, tuple[str | None, bytes, str | None]]] | None = None


class _BaseClient:
    """Logic shared by the sync and async clients; subclasses add only the I/O."""

    base_url: httpx.URL
    api_key: str | Callable[[], str] | None
    timeout: Timeout
    max_retries: int
    _owns_http: bool

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | Callable[[], str] | None,
        api_key_env: str | None,
        auth_header: str,
        auth_scheme: str | None,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        user_agent: str,
    ) -> None:
        if api_key is None and api_key_env is not None:
            api_key = os.environ.get(api_key_env) or None
            if api_key is None:
                raise APIError(
                    "The api_key client option must be set either by passing api_key to the "
                    f"client or by setting the {api_key_env} environment variable"
                )
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self.base_url = httpx.URL(str(base_url))
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self._auth_header = auth_header
        self._auth_scheme = auth_scheme
        self._default_headers = dict(default_headers or {})
        self._user_agent = user_agent

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A client with some settings changed, for one call or many:
        `client.with_options(max_retries=0, timeout=5.0).<resource>.<method>(...)`.

        It shares this client's connections (and never closes them); `default_headers` are
        added to this client's.
        """
        if not isinstance(max_retries, NotGiven) and max_retries < 0:
            raise ValueError("max_retries must not be negative")
        clone = copy.copy(self)
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            clone.max_retries = max_retries
        clone._default_headers = {**self._default_headers, **(default_headers or {})}
        clone._owns_http = False
        # Resources are bound to their client: the copy gets its own.
        for name, value in list(vars(clone).items()):
            if isinstance(value, (SyncAPIResource, AsyncAPIResource)):
                setattr(clone, name, cast(Any, type(value))(clone))
        return clone

    def _url(self, path: str) -> httpx.URL:
        # Parsed once per base URL and path (URLs are immutable, so they can be shared).
        return _join_url(str(self.base_url), path)

    def _build_headers(self, options: RequestOptions, *, accept: str) -> httpx.Headers:
        headers = httpx.Headers()
        if self.api_key is not None:
            # A callable key is asked once per call (its retries resend the same request): a
            # rotating token stays fresh.
            key = self.api_key() if callable(self.api_key) else self.api_key
            scheme = self._auth_scheme
            headers[self._auth_header] = f"{scheme} {key}" if scheme else key
        headers["User-Agent"] = self._user_agent
        headers["Accept"] = accept
        # Later sources win; httpx.Headers replaces names case-insensitively.
        headers.update(self._default_headers)
        headers.update(options.headers or {})
        headers.update(options.extra_headers or {})
        return headers

    def _prepare(self, options: RequestOptions, *, stream: bool) -> _PreparedRequest:
        headers = self._build_headers(
            options, accept="text/event-stream" if stream else "application/json"
        )
        mode: _Mode = "parsed"
        if headers.pop(RAW_RESPONSE_HEADER, None) is not None:
            mode = "raw"
        if headers.pop(STREAMED_RESPONSE_HEADER, None) is not None:
            mode = "streamed"

        body = options.json_body
        if options.extra_body:
            if body is None:
                body = {}
            if not isinstance(body, Mapping):
                raise TypeError("extra_body can only be merged into a JSON object body")
            body = {**body, **options.extra_body}

        query = {**(options.query or {}), **(options.extra_query or {})}
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        prepared = _PreparedRequest(
            method=options.method.upper(),
            url=self._url(options.path),
            params=httpx.QueryParams(_encode_query(query)),
            headers=headers,
            json=None if body is None else to_wire(body),
            timeout=timeout,
            mode=mode,
        )
        if options.form is not None or options.files is not None:
            prepared.json = None
            prepared.data = _encode_form({**(options.form or {}), **(options.extra_body or {})})
            # Uploads are read once here so that a retry can send them again.
            prepared.files = [
                (name, _read_file(item))
                for name, value in (options.files or {}).items()
                if not isinstance(value, NotGiven)
                for item in (value if isinstance(value, list) else [value])
            ] or None
        return prepared

    def _build_request(
        self,
        http_client: httpx.Client | httpx.AsyncClient,
        prepared: _PreparedRequest,
        retries_taken: int,
    ) -> httpx.Request:
        headers = prepared.headers.copy()
        headers[_RETRY_COUNT_HEADER] = str(retries_taken)
        return http_client.build_request(
            prepared.method,
            prepared.url,
            params=prepared.params,
            headers=headers,
            json=prepared.json,
            data=prepared.data,
            files=prepared.files,
            timeout=prepared.timeout,
        )

    # Error codes that mark a 400 response as a transient upstream failure (set by clients
    # whose API reports them so; see `_should_retry`).
    _retryable_error_codes: frozenset[int] = frozenset()

    def _should_retry(self, response: httpx.Response) -> bool:
        """Whether a failed response is worth another attempt; subclasses may extend it."""
        status = response.status_code
        if status == 400 and self._retryable_error_codes:
            return _error_code(response) in self._retryable_error_codes
        return status in (408, 409, 429) or status >= 500

    def _should_retry_error(self, error: httpx.RequestError) -> bool:
        # Transport failures (refused, reset, timed out) may be transient; other
        # request errors, such as too many redirects, will not change on retry.
        return isinstance(error, httpx.TransportError)

    def _retry_delay(self, retries_taken: int, response: httpx.Response | None) -> float:
        """Seconds to wait before the next attempt."""
        if response is not None:
            requested = _retry_after(response.headers)
            if requested is not None:
                return requested
        delay = min(_INITIAL_RETRY_DELAY * 2.0**retries_taken, _MAX_RETRY_DELAY)
        # Jitter spreads out clients that failed together so they do not retry together.
        return delay * (1 - 0.25 * random.random())

    def _map_request_error(self, error: httpx.RequestError) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError()
        return APIConnectionError(
            f"Connection error: {error}" if str(error) else "Connection error."
        )


class SyncAPIClient(_BaseClient):
    """Blocking client over httpx.Client."""

    _http: httpx.Client

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | Callable[[], str] | None,
        api_key_env: str | None,
        auth_header: str = "Authorization",
        auth_scheme: str | None = "Bearer",
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.Client | None,
        user_agent: str,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            api_key_env=api_key_env,
            auth_header=auth_header,
            auth_scheme=auth_scheme,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
        )
        # A caller-supplied client may be shared, so only a client made here is closed here.
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.Client(timeout=timeout, follow_redirects=True)
        )

    def request(self, cast_to: type[_T], options: RequestOptions) -> _T:
        """Send a request and parse its body into `cast_to`."""
        response, mode = self._send(options, stream=False)
        if mode == "streamed":
            return cast(_T, StreamedResponse(cast_to=cast_to, http_response=response))
        if mode == "raw":
            return cast(_T, APIResponse(cast_to=cast_to, http_response=response))
        return parse_response(cast_to, response)

    def request_stream(self, cast_to: type[_T], options: RequestOptions) -> Stream[_T]:
        """Send a request answered with Server-Sent Events, each parsed into `cast_to`."""
        response, mode = self._send(options, stream=True)
        if mode != "parsed":
            return cast(
                Stream[_T],
                APIResponse(cast_to=cast_to, http_response=response, stream_factory=Stream),
            )
        return Stream(cast_to, response)

    def _send(self, options: RequestOptions, *, stream: bool) -> tuple[httpx.Response, _Mode]:
        prepared = self._prepare(options, stream=stream)
        stream = stream or prepared.mode == "streamed"
        retries_taken = 0
        while True:
            request = self._build_request(self._http, prepared, retries_taken)
            try:
                response = self._http.send(request, stream=stream)
                if not response.is_success:
                    # Error bodies are small and needed for the message, even when streaming.
                    response.read()
            except httpx.RequestError as error:
                if retries_taken < self.max_retries and self._should_retry_error(error):
                    self._sleep(self._retry_delay(retries_taken, None))
                    retries_taken += 1
                    continue
                raise self._map_request_error(error) from error

            if response.is_success:
                return response, prepared.mode
            response.close()
            if retries_taken < self.max_retries and self._should_retry(response):
                self._sleep(self._retry_delay(retries_taken, response))
                retries_taken += 1
                continue
            raise make_status_error(response, options.errors)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        """Release the connection pool (if this client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(_BaseClient):
    """Asyncio client over httpx.AsyncClient."""

    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        api_key: str | Callable[[], str] | None,
        api_key_env: str | None,
        auth_header: str = "Authorization",
        auth_scheme: str | None = "Bearer",
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.AsyncClient | None,
        user_agent: str,
    ) -> None:
        super().__init__(
            base_url=base_url,
            api_key=api_key,
            api_key_env=api_key_env,
            auth_header=auth_header,
            auth_scheme=auth_scheme,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            user_agent=user_agent,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(timeout=timeout, follow_redirects=True)
        )

    async def request(self, cast_to: type[_T], options: RequestOptions) -> _T:
        """Send a request and parse its body into `cast_to`."""
        response, mode = await self._send(options, stream=False)
        if mode == "streamed":
            return cast(_T, AsyncStreamedResponse(cast_to=cast_to, http_response=response))
        if mode == "raw":
            return cast(_T, APIResponse(cast_to=cast_to, http_response=response))
        return parse_response(cast_to, response)

    async def request_stream(self, cast_to: type[_T], options: RequestOptions) -> AsyncStream[_T]:
        """Send a request answered with Server-Sent Events, each parsed into `cast_to`."""
        response, mode = await self._send(options, stream=True)
        if mode != "parsed":
            return cast(
                AsyncStream[_T],
                APIResponse(cast_to=cast_to, http_response=response, stream_factory=AsyncStream),
            )
        return AsyncStream(cast_to, response)

    async def _send(self, options: RequestOptions, *, stream: bool) -> tuple[httpx.Response, _Mode]:
        prepared = self._prepare(options, stream=stream)
        stream = stream or prepared.mode == "streamed"
        retries_taken = 0
        while True:
            request = self._build_request(self._http, prepared, retries_taken)
            try:
                response = await self._http.send(request, stream=stream)
                if not response.is_success:
                    await response.aread()
            except httpx.RequestError as error:
                if retries_taken < self.max_retries and self._should_retry_error(error):
                    await self._sleep(self._retry_delay(retries_taken, None))
                    retries_taken += 1
                    continue
                raise self._map_request_error(error) from error

            if response.is_success:
                return response, prepared.mode
            await response.aclose()
            if retries_taken < self.max_retries and self._should_retry(response):
                await self._sleep(self._retry_delay(retries_taken, response))
                retries_taken += 1
                continue
            raise make_status_error(response, options.errors)

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        """Release the connection pool (if this client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


class SyncAPIResource:
    """Base of generated resource groups used with a SyncAPIClient."""

    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """Base of generated resource groups used with an AsyncAPIClient."""

    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
