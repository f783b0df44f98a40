"""Prose: spec descriptions made safe to place in generated Markdown docs.

A spec's prose is shown, never run. Markdown renderers (GitHub, MkDocs, IDE previews) pass raw HTML
through, so a description holding `<script>` or `<img onerror=...>` would run in every reader's
browser. Every `<` that could open a tag, comment or HTML block is therefore written as `&lt;`,
except inside code, where renderers show it as text anyway. Code is recognised only where every
renderer agrees that it is code:

* a fenced block whose opening and closing fences are both found; it is written back with a fence of
  its own at the start of a line, longer than any backtick run inside it, so nothing in it can close
  it early. A fence that is never closed is shown as text, so it cannot swallow the rest of a page;
* a code span on one line, not after a backslash, closed by a run of exactly as many backticks.

Anything else is treated as text, which errs on the side of showing a `&lt;` too many. Links and
images whose target is a script URL (`javascript:` and the like) are broken into plain text.
"""

from __future__ import annotations

import html
import re

from .escape import UNSAFE

_FENCE = re.compile(r"^ {0,3}(?P<run>`{3,}|~{3,})(?P<info>.*)$")
_SPAN = re.compile(r"(?<![`\\])(?P<run>`+)(?!`)(?P<body>[^\n]*?[^`\n])(?P=run)(?!`)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<https?://[^\s<>\"'`]+>", re.IGNORECASE)
# The target of an inline link or image, or of a link reference definition.
_LINK_TARGET = re.compile(r"(?P<open>\]\(|^ {0,3}\[[^\]\n]*\]:)(?P<target>\s*(?:<[^>\n]*>?|[^\s)]*))", re.MULTILINE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})


def block(text: object) -> str:
    """Prose for a place of its own, at the start of a line after a blank line."""
    lines = _clean(text).split("\n")
    out: list[str] = []
    index = 0
    open_span = False  # a backtick run earlier in this paragraph found no partner on its line
    while index < len(lines):
        closing = _closing_fence(lines, index)
        if closing is None:
            if not lines[index].strip():
                open_span = False
            # `<br>` is the usual line break of spec prose: written as one, it needs no HTML.
            for part in _BREAK.split(lines[index]):
                shown, unpaired = _text_line(part, keep_code=not open_span)
                out.append(shown)
                open_span = open_span or unpaired
            index += 1
            continue
        open_span = False
        opening = _FENCE.match(lines[index])
        assert opening is not None
        body = lines[index + 1 : closing]
        longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
        fence = "`" * max(3, longest + 1)
        info = opening.group("info").strip().split(" ")[0].replace("`", "")
        if out and out[-1].strip():
            out.append("")
        out.extend([fence + info, *body, fence])
        if closing + 1 < len(lines) and lines[closing + 1].strip():
            out.append("")
        index = closing + 1
    return "\n".join(out).strip()


def inline(text: object) -> str:
    """Prose for the middle of a line (a heading, a table cell): one line, no fences."""
    return _text_line(" ".join(_BREAK.sub(" ", _clean(text)).split()))[0]


def cell(text: object) -> str:
    """Prose for a table cell: inline, with every pipe escaped by exactly one backslash."""
    return re.sub(r"\\*\|", lambda _: "\\|", inline(text))


def _clean(text: object) -> str:
    body = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE.sub("", body).strip()


def _closing_fence(lines: list[str], start: int) -> int | None:
    """Index of the line that closes a fence opened at `start`, if one opens there and closes."""
    opening = _FENCE.match(lines[start])
    if opening is None:
        return None
    run = opening.group("run")
    if run[0] == "`" and "`" in opening.group("info"):
        return None  # not a fence but a code span, for CommonMark
    for index in range(start + 1, len(lines)):
        closing = _FENCE.match(lines[index])
        if closing and closing.group("run")[0] == run[0] and len(closing.group("run")) >= len(run) and not closing.group("info").strip():
            return index
    return None


def _text_line(line: str, keep_code: bool = True) -> tuple[str, bool]:
    """One line of text with every `<` that could start HTML escaped, and whether a backtick run
    on it found no partner.

    Code spans are kept as written only with `keep_code`: after an unpartnered run a renderer may
    pair the backticks of the following lines differently than they pair on their own line.
    """
    if _FENCE.match(line):
        line = line.replace("`", "\\`", 1).replace("~", "\\~", 1)  # an unpaired fence is text
    pieces: list[str] = []
    last = paired = 0
    for span in _SPAN.finditer(line):
        pieces.append(_text(line[last : span.start()]))
        pieces.append(span.group() if keep_code else _text(span.group()))
        last = span.end()
        paired += 2
    pieces.append(_text(line[last:]))
    return "".join(pieces), len(re.findall(r"`+", line)) > paired


def _text(text: str) -> str:
    text = _LINK_TARGET.sub(_link_target, text)
    kept: list[str] = []
    last = 0
    for link in _AUTOLINK.finditer(text):
        kept.append(text[last : link.start()].replace("<", "&lt;"))
        kept.append(link.group())
        last = link.end()
    kept.append(text[last:].replace("<", "&lt;"))
    return "".join(kept)


def _link_target(match: re.Match[str]) -> str:
    """The link unchanged, or shown as text when its target would run a script when followed."""
    # Renderers decode entities in targets and browsers ignore blanks and controls in a scheme.
    target = "".join(html.unescape(match.group("target")).lstrip(" \t<").split()).lower()
    scheme = _SCHEME.match(UNSAFE.sub("", target))
    if scheme is None or scheme.group(1) in _SAFE_SCHEMES:
        return match.group()
    opened = match.group("open")
    return (opened.replace("](", "]\\(") if opened == "](" else opened.replace("[", "\\[", 1)) + match.group("target")
