"""Model jobs: where the models library runs. Beside the rest of the build in a background process
when there is one; on a cold build of many schemas, in shares on parallel processes (see
`models.split`); otherwise in one run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from . import guard
from .background import Background
from .format import LAST_POOL_FROM, Formatted
from .format import preformat as format_pieces
from .ir import Api
from .load import display_path
from .models import Earlier, ModelsText, Part, generate_models, generate_part, join_parts, split
from .problems import SpecError
from .render import models_file
from .reuse import Made, Reuse


@dataclass(frozen=True)
class ModelsFile:
    """How the models' source becomes models.py: its path and header, what it was made from, and
    the formatter, with what the previous build lets it borrow."""

    path: PurePosixPath
    spec_name: str
    # Recorded as the file's hash before formatting: classes taken from the last build enter the
    # text formatted already, so that text depends on the path the build took; this does not.
    models_input: str
    reuse: Reuse
    formatter: str

    def formatted(self, models: ModelsText) -> Made:
        # Its classes are formatted whole: the models' pieces from the last build are whole classes
        # (see `model_units`). It is the build's last file to format.
        file = {self.path: models_file(models.source, self.spec_name)}
        made = self.reuse.format(file, self.formatter, models.known, classes=False, pool_from=LAST_POOL_FROM)
        made.rendered_sha[self.path] = self.models_input
        made.formatted.pieces.pop(self.path, None)
        return made


class ModelsJob:
    """models.py's source, then models.py formatted, as a job makes them: the source comes as soon
    as it is made, so that the caller reads the package's surface from it while the file is formatted."""

    def __init__(self, answers: Iterator[ModelsText | Made]) -> None:
        self._answers = answers

    @classmethod
    def start(cls, background: Background | None, work: tuple[Api, Path, Path, str, Earlier | None], file: ModelsFile) -> ModelsJob:
        """The models made in the `background` process while the caller does other work (in this
        process, when asked, if there is none)."""
        if background is None:
            return cls(_models_and_file(work, file, 1, False))
        return cls(background.run(_models_and_file, work, file, min(os.cpu_count() or 1, _MODEL_WORKERS), file.formatter == "black"))

    @classmethod
    def kept(cls, path: PurePosixPath, kept: tuple[str, str], record: dict[str, Any] | None) -> ModelsJob:
        """models.py taken whole from the previous build (`kept`: as formatted on disk, and its
        hash before formatting): not read again for pieces, and recorded under its real hash."""
        return cls(iter([ModelsText(kept[0], record=record), Made(Formatted({}), {path: kept[0]}, {path: kept[1]})]))

    def source(self) -> ModelsText:
        made = next(self._answers)
        assert isinstance(made, ModelsText)
        return made

    def file(self) -> Made:
        made = next(self._answers)
        assert isinstance(made, Made)
        return made


def _models_and_file(work: tuple[Api, Path, Path, str, Earlier | None], file: ModelsFile, workers: int, preformat: bool) -> Iterator[ModelsText | Made]:
    models = run_models(*work, workers, preformat)
    yield replace(models, known={})  # the formatted pieces it brings are of use only here
    yield file.formatted(models)


# Shares of a cold build's models generated at once: more would each read more stubs than they save.
_MODEL_WORKERS = 4


def run_models(api: Api, templates: Path, spec: Path, code: str = "", earlier: Earlier | None = None, workers: int = 1, preformat: bool = False) -> ModelsText:
    """The models, generated in `workers` shares at once on a cold build of many schemas (see
    `models.split`); `preformat`: each share's classes are formatted with black as it is made."""
    try:
        with guard.room_to_recurse():
            shares = split(api, workers) if earlier is None else None
            made = _in_shares(api, templates, shares, code, preformat) if shares else None
            return made if made is not None else generate_models(api, templates, code, earlier)
    except SpecError as error:  # about the spec's schemas: located in the spec, not in the library
        raise SpecError([replace(problem, file=display_path(spec)) for problem in error.problems]) from None


def _in_shares(api: Api, templates: Path, shares: list[list[str]], code: str, preformat: bool) -> ModelsText | None:
    """The models from shares generated in parallel, this process making the first; None when
    they do not give the text one run gives (one run then makes it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if preformat:
        import black  # noqa: F401  (loaded once, before the other shares' processes start with it)
    formatting = format_pieces if preformat else None
    with ProcessPoolExecutor(len(shares) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        others = [pool.submit(_model_part, api, templates, names, formatting) for names in shares[1:]]
        parts = [_model_part(api, templates, shares[0], formatting), *(other.result() for other in others)]
    return join_parts(api, parts, code)


def _model_part(api: Api, templates: Path, names: list[str], preformat: Callable[[str], dict[str, str]] | None) -> Part:
    try:
        with guard.room_to_recurse():
            return generate_part(api, templates, names, preformat)
    except SpecError:  # one run over every schema reports it
        return Part(None)
