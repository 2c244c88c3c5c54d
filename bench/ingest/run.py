"""Benchmark: ingest throughput and memory on a large synthetic corpus, against parsing alone.

Generates a synthetic corpus (default about 100,000 reports), then measures, each in its own
process, on the same files in the same run:
- baseline `raw-parse`: lxml / json parsing only — the floor no ingest can beat;
- baseline `format-parse`: Suraksha's formats turning documents into tip records, no storage;
- `ingest` into SQLite (the embedded default) and into PostgreSQL, in one process (one core) and
  with `--workers` processes parsing while the writer stores (the writer's own CPU is reported).
Prints documents per second, peak memory, the storage overhead as a ratio to parsing alone, and a
projection for India's yearly volume (5.6 million reports).

Run: `scripts/bench ingest` or `.venv/bin/python bench/ingest/run.py --reports 100000`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from suraksha.synthetic.tips import write_corpus

YEARLY_REPORTS = 5_600_000
REPORTS_PER_PERSON = 2.8  # measured on the generator: reports ≈ 2.8 × persons
MEASURE = Path(__file__).with_name("measure.py")
POSTGRES_ADMIN = os.environ.get(
    "SURAKSHA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def measure(mode: str, corpus: Path, url: str | None = None, workers: int = 0) -> dict[str, Any]:
    command = [
        sys.executable,
        str(MEASURE),
        mode,
        str(corpus),
        *([url, str(workers)] if url else []),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Ingest throughput benchmark.")
    parser.add_argument("--reports", type=int, default=100_000, help="approximate corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL run")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel runs")
    args = parser.parse_args()
    console = Console()
    persons = max(1, round(args.reports / REPORTS_PER_PERSON))
    with tempfile.TemporaryDirectory(prefix="suraksha-ingest-bench-") as scratch:
        corpus = Path(scratch) / "corpus"
        started = time.perf_counter()
        with console.status(f"Generating a synthetic corpus for {persons:,} persons"):
            summary = write_corpus(corpus, persons=persons, seed=args.seed)
        console.print(
            f"Corpus: {summary.reports:,} reports ({summary.xml_reports:,} ESP XML, "
            f"{summary.json_reports:,} JSON), generated in {time.perf_counter() - started:.0f}s"
        )
        rows: list[dict[str, Any]] = []
        for mode in ("raw-parse", "format-parse"):
            with console.status(f"Measuring {mode}"):
                rows.append(measure(mode, corpus) | {"target": "-"})
        for workers in (0, args.workers):
            with console.status(f"Measuring ingest into SQLite, {workers} workers"):
                sqlite_url = f"sqlite:///{Path(scratch) / f'bench-{workers}.sqlite3'}"
                result = measure("ingest", corpus, sqlite_url, workers)
                rows.append(result | {"target": "SQLite", "workers": workers})
        if not args.no_postgres:
            for workers in (0, args.workers):
                with console.status(f"Measuring ingest into PostgreSQL, {workers} workers"):
                    result = _measure_postgres(corpus, workers)
                    rows.append(result | {"target": "PostgreSQL", "workers": workers})

    table = Table("step", "into", "workers", "documents", "seconds", "documents/s", "writer CPU s",
                  "peak MiB", "× format-parse time",
                  title=f"Ingest benchmark (seed {args.seed})")  # fmt: skip
    baseline = next(r for r in rows if r["mode"] == "format-parse")
    for row in rows:
        ratio = row["seconds"] / baseline["seconds"] if baseline["seconds"] else float("nan")
        table.add_row(row["mode"], row["target"], str(row.get("workers", "-")), f"{row['documents']:,}",
                      f"{row['seconds']:.1f}", f"{row['per_second']:,.0f}", f"{row['writer_cpu_seconds']:.1f}",
                      f"{row['peak_mib']:.0f}", f"{ratio:.2f}")  # fmt: skip
    console.print(table)
    for row in rows:
        if row["mode"] == "ingest" and row["per_second"]:
            hours = YEARLY_REPORTS / row["per_second"] / 3600
            how = "one process" if not row["workers"] else f"writer + {row['workers']} workers"
            console.print(f"Projected time for {YEARLY_REPORTS:,} reports into {row['target']} ({how}): "
                          f"{hours:.1f} h")  # fmt: skip


def _measure_postgres(corpus: Path, workers: int) -> dict[str, Any]:
    name = f"suraksha_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
        return measure("ingest", corpus, url, workers)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
