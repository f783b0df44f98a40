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

- in a long signature written one parameter to a line, each ending in a comma: black keeps such a
  signature one parameter to a line (the comma after the last is "magic"), breaks each parameter's
  line on its own, and writes the `def ...(` line and the `) -> ...:` line and body as they are in
  any other signature. The head, each parameter and the tail are pieces, formatted in a stand-in
  signature (`def _(`, `_,`, `): ...`) and joined with no gap. Overloads repeat the same parameters,
  so black formats each once, and a new parameter costs black one line.

Cuts come from the syntax tree, so none falls inside a string; a file with `fmt:` directives, form
feeds or carriage returns is one piece, and a signature with a comment in it is not cut.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Smaller classes are formatted whole: more black calls and records would cost more than they save.
CLASS_WORTH_CUTTING = 2_000  # characters
# Shorter signatures are formatted with their definition, for the same reason.
SIGNATURE_WORTH_CUTTING = 600  # characters
_STAND_IN = "class _:\n"
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)


@dataclass(frozen=True)
class Piece:
    """Lines of a file black formats on their own. `nested`: in a class body, formatted inside the
    stand-in class; `kind`: "top" or "nested" for statements, else "head", "parameter" or "tail",
    a part of a cut signature; `before` and `after`: the stand-in text around a part, written as
    black writes it, so that black's output starts and ends with it."""

    text: str
    nested: bool = False
    kind: str = "top"
    before: str = ""
    after: str = ""

    @property
    def source(self) -> str:
        """What black formats. Black drops the blank lines that end a file, and the blank lines
        between two pieces are the gap's: without them a piece already formatted is black's
        output as it stands, and black, which formats again whatever its first pass changed,
        passes over it once."""
        text = self.text if self.after else self.text.rstrip() + "\n"
        return (_STAND_IN if self.nested else "") + self.before + text + self.after

    def formatted(self, black_output: str | None) -> str | None:
        """The piece's formatted text, from black's output for `source` (None: it did not parse,
        or black wrote the stand-in otherwise than expected)."""
        head = (_STAND_IN if self.nested else "") + self.before
        if black_output is None or len(black_output) < len(head) + len(self.after):
            return None
        if not (black_output.startswith(head) and black_output.endswith(self.after)):
            return None
        return black_output[len(head) : len(black_output) - len(self.after)]

    @property
    def gap(self) -> str:
        """What goes between the formatted piece before this one and this one."""
        if self.kind in ("parameter", "tail"):
            return ""
        return "\n" if self.nested else "\n\n"


def cut(source: str, classes: bool = True, tree: ast.Module | None = None) -> list[Piece]:
    """`source` in pieces whose texts add up to it; `classes`: cut big classes into their methods,
    and long signatures into their parameters, too; `tree`: `source` parsed, when it is already."""
    # Lines are counted as the parser counts them: at "\n" only (a lone "\r" would be a break too).
    if "fmt:" in source or "\r" in source or "\f" in source:
        return [Piece(source)]
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return [Piece(source)]  # black reports it
    lines = [line + "\n" for line in source.split("\n")]
    lines[-1] = lines[-1][:-1]
    body = tree.body
    top = {index for index in range(1, len(body)) if _top_level_cut(body[index - 1], body[index], lines)}
    starts: list[tuple[int, bool, ast.stmt | None]] = [(0, False, None)]
    for index, node in enumerate(body):
        if index in top:
            starts.append((_first_line(node), False, node))
        ends_piece = index + 1 in top or (index + 1 == len(body) and _blank_lines(lines[node.end_lineno or 0 :]) >= 0)
        if classes and isinstance(node, ast.ClassDef) and ends_piece and _size(node, lines) >= CLASS_WORTH_CUTTING:
            starts.extend((_first_line(inner), True, inner) for inner in _class_cuts(node, lines))
    ends = [start for start, _, _ in starts[1:]] + [len(lines)]
    pieces: list[Piece] = []
    for (start, nested, first), end in zip(starts, ends):
        parts = _signature_parts(first, lines, start, end) if classes and isinstance(first, _FUNCTIONS) else None
        if parts is None or first is None:
            pieces.append(Piece("".join(lines[start:end]), nested, "nested" if nested else "top"))
        else:
            pieces.extend(_signature_pieces(parts, nested, " " * first.col_offset))
    return pieces


def join(pieces: list[Piece], texts: list[str]) -> str:
    """The formatted file: each piece's formatted text after its gap."""
    return texts[0] + "".join(piece.gap + text for piece, text in zip(pieces[1:], texts[1:]))


def _signature_pieces(parts: list[str], nested: bool, indent: str) -> list[Piece]:
    """The pieces of a definition cut at its parameters: `parts` are its head (decorators and the
    `def name(` line), each parameter's lines, and its tail (the `)` line onwards)."""
    inner = indent + "    "
    head, *parameters, tail = parts
    return [
        Piece(head, nested, "head", after=f"{inner}_,\n{indent}): ...\n"),
        *(Piece(text, nested, "parameter", before=f"{indent}def _(\n", after=f"{indent}): ...\n") for text in parameters),
        Piece(tail, nested, "tail", before=f"{indent}def _(\n{inner}_,\n"),
    ]


def _signature_parts(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], start: int, end: int) -> list[str] | None:
    """The head, parameters and tail of the definition that starts the lines `start:end`, when its
    signature is long and written one parameter to a line, each with its comma; else None."""
    keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    opening = node.lineno - 1
    if lines[opening] != f"{' ' * node.col_offset}{keyword} {node.name}(\n" or getattr(node, "type_params", None):
        return None
    bounds = _parameter_lines(node.args, lines)
    if bounds is None or bounds[0] != opening + 1 or bounds[-1] >= end or not lines[bounds[-1]].lstrip().startswith(")"):
        return None
    if any("#" in line for line in lines[opening : bounds[-1] + 1]):
        return None  # a comment could be anywhere; strings with "#" in them are simply left whole
    if sum(map(len, lines[bounds[0] : bounds[-1]])) < SIGNATURE_WORTH_CUTTING:
        return None
    edges = [start, *bounds, end]
    return ["".join(lines[first:last]) for first, last in zip(edges, edges[1:])]


def _parameter_lines(arguments: ast.arguments, lines: list[str]) -> list[int] | None:
    """The index of the line each parameter starts on, then of the line after the last: when every
    parameter starts a line and ends one with its comma (a bare `*,` on its own line goes with the
    parameter after it); else None."""
    if arguments.posonlyargs:
        return None  # rare in generated code; its `/` marker is not worth the cases
    defaults: list[ast.expr | None] = [None] * (len(arguments.args) - len(arguments.defaults)) + list(arguments.defaults)
    order: list[tuple[ast.arg, ast.expr | None, str]] = [(arg, default, "") for arg, default in zip(arguments.args, defaults)]
    if arguments.vararg is not None:
        order.append((arguments.vararg, None, "*"))
    order.extend((arg, default, "") for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults))
    if arguments.kwarg is not None:
        order.append((arguments.kwarg, None, "**"))
    if len(order) < 2:
        return None
    bare_star = arguments.kwonlyargs[0] if arguments.kwonlyargs and arguments.vararg is None else None
    starts: list[int] = []
    after = -1  # the line after the parameter before
    for arg, default, stars in order:
        first = arg.lineno - 1
        if lines[first][: arg.col_offset].strip() != stars:
            return None
        if arg is bare_star:
            # The bare `*` stands alone on the line before and goes with this parameter: `*,` alone does not parse.
            first -= 1
            if lines[first].strip() != "*,":
                return None
        if after >= 0 and first != after:
            return None
        last = default or arg.annotation or arg
        line = (last.end_lineno or 0) - 1
        if lines[line][last.end_col_offset or 0 :] != ",\n":
            return None
        starts.append(first)
        after = line + 1
    return [*starts, after]


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
