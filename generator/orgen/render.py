"""Render: turn the IR into the output files' text, one template per kind of file."""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from . import __version__, prose
from .escape import comment, docstring, html_comment, literal, md_code, toml
from .ir import PACKAGE_EXPORTS, Api, Operation
from .layout import laid_out, laid_out_code, laid_out_parameter, laid_out_string_assignment
from .snippets import fence, quick_start, snippet
from .typeexpr import TypeExpr, members
from .typeexpr import render as annotation

if TYPE_CHECKING:
    import jinja2

RUNTIME_MODULES = ("_base_client.py", "_exceptions.py", "_logs.py", "_models.py", "_pagination.py", "_response.py", "_streaming.py", "_types.py")
_FLAVOURS = [
    {
        "prefix": "", "sync": "Sync", "def": "def", "await": "", "raw_wrapper": "to_raw_response_wrapper", "raw_headers_wrapper": "to_raw_response_with_headers_wrapper", "streamed_wrapper": "to_streamed_response_wrapper",
        "http_client": "httpx.Client", "client_doc": "Synchronous client; use it as a context manager to close connections.",
    },
    {
        "prefix": "Async", "sync": "Async", "def": "async def", "await": "await ", "raw_wrapper": "async_to_raw_response_wrapper", "raw_headers_wrapper": "async_to_raw_response_with_headers_wrapper", "streamed_wrapper": "async_to_streamed_response_wrapper",
        "http_client": "httpx.AsyncClient", "client_doc": "Asynchronous client; use it with `async with` to close connections.",
    },
]


def templates_dir() -> Path:
    """Templates ship inside the wheel as `orgen/templates`; a source checkout keeps them at the top."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


@functools.cache  # one per process: a second render (a new version) compiles no template again
def environment(templates: Path) -> jinja2.Environment:
    import jinja2  # here, not at the top: an up-to-date `--check` never renders

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        literal=literal,
        laid_out=laid_out,
        laid_out_code=laid_out_code,
        laid_out_string_assignment=laid_out_string_assignment,
        parameter=parameter,
        docstring=docstring,
        comment=comment,
        html_comment=html_comment,
        markdown=prose.block,
        md_inline=prose.inline,
        md_cell=prose.cell,
        toml=toml,
        md_code=md_code,
        fence=fence,
        annotation=annotation,
    )
    return env


def versioned(api: Api) -> set[PurePosixPath]:
    """The files whose text reads the package's version (`api.package_version`, `api.user_agent`):
    those a new version changes."""
    package = PurePosixPath(api.package)
    return {package / "__init__.py", package / "_client.py", PurePosixPath("pyproject.toml")}


def parameter(name: str, expr: TypeExpr, default: str = "", *more: str) -> str:
    """`name: expr | more... = default,` as a resource method's signature lists it (see `layout.laid_out_parameter`)."""
    return laid_out_parameter(name, [*(annotation(member) for member in members(expr)), *more], default)


def render(api: Api, models_source: str, spec_name: str, templates: Path, only: Collection[PurePosixPath] | None = None) -> dict[PurePosixPath, str]:
    """Every output file orgen owns (or those of them in `only`), by path relative to the output
    folder, before formatting."""
    env = environment(templates)
    header_text = _header_text(spec_name)
    header = f"# {header_text}"
    context: dict[str, Any] = {"api": api, "header": header, "header_text": header_text, "flavours": _FLAVOURS}
    package = PurePosixPath(api.package)
    files: dict[PurePosixPath, str] = {}

    def put(path: PurePosixPath, template: str, **extra: Any) -> None:
        if only is None or path in only:
            files[path] = env.get_template(template).render(**context, **extra)

    for module in RUNTIME_MODULES:
        files[package / module] = f"{header}\n" + (templates / "runtime" / module).read_text(encoding="utf-8")
    files[package / "py.typed"] = ""
    files[package / "models.py"] = models_file(models_source, spec_name)
    put(package / "__init__.py", "package/init.py.jinja", exports=sorted([*PACKAGE_EXPORTS, api.client_name, f"Async{api.client_name}"]))
    put(package / "_client.py", "package/client.py.jinja")
    put(package / "params.py", "package/params.py.jinja")
    put(package / "resources" / "__init__.py", "package/resources_init.py.jinja")
    for resource in api.resources:
        put(package / "resources" / f"{resource.name}.py", "package/resource.py.jinja", resource=resource)
        snippets = {op.name: snippet(api, op) for op in resource.operations if op.example is not None}
        put(PurePosixPath("docs") / resource.docs_page, "docs/resource.md.jinja", resource=resource, snippets=snippets)
    tests = PurePosixPath("tests")
    files[tests / "__init__.py"] = f"{header}\n"
    put(tests / "conftest.py", "tests/conftest.py.jinja", test_env=api.test_base_url_env)
    for resource in api.resources:
        if all(op.example is not None for op in resource.operations):
            put(tests / f"test_{resource.name}.py", "tests/test_resource.py.jinja", resource=resource)
    put(PurePosixPath("docs") / "index.md", "docs/index.md.jinja", pages={resource.name: resource.docs_page for resource in api.resources})
    put(PurePosixPath("docs") / "models.md", "docs/models.md.jinja")
    put(PurePosixPath("pyproject.toml"), "project/pyproject.toml.jinja")
    put(
        PurePosixPath("README.md"),
        "project/README.md.jinja",
        example=_example(api, streaming=False),
        stream_example=_example(api, streaming=True),
    )
    return files if only is None else {path: text for path, text in files.items() if path in only}


def models_file(models_source: str, spec_name: str) -> str:
    """models.py: orgen's header above the models library's source."""
    return f"# {_header_text(spec_name)}\n" + _strip_generator_header(models_source)


def _header_text(spec_name: str) -> str:
    return f"Generated by orgen {__version__} from {comment(spec_name)}; do not edit. Regenerate with `orgen build`."


def _strip_generator_header(source: str) -> str:
    lines = source.splitlines(keepends=True)
    while lines and (lines[0].startswith("# generated by datamodel-codegen") or lines[0].startswith("#   ")):
        lines.pop(0)
    return "".join(lines).lstrip("\n")


def _example(api: Api, streaming: bool) -> dict[str, str] | None:
    """A call for the README: the quick-start operation (for streaming, the first that streams)
    with its example values."""
    chosen = quick_start(api)
    if streaming and not (chosen and chosen.stream):
        chosen = next((op for op in api.operations if op.stream and op.example is not None), None)
    if chosen is None or chosen.example is None:
        return None
    return {
        "call": chosen.call,
        "call_raw": f"{chosen.resource}.with_raw_response.{chosen.name}",
        "arguments": chosen.example.call_arguments(0),
        "arguments_async": chosen.example.call_arguments(8),
        "arguments_in_try": chosen.example.call_arguments(4),
        "arguments_stream": chosen.example.call_arguments(0, {chosen.stream.parameter: True} if chosen.stream and chosen.stream.parameter else {}),
    }


__all__ = ["RUNTIME_MODULES", "Operation", "models_file", "render", "templates_dir"]
