"""The suite runs on the project venv alone: nothing it uses may come from the base interpreter.

CI runs on a machine whose base Python may hold packages installed by hand; a test that leans on
them passes there and fails on a user's fresh machine. These checks fail instead.
"""

from __future__ import annotations

import re
import site
import sys
import sysconfig
from pathlib import Path

from .conftest import ROOT

_BASE_SITE = Path(sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"]).resolve()


def test_the_suite_runs_in_a_venv_that_hides_the_base_site_packages() -> None:
    assert sys.prefix != sys.base_prefix, "run the tests from the project venv (see README)"
    on_path = {Path(entry).resolve() for entry in sys.path if entry}
    assert _BASE_SITE not in on_path, f"{_BASE_SITE} is on sys.path: the venv sees the base interpreter's packages"
    assert not site.ENABLE_USER_SITE or Path(site.getusersitepackages()).resolve() not in on_path


def test_no_loaded_module_comes_from_site_packages_outside_the_venv() -> None:
    import datamodel_code_generator, black, httpx, hypothesis, markdown_it, mypy, pydantic  # noqa: F401, E401

    venv = Path(sys.prefix).resolve()
    outside = sorted(
        name
        for name, module in list(sys.modules.items())
        if (origin := getattr(module, "__file__", None))
        and {"site-packages", "dist-packages"} & set(Path(origin).parts)
        and not Path(origin).resolve().is_relative_to(venv)
    )
    assert not outside, f"installed packages loaded from outside the project venv: {outside[:10]}"


def test_no_script_makes_a_venv_that_sees_the_base_site_packages() -> None:
    pattern = re.compile(r"system_site_packages\s*=\s*True|--system-site-packages")
    sources = [*ROOT.joinpath("tests").rglob("*.py"), *ROOT.joinpath("scripts").rglob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py"), ROOT / ".ci" / "run"]
    offenders = [str(path.relative_to(ROOT)) for path in sources if path != Path(__file__) and pattern.search(path.read_text(encoding="utf-8"))]
    assert not offenders
