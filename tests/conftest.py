"""Shared helpers: run the real `orgen` CLI as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_SPEC = ROOT / "specs" / "openapi.yaml"

Orgen = Callable[..., subprocess.CompletedProcess[str]]


def run_orgen(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orgen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture
def orgen() -> Orgen:
    return run_orgen


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (bytecode caches aside) by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".mypy_cache" not in path.parts
    }
