"""Where a build's seconds go, stage by stage: a cold build of SPEC into an empty folder, and, with
--previous, an update (a build of SPEC into the folder a build of the previous version left).

    python scripts/profile_build.py SPEC [--previous OLD_SPEC] [--formatter black|ruff]

Runs orgen in this process with every stage timed. The stages run one after another here (one
worker, no process pool), so the table adds up to the work done; a real build on several cores
runs the models library beside rendering and formatting, and black in worker processes for big
outputs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orgen import format as formatting
from orgen import model_jobs, pipeline
from orgen import normalize as normalizing
from orgen.config import load_config

# (module, function name, label): each stage as the pipeline calls it.
STAGES = [
    (pipeline, "read_document", "load (read and parse the text, lines)"),
    (pipeline, "resolve_refs", "resolve $refs"),
    (pipeline, "check_shape", "check shape"),
    (normalizing, "PASSES", "normalize (quirk repairs)"),
    (normalizing, "sanitize_schemas", "sanitize schemas"),
    (normalizing, "name_tagged_variants", "name tagged variants"),
    (pipeline, "plan", "plan (IR)"),
    (pipeline, "attach_examples", "examples"),
    (model_jobs, "generate_models", "models (datamodel-code-generator)"),
    (pipeline, "render", "render templates"),
    (formatting, "_tidied_pieces", "tidy imports, cut in pieces"),
    (formatting, "_black_all", "black"),
    (formatting, "_ruff", "ruff format"),
    (pipeline, "capture", "surface snapshot"),
    (pipeline, "compare", "compare with the last build"),
    (pipeline, "write_tree", "write"),
]


def timed(spent: dict[str, float], label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

    return run


def profile(spec: Path, out: Path, formatter: str) -> tuple[dict[str, float], float]:
    spent: dict[str, float] = {}
    originals = [(module, name, getattr(module, name)) for module, name, _ in STAGES]
    for module, name, label in STAGES:
        if module is not normalizing:
            setattr(module, name, timed(spent, label, getattr(module, name)))
    # Normalize runs its passes from a list: each pass is timed there, under its own label or
    # together with the other quirk repairs.
    labels = {name: label for module, name, label in STAGES if module is normalizing}
    normalizing.PASSES = [timed(spent, labels.get(repair.__name__, labels["PASSES"]), repair) for repair in normalizing.PASSES]
    try:
        config = load_config(Path.cwd()).with_options(out=out, formatter=formatter, package_name="client")
        start = time.perf_counter()
        pipeline.build(spec, config)
        return spent, time.perf_counter() - start
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--previous", type=Path, help="the version before SPEC: profile the update from it too")
    parser.add_argument("--formatter", default="black")
    args = parser.parse_args()
    os.environ["ORGEN_CACHE_DIR"] = ""
    os.cpu_count = lambda: 1  # type: ignore[assignment]  # one worker: the stages' own time, in sequence
    columns: dict[str, tuple[dict[str, float], float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        columns["cold build"] = profile(args.spec.resolve(), root / "cold", args.formatter)
        if args.previous:
            shutil.copy(args.previous, root / "openapi.yaml")
            profile(root / "openapi.yaml", root / "update", args.formatter)
            shutil.copy(args.spec, root / "openapi.yaml")
            columns["update"] = profile(root / "openapi.yaml", root / "update", args.formatter)
    names = list(columns)
    print(f"| stage | {' | '.join(f'{name} (s)' for name in names)} |")
    print(f"| --- | {' | '.join('---:' for _ in names)} |")
    for _, _, label in STAGES:
        if any(label in spent for spent, _ in columns.values()):
            print(f"| {label} | {' | '.join(f'{spent.get(label, 0.0):.2f}' for spent, _ in columns.values())} |")
    rest = [total - sum(spent.values()) for spent, total in columns.values()]  # the stages do not nest
    print(f"| everything else | {' | '.join(f'{value:.2f}' for value in rest)} |")
    print(f"| **whole build** | {' | '.join(f'**{total:.2f}**' for _, total in columns.values())} |")


if __name__ == "__main__":
    main()
