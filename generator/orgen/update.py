"""Update: fetch a spec from upstream and replace the local one only if it passes orgen's checks."""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPException, HTTPResponse
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .config import Config
from .load import display_path
from .problems import SpecError

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_SCHEMES = ("http", "https")
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """The spec could not be fetched; the message is one line saying why."""


def check_url(url: str) -> None:
    """Refuse anything but an http(s) URL: orgen fetches specs, not local files or other protocols."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
        raise DownloadError(f"{url!r} is not an http:// or https:// URL")


def download(url: str, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The body served at `url`, or DownloadError: an HTTP error status, no answer within `timeout`
    seconds (bounding each wait and the body as a whole), a body over `max_bytes`, or a body
    shorter than its Content-Length."""
    check_url(url)
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Accept": "application/yaml, application/json, text/markdown, */*"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return _read_capped(response, url, deadline, timeout, max_bytes)
    except DownloadError:
        raise
    except urllib.error.HTTPError as error:
        raise DownloadError(f"cannot download {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DownloadError(f"cannot download {url}: no answer within {timeout:g} s") from None
        raise DownloadError(f"cannot download {url}: {_one_line(error.reason)}") from None
    except TimeoutError:
        raise DownloadError(f"cannot download {url}: no answer within {timeout:g} s") from None
    except HTTPException as error:  # a chunked body cut short, a malformed status line
        raise DownloadError(f"cannot download {url}: {_one_line(error) or type(error).__name__}") from None
    except (OSError, ValueError) as error:
        raise DownloadError(f"cannot download {url}: {_one_line(error)}") from None


def _read_capped(response: HTTPResponse, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    expected = int(declared) if declared.isdigit() else None
    if expected is not None and expected > max_bytes:
        raise DownloadError(f"cannot download {url}: its {expected} bytes exceed the limit of {max_bytes} (--max-bytes)")
    chunks: list[bytes] = []
    size = 0
    while True:
        # Read one byte past the limit, never more: a huge or endless body is not held in memory.
        chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise DownloadError(f"cannot download {url}: more than {max_bytes} bytes, the limit (--max-bytes)")
        # The socket timeout bounds each read; a server trickling bytes must not stretch the whole.
        if time.monotonic() > deadline:
            raise DownloadError(f"cannot download {url}: not finished within {timeout:g} s")
    # read(n) returns b"" when the connection drops early instead of raising IncompleteRead as
    # read() does: a truncated body is only recognisable by its length.
    if expected is not None and size < expected:
        raise DownloadError(f"cannot download {url}: the connection closed after {size} of {expected} bytes")
    return b"".join(chunks)


@contextmanager
def staged(spec: Path, content: bytes, url: str, config: Config, allow_remote_refs: bool = False) -> Iterator[Path]:
    """`content` in a temporary file beside `spec`, checked as `orgen build` checks a spec; the file
    is removed on leaving unless `install` moved it over `spec`.

    Beside `spec` and with its suffix, so that relative `$ref`s resolve and the format (YAML, JSON,
    Markdown) is recognised exactly as they would be once it replaces `spec`. Raises SpecError,
    with problems in the download shown at `url` rather than at the temporary name.
    """
    folder = spec.parent
    temporary = folder / f".{spec.stem}.orgen-update-{secrets.token_hex(4)}{spec.suffix}"
    try:
        with _open_new(temporary) as handle:
            handle.write(content)
        _check(temporary, url, config, allow_remote_refs)
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def install(temporary: Path, spec: Path) -> None:
    """Replace `spec` by `temporary` in one step: a reader sees the old spec or the new one, never half."""
    try:
        os.chmod(temporary, spec.stat().st_mode & 0o7777)
    except FileNotFoundError:  # the first download of this spec
        pass
    os.replace(temporary, spec)


def same_bytes(spec: Path, content: bytes) -> bool:
    """Whether `spec` exists and holds exactly `content`."""
    try:
        return spec.read_bytes() == content
    except FileNotFoundError:
        return False


def _check(temporary: Path, url: str, config: Config, allow_remote_refs: bool) -> None:
    # Imported here: the pipeline loads the generator's heavy dependencies, not needed to download.
    from .pipeline import plan_spec

    try:
        plan_spec(temporary, config, allow_remote_refs)
    except SpecError as error:
        shown = display_path(temporary)
        raise SpecError([dataclasses.replace(p, file=url) if p.file == shown else p for p in error.problems]) from None


def _open_new(path: Path) -> IO[bytes]:
    # Mode 0o666 leaves the permissions to the umask, as for any new file (a spec's own are kept by install).
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only: an upstream cannot send orgen to ftp:// or elsewhere."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in _SCHEMES:
            raise DownloadError(f"cannot download {req.full_url}: it redirects to {newurl!r}, not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _one_line(reason: object) -> str:
    # "Connection refused" reads better than "[Errno 111] Connection refused"
    text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
    return " ".join(text.split())
