"""Parameters: the path, query and header parameters of an operation as keyword arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ir import Param
from ..names import PyName, pascal, snake, unique
from .input_types import InputTypes
from .kinds import is_deprecated
from .media import schema_of_content

# Names a generated method's signature or body uses; spec parameters with these names get a suffix.
# (Parameter names never shadow annotations, which are resolved in the enclosing scope.)
RESERVED_ARGUMENTS = frozenset(
    {
        "self", "extra_headers", "extra_query", "extra_body", "timeout", "options", "strip_not_given", "to_wire",
        "format_path", "header_values", "cast", "type",
    }
)


def parameters(
    operation: dict[str, Any], pointer: str, method: PyName, taken: set[str], inputs: InputTypes, warn: Callable[[str, str], None]
) -> list[Param]:
    """The arguments of `operation`'s parameters, in spec order, each named apart from `taken`."""
    found: list[Param] = []
    for param in operation.get("parameters") or []:
        location = str(param.get("in"))
        if location not in {"path", "query", "header", "cookie"}:
            continue
        if location == "cookie":
            warn(pointer, f"cookie parameter {param.get('name')!r} is not supported; ignored")
            continue
        schema = param.get("schema") or schema_of_content(param.get("content")) or {}
        schema = schema if isinstance(schema, dict) else {}  # `schema: true` (3.1) admits any value
        found.append(
            Param(
                name=PyName(unique(snake(str(param["name"]), "param", frozenset()), taken)),
                wire_name=str(param["name"]),
                location=location,  # type: ignore[arg-type]
                annotation=inputs.of(schema, f"{pascal(method)}{pascal(str(param['name']))}"),
                required=bool(param.get("required")) or location == "path",
                description=str(param.get("description") or schema.get("description") or ""),
                deprecated=is_deprecated(param),
            )
        )
    return found
