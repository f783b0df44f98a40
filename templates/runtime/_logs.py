"""The package's logger: requests, responses and retries, with every secret redacted.

The logger is named after the package, so `logging.getLogger("<package>")` configures it. Setting
the client's log environment variable (`<PREFIX>_LOG`, beside the API-key variable) to `info` or
`debug` adds a handler writing to stderr: INFO shows one line per response and each retry decision,
DEBUG adds request and response headers and bodies (truncated).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Mapping

import httpx

__all__ = ["BODY_LIMIT", "REDACTED", "Redactor", "logger", "setup_logging"]

logger = logging.getLogger(__name__.rpartition(".")[0] or __name__)

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
# Bodies longer than this are cut in log lines: a streamed image would otherwise fill the log.
BODY_LIMIT = 2000
REDACTED = "[redacted]"

# Headers and fields that carry credentials in most APIs; the client adds its own auth header
# and the names its configuration lists.
_SECRET_NAMES = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "api_key",
        "apikey",
        "password",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
    }
)


def setup_logging(env_var: str | None) -> None:
    """Turn on the stderr handler when `env_var` says `info` or `debug` (once per process)."""
    if env_var is None:
        return
    level = _LEVELS.get(os.environ.get(env_var, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(getattr(handler, "_from_env", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        setattr(handler, "_from_env", True)  # noqa: B010 - marks the handler added here
        logger.addHandler(handler)


class Redactor:
    """Writes headers, URLs and bodies for a log line with credentials replaced by `[redacted]`.

    A header, query parameter or JSON field is redacted when its name (case-insensitive) is a
    known credential name or one the client names; any literal occurrence of a secret value (the
    API key) is replaced too, wherever it appears.
    """

    def __init__(self, names: Iterable[str] = (), secrets: Iterable[str] = ()) -> None:
        self.names = _SECRET_NAMES | {name.lower() for name in names}
        # Very short values would redact ordinary text; keys are long.
        self.secrets = tuple(secret for secret in secrets if len(secret) >= 4)

    def headers(self, headers: httpx.Headers | Mapping[str, str]) -> str:
        shown = {
            name: REDACTED if name.lower() in self.names else value
            for name, value in headers.items()
        }
        return self.text(json.dumps(shown, ensure_ascii=False))

    def url(self, url: httpx.URL) -> str:
        if url.query:
            params = [
                (name, REDACTED if name.lower() in self.names else value)
                for name, value in url.params.multi_items()
            ]
            url = url.copy_with(params=params)
        return self.text(str(url))

    def body(self, content: bytes | None) -> str:
        """A request or response body, JSON fields redacted, cut at BODY_LIMIT characters."""
        if not content:
            return "(empty)"
        try:
            text = json.dumps(self._scrub(json.loads(content)), ensure_ascii=False)
        except (ValueError, RecursionError):
            text = content[: BODY_LIMIT * 4].decode("utf-8", "replace")
        text = self.text(text)
        if len(text) > BODY_LIMIT:
            text = f"{text[:BODY_LIMIT]}… ({len(content)} bytes)"
        return text

    def text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _scrub(self, value: object) -> object:
        if isinstance(value, dict):
            return {
                key: REDACTED if str(key).lower() in self.names else self._scrub(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._scrub(item) for item in value]
        return value
