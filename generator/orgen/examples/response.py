"""Response: the success answer of an example call — its status, content type and body."""

from __future__ import annotations

from typing import Any, Literal

from ..planning.media import json_media, success_responses
from ..typeexpr import BYTES, NONE, STR
from ..values import Made, Values, spec_example
from .source import Source

_BINARY_BODY = "example binary content"


def response(source: Source, values: Values) -> tuple[dict[str, object], Made | None]:
    """The success answer, and where its body came from (None for no body): the first success
    response with a JSON body, else a text or binary one."""
    chosen = success_responses(source.document, source.operation)
    status = concrete_status(chosen[0][0], 200) if chosen else 200
    kind = source.op.response_type
    for _, answer in chosen:
        content = answer.get("content") or {}
        media_type, media = json_media(content)
        if media_type is None:
            continue
        made = payload(values, media, media.get("schema"))
        return {"status": status, "content_type": "application/json", "body": made.value}, made
    if kind in (BYTES, STR):
        media_type = next((str(t) for t in (chosen[0][1].get("content") or {}) if t != "text/event-stream"), "") if chosen else ""
        concrete = media_type if media_type and "*" not in media_type else ("text/plain" if kind == STR else "application/octet-stream")
        media = (chosen[0][1].get("content") or {}).get(media_type) or {} if chosen else {}
        text = spec_example(media) if isinstance(media, dict) else None
        body = text if isinstance(text, str) and kind == STR else "example" if kind == STR else _BINARY_BODY
        return {"status": status, "content_type": concrete, "body": body}, Made(body, isinstance(text, str) and kind == STR, True)
    return {"status": 204 if status == 200 and kind == NONE and not chosen else status, "content_type": "", "body": None}, None


def response_from(made: Made | None) -> Literal["spec", "schema", "none"]:
    """Where the answer's body came from: the spec's examples, a schema, or nowhere (no body)."""
    if made is None:
        return "none"
    return "spec" if made.from_spec and not made.from_schema else "schema"


def payload(values: Values, media: dict[str, Any], schema: Any) -> Made:
    """A body of a Media Object: its own example, else one made from `schema`."""
    given = spec_example(media)
    return Made(given, True, False) if given is not None else values.of(schema or {})


def concrete_status(declared: str, fallback: int) -> int:
    """A concrete status for a declared one: `4XX` -> 400, `default` -> `fallback`."""
    text = str(declared).upper()
    if text.isdigit():
        return int(text)
    if len(text) == 3 and text[0] in "12345" and text[1:] == "XX":
        return int(text[0]) * 100
    return fallback
