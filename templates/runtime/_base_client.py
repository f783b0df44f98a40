"""HTTP plumbing behind every generated client: auth, request building, retries, error mapping."""

from __future__ import annotations

import asyncio
import copy
import email.utils
import functools
import importlib
import inspect
import io
import json
import logging
import math
import os
import random
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, cast

import httpx

from ._exceptions import (
    DEFAULT_REQUEST_ID_HEADERS,
    APIConnectionError,
    APIError,
    APIStatusError,
    APIStreamError,
    APITimeoutError,
    find_request_id,
    make_status_error,
)
from ._logs import Redactor, logger, setup_logging
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
    # JSON-ready data (resources pass it through `to_wire`); None means the request has no body
    # (JSON null bodies are not supported).
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
    params: httpx.QueryParams | None
    # Lower-cased name -> (name as given, value): later sources replace earlier ones by name.
    headers: dict[str, tuple[str, str]]
    json: object | None
    timeout: Timeout
    mode: _Mode
    data: dict[str, str | list[str]] | None = None
    files: list[tuple[str, tuple[str | None, bytes, str | None]]] | None = None


@dataclass
class _Call:
    """One call on its way through the retry loop: what it sends, its retries, its time budget."""

    options: RequestOptions
    prepared: _PreparedRequest
    stream: bool
    # time.monotonic() by which the whole call must be done (total_timeout), if it has a budget.
    deadline: float | None
    retries_taken: int = 0


def _cap_timeout(timeout: Timeout, remaining: float) -> httpx.Timeout:
    """`timeout` with no phase allowed longer than the `remaining` seconds of a call's budget."""
    given = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)

    def cap(seconds: float | None) -> float:
        return remaining if seconds is None else min(seconds, remaining)

    return httpx.Timeout(
        connect=cap(given.connect),
        read=cap(given.read),
        write=cap(given.write),
        pool=cap(given.pool),
    )


def _hooks_for(hooks: Sequence[object], name: str) -> tuple[Callable[..., Any], ...]:
    """The bound `name` methods of the hooks that have one (hooks implement any subset)."""
    return tuple(getattr(hook, name) for hook in hooks if callable(getattr(hook, name, None)))


class _BaseClient:
    """Logic shared by the sync and async clients; subclasses add only the I/O."""

    base_url: httpx.URL
    api_key: str | Callable[[], str] | None
    timeout: Timeout
    max_retries: int
    total_timeout: float | None
    _owns_http: bool

    # Headers that carry the server's id for a request, first found wins (set per API).
    _request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS
    # Header and JSON field names redacted from log lines besides the usual credentials.
    _redacted_names: tuple[str, ...] = ()

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
        total_timeout: float | None = None,
        hooks: Sequence[object] | None = None,
        log_env: str | None = None,
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
        _check_total_timeout(total_timeout)
        setup_logging(log_env)
        self.base_url = httpx.URL(str(base_url))
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.total_timeout = total_timeout
        self._auth_header = auth_header
        self._auth_scheme = auth_scheme
        self._default_headers = dict(default_headers or {})
        self._user_agent = user_agent
        self._set_hooks(tuple(hooks or ()))

    def _set_hooks(self, hooks: tuple[object, ...]) -> None:
        self._hooks = hooks
        # Looked up once here, not on every try.
        self._before_request = _hooks_for(hooks, "before_request")
        self._after_response = _hooks_for(hooks, "after_response")
        self._on_error = _hooks_for(hooks, "on_error")

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        hooks: Sequence[object] | None = None,
    ) -> Self:
        """A client with some settings changed, for one call or many:
        `client.with_options(max_retries=0, timeout=5.0).<resource>.<method>(...)`.

        It shares this client's connections (and never closes them); `default_headers` are
        added to this client's, and `hooks` run after this client's.
        """
        if not isinstance(max_retries, NotGiven) and max_retries < 0:
            raise ValueError("max_retries must not be negative")
        clone = copy.copy(self)
        if not isinstance(timeout, NotGiven):
            clone.timeout = timeout
        if not isinstance(max_retries, NotGiven):
            clone.max_retries = max_retries
        if not isinstance(total_timeout, NotGiven):
            _check_total_timeout(total_timeout)
            clone.total_timeout = total_timeout
        clone._default_headers = {**self._default_headers, **(default_headers or {})}
        clone._set_hooks((*self._hooks, *(hooks or ())))
        clone._owns_http = False
        # Resources are bound to their client: the copy gets its own.
        for name, value in list(vars(clone).items()):
            if isinstance(value, (SyncAPIResource, AsyncAPIResource)):
                setattr(clone, name, cast(Any, type(value))(clone))
        return clone

    def _url(self, path: str) -> httpx.URL:
        # Parsed once per base URL and path (URLs are immutable, so they can be shared).
        return _join_url(str(self.base_url), path)

    def _build_headers(self, options: RequestOptions, *, accept: str) -> dict[str, tuple[str, str]]:
        # A plain dict keyed by lower-cased name: header names are case-insensitive, and
        # httpx.Headers costs more per operation than the rest of preparing a request.
        headers: dict[str, tuple[str, str]] = {}
        if self.api_key is not None:
            # A callable key is asked once per call (its retries resend the same request): a
            # rotating token stays fresh.
            key = self.api_key() if callable(self.api_key) else self.api_key
            scheme = self._auth_scheme
            headers[self._auth_header.lower()] = (
                self._auth_header,
                f"{scheme} {key}" if scheme else key,
            )
        headers["user-agent"] = ("User-Agent", self._user_agent)
        headers["accept"] = ("Accept", accept)
        # Later sources win.
        for source in (self._default_headers, options.headers, options.extra_headers):
            for name, value in (source or {}).items():
                headers[name.lower()] = (name, value)
        return headers

    def _prepare(self, options: RequestOptions, *, stream: bool) -> _PreparedRequest:
        headers = self._build_headers(
            options, accept="text/event-stream" if stream else "application/json"
        )
        mode: _Mode = "parsed"
        if headers.pop(RAW_RESPONSE_HEADER.lower(), None) is not None:
            mode = "raw"
        if headers.pop(STREAMED_RESPONSE_HEADER.lower(), None) is not None:
            mode = "streamed"

        body = options.json_body
        if options.extra_body:
            if body is None:
                body = {}
            if not isinstance(body, Mapping):
                raise TypeError("extra_body can only be merged into a JSON object body")
            body = {**body, **cast(Mapping[str, object], to_wire(options.extra_body))}

        query = {**(options.query or {}), **(options.extra_query or {})}
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        prepared = _PreparedRequest(
            method=options.method.upper(),
            url=self._url(options.path),
            params=httpx.QueryParams(_encode_query(query)) if query else None,
            headers=headers,
            json=body,
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

    def _start_call(self, options: RequestOptions, *, stream: bool) -> _Call:
        prepared = self._prepare(options, stream=stream)
        deadline = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        return _Call(options, prepared, stream or prepared.mode == "streamed", deadline)

    def _build_request(
        self, http_client: httpx.Client | httpx.AsyncClient, call: _Call
    ) -> httpx.Request:
        prepared = call.prepared
        headers = [*prepared.headers.values(), (_RETRY_COUNT_HEADER, str(call.retries_taken))]
        return http_client.build_request(
            prepared.method,
            prepared.url,
            params=prepared.params,
            headers=headers,
            json=prepared.json,
            data=prepared.data,
            files=prepared.files,
            timeout=self._try_timeout(call),
        )

    def _try_timeout(self, call: _Call) -> Timeout:
        """The timeout of the next try: the configured one, shortened to what the budget has left."""
        if call.deadline is None:
            return call.prepared.timeout
        remaining = call.deadline - time.monotonic()
        if remaining <= 0:
            raise self._budget_error(call)
        return _cap_timeout(call.prepared.timeout, remaining)

    def _budget_error(self, call: _Call) -> APITimeoutError:
        tries = call.retries_taken + 1
        return APITimeoutError(
            f"Request timed out: the total_timeout of {self.total_timeout} s was spent "
            f"({tries} {'try' if tries == 1 else 'tries'})"
        )

    # Error codes that mark a 400 response as a transient upstream failure (set by clients
    # whose API reports them so; see `_should_retry`).
    _retryable_error_codes: frozenset[int] = frozenset()

    def _should_retry(self, response: httpx.Response) -> bool:
        """Whether a failed response is worth another attempt; subclasses may extend it."""
        status = response.status_code
        if status == 400 and self._retryable_error_codes:
            return _error_code(response) in self._retryable_error_codes
        return _is_retryable_status(status)

    def _should_retry_error(self, error: httpx.RequestError) -> bool:
        # Transport failures (refused, reset, timed out) may be transient; other
        # request errors, such as too many redirects, will not change on retry.
        return isinstance(error, httpx.TransportError)

    def _should_retry_stream(self, failure: APIError) -> bool:
        """Whether a stream that failed before its first event should be opened again."""
        if isinstance(failure, APIStreamError):
            code = failure.code
            if isinstance(code, str) and code.isdigit():
                code = int(code)
            if not isinstance(code, int):
                return False
            return code in self._retryable_error_codes or _is_retryable_status(code)
        return isinstance(failure, APIConnectionError)

    def _retry_delay(self, retries_taken: int, response: httpx.Response | None) -> float:
        """Seconds to wait before the next attempt."""
        if response is not None:
            requested = _retry_after(response.headers)
            if requested is not None:
                return requested
        delay = min(_INITIAL_RETRY_DELAY * 2.0**retries_taken, _MAX_RETRY_DELAY)
        # Jitter spreads out clients that failed together so they do not retry together.
        return delay * (1 - 0.25 * random.random())

    def _plan_retry(
        self, call: _Call, failure: APIError, retryable: bool, response: httpx.Response | None
    ) -> float:
        """The wait before trying `call` again after `failure`.

        Raises `failure` when it is final (not retryable, or no retries left), and APITimeoutError
        when the wait would outlast the call's total_timeout: no retry starts that cannot finish.
        """
        if not retryable or call.retries_taken >= self.max_retries:
            raise failure
        delay = self._retry_delay(call.retries_taken, response)
        if call.deadline is not None and time.monotonic() + delay >= call.deadline:
            raise self._budget_error(call) from failure
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "Retrying %s %s in %.2f s (retry %d of %d): %s",
                call.prepared.method,
                self._redactor().url(call.prepared.url),
                delay,
                call.retries_taken + 1,
                self.max_retries,
                self._redactor().text(_reason(failure)),
            )
        return delay

    def _map_request_error(self, error: httpx.RequestError) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            failure: APIConnectionError = APITimeoutError()
        else:
            failure = APIConnectionError(
                f"Connection error: {error}" if str(error) else "Connection error."
            )
        failure.__cause__ = error
        return failure

    def _raw_response(
        self, cast_to: type[_T], response: httpx.Response, stream_factory: Any
    ) -> APIResponse[_T]:
        return APIResponse(
            cast_to=cast_to,
            http_response=response,
            stream_factory=stream_factory,
            request_id_headers=self._request_id_headers,
        )

    def _status_error(self, call: _Call, response: httpx.Response) -> APIStatusError:
        return make_status_error(response, call.options.errors, self._request_id_headers)

    # -- logging -----------------------------------------------------------------------------

    def _redactor(self) -> Redactor:
        secrets = (self.api_key,) if isinstance(self.api_key, str) else ()
        return Redactor((self._auth_header, *self._redacted_names), secrets)

    def _log_request(self, request: httpx.Request) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        redactor = self._redactor()
        try:
            body = redactor.body(request.content)
        except httpx.RequestNotRead:
            body = "(streamed)"
        logger.debug(
            "Request: %s %s headers=%s body=%s",
            request.method,
            redactor.url(request.url),
            redactor.headers(request.headers),
            body,
        )

    def _log_response(self, response: httpx.Response, started: float) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        redactor = self._redactor()
        request = response.request
        request_id = find_request_id(response.headers, self._request_id_headers)
        logger.info(
            "HTTP %s %s -> %d %s (%.3f s)%s",
            request.method,
            redactor.url(request.url),
            response.status_code,
            response.reason_phrase,
            time.perf_counter() - started,
            f" request id {request_id}" if request_id else "",
        )
        if logger.isEnabledFor(logging.DEBUG):
            body = redactor.body(response.content) if response.is_closed else "(streamed)"
            logger.debug("Response: headers=%s body=%s", redactor.headers(response.headers), body)

    def _log_failure(self, request: httpx.Request, failure: APIError, started: float) -> None:
        if logger.isEnabledFor(logging.INFO):
            redactor = self._redactor()
            logger.info(
                "HTTP %s %s failed after %.3f s: %s",
                request.method,
                redactor.url(request.url),
                time.perf_counter() - started,
                redactor.text(_reason(failure)),
            )


def _check_total_timeout(total_timeout: float | None) -> None:
    if total_timeout is not None and not total_timeout > 0:
        raise ValueError("total_timeout must be a positive number of seconds (or None)")


def _is_retryable_status(status: int) -> bool:
    return status in (408, 409, 429) or status >= 500


def _reason(failure: APIError) -> str:
    """A failure in a few words for a log line."""
    if isinstance(failure, APIStatusError):
        return f"HTTP {failure.status_code}: {failure.message}"
    return f"{type(failure).__name__}: {failure.message}"


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
        total_timeout: float | None = None,
        hooks: Sequence[object] | None = None,
        log_env: str | None = None,
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
            total_timeout=total_timeout,
            hooks=hooks,
            log_env=log_env,
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
        call = self._start_call(options, stream=False)
        response = self._send(call)
        mode = call.prepared.mode
        if mode == "streamed":
            return cast(_T, StreamedResponse(cast_to=cast_to, http_response=response))
        if mode == "raw":
            return cast(_T, self._raw_response(cast_to, response, None))
        return parse_response(cast_to, response)

    def request_stream(self, cast_to: type[_T], options: RequestOptions) -> Stream[_T]:
        """Send a request answered with Server-Sent Events, each parsed into `cast_to`."""
        call = self._start_call(options, stream=True)
        response = self._send(call)
        if call.prepared.mode != "parsed":
            return cast(Stream[_T], self._raw_response(cast_to, response, Stream))
        return Stream(
            cast_to,
            response,
            reconnect=functools.partial(self._reconnect, call),
            request_id_headers=self._request_id_headers,
        )

    def _send(self, call: _Call) -> httpx.Response:
        """Try `call` until it succeeds, fails for good or spends its time budget."""
        while True:
            request = self._build_request(self._http, call)
            for before in self._before_request:
                request = before(request) or request
            self._log_request(request)
            started = time.perf_counter()
            try:
                response = self._http.send(request, stream=call.stream)
                if not response.is_success:
                    # Error bodies are small and needed for the message, even when streaming.
                    response.read()
            except httpx.RequestError as error:
                failure = self._map_request_error(error)
                self._log_failure(request, failure, started)
                self._notify_error(call, failure)
                self._sleep(self._plan_retry(call, failure, self._should_retry_error(error), None))
                call.retries_taken += 1
                continue

            self._log_response(response, started)
            for after in self._after_response:
                after(response)
            if response.is_success:
                return response
            response.close()
            status_error = self._status_error(call, response)
            self._notify_error(call, status_error)
            retryable = self._should_retry(response)
            self._sleep(self._plan_retry(call, status_error, retryable, response))
            call.retries_taken += 1

    def _reconnect(self, call: _Call, failure: APIError) -> httpx.Response:
        """A new response for a stream that failed before its first event reached the caller."""
        self._notify_error(call, failure)
        self._sleep(self._plan_retry(call, failure, self._should_retry_stream(failure), None))
        call.retries_taken += 1
        return self._send(call)

    def _notify_error(self, call: _Call, failure: APIError) -> None:
        for on_error in self._on_error:
            on_error(failure, call.retries_taken + 1)

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


async def _maybe_await(value: object) -> Any:
    """Hooks on the async client may be plain functions or coroutines."""
    if inspect.isawaitable(value):
        return await value
    return value


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
        total_timeout: float | None = None,
        hooks: Sequence[object] | None = None,
        log_env: str | None = None,
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
            total_timeout=total_timeout,
            hooks=hooks,
            log_env=log_env,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(timeout=timeout, follow_redirects=True)
        )

    async def request(self, cast_to: type[_T], options: RequestOptions) -> _T:
        """Send a request and parse its body into `cast_to`."""
        call = self._start_call(options, stream=False)
        response = await self._send(call)
        mode = call.prepared.mode
        if mode == "streamed":
            return cast(_T, AsyncStreamedResponse(cast_to=cast_to, http_response=response))
        if mode == "raw":
            return cast(_T, self._raw_response(cast_to, response, None))
        return parse_response(cast_to, response)

    async def request_stream(self, cast_to: type[_T], options: RequestOptions) -> AsyncStream[_T]:
        """Send a request answered with Server-Sent Events, each parsed into `cast_to`."""
        call = self._start_call(options, stream=True)
        response = await self._send(call)
        if call.prepared.mode != "parsed":
            return cast(AsyncStream[_T], self._raw_response(cast_to, response, AsyncStream))
        return AsyncStream(
            cast_to,
            response,
            reconnect=functools.partial(self._reconnect, call),
            request_id_headers=self._request_id_headers,
        )

    async def _send(self, call: _Call) -> httpx.Response:
        """Try `call` until it succeeds, fails for good or spends its time budget."""
        while True:
            request = self._build_request(self._http, call)
            for before in self._before_request:
                request = await _maybe_await(before(request)) or request
            self._log_request(request)
            started = time.perf_counter()
            try:
                response = await self._send_once(call, request)
            except httpx.RequestError as error:
                failure = self._map_request_error(error)
                self._log_failure(request, failure, started)
                await self._notify_error(call, failure)
                delay = self._plan_retry(call, failure, self._should_retry_error(error), None)
                await self._sleep(delay)
                call.retries_taken += 1
                continue

            self._log_response(response, started)
            for after in self._after_response:
                await _maybe_await(after(response))
            if response.is_success:
                return response
            await response.aclose()
            status_error = self._status_error(call, response)
            await self._notify_error(call, status_error)
            retryable = self._should_retry(response)
            await self._sleep(self._plan_retry(call, status_error, retryable, response))
            call.retries_taken += 1

    async def _send_once(self, call: _Call, request: httpx.Request) -> httpx.Response:
        if call.deadline is None:
            return await self._exchange(call, request)
        # httpx times each read, not the whole exchange; the budget bounds the whole of it.
        try:
            async with asyncio.timeout(max(call.deadline - time.monotonic(), 0)):
                return await self._exchange(call, request)
        except TimeoutError as error:
            raise httpx.ReadTimeout("total_timeout spent", request=request) from error

    async def _exchange(self, call: _Call, request: httpx.Request) -> httpx.Response:
        response = await self._http.send(request, stream=call.stream)
        if not response.is_success:
            await response.aread()
        return response

    async def _reconnect(self, call: _Call, failure: APIError) -> httpx.Response:
        """A new response for a stream that failed before its first event reached the caller."""
        await self._notify_error(call, failure)
        delay = self._plan_retry(call, failure, self._should_retry_stream(failure), None)
        await self._sleep(delay)
        call.retries_taken += 1
        return await self._send(call)

    async def _notify_error(self, call: _Call, failure: APIError) -> None:
        for on_error in self._on_error:
            await _maybe_await(on_error(failure, call.retries_taken + 1))

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
