"""JSON pointers (RFC 6901): build, split and follow them."""

from __future__ import annotations

from typing import Any


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    if len(tokens) == 1:  # most calls, on every node of a spec: without a generator, twice as fast
        token = str(tokens[0])
        return f"{pointer}/{escape(token) if '~' in token or '/' in token else token}"
    return pointer + "".join("/" + escape(str(token)) for token in tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape(token) for token in pointer.lstrip("/").split("/")]


def follow(tree: Any, pointer: str) -> Any:
    """The node at `pointer`; raises KeyError when any step is missing."""
    node = tree
    for token in split(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node
