"""`pip install .` (not editable) gives a working `orgen` whose templates ship inside the wheel.

The wheel goes into a clean venv that cannot see the base interpreter's site-packages, and pip
installs its dependencies there from the registry, as on a user's fresh machine: nothing this test
proves may depend on packages that happen to be installed beside the interpreter.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

from .conftest import ROOT, SEED_SPEC

_PROBE = """
import importlib.util, pathlib, sys
import orgen
here = pathlib.Path(orgen.__file__).parent
print(here)
print((here / 'templates' / 'runtime').is_dir())
for name in ('datamodel_code_generator', 'black', 'jinja2', 'yaml', 'click'):
    print(pathlib.Path(importlib.util.find_spec(name).origin).resolve())
"""


def _clean_env() -> dict[str, str]:
    """The caller's environment without what points an interpreter at other packages."""
    hidden = ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV", "PIP_USER")
    return {key: value for key, value in os.environ.items() if key not in hidden} | {"PYTHONNOUSERSITE": "1"}


def test_wheel_install_builds_the_seed_outside_the_source_tree(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / "bin" / "python"
    env = _clean_env()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, check=False, timeout=900, env=env, cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    lines = subprocess.run(
        [str(python), "-c", _PROBE], capture_output=True, text=True, check=True, cwd=tmp_path, env=env,
    ).stdout.split("\n")
    assert Path(lines[0]).is_relative_to(env_dir) and lines[1] == "True"
    # Every dependency came from this venv, not from the interpreter it was made from.
    for origin in filter(None, lines[2:]):
        assert Path(origin).is_relative_to(env_dir.resolve()), origin
    build = subprocess.run(
        [str(env_dir / "bin" / "orgen"), "build", str(SEED_SPEC), "--out", "out", "--package-name", "seed", "-q"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300, env=env,
    )
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "out" / "seed" / "_base_client.py").is_file()
    assert (tmp_path / "out" / "seed" / "resources" / "completions.py").is_file()
