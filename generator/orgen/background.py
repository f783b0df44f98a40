"""Background: a forked process that makes one call for this process, started before the call's
arguments are ready, so that what the call needs loading loads while this process works."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class Background:
    """One process, started at once, that runs `warm` and then the one call `run` sends it."""

    def __init__(self, warm: Callable[[], object]) -> None:
        context = multiprocessing.get_context("fork")
        self._ours, theirs = context.Pipe()
        # Not a daemon: the call may start processes of its own.
        self._process = context.Process(target=_serve, args=(theirs, warm), name="orgen-background")
        self._process.start()
        theirs.close()
        if self._process.pid is not None:
            os.setpgid(self._process.pid, self._process.pid)  # as the process does: whichever runs first

    def run(self, function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Send the call; the function returned waits for its result (or raises what it raised).
        A process that died before answering leaves the call to this process."""
        self._ours.send((function, args))

        def result() -> Any:
            try:
                done, value = self._ours.recv()
            except EOFError:
                return function(*args)
            if not done:
                raise value
            return value

        return result

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


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _serve(connection: Connection, warm: Callable[[], object]) -> None:
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
    try:
        answer: tuple[bool, Any] = (True, function(*args))
    except BaseException as error:  # sent back and raised there, as the call in that process would
        answer = (False, error)
    connection.send(answer)
