"""Write: put the output in place atomically, touching only files orgen owns; or diff it (`--check`)."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .problems import Problem, SpecError

MANIFEST = PurePosixPath(".orgen/manifest.json")
_FINGERPRINT = ("fingerprint", "inputs", "warnings", "seal")  # see `Manifest.fingerprint`


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass
class Manifest:
    """What one build wrote: enough to know which files are orgen's and which texts are unchanged."""

    spec_sha256: str = ""
    orgen_version: str = ""
    # path -> {sha256, rendered_sha256, and for files black formatted piece by piece: pieces}
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    operations: list[dict[str, str]] = field(default_factory=list)
    formatter: str = ""
    format_code: str = ""  # hash of what turned rendered text into the written text (see `format.format_code`)
    models_input: str = ""  # hash of what models.py was generated from
    model_units: dict[str, Any] | None = None  # how models.py was put together from its schemas' classes
    # What the output was made from, for a check without a record (see `record.committed_up_to_date`):
    # the context's hash, each spec file's sha256 and the build's warnings ([file relative to the
    # spec's folder, line, pointer, message]).
    fingerprint: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    warnings: list[list[Any]] = field(default_factory=list)

    def to_text(self) -> str:
        data: dict[str, Any] = {
            "formatter": self.formatter,
            "format_code": self.format_code,
            "models_input": self.models_input,
            "orgen_version": self.orgen_version,
            "spec_sha256": self.spec_sha256,
            "files": dict(sorted(self.files.items())),
            "operations": self.operations,
        }
        if self.model_units:
            data["model_units"] = self.model_units
        if self.fingerprint:
            data.update(fingerprint=self.fingerprint, inputs=dict(sorted(self.inputs.items())), warnings=self.warnings)
            data["seal"] = _seal(data)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, out: Path) -> Manifest | None:
        try:
            data: Any = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            files = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data["files"].items()}
            units = data.get("model_units")
            return cls(
                str(data["spec_sha256"]), str(data["orgen_version"]), files, list(data.get("operations", [])),
                str(data.get("formatter", "")), str(data.get("format_code", "")), str(data.get("models_input", "")),
                units if isinstance(units, dict) else None,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None


def without_fingerprint(manifest: str) -> str:
    """A manifest's text without what says what the output was made from: a manifest that differs
    only there (another orgen, an edited spec file that changes no output) is no drift."""
    try:
        data = json.loads(manifest)
    except ValueError:
        return manifest
    if not isinstance(data, dict):
        return manifest
    return json.dumps({key: value for key, value in data.items() if key not in _FINGERPRINT}, indent=2, sort_keys=True) + "\n"


def sealed(data: dict[str, Any]) -> bool:
    """Whether a manifest's data is as a build wrote it: its seal is the hash of the rest."""
    return data.get("seal") == _seal(data)


def _seal(data: dict[str, Any]) -> str:
    rest = {key: value for key, value in data.items() if key != "seal"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode("utf-8")).hexdigest()


def safe_path(out: Path, relative: PurePosixPath) -> Path:
    """`out/relative`, refusing anything that would land outside `out`."""
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise SpecError([Problem(str(relative), None, None, "refusing to write outside the output folder")])
    target = out / Path(*relative.parts)
    root = out.resolve()
    if not target.resolve().is_relative_to(root):  # also catches symlinks pointing out
        raise SpecError([Problem(str(relative), None, None, "refusing to write outside the output folder")])
    return target


def reusable_texts(
    out: Path, previous: Manifest | None, rendered: dict[PurePosixPath, str], format_code: str
) -> tuple[dict[PurePosixPath, str], dict[str, str]]:
    """What an earlier build formatted by the same code (`format_code`) left on disk that this one
    can reuse: formatted texts of files whose rendered text is unchanged, and formatted pieces (by
    key) of the others."""
    from .format import known_pieces

    reused: dict[PurePosixPath, str] = {}
    pieces: dict[str, str] = {}
    if previous is None or previous.format_code != format_code:
        return reused, pieces
    for path, text in rendered.items():
        entry = previous.files.get(str(path))
        if not entry:
            continue
        unchanged = entry.get("rendered_sha256") == sha256(text)
        if not unchanged and "pieces" not in entry:
            continue
        on_disk = as_written(out, path, entry)
        if on_disk is None:
            continue
        if unchanged:
            reused[path] = on_disk
        else:
            pieces.update(known_pieces(entry["pieces"], on_disk))
    return reused, pieces


def reusable_models(
    out: Path, previous: Manifest | None, path: PurePosixPath, models_input: str, format_code: str
) -> tuple[str, str] | None:
    """The formatted models file on disk and the hash of its text before formatting, when the last
    build made it from the same input, formatted by the same code, and nobody has edited it since."""
    if previous is None or not models_input or previous.models_input != models_input or previous.format_code != format_code:
        return None
    entry = previous.files.get(str(path))
    if not entry or "rendered_sha256" not in entry:
        return None
    on_disk = as_written(out, path, entry)
    return None if on_disk is None else (on_disk, entry["rendered_sha256"])


def as_written(out: Path, path: PurePosixPath, entry: dict[str, str]) -> str | None:
    """The file's text on disk if it is still what the last build wrote (its manifest `entry`);
    None when it is missing or was edited by hand since: nothing in it is known to be orgen's."""
    try:
        on_disk = safe_path(out, path).read_bytes()
    except (OSError, SpecError):
        return None
    return on_disk.decode("utf-8") if sha256(on_disk) == entry.get("sha256") else None


def diff(out: Path, files: dict[PurePosixPath, str], previous: Manifest | None) -> str:
    """A unified diff from what is on disk to what the build produces (empty: no drift)."""
    chunks: list[str] = []
    stale = set(previous.files) - {str(p) for p in files} if previous else set()
    for path in sorted(set(files) | {PurePosixPath(p) for p in stale}):
        new = files.get(path)
        try:
            old: str | None = safe_path(out, path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = None
        if old == new or (path == MANIFEST and old is not None and new is not None and without_fingerprint(old) == without_fingerprint(new)):
            continue
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{path}" if old is not None else "/dev/null",
                tofile=f"b/{path}" if new is not None else "/dev/null",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


def write_tree(out: Path, files: dict[PurePosixPath, str], previous: Manifest | None) -> list[PurePosixPath]:
    """Stage every file, then move them into place, then remove files orgen no longer makes.

    Returns the paths whose content changed. A user's file (one no manifest lists) is never
    touched; a new output path that would overwrite one is an error before anything moves.
    """
    out.mkdir(parents=True, exist_ok=True)
    owned = set(previous.files) if previous else set()
    targets = {path: safe_path(out, path) for path in files}
    clashes = sorted(str(p) for p, target in targets.items() if target.exists() and str(p) not in owned and p != MANIFEST)
    if clashes:
        raise SpecError(
            [Problem(str(out / c), None, None, "exists and was not written by orgen; refusing to overwrite it") for c in clashes]
        )
    changed: list[PurePosixPath] = []
    staging = Path(tempfile.mkdtemp(prefix=".orgen-staging-", dir=out))
    try:
        staged: dict[PurePosixPath, Path] = {}
        for path, text in sorted(files.items()):
            target = targets[path]
            data = text.encode("utf-8")
            try:
                if target.read_bytes() == data:
                    continue
            except OSError:
                pass
            temp = staging / str(len(staged))
            temp.write_bytes(data)
            staged[path] = temp
        # Renames within one filesystem are each atomic; the manifest goes last, after stale files
        # are gone, so that it only ever describes a finished tree.
        for path, temp in sorted(staged.items(), key=lambda item: item[0] == MANIFEST):
            if path == MANIFEST:
                _remove_stale(out, owned - {str(p) for p in files}, changed)
            targets[path].parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, targets[path])
            changed.append(path)
        if MANIFEST not in staged:
            _remove_stale(out, owned - {str(p) for p in files}, changed)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed


def _remove_stale(out: Path, stale: set[str], changed: list[PurePosixPath]) -> None:
    for name in sorted(stale):
        target = safe_path(out, PurePosixPath(name))
        if target.is_file():
            target.unlink()
            changed.append(PurePosixPath(name))
            _remove_empty_parents(target.parent, out)


def _remove_empty_parents(folder: Path, out: Path) -> None:
    root = out.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
