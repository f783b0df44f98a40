"""Load: read a YAML, JSON or Markdown file into a plain dict, keeping file:line for every node."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # defined in C, missing from typeshed
from pathlib import Path
from typing import Any

import yaml

from . import guard
from .pointer import escape, join, split
from .problems import Problem, SpecError

try:  # the C parser is several times faster; fall back quietly where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# A YAML document may share nodes through anchors; expanded, a few lines can describe billions of
# nodes ("billion laughs"). Every later stage walks the expanded tree, so the expansion is bounded.
MAX_EXPANDED_NODES = 2_000_000

# Where an anchor may stand: at the start of a node, after whitespace or a flow indicator.
# Without one the document has no aliases, so its expanded size is just its node count.
_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?-])&[^\s\[\]{},]", re.M)
_FENCE = re.compile(r"^(```+|~~~+)[ \t]*(yaml|yml|json)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S | re.I)
_SCALARS = yaml.constructor.SafeConstructor()
_SPACE = re.compile(r"[ \t\n\r]*")
# A `\uD800`-`\uDFFF` escape (after an even run of backslashes) that is not part of a high-low pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


@dataclass
class Locator:
    """Where each node of one loaded tree came from: JSON pointer -> line (1-based)."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)
    text: str | None = None  # for JSON, lines are found on demand from the text
    offset: int = 0
    _json: _JsonIndex | None = field(default=None, repr=False, compare=False)

    def line(self, pointer: str) -> int | None:
        if self.text is not None:
            if self._json is None:
                self._json = _JsonIndex(self.text)
            return self._json.line(pointer) + self.offset
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
    suffix = path.suffix.lower()
    # Sniff only files whose name does not say what they are: a YAML spec may open with a `#` comment.
    if suffix in {".md", ".markdown", ".txt"} or suffix not in {".yaml", ".yml", ".json"} and _looks_like_markdown(text):
        return _markdown_sources(name, text)
    return [parse_text(name, text, suffix == ".json")]


def parse_text(name: str, text: str, is_json: bool, offset: int = 0) -> Source:
    """Parse YAML or JSON text; `offset` is the line the text starts on inside its file."""
    if is_json:
        try:
            source = Source(json.loads(text), Locator(name, text=text, offset=offset))
        except json.JSONDecodeError as exc:
            raise SpecError([Problem(name, exc.lineno + offset, "", f"invalid JSON: {exc.msg}")]) from None
        except ValueError:  # Python refuses to read integers of thousands of digits
            long = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", text)
            line = text.count("\n", 0, long.start()) + 1 + offset if long else None
            raise SpecError([Problem(name, line, "", "invalid JSON: a number has too many digits")]) from None
        except RecursionError:
            source = None
        if source is None:
            pointer, line = guard.json_too_deep(text) or ("", 0)
            raise SpecError([Problem(name, (line or None) and line + offset, pointer, guard.message())])
        path = guard.tree_too_deep(source.tree)
        if path is not None:
            line = source.locator.line(join("", *path))
            raise SpecError([Problem(name, line, guard.shown(path), guard.message())])
        if _SURROGATE_ESCAPE.search(text) and (lone := _LONE_SURROGATE.search(text)):
            # JSON may escape half of a UTF-16 pair on its own; it is no character, and no file can hold it.
            line = text.count("\n", 0, lone.start()) + 1 + offset
            raise SpecError([Problem(name, line, "", f"invalid JSON: {lone.group(1)} is half of a surrogate pair, not a character")])
        return source
    try:
        # libyaml composes recursively in C: a document nested too deeply would crash the process
        deep = guard.yaml_too_deep(text, _Loader)
        node = None if deep else yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        raise SpecError([Problem(name, line, "", f"invalid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(name, None, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(name, None, "", "YAML nested too deeply")]) from None
    if deep:
        raise SpecError([Problem(name, deep[1] + offset, deep[0], guard.message())])
    if node is None:
        raise SpecError([Problem(name, 1 + offset, "", "the document is empty")])
    try:
        if _ANCHOR.search(text):
            _expanded_size(node)
    except _RecursiveAlias as exc:
        line = exc.node.start_mark.line + 1 + offset
        raise SpecError([Problem(name, line, "", "a YAML alias refers to a node that contains it; refusing to expand it")]) from None
    except _TooLarge as exc:  # reported where the expansion crosses the bound: the bomb itself
        raise SpecError(
            [
                Problem(
                    name,
                    exc.node.start_mark.line + 1 + offset,
                    "",
                    f"YAML anchors and aliases expand to over {MAX_EXPANDED_NODES:,} nodes; refusing to expand",
                )
            ]
        ) from None
    locator = Locator(name, offset=offset)
    try:
        tree = _Builder(locator, offset).build(node, "")
    except RecursionError:
        pointer, line = guard.yaml_node_too_deep(node) or ("", None)
        raise SpecError([Problem(name, line and line + offset, pointer, guard.message())]) from None
    except _BadScalar as exc:
        bad = exc.node
        kind = bad.tag.rsplit(":", 1)[-1]
        raise SpecError([Problem(name, bad.start_mark.line + 1 + offset, exc.pointer, f"invalid YAML: cannot read {_excerpt(bad.value)} as {kind}")]) from None
    if (path := guard.tree_too_deep(tree)) is not None:
        raise SpecError([Problem(name, locator.line(join("", *path)), guard.shown(path), guard.message())])
    if len(locator.lines) > MAX_EXPANDED_NODES:  # a document this large needs no anchors to be too large
        raise SpecError([Problem(name, node.start_mark.line + 1 + offset, "", f"the document has over {MAX_EXPANDED_NODES:,} nodes; refusing to read it")])
    return Source(tree, locator)


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


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
    """Node count once every alias is expanded, computed on the shared graph without expanding.

    Raises `_TooLarge` at the first node whose expansion passes the bound and `_RecursiveAlias`
    when an alias points back into its own anchor (a graph with a cycle expands forever).
    """
    sizes: dict[int, int] = {}
    started: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if ready:
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            if total > MAX_EXPANDED_NODES:
                raise _TooLarge(node)
            sizes[key] = total
            continue
        # Depth first: a node met again while its own children are pending is its own descendant.
        if key in started:
            raise _RecursiveAlias(node)
        started.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


class _TooLarge(Exception):
    """The first node (children before parents) whose expansion has more nodes than allowed."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


class _RecursiveAlias(Exception):
    """An anchored node contains an alias to itself (`&a [*a]`): it has no finite expansion."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


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
        try:
            return _scalar(node)
        except _BadScalar as exc:
            exc.pointer = pointer
            raise


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:str" or not tag.startswith("tag:yaml.org,2002:"):
        return str(node.value)
    if tag == "tag:yaml.org,2002:timestamp":  # a date in a spec is text (versions, examples)
        return str(node.value)
    if tag == "tag:yaml.org,2002:binary":
        return str(node.value)
    construct = _SCALARS.yaml_constructors.get(tag)
    try:
        return construct(_SCALARS, node) if construct else str(node.value)
    except (ValueError, KeyError, TypeError, yaml.YAMLError):  # `!!int abc`, an int of 5,000 digits
        raise _BadScalar(node) from None


class _BadScalar(Exception):
    """A scalar whose tag (explicit, or implied by its spelling) its text does not fit."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node
        self.pointer = ""


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


class _JsonIndex:
    """Lines of nodes in a JSON text, found by walking only the path to each node.

    Keys are read with the C string scanner and sibling values skipped with the C decoder. Each
    object or array remembers the members scanned so far, so all lookups together decode the text
    at most once; a spec that raises no problem never pays for any of it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        # container position -> (member position by key or index, scan state: (position, at a value) or None when done)
        self.members: dict[int, tuple[dict[str, int], list[Any]]] = {}
        self.root = _skip_space(text, 0)

    def line(self, pointer: str) -> int:
        """Line of the node at `pointer`, or of its nearest existing ancestor."""
        found = self.root
        try:
            for token in split(pointer):
                child = self._child(found, token)
                if child is None:
                    break
                found = child
        except (ValueError, IndexError):  # not the JSON that was parsed: keep the deepest line found
            pass
        return self.text.count("\n", 0, found) + 1

    def _child(self, pos: int, token: str) -> int | None:
        text = self.text
        opening = text[pos]
        if opening not in "{[":
            return None
        if pos not in self.members:
            self.members[pos] = ({}, [_skip_space(text, pos + 1), False])
        known, state = self.members[pos]
        key = token if opening == "{" or token.isdigit() else None
        if key is None:
            return None
        while key not in known and state:
            at, on_value = state
            if on_value:  # skip the value whose key (or index) is recorded, and the comma after it
                at = _skip_space(text, self.decoder.raw_decode(text, at)[1])
                state[:] = [_skip_space(text, at + 1) if text[at] == "," else at, False]
            elif opening == "{" and text[at] == '"':
                name, at = scanstring(text, at + 1)
                at = _skip_space(text, _skip_space(text, at) + 1)  # past the colon
                known.setdefault(name, at)
                state[:] = [at, True]
            elif opening == "[" and text[at] != "]":
                known[str(len(known))] = at
                state[:] = [at, True]
            else:
                state.clear()
        return known.get(key)


def _skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


__all__ = ["Locator", "Source", "display_path", "escape", "load_sources", "parse_text", "read_text"]
