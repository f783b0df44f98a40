"""Pages: a paged list call over two full pages and then the end, each page as sent and answered."""

from __future__ import annotations

import copy

from ..ir import Operation
from ..names import PyName
from .request import place

_NEXT_CURSOR = "cursor-2"


def pages(op: Operation, answer: dict[str, object], sent: dict[str, object], arguments: dict[PyName, object]) -> dict[str, object] | None:
    """Each (expected request, answer) of a paged list over two full pages (then the end), the
    items they hold, and the arguments the call changes (a page size of 1, so a page is full).

    `answer`, `sent` and `arguments` are the example call's; None when its answer lists no item.
    """
    paging = op.pagination
    assert paging is not None
    body = answer.get("body")
    items = _dig(body, paging.results)
    if not (isinstance(items, list) and items):
        return None  # nothing to page through in the example
    item = items[0]
    overrides: dict[str, object] = {paging.limit: 1} if paging.limit and paging.limit in arguments else {}
    wire: dict[str, tuple[str, str]] = {p.name: (p.location, p.wire_name) for p in op.params}
    first = copy.deepcopy(sent)
    for name, value in overrides.items():
        _set(first, *wire[name], value)
    if paging.kind == "cursor":
        bodies = [_with(_with(body, paging.results, [item]), paging.next_cursor, _NEXT_CURSOR), _with(_with(body, paging.results, [item]), paging.next_cursor, None)]
        moves: list[object] = [_NEXT_CURSOR]
    else:
        start = arguments.get(paging.parameter)
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


def _dig(value: object, path: tuple[str, ...]) -> object:
    """The value at `path` in `value` (None when it holds nothing there)."""
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


def _set(sent: dict[str, object], location: str, name: str, value: object) -> None:
    """Set an argument's wire value in an expected request."""
    place(sent, {"query": "query", "header": "headers", "body": "json"}.get(location, location), name, value)
