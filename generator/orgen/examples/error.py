"""Error: the first declared JSON error of an example call — its status, the exception and a body."""

from __future__ import annotations

from ..normalize import deref
from ..planning.media import json_media
from ..typeexpr import render
from ..values import Values
from .response import concrete_status, payload
from .source import Source

# The exception the client raises for a status (the README's table); others raise APIStatusError.
STATUS_ERRORS = {
    400: "BadRequestError", 401: "AuthenticationError", 402: "PaymentRequiredError", 403: "PermissionDeniedError",
    404: "NotFoundError", 409: "ConflictError", 413: "PayloadTooLargeError", 422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def error(source: Source, values: Values) -> dict[str, object] | None:
    """The first declared JSON error: its status, the exception it raises, a body and its model."""
    if not source.op.errors:
        return None
    declared, annotation = source.op.errors[0]
    status = concrete_status(declared, 500)
    responses = source.operation.get("responses") or {}
    key = next((k for k in responses if str(k).upper() == declared.upper()), declared)
    response = deref(source.document, responses.get(key))
    _, media = json_media(response.get("content") if isinstance(response, dict) else None)
    body = payload(values, media, media.get("schema")).value
    exception = STATUS_ERRORS.get(status, "InternalServerError" if status >= 500 else "APIStatusError")
    return {"status": status, "content_type": "application/json", "body": body, "exception": exception, "annotation": render(annotation)}
