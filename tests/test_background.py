"""The background process a build starts for the models library: it answers its one call as the
call would answer in the build's process, and stops with the build."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from orgen.background import Background


def _warm_and_fail() -> None:
    raise RuntimeError("warming failed")


def _pid_and_sum(*numbers: int) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def _refuse(message: str) -> None:
    raise ValueError(message)


_HOME = os.getpid()


def _die_unless_home() -> int:
    if os.getpid() != _HOME:
        os._exit(3)
    return os.getpid()


def _sleep() -> None:
    time.sleep(60)


def _first_then_sleep() -> Iterator[str]:
    yield "first"
    time.sleep(60)
    yield "late"


def _count_dying_unless_home(count: int) -> Iterator[int]:
    for number in range(count):
        if number == 2 and os.getpid() != _HOME:
            os._exit(3)
        yield number


def _big_then_mark(marker: str) -> Iterator[str]:
    yield "x" * 4_000_000  # far more than a pipe holds
    Path(marker).write_text("on", encoding="utf-8")
    yield "done"


def _unpicklable() -> Iterator[object]:
    yield lambda: None


def test_the_call_runs_in_another_process_and_its_answer_comes_back() -> None:
    background = Background(lambda: None)
    try:
        pid, total = next(background.run(_pid_and_sum, 1, 2, 3))
    finally:
        background.close()
    assert (pid != os.getpid(), total) == (True, 6)


def test_what_the_call_raises_is_raised_here_and_a_failed_warm_up_changes_nothing() -> None:
    background = Background(_warm_and_fail)
    try:
        with pytest.raises(ValueError, match="no such schema"):
            next(background.run(_refuse, "no such schema"))
    finally:
        background.close()


def test_a_process_that_dies_leaves_the_call_to_this_process() -> None:
    background = Background(lambda: None)
    try:
        assert next(background.run(_die_unless_home)) == os.getpid()
    finally:
        background.close()


def test_closing_stops_a_call_still_running() -> None:
    background = Background(lambda: None)
    background.run(_sleep)
    start = time.perf_counter()
    background.close()
    assert time.perf_counter() - start < 10
    assert not background._process.is_alive()


def test_a_generators_items_come_as_soon_as_they_are_made() -> None:
    background = Background(lambda: None)
    start = time.perf_counter()
    try:
        assert next(background.run(_first_then_sleep)) == "first"
    finally:
        background.close()
    assert time.perf_counter() - start < 10


def test_a_process_that_dies_midway_leaves_the_items_still_to_come_to_this_process() -> None:
    background = Background(lambda: None)
    try:
        assert list(background.run(_count_dying_unless_home, 5)) == [0, 1, 2, 3, 4]
    finally:
        background.close()


def test_the_call_goes_on_while_an_item_waits_to_be_read(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    background = Background(lambda: None)
    try:
        answers = background.run(_big_then_mark, str(marker))
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists()  # the call went past its first item before anyone read it
        assert [len(answer) for answer in answers] == [4_000_000, 4]
    finally:
        background.close()


def test_an_item_that_cannot_be_sent_is_an_error_here() -> None:
    background = Background(lambda: None)
    try:
        with pytest.raises(Exception, match="pickle"):
            next(background.run(_unpicklable))
    finally:
        background.close()
