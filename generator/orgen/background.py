"""Background: a forked process that makes one call for this process, started before the call's
arguments are ready, so that what the call needs loading loads while this process works."""

from __future__ import annotations

import contextlib
import inspect
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any


class Background:
    """One process, started at once, that runs `warm` and then the one call sent to it."""

    def __init__(self, warm: Callable[[], object]) -> None:
        context = multiprocessing.get_context("fork")
        self._ours, theirs = context.Pipe()
        # Not a daemon: the call may start processes of its own.
        self._process = context.Process(target=_serve, args=(theirs, warm), name="orgen-background")
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
                kind, value = self._ours.recv()
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


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _items(result: Any, skip: int = 0) -> Iterator[Any]:
    """What a call answers, item by item: each item of a generator, else its one value."""
    items = result if inspect.isgenerator(result) else iter([result])
    for index, item in enumerate(items):
        if index >= skip:
            yield item


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
    # Sent from a thread of its own: an item bigger than the pipe holds waits there until the
    # build reads it, and the call goes on meanwhile.
    outbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    sender = threading.Thread(target=_send, args=(connection, outbox), name="orgen-background-sender")
    sender.start()
    try:
        for item in _items(function(*args)):
            outbox.put(("item", item))
    except BaseException as error:  # sent back and raised there, as the call in that process would
        outbox.put(("error", error))
    else:
        outbox.put(("end", None))
    sender.join()


def _send(connection: Connection, outbox: queue.SimpleQueue[tuple[str, Any]]) -> None:
    while True:
        kind, value = outbox.get()
        try:
            connection.send((kind, value))
        except OSError:  # the build stopped listening: nothing more to send
            return
        except Exception as error:  # an item that does not pickle: the call failed, as far as the build sees
            with contextlib.suppress(Exception):
                connection.send(("error", error))
            return
        if kind != "item":
            return
