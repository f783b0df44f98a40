"""The CI recipes users copy (the pre-commit hook, the GitHub Actions workflow) parse and run the right commands."""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml

from .conftest import ROOT, Orgen


def _commands(workflow: dict[str, Any], job: str) -> list[list[str]]:
    return [shlex.split(step["run"]) for step in workflow["jobs"][job]["steps"] if "run" in step]


def test_the_pre_commit_hook_runs_the_drift_check_on_spec_changes(orgen: Orgen) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [hook for hook in hooks if hook["id"] == "orgen-check"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["orgen", "build"] and "--check" in entry
    files = re.compile(hook["files"])
    for changed in ("specs/openapi.yaml", "api.json", "api/openapi.yml", "docs/api.md", "pyproject.toml"):
        assert files.search(changed), changed
    assert not files.search("generated/openrouter_client/_client.py")
    # The command the hook runs (entry, then args) is one orgen accepts.
    assert orgen(*entry[1:], *hook["args"], "--help").returncode == 0


def test_the_workflow_checks_drift_on_pushes_and_updates_on_a_schedule() -> None:
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "orgen.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    assert triggers["schedule"][0]["cron"].split()[-1] != "*", "weekly, not daily"
    assert any(c[:2] == ["orgen", "build"] and "--check" in c for c in _commands(workflow, "drift"))
    assert any(c[:2] == ["orgen", "update"] for c in _commands(workflow, "update"))
    (pull_request,) = [s for s in workflow["jobs"]["update"]["steps"] if s.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert "body-path" in pull_request["with"]
