"""Refs: check every `$ref`, bring referenced files into the document, refuse unsafe or circular ones.

After this stage every `$ref` in the document is internal (`#/...`) and points at something that exists.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .document import Document
from .load import Locator, display_path, load_sources
from .pointer import follow, join, split
from .problems import Problem, Severity, SpecError

_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass
class _External:
    """A file brought in by reference: its tree, where its nodes are, and its folder."""

    tree: Any
    locator: Locator
    path: Path


class _Report:
    """The problems of one resolution: errors refuse the document, warnings stay on it.

    Nodes of a referenced file were placed in the document before their walk, so the document
    knows their file and line too.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.add(where, message, "error")

    def add(self, where: str, message: str, severity: Severity) -> None:
        problem = self.document.problem(join(where, "$ref"), message, severity)
        (self.problems if severity == "error" else self.document.warnings).append(problem)


class _Resolver:
    """Rewrites every `$ref` to the internal ref that replaces it, walking what it brings in too."""

    def __init__(self, document: Document, allow_remote: bool, report: _Report) -> None:
        self.document = document
        self.allow_remote = allow_remote
        self.report = report
        self.imports = _Imports(document, report, self.walk)

    def walk(self, node: Any, pointer: str, external: _External | None) -> None:
        """Resolve each `$ref` in `node` (at `pointer`, of the file `external` or of the document)."""
        stack: list[tuple[Any, str]] = [(node, pointer)]
        while stack:
            current, where = stack.pop()
            if isinstance(current, dict):
                ref = current.get("$ref")
                if isinstance(ref, str):
                    resolved = self._resolve(ref, where, external)
                    if resolved is None:
                        del current["$ref"]
                    else:
                        current["$ref"] = resolved
                stack.extend((value, join(where, key)) for key, value in current.items() if key != "$ref")
            elif isinstance(current, list):
                stack.extend((value, f"{where}/{index}") for index, value in enumerate(current))

    def _resolve(self, ref: str, where: str, external: _External | None) -> str | None:
        """The internal ref that replaces `ref`; None drops it (an accepted remote ref)."""
        target_file, _, fragment = ref.partition("#")
        fragment = unquote(fragment)
        if _REMOTE.match(ref):
            # Never fetched: a build must not depend on (or leak the spec to) a network location.
            if self.allow_remote:
                self.report.add(where, f"remote $ref {ref!r} not fetched (orgen never makes network calls); its value is untyped", "warning")
                return None
            self.report.error(where, f"remote $ref {ref!r} refused; orgen reads only local files (or pass --allow-remote-refs to leave it untyped)")
            return ref
        if not target_file:
            if external is not None:  # a fragment inside a referenced file means that file
                return self.imports.hoist(external, fragment, where)
            if fragment and not fragment.startswith("/"):
                self.report.error(where, f"$ref {ref!r} is not a JSON pointer")
                return ref
            try:
                follow(self.document.root, fragment)
            except KeyError:
                self.report.error(where, f"$ref target {ref!r} does not exist")
            return "#" + fragment
        loaded = self.imports.load(target_file, where, external)
        if loaded is None:
            return ref
        return self.imports.hoist(loaded, fragment, where)


class _Imports:
    """Files brought in by reference, each read once and only from the spec's folder, and the nodes
    of them the document refers to, each copied once into its components."""

    def __init__(self, document: Document, report: _Report, walk: Callable[[Any, str, _External], None]) -> None:
        self.document = document
        self.root_dir = document.path.resolve().parent
        self.report = report
        self.walk = walk  # resolves the refs of a copied node in turn
        self.files: dict[Path, _External] = {}
        self.hoisted: dict[tuple[Path, str], str] = {}  # (file, pointer) -> internal ref

    def load(self, target: str, where: str, external: _External | None) -> _External | None:
        """The file `target` names (relative to the file `external`, or to the spec); None when refused."""
        target = unquote(target)
        if PurePosixPath(target).is_absolute() or re.match(r"^[a-zA-Z]:[\\/]", target):
            self.report.error(where, f"$ref to absolute path {target!r} refused")
            return None
        base = external.path.parent if external else self.root_dir
        path = (base / target).resolve()
        if not path.is_relative_to(self.root_dir):
            self.report.error(where, f"$ref {target!r} points outside the spec's folder; refused")
            return None
        if path in self.files:
            return self.files[path]
        if not path.is_file():
            self.report.error(where, f"$ref file {target!r} does not exist")
            return None
        try:
            source = load_sources(path)[0]
        except SpecError as exc:
            self.report.problems.extend(exc.problems)
            return None
        loaded = _External(source.tree, source.locator, path)
        self.files[path] = loaded
        return loaded

    def hoist(self, external: _External, fragment: str, where: str) -> str:
        """Copy the referenced node into this document and return the internal ref to it."""
        key = (external.path, fragment)
        if key in self.hoisted:
            return self.hoisted[key]
        try:
            node = follow(external.tree, fragment)
        except KeyError:
            self.report.error(where, f"$ref target {display_path(external.path)}#{fragment} does not exist")
            return "#" + fragment
        tokens = split(fragment)
        if len(tokens) == 3 and tokens[0] == "components":
            kind, name = tokens[1], tokens[2]
        else:
            kind = "schemas"
            name = tokens[-1] if tokens else external.path.stem
        section = self.document.root.setdefault("components", {}).setdefault(kind, {})
        name = _free_name(section, name, node)
        target = join("/components", kind, name)
        self.hoisted[key] = "#" + target
        if name not in section:
            section[name] = copy.deepcopy(node)
            self.document.origins.append((target, external.locator, fragment))
            self.walk(section[name], target, external)
        return "#" + target


def _cycle(document: Document) -> Problem | None:
    """A ref whose chain of plain refs comes back to itself describes nothing: the first such chain."""
    for start in sorted(_ref_nodes(document.root)):
        seen = [start]
        current = start
        while True:
            node = follow(document.root, current)
            ref = node.get("$ref") if isinstance(node, dict) and len(node) == 1 else None
            if not isinstance(ref, str):
                break
            current = ref[1:]
            if current in seen:
                chain = " -> ".join(["#" + p for p in seen[seen.index(current) :]] + ["#" + current])
                return document.problem(start, f"$ref cycle with no content: {chain}")
            seen.append(current)
    return None


def _ref_nodes(root: Any) -> set[str]:
    """Pointers of nodes that are nothing but a `$ref`."""
    found: set[str] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1 and isinstance(node.get("$ref"), str):
                found.add(where)
            stack.extend((value, join(where, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{where}/{index}") for index, value in enumerate(node))
    return found


def _free_name(section: dict[str, Any], name: str, node: Any) -> str:
    candidate, counter = name, 2
    while candidate in section and section[candidate] != node:
        candidate, counter = f"{name}{counter}", counter + 1
    return candidate


def resolve_refs(document: Document, allow_remote: bool = False) -> None:
    """Check and internalise every `$ref` of `document`, in place; raise SpecError on bad refs."""
    report = _Report(document)
    resolver = _Resolver(document, allow_remote, report)
    resolver.walk(document.root, "", None)
    document.referenced = sorted(resolver.imports.files)
    cycle = None if report.problems else _cycle(document)
    if cycle is not None:
        report.problems.append(cycle)
    if report.problems:
        raise SpecError(report.problems)
