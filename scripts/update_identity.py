"""Walk OpenRouter's published spec history as a user's rebuilds do, and check that every update
build (borrowing from the previous build) writes the models a fresh build of that version writes.

(The versions and changelogs of a chain of rebuilds differ from a single one's by design; the whole
tree of one update against a fresh build is compared in tests/test_history.py.)

    python scripts/update_identity.py [--last N]

Prints one line per update: how many schemas the models library ran on, and whether the trees match.
Exits 1 on the first difference.
"""

from __future__ import annotations

import argparse
import filecmp
import lzma
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HISTORY = Path(__file__).resolve().parents[1].parent / "shared" / "specs" / "openrouter-history"
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "ORGEN_CACHE_DIR": ""}


def build(spec: Path, out: Path, *extra: str) -> str:
    import os

    done = subprocess.run(
        [sys.executable, "-m", "orgen", "build", str(spec), "--out", str(out), "--package-name", "openrouter_client", *extra],
        capture_output=True, text=True, env={**os.environ, **ENV}, check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{spec.name}: build failed: {done.stderr.strip()[-400:]}")
    return done.stderr


def same_models(one: Path, other: Path) -> list[str]:
    files = [Path("openrouter_client") / "models.py"]
    return [str(f) for f in files if not ((one / f).is_file() and (other / f).is_file() and filecmp.cmp(one / f, other / f, shallow=False))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--last", type=int, default=0, help="only the last N versions")
    args = parser.parse_args()
    versions = sorted(HISTORY.glob("*.yaml.xz"))[-args.last :] if args.last else sorted(HISTORY.glob("*.yaml.xz"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        spec = root / "reused" / "openapi.yaml"
        spec.parent.mkdir()
        for index, version in enumerate(versions):
            spec.write_bytes(lzma.decompress(version.read_bytes()))
            log = build(spec, root / "reused" / "out")
            if index == 0:
                continue
            fresh = root / f"fresh{index}"
            fresh.mkdir()
            (fresh / "openapi.yaml").write_bytes(spec.read_bytes())
            build(fresh / "openapi.yaml", fresh / "out", "--fresh")
            generated = re.search(r"for (\d+) of (\d+) schemas", log)
            note = f"models for {generated[1]} of {generated[2]} schemas" if generated else "models generated whole"
            differ = same_models(root / "reused" / "out", fresh / "out")
            print(f"{version.name.removesuffix('.yaml.xz')}: {note}; {'identical' if not differ else 'DIFFERS: ' + ', '.join(differ[:5])}", flush=True)
            if differ:
                return 1
            subprocess.run(["rm", "-rf", str(fresh)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
