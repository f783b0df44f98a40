"""Format: make generated Python read like hand-written code (black by default, ruff or none on request)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .problems import Problem, SpecError

LINE_LENGTH = 100
FORMATTERS = ("black", "ruff", "none")
# Below this many bytes of changed Python, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 400_000
# Files are cut into pieces of about this size so that one big file (models.py) keeps every worker busy.
_PIECE = 40_000


def format_files(files: dict[PurePosixPath, str], formatter: str, only: set[PurePosixPath] | None = None) -> dict[PurePosixPath, str]:
    """`files` with every Python file in `only` (default: all) formatted."""
    targets = sorted(path for path in files if path.suffix == ".py" and (only is None or path in only))
    result = dict(files)
    if formatter == "none" or not targets:
        return result
    if formatter == "ruff":
        result.update(_ruff({path: files[path] for path in targets}))
        return result
    import black  # noqa: F401  (loaded before the pool starts, so that forked workers have it already)

    sources = [files[path] for path in targets]
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and sum(map(len, sources)) > _POOL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor

        pieces = [_pieces(source) for source in sources]
        flat = [piece for split in pieces for piece in split]
        # Largest first, so that no worker is left with a big piece at the end.
        order = sorted(range(len(flat)), key=lambda index: -len(flat[index]))
        with ProcessPoolExecutor(workers) as pool:
            done = dict(zip(order, pool.map(_black, [flat[index] for index in order])))
        outputs = iter(done[index] for index in range(len(flat)))
        formatted = [_join([next(outputs) for _ in split]) for split in pieces]
    else:
        formatted = [_black(source) for source in sources]
    for path, source, text in zip(targets, sources, formatted):
        if text is None:
            raise SpecError([Problem(str(path), None, None, "generated code does not parse; this is a bug in orgen")])
        result[path] = text
    return result


def _black(source: str) -> str | None:
    import black

    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)
    try:
        return black.format_str(source, mode=mode)
    except black.InvalidInput:
        return None


def _pieces(source: str) -> list[str]:
    """`source` cut before top-level classes and functions into pieces black formats independently.

    A cut goes only before a definition that follows a blank line and no comment or decorator:
    black then starts the definition after exactly two blank lines whatever came before, so the
    pieces formatted one by one and joined with two blank lines equal the whole file formatted
    at once. Cuts come from the syntax tree, so none falls inside a string.
    """
    # Lines are counted as the parser counts them: at "\n" only (a lone "\r" would be a break too).
    if len(source) < 2 * _PIECE or "fmt:" in source or "\r" in source:
        return [source]
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [source]  # black reports it
    lines = [line + "\n" for line in source.split("\n")]
    lines[-1] = lines[-1][:-1]
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    pieces, begin = [], 0
    for node in tree.body:
        if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)]) - 1
        if first < 2 or offsets[first] - offsets[begin] < _PIECE or lines[first - 1].strip():
            continue
        previous = first - 1
        while previous > 0 and not lines[previous].strip():
            previous -= 1
        if lines[previous].lstrip().startswith(("#", "@")):
            continue
        pieces.append("".join(lines[begin:first]))
        begin = first
    pieces.append("".join(lines[begin:]))
    return pieces


def _join(formatted: list[str | None]) -> str | None:
    if any(text is None for text in formatted):
        return None
    return "\n\n".join(text for text in formatted if text is not None)


def _ruff(sources: dict[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    """All files formatted by one ruff process (it formats them in parallel) in a scratch folder."""
    ruff = shutil.which("ruff")
    if ruff is None:
        raise SpecError([Problem("<formatter>", None, None, "--formatter ruff needs the ruff command (pip install ruff)")])
    with tempfile.TemporaryDirectory(prefix="orgen-ruff-") as scratch:
        root = Path(scratch)
        # An empty config of its own keeps settings from folders above the scratch folder out.
        (root / "ruff.toml").write_text("", encoding="utf-8")
        for path, source in sources.items():
            target = root / "src" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source, encoding="utf-8")
        # Files named one by one: ruff's default excludes (build/, dist/, ...) apply only to folders it walks.
        done = subprocess.run(
            [ruff, "format", "--no-cache", "--config", str(root / "ruff.toml"), f"--line-length={LINE_LENGTH}", *(str(root / "src" / path) for path in sources)],
            capture_output=True, text=True, check=False, cwd=root,
        )
        if done.returncode != 0:
            broken = [str(path) for path in sources if str(path) in done.stderr] or [str(path) for path in sources][:1]
            raise SpecError([Problem(name, None, None, "generated code does not parse; this is a bug in orgen") for name in broken])
        return {path: (root / "src" / path).read_text(encoding="utf-8") for path in sources}


Formatter = Callable[[str], str | None]
