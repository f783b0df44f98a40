"""Revision: a spec named `REV:PATH` read from the git repository of the working folder, so that
`orgen diff HEAD:specs/openapi.yaml specs/openapi.yaml` reviews an update before it is committed.

The spec's whole folder is taken from that revision (its `$ref`s may point at sibling files) into a
temporary folder, with the file names and layout it has in the repository.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .problems import Problem, SpecError


@contextmanager
def spec_file(argument: str) -> Iterator[Path]:
    """The spec `argument` names: a file as it is, or `REV:PATH` checked out from git for the block."""
    path = Path(argument)
    if path.exists() or ":" not in argument:
        yield path
        return
    revision, _, name = argument.partition(":")
    top = _git("rev-parse", "--show-toplevel", argument=argument).strip()
    # PATH is relative to the working folder, as a user types it (git's own `REV:./PATH`).
    relative = PurePosixPath(Path.cwd().resolve().relative_to(Path(top).resolve()).as_posix()) / name
    relative = PurePosixPath(*[part for part in relative.parts if part != "."])
    kind = _git("cat-file", "-t", f"{revision}:{relative}", argument=argument).strip()
    if kind != "blob":
        raise SpecError([Problem(argument, None, None, f"{relative} at {revision} is a {kind}, not a file")])
    folder = relative.parent
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "--", str(folder) if folder.parts else "."],
        capture_output=True, cwd=top, check=False,
    )
    if archive.returncode != 0:
        raise SpecError([Problem(argument, None, None, f"git archive failed: {archive.stderr.decode(errors='replace').strip()}")])
    with tempfile.TemporaryDirectory(prefix="orgen-rev-") as temporary:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            _extract(tar, Path(temporary))
        yield Path(temporary, *relative.parts)


def _extract(tar: tarfile.TarFile, folder: Path) -> None:
    """The archive's files and folders written under `folder`, never outside it."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(folder, filter="data")
        return
    # Pythons before 3.11.4 have no extraction filters: plain files and folders only, by hand.
    root = folder.resolve()
    for member in tar.getmembers():
        target = (root / member.name).resolve()
        if not target.is_relative_to(root):
            continue
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
        elif member.isfile() and (content := tar.extractfile(member)) is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.read())


def _git(*args: str, argument: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError as error:
        raise SpecError([Problem(argument, None, None, f"no such file, and git cannot read it as REV:PATH ({error})")]) from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "unknown error"
        raise SpecError([Problem(argument, None, None, f"no such file, and not a REV:PATH git can read ({reason})")])
    return done.stdout
