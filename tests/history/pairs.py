"""Real updates of OpenRouter's spec kept beside the tests, and how a user's rebuild goes through one.

Each pair is two consecutive published versions (xz-compressed as published); its golden
CHANGELOG.md (`<old>__<new>.CHANGELOG.md`) was checked by hand against the specs' own diff.
Regenerate the goldens with `python tests/golden/regenerate.py` and review them again.
"""

from __future__ import annotations

import lzma
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "openrouter_client"
PAIRS = [
    ("2025-09-08-a0953aa0b", "2025-09-11-7d9cd58d6"),  # error bodies split by status: 2 removed models
    ("2026-08-12-448ec46f0", "2026-08-14-624fe5223"),  # a new method, enum values, an error model replaced
]
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "ORGEN_CACHE_DIR": ""}  # 2026-01-01, no build record


def golden(old: str, new: str) -> Path:
    return HERE / f"{old}__{new}.CHANGELOG.md"


def spec(name: str, folder: Path) -> Path:
    """The version `name`, decompressed into `folder`."""
    target = folder / f"{name}.yaml"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lzma.open(HERE / f"{name}.yaml.xz").read())
    return target


def rebuild(old: str, new: str, work: Path) -> Path:
    """Build `old` into a folder, copy it aside (`work/before`), rebuild the folder with `new`."""
    out = work / "out"
    build(spec(old, work / "specs"), out)
    subprocess.run(["cp", "-a", str(out), str(work / "before")], check=True)
    build(spec(new, work / "specs"), out)
    return out


def build(spec_path: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "orgen", "build", str(spec_path), "--out", str(out), "--package-name", PACKAGE, "--formatter", "none", "-q"],
        capture_output=True, text=True, env={**os.environ, **ENV}, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
