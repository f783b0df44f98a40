"""Events: the data of each event a streaming example call yields."""

from __future__ import annotations

from ..normalize import STREAM_EXTENSION
from ..planning.media import json_media, sse_payload, success_responses
from ..values import Values, spec_example
from .response import payload
from .source import Source

_SSE_FIELDS = {"data", "event", "id", "retry"}


def events(source: Source, values: Values) -> list[object]:
    """The data of each event of a streamed answer: the spec's event example, else one made.

    Under `x-orgen-stream` (events shaped as the JSON answer) an event is the answer's example;
    of a `text/event-stream` answer, its example's `data` when the example is an event.
    """
    marker = source.operation.get(STREAM_EXTENSION)
    if isinstance(marker, dict) and isinstance(marker.get("schema"), dict):
        for _, response in success_responses(source.document, source.operation):
            _, media = json_media(response.get("content"))
            if media:
                return [payload(values, media, marker["schema"]).value]
        return [values.of(marker["schema"]).value]
    for _, response in success_responses(source.document, source.operation):
        stream_media = (response.get("content") or {}).get("text/event-stream")
        if not isinstance(stream_media, dict):
            continue
        given = spec_example(stream_media)
        if isinstance(given, dict) and "data" in given and set(given) <= _SSE_FIELDS:
            return [given["data"]]
        return [values.of(sse_payload(source.document, stream_media.get("schema"))).value]
    return []
