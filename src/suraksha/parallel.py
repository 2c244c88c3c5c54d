"""Worker processes across the machine's cores, with results kept in input order.

Reading, parsing, hashing and decoding are CPU-bound and run in worker processes; the database
writer stays in the calling process (one writer, as SQLite wants). Intake uses this to parse tips
while the writer stores earlier batches; triage to hash and decode a device's files. `Apart` runs
one long call beside the caller (identity resolution scores weak evidence while it links IP
captures).

- **Ordered.** Results come back in the order the items were given, so a run stores the same rows in
  the same order with or without workers (and triage can store an archive's members before it).
- **Bounded.** At most `window` chunks are queued or running, and items are pulled from the (lazy)
  input only as chunks are handed out: memory stays flat however long the input.
- **Robust.** Should a worker die (killed, out of memory), the items it held and every later one are
  computed in this process instead, so nothing is skipped.
- **Clean start.** Workers are forked from a fork server that preloads the function's module: they
  inherit neither the caller's threads (Rich's refresh thread) nor its database connections.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class WorkerFailed(RuntimeError):
    """A call run by `Apart` raised, or its process died; the caller can do the work itself."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ordered_map(
    function: Callable[[In], Out],
    items: Iterable[In],
    *,
    workers: int,
    chunk: int = 1,
    window: int = 0,
) -> Generator[tuple[In, Out], None, None]:
    """(item, function(item)) for each item in order, computed by `workers` processes.

    `workers` 0 computes everything in this process (no start-up cost, easier to debug). Items go
    to workers `chunk` at a time; at most `window` chunks (default 4 a worker) are in flight.
    `function` must be a module-level function and items and results picklable. Stopping early
    (an interrupt, or the caller closing the iterator) cancels what has not started.
    """
    source = iter(items)
    if workers <= 0:
        for item in source:
            yield item, function(item)
        return
    pool = ProcessPoolExecutor(workers, mp_context=_context(function))
    pending: deque[tuple[list[In], Future[list[Out]]]] = deque()
    limit = window or workers * 4
    apply = partial(_apply, function)
    leftovers: list[In] = []  # in input order: what a dead pool left undone
    broken = False
    try:
        while not broken:
            while len(pending) < limit and (batch := list(islice(source, chunk))):
                try:
                    pending.append((batch, pool.submit(apply, batch)))
                except BrokenProcessPool:  # a worker died since the last result came back
                    leftovers = [item for held, _ in pending for item in held] + batch
                    broken = True
                    break
            if broken or not pending:
                break
            batch, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                leftovers = batch + [item for held, _ in pending for item in held]
                broken = True
                break
            yield from zip(batch, results, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if not broken:
        return
    # A worker died: what it and the others held, and the rest, are done here, in order.
    for item in leftovers:
        yield item, function(item)
    for item in source:
        yield item, function(item)


class Apart(Generic[Out]):
    """`function(*args)` computed in a process of its own while the caller goes on.

    `result()` waits for it and returns it, or raises `WorkerFailed` with the reason (the call
    raised, or its process died: killed, out of memory). `close()` (also on leaving a `with`
    block) stops a call whose result is no longer wanted. `function` must be a module-level
    function; its arguments and result are pickled, so a large result costs its copy.
    """

    def __init__(self, function: Callable[..., Out], *args: Any) -> None:
        context = _context(function)
        receiver, sender = context.Pipe(duplex=False)
        self._receiver = receiver
        self._process = context.Process(
            target=_send_result, args=(sender, function, args), daemon=True
        )
        self._process.start()
        sender.close()  # the child's end: once the child exits, reading it ends (EOFError)

    def result(self) -> Out:
        try:
            failed, value = self._receiver.recv()
        except (EOFError, OSError) as error:
            self.close()
            raise WorkerFailed(
                f"the worker process ended without a result (exit code {self._process.exitcode})"
            ) from error
        self._process.join()
        if failed:
            raise WorkerFailed(value)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()

    def __enter__(self) -> Apart[Out]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _send_result(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = function(*args)
    except BaseException as error:  # every failure, an interrupt too, is the caller's to know
        sender.send((True, f"{type(error).__name__}: {error}"))
    else:
        sender.send((False, result))
    finally:
        sender.close()


def _context(
    function: Callable[..., object],
) -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """A fork server that preloads the function's module (spawn where there is no fork)."""
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the function's module once; workers forked from it inherit it.
    context.set_forkserver_preload([_module_of(function)])
    return context


def _module_of(function: Callable[..., object]) -> str:
    target = function.func if isinstance(function, partial) else function
    return str(getattr(target, "__module__", None) or __name__)


def _apply(function: Callable[[In], Out], batch: list[In]) -> list[Out]:
    return [function(item) for item in batch]
