"""Request: what the client must send for an example call, by wire name and place."""

from __future__ import annotations

import copy

from ..ir import Operation
from ..names import PyName


def request(op: Operation, arguments: dict[PyName, object]) -> dict[str, object]:
    """The request `op` called with `arguments` sends: method, path and, where given, `query`,
    `headers`, `json`, `form` and `files`."""
    sent: dict[str, object] = {"method": op.method.upper(), "path": op.path}
    path = op.path
    for param in op.params:
        if param.name not in arguments:
            continue
        value = arguments[param.name]
        if param.location == "path":
            path = path.replace("{" + param.wire_name + "}", _spelled(value))
        elif param.location in ("query", "header"):
            place(sent, param.location if param.location == "query" else "headers", param.wire_name, value)
        elif param.location == "file":
            uploads = value if isinstance(value, list) else [value]
            place(sent, "files", param.wire_name, [upload[1] for upload in uploads if isinstance(upload, tuple)])
        elif op.body == "json-value":
            sent["json"] = value
        elif op.body == "json":
            place(sent, "json", param.wire_name, value)
        else:
            place(sent, "form", param.wire_name, value)
    if op.body == "json" and "json" not in sent and op.located("body"):
        sent["json"] = {}  # the client always sends the object, however empty
    sent["path"] = path
    return sent


def stream_request(op: Operation, sent: dict[str, object]) -> dict[str, object] | None:
    """`sent` as sent with the stream flag on (a body field, or a query parameter); None when
    the operation has no flag."""
    flag = op.stream.parameter if op.stream else None
    param = next((p for p in op.params if p.name == flag), None)
    if param is None:
        return None
    streamed = copy.deepcopy(sent)
    place(streamed, "json" if op.body == "json" else "form" if param.location == "body" else "query", param.wire_name, True)
    return streamed


def place(sent: dict[str, object], part: str, name: str, value: object) -> None:
    """Put `value` under `name` in the `part` of a request (`query`, `json`, ...)."""
    found = sent.setdefault(part, {})
    assert isinstance(found, dict)
    found[name] = value


def _spelled(value: object) -> str:
    """A scalar as the client writes it in a URL or header (booleans as JSON spells them)."""
    return "true" if value is True else "false" if value is False else str(value)
