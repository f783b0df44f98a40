"""Real-world specs: the fixed sample of scripts/corpus.py builds, and every generated module imports.

The sample (scripts/corpus_sample.txt) spans 0.5 KB to 13 MB, GitHub's REST API included, and holds
specs that once failed. The script installs the corpus with npm into .cache/corpus/ on first use.
It builds with `--formatter none`: formatting changes layout only (tests/test_cli.py checks that)
and would only add time; the whole sample takes about 70 s on 2 cores, plus the npm install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "corpus.py"
SAMPLE = ROOT / "scripts" / "corpus_sample.txt"


def test_every_sample_spec_builds_and_imports(tmp_path: Path) -> None:
    if shutil.which("npm") is None and not os.environ.get("CI"):
        pytest.skip("npm is needed to install the corpus")
    results_file = tmp_path / "results.json"
    command = [
        sys.executable, str(SCRIPT), "--list", str(SAMPLE), "--formatter", "none", "--jobs", "2",
        "--report", str(tmp_path / "corpus.md"), "--json", str(results_file), "-q",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    assert results_file.is_file(), done.stderr
    results = json.loads(results_file.read_text())
    expected = [line.split("#", 1)[0].strip() for line in SAMPLE.read_text().splitlines()]
    assert sorted(r["spec"] for r in results) == sorted(line for line in expected if line)
    failures = [f"{r['spec']}: {r['orgen']['status']}: {r['orgen']['error']}" for r in results if r["orgen"]["status"] != "ok"]
    assert not failures, "\n".join(failures)
    assert done.returncode == 0, done.stderr
