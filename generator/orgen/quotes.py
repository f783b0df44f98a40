"""Quotes: plain single-quoted strings written in double quotes, as black and ruff write them.

The models library and `repr` write strings in single quotes; the formatters rewrite each in double
quotes, and black, having changed a piece, formats it a second time. Written in double quotes
beforehand, a piece that is otherwise laid out already is formatted in one pass. Only strings the
formatters always rewrite are touched: no prefix, on one line, with neither a double quote nor a
backslash in them; so the formatted output is the same either way.
"""

from __future__ import annotations

import re

# Every kind of token a quote can start (and comments, where a quote starts nothing), so that a
# scan from the start never lands inside a string: the first alternative that matches where the
# scan stands consumes the whole token.
_TOKENS = re.compile(
    "|".join(
        [
            r"#[^\n]*",
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n]|\\.)*"',
            r"'(?P<plain>[^'\"\\\n]*)'",
            r"'(?:[^'\\\n]|\\.)*'",
        ]
    ),
    re.DOTALL,
)


def double_quoted(source: str) -> str:
    """`source` with its plain single-quoted strings in double quotes."""
    if "'" not in source:
        return source

    def swap(match: re.Match[str]) -> str:
        plain = match.group("plain")
        start = match.start()
        if plain is None or (start and (source[start - 1].isalnum() or source[start - 1] == "_")):
            return match.group()  # not plain, or with a prefix (b'', r'', f'')
        return f'"{plain}"'

    return _TOKENS.sub(swap, source)
