"""Examples: every planned operation called with example values, for the generated tests and docs.

Arguments come from the spec's examples where it gives them — a parameter's `example(s)`, the
request body's, a property schema's — and are made from the schemas otherwise (values.py). The
answer is the success response's example (made from its schema where there is none), likewise
the events of a streaming call, a declared error's body and the pages of a paged list. The result
is data on each `Operation.example`; the renderer writes it as Python and JSON.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from .ir import Api, Example, Operation
from .names import PyName
from .normalize import STREAM_EXTENSION, deref
from .planning.media import json_media, sse_payload, success_responses
from .typeexpr import BYTES, NONE, STR, SequenceOf, render
from .values import Made, Values, spec_example

UPLOAD = ("example.txt", b"example file content\n", "text/plain")
_BINARY_BODY = "example binary content"
# The exception the client raises for a status (the README's table); others raise APIStatusError.
STATUS_ERRORS = {
    400: "BadRequestError", 401: "AuthenticationError", 402: "PaymentRequiredError", 403: "PermissionDeniedError",
    404: "NotFoundError", 409: "ConflictError", 413: "PayloadTooLargeError", 422: "UnprocessableEntityError",
    429: "RateLimitError",
}
_NEXT_CURSOR = "cursor-2"


def attach_examples(document: dict[str, Any], api: Api) -> None:
    """Give every operation of `api` its example, read from the normalized `document`."""
    requests, responses = Values(document, "request"), Values(document, "response")
    for op in api.operations:
        op.example = _Builder(document, requests, responses, op).build()


class _Builder:
    """The example of one operation."""

    def __init__(self, document: dict[str, Any], requests: Values, responses: Values, op: Operation) -> None:
        self.document = document
        self.requests = requests
        self.responses = responses
        self.op = op
        item = deref(document, (document.get("paths") or {}).get(op.path)) or {}
        self.operation: dict[str, Any] = item.get(op.method) or {}
        self.parameters = _parameters(document, item.get("parameters"), self.operation.get("parameters"))

    def build(self) -> Example:
        made = self._arguments()
        arguments = [(name, part.value) for name, part in made.items()]
        response, response_made = self._response()
        request = self._request(dict(arguments))
        return Example(
            arguments=arguments,
            request=request,
            stream_request=self._stream_request(request),
            response=response,
            arguments_from=_source(list(made.values())),
            response_from="none" if response_made is None else "spec" if response_made.from_spec and not response_made.from_schema else "schema",
            events=self._events() if self.op.stream else [],
            error=self._error(),
            pages=self._pages(response, request) if self.op.pagination and not self.op.stream else None,
        )

    # -- arguments ---------------------------------------------------------------------------------
    def _arguments(self) -> dict[PyName, Made]:
        body_example, body_schema = self._body()
        properties, _ = self.requests.properties(body_schema)
        flag = self.op.stream.parameter if self.op.stream else None
        found: dict[PyName, Made] = {}
        for param in self.op.params:
            if param.name == flag:
                continue
            part: Made | None = None
            if param.location == "file":
                many = isinstance(param.annotation, SequenceOf)
                part = Made([UPLOAD] if many else UPLOAD, False, True)
            elif param.location == "body" and self.op.body == "json-value":
                if body_example is not None:
                    part = Made(body_example, True, False)
                elif param.required:
                    part = self.requests.of(body_schema)
            elif param.location == "body":
                if isinstance(body_example, dict) and param.wire_name in body_example:
                    part = Made(copy.deepcopy(body_example[param.wire_name]), True, False)
                elif param.required:
                    part = self.requests.of(properties.get(param.wire_name) or {})
            else:
                raw = self.parameters.get((param.location, param.wire_name), {})
                given = spec_example(raw)
                if given is not None:
                    part = Made(given, True, False)
                elif param.required:
                    part = self.requests.of(raw.get("schema") or _content_schema(raw))
            if part is not None and _sendable(param.location, part.value, param.required):
                found[param.name] = part
        return found

    def _body(self) -> tuple[Any, Any]:
        """The request body's own example (None when it has none) and its schema."""
        body = deref(self.document, self.operation.get("requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict):
            return None, {}
        if self.op.body in ("json", "json-value"):
            _, media = json_media(content)
        else:
            media = content.get("multipart/form-data" if self.op.body == "multipart" else "application/x-www-form-urlencoded") or {}
        media = media if isinstance(media, dict) else {}
        schema = media.get("schema") or {}
        example = spec_example(media)
        return (example if example is not None else spec_example(deref(self.document, schema) or {})), schema

    def _request(self, arguments: dict[PyName, object]) -> dict[str, object]:
        """What the client must send for `arguments`, by wire name and place."""
        request: dict[str, object] = {"method": self.op.method.upper(), "path": self.op.path}
        path = self.op.path
        for param in self.op.params:
            if param.name not in arguments:
                continue
            value = arguments[param.name]
            if param.location == "path":
                path = path.replace("{" + param.wire_name + "}", _spelled(value))
            elif param.location in ("query", "header"):
                _place(request, param.location if param.location == "query" else "headers", param.wire_name, value)
            elif param.location == "file":
                uploads = value if isinstance(value, list) else [value]
                _place(request, "files", param.wire_name, [upload[1] for upload in uploads if isinstance(upload, tuple)])
            elif self.op.body == "json-value":
                request["json"] = value
            elif self.op.body == "json":
                _place(request, "json", param.wire_name, value)
            else:
                _place(request, "form", param.wire_name, value)
        if self.op.body == "json" and "json" not in request and self.op.located("body"):
            request["json"] = {}  # the client always sends the object, however empty
        request["path"] = path
        return request

    def _stream_request(self, request: dict[str, object]) -> dict[str, object] | None:
        """`request` as sent with the stream flag on (a body field, or a query parameter)."""
        flag = self.op.stream.parameter if self.op.stream else None
        param = next((p for p in self.op.params if p.name == flag), None)
        if param is None:
            return None
        streamed = copy.deepcopy(request)
        _place(streamed, "json" if self.op.body == "json" else "form" if param.location == "body" else "query", param.wire_name, True)
        return streamed

    # -- answers -----------------------------------------------------------------------------------
    def _response(self) -> tuple[dict[str, object], Made | None]:
        """The success answer: status, content type and body (None for no body)."""
        chosen = success_responses(self.document, self.operation)
        status = _status(chosen[0][0], 200) if chosen else 200
        kind = self.op.response_type
        for _, response in chosen:
            content = response.get("content") or {}
            media_type, media = json_media(content)
            if media_type is None:
                continue
            made = self._payload(media, media.get("schema"))
            return {"status": status, "content_type": "application/json", "body": made.value}, made
        if kind in (BYTES, STR):
            media_type = next((str(t) for t in (chosen[0][1].get("content") or {}) if t != "text/event-stream"), "") if chosen else ""
            concrete = media_type if media_type and "*" not in media_type else ("text/plain" if kind == STR else "application/octet-stream")
            media = (chosen[0][1].get("content") or {}).get(media_type) or {} if chosen else {}
            text = spec_example(media) if isinstance(media, dict) else None
            body = text if isinstance(text, str) and kind == STR else "example" if kind == STR else _BINARY_BODY
            return {"status": status, "content_type": concrete, "body": body}, Made(body, isinstance(text, str) and kind == STR, True)
        return {"status": 204 if status == 200 and kind == NONE and not chosen else status, "content_type": "", "body": None}, None

    def _payload(self, media: dict[str, Any], schema: Any) -> Made:
        given = spec_example(media)
        return Made(given, True, False) if given is not None else self.responses.of(schema or {})

    def _events(self) -> list[object]:
        """The data of each event of a streamed answer: the spec's event example, else one made."""
        marker = self.operation.get(STREAM_EXTENSION)
        if isinstance(marker, dict) and isinstance(marker.get("schema"), dict):
            for _, response in success_responses(self.document, self.operation):
                _, media = json_media(response.get("content"))
                if media:
                    return [self._payload(media, marker["schema"]).value]
            return [self.responses.of(marker["schema"]).value]
        for _, response in success_responses(self.document, self.operation):
            stream_media = (response.get("content") or {}).get("text/event-stream")
            if not isinstance(stream_media, dict):
                continue
            given = spec_example(stream_media)
            if isinstance(given, dict) and "data" in given and set(given) <= {"data", "event", "id", "retry"}:
                return [given["data"]]
            return [self.responses.of(sse_payload(self.document, stream_media.get("schema"))).value]
        return []

    def _error(self) -> dict[str, object] | None:
        """The first declared JSON error: its status, the exception it raises and a body."""
        if not self.op.errors:
            return None
        declared, annotation = self.op.errors[0]
        status = _status(declared, 500)
        responses = self.operation.get("responses") or {}
        key = next((k for k in responses if str(k).upper() == declared.upper()), declared)
        response = deref(self.document, responses.get(key))
        _, media = json_media(response.get("content") if isinstance(response, dict) else None)
        body = self._payload(media, media.get("schema")).value
        exception = STATUS_ERRORS.get(status, "InternalServerError" if status >= 500 else "APIStatusError")
        return {"status": status, "content_type": "application/json", "body": body, "exception": exception, "annotation": render(annotation)}

    def _pages(self, answer: dict[str, object], request: dict[str, object]) -> dict[str, object] | None:
        """A paged list over two full pages (then the end): each (expected request, answer), the
        items they hold, and the arguments the call changes (a page size of 1, so a page is full)."""
        paging = self.op.pagination
        assert paging is not None
        body = answer.get("body")
        items = _dig(body, paging.results)
        if not (isinstance(items, list) and items):
            return None  # nothing to page through in the example
        item = items[0]
        given = self._arguments_by_name()
        overrides: dict[str, object] = {paging.limit: 1} if paging.limit and paging.limit in given else {}
        wire: dict[str, tuple[str, str]] = {p.name: (p.location, p.wire_name) for p in self.op.params}
        first = copy.deepcopy(request)
        for name, value in overrides.items():
            _set(first, *wire[name], value)
        if paging.kind == "cursor":
            bodies = [_with(_with(body, paging.results, [item]), paging.next_cursor, _NEXT_CURSOR), _with(_with(body, paging.results, [item]), paging.next_cursor, None)]
            moves: list[object] = [_NEXT_CURSOR]
        else:
            start = given.get(paging.parameter)
            start = start if isinstance(start, int) else (0 if paging.kind == "offset" else 1)
            bodies = [_with(body, paging.results, [item]), _with(body, paging.results, [item]), _with(body, paging.results, [])]
            moves = [start + 1, start + 2]
        requests = [first]
        for value in moves:
            following = copy.deepcopy(first)
            _set(following, *wire[paging.parameter], value)
            requests.append(following)
        exchanges = [[req, {**answer, "body": page}] for req, page in zip(requests, bodies)]
        return {"exchanges": exchanges, "items": [item, item], "overrides": overrides}

    def _arguments_by_name(self) -> dict[str, object]:
        return {name: part.value for name, part in self._arguments().items()}


def _parameters(document: dict[str, Any], shared: Any, own: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The operation's parameters, path-level ones included, by (location, wire name)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for param in [*(shared or []), *(own or [])]:
        resolved = deref(document, param)
        if isinstance(resolved, dict) and "name" in resolved:
            merged[(str(resolved.get("in")), str(resolved["name"]))] = resolved
    return merged


def _content_schema(param: dict[str, Any]) -> Any:
    content = param.get("content")
    media: Any = next(iter(content.values()), {}) if isinstance(content, dict) and content else {}
    return media.get("schema") if isinstance(media, dict) else {}


def _sendable(location: str, value: object, required: bool) -> bool:
    """Whether an argument with this value belongs in an example call: the client leaves a None
    query or header value out and cannot send an object as a query value, so an optional one
    that would not arrive as given is not shown."""
    if location in ("query", "header", "path") and (value is None or isinstance(value, dict)):
        return required
    return True


def _source(parts: list[Made]) -> Literal["spec", "schema", "mixed", "none"]:
    if not parts:
        return "none"
    from_spec = [p.from_spec and not p.from_schema for p in parts]
    if all(from_spec):
        return "spec"
    return "mixed" if any(p.from_spec for p in parts) else "schema"


def _status(declared: str, fallback: int) -> int:
    """A concrete status for a declared one: `4XX` -> 400, `default` -> `fallback`."""
    text = str(declared).upper()
    if text.isdigit():
        return int(text)
    if len(text) == 3 and text[0] in "12345" and text[1:] == "XX":
        return int(text[0]) * 100
    return fallback


def _spelled(value: object) -> str:
    """A scalar as the client writes it in a URL or header (booleans as JSON spells them)."""
    return "true" if value is True else "false" if value is False else str(value)


def _place(request: dict[str, object], part: str, name: str, value: object) -> None:
    found = request.setdefault(part, {})
    assert isinstance(found, dict)
    found[name] = value


def _dig(value: object, path: tuple[str, ...]) -> object:
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _with(value: object, path: tuple[str, ...], new: object) -> object:
    """A copy of `value` with `new` at `path` (objects made on the way as needed)."""
    result = copy.deepcopy(value) if isinstance(value, dict) else {}
    node = result
    for name in path[:-1]:
        child = node.get(name)
        node[name] = child if isinstance(child, dict) else {}
        node = node[name]
    node[path[-1]] = new
    return result


def _set(request: dict[str, object], location: str, name: str, value: object) -> None:
    """Set an argument's wire value in an expected request."""
    _place(request, {"query": "query", "header": "headers", "body": "json"}.get(location, location), name, value)


def counts(api: Api) -> dict[str, int]:
    """How many operations take their arguments and answers from the spec's examples."""
    found: dict[str, int] = {}
    for op in api.operations:
        if op.example is not None:
            found[f"arguments:{op.example.arguments_from}"] = found.get(f"arguments:{op.example.arguments_from}", 0) + 1
            found[f"response:{op.example.response_from}"] = found.get(f"response:{op.example.response_from}", 0) + 1
    return dict(sorted(found.items()))
