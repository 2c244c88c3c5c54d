"""Benchmark: the subject list and profile, pages and JSON API, at 20 concurrent users.

Issue 7, item 6: with 1 M tips and 300k subjects in PostgreSQL, subject list and subject profile
p95 < 200 ms at 20 concurrent users on loopback.

1. **database** (`bench/web/build.py`): N synthetic tips (`--tips`, default 1,000,000) stored by
   `synthetic.bulk_load` (ingest's own pipeline, from memory), resolved in full and assessed
   (priority and routing) as `suraksha resolve` does; cached on the PostgreSQL server
   (`--admin-url`) by size, seed and code digest, reused by later runs.
2. **accounts**: `--users` new accounts through `security.users` (an admin, analysts of the two
   largest states and officers of the largest districts, in turn; TOTP secrets issued for the
   roles that need them).
3. **server**: `python -m suraksha serve --workers N` on a free loopback port (uvicorn;
   `--serve-workers`, default one a core, as docs/web.md advises a unit to run it),
   `SURAKSHA_COOKIE_SECURE=false`.
4. **users**: each account signs in through the sign-in form (and its code step), reads its own
   list through the API to draw the subjects it will open, then requests, without pause, a mix of
   list pages (default, a district, a minimum priority, a freshness window, sorted by deadline,
   deep pages of 100) and profiles, as pages and as JSON (`bench/web/load.py`).
5. **phases**, each `--seconds` long after a `--warmup`: the mix with one request in flight (one
   worker serving every user in turn: **baseline**, the same requests without concurrency); the
   mix with `--users` requests in flight; a static file at `--users` in flight (**floor**: what the
   server and client cost without the application).

Prints p50/p95/p99 and throughput per request kind and per list variant, and the ratios: p95 at
`--users` over p95 at one (the concurrency cost) and over the static file's p95 (the floor).
Latency is measured in the client, from sending the request to reading the whole body. The
client runs on the same 2 cores as the server and the database: compare ratios.

Run: `scripts/bench web [--tips N]` or `.venv/bin/python -m bench.web.run --tips 100000` (from
the repository's root).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from tests.e2e.server import running_server as serving

from bench.web.build import ADMIN_URL, DEFAULT_CACHE, BuiltDatabase, ensure_database, settings_for
from bench.web.load import (
    KINDS,
    LIST_VARIANTS,
    PhaseResult,
    Sample,
    drive,
    drive_static,
    make_users,
    open_users,
)

TARGET_MS: Final = 200.0
BASELINE: Final = "baseline"  # the same mix, one request at a time
PACED: Final = "paced"  # the users pausing between requests, as people do
SATURATED: Final = "no pause"  # every user's next request sent as soon as the last is answered
FLOOR: Final = "floor"  # a static file: the server and client without the application
STATIC_FILE: Final = "/static/style.css"


@contextmanager
def running_server(built: BuiltDatabase, log: Path, workers: int = 1) -> Iterator[str]:
    """`python -m suraksha serve --workers N` on the benchmark database; yields its base URL."""
    env = dict(os.environ)
    env.update(
        SURAKSHA_HOME=str(built.home),
        SURAKSHA_DATABASE_URL=built.url,
        SURAKSHA_COOKIE_SECURE="false",
    )
    env.pop("SURAKSHA_SECRET_KEY", None)  # the workspace's key file sealed the bench's secrets
    with serving(env, log, workers=workers) as base:
        yield base


async def measure(
    base: str, built: BuiltDatabase, args: argparse.Namespace, console: Console
) -> dict[str, PhaseResult]:
    """Sign the users in, then run the phases; returns them by name, in order."""
    seats = make_users(settings_for(built.url, built.home), uuid.uuid4().hex[:6], args.users)
    with console.status(f"Signing in {len(seats)} users and drawing their subjects"):
        users = await open_users(base, seats, args.seed, args.skip)
    for user in users:
        reach = f"{user.total:,}" if user.exact else f"over {user.total:,}"
        console.print(f"  {user.seat.name}: {user.seat.label}, {reach} subjects in reach")
    phases: dict[str, PhaseResult] = {}
    count = len(users)
    try:
        with console.status("Warming up"):
            await drive(users, count, args.warmup, "warm-up")
        with console.status(f"Baseline: one request at a time for {args.seconds:.0f} s"):
            phases[BASELINE] = await drive(users, 1, args.seconds, BASELINE)
        if args.think > 0:
            with console.status(
                f"{count} users pausing ~{args.think:g} s for {args.seconds:.0f} s"
            ):
                phases[PACED] = await drive(users, count, args.seconds, PACED, think=args.think)
        with console.status(f"{count} users without pause for {args.seconds:.0f} s"):
            phases[SATURATED] = await drive(users, count, args.seconds, SATURATED)
        with console.status(f"Floor: a static file, {count} in flight"):
            phases[FLOOR] = await drive_static(base, count, args.seconds, STATIC_FILE)
    finally:
        for user in users:
            await user.client.aclose()
    return phases


def milliseconds(value: float) -> str:
    """Milliseconds as the tables print them (– for nothing measured)."""
    return "–" if math.isnan(value) else f"{value:,.1f}"


def _figures(sample: Sample, seconds: float) -> dict[str, float]:
    return {
        "requests": len(sample.latencies),
        "failed": sample.failures,
        "p50": sample.percentile(0.50),
        "p95": sample.percentile(0.95),
        "p99": sample.percentile(0.99),
        "per_second": len(sample.latencies) / seconds,
    }


def report(
    phases: dict[str, PhaseResult],
    built: BuiltDatabase,
    args: argparse.Namespace,
    console: Console,
) -> dict[str, Any]:
    """Print the tables and the ratios; return the figures (for `--json`)."""
    one, floor = phases[BASELINE], phases[FLOOR].kinds["static file"]
    title = f"Subjects, {built.tips:,} tips, {built.subjects:,} subjects (PostgreSQL)"
    table = Table("phase", "users", "pause s", "kind", "requests", "failed", "p50 ms", "p95 ms",
                  "p99 ms", "req/s", title=title)  # fmt: skip
    figures: dict[str, Any] = {"phases": {}}
    for label, phase in phases.items():
        users = "1 at a time" if label == BASELINE else str(phase.concurrency)
        rows = [*sorted(phase.kinds.items()), ("all", phase.overall())]
        figures["phases"][label] = {kind: _figures(s, phase.seconds) for kind, s in rows}
        for kind, _sample in rows:
            found = figures["phases"][label][kind]
            table.add_row(label, users, f"{phase.think:g}", kind, f"{found['requests']:,}",
                          str(found["failed"]), milliseconds(found["p50"]),
                          milliseconds(found["p95"]), milliseconds(found["p99"]),
                          f"{found['per_second']:,.1f}")  # fmt: skip
    console.print(table)
    loaded = [label for label in (PACED, SATURATED) if label in phases]
    variants = Table("list variant", *(f"p95 {label}" for label in loaded), "p95 baseline",
                     title="List variants (ms)")  # fmt: skip
    for name in sorted(phases[SATURATED].variants):
        variants.add_row(name, *(milliseconds(phases[label].variants.get(name, Sample())
                                              .percentile(0.95)) for label in loaded),
                         milliseconds(one.variants.get(name, Sample()).percentile(0.95)))  # fmt: skip
    console.print(variants)
    ratios = Table("phase", "kind", "p95 ms", "p95 baseline ms", "× baseline", "× static file",
                   f"p95 < {TARGET_MS:.0f} ms", title="Ratios")  # fmt: skip
    for label in loaded:
        for kind in KINDS:
            at_load = phases[label].kinds.get(kind, Sample()).percentile(0.95)
            alone = one.kinds.get(kind, Sample()).percentile(0.95)
            met = "met" if at_load < TARGET_MS else "NOT met"
            ratios.add_row(label, kind, milliseconds(at_load), milliseconds(alone),
                           f"{at_load / alone:.2f}", f"{at_load / floor.percentile(0.95):.1f}",
                           met)  # fmt: skip
    console.print(ratios)
    rates = ", ".join(
        f"{label} {phase.requests / phase.seconds:,.1f}" for label, phase in phases.items()
    )
    console.print(
        f"Requests a second: {rates}. Load average {os.getloadavg()[0]:.1f}; "
        "2 shared cores: compare ratios, not milliseconds."
    )
    figures |= {
        "database": {k: v for k, v in asdict(built).items() if k not in ("url", "home")},
        "users": args.users,
        "think": args.think,
        "skipped": list(args.skip),
        "seconds": args.seconds,
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="Subject list and profile at concurrent users.")
    parser.add_argument("--tips", type=lambda v: int(v.replace("_", "")), default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=20, help="virtual users (accounts)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause of a user between requests in the paced phase, "
                        "seconds (0: no paced phase)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--skip", type=lambda v: tuple(v.split(",")), default=(),
                        help=f"list variants to leave out of the mix ({', '.join(LIST_VARIANTS)})")  # fmt: skip
    parser.add_argument("--admin-url", default=ADMIN_URL, help="PostgreSQL server (admin URL)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--rebuild", action="store_true", help="build even when cached")
    parser.add_argument("--reuse-any", action="store_true",
                        help="reuse a database of this size and seed built by other code")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the load")
    parser.add_argument(
        "--serve-workers",
        type=int,
        default=os.cpu_count() or 1,
        help="`suraksha serve --workers`: server processes (default: the cores)",
    )
    parser.add_argument("--probabilistic", action="store_true", help="resolve with weak evidence")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    console = Console(width=150)
    built = ensure_database(
        args.tips,
        args.seed,
        admin_url=args.admin_url,
        cache_dir=args.cache_dir,
        rebuild=args.rebuild,
        reuse_any=args.reuse_any,
        workers=args.workers,
        probabilistic=args.probabilistic,
        console=console,
    )
    built_in = "cached" if built.build_seconds is None else f"built in {built.build_seconds:,.0f} s"
    console.print(
        f"[bold]{built.name}[/]: {built.tips:,} tips, {built.subjects:,} subjects, "
        f"{built.size_bytes / 2**30:,.2f} GiB ({built_in})"
    )
    with running_server(built, built.home / "serve.log", args.serve_workers) as base:
        phases = asyncio.run(measure(base, built, args, console))
    figures = report(phases, built, args, console)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
