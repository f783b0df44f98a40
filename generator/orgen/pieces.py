"""Pieces: cut a Python file where black's output does not depend on what came before, so that the
pieces formatted one by one and joined read exactly as the whole file formatted at once.

Black decides the blank lines before a line from the lines before it, and nothing else it does to a
statement looks outside it. Where black's rule for the blank lines depends only on the cut itself,
a piece starts:

- at the top level, before a statement that follows the one before it after nothing but blank
  lines: black puts exactly two blank lines before a `def` or `class` (decorators included) there,
  and before any other statement after a `def` or `class`, or after an assignment when the source
  already has two or more. After an import black puts one, and after the module's docstring one
  before a decorator; a string statement would read as the piece's docstring; a comment in between
  belongs to what follows it (all four are left whole);
- in the body of a big top-level class, before a `def` or `class` (decorators included) after a
  blank line: black puts exactly one blank line there. Such a piece is formatted at its own depth
  inside a stand-in class (`_STAND_IN`, whose line is then dropped), so that long lines break and
  docstrings indent as they do in the file. The class must end its top-level piece: anything after
  it would land in the stand-in class.

Cuts come from the syntax tree, so none falls inside a string; a file with `fmt:` directives, form
feeds or carriage returns is one piece.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Smaller classes are formatted whole: more black calls and records would cost more than they save.
CLASS_WORTH_CUTTING = 2_000  # characters
_STAND_IN = "class _:\n"
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)


@dataclass(frozen=True)
class Piece:
    """Lines of a file black formats on their own; `nested`: a definition in a class body, one
    blank line after the piece before it (else two)."""

    text: str
    nested: bool = False

    @property
    def source(self) -> str:
        """What black formats."""
        return _STAND_IN + self.text if self.nested else self.text

    def formatted(self, black_output: str | None) -> str | None:
        """The piece's formatted text, from black's output for `source` (None: it did not parse)."""
        if black_output is None or not self.nested:
            return black_output
        return black_output[len(_STAND_IN) :] if black_output.startswith(_STAND_IN) else None

    @property
    def gap(self) -> str:
        """What goes between the formatted piece before this one and this one."""
        return "\n" if self.nested else "\n\n"


def cut(source: str, classes: bool = True) -> list[Piece]:
    """`source` in pieces whose texts add up to it; `classes`: cut big classes into their methods too."""
    # Lines are counted as the parser counts them: at "\n" only (a lone "\r" would be a break too).
    if "fmt:" in source or "\r" in source or "\f" in source:
        return [Piece(source)]
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [Piece(source)]  # black reports it
    lines = [line + "\n" for line in source.split("\n")]
    lines[-1] = lines[-1][:-1]
    body = tree.body
    top = {index for index in range(1, len(body)) if _top_level_cut(body[index - 1], body[index], lines)}
    starts: list[tuple[int, bool]] = [(0, False)]
    for index, node in enumerate(body):
        if index in top:
            starts.append((_first_line(node), False))
        ends_piece = index + 1 in top or (index + 1 == len(body) and _blank_lines(lines[node.end_lineno or 0 :]) >= 0)
        if classes and isinstance(node, ast.ClassDef) and ends_piece and _size(node, lines) >= CLASS_WORTH_CUTTING:
            starts.extend((_first_line(inner), True) for inner in _class_cuts(node, lines))
    ends = [start for start, _ in starts[1:]] + [len(lines)]
    return [Piece("".join(lines[start:end]), nested) for (start, nested), end in zip(starts, ends)]


def join(pieces: list[Piece], texts: list[str]) -> str:
    """The formatted file: each piece's formatted text after its gap."""
    return texts[0] + "".join(piece.gap + text for piece, text in zip(pieces[1:], texts[1:]))


def _top_level_cut(before: ast.stmt, node: ast.stmt, lines: list[str]) -> bool:
    blank = _blank_lines(lines[before.end_lineno or 0 : _first_line(node)])
    if blank < 1 or _is_string(before) or _is_string(node):
        return False
    return isinstance(node, _DEFINITIONS) or isinstance(before, _DEFINITIONS) or (isinstance(before, _ASSIGNMENTS) and blank >= 2)


def _class_cuts(node: ast.ClassDef, lines: list[str]) -> list[ast.stmt]:
    """The definitions in the class's body a piece starts at (never the first statement: the
    class's own piece needs a body)."""
    return [
        inner
        for before, inner in zip(node.body, node.body[1:])
        if isinstance(inner, _DEFINITIONS) and _blank_lines(lines[before.end_lineno or 0 : _first_line(inner)]) >= 1
    ]


def _is_string(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.JoinedStr))


def _first_line(node: ast.stmt) -> int:
    """The index of the statement's first line, its decorators' included."""
    decorators = node.decorator_list if isinstance(node, _DEFINITIONS) else []
    return min([node.lineno, *(decorator.lineno for decorator in decorators)]) - 1


def _blank_lines(lines: list[str]) -> int:
    """How many lines there are, all blank; -1 when one is not."""
    return len(lines) if all(not line.strip() for line in lines) else -1


def _size(node: ast.stmt, lines: list[str]) -> int:
    return sum(map(len, lines[_first_line(node) : node.end_lineno]))
