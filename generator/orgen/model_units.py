"""Model units: the model document cut into one unit per schema, so that an update regenerates
only the schemas whose classes can have changed.

A schema's classes (the schema's own and those of its inline parts) are written by the models library
from the schema itself and from a little of what it refers to: a referenced schema's name and kind,
its enum values (an enum default is written as a member) and, for a base (`allOf`), its properties;
and a union with a discriminator that lists the schema as a member rewrites the member's tag field.
A unit is the schema with exactly that context: referenced schemas as stubs (their own references
emptied, bases kept), and a stub of every discriminated union that names it. Generated from its unit
alone, a schema's classes read as they do generated with the whole document (tests hold that on a
year of real updates), so a unit whose key did not change keeps the classes the last build wrote.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .plan import SCHEMA_PREFIX

Schemas = dict[str, Any]
_BUILTINS = frozenset(dir(builtins))
_KIND = ("type", "nullable", "enum", "const", "format")
# Names of the discriminator stubs a unit carries (never the name of a class orgen keeps).
_UNION_STUB = "OrgenDiscriminatorStub"
_OTHER, _OTHER_TAG = "OrgenDiscriminatorStubMember", "orgen-stub-member"


@dataclass(frozen=True)
class Block:
    """One top-level class of models.py: its name, the names its statement reads when it runs, and its text."""

    name: str
    needs: tuple[str, ...]
    text: str


def unit_keys(schemas: Schemas) -> dict[str, str]:
    """Each schema's unit key: a hash of the schema and of the context its classes depend on."""
    unions = discriminated_unions(schemas)
    return {name: unit_key(schemas, name, unions) for name in schemas}


def unit_key(schemas: Schemas, name: str, unions: dict[str, list[dict[str, Any]]]) -> str:
    """One schema's unit key (see `unit_keys`); `unions`: `discriminated_unions(schemas)`."""
    return _hash(context(schemas, [name], unions))


def context(schemas: Schemas, names: Iterable[str], unions: dict[str, list[dict[str, Any]]] | None = None) -> Schemas:
    """The schemas to generate `names` from: those schemas as they are, and stubs of what they refer to."""
    chosen = list(names)
    unions = discriminated_unions(schemas) if unions is None else unions
    result: Schemas = {name: schemas[name] for name in chosen}
    # Bases and members of discriminated unions are read in full (fields, tags); other references
    # only by name and kind.
    heavy = sorted({ref for name in chosen for ref in _bases(schemas[name])})
    for member, tag in sorted({pair for name in chosen for pair in _members(schemas[name])}):
        if member in schemas and member not in result:
            result[member] = _tagged(schemas[member], tag)
            heavy.extend(sorted(_bases(schemas[member])))
    while heavy:
        name = heavy.pop()
        if name in result or name not in schemas:
            continue
        result[name] = _stub(schemas[name])
        heavy.extend(sorted(_bases(schemas[name])))
    for ref in sorted({ref for name in chosen for ref in _refs(schemas[name])} - set(result)):
        if ref in schemas:
            result[ref] = _kind(schemas[ref])
    for index, name in enumerate(chosen):
        for number, union in enumerate(unions.get(name, [])):
            result[f"{_UNION_STUB}{index}x{number}"] = union
            tag = union["discriminator"]["propertyName"]
            result[_OTHER] = {"type": "object", "properties": {tag: {"type": "string", "enum": [_OTHER_TAG]}}, "required": [tag]}
    return dict(sorted(result.items()))


def is_stub(name: str) -> bool:
    return name.startswith(_UNION_STUB)


def owner(ref: str, schemas: Schemas) -> str | None:
    """The schema whose unit a generated class belongs to, from the class's source `$ref`."""
    if not ref.startswith(SCHEMA_PREFIX):
        return None
    name = ref[len(SCHEMA_PREFIX) :].split("/", 1)[0]
    return name if name in schemas else None


def order(blocks: dict[str, list[Block]], schemas: Iterable[str]) -> list[Block]:
    """Classes in schema order, each schema's classes as generated; a class another one mentions
    (a base, a default's enum, a field's type) moves up before the first such class, as far as
    cycles allow."""
    flat = [block for name in schemas for block in blocks.get(name, [])]
    by_name = {block.name: block for block in flat}
    placed: set[str] = set()
    result: list[Block] = []

    def place(block: Block, path: frozenset[str]) -> None:
        if block.name in placed or block.name in path:
            return
        for need in block.needs:
            if need in by_name:
                place(by_name[need], path | {block.name})
        placed.add(block.name)
        result.append(block)

    for block in flat:
        place(block, frozenset())
    return result


def digest(parts: Iterable[str]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") + b"\0")
    return hasher.hexdigest()[:20]


def _hash(value: Any) -> str:
    return digest([json.dumps(value, sort_keys=True, default=str)])


def _stub(schema: Any) -> Any:
    """`schema` with its references emptied, except its bases (`allOf` references), which a
    subclass's text depends on."""
    if isinstance(schema, list):
        return [_stub(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$ref"), str):
        return {}
    return {
        key: [part if _is_ref(part) else _stub(part) for part in value] if key == "allOf" and isinstance(value, list) else _stub(value)
        for key, value in schema.items()
    }


def _kind(schema: Any) -> Any:
    """What a reference to `schema` reads of it: its type, nullability and values."""
    if not isinstance(schema, dict):
        return schema
    kept = {key: schema[key] for key in _KIND if key in schema}
    return kept or {"type": "object"}  # a union or a bare `allOf` is a class all the same


def _members(schema: Any) -> set[tuple[str, str]]:
    """The schemas named as members of the discriminated unions in `schema`, with the tag's property."""
    return {
        (name, str(node["discriminator"].get("propertyName")))
        for node in _nodes(schema)
        if isinstance(node.get("discriminator"), dict)
        for key in ("oneOf", "anyOf")
        if isinstance(node.get(key), list)
        for part in node[key]
        if _is_ref(part) and (name := _ref_name(part["$ref"])) is not None
    }


def _tagged(schema: Any, tag: str) -> Any:
    """What a discriminated union reads of a member: its kind, its tag property and its bases."""
    if not isinstance(schema, dict):
        return schema
    kept = _kind(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict) and tag in properties:
        kept["properties"] = {tag: _stub(properties[tag])}
        if isinstance(schema.get("required"), list) and tag in schema["required"]:
            kept["required"] = [tag]
    if isinstance(schema.get("allOf"), list):
        kept["allOf"] = [part if _is_ref(part) else _stub(part) for part in schema["allOf"]]
    return kept


def discriminated_unions(schemas: Schemas) -> dict[str, list[dict[str, Any]]]:
    """For each schema, stubs of the discriminated unions (anywhere in the document) listing it as a
    member: only the member and its tags, which is all the union changes in the member's class."""
    found: dict[str, list[dict[str, Any]]] = {}
    for node in _nodes(schemas):
        discriminator = node.get("discriminator")
        if not isinstance(discriminator, dict):
            continue
        members = [part for key in ("oneOf", "anyOf") if isinstance(node.get(key), list) for part in node[key] if _is_ref(part)]
        mapping: dict[str, Any] = discriminator["mapping"] if isinstance(discriminator.get("mapping"), dict) else {}
        for member in members:
            name = _ref_name(member["$ref"])
            if name is None:
                continue
            tags = {tag: ref for tag, ref in mapping.items() if ref == member["$ref"]}
            stub: dict[str, Any] = {"propertyName": discriminator.get("propertyName")}
            if tags:
                stub["mapping"] = {**tags, _OTHER_TAG: SCHEMA_PREFIX + _OTHER}
            # A union of one member is no union to the library: a second one stands in for the rest.
            found.setdefault(name, []).append({"oneOf": [{"$ref": member["$ref"]}, {"$ref": SCHEMA_PREFIX + _OTHER}], "discriminator": stub})
    return found


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refs(schema: Any) -> set[str]:
    return {name for node in _nodes(schema) if isinstance(node.get("$ref"), str) and (name := _ref_name(node["$ref"])) is not None}


def _bases(schema: Any) -> set[str]:
    found: set[str] = set()
    for node in _nodes(schema):
        for part in node.get("allOf") or [] if isinstance(node.get("allOf"), list) else []:
            if _is_ref(part) and (name := _ref_name(part["$ref"])) is not None:
                found.add(name)
    return found


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def _ref_name(ref: str) -> str | None:
    return ref[len(SCHEMA_PREFIX) :].split("/", 1)[0] if ref.startswith(SCHEMA_PREFIX) else None


# -- cutting generated source into units and putting it back together ----------------------------


@dataclass(frozen=True)
class Cut:
    """A models source cut by unit: its import header and each schema's classes."""

    header: str
    blocks: dict[str, list[Block]]
    refs: dict[str, list[str]]  # each schema's mentions of other schemas' inline parts' classes


def cut(source: str, owners: dict[str, str], schemas: Schemas, keep: Iterable[str]) -> Cut | None:
    """`source` cut into the classes of each schema in `keep` (stubs' classes dropped); None when
    it holds anything but imports and classes, or a class whose schema is unknown."""
    tree = ast.parse(source)
    lines = source.split("\n")
    body = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    if not body or not all(isinstance(node, ast.ClassDef) for node in body):
        return None
    kept = set(keep)
    imported = {(alias.asname or alias.name) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
    header = "\n".join(lines[: body[0].lineno - 1]).rstrip("\n")
    blocks: dict[str, list[Block]] = {}
    mentions: dict[str, set[str]] = {}
    inline: dict[str, str] = {}  # class of an inline part -> its schema, stubs' included
    for node in body:
        assert isinstance(node, ast.ClassDef)
        name = owner(owners.get(node.name, ""), schemas)
        if name is None:
            if any(is_stub(part) for part in owners.get(node.name, "").split("/")):
                continue
            return None
        if owners[node.name] != SCHEMA_PREFIX + name:
            inline[node.name] = name
        if name not in kept:
            continue
        needs = tuple(need for need in _needs(node) if need not in imported)
        blocks.setdefault(name, []).append(Block(node.name, needs, "\n".join(lines[node.lineno - 1 : node.end_lineno])))
        mentions.setdefault(name, set()).update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    refs = {name: sorted(n for n in found if inline.get(n, name) != name) for name, found in mentions.items()}
    # The library orders a schema's classes by what else it generates in the same run; by name (the
    # schema's own class last) they read the same in every run.
    for found in blocks.values():
        found.sort(key=lambda block: (block.name not in inline, block.name))
    return Cut(header, blocks, refs)


def _needs(node: ast.ClassDef) -> tuple[str, ...]:
    """The names a class mentions: its bases (`RootModel[A | B]`), defaults (`= Effort.low`) and
    field types. Defined first, they let pydantic finish the class as the module runs (a class
    whose field types come later stays unfinished until first used)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return tuple(sorted(names - {node.name} - _BUILTINS))


def assemble(header: str, blocks: list[Block]) -> str:
    """The models source: the header, then the classes two blank lines apart."""
    return header.rstrip("\n") + "\n" + "".join(f"\n\n{block.text.rstrip()}\n" for block in blocks)


def pieces_of(raw: str, formatted: str) -> dict[str, str]:
    """The formatted piece, by the key of the piece a class's `raw` text makes in an assembled
    file, wherever the class stands (see `assemble` and `format`)."""
    from .format import piece_key

    text, done = raw.rstrip() + "\n", formatted.rstrip() + "\n"
    return {piece_key(text + "\n\n"): done, piece_key(text): done}


def blocks_in(formatted: str, names: list[str]) -> dict[str, str] | None:
    """The text of each class in a models file written by an earlier build, whose classes were
    `names` in that order; None when the file does not read so."""
    parts = formatted.split("\n\n\nclass ")
    if len(parts) != len(names) + 1:
        return None
    found: dict[str, str] = {}
    for name, part in zip(names, parts[1:]):
        if not (part.startswith(name + "(") or part.startswith(name + ":")):
            return None
        found[name] = "class " + part.rstrip("\n")
    return found


def groups(classes: dict[str, list[str]], refs: dict[str, list[str]]) -> dict[str, str]:
    """Schemas whose classes the models library writes together, as schema -> the group's first schema.

    Two schemas' classes are tied when one mentions a class from the other's inline parts (the library
    wrote one class for both), or when one holds a name the library made unique against the other's
    (`UsageModel` beside `Usage`, `Tools1` beside `Tools`): generated apart, they would read otherwise.
    """
    parent = {name: name for name in classes}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def tie(one: str, other: str) -> None:
        first, second = sorted((find(one), find(other)))
        parent[second] = first

    owned = {cls: name for name, found in classes.items() for cls in found}
    for name, mentioned in refs.items():
        for cls in mentioned:
            other = owned.get(cls)
            if other is not None and other != name:
                tie(name, other)
    for name, found in classes.items():
        for cls in found:
            stem = re.sub(r"(Model|\d+)$", "", cls)
            other = owned.get(stem) if stem != cls else None
            if other is not None and other != name:
                tie(name, other)
    return {name: find(name) for name in sorted(classes)}
