"""Type expressions: how each renders in the module it is written into, and the names it needs there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from orgen.config import load_config
from orgen.ir import Api, ResponseHeader, TypedDictField, cast_expression
from orgen.names import ClassName, PyName
from orgen.pipeline import plan_spec
from orgen.typeexpr import (
    BOOL,
    FILE,
    NONE,
    OBJECT,
    STR,
    DictOf,
    ListOf,
    LiteralOf,
    MappingOf,
    Model,
    Name,
    Params,
    SequenceOf,
    TypeExpr,
    UnionOf,
    imports,
    members,
    optional,
    render,
    union,
)

from .conftest import ROOT, SEED_SPEC

PET = Model(ClassName("Pet"))
PET_PARAM = Params(ClassName("PetParam"))


def test_each_kind_renders_in_a_resource_module() -> None:
    assert render(Name("int")) == "int"
    assert render(PET) == "_models.Pet"
    assert render(PET_PARAM) == "_params.PetParam"
    assert render(LiteralOf(("cat", 2, True, None))) == "Literal['cat', 2, True, None]"
    assert render(SequenceOf(PET_PARAM)) == "Sequence[_params.PetParam]"
    assert render(ListOf(PET)) == "List[_models.Pet]"
    assert render(MappingOf(OBJECT)) == "Mapping[str, object]"
    assert render(DictOf(ListOf(STR))) == "Dict[str, List[str]]"
    assert render(union([PET, NONE])) == "_models.Pet | None"
    assert str(union([PET_PARAM, PET])) == "_params.PetParam | _models.Pet"


def test_params_module_names_its_own_typed_dicts_bare_and_docs_name_public_modules() -> None:
    expr = union([SequenceOf(PET_PARAM), PET])
    assert render(expr, "params") == "Sequence[PetParam] | _models.Pet"
    assert render(expr, "docs") == "Sequence[params.PetParam] | models.Pet"


def test_literal_values_are_escaped_not_pasted() -> None:
    hostile = "x'] | __import__('os').system('true') | Literal['"
    text = render(LiteralOf((hostile,)))
    assert ast.literal_eval(text.removeprefix("Literal[").removesuffix("]")) == hostile
    # Rendering in another module never rewrites a value that happens to spell a module prefix.
    assert render(LiteralOf(("_models.Pet",)), "docs") == "Literal['_models.Pet']"


def test_union_flattens_drops_repeats_and_keeps_first_places() -> None:
    inner = union([PET, NONE])
    assert union([STR, inner, PET, STR]) == UnionOf((STR, PET, NONE))
    assert union([PET]) == PET
    assert union([PET, PET]) == PET
    assert union([], empty=OBJECT) == OBJECT
    with pytest.raises(ValueError):
        union([])
    assert optional(optional(PET)) == UnionOf((PET, NONE))
    assert members(inner) == (PET, NONE)
    assert members(PET) == (PET,)


def test_literals_of_equal_values_of_other_types_stay_apart() -> None:
    assert LiteralOf((1,)) != LiteralOf((True,))
    assert render(union([LiteralOf((1,)), LiteralOf((True,))])) == "Literal[1] | Literal[True]"
    assert LiteralOf(("a", "b")) == LiteralOf(("a", "b"))


def test_imports_name_what_the_text_reads_in_its_module() -> None:
    expr = union([SequenceOf(PET_PARAM), MappingOf(LiteralOf(("a",))), DictOf(ListOf(PET)), FILE, BOOL, NONE])
    assert imports(expr) == {"Sequence", "_params", "Mapping", "Literal", "Dict", "List", "_models", "FileTypes"}
    assert imports(expr, "params") == {"Sequence", "PetParam", "Mapping", "Literal", "Dict", "List", "_models", "FileTypes"}
    assert imports(expr, "docs") == {"Sequence", "params", "Mapping", "Literal", "Dict", "List", "models", "FileTypes"}
    assert imports(union([STR, BOOL, OBJECT, NONE])) == set()


def test_ir_renders_through_the_one_function() -> None:
    assert cast_expression(NONE) == "type(None)"
    assert cast_expression(PET) == "_models.Pet"
    assert cast_expression(optional(PET)) == "cast(Any, _models.Pet | None)"
    field = TypedDictField("pet", SequenceOf(PET_PARAM), required=True)
    assert field.typed_annotation == "Required[Sequence[PetParam]]"
    assert render(ResponseHeader(PyName("x_count"), "X-Count", "int", many=True).annotation) == "List[int] | None"
    assert render(ResponseHeader(PyName("x_id"), "X-Id", "str", many=False).annotation) == "str | None"


def _bound_names(template: Path, package: str = "pkg") -> set[str]:
    """The names the import block of a module template binds (the Python between its docstring and `__all__`)."""
    text = template.read_text(encoding="utf-8").replace("{{ api.package }}", package)
    block = text[text.index("from __future__") :]
    block = block[: re.search(r"^(__all__|\{%)", block, re.M).start()]  # type: ignore[union-attr]
    tree = ast.parse(block)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def _planned(spec: Path) -> Api:
    _, api, _ = plan_spec(spec, load_config(spec.parent if (spec.parent / "pyproject.toml").is_file() else ROOT))
    return api


@pytest.mark.parametrize("spec", [SEED_SPEC, ROOT / "specs" / "openrouter-full.yaml", ROOT / "tests" / "client" / "specs" / "features.yaml", ROOT / "tests" / "golden" / "stream_flag" / "spec.yaml"], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_name_an_annotation_needs_is_one_its_module_imports(spec: Path) -> None:
    templates = ROOT / "templates"
    api = _planned(spec)
    resource, params, tests = (_bound_names(templates / name) for name in ("package/resource.py.jinja", "package/params.py.jinja", "tests/test_resource.py.jinja"))
    for op in api.operations:
        written: list[TypeExpr] = [p.annotation for p in op.params] + [op.response_type] + [annotation for _, annotation in op.errors]
        written += [h.annotation for h in op.response_headers]
        written += [op.stream.event_type] if op.stream else []
        written += [op.pagination.item_type] if op.pagination else []
        for expr in written:
            assert imports(expr) <= resource, f"{op.call}: {render(expr)}"
        for expr in [op.response_type] + ([op.stream.event_type] if op.stream else []):
            assert imports(expr) <= tests, f"{op.call}: {render(expr)}"
    defined = {typed.name for typed in api.typed_dicts}
    for typed in api.typed_dicts:
        for field in typed.fields:
            assert imports(field.annotation, "params") <= params | defined, f"{typed.name}.{field.wire_name}"
