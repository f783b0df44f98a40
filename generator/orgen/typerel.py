"""Type relations: whether one generated annotation accepts every value another one does.

Annotations are the type expressions orgen writes into the client (`str | None`,
`Sequence[_params.MessageParam | _models.Message]`, `Literal['a', 'b']`). They are read with `ast`
(never split as text: a literal may hold ` | `), unions are flattened to their members, and
`covers(wide, narrow)` holds when every member of `narrow` is accepted by some member of `wide`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import lru_cache

_MODULE_PREFIX = re.compile(r"\b_(?:models|params)\.")
_COVARIANT = {"Sequence": ("Sequence", "list", "tuple"), "Mapping": ("Mapping", "dict"), "list": ("list",), "dict": ("dict",)}
_SCALAR_OF_LITERAL: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}


def plain(annotation: str, renames: Mapping[str, str] | None = None) -> str:
    """The annotation without module prefixes, with renamed classes under their new names."""
    text = _MODULE_PREFIX.sub("", annotation)
    if renames and any(name in text for name in renames):
        text = re.sub(r"\b[A-Za-z_]\w*\b", lambda m: renames.get(m.group(0), m.group(0)), text)
    return text


@lru_cache(maxsize=4096)
def members(annotation: str) -> tuple[str, ...]:
    """The union members of an annotation, each as text; a Literal of several values gives one
    member per value, so `Literal['a', 'b']` and `Literal['a'] | Literal['b']` read alike."""
    try:
        tree = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return (annotation,)
    return tuple(sorted({ast.unparse(node) for node in _flatten(tree)}))


def covers(wide: str, narrow: str, parents: Mapping[str, list[str]] | None = None) -> bool:
    """Every value `narrow` admits is admitted by `wide` (both already `plain`); `parents` names each
    class's bases (a model's base models, `str` for a string enum), so a subclass is covered too."""
    try:
        wide_members = _flatten(ast.parse(wide, mode="eval").body)
        narrow_members = _flatten(ast.parse(narrow, mode="eval").body)
    except SyntaxError:
        return wide == narrow
    # Members written alike are covered at once; only the rest are compared structurally.
    written = {ast.unparse(member) for member in wide_members}
    rest = [member for member in narrow_members if ast.unparse(member) not in written]
    return all(any(_covers_member(w, n, parents or {}) for w in wide_members) for n in rest)


def _flatten(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flatten(node.left) + _flatten(node.right)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        head, args = node.value.id, _arguments(node)
        if head == "Optional":
            return [*_flatten(args[0]), ast.Constant(None)]
        if head == "Union":
            return [member for arg in args for member in _flatten(arg)]
        if head == "Literal" and len(args) > 1:
            return [ast.Subscript(ast.Name("Literal"), arg) for arg in args]
        if head == "Annotated":
            return _flatten(args[0])
    if isinstance(node, ast.Name) and node.id == "None":
        return [ast.Constant(None)]
    return [node]


def _arguments(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _covers_member(wide: ast.expr, narrow: ast.expr, parents: Mapping[str, list[str]]) -> bool:
    if ast.dump(wide) == ast.dump(narrow):
        return True
    if isinstance(wide, ast.Name) and isinstance(narrow, ast.Name) and wide.id in _ancestors(narrow.id, parents):
        return True
    if isinstance(wide, ast.Name):
        if wide.id in ("Any", "object"):
            return True
        if wide.id == "float" and isinstance(narrow, ast.Name) and narrow.id == "int":
            return True
        literal = _literal_value(narrow)
        kind = _SCALAR_OF_LITERAL.get(wide.id)
        if literal is not None and kind is not None:
            return isinstance(literal.value, kind) and (wide.id == "bool" or not isinstance(literal.value, bool))
    if isinstance(wide, ast.Subscript) and isinstance(narrow, ast.Subscript):
        if not (isinstance(wide.value, ast.Name) and isinstance(narrow.value, ast.Name)):
            return False
        if narrow.value.id not in _COVARIANT.get(wide.value.id, (wide.value.id,)):
            return False
        wide_args, narrow_args = _arguments(wide), _arguments(narrow)
        if len(wide_args) != len(narrow_args):
            return False
        return all(covers(ast.unparse(w), ast.unparse(n), parents) for w, n in zip(wide_args, narrow_args))
    return False


def _ancestors(name: str, parents: Mapping[str, list[str]]) -> set[str]:
    found: set[str] = set()
    pending = list(parents.get(name, []))
    while pending:
        parent = pending.pop()
        if parent not in found:
            found.add(parent)
            pending.extend(parents.get(parent, []))
    return found | ({"float"} if "int" in found else set())


def _literal_value(node: ast.expr) -> ast.Constant | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal":
        args = _arguments(node)
        if len(args) == 1 and isinstance(args[0], ast.Constant):
            return args[0]
    return None
