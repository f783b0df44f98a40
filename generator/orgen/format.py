"""Format: make generated Python read like hand-written code (black by default, ruff or none on request)."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path, PurePosixPath

from . import pieces as cutting
from .problems import Problem, SpecError
from .quotes import double_quoted
from .tidy import tidy_head, tidy_imports

LINE_LENGTH = 100
FORMATTERS = ("black", "ruff", "none")
# Below this many bytes of Python to format, starting worker processes saves too little to be worth
# it while the models are made on another core (measured on model classes, 2 cores: 100 KB took
# black 0.41 s here and 0.22 s in two workers; 50 KB 0.17 s and 0.12 s).
POOL_FROM = 100_000
# models.py is formatted last, when the rest of the build is done or nearly and the other cores are
# free: workers pay from less (measured, 2 cores idle: 30 KB took 0.14 s here and 0.09 s in two
# workers; 20 KB 0.08 s either way).
LAST_POOL_FROM = 30_000


@dataclass
class Formatted:
    """Formatted files, and for each file black formatted piece by piece, its pieces' record.

    A record is `KEY:LENGTH ...`: per piece (see `pieces`), the hash of what black formats and the
    length of its formatted text. The next build reads the formatted pieces back from the file on
    disk, so a changed spec costs black only the pieces whose text changed.
    """

    files: dict[PurePosixPath, str]
    pieces: dict[PurePosixPath, str] = field(default_factory=dict)
    formatted_pieces: int = 0  # pieces black ran on (the others were known or repeated)
    total_pieces: int = 0


def format_files(
    files: dict[PurePosixPath, str],
    formatter: str,
    only: set[PurePosixPath] | None = None,
    known: dict[str, str] | None = None,
    classes: bool = True,
    pool_from: int = POOL_FROM,
) -> Formatted:
    """`files` with every Python file in `only` (default: all) formatted; `known` maps piece keys
    to formatted pieces from an earlier build; `classes`: black formats big classes method by
    method; `pool_from`: black runs in worker processes from that many bytes of pieces to format.
    Whatever the formatter, a formatted file imports exactly what it uses, sorted (see `tidy`)."""
    targets = sorted(path for path in files if path.suffix == ".py" and (only is None or path in only))
    result = Formatted(dict(files))
    if formatter != "black" or not targets:
        tidied = {path: tidy_imports(files[path]) for path in targets}
        result.files.update(tidied)
        if formatter == "ruff" and targets:
            result.files.update(_ruff({path: double_quoted(text) for path, text in tidied.items()}))
        return result
    done: dict[str, str | None] = dict(known or {})
    split = {path: [(_key(piece), piece) for piece in _tidied_pieces(files[path], classes)] for path in targets}
    todo = {key: piece for pieces in split.values() for key, piece in pieces if key not in done}
    black_output = _black_all([piece.source for piece in todo.values()], pool_from)
    done.update((key, piece.formatted(text)) for (key, piece), text in zip(todo.items(), black_output))
    result.formatted_pieces, result.total_pieces = len(todo), sum(map(len, split.values()))
    for path, pieces in split.items():
        texts = [text for key, _ in pieces if (text := done[key]) is not None]
        if len(texts) != len(pieces):
            raise SpecError([Problem(str(path), None, None, "generated code does not parse; this is a bug in orgen")])
        result.files[path] = cutting.join([piece for _, piece in pieces], texts)
        result.pieces[path] = " ".join(f"{key}:{len(text)}" for (key, _), text in zip(pieces, texts))
    return result


def _tidied_pieces(source: str, classes: bool) -> list[cutting.Piece]:
    """`source` tidied (see `tidy`), in double quotes and cut in pieces (see `pieces`): parsed once
    when its imports are all in its first piece, which tidying then changes alone."""
    quoted = double_quoted(source)
    try:
        tree = ast.parse(quoted)
    except (SyntaxError, ValueError):
        tree = None
    if tree is not None:
        found = cutting.cut(quoted, classes, tree)
        head = tidy_head(found[0].text, tree)
        if head is not None:
            return [replace(found[0], text=head), *found[1:]]
    return cutting.cut(double_quoted(tidy_imports(source)), classes)


def format_code(formatter: str) -> str:
    """A hash of what turns rendered text into formatted text: the formatter and the versions of
    the libraries that write it, and orgen's code that tidies, cuts and joins. Text formatted by
    other code (an earlier orgen) is not borrowed: its files, pieces and their records could read
    otherwise than this build's. Versions, not paths: the manifest reads the same on every machine."""
    digest = hashlib.sha256()
    for part in (formatter, _version(formatter), f"isort=={metadata.version('isort')}"):
        digest.update(part.encode("utf-8") + b"\0")
    for module in ("format.py", "pieces.py", "quotes.py", "tidy.py"):
        digest.update(module.encode("utf-8") + b"\0" + (Path(__file__).parent / module).read_bytes() + b"\0")
    return digest.hexdigest()


def _version(formatter: str) -> str:
    if formatter == "black":
        return metadata.version("black")
    ruff = shutil.which("ruff") if formatter == "ruff" else None
    # Asked of the command: it may come from somewhere other than a Python package.
    return subprocess.run([ruff, "--version"], capture_output=True, text=True, check=False).stdout.strip() if ruff else ""


def piece_key(piece: str) -> str:
    return hashlib.sha256(piece.encode("utf-8")).hexdigest()[:20]


def _key(piece: cutting.Piece) -> str:
    # A piece's formatted text lacks its stand-in's lines: it never shares a key with a piece of
    # another kind whose source reads the same ("\0" is in no source that parses).
    return piece_key(piece.source if piece.kind == "top" else f"{piece.source}\0{piece.kind}")


def known_pieces(record: str, formatted: str) -> dict[str, str]:
    """Formatted pieces by key, cut from a file formatted piece by piece with that `record`;
    nothing when the file does not add up to it."""
    found: dict[str, str] = {}
    at = 0
    for index, entry in enumerate(record.split()):
        key, _, length = entry.partition(":")
        if not length.isdigit():
            return {}
        if index:  # the blank lines between two pieces (see `pieces.Piece.gap`); a piece starts with none
            at += 2 if formatted.startswith("\n\n", at) else 1 if formatted.startswith("\n", at) else 0
        found[key] = formatted[at : at + int(length)]
        at += int(length)
    return found if at == len(formatted) else {}


def preformat(source: str) -> dict[str, str]:
    """Formatted pieces by key, black run in this process on each top-level piece of `source`: what
    `format_files(..., classes=False)` finds known in a file that holds those pieces. Workers that
    generate parts of a file format them meanwhile, and the file is joined from them."""
    pieces = cutting.cut(double_quoted(source), classes=False)
    return {_key(piece): text for piece in pieces if (text := piece.formatted(_black(piece.source))) is not None}


def warm_up(formatter: str) -> None:
    """Load what formatting `formatter`'s way loads on first use (isort always; black, its grammar
    and its compiled modules for black), so that the first file formatted here does not wait for it."""
    tidy_imports("import os\n\nos\n")
    if formatter == "black":
        _black("x = 1\n")


def _black_all(sources: list[str], pool_from: int = POOL_FROM) -> list[str | None]:
    """Each source formatted by black, in worker processes when there is enough of it."""
    import black  # noqa: F401  (loaded before the pool starts, so that forked workers have it already)

    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or sum(map(len, sources)) < pool_from:
        return [_black(source) for source in sources]
    from concurrent.futures import ProcessPoolExecutor

    # Largest first, so that no worker is left with a big piece at the end.
    order = sorted(range(len(sources)), key=lambda index: -len(sources[index]))
    with ProcessPoolExecutor(workers) as pool:
        done = dict(zip(order, pool.map(_black, [sources[index] for index in order], chunksize=4)))
    return [done[index] for index in range(len(sources))]


def _black(source: str) -> str | None:
    import black
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = black.Mode(target_versions={TargetVersion.PY311}, line_length=LINE_LENGTH)
    try:
        return black.format_str(source, mode=mode)
    except InvalidInput:
        return None


def _ruff(sources: dict[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    """All files formatted by one ruff process (it formats them in parallel) in a scratch folder."""
    ruff = shutil.which("ruff")
    if ruff is None:
        raise SpecError([Problem("<formatter>", None, None, "--formatter ruff needs the ruff command (pip install ruff)")])
    with tempfile.TemporaryDirectory(prefix="orgen-ruff-") as scratch:
        root = Path(scratch)
        # An empty config of its own keeps settings from folders above the scratch folder out.
        (root / "ruff.toml").write_text("", encoding="utf-8")
        for path, source in sources.items():
            target = root / "src" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source, encoding="utf-8")
        # Files named one by one: ruff's default excludes (build/, dist/, ...) apply only to folders it walks.
        done = subprocess.run(
            [ruff, "format", "--no-cache", "--config", str(root / "ruff.toml"), f"--line-length={LINE_LENGTH}", *(str(root / "src" / path) for path in sources)],
            capture_output=True, text=True, check=False, cwd=root,
        )
        if done.returncode != 0:
            broken = [str(path) for path in sources if str(path) in done.stderr] or [str(path) for path in sources][:1]
            raise SpecError([Problem(name, None, None, "generated code does not parse; this is a bug in orgen") for name in broken])
        return {path: (root / "src" / path).read_text(encoding="utf-8") for path in sources}

