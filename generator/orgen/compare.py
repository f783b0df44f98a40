"""Compare: what a spec update changes for the Python callers of the generated client.

Two surfaces (see `surface`) go in; a list of changes comes out, each with a level:

- `breaking`: code that type-checked and ran against the old client can fail against the new one;
- `non-breaking`: additions and changes old code cannot notice (a new method, a widened argument);
- `docs`: summaries, descriptions and examples only.

Every class of change and the reason for its level is in docs/spec-updates.md; the levels here
follow that table. Arguments and request-only models are read as inputs (narrowing breaks callers);
response-only models as outputs (widening breaks readers); a model used both ways as both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .surface import Surface
from .typerel import covers, members, plain

Level = Literal["breaking", "non-breaking", "docs"]
LEVELS: tuple[Level, ...] = ("breaking", "non-breaking", "docs")
Direction = frozenset[str]  # {"in"}, {"out"} or both
BOTH: Direction = frozenset({"in", "out"})
_WIRE_NOTE = "harmless to Python callers, but clients already installed {what}: upgrade them before the API sends it"
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")


class _Renames(dict[str, str]):
    """Old class name -> new class name, with each new class's bases (`parents`), which type
    comparisons need beside the renames to see a subclass as covered by its base."""

    def __init__(self, renames: Mapping[str, str], parents: Mapping[str, list[str]]) -> None:
        super().__init__(renames)
        self.parents = dict(parents)


@dataclass(frozen=True)
class Change:
    """One change of the client's surface, located by the Python name a user types."""

    level: Level
    kind: str
    where: str
    message: str
    operation_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"level": self.level, "kind": self.kind, "where": self.where}
        if self.operation_id is not None:
            data["operation_id"] = self.operation_id
        data["message"] = self.message
        return data


def compare(old: Surface, new: Surface) -> list[Change]:
    """Every change from `old` to `new`, breaking first, then by where it is."""
    parents = {name: list(model.get("bases", [])) for name, model in new["models"].items()}
    renames = _Renames(_renamed_models(old["models"], new["models"]), parents)
    directions = _directions(old)
    found = [
        *_client_changes(old, new),
        *_operation_changes(old["operations"], new["operations"], renames),
        *_model_changes(old["models"], new["models"], renames, directions),
        *_param_changes(old["params"], new["params"], renames, new["models"]),
    ]
    unique = {(c.level, c.where, c.kind, c.message): c for c in found}
    return sorted(unique.values(), key=lambda c: (LEVELS.index(c.level), c.where, c.kind, c.message))


def bump(changes: list[Change]) -> str:
    """`major` if anything breaks, `minor` if anything was added or changed, `patch` for docs, else `none`."""
    levels = {change.level for change in changes}
    if "breaking" in levels:
        return "major"
    if "non-breaking" in levels:
        return "minor"
    return "patch" if levels else "none"


def next_version(version: str, how: str) -> str:
    """`version` moved by a bump; below 1.0.0 a breaking change moves the minor and the rest the patch."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(.*)", version.strip())
    if how == "none":
        return version
    if not match:
        raise ValueError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups()[:3])
    if major == 0:
        how = {"major": "minor", "minor": "patch"}.get(how, how)
    if how == "major":
        return f"{major + 1}.0.0"
    if how == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


# -- the client as a whole ---------------------------------------------------------------------------


def _client_changes(old: Surface, new: Surface) -> Iterator[Change]:
    if old["package"] != new["package"]:
        yield Change("breaking", "package-renamed", new["package"], f"the package is now imported as `{new['package']}` (was `{old['package']}`)")
    if old["client"] != new["client"]:
        yield Change("breaking", "client-renamed", new["client"], f"the client class is now `{new['client']}` / `Async{new['client']}` (was `{old['client']}`)")
    client = new["client"]
    if old["base_url"] != new["base_url"]:
        yield Change("non-breaking", "base-url-changed", f"{client}(base_url=)", f"the default base URL is now {new['base_url']} (was {old['base_url']})")
    old_auth, new_auth = old["auth"], new["auth"]
    if old_auth is None and new_auth is not None:
        yield Change("breaking", "auth-added", f"{client}(api_key=)", "the client now authenticates every call: it needs an API key" + (f" (`{new_auth['env']}`)" if new_auth.get("env") else ""))
    elif old_auth is not None and new_auth is None:
        yield Change("non-breaking", "auth-removed", f"{client}(api_key=)", "the client no longer sends an API key")
    elif old_auth is not None and new_auth is not None:
        if old_auth.get("env") != new_auth.get("env"):
            yield Change("breaking", "auth-env-changed", f"{client}(api_key=)", f"the API key is now read from `{new_auth.get('env')}` (was `{old_auth.get('env')}`)")
        if (old_auth["header"], old_auth["scheme"]) != (new_auth["header"], new_auth["scheme"]):
            yield Change("non-breaking", "auth-header-changed", f"{client}(api_key=)", f"the key is now sent in `{new_auth['header']}`" + (f" as `{new_auth['scheme']} …`" if new_auth["scheme"] else "") + "; " + _WIRE_NOTE.format(what="send it the old way"))
    for option in sorted(set(old["client_options"]) - set(new["client_options"])):
        yield Change("breaking", "client-option-removed", f"{client}({option}=)", f"client option `{option}` was removed")
    for option in sorted(set(new["client_options"]) - set(old["client_options"])):
        yield Change("non-breaking", "client-option-added", f"{client}({option}=)", f"new client option `{option}`")


# -- operations ----------------------------------------------------------------------------------------


def _operation_changes(old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames) -> Iterator[Change]:
    old_resources = {call.split(".")[0] for call in old}
    new_resources = {call.split(".")[0] for call in new}
    for resource in sorted(old_resources - new_resources):
        yield Change("breaking", "resource-removed", f"client.{resource}", f"resource `client.{resource}` was removed with all its methods")
    for resource in sorted(new_resources - old_resources):
        yield Change("non-breaking", "resource-added", f"client.{resource}", f"new resource `client.{resource}`")
    new_by_id = {op["operation_id"]: call for call, op in new.items()}
    moved: dict[str, str] = {}  # new call -> old call, for operations that only changed their name
    for call in sorted(set(old) - set(new)):
        operation_id = old[call]["operation_id"]
        target = new_by_id.get(operation_id)
        if target is not None and target not in old:
            moved[target] = call
            yield Change("breaking", "operation-renamed", f"client.{call}", f"`client.{call}` is now `client.{target}`", operation_id)
        else:
            yield Change("breaking", "operation-removed", f"client.{call}", f"`client.{call}` ({old[call]['http']}) was removed", operation_id)
    for call in sorted(set(new) - set(old) - set(moved)):
        yield Change("non-breaking", "operation-added", f"client.{call}", f"new method `client.{call}` ({new[call]['http']})", new[call]["operation_id"])
    for target, call in sorted(moved.items()):
        yield from _operation(target, old[call], new[target], renames)
    for call in sorted(set(old) & set(new)):
        yield from _operation(call, old[call], new[call], renames)


def _operation(call: str, old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames) -> Iterator[Change]:
    where, op_id = f"client.{call}", new["operation_id"]

    def change(level: Level, kind: str, at: str, message: str) -> Change:
        return Change(level, kind, at, message, op_id)

    if old["http"] != new["http"]:
        yield change("non-breaking", "operation-endpoint-changed", where, f"`{where}` now calls {new['http']} (was {old['http']}); " + _WIRE_NOTE.format(what="call the old endpoint").replace(": upgrade them before the API sends it", ""))
    if not old["deprecated"] and new["deprecated"]:
        yield change("non-breaking", "operation-deprecated", where, f"`{where}` is deprecated")
    elif old["deprecated"] and not new["deprecated"]:
        yield change("non-breaking", "operation-undeprecated", where, f"`{where}` is no longer deprecated")
    for key, what in (("summary", "summary"), ("doc", "description")):
        if old[key] != new[key]:
            yield change("docs", f"operation-{what}-changed", where, f"the {what} of `{where}` changed")
    yield from _arguments(where, old["params"], new["params"], renames, change)
    yield from (change(*found) for found in _type_change(where, f"the return type of `{where}`", old["returns"], new["returns"], frozenset({"out"}), renames))
    yield from _stream(where, old["stream"], new["stream"], renames, change)
    old_errors, new_errors = old["errors"], new["errors"]
    for status in sorted(set(old_errors) | set(new_errors)):
        before, after = old_errors.get(status), new_errors.get(status)
        if before is not None and after is not None and plain(before, renames) == plain(after):
            continue
        described = "no longer declares a body" if after is None else f"parses into `{plain(after)}`"
        yield change("non-breaking", "error-changed", where, f"`{where}`: a {status} error's `.data` {described}" + ("" if before is None else f" (was `{plain(before)}`)") + "; the exception class is the same")
    yield from _pager(call, old["pager"], new["pager"], renames, change)


def _arguments(where: str, old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames, change: Any) -> Iterator[Change]:
    for name in sorted(set(old) - set(new)):
        yield change("breaking", "argument-removed", f"{where}({name}=)", f"argument `{name}` of `{where}` was removed")
    for name in sorted(set(new) - set(old)):
        param = new[name]
        if param["required"]:
            yield change("breaking", "argument-added-required", f"{where}({name}=)", f"`{where}` needs a new argument `{name}`: {plain(param['type'])}")
        else:
            yield change("non-breaking", "argument-added", f"{where}({name}=)", f"`{where}` takes a new optional argument `{name}`: {plain(param['type'])}")
    for name in sorted(set(old) & set(new)):
        before, after, at = old[name], new[name], f"{where}({name}=)"
        if not before["required"] and after["required"]:
            yield change("breaking", "argument-now-required", at, f"argument `{name}` of `{where}` is now required")
        elif before["required"] and not after["required"]:
            yield change("non-breaking", "argument-now-optional", at, f"argument `{name}` of `{where}` is now optional")
        yield from (change(*found) for found in _type_change(at, f"argument `{name}` of `{where}`", before["type"], after["type"], frozenset({"in"}), renames))
        if not before["deprecated"] and after["deprecated"]:
            yield change("non-breaking", "argument-deprecated", at, f"argument `{name}` of `{where}` is deprecated")
        if (before["in"], before["wire"]) != (after["in"], after["wire"]):
            yield change("non-breaking", "argument-wire-changed", at, f"argument `{name}` is now sent as {after['in']} `{after['wire']}` (was {before['in']} `{before['wire']}`)")
        if before["doc"] != after["doc"]:
            yield change("docs", "argument-description-changed", at, f"the description of argument `{name}` of `{where}` changed")


def _stream(where: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, renames: _Renames, change: Any) -> Iterator[Change]:
    if old is None and new is not None:
        if new["flag"]:
            yield change("non-breaking", "streaming-added", f"{where}({new['flag']}=)", f"`{where}({new['flag']}=True)` now streams `{plain(new['event'])}` events")
        else:
            yield change("breaking", "streaming-added", where, f"`{where}` now always returns a stream of `{plain(new['event'])}`")
    elif old is not None and new is None:
        yield change("breaking", "streaming-removed", where if not old["flag"] else f"{where}({old['flag']}=)", f"`{where}` no longer streams")
    elif old is not None and new is not None:
        if old["flag"] != new["flag"]:
            yield change("breaking", "streaming-changed", where, f"`{where}` streams " + (f"with `{new['flag']}=True`" if new["flag"] else "always") + " (was " + (f"with `{old['flag']}=True`" if old["flag"] else "always") + ")")
        yield from (change(*found) for found in _type_change(where, f"the stream events of `{where}`", old["event"], new["event"], frozenset({"out"}), renames))


def _pager(call: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, renames: _Renames, change: Any) -> Iterator[Change]:
    resource = call.split(".")[0]
    if old is not None and (new is None or new["method"] != old["method"]):
        yield change("breaking", "pager-removed", f"client.{resource}.{old['method']}", f"`client.{resource}.{old['method']}` was removed")
    if new is not None and (old is None or new["method"] != old["method"]):
        yield change("non-breaking", "pager-added", f"client.{resource}.{new['method']}", f"new iterator `client.{resource}.{new['method']}` over every page of `client.{call}`")
    if old is not None and new is not None and old["method"] == new["method"]:
        yield from (change(*found) for found in _type_change(f"client.{resource}.{new['method']}", f"the items of `client.{resource}.{new['method']}`", old["item"], new["item"], frozenset({"out"}), renames))


# -- types ----------------------------------------------------------------------------------------------


def _type_change(where: str, what: str, old: str, new: str, direction: Direction, renames: _Renames) -> Iterator[tuple[Level, str, str, str]]:
    """(level, kind, where, message) for a changed annotation read in `direction`, if it changed."""
    if old == new:  # a renamed class is gone from the new surface: an equal text names the same types
        return
    before, after = plain(old, renames), plain(new)
    if before == after or members(before) == members(after):
        return
    parents = renames.parents
    wider, narrower = covers(after, before, parents), covers(before, after, parents)
    shown = f"{what} {_delta(before, after)}"
    if "in" in direction and not wider:
        yield "breaking", "type-narrowed" if narrower else "type-changed", where, f"{shown}: values accepted before are refused now"
        return
    if "out" in direction and not narrower:
        added = set(members(after)) - set(members(before))
        if wider and "None" not in added and all(_is_variant(member) for member in added):
            yield "non-breaking", "type-widened", where, f"{shown}; " + _WIRE_NOTE.format(what="cannot parse the new values")
        else:
            kind = "now-nullable" if wider and added == {"None"} else "type-widened" if wider else "type-changed"
            yield "breaking", kind, where, f"{shown}: code that reads it may meet values it did not expect"
        return
    yield "non-breaking", "type-widened" if wider else "type-narrowed", where, shown


def _delta(before: str, after: str) -> str:
    """How an annotation changed, short enough to read: whole types when short, else the members
    that came and went (inside a list or sequence when only its items changed)."""
    if len(before) + len(after) <= 120:
        return f"is now `{after}` (was `{before}`)"
    added = [m for m in members(after) if m not in members(before)]
    removed = [m for m in members(before) if m not in members(after)]
    if len(added) == len(removed) == 1:
        inner = _item_type(removed[0]), _item_type(added[0])
        if inner[0] is not None and inner[1] is not None:
            return "(its items) " + _delta(inner[0], inner[1])
    parts = ([f"now also takes {_listed(added)}"] if added else []) + ([f"no longer takes {_listed(removed)}"] if removed else [])
    return "; ".join(parts) or f"is now `{after}`"


def _item_type(member: str) -> str | None:
    """`X` of `list[X]` or `Sequence[X]`, else None."""
    match = re.fullmatch(r"(?:list|Sequence)\[(.*)\]", member)
    return match.group(1) if match else None


def _listed(names: list[str], most: int = 6) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _is_variant(member: str) -> bool:
    """A union member whose addition old readers can tolerate: a model class or a literal value."""
    return member.startswith("Literal[") or (member[:1].isupper() and member.isidentifier())


# -- models ---------------------------------------------------------------------------------------------


def _renamed_models(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """old name -> new name for classes that left under one name and arrived, unchanged, under another.

    Matched in rounds, so a class whose fields refer to another renamed class is found too."""
    renames: dict[str, str] = {}
    gone = sorted(set(old) - set(new))
    arrived = sorted(set(new) - set(old))
    for _ in range(4):
        by_shape: dict[str, list[str]] = {}
        for name in arrived:
            if name not in renames.values():
                by_shape.setdefault(_shape(new[name], {}), []).append(name)
        found = False
        for name in gone:
            if name in renames:
                continue
            candidates = by_shape.get(_shape(old[name], renames), [])
            if len(candidates) == 1:
                renames[name] = candidates.pop()
                renames[name + "Param"] = renames[name] + "Param"
                found = True
        if not found:
            break
    return renames


def _shape(model: Mapping[str, Any], renames: Mapping[str, str]) -> str:
    """A model without its prose, with class names as they are now: equal shapes are the same class."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("doc", "examples")}
        if isinstance(value, str):
            return plain(value, renames)
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return json.dumps(strip(dict(model)), sort_keys=True)


def _directions(surface: Surface) -> dict[str, Direction]:
    """Which way each model travels: in (arguments), out (results, events, errors) or both.

    Read from the old surface: what matters is how code written against it used each model."""
    models: Mapping[str, Any] = surface["models"]
    roots: dict[str, set[str]] = {"in": set(), "out": set()}
    for op in surface["operations"].values():
        for param in op["params"].values():
            roots["in"].update(_names(param["type"]))
        out = [op["returns"], *op["errors"].values()]
        out += [op["stream"]["event"]] if op["stream"] else []
        out += [op["pager"]["item"]] if op["pager"] else []
        for annotation in out:
            roots["out"].update(_names(annotation))
    found: dict[str, set[str]] = {}
    for direction, names in roots.items():
        pending = [name.removesuffix("Param") for name in names]
        while pending:
            name = pending.pop()
            if name not in models or direction in found.setdefault(name, set()):
                continue
            found[name].add(direction)
            pending.extend(_model_references(models[name]))
    # A model no call takes or returns reaches callers only through their own code, which builds it.
    return {name: frozenset(found.get(name) or {"in"}) for name in models}


def _names(annotation: str) -> set[str]:
    return set(_NAME.findall(plain(annotation)))


def _model_references(model: Mapping[str, Any]) -> set[str]:
    names = set(model.get("bases", []))
    if model["kind"] == "root":
        names |= _names(model["type"])
    for field in model.get("fields", {}).values():
        names |= _names(field["type"])
    return names


def _fields(models: Mapping[str, Any], name: str, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A model's fields with those it inherits from its bases."""
    model = models.get(name)
    if model is None or model["kind"] != "object" or name in seen:
        return {}
    fields: dict[str, Any] = {}
    for base in model["bases"]:
        fields.update(_fields(models, base, seen | {name}))
    fields.update(model["fields"])
    return fields


def _model_changes(old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames, directions: Mapping[str, Direction]) -> Iterator[Change]:
    for name in sorted(set(old) - set(new)):
        if name in renames:
            yield Change("breaking", "model-renamed", f"models.{name}", f"`models.{name}` is now `models.{renames[name]}` (same fields); the old name is gone")
        else:
            yield Change("breaking", "model-removed", f"models.{name}", f"`models.{name}` was removed")
    arrived = set(renames.values())
    for name in sorted(set(new) - set(old) - arrived):
        yield Change("non-breaking", "model-added", f"models.{name}", f"new model `models.{name}`")
    for name in sorted(set(old) & set(new)):
        yield from _model(name, old, new, renames, directions.get(name, BOTH))


def _model(name: str, old_models: Mapping[str, Any], new_models: Mapping[str, Any], renames: _Renames, direction: Direction) -> Iterator[Change]:
    old, new, where = old_models[name], new_models[name], f"models.{name}"
    if old["kind"] != new["kind"]:
        yield Change("breaking", "model-kind-changed", where, f"`{where}` is now {_KIND[new['kind']]} (was {_KIND[old['kind']]})")
        return
    if old["doc"] != new["doc"]:
        yield Change("docs", "model-description-changed", where, f"the description of `{where}` changed")
    if old["kind"] == "enum":
        yield from _enum(where, old["members"], new["members"], direction)
    elif old["kind"] == "root":
        yield from (Change(*found) for found in _type_change(where, f"the type of `{where}`", old["type"], new["type"], direction, renames))
        yield from _discriminator(where, old.get("discriminator"), new.get("discriminator"))
        if old.get("examples") != new.get("examples"):
            yield Change("docs", "examples-changed", where, f"the examples of `{where}` changed")
    else:
        for base in sorted(set(old["bases"]) - {renames.get(b, b) for b in new["bases"]} - set(new["bases"])):
            yield Change("breaking", "model-base-removed", where, f"`{where}` no longer derives from `models.{base}`")
        yield from _object_fields(where, _fields(old_models, name), _fields(new_models, name), renames, direction)


_KIND = {"enum": "an enum", "root": "a union or alias (RootModel)", "object": "a model with fields"}


def _enum(where: str, old: Mapping[str, str], new: Mapping[str, str], direction: Direction) -> Iterator[Change]:
    for member in sorted(set(old) - set(new)):
        yield Change("breaking", "enum-value-removed", f"{where}.{member}", f"`{where}.{member}` ({old[member]}) was removed")
    for member in sorted(set(new) - set(old)):
        note = "" if direction == frozenset({"in"}) else "; harmless to clients already installed: they parse it as a value their enum does not list"
        yield Change("non-breaking", "enum-value-added", f"{where}.{member}", f"new value `{where}.{member}` ({new[member]}){note}")
    for member in sorted(set(old) & set(new)):
        if old[member] != new[member]:
            yield Change("breaking", "enum-value-changed", f"{where}.{member}", f"`{where}.{member}` is now {new[member]} (was {old[member]})")


def _discriminator(where: str, old: str | None, new: str | None) -> Iterator[Change]:
    if old == new:
        return
    if old is None:
        yield Change("non-breaking", "discriminator-added", where, f"`{where}` now picks its member by the `{new}` field")
    else:
        yield Change("breaking", "discriminator-changed", where, f"`{where}` " + (f"now picks its member by `{new}`" if new else "no longer has a discriminator") + f" (was `{old}`): values may parse into other members")


def _object_fields(where: str, old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames, direction: Direction) -> Iterator[Change]:
    reads, writes = "out" in direction, "in" in direction
    for name in sorted(set(old) - set(new)):
        yield Change("breaking", "field-removed", f"{where}.{name}", f"field `{where}.{name}` was removed")
    for name in sorted(set(new) - set(old)):
        field = new[name]
        if field["required"] and writes:
            yield Change("breaking", "field-added-required", f"{where}.{name}", f"`{where}` needs a new field `{name}`: {plain(field['type'])}")
        else:
            yield Change("non-breaking", "field-added", f"{where}.{name}", f"new field `{where}.{name}`: {plain(field['type'])}")
    for name in sorted(set(old) & set(new)):
        before, after, at = old[name], new[name], f"{where}.{name}"
        if not before["required"] and after["required"]:
            level: Level = "breaking" if writes else "non-breaking"
            yield Change(level, "field-now-required", at, f"field `{at}` is now required")
        elif before["required"] and not after["required"]:
            yield Change("non-breaking", "field-now-optional", at, f"field `{at}` may now be left out" + ("; when the API leaves it out it reads as its default" if reads else ""))
        yield from (Change(*found) for found in _type_change(at, f"the type of `{at}`", before["type"], after["type"], direction, renames))
        if before.get("alias") != after.get("alias"):
            yield Change("non-breaking", "field-wire-name-changed", at, f"field `{at}` is now `{after.get('alias') or name}` on the wire (was `{before.get('alias') or name}`)")
        yield from _discriminator(at, before.get("discriminator"), after.get("discriminator"))
        if before.get("default") != after.get("default") and not (before["required"] or after["required"]):
            yield Change("non-breaking", "field-default-changed", at, f"the default of `{at}` is now {after.get('default')} (was {before.get('default')})")
        if before.get("doc") != after.get("doc"):
            yield Change("docs", "field-description-changed", at, f"the description of `{at}` changed")
        if before.get("examples") != after.get("examples"):
            yield Change("docs", "examples-changed", at, f"the examples of `{at}` changed")


# -- request TypedDicts -------------------------------------------------------------------------------------


def _param_changes(old: Mapping[str, Any], new: Mapping[str, Any], renames: _Renames, models: Mapping[str, Any]) -> Iterator[Change]:
    for name in sorted(set(old) - set(new)):
        if name in renames:
            yield Change("breaking", "model-renamed", f"params.{name}", f"`params.{name}` is now `params.{renames[name]}` (same keys); the old name is gone")
        else:
            yield Change("breaking", "model-removed", f"params.{name}", f"`params.{name}` was removed")
    for name in sorted(set(new) - set(old) - set(renames.values())):
        yield Change("non-breaking", "model-added", f"params.{name}", f"new request shape `params.{name}`")
    for name in sorted(set(old) & set(new)):
        if name.removesuffix("Param") in models:
            continue  # the model of the same name reports the same fields
        where = f"params.{name}"
        before_fields, after_fields = old[name]["fields"], new[name]["fields"]
        for key in sorted(set(before_fields) - set(after_fields)):
            yield Change("breaking", "field-removed", f"{where}[{key!r}]", f"key `{key}` of `{where}` was removed")
        for key in sorted(set(after_fields) - set(before_fields)):
            required = after_fields[key]["required"]
            yield Change("breaking" if required else "non-breaking", "field-added-required" if required else "field-added", f"{where}[{key!r}]", f"`{where}` " + ("needs" if required else "takes") + f" a new key `{key}`")
        for key in sorted(set(before_fields) & set(after_fields)):
            before, after, at = before_fields[key], after_fields[key], f"{where}[{key!r}]"
            if not before["required"] and after["required"]:
                yield Change("breaking", "field-now-required", at, f"key `{key}` of `{where}` is now required")
            yield from (Change(*found) for found in _type_change(at, f"the type of `{at}`", before["type"], after["type"], frozenset({"in"}), renames))
