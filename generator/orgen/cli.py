"""CLI: `orgen build` and `orgen normalize`; exit 0 ok, 1 drift under --check, 2 bad input."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, ConfigError, load_config
from .format import FORMATTERS
from .problems import Problem, SpecError
from .record import committed_up_to_date, up_to_date

EXIT_OK, EXIT_DRIFT, EXIT_BAD_INPUT = 0, 1, 2
_F = TypeVar("_F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgen")
def main() -> None:
    """orgen turns an OpenAPI 3.x document into a typed Python client package and its docs, and
    tells what a spec update changes for the client's callers.

    Settings come from [tool.orgen] in ./pyproject.toml (out, package-name, client-name, base-url,
    api-key-env, formatter, version, spec-url, operations); command-line options override them.
    """


def _spec_options(command: _F) -> _F:
    command = click.option("--base-url", help="Base URL when the spec has no servers.")(command)
    command = click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))(command)
    return command


@main.command()
@_spec_options
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder (default: generated).")
@click.option("--package-name", help="Import name of the generated package (default: from info.title).")
@click.option("--client-name", help="Class name of the client (default: from info.title).")
@click.option("--api-key-env", help="Environment variable the client reads its API key from.")
@click.option("--formatter", type=click.Choice(FORMATTERS), help="Code formatter (default: black).")
@click.option("--check", is_flag=True, help="Write nothing; print a diff and exit 1 if the output would change.")
@click.option("--strict", is_flag=True, default=None, help="Treat warnings (unsupported content, ignored keywords) as errors.")
@click.option("--allow-remote-refs", is_flag=True, help="Accept remote (http://...) $refs as untyped values, with a warning; by default they are errors. orgen never fetches them.")
@click.option("--fresh", is_flag=True, help="Borrow nothing from the previous build in the output folder (the same output, made from scratch).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
def build(spec: Path, check: bool, quiet: bool, allow_remote_refs: bool, fresh: bool, **options: Any) -> None:
    """Generate the client package and docs for SPEC (YAML, JSON, or Markdown with OpenAPI blocks).

    \b
    Examples:
      orgen build specs/openapi.yaml
      orgen build specs/openapi.yaml --check      # CI: fail on drift
      orgen build api.json --out sdk --package-name acme_client
    """
    config = _config(options)
    progress = _progress(quiet)
    started = time.perf_counter()
    recorded = None if fresh else up_to_date(spec, config, allow_remote_refs)
    if recorded is not None:  # inputs and output exactly as the last build left them: see orgen/record.py
        if check:
            progress(f"{config.out} is up to date (unchanged since the last build)")
        else:
            progress(
                f"wrote 0 changed of {len(recorded.outputs)} files to {config.out} ({recorded.operations} operations) "
                f"in {time.perf_counter() - started:.2f}s (unchanged since the last build)"
            )
        for warning in recorded.warnings:
            click.echo(f"warning: {warning}", err=True)
        return
    committed = None if fresh else committed_up_to_date(spec, config, allow_remote_refs)
    if committed is not None:  # the manifest shows the output made from these inputs: see orgen/record.py
        count, warnings = committed
        unchanged = "as its manifest records it for this spec, configuration and orgen"
        if check:
            progress(f"{config.out} is up to date ({unchanged})")
        else:
            progress(f"wrote 0 changed of {count} files to {config.out} in {time.perf_counter() - started:.2f}s ({unchanged})")
        _report_warnings(warnings)
        return
    # Imported only now: an up-to-date output is answered above without loading the pipeline.
    from .pipeline import build as run_build
    from .pipeline import check as run_check

    with _one_line_errors(str(spec)):
        if check:
            output, drift = run_check(spec, config, progress, allow_remote_refs, fresh)
        else:
            output, changed = run_build(spec, config, progress, allow_remote_refs, fresh)
    # Warnings come last, after the progress lines, where they are not lost among them.
    if check:
        if drift:
            click.echo(drift, nl=False)
            click.echo(f"orgen: {config.out} is out of date with {spec}; run `orgen build {spec}`", err=True)
            _report_warnings(output.warnings)
            sys.exit(EXIT_DRIFT)
        progress(f"{config.out} is up to date")
    else:
        _report_written(output, changed, config, progress, started)
    _report_warnings(output.warnings)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True, help="text and markdown for people, json for programs.")
@click.option("--fail-on", type=click.Choice(["breaking", "any"]), help="Exit 1 when a breaking change (or any change) is found.")
@click.option("--package-name", help="Import name of the generated package (default: as build).")
@click.option("--client-name", help="Class name of the client (default: as build).")
@click.option("--base-url", help="Base URL when a spec has no servers.")
def diff_command(old: str, new: str, output_format: str, fail_on: str | None, **options: Any) -> None:
    """Show what changes for the client's callers when spec OLD is replaced by NEW.

    Compares the clients the two specs generate (calls, arguments, models, fields, enum values,
    streaming, errors, auth) and gives each change a level: breaking, non-breaking or docs, and the
    whole a version bump (major, minor, patch or none). OLD and NEW take anything `build` takes, or
    REV:PATH to read a spec from the git repository of the working folder.

    \b
    Examples:
      orgen diff HEAD:specs/openapi.yaml specs/openapi.yaml      # review an update before committing
      orgen diff old.yaml new.yaml --format json                 # {"bump": ..., "changes": [...]}
      orgen diff v1.yaml v2.yaml --fail-on breaking              # CI: exit 1 on a breaking change

    Exit codes: 0 ok, 1 when --fail-on is met, 2 bad input.
    """
    config = _config(options)
    from .compare import compare
    from .pipeline import surface_of
    from .revision import spec_file

    surfaces = []
    for argument in (old, new):
        with _one_line_errors(argument), spec_file(argument) as spec:
            surfaces.append(surface_of(spec, config))
    from . import report

    changes = compare(surfaces[0], surfaces[1])
    render = {"text": report.as_text, "markdown": report.as_markdown, "json": report.as_json}[output_format]
    click.echo(render(changes), nl=False)
    if (fail_on == "any" and changes) or (fail_on == "breaking" and any(c.level == "breaking" for c in changes)):
        sys.exit(EXIT_DRIFT)


@main.command()
@_spec_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
def normalize(spec: Path, as_json: bool, **options: Any) -> None:
    """Print SPEC with its quirks repaired: the document that `orgen build` generates from."""
    config = _config(options)
    try:
        from .pipeline import load_normalized

        _, document, _ = load_normalized(spec, config)
    except SpecError as error:
        _fail(error.problems)
    if as_json:
        import json

        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        import yaml

        click.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), nl=False)


@main.command()
@_spec_options
@click.option("--from", "url", metavar="URL", help="http(s) URL to download SPEC from (default: spec-url in [tool.orgen]).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if upstream differs from SPEC (for a scheduled CI job).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True, metavar="SECONDS", help="Give up on a download that takes longer.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True, metavar="N", help="Give up on a download larger than N bytes.")
def update(spec: Path, url: str | None, check: bool, timeout: float, max_bytes: int, quiet: bool, allow_remote_refs: bool, **options: Any) -> None:
    """Download SPEC anew from upstream and, if it changed, replace it and rebuild the client.

    The download replaces SPEC only once it passes every check `orgen build` makes: a broken or
    cut-off download leaves SPEC as it was (exit 2). Then SPEC is built as `orgen build SPEC` would,
    and the CHANGELOG.md entry of the build is printed on stdout (a pull request's body, say).
    Exit codes: 0 updated or already up to date, 1 upstream differs under --check, 2 a failed
    download or bad input.

    \b
    Examples:
      orgen update specs/openapi.yaml --from https://api.example.com/openapi.yaml
      orgen update specs/openapi.yaml            # URL from spec-url in [tool.orgen] of pyproject.toml
      orgen update specs/openapi.yaml --check    # scheduled CI: exit 1 when upstream has changed
    """
    from . import update as upstream

    config = _config(options)
    url = url or config.spec_url
    if not url:
        click.echo(f"orgen: no URL to update {spec} from: pass --from URL or set spec-url in [tool.orgen] of pyproject.toml", err=True)
        sys.exit(EXIT_BAD_INPUT)
    progress = _progress(quiet)
    started = time.perf_counter()
    try:
        content = upstream.download(url, timeout, max_bytes)
        if upstream.same_bytes(spec, content):
            click.echo(f"{spec} is up to date with {url}")
            return
        with upstream.staged(spec, content, url, config, allow_remote_refs) as downloaded:
            if check:
                click.echo(f"{spec} differs from {url}: `orgen update` would replace it")
                sys.exit(EXIT_DRIFT)
            upstream.install(downloaded, spec)
    except upstream.DownloadError as error:
        click.echo(f"orgen: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except SpecError as error:
        _fail(error.problems)
    except OSError as error:  # the folder of SPEC is missing or not writable
        click.echo(f"orgen: cannot write {spec}: {error.strerror or error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    progress(f"updated {spec} from {url} ({len(content)} bytes)")
    from .pipeline import build as run_build

    with _one_line_errors(str(spec)):
        output, changed = run_build(spec, config, progress, allow_remote_refs)
    _report_written(output, changed, config, progress, started)
    if output.changelog_entry is not None:
        click.echo(output.changelog_entry.rstrip("\n"))
    else:
        click.echo(f"{spec} was updated from {url}; the generated client did not change")
    _report_warnings(output.warnings)


# update's build settings are build's own options, shared so that their flags and help cannot drift apart.
_BUILD_SETTINGS = ("out", "package_name", "client_name", "api_key_env", "formatter", "strict", "allow_remote_refs", "quiet")
update.params.extend(param for param in build.params if param.name in _BUILD_SETTINGS)


def _config(options: dict[str, Any]) -> Config:
    try:
        return load_config(Path.cwd()).with_options(**options)
    except ConfigError as error:
        click.echo(f"orgen: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _progress(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr (nothing with -q), so stdout carries only what a command prints."""
    def echo(line: str) -> None:
        if not quiet:
            click.echo(f"orgen: {line}", err=True)

    return echo


@contextmanager
def _one_line_errors(source: str) -> Iterator[None]:
    """Bad input exits 2 with its problems; a bug too, as one line naming `source` (a traceback
    only with ORGEN_DEBUG set)."""
    try:
        yield
    except SpecError as error:
        _fail(error.problems)
    except Exception as error:
        if os.environ.get("ORGEN_DEBUG"):
            raise
        _fail([Problem(source, None, None, f"internal error ({type(error).__name__}: {error}); please report it")])


def _report_written(output: Any, changed: list[PurePosixPath], config: Config, progress: Callable[[str], None], started: float) -> None:
    removed = [path for path in changed if path not in output.files]
    progress(
        f"wrote {len(changed) - len(removed)} changed of {len(output.files)} files to {config.out}"
        + (f", removed {len(removed)} no longer generated" if removed else "")
        + f" ({len(output.api.operations)} operations) in {time.perf_counter() - started:.2f}s"
    )
    if output.release_note:
        progress(output.release_note)


def _fail(problems: list[Problem]) -> Any:
    for problem in problems:
        suffix = " (warning, fatal under --strict)" if problem.severity == "warning" else ""
        click.echo(f"{problem}{suffix}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _report_warnings(warnings: list[Problem]) -> None:
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
