"""Benchmark: identity resolution at scale — from scratch, then 10,000 new reports incrementally.

Issue 6, item 8: 1 M reports resolved from scratch in ≤ 5 min and ≤ 8 GB on 2 cores; 10k new
reports linked incrementally against 1 M existing in ≤ 1 min.

For each size N (`--reports 100000,300000`), each step in its own process (`scale_step.py`; peak
memory is that process's VmHWM):
1. **build**: plan a synthetic corpus for N + `--extra` reports (seed `--seed`) and store the first
   N with `synthetic.bulk_load` (intake's own ingest path, from memory: the rows `suraksha ingest`
   stores for the same files, tested). On SQLite the database is cached under `--cache-dir`
   (default ~/.cache/suraksha-bench/identity-scale) keyed by size, seed and a digest of the code
   that decides what is stored; `--rebuild` forces a new one. On PostgreSQL (`--database-url`, an
   admin URL) each size is built into a throwaway database, dropped at the end.
2. **read** (baseline): read only what `resolve` reads — account ids, strong identifiers, IP
   events and the account values the probabilistic layer scores.
3. **resolve from scratch**: `--no-probabilistic`, then with the probabilistic layer (`--full`).
4. **incremental**: store the `--extra` next reports, then `resolve` again (incremental), with the
   probabilistic layer after step 3's run; and, on a fresh copy of the N-report database,
   deterministic full + add + deterministic incremental (skip with `--no-det-incremental`).

Prints each step's seconds, CPU, peak memory, and ratios: resolve time over read time (the floor),
and, with several sizes, each time over the first size's time divided by the size ratio (1.0 =
linear). `--profile DIR` writes cProfile dumps of the from-scratch and incremental resolves.

Run: `scripts/bench scale [--reports N,...]` or
`.venv/bin/python bench/identity/scale.py --reports 1000000`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import suraksha

STEP = Path(__file__).with_name("scale_step.py")
REPORTS_PER_PERSON = 2.8  # measured on the generator: reports ≈ 2.8-2.9 × persons
SOURCE = Path(suraksha.__file__).parent
# What decides the stored rows: the generator, intake, storage (schema), hashing (file matching)
# and the identifier cleaning (and capture lines) intake calls. Linking code is not part of it.
CODE = ("synthetic", "intake", "storage", "hashing", "ids.py", "identity/types.py",
        "identity/names.py", "identity/devices.py", "identity/phones.py",
        "identity/services.py", "identity/urls.py", "identity/ips.py")  # fmt: skip


def code_digest() -> str:
    """A digest of the source files that decide what a built database holds."""
    hasher = hashlib.sha256()
    for entry in CODE:
        path = SOURCE / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.parent.name == "migrations":
                continue  # every step migrates the database it opens: new tables keep a cache
            hasher.update(str(file.relative_to(SOURCE)).encode() + b"\0" + file.read_bytes())
    return hasher.hexdigest()[:12]


def step(name: str, url: str, *options: str, home: Path) -> dict[str, Any]:
    command = [sys.executable, str(STEP), name, url, "--home", str(home), *options]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


@contextmanager
def postgres_database(admin_url: str, template: str | None = None) -> Iterator[str]:
    """A throwaway database on the server of `admin_url` (a copy of `template` when given)."""
    name = f"suraksha_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Identity resolution at scale.")
    parser.add_argument("--reports", default="100000", help="sizes, comma-separated")
    parser.add_argument("--extra", type=int, default=10_000, help="new reports, incremental run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the load")
    parser.add_argument("--database-url", help="PostgreSQL admin URL (default: SQLite)")
    parser.add_argument("--cache-dir", type=Path,
                        default=Path.home() / ".cache" / "suraksha-bench" / "identity-scale")  # fmt: skip
    parser.add_argument("--rebuild", action="store_true", help="ignore cached SQLite databases")
    parser.add_argument("--no-det-incremental", action="store_true")
    parser.add_argument("--profile", type=Path, help="folder for cProfile dumps of resolves")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.reports.split(",")]
    console = Console(width=150)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="suraksha-scale-") as scratch:
            rows += measure_size(size, args, Path(scratch), console)
    report(rows, sizes, args, console)


def measure_size(
    size: int, args: argparse.Namespace, scratch: Path, console: Console
) -> list[dict[str, Any]]:
    persons = math.ceil((size + args.extra) / REPORTS_PER_PERSON * 1.03)
    build_options = ["--persons", str(persons), "--seed", str(args.seed), "--reports", str(size),
                     "--extra", str(args.extra), "--workers", str(args.workers)]  # fmt: skip
    target = "PostgreSQL" if args.database_url else "SQLite"
    rows: list[dict[str, Any]] = []

    def run(name: str, label: str, url: str, *options: str) -> dict[str, Any]:
        with console.status(f"{size:,} reports, {target}: {label}"):
            found = step(name, url, *options, home=scratch)
        found |= {"label": label, "size": size, "target": target}
        console.print(f"  {label}: {found['seconds']:.1f}s, CPU {found['cpu_seconds']:.1f}s, "
                      f"peak {found['peak_mib']:,.0f} MiB "
                      f"{json.dumps({k: v for k, v in found.items() if k in ('phases', 'run', 'recomputed', 'subjects', 'weak_scored', 'ip_captures', 'load_seconds', 'plan_seconds')})}")  # fmt: skip
        rows.append(found)
        return found

    def profile(name: str) -> list[str]:
        if not args.profile:
            return []
        args.profile.mkdir(parents=True, exist_ok=True)
        return ["--profile", str(args.profile / f"{target.lower()}-{size}-{name}.prof")]

    def chain(url: str, reopen: Any) -> None:
        run("read", "read (baseline)", url)
        run("resolve", "resolve det, full", url, "--mode", "det", "--full", *profile("det"))
        run("resolve", "resolve prob, full", url, "--mode", "prob", "--full", *profile("prob"))
        run("add", f"add {args.extra:,} reports", url, "--extra-file", str(extra_file),
            "--workers", str(args.workers))  # fmt: skip
        run("resolve", "resolve prob, incremental", url, "--mode", "prob", *profile("prob-inc"))
        if not args.no_det_incremental:
            with reopen() as again:
                run("resolve", "resolve det, full (2nd copy)", again, "--mode", "det", "--full")
                run("add", f"add {args.extra:,} reports (2nd copy)", again, "--extra-file",
                    str(extra_file), "--workers", str(args.workers))  # fmt: skip
                run("resolve", "resolve det, incremental", again, "--mode", "det",
                    *profile("det-inc"))  # fmt: skip

    console.print(f"[bold]{size:,} reports ({target})[/bold]")
    if args.database_url:
        extra_file = scratch / "extra.pickle"
        with postgres_database(args.database_url) as base:
            run("build", "build (plan + load)", base, *build_options, "--extra-file",
                str(extra_file))  # fmt: skip
            template = make_url(base).database
            with postgres_database(args.database_url, template) as work:

                @contextmanager
                def reopen_pg() -> Iterator[str]:
                    with postgres_database(args.database_url, template) as again:
                        yield again

                chain(work, reopen_pg)
        return rows

    key = f"r{size}-e{args.extra}-s{args.seed}-{code_digest()}"
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    cached, extra_file = args.cache_dir / f"{key}.sqlite3", args.cache_dir / f"{key}.extra.pickle"
    if args.rebuild or not (cached.exists() and extra_file.exists()):
        building = scratch / "build.sqlite3"
        run("build", "build (plan + load)", sqlite_url(building), *build_options,
            "--extra-file", str(extra_file))  # fmt: skip
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{building}{suffix}").exists():
                shutil.move(f"{building}{suffix}", f"{cached}{suffix}")
    else:
        console.print(f"  build: cached {cached} ({cached.stat().st_size / 2**20:,.0f} MiB)")
    working = scratch / "work.sqlite3"
    copy_sqlite(cached, working)

    @contextmanager
    def reopen_sqlite() -> Iterator[str]:
        again = scratch / "again.sqlite3"
        copy_sqlite(cached, again)
        try:
            yield sqlite_url(again)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{again}{suffix}").unlink(missing_ok=True)

    chain(sqlite_url(working), reopen_sqlite)
    return rows


def report(rows: list[dict[str, Any]], sizes: list[int], args: argparse.Namespace,
           console: Console) -> None:  # fmt: skip
    table = Table("reports", "into", "step", "seconds", "CPU s", "peak MiB", "× read", "× read CPU",
                  f"scaling vs {sizes[0]:,}" if len(sizes) > 1 else "scaling",
                  title=f"Identity resolution at scale (seed {args.seed}, "
                  f"+{args.extra:,} for incremental runs)")  # fmt: skip
    first = {row["label"]: row for row in rows if row["size"] == sizes[0]}
    for row in rows:
        read = next(r for r in rows if r["size"] == row["size"] and r["label"] == "read (baseline)")
        times_read = row["seconds"] / read["seconds"] if row["step"] == "resolve" else None
        cpu_read = row["cpu_seconds"] / read["cpu_seconds"] if row["step"] == "resolve" else None
        base = first.get(row["label"])
        scaling = None
        if base is not None and row["size"] != sizes[0] and base["seconds"]:
            scaling = (row["seconds"] / base["seconds"]) / (row["size"] / sizes[0])
        table.add_row(f"{row['size']:,}", row["target"], row["label"], f"{row['seconds']:.1f}",
                      f"{row['cpu_seconds']:.1f}", f"{row['peak_mib']:,.0f}",
                      "" if times_read is None else f"{times_read:.2f}",
                      "" if cpu_read is None else f"{cpu_read:.2f}",
                      "" if scaling is None else f"{scaling:.2f}")  # fmt: skip
    console.print(table)
    console.print(
        "× read: the step's time (CPU: its CPU time) over reading what resolve reads (same "
        "database, same run; on PostgreSQL the server's CPU is not counted); "
        "scaling: time ratio to the first size over the size ratio (1.00 = linear). "
        f"Load uses {args.workers} workers (their CPU is not in 'CPU s'). "
        f"2 noisy shared cores: compare ratios, not seconds. Load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
