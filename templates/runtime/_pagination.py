"""Pagination: every item of a paged list operation, fetching the next page as iteration reaches it."""

from __future__ import annotations

from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Literal, TypeVar

__all__ = ["AsyncPages", "SyncPages"]

_T = TypeVar("_T")
Kind = Literal["offset", "page", "cursor"]


class _Paging:
    """Where the items are, and the arguments of the page after the one just fetched."""

    def __init__(
        self,
        arguments: Mapping[str, object],
        *,
        kind: Kind,
        parameter: str,
        limit: str | None,
        results: Sequence[str],
        next_cursor: Sequence[str] = (),
    ) -> None:
        self.arguments = dict(arguments)
        self.kind = kind
        self.parameter = parameter
        self.limit = limit
        self.results = tuple(results)
        self.next_cursor = tuple(next_cursor)

    def items(self, page: object) -> list[Any]:
        found = _dig(page, self.results)
        # A list model (a pydantic RootModel) holds its items in `root`.
        found = getattr(found, "root", found)
        return list(found) if isinstance(found, (list, tuple)) else []

    def following(
        self, arguments: dict[str, object], page: object, count: int
    ) -> dict[str, object] | None:
        """The arguments of the next page; None after the last one."""
        if count == 0:
            return None
        current = arguments.get(self.parameter)
        if self.kind == "cursor":
            cursor = _dig(page, self.next_cursor)
            if cursor is None or cursor == "" or cursor == current:
                return None
            return {**arguments, self.parameter: cursor}
        size = arguments.get(self.limit) if self.limit else None
        if isinstance(size, int) and count < size:
            return None  # a short page is the last one
        start = current if isinstance(current, int) else (0 if self.kind == "offset" else 1)
        return {**arguments, self.parameter: start + (count if self.kind == "offset" else 1)}


class SyncPages(Iterator[_T], Generic[_T]):
    """Iterates over the items of every page, calling the list method once per page."""

    def __init__(
        self, fetch: Callable[..., object], arguments: Mapping[str, object], **paging: Any
    ) -> None:
        self._fetch = fetch
        self._paging = _Paging(arguments, **paging)
        self._items = self._iterate()

    def __next__(self) -> _T:
        return next(self._items)

    def __iter__(self) -> SyncPages[_T]:
        return self

    def _iterate(self) -> Iterator[_T]:
        arguments: dict[str, object] | None = self._paging.arguments
        while arguments is not None:
            page = self._fetch(**arguments)
            items = self._paging.items(page)
            yield from items
            arguments = self._paging.following(arguments, page, len(items))


class AsyncPages(AsyncIterator[_T], Generic[_T]):
    """`SyncPages` for the async client: `async for item in client.<resource>.iter_<method>(...)`."""

    def __init__(
        self,
        fetch: Callable[..., Awaitable[object]],
        arguments: Mapping[str, object],
        **paging: Any,
    ) -> None:
        self._fetch = fetch
        self._paging = _Paging(arguments, **paging)
        self._items = self._iterate()

    async def __anext__(self) -> _T:
        return await self._items.__anext__()

    def __aiter__(self) -> AsyncPages[_T]:
        return self

    async def _iterate(self) -> AsyncIterator[_T]:
        arguments: dict[str, object] | None = self._paging.arguments
        while arguments is not None:
            page = await self._fetch(**arguments)
            items = self._paging.items(page)
            for item in items:
                yield item
            arguments = self._paging.following(arguments, page, len(items))


def _dig(value: object, path: Sequence[str]) -> object:
    """The value at `path` (wire names) in a parsed response: model fields by alias, dict keys."""
    for name in path:
        if isinstance(value, Mapping):
            value = value.get(name)
            continue
        fields = getattr(type(value), "model_fields", None)
        if not isinstance(fields, dict):
            return None
        attribute = next(
            (key for key, field in fields.items() if (field.alias or key) == name), None
        )
        if attribute is None:
            extra = getattr(value, "model_extra", None) or {}
            value = extra.get(name)
        else:
            value = getattr(value, attribute)
    return value
