"""The generated package type-checks under mypy --strict."""

from __future__ import annotations

import subprocess
import sys

from .conftest import GENERATED, REPO_ROOT


def test_generated_package_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(GENERATED / "openrouter_client")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
