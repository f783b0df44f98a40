"""Model jobs: where the models library runs. Beside the rest of the build in a background process
when there is one; on a cold build of many schemas, in shares on parallel processes (see
`models.split`); otherwise in one run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from . import guard
from .background import Background
from .format import preformat as format_pieces
from .ir import Api
from .load import display_path
from .models import Earlier, ModelsText, Part, generate_models, generate_part, join_parts, split
from .problems import SpecError


@contextmanager
def models_job(
    background: Background | None, work: tuple[Api, Path, Path, str, Earlier | None] | None, formatter: str
) -> Iterator[Callable[[], ModelsText]]:
    """models.py's source, made by the models library in the `background` process while the caller
    does other work (in this process when there is none); `work` None: nothing to make."""
    if work is None:
        yield lambda: ModelsText("")
    elif background is None:
        yield lambda: run_models(*work)
    else:
        yield background.run(run_models, *work, min(os.cpu_count() or 1, _MODEL_WORKERS), formatter == "black")


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
