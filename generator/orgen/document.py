"""The spec as one tree: merges a Markdown document's OpenAPI blocks and answers "where is this node?"."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load import Locator, Source, load_sources
from .pointer import join
from .problems import Problem, SpecError

# Parts of an OpenAPI document that several blocks may each contribute entries to.
_MERGED_SECTIONS = ("paths", "webhooks")


@dataclass
class Document:
    """The whole input as one tree, plus the origin of every subtree (file and line)."""

    root: dict[str, Any]
    path: Path
    origins: list[tuple[str, Locator, str]] = field(default_factory=list)
    referenced: list[Path] = field(default_factory=list)  # other files its `$ref`s brought in
    warnings: list[Problem] = field(default_factory=list)  # found while loading; reported with the build's

    def where(self, pointer: str) -> tuple[str, int | None]:
        """File and line of the node at `pointer` (or of its nearest located ancestor)."""
        file, line, _ = self.locate(pointer)
        return file, line

    def locate(self, pointer: str) -> tuple[str, int | None, str]:
        """File, line and pointer within that file of the node at `pointer`.

        A node brought in from another file by `$ref` lives elsewhere in this tree than in its
        file; the file's own pointer is the one its author can follow.
        """
        best: tuple[str, Locator, str] | None = None
        for prefix, locator, source_prefix in self.origins:
            if (pointer == prefix or pointer.startswith(prefix + "/") or not prefix) and (
                best is None or len(prefix) > len(best[0])
            ):
                best = (prefix, locator, source_prefix)
        if best is None:
            return str(self.path), None, pointer
        prefix, locator, source_prefix = best
        local = source_prefix + pointer[len(prefix) :]
        return locator.file, locator.line(local), local

    def problem(self, pointer: str, message: str, severity: str = "error") -> Problem:
        file, line, local = self.locate(pointer)
        return Problem(file, line, local, message, "warning" if severity == "warning" else "error")


def read_document(path: Path) -> Document:
    """Load `path` and merge its OpenAPI blocks (a plain file has exactly one)."""
    sources = load_sources(path)
    first = sources[0]
    if not isinstance(first.tree, dict):
        kind = type(first.tree).__name__
        raise SpecError([Problem(first.locator.file, first.locator.line(""), "", f"expected a mapping, found {kind}")])
    document = Document(root=first.tree, path=path, origins=[("", first.locator, "")])
    problems: list[Problem] = []
    for source in sources[1:]:
        _merge(document, source, problems)
    if problems:
        raise SpecError(problems)
    return document


def _merge(document: Document, source: Source, problems: list[Problem]) -> None:
    """Add one more block's paths and components; a name defined twice differently is an error."""
    tree = source.tree
    for section in _MERGED_SECTIONS:
        for name, value in (tree.get(section) or {}).items():
            _merge_entry(document, source, (section, name), value, problems)
    for kind, entries in (tree.get("components") or {}).items():
        if isinstance(entries, dict):
            for name, value in entries.items():
                _merge_entry(document, source, ("components", kind, name), value, problems)
    for key in ("servers", "security", "tags"):
        if key in tree and key not in document.root:
            document.root[key] = tree[key]
            document.origins.append((join("", key), source.locator, join("", key)))


def _merge_entry(
    document: Document, source: Source, tokens: tuple[str, ...], value: Any, problems: list[Problem]
) -> None:
    pointer = join("", *tokens)
    parent = document.root
    for token in tokens[:-1]:
        parent = parent.setdefault(token, {})
    name = tokens[-1]
    if name in parent:
        if _canonical(parent[name]) != _canonical(value):
            here_file, here_line = document.where(pointer)
            problems.append(
                Problem(
                    source.locator.file,
                    source.locator.line(pointer),
                    pointer,
                    f"defined again with different content (first defined at {here_file}:{here_line})",
                )
            )
        return
    parent[name] = value
    document.origins.append((pointer, source.locator, pointer))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
