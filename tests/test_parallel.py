"""`ordered_map`: input order whatever the workers, bounded input pulls, and a dead worker survived;
`Apart`: one call in another process, its failures reported."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator

import pytest

from suraksha.parallel import Apart, WorkerFailed, ordered_map


def square_with_pid(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def die_in_a_worker_on_13(value: int) -> int:
    if value == 13 and multiprocessing.parent_process() is not None:
        os._exit(1)  # as a worker killed by the kernel would
    return -value


@pytest.mark.parametrize(("workers", "chunk"), [(0, 1), (1, 3), (2, 1), (2, 7)])
def test_results_come_back_in_input_order(workers: int, chunk: int) -> None:
    results = list(ordered_map(square_with_pid, range(100), workers=workers, chunk=chunk))
    assert [item for item, _ in results] == list(range(100))
    assert [value for _, (value, _) in results] == [i * i for i in range(100)]
    pids = {pid for _, (_, pid) in results}
    if workers == 0:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids and 1 <= len(pids) <= workers


def test_the_input_is_pulled_only_as_work_is_handed_out() -> None:
    pulled: list[int] = []

    def lazily() -> Iterator[int]:
        for value in range(10_000):
            pulled.append(value)
            yield value

    results = ordered_map(square_with_pid, lazily(), workers=2, chunk=5, window=3)
    first = next(results)
    assert first[0] == 0
    assert len(pulled) <= 5 * 3 + 5  # the window, plus at most one chunk being refilled
    results.close()  # stopping early cancels what has not started


def test_a_dead_worker_costs_nothing_but_time() -> None:
    results = list(ordered_map(die_in_a_worker_on_13, range(40), workers=2, chunk=4))
    assert results == [(value, -value) for value in range(40)]


def halve(number: int) -> float:
    if number % 2:
        raise ValueError(f"{number} is odd")
    return number / 2


def die(code: int) -> None:
    os._exit(code)


def test_apart_returns_what_the_call_returns_from_another_process() -> None:
    with Apart(square_with_pid, 7) as apart:
        square, pid = apart.result()
    assert square == 49 and pid != os.getpid()


def test_apart_reports_a_call_that_raised() -> None:
    with Apart(halve, 3) as apart, pytest.raises(WorkerFailed, match="ValueError: 3 is odd"):
        apart.result()


def test_apart_reports_a_process_that_died_with_its_exit_code() -> None:
    with Apart(die, 3) as apart, pytest.raises(WorkerFailed, match="exit code 3"):
        apart.result()


def test_closing_apart_stops_a_call_still_running() -> None:
    apart = Apart(time.sleep, 60)
    started = time.monotonic()
    apart.close()
    assert time.monotonic() - started < 30
    with pytest.raises(WorkerFailed):
        apart.result()
