"""One measured step of the identity scale benchmark, in its own process so its peak memory is its own.

`python bench/identity/scale_step.py STEP DATABASE_URL [options]` prints one JSON object as its last
line: the step, its seconds, CPU seconds, peak resident memory (MiB) and what it found. Steps:
- `build`: plan a corpus, store its first `--reports` reports (`synthetic.bulk_load`: intake's own
  ingest path, from memory), and pickle the next `--extra` reports to `--extra-file`;
- `add`: store the pickled extra reports (new tips for an incremental run);
- `read`: read what `resolve` reads (account ids, strong identifiers, IP events, account values),
  and nothing else: the floor any resolution pays;
- `resolve`: `identity.linker.resolve`, deterministic (`--mode det`) or with the probabilistic
  layer (`--mode prob`), full with `--full`, with the time of each phase; `--profile FILE` writes a
  cProfile dump, `--tracemalloc` reports the peak of Python allocations per phase.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pickle
import resource
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

from suraksha.config import Settings
from suraksha.identity.linker import STRONG_KINDS, resolve
from suraksha.identity.probabilistic import WEAK_KINDS
from suraksha.intake.accounts import (
    account_ids,
    every_account_values,
    identifier_facts,
    ip_event_facts,
)
from suraksha.storage.session import transaction
from suraksha.synthetic.bulk_load import load_reports
from suraksha.synthetic.plan import plan_corpus
from suraksha.workspace import open_engine

CORPUS_ROOT = Path("/synthetic-corpus")  # the origin recorded for loaded reports (never written)


def peak_resident_mib() -> float:
    """This process's peak resident memory (VmHWM; getrusage's ru_maxrss survives exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: peak memory is measured on Linux only")


class ProcessTree:
    """Samples this process and its descendants (a resolve's scoring process is forked by a fork
    server, so neither its memory nor its CPU shows in getrusage): the peak of their summed
    resident memory, and the CPU time each descendant had used when last seen (a sample every
    `interval` seconds, so a descendant's last fraction of a second may be missed)."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self._cpu_ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProcessTree:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / 2**20

    @property
    def descendants_cpu_seconds(self) -> float:
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        stats: dict[int, list[str]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended since the listing
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            stats[pid] = fields
        tree, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree.update(children)
            frontier.extend(children)
        resident = 0
        for pid in tree:
            stat = stats.get(pid)
            if stat is None:
                continue
            resident += int(stat[21]) * self._page  # rss, in pages
            if pid != os.getpid():
                self._cpu_ticks[pid] = int(stat[11]) + int(stat[12])  # utime + stime
        self.peak_bytes = max(self.peak_bytes, resident)


def build(url: str, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    corpus = plan_corpus(args.persons, args.seed)
    planned = time.perf_counter()
    wanted = args.reports + args.extra
    if len(corpus.reports) < wanted:
        raise SystemExit(f"{args.persons} persons give {len(corpus.reports)} reports, not {wanted}")
    base, extra = corpus.reports[: args.reports], corpus.reports[args.reports : wanted]
    Path(args.extra_file).write_bytes(pickle.dumps(extra, protocol=pickle.HIGHEST_PROTOCOL))
    persons = len({r.person_id for r in base})
    del corpus
    engine = open_engine(Settings(home=Path(args.home), database_url=url), migrate=True)
    loading = time.perf_counter()
    result = load_reports(engine, base, root=CORPUS_ROOT, workers=args.workers)
    engine.dispose()
    return {
        "plan_seconds": round(planned - started, 2),
        "load_seconds": round(time.perf_counter() - loading, 2),
        "reports": result.added,
        "persons": persons,
    }


def add(url: str, args: argparse.Namespace) -> dict[str, Any]:
    # Written by this benchmark's own `build` step, never read from elsewhere.
    extra = pickle.loads(Path(args.extra_file).read_bytes())  # noqa: S301
    engine = open_engine(Settings(home=Path(args.home), database_url=url), migrate=True)
    result = load_reports(engine, extra, root=CORPUS_ROOT, workers=args.workers)
    engine.dispose()
    return {"reports": result.added}


def read(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = open_engine(Settings(home=Path(args.home), database_url=url), migrate=True)
    phases: dict[str, float] = {}
    mark = time.perf_counter()
    with transaction(engine) as session:
        accounts = account_ids(session)
        facts = sum(1 for _ in identifier_facts(session, [k.value for k in STRONG_KINDS]))
        phases["ids+identifiers"] = time.perf_counter() - mark
        mark = time.perf_counter()
        events = sum(1 for _ in ip_event_facts(session))
        phases["ip events"] = time.perf_counter() - mark
        mark = time.perf_counter()
        views = sum(1 for _ in every_account_values(session, WEAK_KINDS))
        phases["account values"] = time.perf_counter() - mark
    engine.dispose()
    return {
        "accounts": len(accounts),
        "strong_identifiers": facts,
        "ip_events": events,
        "views": views,
        "phases": {k: round(v, 2) for k, v in phases.items()},
    }


def run_resolve(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = open_engine(Settings(home=Path(args.home), database_url=url), migrate=True)
    phases: dict[str, float] = {}
    memory: dict[str, float] = {}
    mark = time.perf_counter()
    if args.tracemalloc:
        tracemalloc.start()

    def on_step(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 2)
        mark = now
        if args.tracemalloc:
            memory[name] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.reset_peak()

    # CPU time, not wall time: on a shared machine wall time measures the neighbours.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if profiler:
        profiler.enable()
    with ProcessTree() as tree, transaction(engine) as session:
        result = resolve(
            session,
            full=args.full,
            probabilistic=args.mode == "prob",
            on_step=on_step,
            workers=args.resolve_workers,
        )
    on_step("committed")
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    engine.dispose()
    return {
        "run": result.mode,
        "full_reason": result.full_reason,
        "accounts": result.accounts,
        "recomputed": result.recomputed,
        "subjects": result.subjects,
        "links": result.links,
        "weak_pairs": result.weak_pairs,
        "weak_scored": result.weak_scored,
        "ip_captures": result.ip_captures,
        "read_apart": result.read_apart,
        "apart_failed": result.apart_failed,
        # This process and its descendants together (the scoring process runs beside it).
        "tree_peak_mib": round(tree.peak_mib, 1),
        "descendants_cpu_seconds": round(tree.descendants_cpu_seconds, 2),
        "phases": phases,
        **({"traced_peak_mib": memory} if memory else {}),
    }


STEPS = {"build": build, "add": add, "read": read, "resolve": run_resolve}


def main() -> None:
    parser = argparse.ArgumentParser(description="One step of bench/identity/scale.py.")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("url")
    parser.add_argument("--home", required=True, help="a scratch workspace folder")
    parser.add_argument("--persons", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=int, default=0)
    parser.add_argument("--extra", type=int, default=0)
    parser.add_argument("--extra-file", default="")
    parser.add_argument("--workers", type=int, default=2, help="load processes (build, add)")
    parser.add_argument("--resolve-workers", type=int, default=None,
                        help="resolve's workers (default: its own choice)")  # fmt: skip
    parser.add_argument("--mode", choices=("det", "prob"), default="det")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    found = STEPS[args.step](args.url, args)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime - before.ru_utime - before.ru_stime
    print(
        json.dumps(
            {
                "step": args.step,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu + children.ru_utime + children.ru_stime, 2),
                "peak_mib": round(peak_resident_mib(), 1),
                **found,
            }
        )
    )


if __name__ == "__main__":
    main()
