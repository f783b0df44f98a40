"""Shared sentinel and type aliases used across the client runtime."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import IO, Final, Literal, TypeAlias

import httpx

__all__ = [
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NOT_GIVEN",
    "NotGiven",
    "Query",
    "Timeout",
    "header_values",
    "strip_not_given",
    "warn_deprecated_arguments",
]


class NotGiven:
    """Marks an argument the caller did not pass, as distinct from an explicit ``None``.

    ``None`` is a meaningful value for nullable API fields (it is sent as JSON
    ``null``), so omitted arguments need their own marker.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # A singleton keeps `is NOT_GIVEN` checks valid even if someone calls NotGiven().
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, object]
Timeout: TypeAlias = float | httpx.Timeout | None

# What an upload argument accepts: the bytes, an open binary file, a path, or a tuple of
# (filename, content) or (filename, content, content type) to name the part explicitly.
FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)


def strip_not_given(mapping: Mapping[str, object]) -> dict[str, object]:
    """Return a copy of `mapping` without the entries whose value is NOT_GIVEN (None is kept)."""
    return {key: value for key, value in mapping.items() if not isinstance(value, NotGiven)}


def header_values(mapping: Mapping[str, object]) -> dict[str, str]:
    """Header parameters as strings, without the ones not given (and without explicit None)."""
    return {
        key: ("true" if value is True else "false" if value is False else str(value))
        for key, value in mapping.items()
        if value is not None and not isinstance(value, NotGiven)
    }


def warn_deprecated_arguments(given: Mapping[str, object], call: str) -> None:
    """One `DeprecationWarning` naming the deprecated arguments of `call` the caller passed.

    Raised at the caller's line: two frames up is the code that called the generated method.
    """
    passed = [name for name, value in given.items() if not isinstance(value, NotGiven)]
    if passed:
        names = ", ".join(passed)
        verb = "are" if len(passed) > 1 else "is"
        warnings.warn(
            f"argument{'s' * (len(passed) > 1)} {names} of {call} {verb} deprecated",
            DeprecationWarning,
            stacklevel=3,
        )
