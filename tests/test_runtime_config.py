"""The `[tool.orgen]` settings of the client runtime reach the generated client."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import SEED_SPEC, Orgen


def test_request_id_headers_redact_and_log_env_reach_the_client(orgen: Orgen, tmp_path: Path) -> None:
    shutil.copy(SEED_SPEC, tmp_path / "api.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.orgen]\nout = "sdk"\npackage-name = "acme"\nclient-name = "Acme"\napi-key-env = "ACME_API_KEY"\n'
        'request-id-headers = ["X-Trace-Id", "x-request-id"]\nredact = ["X-Team-Token", "session_code"]\n'
    )
    result = orgen("build", "api.yaml", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    program = (
        "import acme._client as c\n"
        "print(c.LOG_ENV, c.Acme._request_id_headers, c.AsyncAcme._redacted_names)\n"
        "import logging, acme._logs as logs\n"
        "print(logs.logger.name)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path / "sdk", capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "ACME_LOG ('x-trace-id', 'x-request-id') ('session_code', 'x-team-token')",
        "acme",
    ]


def test_log_env_can_be_named(orgen: Orgen, tmp_path: Path) -> None:
    shutil.copy(SEED_SPEC, tmp_path / "api.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.orgen]\nout = "sdk"\npackage-name = "acme"\nlog-env = "ACME_DEBUG"\n')
    assert orgen("build", "api.yaml", "-q", cwd=tmp_path).returncode == 0
    assert 'LOG_ENV = "ACME_DEBUG"' in (tmp_path / "sdk" / "acme" / "_client.py").read_text()


def test_bad_runtime_settings_are_clear_errors(orgen: Orgen, tmp_path: Path) -> None:
    for setting, message in (
        ('request-id-headers = "x-request-id"', "request-id-headers is a list of names"),
        ("redact = [1]", "redact is a list of names"),
        ('log-env = "not a name"', "log-env is an environment variable name"),
    ):
        (tmp_path / "pyproject.toml").write_text(f"[tool.orgen]\n{setting}\n")
        result = orgen("build", SEED_SPEC, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, result.stderr
