"""Pipeline: run the stages in order — load, refs, normalize, plan, models, render, format — and write or diff."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__, record
from .background import Background, can_fork
from .compare import bump, compare, next_version
from .config import Config
from .document import Document, read_document
from .examples import attach_examples
from .format import Formatted, format_code
from .format import warm_up as warm_formatter
from .ir import Api
from .model_jobs import ModelsFile, ModelsJob, run_models
from .models import ModelsText, warm_up
from .normalize import Context, normalize
from .plan import plan
from .problems import Problem, Problems, SpecError
from .record import Record
from .refs import resolve_refs
from .render import render, templates_dir, versioned
from .report import CHANGELOG, changelog_entry, counts, first_changelog, prepend
from .reuse import Made, Reuse
from .sanitize import field_aliases
from .shape import check_shape
from .surface import SNAPSHOT, Surface, capture, models_of, parse_snapshot, snapshot_text
from .write import MANIFEST, Manifest, diff, sha256, write_tree

Progress = Callable[[str], None]


@dataclass
class Output:
    """The finished output of one build, not yet written."""

    files: dict[PurePosixPath, str]
    api: Api
    warnings: list[Problem]
    previous: Manifest | None
    inputs: list[Path]
    # The CHANGELOG.md entry this build adds (Markdown), or None when the client did not change
    changelog_entry: str | None = None
    release_note: str | None = None  # one line on the version this build gave the package, when it moved


def load_normalized(spec: Path, config: Config, allow_remote_refs: bool = False) -> tuple[Document, dict[str, Any], Problems]:
    """The spec read, its refs checked and its quirks repaired (what `orgen normalize` prints), and
    the warnings found on the way."""
    document = read_document(spec)
    _check_openapi(document)
    resolve_refs(document, allow_remote=allow_remote_refs)
    check_shape(document)
    context = Context(base_url=config.base_url, problems=Problems(list(document.warnings)), where=document.where)
    return document, normalize(document.root, context), context.problems


def plan_spec(spec: Path, config: Config, allow_remote_refs: bool = False) -> tuple[Document, Api, Problems]:
    """The spec read, repaired and planned into the IR; raises SpecError on bad input (and on
    warnings under `config.strict`). Everything orgen checks about a spec is checked here."""
    document, normalized, problems = load_normalized(spec, config, allow_remote_refs)
    api = plan(normalized, config, problems, document.where)
    attach_examples(normalized, api)
    problems.check(strict=config.strict)
    return document, api, problems


def surface_of(spec: Path, config: Config, allow_remote_refs: bool = False) -> Surface:
    """The client surface SPEC generates (what `orgen diff` compares), without rendering or writing."""
    _, api, _ = plan_spec(spec, config, allow_remote_refs)
    return capture(api, run_models(api, templates_dir(), spec).source)


def generate(spec: Path, config: Config, progress: Progress = lambda _: None, allow_remote_refs: bool = False, fresh: bool = False) -> Output:
    """Everything a build writes, as text by relative path; raises SpecError on bad input.

    `fresh`: borrow nothing from the previous build (the result is the same, only slower)."""
    # The models library runs in a process of its own, started now: its imports, and the
    # formatter's it formats models.py with, load while the spec is read. On one core, or where
    # processes cannot fork, it runs in this process.
    background = Background(lambda: _warm_up(config.formatter)) if (os.cpu_count() or 1) > 1 and can_fork() else None
    try:
        return _generate(spec, config, progress, allow_remote_refs, fresh, background)
    finally:
        if background is not None:
            background.close()


def _warm_up(formatter: str) -> None:
    warm_up(templates_dir())
    warm_formatter(formatter)


def _generate(spec: Path, config: Config, progress: Progress, allow_remote_refs: bool, fresh: bool, background: Background | None) -> Output:
    clock = _Clock(progress)
    # Taken before the spec is read: a spec edited meanwhile leaves the manifest with no fingerprint.
    context, spec_before = record.portable_context(config, allow_remote_refs), sha256(spec.read_bytes())
    document, api, problems = plan_spec(spec, config, allow_remote_refs)
    clock.step(f"loaded and normalized; planned {len(api.operations)} operations, {len(api.models)} models")
    templates = templates_dir()
    previous = Manifest.read(config.out)
    formatted_by = format_code(config.formatter)
    reuse = Reuse(config.out, previous, formatted_by, enabled=not fresh)
    # The models library is the slowest stage: when its input is what the last build gave it and
    # its output is still on disk as written, that output is used again.
    models_path = PurePosixPath(api.package) / "models.py"
    models_code = _models_code(api, templates)
    models_input = _models_input(api, templates, spec.name, models_code)
    kept_models = reuse.models(models_path, models_input)
    earlier = None if kept_models else reuse.model_units(models_path)
    # The models library is also the longest stage: it runs in the background process while the
    # rest of the package is rendered and formatted, with the version the last build recorded (an
    # update that moves it formats again only the few files that read it).
    snapshot = _owned_text(config.out, SNAPSHOT, previous)
    recorded = parse_snapshot(snapshot) if snapshot is not None else None
    guess, again = (recorded[0] if recorded else config.version), 0
    file = ModelsFile(models_path, spec.name, models_input, reuse, config.formatter)
    job = ModelsJob.kept(models_path, kept_models, reuse.units_record()) if kept_models else ModelsJob.start(background, (api, templates, spec, models_code, earlier), file)
    api.package_version = guess
    rest = _render_and_format(api, spec.name, templates, reuse, config.formatter, models_path)
    made = job.source()
    models_source = made.source
    # Kept models, and the classes an update takes from the last build's models.py, have their
    # surface recorded beside them, unless it was edited since: read back, not parsed again.
    as_written = previous is not None and snapshot is not None and sha256(snapshot) == previous.files[str(SNAPSHOT)].get("sha256")
    known_models = None
    if recorded and recorded[1] and as_written:
        if kept_models:
            known_models = recorded[1]["models"]
        elif made.classes is not None:
            known_models = models_of(made.classes, recorded[1]["models"])
    release = _release(api, models_source, config, spec.name, previous, recorded, known_models)
    if release.version != guess:
        api.package_version = release.version
        first_pass = rest.formatted.formatted_pieces
        rest = _render_and_format(api, spec.name, templates, reuse, config.formatter, models_path, rest)
        again, rest.formatted.formatted_pieces = rest.formatted.formatted_pieces, first_pass
    models = job.file()
    rendered_sha = {**rest.rendered_sha, **models.rendered_sha}
    files = {**rest.formatted.files, **rest.reused, **models.formatted.files, **models.reused}
    for path, text in release.files.items():
        files[path] = text
        rendered_sha[path] = sha256(text)
    formatted_pieces = rest.formatted.formatted_pieces + models.formatted.formatted_pieces
    total_pieces = rest.formatted.total_pieces + models.formatted.total_pieces
    reused = {**rest.reused, **models.reused}
    pieces_note = f"; black ran on {formatted_pieces} of {total_pieces} pieces" if total_pieces else ""
    pieces_note += f" ({again} again with the new version)" if again else ""
    clock.step(
        f"rendered and formatted {len(rendered_sha) - len(release.files)} files"
        + (" (models unchanged)" if kept_models else ", the models generated meanwhile" + _generated_note(made, api))
        + f"; {len(reused)} files unchanged{pieces_note}"
    )
    # Pieces of unchanged files are recorded again from the previous manifest.
    pieces = {**reuse.pieces(set(reused)), **rest.formatted.pieces, **models.formatted.pieces}
    inputs = record.input_hashes(spec, [spec, *document.referenced])
    manifest = Manifest(
        spec_sha256=inputs[spec.name],
        orgen_version=__version__,
        files={str(p): _file_entry(files[p], rendered_sha[p], pieces.get(p)) for p in sorted(files)},
        operations=[
            {"operation_id": op.operation_id, "method": op.method.upper(), "path": op.path, "call": op.call}
            for op in api.operations
        ],
        formatter=config.formatter,
        format_code=formatted_by,
        models_input=models_input,
        model_units=made.record,
    )
    if inputs[spec.name] == spec_before:
        manifest.fingerprint, manifest.inputs = context, inputs
        manifest.warnings = [[record.relative_file(spec, p.file), p.line, p.pointer, p.message] for p in problems.warnings]
    files[MANIFEST] = manifest.to_text()
    return Output(files, api, problems.warnings, previous, [spec, *document.referenced], release.entry, release.note)


def _render_and_format(
    api: Api, spec_name: str, templates: Path, reuse: Reuse, formatter: str, models_path: PurePosixPath, earlier: Made | None = None
) -> Made:
    """Every file but models.py, rendered and formatted (or taken whole from the previous build);
    `earlier`: this build's first pass, made before the package's version moved, whose files are
    kept but for those that read the version."""
    if earlier is None:
        rendered = render(api, "", spec_name, templates)
        del rendered[models_path]
        return reuse.format(rendered, formatter, {})
    again = reuse.format(render(api, "", spec_name, templates, only=versioned(api)), formatter, earlier.known())
    moved = set(again.rendered_sha)
    formatted = Formatted(
        {**{path: text for path, text in earlier.formatted.files.items() if path not in moved}, **again.formatted.files},
        {**{path: text for path, text in earlier.formatted.pieces.items() if path not in moved}, **again.formatted.pieces},
        again.formatted.formatted_pieces,
        earlier.formatted.total_pieces,
    )
    reused = {**{path: text for path, text in earlier.reused.items() if path not in moved}, **again.reused}
    return Made(formatted, reused, {**earlier.rendered_sha, **again.rendered_sha})


@dataclass
class _Release:
    """The version a build gives the package and the files that say so."""

    version: str
    files: dict[PurePosixPath, str]
    entry: str | None  # the changelog entry this build adds
    note: str | None = None


def _release(
    api: Api,
    models_source: str,
    config: Config,
    spec_name: str,
    previous: Manifest | None,
    recorded: tuple[str, Surface | None] | None,
    known_models: dict[str, Any] | None = None,
) -> _Release:
    """Version the package by what changed since the build `recorded` in the output folder (its
    version and surface): the snapshot of this build's surface, and CHANGELOG.md with a new entry
    when the surface moved. `known_models`: the models' part of the surface, when already known."""
    new_surface = capture(api, models_source, known_models)
    changelog_path = PurePosixPath(CHANGELOG)
    if recorded is None:
        version, entry = config.version, None
        changelog = first_changelog(version, spec_name)
    else:
        old_version, old_surface = recorded
        changes = compare(old_surface, new_surface) if old_surface is not None and old_surface != new_surface else []
        version = next_version(old_version, bump(changes))
        entry = changelog_entry(version, old_version, changes) if changes else None
        changelog = _owned_text(config.out, changelog_path, previous) or first_changelog(old_version, spec_name)
        if entry is not None:
            changelog = prepend(changelog, entry)
    note = None
    if entry is not None:
        note = f"version {old_version} -> {version} ({bump(changes)}: {counts(changes)}); see {config.out / CHANGELOG}"
    return _Release(version, {SNAPSHOT: snapshot_text(version, new_surface), changelog_path: changelog}, entry, note)


def _owned_text(out: Path, path: PurePosixPath, previous: Manifest | None) -> str | None:
    """A file orgen wrote earlier, as it is on disk now (edits included)."""
    if previous is None or str(path) not in previous.files:
        return None
    try:
        return (out / Path(*path.parts)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _file_entry(text: str, rendered_sha256: str, pieces: str | None) -> dict[str, str]:
    entry = {"sha256": sha256(text), "rendered_sha256": rendered_sha256}
    # Recorded for every file formatted in more than one piece (about 27 characters a piece, a few
    # percent of the file): an update then formats again only the pieces whose text changed.
    if pieces and " " in pieces:
        entry["pieces"] = pieces
    return entry


def build(spec: Path, config: Config, progress: Progress = lambda _: None, allow_remote_refs: bool = False, fresh: bool = False) -> tuple[Output, list[PurePosixPath]]:
    """Generate and write; returns the output and the paths that changed on disk."""
    before = _fingerprint(spec, config, allow_remote_refs)
    output = generate(spec, config, progress, allow_remote_refs, fresh)
    changed = write_tree(config.out, output.files, output.previous)
    _remember(before, config, output)
    return output, changed


def check(spec: Path, config: Config, progress: Progress = lambda _: None, allow_remote_refs: bool = False, fresh: bool = False) -> tuple[Output, str]:
    """Generate and compare with what is on disk; returns the unified diff ('' when in sync)."""
    before = _fingerprint(spec, config, allow_remote_refs)
    output = generate(spec, config, progress, allow_remote_refs, fresh)
    drift = diff(config.out, output.files, output.previous)
    if not drift:
        _remember(before, config, output)
    return output, drift


def _fingerprint(spec: Path, config: Config, allow_remote_refs: bool) -> tuple[str, str] | None:
    """The context and the spec's hash, taken before generating (a spec edited meanwhile is not recorded)."""
    if record.cache_dir() is None:
        return None
    try:
        return record.context(spec, config, allow_remote_refs), sha256(spec.read_bytes())
    except OSError:
        return None


def _remember(before: tuple[str, str] | None, config: Config, output: Output) -> None:
    if before is None:
        return
    try:
        inputs = {str(path.resolve()): sha256(path.read_bytes()) for path in output.inputs}
    except OSError:
        return
    if inputs.get(str(output.inputs[0].resolve())) != before[1]:
        return
    outputs = {str(path): sha256(text) for path, text in output.files.items()}
    warnings = [str(problem) for problem in output.warnings]
    record.save(config.out, Record(before[0], inputs, outputs, warnings, len(output.api.operations)))


# The versions of the libraries that shape the models' text (pinned: see pyproject.toml).
_TEXT_LIBRARIES = tuple(f"{name}=={metadata.version(name)}" for name in ("datamodel-code-generator", "isort"))
# orgen's own code that turns the model document into models.py.
_MODELS_CODE = ("models.py", "model_units.py", "inheritance.py", "escape.py", "names.py", "tidy.py")


def _models_code(api: Api, templates: Path) -> str:
    """A hash of everything but the schemas that shapes the models' text: orgen's model templates,
    code and version, the libraries', the package they import from, and whether a field named
    `Field` makes the library import pydantic's under another name throughout."""
    digest = hashlib.sha256()
    for part in (__version__, api.package, *_TEXT_LIBRARIES, str("Field" in field_aliases(api.model_document))):
        digest.update(part.encode("utf-8") + b"\0")
    sources = [*sorted((templates / "models").glob("*")), *(Path(__file__).parent / name for name in _MODELS_CODE)]
    for source in sources:
        digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _generated_note(made: ModelsText, api: Api) -> str:
    if made.generated is None:
        return ""
    schemas = api.model_document["components"]["schemas"]  # type: ignore[index]
    return f" (for {made.generated} of {len(schemas)} schemas)"


def _models_input(api: Api, templates: Path, spec_name: str, code: str | None = None) -> str:
    """A hash of everything the models' text depends on: what `_models_code` hashes (`code`, when
    already known), the spec's name (in the header) and the schemas in order.

    The libraries that write the models' text are pinned in pyproject.toml, so their versions are
    the same on every machine and the manifest reads the same everywhere; they are in the hash, so
    models.py written by another version is never kept.
    """
    digest = hashlib.sha256()
    for part in (code or _models_code(api, templates), spec_name, json.dumps(api.model_document, default=str)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _check_openapi(document: Document) -> None:
    root = document.root
    version = root.get("openapi")
    if "swagger" in root and version is None:
        raise SpecError([document.problem("/swagger", f"Swagger {root['swagger']} is not supported; orgen takes OpenAPI 3.x (convert it first)")])
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError([document.problem("/openapi" if "openapi" in root else "", f"not an OpenAPI 3.x document (openapi: {version!r})")])
    problems = []
    if not isinstance(root.get("info"), dict):
        problems.append(document.problem("/info" if "info" in root else "", "missing or invalid 'info' object"))
    if "paths" in root and not isinstance(root["paths"], dict):
        problems.append(document.problem("/paths", "'paths' must be a mapping"))
    if problems:
        raise SpecError(problems)


class _Clock:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.start = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        self.progress(f"{what} ({now - self.last:.2f}s)")
        self.last = now
