"""Regenerate the golden outputs: every case under tests/golden/ and the committed generated/ tree.

Run from the repository root:  python tests/golden/regenerate.py
Then review `git diff` — a golden diff is a change in what users get.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent


def cases() -> list[Path]:
    return sorted(case for case in GOLDEN.iterdir() if (case / "pyproject.toml").is_file())


def spec_of(case: Path) -> Path:
    return next(path for path in sorted(case.iterdir()) if path.stem == "spec")


def orgen(*args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "orgen", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"orgen {' '.join(args)} failed in {cwd}:\n{done.stderr}")
    return done.stdout


def main() -> None:
    for case in cases():
        spec = spec_of(case).name
        # Each case is a first build, as the test makes it in an empty folder: no earlier version to
        # move from, no changelog to extend.
        (case / "expected" / ".orgen" / "api.json").unlink(missing_ok=True)
        orgen("build", spec, "-q", cwd=case)
        (case / "normalized.yaml").write_text(orgen("normalize", spec, cwd=case), encoding="utf-8")
        print(f"regenerated {case.relative_to(ROOT)}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.history.pairs import PAIRS, golden, rebuild

    for old, new in PAIRS:
        with tempfile.TemporaryDirectory() as work:
            changelog = (rebuild(old, new, Path(work)) / "CHANGELOG.md").read_text(encoding="utf-8")
        golden(old, new).write_text(changelog, encoding="utf-8")
        print(f"regenerated {golden(old, new).relative_to(ROOT)}")
    # generated/ is rebuilt as a user rebuilds theirs: when its client changed, its version moves
    # and CHANGELOG.md says why.
    orgen("build", "specs/openapi.yaml", "-q", cwd=ROOT)
    print("regenerated generated/")


if __name__ == "__main__":
    main()
