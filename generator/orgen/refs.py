"""Refs: check every `$ref`, bring referenced files into the document, refuse unsafe or circular ones.

After this stage every `$ref` in the document is internal (`#/...`) and points at something that exists.
"""

from __future__ import annotations

import copy
import re
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


class _Resolver:
    def __init__(self, document: Document, allow_remote: bool) -> None:
        self.document = document
        self.root_dir = document.path.resolve().parent
        self.allow_remote = allow_remote
        self.problems: list[Problem] = []
        self.files: dict[Path, _External] = {}
        self.hoisted: dict[tuple[Path, str], str] = {}  # (file, pointer) -> internal ref

    def run(self) -> None:
        self._walk(self.document.root, "", None)
        self.document.referenced = sorted(self.files)
        if not self.problems:
            self._check_cycles()
        if self.problems:
            raise SpecError(self.problems)

    # -- walking ---------------------------------------------------------------------------------
    def _walk(self, node: Any, pointer: str, external: _External | None) -> None:
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
                self._report(where, external, f"remote $ref {ref!r} not fetched (orgen never makes network calls); its value is untyped", "warning")
                return None
            self._error(where, external, f"remote $ref {ref!r} refused; orgen reads only local files (or pass --allow-remote-refs to leave it untyped)")
            return ref
        if not target_file:
            if external is not None:  # a fragment inside a referenced file means that file
                return self._hoist(external, fragment, where)
            if fragment and not fragment.startswith("/"):
                self._error(where, None, f"$ref {ref!r} is not a JSON pointer")
                return ref
            try:
                follow(self.document.root, fragment)
            except KeyError:
                self._error(where, None, f"$ref target {ref!r} does not exist")
            return "#" + fragment
        loaded = self._load(target_file, where, external)
        if loaded is None:
            return ref
        return self._hoist(loaded, fragment, where)

    # -- external files --------------------------------------------------------------------------
    def _load(self, target: str, where: str, external: _External | None) -> _External | None:
        target = unquote(target)
        if PurePosixPath(target).is_absolute() or re.match(r"^[a-zA-Z]:[\\/]", target):
            self._error(where, external, f"$ref to absolute path {target!r} refused")
            return None
        base = external.path.parent if external else self.root_dir
        path = (base / target).resolve()
        if not path.is_relative_to(self.root_dir):
            self._error(where, external, f"$ref {target!r} points outside the spec's folder; refused")
            return None
        if path in self.files:
            return self.files[path]
        if not path.is_file():
            self._error(where, external, f"$ref file {target!r} does not exist")
            return None
        try:
            source = load_sources(path)[0]
        except SpecError as exc:
            self.problems.extend(exc.problems)
            return None
        loaded = _External(source.tree, source.locator, path)
        self.files[path] = loaded
        return loaded

    def _hoist(self, external: _External, fragment: str, where: str) -> str:
        """Copy the referenced node into this document and return the internal ref to it."""
        key = (external.path, fragment)
        if key in self.hoisted:
            return self.hoisted[key]
        try:
            node = follow(external.tree, fragment)
        except KeyError:
            self._error(where, external, f"$ref target {display_path(external.path)}#{fragment} does not exist")
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
            self._walk(section[name], target, external)
        return "#" + target

    def _error(self, where: str, external: _External | None, message: str) -> None:
        self._report(where, external, message, "error")

    def _report(self, where: str, external: _External | None, message: str, severity: Severity) -> None:
        # Nodes of a referenced file were placed in the document before their walk, so the
        # document knows their file and line too.
        problem = self.document.problem(join(where, "$ref"), message, severity)
        (self.problems if severity == "error" else self.document.warnings).append(problem)

    # -- cycles ----------------------------------------------------------------------------------
    def _check_cycles(self) -> None:
        """A ref whose chain of plain refs comes back to itself describes nothing."""
        for start in sorted(_ref_nodes(self.document.root)):
            seen = [start]
            current = start
            while True:
                node = follow(self.document.root, current)
                ref = node.get("$ref") if isinstance(node, dict) and len(node) == 1 else None
                if not isinstance(ref, str):
                    break
                current = ref[1:]
                if current in seen:
                    chain = " -> ".join(["#" + p for p in seen[seen.index(current) :]] + ["#" + current])
                    self.problems.append(self.document.problem(start, f"$ref cycle with no content: {chain}"))
                    return
                seen.append(current)


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
    _Resolver(document, allow_remote).run()
