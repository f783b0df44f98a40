"""Problems found in a spec: records with a location, collected and raised once per stage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at `file:line` and a JSON pointer."""

    file: str
    line: int | None
    pointer: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{_visible(self.file)}:{self.line}" if self.line is not None else _visible(self.file)
        # One line, always: a message quoting spec text must not break the format.
        message = " ".join(self.message.split())
        if self.pointer is None:  # about a file, not a node of the spec
            return f"{where}: {message}"
        return f"{where}: {_visible(self.pointer) or '/'}: {message}"


def _visible(text: str) -> str:
    """`text` with line breaks and other control characters written as escapes (pointers hold any key)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class SpecError(Exception):
    """The input cannot be built; carries every problem found so far."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.pointer or "", p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[SpecError], tuple[list[Problem]]]:
        # Raised in a worker process (the models stage), it crosses back whole.
        return (SpecError, (self.problems,))


@dataclass
class Problems:
    """Collects errors and warnings; a stage calls `check()` once it has looked at everything."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int | None, pointer: str, message: str) -> None:
        self.items.append(Problem(file, line, pointer, message, "error"))

    def warn(self, file: str, line: int | None, pointer: str, message: str) -> None:
        problem = Problem(file, line, pointer, message, "warning")
        if problem not in self.items:
            self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def check(self, strict: bool = False) -> None:
        """Raise SpecError if there are errors (or, under `strict`, warnings)."""
        failing = self.items if strict else self.errors
        if failing:
            raise SpecError(list(failing))
