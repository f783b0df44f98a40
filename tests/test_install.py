"""`pip install .` (not editable) gives a working `orgen` whose templates ship inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from .conftest import ROOT, SEED_SPEC


def test_wheel_install_builds_the_seed_outside_the_source_tree(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # System site-packages supply the dependencies; orgen itself comes from the wheel built here.
    venv.create(env_dir, with_pip=True, system_site_packages=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", "--force-reinstall", str(ROOT)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    where = subprocess.run(
        [str(python), "-c", "import orgen, pathlib; p = pathlib.Path(orgen.__file__).parent; print(p); print((p / 'templates' / 'runtime').is_dir())"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(env_dir) and where[1] == "True"
    build = subprocess.run(
        [str(env_dir / "bin" / "orgen"), "build", str(SEED_SPEC), "--out", "out", "--package-name", "seed", "-q"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "out" / "seed" / "_base_client.py").is_file()
    assert (tmp_path / "out" / "seed" / "resources" / "completions.py").is_file()
