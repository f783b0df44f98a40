"""Client: the settings of the whole client — package and class names, base URL, auth, client headers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..ir import CLIENT_MODULE_NAMES, PACKAGE_EXPORTS, Auth
from ..names import ClassName, PyName, module_name, pascal, snake, unique
from ..normalize import deref

# Names that the package's __init__.py and _client.py define or import besides the client classes.
_PACKAGE_NAMES = frozenset(PACKAGE_EXPORTS) | frozenset(CLIENT_MODULE_NAMES)
# File names Windows reserves for devices, whatever their extension: a module must not be one.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)})
# Arguments of the client's constructor: a client header option must not take one's name.
_CLIENT_ARGUMENTS = {"api_key", "base_url", "timeout", "max_retries", "default_headers", "http_client", "total_timeout", "hooks", "self"}


@dataclass(frozen=True)
class ClientSettings:
    """What the client is called, where it connects and how it authenticates."""

    title: str
    version: str
    description: str
    package: PyName
    client_name: ClassName
    base_url: str
    auth: Auth | None
    client_headers: list[tuple[PyName, str]]  # constructor option -> the header it sets


def client_settings(document: dict[str, Any], config: Config, error: Callable[[str, str], None]) -> ClientSettings:
    """The client-wide settings of `document` under `config`; `error(pointer, message)` reports."""
    info = document.get("info") or {}
    title = str(info.get("title") or "API")
    package = PyName(config.package_name or module_name(title, "client"))
    if package in DEVICE_NAMES:
        package = PyName(f"{package}_client")
    client_name = ClassName(config.client_name or pascal(title, "Client"))
    if client_name in _PACKAGE_NAMES or f"Async{client_name}" in _PACKAGE_NAMES:
        if config.client_name:
            error("", f"client name {client_name!r} is taken by a name the package exports or imports")
        client_name = ClassName(f"{client_name}Client")
    return ClientSettings(
        title=title,
        version=str(info.get("version") or ""),
        description=str(info.get("description") or ""),
        package=package,
        client_name=client_name,
        base_url=_base_url(document, config),
        auth=_auth(document, config, package),
        client_headers=_client_headers(config),
    )


def _base_url(document: dict[str, Any], config: Config) -> str:
    if config.base_url:
        return config.base_url
    servers = document.get("servers") or []
    url = str(servers[0].get("url", "")) if servers and isinstance(servers[0], dict) else ""
    variables = servers[0].get("variables") or {} if url else {}
    for name, variable in variables.items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    return url or "http://localhost"


def _client_headers(config: Config) -> list[tuple[PyName, str]]:
    reserved = set(_CLIENT_ARGUMENTS)
    return [(PyName(unique(snake(option, "header", frozenset()), reserved)), header) for option, header in sorted(config.client_headers.items())]


def _auth(document: dict[str, Any], config: Config, package: str) -> Auth | None:
    """The first security scheme (by name) the client can use: a bearer token or an API key header."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    env_var = config.api_key_env or f"{package.upper()}_API_KEY"
    for name in sorted(schemes):
        scheme = deref(document, schemes[name])
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return Auth("Authorization", "Bearer", env_var)
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name"):
            return Auth(str(scheme["name"]), None, env_var)
        if scheme.get("type") == "oauth2" or scheme.get("type") == "openIdConnect":
            return Auth("Authorization", "Bearer", env_var)
    return None
