"""Format: make generated Python read like hand-written code (black by default, ruff or none on request)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import PurePosixPath

from .problems import Problem, SpecError

LINE_LENGTH = 100
FORMATTERS = ("black", "ruff", "none")
# Below this many bytes of changed Python, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 400_000


def format_files(files: dict[PurePosixPath, str], formatter: str, only: set[PurePosixPath] | None = None) -> dict[PurePosixPath, str]:
    """`files` with every Python file in `only` (default: all) formatted."""
    targets = sorted(path for path in files if path.suffix == ".py" and (only is None or path in only))
    result = dict(files)
    if formatter == "none" or not targets:
        return result
    if formatter == "ruff":
        result.update(_ruff({path: files[path] for path in targets}))
        return result
    sources = [files[path] for path in targets]
    if sum(map(len, sources)) > _POOL_THRESHOLD:
        with ProcessPoolExecutor() as pool:
            formatted = list(pool.map(_black, sources, chunksize=4))
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


def _ruff(sources: dict[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    ruff = shutil.which("ruff")
    if ruff is None:
        raise SpecError([Problem("<formatter>", None, None, "--formatter ruff needs the ruff command (pip install ruff)")])
    formatted = {}
    for path, source in sources.items():
        done = subprocess.run(
            [ruff, "format", f"--line-length={LINE_LENGTH}", "--stdin-filename", str(path), "-"],
            input=source, capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise SpecError([Problem(str(path), None, None, "generated code does not parse; this is a bug in orgen")])
        formatted[path] = done.stdout
    return formatted


Formatter = Callable[[str], str | None]
