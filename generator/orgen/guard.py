"""Guard: bounds on how deeply a spec may nest, checked before anything walks it recursively.

Later stages (deep copies, the models generator, Python's own parser for nested annotations) recurse
once per level, and libyaml's composer recurses in C, where too deep a document crashes the process
instead of raising. Real specs nest a few dozen levels; anything past `MAX_DEPTH` is refused with
the line where the limit is crossed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from .pointer import join

MAX_DEPTH = 128
# libyaml composes far deeper than this without trouble; above it the text is scanned first.
_SAFE_TO_COMPOSE = 5_000
_BLOCK_PREFIX = re.compile(r"^(?:[ \t?:-]|[&!][^\s]*)*", re.MULTILINE)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')
_POINTER_TOKENS = 3  # a too-deep node is reported under its top-level ancestor, not a 100-token pointer

Located = tuple[str, int]  # (pointer of the outermost ancestors, 1-based line of the too-deep node)


@contextmanager
def room_to_recurse() -> Iterator[None]:
    """Python's recursion limit raised for a stage that recurses several frames per level.

    The models generator takes about eight frames per level of a schema, so a document within
    `MAX_DEPTH` can still need more than the default thousand.
    """
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 12 * MAX_DEPTH + 1_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def shown(path: tuple[str, ...] | list[str]) -> str:
    """The pointer a too-deep node is reported under: that of its outermost ancestors."""
    return join("", *path[:_POINTER_TOKENS])


def message() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def yaml_too_deep(text: str, loader: Any) -> Located | None:
    """Where `text` nests past the limit, if it might nest too deeply for libyaml to compose it.

    A block collection starts right of its parent's column (a sequence may share a mapping's), and
    each flow collection needs a bracket, which bounds the depth by the widest line prefix of
    indentation and indicators (at most the longest line) plus the brackets. Only a text over that
    bound is scanned, event by event.
    """
    brackets = 2 * (text.count("[") + text.count("{")) + 1
    # The longest line bounds the widest prefix: cheaper to find, and enough for nearly every spec.
    if 2 * (max(map(len, text.splitlines()), default=0) + 1) + brackets <= _SAFE_TO_COMPOSE:
        return None
    widest = max((len(match) for match in _BLOCK_PREFIX.findall(text)), default=0)
    if 2 * (widest + 1) + brackets <= _SAFE_TO_COMPOSE:
        return None
    tracker = _PathTracker()
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            tracker.value()
            tracker.open(isinstance(event, yaml.MappingStartEvent))
            if tracker.depth > MAX_DEPTH:
                return tracker.pointer(), event.start_mark.line + 1 if event.start_mark else 1  # the parser always marks
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            tracker.close()
        elif isinstance(event, yaml.ScalarEvent):
            tracker.value(event.value)
        elif isinstance(event, yaml.AliasEvent):
            tracker.value()
    return None


def yaml_node_too_deep(root: yaml.Node) -> Located | None:
    """Where a composed YAML graph nests past the limit (aliases followed, without expanding them)."""
    stack: list[tuple[yaml.Node, int, tuple[str, ...]]] = [(root, 1, ())]
    deepest: dict[int, int] = {}  # a node shared through aliases is walked again only from deeper
    while stack:
        node, depth, path = stack.pop()
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) or deepest.get(id(node), 0) >= depth:
            continue
        deepest[id(node)] = depth
        if depth > MAX_DEPTH:
            return shown(path), node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                token = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                stack.append((key, depth + 1, path + ("?",)))
                stack.append((value, depth + 1, path + (token,)))
        else:
            stack.extend((item, depth + 1, path + (str(index),)) for index, item in enumerate(node.value))
    return None


def tree_too_deep(tree: Any) -> tuple[str, ...] | None:
    """The path to the first node of a loaded tree that nests past the limit."""
    level, depth = ([tree] if type(tree) in (dict, list) else []), 0
    while level:  # level by level first: cheap on big specs, which are all shallow
        depth += 1
        if depth > MAX_DEPTH:
            return _deep_path(tree)
        below: list[Any] = []
        for node in level:
            values = node.values() if type(node) is dict else node
            below.extend(value for value in values if type(value) is dict or type(value) is list)
        level = below
    return None


def _deep_path(tree: Any) -> tuple[str, ...]:
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(tree, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            return path
        items = node.items() if type(node) is dict else enumerate(node)
        stack.extend((value, depth + 1, path + (str(key),)) for key, value in items if type(value) in (dict, list))
    return ()


def json_too_deep(text: str) -> Located | None:
    """Where a JSON text nests past the limit, found by its brackets alone (strings skipped)."""
    frames: list[list[Any]] = []  # per open collection: [is object, current key or index]
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            frames.append([token == "{", "?" if token == "{" else 0])
            expect_key = token == "{"
            if len(frames) > MAX_DEPTH:
                tokens = [str(frame[1]) for frame in frames[:-1]]
                return shown(tokens), text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            if frames:
                frames.pop()
            expect_key = False
        elif token == "," and frames:
            expect_key = frames[-1][0]
            if not frames[-1][0]:
                frames[-1][1] += 1
        elif token != ":" and expect_key and frames:
            frames[-1][1] = _json_string(token)
            expect_key = False
    return None


class _PathTracker:
    """The JSON pointer of the current position in a stream of collection and scalar events."""

    def __init__(self) -> None:
        # per open collection: [is mapping, awaiting a key, current key or index]
        self.frames: list[list[Any]] = []

    @property
    def depth(self) -> int:
        return len(self.frames)

    def open(self, mapping: bool) -> None:
        self.frames.append([mapping, mapping, -1])

    def close(self) -> None:
        if self.frames:
            self.frames.pop()

    def value(self, scalar: str | None = None) -> None:
        """A node starts in the innermost collection: a mapping key, a mapping value or an item."""
        if not self.frames:
            return
        frame = self.frames[-1]
        if frame[0]:
            if frame[1]:
                frame[2] = scalar if scalar is not None else "?"
            frame[1] = not frame[1]
        else:
            frame[2] += 1

    def pointer(self) -> str:
        tokens = [str(frame[2]) for frame in self.frames[:-1]]
        return shown(tokens)


def _json_string(token: str) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token.strip('"')
