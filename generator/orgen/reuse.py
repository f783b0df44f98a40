"""Reuse: what an earlier build left in the output folder that this build may take instead of
making it again — the models' text, whole formatted files, formatted pieces — behind one interface,
so that the pipeline reads as its stages and a fresh build (`orgen build --fresh`) borrows nothing.

What may be borrowed, and when it is stale, is decided in `write` (texts on disk still as the
manifest says they were written) and by the inputs' hashes the pipeline computes: a borrowing build
and a fresh one write the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .format import POOL_FROM, Formatted, format_files, known_pieces
from .models import Earlier
from .write import Manifest, as_written, reusable_models, reusable_texts, sha256


@dataclass
class Made:
    """Files of one build, formatted now or taken whole from the previous build."""

    formatted: Formatted
    reused: dict[PurePosixPath, str]
    rendered_sha: dict[PurePosixPath, str]  # hash of each file's text before formatting

    def known(self) -> dict[str, str]:
        """Formatted pieces by key, for formatting the same files again after a small change."""
        found: dict[str, str] = {}
        for path, entry in self.formatted.pieces.items():
            found.update(known_pieces(entry, self.formatted.files[path]))
        return found


@dataclass(frozen=True)
class Reuse:
    """The previous build of `out`, as far as this build may borrow from it."""

    out: Path
    previous: Manifest | None
    format_code: str  # what formats this build's text (see `format.format_code`): text another formatted is not borrowed
    enabled: bool = True

    def models(self, path: PurePosixPath, models_input: str) -> tuple[str, str] | None:
        """models.py as formatted on disk and its text before formatting, if made from `models_input`."""
        if not self.enabled:
            return None
        return reusable_models(self.out, self.previous, path, models_input, self.format_code)

    def model_units(self, path: PurePosixPath) -> Earlier | None:
        """models.py as the last build wrote it, with the record of its units, to generate only
        the schemas that changed since."""
        if not self.enabled or self.previous is None or self.previous.format_code != self.format_code or not self.previous.model_units:
            return None
        entry = self.previous.files.get(str(path))
        on_disk = as_written(self.out, path, entry) if entry else None
        return None if on_disk is None else Earlier(on_disk, self.previous.model_units)

    def units_record(self) -> dict[str, Any] | None:
        """The record of the models' units, for a models file taken whole."""
        return self.previous.model_units if self.previous is not None else None

    def format(
        self, rendered: dict[PurePosixPath, str], formatter: str, known: dict[str, str], classes: bool = True, pool_from: int = POOL_FROM
    ) -> Made:
        """`rendered` formatted (see `format.format_files`), each file whose text the previous build
        formatted taken whole, and pieces it formatted (or `known`) not formatted again."""
        rendered_sha = {path: sha256(text) for path, text in rendered.items()}
        reused, on_disk = self.texts(rendered)
        formatted = format_files(rendered, formatter, only=set(rendered) - set(reused), known={**on_disk, **known}, classes=classes, pool_from=pool_from)
        formatted.files = {path: text for path, text in formatted.files.items() if path not in reused}
        return Made(formatted, reused, rendered_sha)

    def texts(self, rendered: dict[PurePosixPath, str]) -> tuple[dict[PurePosixPath, str], dict[str, str]]:
        """Formatted files whose rendered text is unchanged, and formatted pieces by key."""
        if not self.enabled:
            return {}, {}
        return reusable_texts(self.out, self.previous, rendered, self.format_code)

    def pieces(self, paths: set[PurePosixPath]) -> dict[PurePosixPath, str]:
        """The recorded pieces of files taken whole, to record again."""
        if not self.enabled or self.previous is None:
            return {}
        entries = self.previous.files
        return {path: entries[str(path)]["pieces"] for path in paths if "pieces" in entries.get(str(path), {})}
