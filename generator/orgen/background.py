"""Background: a forked process that makes one call for this process, started before the call's
arguments are ready, so that what the call needs loading loads while this process works."""

from __future__ import annotations

import inspect
import itertools
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# The most a message may weigh to go through the pipe. A heavier one would wait in the pipe until
# this process reads it, holding the call up meanwhile (models.py's source, handed over before the
# file is formatted, weighs a megabyte): it goes through a file, and the pipe carries its name.
_PIPE_ROOM = 16_384


class Background:
    """One process, started at once, that runs `warm` and then the one call sent to it."""

    def __init__(self, warm: Callable[[], object]) -> None:
        context = multiprocessing.get_context("fork")
        self._ours, theirs = context.Pipe()
        self._scratch = Path(tempfile.mkdtemp(prefix="orgen-background-"))
        # Not a daemon: the call may start processes of its own.
        self._process = context.Process(target=_serve, args=(theirs, warm, self._scratch), name="orgen-background")
        self._process.start()
        theirs.close()
        if self._process.pid is not None:
            os.setpgid(self._process.pid, self._process.pid)  # as the process does: whichever runs first

    def run(self, function: Callable[..., Any], *args: Any) -> Iterator[Any]:
        """Send the call; iterating the result waits for what it returns, or for each item it
        yields if it is a generator, as soon as the process has it (and raises what it raised).
        A process that dies before the end leaves the rest of the call to this process."""
        self._ours.send((function, args))
        return self._answers(function, args)

    def _answers(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Iterator[Any]:
        received = 0
        while True:
            try:
                kind, value = _received(self._ours.recv_bytes())
            except EOFError:
                yield from _items(function(*args), skip=received)
                return
            if kind == "end":
                return
            if kind == "error":
                raise value
            received += 1
            yield value

    def close(self) -> None:
        """Stop the process and any it started, whatever they are doing (a build that failed needs
        nothing more of them)."""
        self._ours.close()
        if self._process.pid is not None and self._process.is_alive():
            try:
                os.killpg(self._process.pid, signal.SIGTERM)
            except ProcessLookupError:  # it ended meanwhile
                pass
        self._process.join()
        shutil.rmtree(self._scratch, ignore_errors=True)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _items(result: Any, skip: int = 0) -> Iterator[Any]:
    """What a call answers, item by item: each item of a generator, else its one value."""
    items = result if inspect.isgenerator(result) else iter([result])
    for index, item in enumerate(items):
        if index >= skip:
            yield item


def _received(message: bytes) -> tuple[str, Any]:
    kind, value = pickle.loads(message)
    if kind == "file":
        path = Path(value)
        kind, value = pickle.loads(path.read_bytes())
        path.unlink()
    return kind, value


def _serve(connection: Connection, warm: Callable[[], object], scratch: Path) -> None:
    # A group of its own: stopping it stops the processes it starts too, and a Ctrl-C in the
    # terminal reaches only the build, which stops it.
    os.setpgid(0, 0)
    try:
        warm()
    except Exception:  # warming is only a head start: the call itself reports what fails
        pass
    try:
        function, args = connection.recv()
    except EOFError:  # the build ended without a call for this process
        return
    posted = itertools.count(1)

    def post(kind: str, value: Any) -> None:
        message = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        if len(message) > _PIPE_ROOM:
            path = scratch / f"{next(posted)}.pickle"
            path.write_bytes(message)
            message = pickle.dumps(("file", str(path)))
        connection.send_bytes(message)

    try:
        for item in _items(function(*args)):
            post("item", item)
    except BaseException as error:  # sent back and raised there, as the call in that process would
        try:
            post("error", error)
        except Exception:  # an error that does not pickle: its message still says what failed
            post("error", RuntimeError(f"{type(error).__name__}: {error}"))
        return
    post("end", None)
