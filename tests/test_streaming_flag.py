"""The `stream: boolean` repair applies only to specs that never declare event streams themselves."""

from __future__ import annotations

from typing import Any

from orgen.normalize import STREAM_EXTENSION, normalize


def _operation(responses: dict[str, Any]) -> dict[str, Any]:
    body = {"type": "object", "properties": {"input": {"type": "string"}, "stream": {"type": "boolean"}}}
    return {"requestBody": {"content": {"application/json": {"schema": body}}}, "responses": responses}


def _json_only() -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}


def test_stream_flag_without_any_declared_event_stream_streams_the_json_schema() -> None:
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/generate": {"post": _operation(_json_only())}}}
    assert STREAM_EXTENSION in normalize(document)["paths"]["/generate"]["post"]


def test_stream_flag_is_plain_data_when_the_spec_declares_event_streams_elsewhere() -> None:
    sse = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}},
                                                      "text/event-stream": {"schema": {"type": "object"}}}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/chat": {"post": _operation(sse)}, "/presets": {"post": _operation(_json_only())}},
    }
    assert STREAM_EXTENSION not in normalize(document)["paths"]["/presets"]["post"]
