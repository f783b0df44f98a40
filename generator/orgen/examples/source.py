"""Source: what the example of one operation is read from — its objects in the spec beside its plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ir import Operation
from ..normalize import deref


@dataclass(frozen=True)
class Source:
    """One planned operation and the spec's objects for it, read from the normalized document."""

    document: dict[str, Any]
    path_item: dict[str, Any]  # the Path Item Object the operation is in
    operation: dict[str, Any]  # the Operation Object ({} when the spec has none)
    op: Operation

    @classmethod
    def of(cls, document: dict[str, Any], op: Operation) -> Source:
        item = deref(document, (document.get("paths") or {}).get(op.path)) or {}
        return cls(document, item, item.get(op.method) or {}, op)
