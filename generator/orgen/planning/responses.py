"""Responses: what a call gives back — its result type, Accept header, typed errors, event stream and headers."""

from __future__ import annotations

from typing import Any, Literal

from ..ir import Param, ResponseHeader, Stream
from ..names import PyName, pascal, snake, unique
from ..normalize import STREAM_EXTENSION, deref
from ..typeexpr import BOOL, BYTES, NONE, OBJECT, STR, TypeExpr, members
from .media import SSE, is_json, json_body, schema_of_content, sse_payload, success_responses
from .output_types import OutputTypes


class Responses:
    """Plans the response side of operations of one document; `hint` names the classes it hoists."""

    def __init__(self, document: dict[str, Any], outputs: OutputTypes) -> None:
        self.document = document
        self.outputs = outputs

    def result_type(self, operation: dict[str, Any], hint: str) -> TypeExpr:
        """The parsed result: of the first success response with a body (JSON, text or bytes)."""
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            json_type, schema = json_body(content)
            if json_type is not None:
                return self.outputs.of(schema, hint + "Response") if schema else OBJECT
            if not content or set(content) == {SSE}:
                continue
            if any(str(t).startswith("text/") for t in content if t != SSE):
                return STR
            return BYTES  # audio/*, video/mp4, application/octet-stream, ...: the body as is
        return NONE

    def accept(self, operation: dict[str, Any]) -> str | None:
        """The media types of a non-JSON success body (the response `result_type` picks), for Accept.

        The client asks for JSON by default; a server negotiating content would refuse that for an
        operation that only answers with, say, `audio/*` or `application/octet-stream`.
        """
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            if any(is_json(t) for t in content):
                return None
            types = [str(t) for t in content if t != SSE]
            if types:
                return ", ".join(types)
        return None

    def errors(self, operation: dict[str, Any], hint: str) -> list[tuple[str, TypeExpr]]:
        """The model of each error status whose body the spec declares as JSON."""
        found = []
        for status, response in sorted((str(k).upper(), v) for k, v in (operation.get("responses") or {}).items()):
            if not (status[:1] in ("4", "5") or status == "DEFAULT"):
                continue
            response = deref(self.document, response)
            _, schema = json_body(response.get("content") if isinstance(response, dict) else None)
            if schema:
                annotation = self.outputs.of(schema, f"{hint}Error{pascal(status.lower())}")
                if annotation not in (OBJECT, NONE):
                    found.append((status.lower() if status == "DEFAULT" else status, annotation))
        return found

    def stream(self, operation: dict[str, Any], params: list[Param], hint: str) -> Stream | None:
        """How the operation streams events, if it does: always, or when a boolean argument says so."""
        marker = operation.get(STREAM_EXTENSION)
        if isinstance(marker, dict) and isinstance(marker.get("schema"), dict):
            flag = next((p.name for p in params if p.wire_name == marker.get("parameter") and p.location == "body"), None)
            if flag is not None:
                return Stream(flag, self.outputs.of(marker["schema"], hint + "Event"))
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            if SSE not in content:
                continue
            event = sse_payload(self.document, (content[SSE] or {}).get("schema"))
            if event is None:  # e.g. a plain string "not used": the operation does not stream
                return None
            if not any(is_json(t) for t in content):
                return Stream(None, self.outputs.of(event, hint + "Event"))
            # Both JSON and SSE: a boolean body field named `stream` chooses between them.
            switch = next((p for p in params if p.wire_name == "stream" and p.location == "body" and members(p.annotation)[0] == BOOL), None)
            return Stream(switch.name, self.outputs.of(event, hint + "Event")) if switch else None
        return None

    def headers(self, operation: dict[str, Any]) -> list[ResponseHeader]:
        """The headers the success responses declare (`responses.2xx.headers`), each once."""
        found: dict[str, ResponseHeader] = {}
        taken: set[str] = {"from_headers"}
        for _, response in success_responses(self.document, operation):
            headers = response.get("headers")
            for wire, header in sorted(headers.items()) if isinstance(headers, dict) else []:
                header = deref(self.document, header)
                if str(wire).lower() in found or str(wire).lower() == "content-type" or not isinstance(header, dict):
                    continue  # OpenAPI says a declared Content-Type is ignored
                schema = deref(self.document, header.get("schema") or schema_of_content(header.get("content")) or {})
                many = isinstance(schema, dict) and schema.get("type") == "array"
                kind = _header_kind(deref(self.document, schema.get("items")) if many else schema)
                name = PyName(unique(snake(str(wire), "header"), taken))
                found[str(wire).lower()] = ResponseHeader(name, str(wire), kind, many, str(header.get("description") or ""))
        return list(found.values())


def _header_kind(schema: Any) -> Literal["str", "int", "float", "bool"]:
    """The Python type a header's value is read as: its schema's primitive type, else `str`."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):  # `[integer, "null"]`
        kind = next((k for k in kind if k != "null"), None)
    return {"integer": "int", "number": "float", "boolean": "bool"}.get(str(kind), "str")  # type: ignore[return-value]
