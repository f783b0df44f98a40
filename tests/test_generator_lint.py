"""The generator is held to what it asks of its output: ruff-clean and `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)


def test_generator_and_scripts_pass_ruff() -> None:
    done = _run("ruff", "check", "--no-cache", "generator/orgen", "scripts")  # rules: [tool.ruff] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr


def test_generator_passes_mypy_strict() -> None:
    done = _run("mypy", "--no-incremental")  # files and strictness: [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr
