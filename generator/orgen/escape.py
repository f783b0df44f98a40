"""Escape: the only ways a spec string may enter generated source — as a literal or inside a docstring."""

from __future__ import annotations

import json
import math
import re

# Characters that must not reach generated text raw: C0/C1 controls other than tab and newline,
# line and paragraph separators, and the invisible formatting marks that can make source read
# differently from how it runs (bidirectional overrides, zero-width characters).
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _python_escape(match: re.Match[str]) -> str:
    """The Python string escape of one unsafe character."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def literal(value: object) -> str:
    """Python source for a JSON-like value; strings always come out as one quoted, escaped line."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, bytes):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(str(value))


def pretty(value: object, indent: int = 0, width: int = 88) -> str:
    """A JSON-like value as Python source laid out as a person writes it, for examples: strings in
    double quotes, one line when it fits in `width` (after `indent` spaces), else one item per line."""
    one_line = flat(value)
    if len(one_line) + indent <= width or not isinstance(value, (list, tuple, dict)) or not value:
        return one_line
    inner = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{flat(str(k))}: {pretty(v, indent + 4, width)}" for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        items = [pretty(item, indent + 4, width) for item in value]
        opening, closing = ("(", ")") if isinstance(value, tuple) else ("[", "]")
    return opening + "\n" + "".join(f"{inner}{item},\n" for item in items) + " " * indent + closing


def flat(value: object) -> str:
    """A JSON-like value as Python source on one line, strings in double quotes where black puts them."""
    if isinstance(value, str):
        text = literal(value)  # repr: every character that is not printable comes out escaped
        return f'"{text[1:-1]}"' if text.startswith("'") and '"' not in value else text
    if isinstance(value, float):
        return literal(value).replace("e+", "e")  # as black writes exponents: 1e16, not 1e+16
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flat(str(k))}: {flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(flat(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(flat(item) for item in value) + "]"
    return literal(value)


def docstring(text: object, indent: int = 0, width: int = 100) -> str:
    """Text safe between triple double quotes: no closing quotes, escapes or stray control characters.

    `indent`: the docstring's own indentation, written as black writes a docstring there: its
    lines after the first indented so, and the closing quotes on a line of their own when they
    would make the last line longer than `width` (black re-indents docstrings whatever they are
    given, so this changes nothing black writes; it spares it a second pass)."""
    body = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\\", "\\\\")
    body = UNSAFE.sub(_python_escape, body)
    body = body.replace('"', '\\"')
    lines = [line.rstrip() for line in body.strip().split("\n")]
    # Black leaves a docstring with a backslash before a line break as it is, and expands tabs
    # where they start a line: both are left to it.
    if not indent or any(line.endswith("\\") for line in lines[:-1]) or "\t" in body:
        return "\n".join(lines)
    margin = " " * indent
    lines[1:] = [margin + line if line else line for line in lines[1:]]
    if len(lines) > 1 and len(lines[-1]) + 3 > width:
        lines.append(margin)
    return "\n".join(lines)


def unsafe_in_strings(source: str) -> str:
    """`source` with every unsafe character inside a string literal written as an escape.

    For code written by another tool (the models): the same value, but no invisible character or
    line separator in the file.
    """
    if not UNSAFE.search(source):
        return source
    import io
    import tokenize

    lines = source.split("\n")
    # Tokens are replaced from the last, so that earlier positions stay valid.
    for token in reversed(list(tokenize.generate_tokens(io.StringIO(source).readline))):
        prefix = token.string[: len(token.string) - len(token.string.lstrip("bBrRuUfF"))].lower()
        if token.type != tokenize.STRING or "r" in prefix or "b" in prefix or not UNSAFE.search(token.string):
            continue
        (first, start), (last, end) = token.start, token.end
        text = "\n".join(lines[first - 1 : last])
        head, tail = text[:start], text[len(text) - (len(lines[last - 1]) - end) :]
        escaped = UNSAFE.sub(_python_escape, token.string)
        lines[first - 1 : last] = (head + escaped + tail).split("\n")
    return "\n".join(lines)


def comment(text: object) -> str:
    """One line of text safe after `#`."""
    return " ".join(UNSAFE.sub(" ", str(text or "")).split())


def html_comment(text: object) -> str:
    """One line safe inside `<!-- -->`: no `--`, so nothing in it can end the comment early."""
    return re.sub(r"-(?=-)", "- ", comment(text))


def toml(value: object) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and no control character stays raw."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(value), ensure_ascii=False))


def md_code(value: object) -> str:
    """Text for inside a Markdown code span in a table: one line, no backticks, pipes escaped."""
    return " ".join(UNSAFE.sub(" ", str(value)).replace("`", "'").replace("|", "\\|").split())


def json_text(value: object) -> str:
    """Deterministic JSON for docs examples."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
