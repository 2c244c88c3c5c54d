"""The web benchmark (`bench/web`) end to end at a tiny size, so that it cannot silently rot:
200 tips built as the benchmark builds them, the real server with two worker processes
(`suraksha serve --workers 2`: a session opened on one is honoured by the other), 2 users signed
in through the form (one of them with a TOTP code), every phase run for half a second, the report
printed."""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import uuid
from pathlib import Path

from bench.web.build import (
    build_into,
    code_digest,
    database_name,
    describe,
    drop_database,
    url_of,
)
from bench.web.load import KINDS, Sample
from bench.web.run import measure, report, running_server
from rich.console import Console
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_ADMIN_URL


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    sample = Sample([i / 1000 for i in range(1, 101)])
    assert (sample.percentile(0.5), sample.percentile(0.95), sample.percentile(0.99)) == (
        50.0,
        95.0,
        99.0,
    )
    assert Sample().percentile(0.95) != Sample().percentile(0.95)  # NaN: nothing measured


def test_the_cached_database_is_named_by_size_seed_and_code() -> None:
    name = database_name(1_000_000, 1, code_digest())
    assert name.startswith("suraksha_bench_web_1000000_s1_") and len(name) <= 63


def test_the_benchmark_runs_end_to_end_at_a_tiny_size(tmp_path: Path) -> None:
    name = f"suraksha_test_webbench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    output = io.StringIO()
    console = Console(file=output, width=150)
    try:
        home = tmp_path / "home"
        home.mkdir()
        build_into(url_of(POSTGRES_ADMIN_URL, name), home, 200, 1, 0, False, console)
        built = describe(POSTGRES_ADMIN_URL, name, home, 1.0)
        assert built.tips == 200
        assert 0 < built.subjects < 200
        args = argparse.Namespace(users=2, seed=1, warmup=0.1, seconds=0.5, think=0.05, skip=())
        log = tmp_path / "serve.log"
        with running_server(built, log, workers=2) as base:
            phases = asyncio.run(measure(base, built, args, console))
        figures = report(phases, built, args, console)
    finally:
        drop_database(POSTGRES_ADMIN_URL, name)
    assert [(name, phase.concurrency) for name, phase in phases.items()] == [
        ("baseline", 1),
        ("paced", 2),
        ("no pause", 2),
        ("floor", 2),
    ]
    for phase in phases.values():
        assert phase.requests > 0
        assert phase.overall().failures == 0
    # Two worker processes served the phases (uvicorn names each as it starts it), and every
    # request succeeded whichever of them took it.
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) == 2
    assert set(phases["no pause"].kinds) <= set(KINDS)
    assert figures["database"]["tips"] == 200
    assert "admin (all)" in output.getvalue()
    assert "Ratios" in output.getvalue()
