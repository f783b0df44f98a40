"""Record: what the last build of an output folder read and wrote, so that an unchanged rebuild or
`--check` can answer without regenerating.

A build's output is a function of its inputs: the bytes of the spec and of every file its `$ref`s
brought in, the effective configuration (every `Config` field, the spec path as given, the working
folder, `--allow-remote-refs`), orgen's own code and templates (hashed file by file, so an editable
install whose code changed without a version bump is caught), the versions of the libraries that
shape the text (datamodel-code-generator, jinja2, PyYAML, pydantic, black, and the ruff binary used
by `--formatter ruff`: each by its file's path, size and modification time) and the Python version. After a successful build or check, orgen records a
hash of all of that together with the sha256 of every file it produced (the manifest included)
and the warnings it printed. When a later run finds the same inputs and every recorded file on
disk with its recorded hash, regenerating would produce exactly what is there, so it answers from
the record: `--check` reports no drift, `build` writes nothing, and the warnings are printed again.
Anything else (a changed or missing input or output file, another version, a different option)
falls back to the full pipeline, which stays the authority; nothing orgen reads from the record
ends up in generated files.

What the record cannot see: a library that changes behaviour without changing its version, or a
file edited so that its sha256 stays the same. Records live outside the output folder, in
`$ORGEN_CACHE_DIR` (default `$XDG_CACHE_HOME/orgen`, else `~/.cache/orgen`), one small JSON file per
output folder; `ORGEN_CACHE_DIR=` (empty) turns them off. Failing to read or write one is never an
error.

A fresh checkout has no record, but it has the output's manifest: a build writes into it a
fingerprint of the same inputs as they read on any machine (`portable_context`: no paths, no file
times) and the sha256 of each spec file. When both match and every file the manifest lists is on
disk as written, `--check` and `build` answer from it (`committed_up_to_date`); `ORGEN_CACHE_DIR=`
turns that off too.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .problems import Problem

_KEEP = 256  # records kept; the least recently written go first
_LIBRARIES = ("datamodel_code_generator", "jinja2", "yaml", "pydantic", "pydantic_core", "black")
# The same libraries (and isort) by distribution name, for their versions.
_DISTRIBUTIONS = ("datamodel-code-generator", "jinja2", "PyYAML", "pydantic", "pydantic-core", "black", "isort")


@dataclass
class Record:
    """One output folder's last successful build or check."""

    context: str
    inputs: dict[str, str] = field(default_factory=dict)  # absolute path -> sha256
    outputs: dict[str, str] = field(default_factory=dict)  # path relative to the output folder -> sha256
    warnings: list[str] = field(default_factory=list)
    operations: int = 0


def cache_dir() -> Path | None:
    configured = os.environ.get("ORGEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orgen"


def context(spec: Path, config: Any, allow_remote_refs: bool) -> str:
    """Hash of every input except the spec files themselves (those are checked one by one)."""
    digest = hashlib.sha256()
    settings = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    settings["out"] = str(Path(settings["out"]).resolve())
    parts: dict[str, Any] = {
        "orgen": __version__,
        "python": sys.version,
        "spec": str(spec),
        "cwd": os.getcwd(),
        "allow_remote_refs": allow_remote_refs,
        "config": repr(sorted(settings.items())),
        "libraries": _library_versions(config.formatter),
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    _code(digest)
    return digest.hexdigest()


def portable_context(config: Any, allow_remote_refs: bool) -> str:
    """Hash of what besides the spec files shapes a build's output, as it reads on any machine:
    orgen's code and templates, the versions of the libraries that write text, and the settings
    that change the output (not the output folder, not `--strict`). A build writes it into its
    manifest, so that a fresh checkout can tell an up-to-date output without a record (see
    `committed_up_to_date`)."""
    from importlib import metadata

    digest = hashlib.sha256()
    settings = {f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name not in ("out", "strict")}
    libraries = {name: metadata.version(name) for name in _DISTRIBUTIONS}
    if config.formatter == "ruff":
        from .format import _version

        libraries["ruff"] = _version("ruff")
    parts = {"orgen": __version__, "config": repr(sorted(settings.items())), "allow_remote_refs": allow_remote_refs, "libraries": libraries}
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    _code(digest)
    return digest.hexdigest()


def _code(digest: Any) -> None:
    """orgen's code and templates into `digest`."""
    digest.update(_code_digest().encode())


@functools.cache  # a process runs one orgen: its files are read and hashed once, for either context
def _code_digest() -> str:
    from .render import templates_dir  # the same folder the build renders from

    digest = hashlib.sha256()
    for folder in (Path(__file__).parent, templates_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def input_hashes(spec: Path, paths: list[Path]) -> dict[str, str]:
    """The sha256 of each input file, by its path relative to the spec's folder."""
    return {_relative(spec, path): hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def relative_file(spec: Path, file: str) -> str:
    """A warning's file as the manifest keeps it: relative to the spec's folder when it is a file."""
    return _relative(spec, Path(file)) if Path(file).is_file() else file  # else "<formatter>" and the like


def _relative(spec: Path, path: Path) -> str:
    return Path(os.path.relpath(path.resolve(), spec.parent.resolve())).as_posix()


def committed_up_to_date(spec: Path, config: Any, allow_remote_refs: bool = False) -> tuple[int, list[Problem]] | None:
    """How many files the output folder holds and the warnings the build gave, when its manifest
    shows that regenerating would change nothing: the manifest is as a build wrote it (its seal),
    it was made from these spec files with this context, and every file it lists is on disk as
    written (under `--strict` a build with warnings fails, so then never). None otherwise, and the
    caller runs the full pipeline.

    What this trusts beyond `up_to_date`: that the output does not depend on the Python version
    or the machine (orgen is deterministic), and that no one edits a file and its manifest entry
    and reseals the manifest to match."""
    from .write import MANIFEST, sealed

    if cache_dir() is None:
        return None  # `ORGEN_CACHE_DIR=` turns off every answer from an earlier build
    out = Path(config.out)
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not data.get("fingerprint") or not sealed(data):
            return None
        warnings = [Problem(_as_given(spec, file), line, pointer, message, "warning") for file, line, pointer, message in data["warnings"]]
        if warnings and config.strict:
            return None
        inputs, files = data["inputs"], data["files"]
        if spec.name not in inputs or data["fingerprint"] != portable_context(config, allow_remote_refs):
            return None
        for relative, digest in inputs.items():
            if _sha256_file(spec.parent / relative) != digest:
                return None
        for relative, entry in files.items():
            if _sha256_file(out / relative) != entry["sha256"]:
                return None
        return len(files) + 1, warnings
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _as_given(spec: Path, file: str) -> str:
    """A warning's file from the manifest, named as a build names it (see `load.display_path`)."""
    from .load import display_path

    path = spec.parent / file
    return display_path(path) if path.is_file() else file


def _library_versions(formatter: str) -> dict[str, str]:
    """Where each library's code is and when it was written: a new version rewrites the file.

    (Cheaper than asking package metadata for versions, and it also notices an editable install
    whose code changed.)
    """
    from importlib.util import find_spec

    stamps = {}
    for name in _LIBRARIES:
        spec = find_spec(name)
        stamps[name] = _stamp(spec.origin if spec is not None else None)
    if formatter == "ruff":
        stamps["ruff"] = _stamp(shutil.which("ruff"))
    return stamps


def _stamp(path: str | None) -> str:
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else ""


def _path(out: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "builds" / (hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:32] + ".json")


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def up_to_date(spec: Path, config: Any, allow_remote_refs: bool = False) -> Record | None:
    """The record of the last build into `config.out`, when regenerating would change nothing there.

    Sound as long as the output depends only on what `context` hashes and on the input files the
    record lists (see above); otherwise None, and the caller runs the full pipeline.
    """
    out = Path(config.out)
    target = _path(out)
    if target is None:
        return None
    try:
        record = Record(**json.loads(target.read_text(encoding="utf-8")))
        current_context = context(spec, config, allow_remote_refs)
    except (OSError, ValueError, TypeError):
        return None
    if record.context != current_context or not record.outputs:
        return None
    for path, digest in record.inputs.items():
        if _sha256_file(Path(path)) != digest:
            return None
    for relative, digest in record.outputs.items():
        if _sha256_file(out / relative) != digest:
            return None
    return record


def save(out: Path, record: Record) -> None:
    """Write the record of `out` (best effort), keeping the newest few hundred records."""
    target = _path(out)
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps(dataclasses.asdict(record), sort_keys=True), encoding="utf-8")
        os.replace(temp, target)
        records = list(target.parent.glob("*.json"))
        if len(records) > _KEEP:
            records.sort(key=lambda p: p.stat().st_mtime)
            for old in records[: len(records) - _KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        pass

