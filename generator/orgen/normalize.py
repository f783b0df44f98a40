"""Normalize: repair known spec quirks into clean OpenAPI, as a list of small named passes.

The normalized form is OpenAPI 3.1 with one orgen convention: a schema that also admits `null` is
written as the non-null schema plus `nullable: true`, whichever of the three ways the input used.
Each pass mutates its own deep copy of the document and records what it changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .pointer import follow, join, split
from .problems import Problems

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
STREAM_EXTENSION = "x-orgen-stream"


def _nowhere(pointer: str) -> tuple[str, int | None]:
    return "", None


@dataclass
class Context:
    """What passes may consult besides the document, and where they note what they did."""

    base_url: str | None = None
    notes: list[str] = field(default_factory=list)
    # What the spec's author may want to know about (a repair that dropped a value), located by
    # `where(pointer)` -> (file, line) in the spec as written.
    problems: Problems = field(default_factory=Problems)
    where: Callable[[str], tuple[str, int | None]] = field(default=_nowhere)


Pass = Callable[[dict[str, Any], Context], None]


def normalize(document: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
    """A repaired copy of `document`; the input is left as it was."""
    context = context or Context()
    result = copy.deepcopy(document)
    for repair in PASSES:
        repair(result, context)
    return result


# -- helpers ---------------------------------------------------------------------------------------


def walk_schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict in the document with its pointer (passes filter for the schema shapes they repair)."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            yield pointer, node
            stack.extend((value, join(pointer, key)) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{index}") for index, value in reversed(list(enumerate(node))))


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def deref(document: dict[str, Any], node: Any) -> Any:
    """Follow internal `$ref`s until a node that is not one (cycles were refused earlier)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 64:
        try:
            node = follow(document, node["$ref"][1:])
        except KeyError:
            return {}
        seen += 1
    return node


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and (node.get("type") == "null" or node.get("type") == ["null"]) and len(node) <= 2


# -- passes ----------------------------------------------------------------------------------------


def unwrap_fern_enum_items(document: dict[str, Any], context: Context) -> None:
    """Fern writes enum items as objects: `enum: [{value: stop}, {value: length}]`.

    → `enum: [stop, length]`; a single `{type: stringLiteral, value: text}` becomes `const: text`.
    """
    for pointer, node in walk_schemas(document):
        items = node.get("enum")
        if not isinstance(items, list) or not items or not all(_is_value_item(item) for item in items):
            continue
        values = [item["value"] for item in items]
        literal = len(values) == 1 and items[0].get("type") == "stringLiteral"
        if literal:
            del node["enum"]
            node["const"] = values[0]
        else:
            node["enum"] = values
        context.notes.append(f"{pointer}: enum items unwrapped")


def _is_value_item(item: Any) -> bool:
    return isinstance(item, dict) and "value" in item and set(item) <= {"value", "type", "name", "description"}


def flatten_tags(document: dict[str, Any], context: Context) -> None:
    """Fern nests operation tags and prefixes them: `tags: [[subpackage_completions]]` → `tags: [completions]`."""
    for path, method, operation in operations(document):
        tags = operation.get("tags")
        if tags is None:
            continue
        flat = [str(tag) for tag in _flatten(tags)]
        cleaned = [".".join(part.removeprefix("subpackage_") for part in tag.split(".")) for tag in flat]
        cleaned = list(dict.fromkeys(tag for tag in cleaned if tag))
        if cleaned != tags:
            operation["tags"] = cleaned
            context.notes.append(f"{join('/paths', path, method)}: tags flattened")


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield value


def nullable_types(document: dict[str, Any], context: Context) -> None:
    """Four spellings of "X or null" → X with `nullable: true`.

    `type: [integer, 'null']`, `oneOf: [X, {type: 'null'}]` (also `anyOf`), OpenAPI 3.0's
    `nullable: true`, and a `null` among enum values (`enum: [low, high, null]`) all end as the
    non-null schema plus `nullable: true`.
    """
    for pointer, node in walk_schemas(document):
        values = node.get("enum")
        if isinstance(values, list) and None in values and any(value is not None for value in values):
            node["enum"] = [value for value in values if value is not None]
            node["nullable"] = True
        types = node.get("type")
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            if len(rest) != len(types):
                node["nullable"] = True
            if len(rest) == 1:
                node["type"] = rest[0]
            elif not rest:
                node["type"] = "null"
                node.pop("nullable", None)
            else:
                node["type"] = rest
        for keyword in ("oneOf", "anyOf"):
            variants = node.get(keyword)
            if not isinstance(variants, list) or not any(_is_null_schema(v) for v in variants):
                continue
            rest = [v for v in variants if not _is_null_schema(v)]
            node["nullable"] = True
            if len(rest) == 1 and isinstance(rest[0], dict) and not _conflicts(node, rest[0], keyword):
                del node[keyword]
                for key, value in rest[0].items():
                    node.setdefault(key, value)
            elif rest:
                node[keyword] = rest
            else:
                del node[keyword]
            context.notes.append(f"{pointer}: null variant folded into nullable")


def _conflicts(node: dict[str, Any], variant: dict[str, Any], keyword: str) -> bool:
    return any(key in node and key != keyword and node[key] != value for key, value in variant.items())


# Keywords that only document a schema; a reference may carry them as siblings in OpenAPI 3.1.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "externalDocs"})


def annotated_refs(document: dict[str, Any], context: Context) -> None:
    """A reference wrapped in `allOf` only to describe it: `allOf: [{$ref: X}, {description: ...}]`.

    OpenAPI 3.0 ignores the siblings of `$ref`, so specs wrap a property's reference in `allOf` to
    give it a description or an example. Read literally that is a new schema extending X: a subclass
    of X, or for a union X a union of subclasses that loses X's discriminator. → `{$ref: X,
    description: ...}`, which 3.1 allows. A named schema keeps its `allOf`: it is a type of its own.
    """
    for pointer, node in walk_schemas(document):
        parts = node.get("allOf")
        if not isinstance(parts, list) or _is_named_schema(pointer):
            continue
        refs = [part for part in parts if isinstance(part, dict) and "$ref" in part]
        notes = [part for part in parts if not (isinstance(part, dict) and "$ref" in part)]
        if len(refs) != 1 or set(refs[0]) != {"$ref"} or not all(isinstance(n, dict) and set(n) <= _ANNOTATIONS for n in notes):
            continue
        if not set(node) - {"allOf"} <= _ANNOTATIONS | {"nullable"}:
            continue  # the wrapper also constrains: it is more than a described reference
        del node["allOf"]
        node["$ref"] = refs[0]["$ref"]
        for note in notes:
            for key, value in note.items():
                node.setdefault(key, value)
        context.notes.append(f"{pointer}: described reference unwrapped from allOf")


def _is_named_schema(pointer: str) -> bool:
    tokens = split(pointer)
    return len(tokens) == 3 and tokens[:2] == ["components", "schemas"]


def discriminate_literal_unions(document: dict[str, Any], context: Context) -> None:
    """Object unions whose variants all require one property with a distinct literal value.

    The seed's `CompletionCreateParamsResponseFormat` is a `oneOf` of five objects, each with a
    required `type: {enum: [text]}` (after unwrapping), but declares no `discriminator`. Declaring one
    on that property makes the union parse by tag instead of by trial.
    """
    for pointer, node in walk_schemas(document):
        variants = node.get("oneOf") or node.get("anyOf")
        if not isinstance(variants, list) or len(variants) < 2 or "discriminator" in node:
            continue
        if not all(isinstance(v, dict) and isinstance(v.get("$ref"), str) for v in variants):
            continue  # pydantic discriminates only named models
        targets = [deref(document, v) for v in variants]
        name = _shared_tag(targets)
        if name is None:
            continue
        mapping = {_literal(target, name): variant["$ref"] for target, variant in zip(targets, variants)}
        node["discriminator"] = {"propertyName": name, "mapping": mapping}
        context.notes.append(f"{pointer}: discriminator on {name!r} inferred")


def _literal(schema: dict[str, Any], name: str) -> Any:
    prop = schema["properties"][name]
    return prop["const"] if "const" in prop else prop["enum"][0]


def _shared_tag(targets: list[Any]) -> str | None:
    """The property every target requires with one literal value, distinct across targets."""
    if not all(isinstance(t, dict) and isinstance(t.get("properties"), dict) for t in targets):
        return None
    candidates = sorted(set.intersection(*(set(t.get("required") or []) for t in targets)))
    candidates.sort(key=lambda n: n != "type")  # prefer the conventional name
    for name in candidates:
        values = []
        for target in targets:
            prop = deref({}, target["properties"].get(name))
            if not isinstance(prop, dict):
                break
            if "const" in prop:
                values.append(prop["const"])
            elif isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
                values.append(prop["enum"][0])
            else:
                break
        else:
            if all(isinstance(v, str) for v in values) and len(set(values)) == len(values):
                return str(name)
    return None


def streaming_flag(document: dict[str, Any], context: Context) -> None:
    """A JSON request body with `stream: boolean` but no `text/event-stream` response.

    OpenRouter streams the 200 response schema as server-sent events when `stream: true` is sent,
    though its spec declares only `application/json`. Marked with `x-orgen-stream` so the client gets
    a `stream=True` overload yielding that schema.

    A spec that declares `text/event-stream` responses anywhere is taken at its word: it says where
    events are streamed, and a `stream` field elsewhere is plain data (OpenRouter's preset endpoints
    accept a whole chat request, `stream` included, and ignore it).
    """
    if _declares_event_streams(document):
        return
    for path, method, operation in operations(document):
        if STREAM_EXTENSION in operation:
            continue
        body = deref(document, operation.get("requestBody"))
        media = (body.get("content") or {}).get("application/json") if isinstance(body, dict) else None
        schema = deref(document, (media or {}).get("schema"))
        prop = deref(document, (schema.get("properties") or {}).get("stream")) if isinstance(schema, dict) else None
        if not isinstance(prop, dict) or prop.get("type") != "boolean":
            continue
        responses = operation.get("responses") or {}
        ok = deref(document, responses.get("200") or responses.get("201"))
        content = ok.get("content") if isinstance(ok, dict) else None
        if not isinstance(content, dict) or "text/event-stream" in content or "application/json" not in content:
            continue
        event = content["application/json"].get("schema")
        if event is None:
            continue
        operation[STREAM_EXTENSION] = {"parameter": "stream", "schema": copy.deepcopy(event)}
        context.notes.append(f"{join('/paths', path, method)}: streams its 200 schema when stream=true")


def _declares_event_streams(document: dict[str, Any]) -> bool:
    for _, _, operation in operations(document):
        for response in (operation.get("responses") or {}).values():
            response = deref(document, response)
            content = response.get("content") if isinstance(response, dict) else None
            if isinstance(content, dict) and "text/event-stream" in content:
                return True
    return False


def bearer_header_to_security(document: dict[str, Any], context: Context) -> None:
    """A required `Authorization` header parameter described as a bearer token, with no securitySchemes.

    The seed asks every call for `Authorization` ("API key as bearer token in Authorization header").
    That is authentication, not an argument: it becomes an HTTP bearer security scheme.
    """
    components = document.setdefault("components", {})
    if components.get("securitySchemes"):
        return
    found = False
    for path, method, operation in operations(document):
        params = operation.get("parameters") or []
        kept = []
        for param in params:
            resolved = deref(document, param)
            if _is_bearer_header(resolved):
                found = True
                operation.setdefault("security", [{"bearerAuth": []}])
                context.notes.append(f"{join('/paths', path, method)}: Authorization header became bearer auth")
            else:
                kept.append(param)
        if len(kept) != len(params):
            operation["parameters"] = kept
    if found:
        components["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}


def _is_bearer_header(param: Any) -> bool:
    if not isinstance(param, dict) or param.get("in") != "header":
        return False
    if str(param.get("name", "")).lower() != "authorization":
        return False
    return "bearer" in str(param.get("description", "")).lower() or param.get("required") is True


def default_server(document: dict[str, Any], context: Context) -> None:
    """No `servers` (the seed has none): the base URL comes from configuration."""
    if document.get("servers") or not context.base_url:
        return
    document["servers"] = [{"url": context.base_url}]
    context.notes.append("/servers: base URL taken from configuration")


def sanitize_schemas(document: dict[str, Any], context: Context) -> None:
    """Schemas the models library would turn into code that fails to import or type-check:
    `default: yes` on a boolean, a `pattern` Python cannot compile, `maximum: ten`, control
    characters in a description, property names Python reads as one (see sanitize.py)."""
    from .sanitize import sanitize_schemas as repair  # sanitize reads this module's helpers

    repair(document, context.problems, context.where)


def name_tagged_variants(document: dict[str, Any], context: Context) -> None:
    """`anyOf: [{properties: {type: {const: bash_20250124}, ...}}, ...]` inline in `MessagesRequest.tools`
    would give classes `MessagesRequestTools1`, ...: each tagged member becomes a component named
    `MessagesRequestToolsBash20250124`, and the union refers to it (see variants.py)."""
    from .variants import name_tagged_variants as repair

    repair(document)


PASSES: list[Pass] = [
    unwrap_fern_enum_items,
    flatten_tags,
    nullable_types,
    annotated_refs,
    discriminate_literal_unions,
    streaming_flag,
    bearer_header_to_security,
    default_server,
    # Last: they repair the schemas as the passes above leave them.
    sanitize_schemas,
    name_tagged_variants,
]
