"""Golden tests: each repair pass and the seed, built from its spec, must equal the committed tree.

Regenerate with `python tests/golden/regenerate.py` and review the diff.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from orgen.write import MANIFEST, without_fingerprint

from .conftest import ROOT, Orgen, tree
from .golden.regenerate import GOLDEN, cases, spec_of

CASES = cases()
PASS_CASES = {
    "fern_enum_items": ["const: thing", "- active"],
    "nested_tags": ["- widgets"],
    "nullable_types": ["nullable: true"],
    "literal_union": ["propertyName: type"],
    "stream_flag": ["x-orgen-stream:"],
    "bearer_header": ["scheme: bearer"],
    "default_server": ["url: https://api.example.com/v1"],
    "tagged_variants": ["- $ref: '#/components/schemas/ListToolsResponseToolsBash20250124'", "    ListToolsResponseToolsWebSearch:"],
    "annotated_refs": [
        "shape:\n          $ref: '#/components/schemas/Shape'\n          description: The shape to draw.",
        "          - final\n          nullable: true",
    ],
}


def test_every_repair_has_a_golden_case() -> None:
    names = {case.name for case in CASES}
    assert set(PASS_CASES) | {"seed"} <= names


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_build_matches_golden_tree(case: Path, orgen: Orgen, tmp_path: Path) -> None:
    result = orgen("build", spec_of(case).name, "--out", tmp_path / "out", "-q", cwd=case)
    assert result.returncode == 0, result.stderr
    expected, actual = tree(case / "expected"), tree(tmp_path / "out")
    assert sorted(actual) == sorted(expected)
    for name in expected:
        if name == str(MANIFEST):  # what it was made from (orgen's code among it) is no output
            expected[name], actual[name] = (without_fingerprint(text.decode()).encode() for text in (expected[name], actual[name]))
        assert actual[name] == expected[name], f"{case.name}/{name} differs; run python tests/golden/regenerate.py"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_normalized_document_matches_golden(case: Path, orgen: Orgen) -> None:
    result = orgen("normalize", spec_of(case).name, cwd=case)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (case / "normalized.yaml").read_text(encoding="utf-8")
    for fragment in PASS_CASES.get(case.name, []):
        assert fragment in result.stdout


def test_tagged_union_members_and_wrappers_get_descriptive_names() -> None:
    models = (GOLDEN / "tagged_variants" / "expected" / "golden_tagged_variants" / "models.py").read_text(encoding="utf-8")
    for name in ("ListToolsResponseToolsBash20250124", "ListToolsResponseToolsWebSearch", "ListToolsResponseBody"):
        assert f"class {name}(BaseModel):" in models
    assert "ListToolsResponse2" not in models and "ListToolsResponseTools1" not in models


def test_map_keys_listed_by_property_names_stay_literal_and_constrained_ones_become_str() -> None:
    expected = GOLDEN / "property_names" / "expected"
    models = (expected / "golden_property_names" / "models.py").read_text(encoding="utf-8")
    assert "constr(" not in models
    probe = (
        "from pydantic import ValidationError\n"
        "from golden_property_names.models import LabelSet\n"
        "LabelSet.model_validate({'metadata': {'k' * 100: 'v'}, 'by_size': {'small': 1}, 'by_color': {'red': 2}})\n"
        "try:\n"
        "    LabelSet.model_validate({'by_size': {'huge': 1}})\n"
        "except ValidationError:\n"
        "    print('refused')\n"
    )
    assert _printed_by(probe, expected) == ["refused"]


def test_a_union_default_stays_on_the_field_not_on_the_members_that_cannot_hold_it() -> None:
    expected = GOLDEN / "union_defaults" / "expected"
    probe = (
        "from pydantic import ValidationError\n"
        "from golden_union_defaults.models import JobRequest, JobRequestBatchSize\n"
        "job = JobRequest()\n"
        "print(job.prompt, job.batch_size, job.epochs.root if job.epochs else None)\n"
        "print(JobRequest.model_validate({'batch_size': 8, 'prompt': [[1, 2]]}).batch_size.root)\n"
        "try:\n"
        "    print(JobRequestBatchSize().root)  # a member without the field's default needs its value\n"
        "except ValidationError:\n"
        "    print('refused')\n"
    )
    assert _printed_by(probe, expected) == ["<|endoftext|>", "auto", "auto", "8", "refused"]


def _printed_by(probe: str, cwd: Path) -> list[str]:
    """The words a Python snippet prints, run beside a golden package."""
    done = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_committed_generated_tree_has_no_drift(orgen: Orgen) -> None:
    result = orgen("build", "specs/openapi.yaml", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


def test_golden_packages_pass_mypy_strict() -> None:
    packages = [str(ROOT / "generated" / "openrouter_client")]
    packages += [str(next(p for p in (case / "expected").iterdir() if (p / "__init__.py").is_file() and p.name != "tests")) for case in CASES]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The checks users' repositories most often run on code they commit: unused or redefined imports,
# unsorted import blocks, imports below code.
LINT_RULES = "F401,F811,I001,E402"


def test_golden_packages_pass_the_linters_users_run() -> None:
    packages = [str(ROOT / "generated" / "openrouter_client")]
    packages += [str(next(p for p in (case / "expected").iterdir() if (p / "__init__.py").is_file() and p.name != "tests")) for case in CASES]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", LINT_RULES, *packages],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_namespace_shows_only_what_users_import() -> None:
    probe = "import openrouter_client as p; print(' '.join(dir(p))); print(' '.join(p.__all__))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT / "generated", capture_output=True, text=True, check=True)
    shown, exported = (line.split() for line in done.stdout.splitlines())
    assert set(shown) == {*exported, "__version__"}
    assert {"OpenRouter", "AsyncOpenRouter", "models", "params"} <= set(shown)
