"""Type expressions: the annotations of generated code as values, rendered to text by one function.

The planner builds these from safe names and literal values; `render` writes one as Python in the
module it goes into (the models and params modules are imported as `_models` and `_params`; inside
params.py a TypedDict needs no prefix; the docs name the public `models` and `params` modules), and
`imports` says which names that text needs in scope. Nothing parses annotation text back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from .escape import literal
from .names import ClassName

# Where an expression is written: a resource (or test) module, params.py, or the Markdown docs.
Module = Literal["resource", "params", "docs"]
LiteralValue = str | int | bool | None


class _Expr:
    """What every type expression answers: `str()` is its text in a resource module."""

    __slots__ = ()

    def __str__(self) -> str:
        return render(self)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Name(_Expr):
    """A builtin or a name every module of its kind imports: `str`, `object`, `None`, `FileTypes`."""

    name: str


@dataclass(frozen=True)
class Model(_Expr):
    """A class of the generated models module."""

    name: ClassName


@dataclass(frozen=True)
class Params(_Expr):
    """A TypedDict of the generated params module."""

    name: ClassName


@dataclass(frozen=True)
class LiteralOf(_Expr):
    """`Literal[...]` of JSON values (strings, integers, booleans, null); each is written escaped."""

    values: tuple[LiteralValue, ...] = field(compare=False)
    # Compared by type as well as value: `Literal[1]` and `Literal[True]` are different types.
    key: tuple[tuple[str, LiteralValue], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", tuple((type(value).__name__, value) for value in self.values))


@dataclass(frozen=True)
class SequenceOf(_Expr):
    """`Sequence[item]`: what an argument accepts (any sequence, a tuple as well as a list)."""

    item: TypeExpr


@dataclass(frozen=True)
class ListOf(_Expr):
    """`List[item]`: what a response holds."""

    item: TypeExpr


@dataclass(frozen=True)
class MappingOf(_Expr):
    """`Mapping[str, value]`: an argument's object of arbitrary keys."""

    value: TypeExpr


@dataclass(frozen=True)
class DictOf(_Expr):
    """`Dict[str, value]`: a response's object of arbitrary keys."""

    value: TypeExpr


@dataclass(frozen=True)
class UnionOf(_Expr):
    """`a | b | ...`: two or more members, none itself a union (build one with `union`)."""

    members: tuple[TypeExpr, ...]


TypeExpr = Name | Model | Params | LiteralOf | SequenceOf | ListOf | MappingOf | DictOf | UnionOf

NONE = Name("None")
OBJECT = Name("object")
STR = Name("str")
INT = Name("int")
FLOAT = Name("float")
BOOL = Name("bool")
BYTES = Name("bytes")
FILE = Name("FileTypes")
_CONTAINERS = {SequenceOf: "Sequence", ListOf: "List", MappingOf: "Mapping", DictOf: "Dict"}
_MODULES: dict[Module, tuple[str, str]] = {"resource": ("_models.", "_params."), "params": ("_models.", ""), "docs": ("models.", "params.")}


def union(parts: Iterable[TypeExpr], empty: TypeExpr | None = None) -> TypeExpr:
    """The union of `parts`: nested unions flattened, repeats dropped (first place kept), a single
    member as itself; no parts give `empty` (a union of nothing is no type)."""
    flat = tuple(dict.fromkeys(member for part in parts for member in members(part)))
    if not flat:
        if empty is None:
            raise ValueError("a union needs at least one member")
        return empty
    return flat[0] if len(flat) == 1 else UnionOf(flat)


def optional(expr: TypeExpr) -> TypeExpr:
    """`expr | None`."""
    return union((expr, NONE))


def members(expr: TypeExpr) -> tuple[TypeExpr, ...]:
    """The members of a union; any other expression is its own one member."""
    return expr.members if isinstance(expr, UnionOf) else (expr,)


def render(expr: TypeExpr, module: Module = "resource") -> str:
    """`expr` as Python source in `module` (see `Module`)."""
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Model):
        return _MODULES[module][0] + expr.name
    if isinstance(expr, Params):
        return _MODULES[module][1] + expr.name
    if isinstance(expr, LiteralOf):
        return f"Literal[{', '.join(literal(value) for value in expr.values)}]"
    if isinstance(expr, (SequenceOf, ListOf)):
        return f"{_CONTAINERS[type(expr)]}[{render(expr.item, module)}]"
    if isinstance(expr, (MappingOf, DictOf)):
        return f"{_CONTAINERS[type(expr)]}[str, {render(expr.value, module)}]"
    return " | ".join(render(member, module) for member in expr.members)


def imports(expr: TypeExpr, module: Module = "resource") -> frozenset[str]:
    """The names `render(expr, module)` reads that are no builtins: what the module must import
    (`Sequence`, `Literal`, `FileTypes`, `_models`, ...), or define (a TypedDict inside params.py)."""
    return frozenset(_names(expr, module))


def _names(expr: TypeExpr, module: Module) -> Iterator[str]:
    if isinstance(expr, Name):
        if expr.name not in _BUILTINS:
            yield expr.name
    elif isinstance(expr, (Model, Params)):
        prefix = _MODULES[module][0 if isinstance(expr, Model) else 1]
        yield prefix[:-1] if prefix else expr.name
    elif isinstance(expr, LiteralOf):
        yield "Literal"
    elif isinstance(expr, (SequenceOf, ListOf)):
        yield _CONTAINERS[type(expr)]
        yield from _names(expr.item, module)
    elif isinstance(expr, (MappingOf, DictOf)):
        yield _CONTAINERS[type(expr)]
        yield from _names(expr.value, module)
    else:
        for member in expr.members:
            yield from _names(member, module)


_BUILTINS = frozenset({"None", "object", "str", "int", "float", "bool", "bytes"})
