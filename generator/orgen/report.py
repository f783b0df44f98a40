"""Report: the changes between two builds as people and programs read them — text, Markdown, JSON —
and as the dated entry a build adds to the output's CHANGELOG.md."""

from __future__ import annotations

import json
import os
import re
import time

from . import prose
from .compare import LEVELS, Change, Level, bump

CHANGELOG = "CHANGELOG.md"
_HEADINGS: dict[Level, str] = {"breaking": "Breaking changes", "non-breaking": "Added and changed", "docs": "Documentation"}
_CHANGELOG_TITLE = "# Changelog\n"


def as_json(changes: list[Change]) -> str:
    return json.dumps({"bump": bump(changes), "changes": [c.to_json() for c in changes]}, indent=2, ensure_ascii=False) + "\n"


def as_text(changes: list[Change]) -> str:
    if not changes:
        return "No changes to the generated client (bump: none).\n"
    lines = [f"bump: {bump(changes)} ({counts(changes)})"]
    for level in LEVELS:
        chosen = [c for c in changes if c.level == level]
        if chosen:
            lines += ["", f"{_HEADINGS[level]} ({len(chosen)}):"]
            lines += [f"  - {c.message}" for c in chosen]  # every message names the Python it is about
    return "\n".join(lines) + "\n"


def as_markdown(changes: list[Change], heading: str = "## Changes to the generated client") -> str:
    if not changes:
        return f"{heading}\n\nNo changes (bump: none).\n"
    return f"{heading}\n\nBump: **{bump(changes)}** ({counts(changes)}).\n\n" + _sections(changes, "###")


def changelog_entry(version: str, previous: str, changes: list[Change]) -> str:
    """The Markdown entry for one version; dated by SOURCE_DATE_EPOCH when set, for reproducible builds."""
    return f"## {version} ({_today()})\n\n{bump(changes).capitalize()} release after {previous}: {counts(changes)}.\n\n" + _sections(changes, "###")


def first_changelog(version: str, spec_name: str) -> str:
    """The changelog of a client's first build (undated: a build into an empty folder is reproducible)."""
    return f"{_CHANGELOG_TITLE}\n## {version}\n\nFirst version, generated from {_code(' '.join(spec_name.split()))}.\n"


def prepend(changelog: str, entry: str) -> str:
    """`changelog` with `entry` as its newest version, below the title."""
    body = changelog.removeprefix(_CHANGELOG_TITLE).lstrip("\n")
    return f"{_CHANGELOG_TITLE}\n{entry}\n{body}" if body else f"{_CHANGELOG_TITLE}\n{entry}"


def _sections(changes: list[Change], marker: str) -> str:
    parts = []
    for level in LEVELS:
        chosen = [c for c in changes if c.level == level]
        if chosen:
            lines = "\n".join(f"- {prose.inline(c.message)}" for c in chosen)
            parts.append(f"{marker} {_HEADINGS[level]}\n\n{lines}\n")
    return "\n".join(parts)


def counts(changes: list[Change]) -> str:
    """`2 breaking, 5 non-breaking`: how many changes of each level."""
    counted = [(level, sum(c.level == level for c in changes)) for level in LEVELS]
    return ", ".join(f"{n} {level}" for level, n in counted if n)


def _today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def _code(text: str) -> str:
    """Inline code that no backtick in `text` can close early (CommonMark: a longer fence, padded)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"
