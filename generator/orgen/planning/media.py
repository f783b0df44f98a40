"""Media: what an operation's request and response contents hold — JSON bodies, SSE events, success answers."""

from __future__ import annotations

import re
from typing import Any

from ..normalize import deref

JSON_TYPES = re.compile(r"^application/([\w.+-]*\+)?json(;.*)?$|^\*/\*$", re.I)
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"
SSE = "text/event-stream"
_SSE_ENVELOPE = {"data", "event", "id", "retry"}


def is_json(media_type: object) -> bool:
    """Whether a media type is JSON (`application/json`, `application/problem+json`, `*/*`)."""
    return bool(JSON_TYPES.match(str(media_type)))


def json_media(content: Any) -> tuple[str | None, dict[str, Any]]:
    """The first JSON media type of a `content` map and its media object ({} when it has none)."""
    if not isinstance(content, dict):
        return None, {}
    key = next((t for t in content if is_json(t)), None)
    if key is None:
        return None, {}
    media = content[key]
    return str(key), media if isinstance(media, dict) else {}


def json_body(content: Any) -> tuple[str | None, Any]:
    """The first JSON media type of a `content` map, and its schema (None when it gives none)."""
    key, media = json_media(content)
    return key, media.get("schema")


def sse_payload(document: dict[str, Any], schema: Any) -> Any:
    """The schema of each event's JSON `data`.

    SSE schemas are often written as the event envelope (`{event, data}` with `data` the
    payload); the client yields the decoded payloads, so the envelope is unwrapped.
    """
    resolved = deref(document, schema)
    if not isinstance(resolved, dict) or not resolved:
        return None
    properties = resolved.get("properties")
    if isinstance(properties, dict) and "data" in properties and set(properties) <= _SSE_ENVELOPE:
        return properties["data"]
    if resolved.get("type") in ("string", "integer", "number", "boolean"):
        return None
    return schema


def success_responses(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(status, response) of each 2xx response of `operation`, in status order."""
    responses = operation.get("responses") or {}
    found = []
    for status in sorted(map(str, responses)):
        if status.startswith("2") or status.upper() == "2XX":
            response = deref(document, responses[status] if status in responses else responses.get(int(status)))
            if isinstance(response, dict):
                found.append((status, response))
    return found


def schema_of_content(content: Any) -> dict[str, Any] | None:
    """The schema of the first media type of a `content` map that gives one (parameters, headers)."""
    if isinstance(content, dict):
        for media in content.values():
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict):
                return schema
    return None
