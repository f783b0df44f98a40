"""Surface: the generated client as its callers see it — calls, arguments, models, fields, enum values —
captured from the IR and the generated models as plain JSON, so two builds can be compared.

The snapshot is what `orgen diff` compares and what a build records in `.orgen/api.json`, beside the
package version it gave the client: a rebuild needs no copy of the old spec to know what changed.
Prose (summaries, descriptions, docstrings, examples) is kept as a short hash: enough to notice a
change, not worth the bytes of the text.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import PurePosixPath
from typing import Any

from .ir import Api, Operation
from .typeexpr import render

SNAPSHOT = PurePosixPath(".orgen/api.json")
FORMAT = 1
Surface = dict[str, Any]


def capture(api: Api, models_source: str, models: dict[str, Any] | None = None) -> Surface:
    """The callable surface of the client planned as `api` whose models.py reads `models_source`
    (`models`: that file's part of the surface, when an earlier capture of the same text gave it)."""
    return {
        "format": FORMAT,
        "package": api.package,
        "client": api.client_name,
        "base_url": api.base_url,
        "auth": None if api.auth is None else {"header": api.auth.header, "scheme": api.auth.scheme, "env": api.auth.env_var},
        "client_options": sorted(name for name, _ in api.client_headers),
        "resources": {resource.name: resource.class_name for resource in api.resources},
        "operations": {op.call: _operation(op) for op in api.operations},
        "models": models if models is not None else _models(models_source),
        "params": {
            typed.name: {
                "doc": _digest(typed.description),
                "fields": {f.wire_name: {"type": render(f.annotation), "required": f.required, "doc": _digest(f.description)} for f in typed.fields},
            }
            for typed in api.typed_dicts
        },
    }


def snapshot_text(version: str, surface: Surface) -> str:
    """The `.orgen/api.json` a build writes: the package version and the surface it was given for."""
    return json.dumps({"version": version, "surface": surface}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def parse_snapshot(text: str) -> tuple[str, Surface | None] | None:
    """The version and surface recorded in a `.orgen/api.json` text; None when it holds none.

    A snapshot written by an orgen that recorded surfaces differently keeps its version, with no
    surface: the package version goes on from there, though this one update cannot be compared."""
    try:
        data = json.loads(text)
        version, surface = data["version"], data["surface"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(version, str):
        return None
    return version, surface if isinstance(surface, dict) and surface.get("format") == FORMAT else None


def _operation(op: Operation) -> dict[str, Any]:
    stream_flag = op.stream.parameter if op.stream else None
    return {
        "operation_id": op.operation_id,
        "http": f"{op.method.upper()} {op.path}",
        "summary": _digest(op.summary),
        "doc": _digest(op.description),
        "deprecated": op.deprecated,
        "params": {
            p.name: {
                "type": render(p.annotation), "required": p.required, "in": p.location, "wire": p.wire_name,
                "deprecated": p.deprecated, "doc": _digest(p.description),
            }
            for p in op.params
            if p.name != stream_flag
        },
        "returns": render(op.response_type),
        "stream": None if op.stream is None else {"flag": stream_flag, "event": render(op.stream.event_type)},
        "errors": {status: render(annotation) for status, annotation in op.errors},
        "pager": None if op.pagination is None else {"method": op.pagination.method, "item": render(op.pagination.item_type)},
    }


def _models(source: str) -> dict[str, Any]:
    """Each class of models.py: its kind, fields (or enum members, or root type) and prose hashes."""
    if not source.strip():
        return {}
    models: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            models[node.name] = _model(node)
    return models


def models_of(classes: list[tuple[str, str | None]], recorded: dict[str, Any]) -> dict[str, Any] | None:
    """The models' part of the surface from models.py's classes in order, each with its text, or
    None for a class whose text the last build wrote and whose surface it `recorded` (read back,
    not parsed again); None when such a class is not recorded."""
    models: dict[str, Any] = {}
    for name, text in classes:
        if text is not None:
            node = ast.parse(text).body[0]
            assert isinstance(node, ast.ClassDef)
            models[name] = _model(node)
        elif name in recorded:
            models[name] = recorded[name]
        else:
            return None
    return models


def _model(node: ast.ClassDef) -> dict[str, Any]:
    bases = [ast.unparse(base) for base in node.bases]
    doc = ast.get_docstring(node) or ""
    statements = node.body[1:] if doc else node.body
    if any(base.endswith("Enum") for base in bases):
        members = {
            target.id: ast.unparse(statement.value)
            for statement in statements
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        value_type = {"StrEnum": "str", "IntEnum": "int", "OpenStrEnum": "str", "OpenIntEnum": "int"}.get(bases[0], "")
        return {"kind": "enum", "doc": _digest(doc), "members": members, "bases": [value_type] if value_type else []}
    fields: dict[str, Any] = {}
    previous: dict[str, Any] | None = None
    for statement in statements:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            previous = fields[statement.target.id] = _field(statement)
        elif previous is not None and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            previous["doc"] = _digest(str(statement.value.value))  # a field's docstring follows it
    if any(base.startswith("RootModel") for base in bases) and "root" in fields:
        root = fields["root"]
        return {"kind": "root", "doc": _digest(doc), **{key: root[key] for key in ("type", "discriminator", "examples") if key in root}}
    local_bases = [base for base in bases if base not in ("BaseModel",)]
    return {"kind": "object", "doc": _digest(doc), "bases": local_bases, "fields": fields}


def _field(statement: ast.AnnAssign) -> dict[str, Any]:
    """One model field: its annotation, whether the constructor needs it, its default and alias."""
    value = statement.value
    keywords: dict[str, ast.expr] = {}
    default: str | None = None
    if isinstance(value, ast.Call) and ast.unparse(value.func) == "Field":
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        first = value.args[0] if value.args else keywords.get("default")
        if "default_factory" in keywords:
            default = "factory"
        elif first is not None and not (isinstance(first, ast.Constant) and first.value is Ellipsis):
            default = ast.unparse(first)  # `Field(...)` keeps a field required
    elif value is not None:
        default = ast.unparse(value)
    field = {
        "type": ast.unparse(statement.annotation),
        "required": default is None,
        "default": default,
        "alias": _constant(keywords.get("alias")),
        "discriminator": _constant(keywords.get("discriminator")),
        "examples": _digest(ast.unparse(keywords["examples"])) if "examples" in keywords else "",
    }
    return {key: value for key, value in field.items() if value is not None and value != ""} | {"required": default is None}


def _constant(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _digest(text: str) -> str:
    """A short hash of prose: '' for none, so an added description reads as a change too."""
    text = text.strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] if text else ""
