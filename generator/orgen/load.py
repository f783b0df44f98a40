"""Load: read a YAML, JSON or Markdown file into a plain dict, keeping file:line for every node."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .pointer import escape, join
from .problems import Problem, SpecError

try:  # the C parser is several times faster; fall back quietly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# A YAML document may share nodes through anchors; expanded, a few lines can describe billions of
# nodes ("billion laughs"). Every later stage walks the expanded tree, so the expansion is bounded.
MAX_EXPANDED_NODES = 2_000_000

_FENCE = re.compile(r"^(```+|~~~+)[ \t]*(yaml|yml|json)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S | re.I)
_SCALARS = yaml.constructor.SafeConstructor()


@dataclass
class Locator:
    """Where each node of one loaded tree came from: JSON pointer -> line (1-based)."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)
    text: str | None = None  # for JSON, lines are found on demand from the text
    offset: int = 0

    def line(self, pointer: str) -> int | None:
        if self.text is not None and not self.lines:
            self.lines = _yaml_lines(self.text, self.offset)
        probe = pointer
        while True:
            if probe in self.lines:
                return self.lines[probe]
            if not probe:
                return None
            probe = probe.rsplit("/", 1)[0]


@dataclass
class Source:
    """One parsed file or fenced block: its tree and where its nodes are."""

    tree: Any
    locator: Locator


def display_path(path: Path) -> str:
    """The path as users typed it relative to the working folder, when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """Read a spec file as UTF-8, turning OS and encoding failures into one-line problems."""
    name = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(name, None, None, f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError([Problem(name, line, "", f"not UTF-8 text (byte {exc.start})")]) from None
    if not text.strip():
        raise SpecError([Problem(name, 1, "", "the file is empty")])
    return text


def load_sources(path: Path) -> list[Source]:
    """Parse `path` into one tree, or one per OpenAPI block of a Markdown document."""
    name = display_path(path)
    text = read_text(path)
    if path.suffix.lower() in {".md", ".markdown", ".txt"} or _looks_like_markdown(text):
        return _markdown_sources(name, text)
    return [parse_text(name, text, path.suffix.lower() == ".json")]


def parse_text(name: str, text: str, is_json: bool, offset: int = 0) -> Source:
    """Parse YAML or JSON text; `offset` is the line the text starts on inside its file."""
    if is_json:
        try:
            return Source(json.loads(text), Locator(name, text=text, offset=offset))
        except json.JSONDecodeError as exc:
            raise SpecError([Problem(name, exc.lineno + offset, "", f"invalid JSON: {exc.msg}")]) from None
        except RecursionError:
            raise SpecError([Problem(name, None, "", "JSON nested too deeply")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        raise SpecError([Problem(name, line, "", f"invalid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(name, None, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(name, None, "", "YAML nested too deeply")]) from None
    if node is None:
        raise SpecError([Problem(name, 1 + offset, "", "the document is empty")])
    expanded = _expanded_size(node)
    if expanded > MAX_EXPANDED_NODES:
        raise SpecError(
            [
                Problem(
                    name,
                    node.start_mark.line + 1 + offset,
                    "",
                    f"YAML anchors and aliases expand to over {MAX_EXPANDED_NODES:,} nodes; refusing to expand",
                )
            ]
        )
    locator = Locator(name, offset=offset)
    try:
        tree = _Builder(locator, offset).build(node, "")
    except RecursionError:
        raise SpecError([Problem(name, None, "", "YAML nested too deeply")]) from None
    return Source(tree, locator)


def _looks_like_markdown(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("---\n") and "```" in text or head.startswith("#")


def _markdown_sources(name: str, text: str) -> list[Source]:
    sources = []
    for match in _FENCE.finditer(text):
        body = match.group(3)
        offset = text.count("\n", 0, match.start(3))
        source = parse_text(name, body, match.group(2).lower() == "json", offset)
        if isinstance(source.tree, dict) and ("openapi" in source.tree or "swagger" in source.tree):
            sources.append(source)
    if not sources:
        raise SpecError([Problem(name, None, "", "no fenced yaml or json block holds an OpenAPI document")])
    return sources


def _expanded_size(root: yaml.Node) -> int:
    """Node count once every alias is expanded, computed on the shared graph without expanding."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if ready:
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Builder:
    """Turns composed YAML nodes into plain Python data, recording each node's line."""

    def __init__(self, locator: Locator, offset: int) -> None:
        self.lines = locator.lines
        self.offset = offset

    def build(self, node: yaml.Node, pointer: str) -> Any:
        self.lines.setdefault(pointer, node.start_mark.line + 1 + self.offset)
        if isinstance(node, yaml.MappingNode):
            _SCALARS.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = _key(self.build(key_node, pointer + "/~key"))
                result[key] = self.build(value_node, join(pointer, key))
            self.lines.pop(pointer + "/~key", None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{pointer}/{index}") for index, item in enumerate(node.value)]
        return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:str" or not tag.startswith("tag:yaml.org,2002:"):
        return str(node.value)
    if tag == "tag:yaml.org,2002:timestamp":  # a date in a spec is text (versions, examples)
        return str(node.value)
    if tag == "tag:yaml.org,2002:binary":
        return str(node.value)
    construct = _SCALARS.yaml_constructors.get(tag)
    return construct(_SCALARS, node) if construct else str(node.value)


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _yaml_lines(text: str, offset: int) -> dict[str, int]:
    """Lines for a JSON text, by reading it again as YAML (JSON is nearly a YAML subset)."""
    locator = Locator("", offset=offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is not None and _expanded_size(node) <= MAX_EXPANDED_NODES:
            _Builder(locator, offset).build(node, "")
    except (yaml.YAMLError, RecursionError, ValueError):
        return {"": 1 + offset}
    return locator.lines


__all__ = ["Locator", "Source", "display_path", "escape", "load_sources", "parse_text", "read_text"]
