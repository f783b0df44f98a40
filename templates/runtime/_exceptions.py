"""Exceptions raised by the client, and the mapping from HTTP error responses to them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

import httpx

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "DEFAULT_REQUEST_ID_HEADERS",
    "find_request_id",
    "make_status_error",
]

# Where a response names the id the server gave the request (the id support asks for).
DEFAULT_REQUEST_ID_HEADERS: tuple[str, ...] = ("x-request-id",)


def find_request_id(headers: httpx.Headers, names: Iterable[str]) -> str | None:
    """The first of the headers `names` the response carries, if any."""
    for name in names:
        value: str | None = headers.get(name)
        if value:
            return value
    return None


class APIError(Exception):
    """Base of every error raised by the client."""

    message: str
    body: object | None
    # The server's id for the request, when the response named one: quote it to support.
    request_id: str | None

    def __init__(
        self, message: str, *, body: object | None = None, request_id: str | None = None
    ) -> None:
        if request_id is not None:
            message = f"{message} (request id: {request_id})"
        super().__init__(message)
        self.message = message
        self.body = body
        self.request_id = request_id


class APIStatusError(APIError):
    """The server answered with a non-success HTTP status.

    `body` is the decoded JSON (or the text) of the response; `data` is that body parsed into
    the model the API declares for this status of this operation, or None when it declares none
    or the body is not one (`isinstance(error.data, models.SomeError)` narrows it).
    """

    status_code: int
    response: httpx.Response
    data: object | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object | None,
        data: object | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, body=body, request_id=request_id)
        self.response = response
        self.status_code = response.status_code
        self.data = data


class BadRequestError(APIStatusError):
    """HTTP 400: the request was malformed or had invalid parameters."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the credentials are missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials do not allow this operation."""


class PaymentRequiredError(APIStatusError):
    """HTTP 402: the account lacks the credits or plan for this request."""


class NotFoundError(APIStatusError):
    """HTTP 404: the requested resource does not exist."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the current state of the resource."""


class PayloadTooLargeError(APIStatusError):
    """HTTP 413: the request body is larger than the server accepts."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the server failed to handle the request."""


class APIStreamError(APIError):
    """An error the server reported inside a streamed response, after its success status.

    `code` is the error's `code` (often an HTTP status such as 502), when it has one.
    """

    code: int | str | None

    def __init__(
        self,
        message: str,
        *,
        body: object | None,
        code: int | str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, body=body, request_id=request_id)
        self.code = code


class APIResponseValidationError(APIError):
    """A successful response whose body fits neither the spec nor a lenient reading of it."""


class APIConnectionError(APIError):
    """The request could not reach the server or the connection failed."""

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, message: str = "Request timed out.") -> None:
        super().__init__(message)


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _error_message(body: object) -> str | None:
    """Find a human-readable message in a decoded error body, if it carries one."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    if isinstance(error, str):
        return error
    message = body.get("message")
    return message if isinstance(message, str) else None


def make_status_error(
    response: httpx.Response,
    errors: Mapping[str, object] | None = None,
    request_id_headers: Iterable[str] = DEFAULT_REQUEST_ID_HEADERS,
) -> APIStatusError:
    """Build the APIStatusError subclass matching `response`'s status (its body must be read),
    with the body parsed into the model `errors` declares for the status, if any."""
    text = response.text
    body: object | None
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    status_line = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    message = _error_message(body)
    if message is None:
        message = f"{status_line}: {text}" if text else status_line

    if response.status_code >= 500:
        error_class: type[APIStatusError] = InternalServerError
    else:
        error_class = _STATUS_ERRORS.get(response.status_code, APIStatusError)
    return error_class(
        message,
        response=response,
        body=body,
        data=_error_data(response.status_code, body, errors),
        request_id=find_request_id(response.headers, request_id_headers),
    )


def _error_data(
    status: int, body: object | None, errors: Mapping[str, object] | None
) -> object | None:
    """`body` parsed into the declared model of `status`; None when none fits (an error about an
    error would hide the one that happened)."""
    if not errors or not isinstance(body, (dict, list)):
        return None
    target = errors.get(str(status), errors.get(f"{status // 100}XX", errors.get("default")))
    if target is None:
        return None
    from ._models import (
        parse_partial,  # pydantic is imported on first use, not with the package
    )

    try:
        data: object = parse_partial(cast(Any, target), body)
    except Exception:  # whatever the body is, the status error is what the caller must see
        return None
    return data
