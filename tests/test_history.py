"""Real OpenRouter updates: the rebuild's version and CHANGELOG.md, and agreement with griffe.

griffe reads the two generated packages as Python, knowing nothing of specs: every public object it
finds removed, and every argument it finds newly required, must be among orgen's breaking changes.
`scripts/history.py` runs the same over the whole published history.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, Orgen, tree
from .history.pairs import ENV, PACKAGE, PAIRS, golden, rebuild, spec

_SPEC = importlib.util.spec_from_file_location("history_script", ROOT / "scripts" / "history.py")
assert _SPEC and _SPEC.loader
history = importlib.util.module_from_spec(_SPEC)
sys.modules["history_script"] = history
_SPEC.loader.exec_module(history)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{old[:10]}..{new[:10]}" for old, new in PAIRS])
def test_a_real_update_rebuilds_with_its_changelog_and_griffe_agrees(old: str, new: str, orgen: Orgen, tmp_path: Path) -> None:
    out = rebuild(old, new, tmp_path)
    assert (out / "CHANGELOG.md").read_text(encoding="utf-8") == golden(old, new).read_text(encoding="utf-8")

    report = json.loads(orgen("diff", spec(old, tmp_path / "specs"), spec(new, tmp_path / "specs"), "--format", "json", "--package-name", PACKAGE, env=ENV).stdout)
    version = json.loads((out / ".orgen" / "api.json").read_text(encoding="utf-8"))["version"]
    assert version == {"major": "0.2.0", "minor": "0.1.1", "patch": "0.1.1", "none": "0.1.0"}[report["bump"]]

    before = tmp_path / "before"
    resources = json.loads((before / ".orgen" / "api.json").read_text(encoding="utf-8"))["surface"]["resources"]
    found = history.griffe_breakages(before, out, resources)
    assert found, "these updates remove public objects; griffe should see them"
    breaking = [c["where"] for c in report["changes"] if c["level"] == "breaking"]
    missed = [path for path in found if not any(history._covers(where, path) for where in breaking)]
    assert not missed


def test_griffe_paths_read_as_the_names_users_type() -> None:
    resources = {"chat": "Chat"}
    assert history.python_name(f"{PACKAGE}.resources.chat.AsyncChat.send(model=)", resources) == "client.chat.send(model=)"
    assert history.python_name(f"{PACKAGE}.resources.AsyncChatWithRawResponse", resources) == "client.chat"
    assert history.python_name(f"{PACKAGE}._client.OpenRouter.chat", resources) == "client.chat"
    assert history.python_name(f"{PACKAGE}.models.Message.role", resources) == "models.Message.role"


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{old[:10]}..{new[:10]}" for old, new in PAIRS])
def test_an_update_that_borrows_from_the_last_build_writes_what_a_fresh_build_writes(old: str, new: str, orgen: Orgen, tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    for folder in ("reused", "fresh"):  # both hold the old version's build, formatted by black
        done = orgen("build", spec(old, specs), "--out", tmp_path / folder, "--package-name", PACKAGE, "-q", env=ENV)
        assert done.returncode == 0, done.stderr
    reused = orgen("build", spec(new, specs), "--out", tmp_path / "reused", "--package-name", PACKAGE, env=ENV)
    fresh = orgen("build", spec(new, specs), "--out", tmp_path / "fresh", "--package-name", PACKAGE, "--fresh", env=ENV)
    assert reused.returncode == 0 and fresh.returncode == 0, reused.stderr + fresh.stderr
    borrowed = [int(re.search(r"; (\d+) files unchanged", run.stderr).group(1)) for run in (reused, fresh)]  # type: ignore[union-attr]
    assert borrowed[0] > 0 and borrowed[1] == 0 and "(models unchanged)" not in fresh.stderr
    assert tree(tmp_path / "reused") == tree(tmp_path / "fresh")
    # The models library ran only on the schemas whose classes can have changed (see `model_units`).
    ran = re.search(r"for (\d+) of (\d+) schemas", reused.stderr)
    assert "schemas)" not in fresh.stderr
    if old.startswith("2026"):
        assert ran and int(ran[1]) < int(ran[2]) / 10, reused.stderr
