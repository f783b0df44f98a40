"""Config: generator settings from `[tool.orgen]` in pyproject.toml, overridden by command-line options."""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Config:
    """Every setting of one build; None means "derive it from the spec"."""

    out: Path = Path("generated")
    package_name: str | None = None
    client_name: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    formatter: str = "black"
    strict: bool = False
    # operationId -> "resource.method", for names the spec's operationIds spell badly
    operations: dict[str, str] = field(default_factory=dict)
    # client option name -> HTTP header it sets on every request (e.g. app attribution headers)
    client_headers: dict[str, str] = field(default_factory=dict)
    # `error.code` values that make a 400 response (or an error event in a stream) a transient failure worth retrying
    retry_error_codes: tuple[int, ...] = ()
    # response headers that carry the server's id for a request, first found wins
    request_id_headers: tuple[str, ...] = ("x-request-id",)
    # headers and JSON fields the client never writes to its log (besides the usual credentials)
    redact: tuple[str, ...] = ()
    # environment variable that turns on the client's log; default: FOO_LOG beside FOO_API_KEY
    log_env: str | None = None
    # the generated package's first version; later builds move it by what the spec update changed
    version: str = "0.1.0"
    # where `orgen update` downloads the spec from when no --from URL is given
    spec_url: str | None = None

    def with_options(self, **options: Any) -> Config:
        """This config with every option that was actually given on the command line."""
        given = {key: value for key, value in options.items() if value is not None}
        config = replace(self, **given)
        config.check_names()
        return config

    def check_names(self) -> None:
        """The package and client names become imports, file names and class names: plain identifiers only."""
        for option, value in (("package-name", self.package_name), ("client-name", self.client_name)):
            if value is not None and not _is_identifier(value):
                raise ConfigError(f"{option} {value!r} is not an ASCII Python identifier (letters, digits, _)")


def _is_identifier(name: object) -> bool:
    return isinstance(name, str) and name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


class ConfigError(Exception):
    """`[tool.orgen]` holds something orgen cannot use."""


def load_config(folder: Path) -> Config:
    """The `[tool.orgen]` table of `folder/pyproject.toml`, or the defaults when there is none."""
    path = folder / "pyproject.toml"
    if not path.is_file():
        return Config()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("orgen", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    known = {f.name for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{path}: [tool.orgen]: unknown setting {key!r}")
        values[name] = value
    if "out" in values:
        values["out"] = folder / str(values["out"])
    operations = values.get("operations", {})
    if not isinstance(operations, dict) or not all(isinstance(v, str) and v.count(".") == 1 for v in operations.values()):
        raise ConfigError(f"{path}: [tool.orgen.operations] maps operationIds to 'resource.method' strings")
    headers = values.get("client_headers", {})
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise ConfigError(f"{path}: [tool.orgen.client-headers] maps option names to header names")
    codes = values.get("retry_error_codes", [])
    if not isinstance(codes, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
        raise ConfigError(f"{path}: [tool.orgen] retry-error-codes is a list of integers")
    values["retry_error_codes"] = tuple(codes)
    for key, option in (("request_id_headers", "request-id-headers"), ("redact", "redact")):
        names = values.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ConfigError(f"{path}: [tool.orgen] {option} is a list of names")
        if key in values:
            values[key] = tuple(names)
    log_env = values.get("log_env")
    if log_env is not None and not (isinstance(log_env, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", log_env)):
        raise ConfigError(f"{path}: [tool.orgen] log-env is an environment variable name (got {log_env!r})")
    version = values.get("version", "0.1.0")
    if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ConfigError(f"{path}: [tool.orgen] version is MAJOR.MINOR.PATCH, e.g. \"0.1.0\" (got {version!r})")
    if not isinstance(values.get("spec_url", ""), str):
        raise ConfigError(f"{path}: [tool.orgen] spec-url is a URL string")
    return Config(**values)
