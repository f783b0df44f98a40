"""Tidy: every generated module imports exactly what it uses, in the order linters expect.

Templates import what a module of their kind may need and the models library adds its own imports;
this pass drops the names a module never mentions (in code, in string annotations such as the
TypedDicts' field types, or in `__all__`), merges repeated imports of one module, and sorts the
import blocks as isort's black profile does (what ruff's `I001` checks), so generated code passes the
linters users run on their repositories.
"""

from __future__ import annotations

import ast

_LONGEST_ANNOTATION = 2_000  # string constants longer than this are prose, not type expressions


def tidy_imports(source: str) -> str:
    """`source` with unused imported names removed and its import blocks sorted."""
    tree = ast.parse(source)
    return _sorted(_prune(source, tree, _scan(tree)[0]))


def tidy_head(head: str, tree: ast.Module) -> str | None:
    """The module's first lines, `head`, tidied as `tidy_imports` tidies the whole module, whose
    syntax tree is `tree`; None unless every import of the module is in its head (the lines after
    it are then left as they are, and the module needs parsing only once to be cut and tidied)."""
    used, last_import = _scan(tree)
    if last_import > head.count("\n"):
        return None
    return _sorted(_prune(head, tree, used))


def _sorted(source: str) -> str:
    import isort  # here: only builds that render code need it

    return isort.code(source, profile="black")


def _prune(source: str, tree: ast.Module, used: set[str]) -> str:
    """`source`, the whole module `tree` was parsed from or its first lines holding every import,
    with the imported names not `used` removed."""
    lines = source.splitlines(keepends=True)
    replacements: dict[ast.Import | ast.ImportFrom, str] = {}
    for block, imports in _import_blocks(tree):
        for node in imports:
            kept = [alias for alias in node.names if (alias.asname or alias.name).split(".")[0] in used or alias.name == "*"]
            if len(kept) < len(node.names):
                indent = lines[node.lineno - 1][: node.col_offset]
                replacements[node] = f"{indent}{_statement(node, kept)}\n" if kept else ""
        first = block[0] if block else None
        emptied = all(isinstance(node, (ast.Import, ast.ImportFrom)) and replacements.get(node) == "" for node in block)
        if isinstance(first, (ast.Import, ast.ImportFrom)) and emptied:
            del replacements[first]  # a block must keep a statement
    # Replaced from the bottom up, so that earlier line numbers stay valid.
    for node, text in sorted(replacements.items(), key=lambda item: item[0].lineno, reverse=True):
        lines[node.lineno - 1 : node.end_lineno or node.lineno] = [text]
    return "".join(lines)


def _import_blocks(tree: ast.Module) -> list[tuple[list[ast.stmt], list[ast.Import | ast.ImportFrom]]]:
    """The imports at module level (no block to keep), and those inside each module-level `if`
    branch (`if TYPE_CHECKING:`) with that branch's statements."""
    def imports(statements: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
        return [n for n in statements if isinstance(n, (ast.Import, ast.ImportFrom)) and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]

    found: list[tuple[list[ast.stmt], list[ast.Import | ast.ImportFrom]]] = [([], imports(tree.body))]
    for node in tree.body:
        if isinstance(node, ast.If):
            found += [(branch, imports(branch)) for branch in (node.body, node.orelse) if branch]
    return found


def _scan(tree: ast.Module) -> tuple[set[str], int]:
    """Names read anywhere, those in string annotations (a functional TypedDict's field types) and
    those `__all__` exports; and the line the last import anywhere ends on (0: none)."""
    used: set[str] = set()
    last_import = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last_import = max(last_import, node.end_lineno or node.lineno)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            used.add(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "TypedDict":
            used |= {name for value in ast.walk(node) if isinstance(value, ast.Constant) for name in _names_in_annotation(value.value)}
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            used |= {value.value for value in ast.walk(node.value) if isinstance(value, ast.Constant) and isinstance(value.value, str)}
    return used, last_import


def _names_in_annotation(text: object) -> set[str]:
    """Names a string annotation refers to (`"Required[Sequence[str]]"`); none for other values."""
    if not isinstance(text, str) or len(text) > _LONGEST_ANNOTATION:
        return set()
    try:
        expression = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return set()
    return {node.id for node in ast.walk(expression) if isinstance(node, ast.Name)}


def _statement(node: ast.Import | ast.ImportFrom, aliases: list[ast.alias]) -> str:
    names = ", ".join(alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in aliases)
    if isinstance(node, ast.Import):
        return f"import {names}"
    return f"from {'.' * node.level}{node.module or ''} import {names}"
