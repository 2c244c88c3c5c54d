"""`ordered_map`: input order whatever the workers, bounded input pulls, and a dead worker survived."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

import pytest

from suraksha.parallel import ordered_map


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
