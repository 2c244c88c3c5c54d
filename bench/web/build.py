"""The web benchmark's workspace: a PostgreSQL database of N synthetic tips, resolved and assessed.

Built as the product builds one, from memory, once per size, seed and code digest:

    plan_corpus(persons, seed) ──► known-hash bank (hashing.banks.import_list, as `demo` does)
                               └─► first N reports ─► synthetic.bulk_load (intake's own ingest)
                                   ─► identity.linker.resolve (full) ─► assess_configured

The database is built as `<name>_building` and renamed to `<name>` only once complete, so a
database with the final name is always whole; `<name>` carries the size, the seed and a digest
of the code that decides the stored rows (`ROW_CODE`). Schema changes (migrations, index
declarations) do not change the rows: a reused database is migrated to head when opened, so an
index added by a migration is built on it then, as on a unit's server. Each stage (ingest,
resolve, assess) commits on its own, so a build that stopped resumes from its last whole stage
(`build_into`). The workspace folder (the key that seals TOTP secrets, the bank list) sits
beside it under the cache folder.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

import suraksha
from suraksha.config import Settings
from suraksha.hashing.banks import BankKind, import_list
from suraksha.identity.linker import resolve
from suraksha.identity.models import Subject
from suraksha.intake.models import Tip
from suraksha.intel.assessment import assess_configured
from suraksha.intel.models import SubjectPriority
from suraksha.storage.base import Base
from suraksha.storage.session import transaction
from suraksha.synthetic.bulk_load import load_reports
from suraksha.synthetic.plan import plan_corpus
from suraksha.synthetic.tips import known_hashes_text
from suraksha.workspace import open_engine

ADMIN_URL: Final = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
"""The server the tests use (tests/conftest.py); the benchmark creates its own databases there."""
DEFAULT_CACHE: Final = Path.home() / ".cache" / "suraksha-bench" / "web"
REPORTS_PER_PERSON: Final = 2.8  # measured on the generator (bench/identity/scale.py)
CORPUS_ROOT: Final = Path("/synthetic-corpus")  # the origin recorded for loaded reports
BANK: Final = "bench-known"
BANK_ENTRIES: Final = 20_000
"""Known hashes imported (the list's first lines). The corpus's whole list (167,521 hashes at
100,000 tips) took minutes on PostgreSQL, each batch's lookup slower than the last, so the bank
is capped: tips whose files are in it still get match factors and profiles still list matches."""
ANALYZE_EVERY: Final = 50_000
"""Tips ingested between two ANALYZEs (`_analyze`): planner statistics that follow the tables."""
SOURCE: Final = Path(suraksha.__file__).parent
ROW_CODE: Final = ("synthetic", "intake", "hashing", "ids.py", "identity", "intel/assessment.py",
                   "intel/priority.py", "intel/routing.py", "intel/freshness.py",
                   "intel/gazetteer.py", "intel/geoip.py", "intel/sightings.py",
                   "intel/stations.py", "intel/weights.py", "intel/overrides.py",
                   "intel/priority-weights.toml")  # fmt: skip
"""What decides the stored rows: generator, intake, banks and matching, linking, assessment.
Models are left out: their index declarations change no row (a column change comes with a
migration, applied on reuse)."""


@dataclass(frozen=True, slots=True)
class BuiltDatabase:
    """A complete benchmark database: where it is and what it holds."""

    url: str
    home: Path
    name: str
    tips: int
    subjects: int
    size_bytes: int
    build_seconds: float | None  # None when reused from the cache


def code_digest() -> str:
    """A digest of the source files that decide what a built database holds."""
    hasher = hashlib.sha256()
    for entry in ROW_CODE:
        path = SOURCE / entry
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in found:
            if file.name == "models.py":
                continue
            hasher.update(str(file.relative_to(SOURCE)).encode() + b"\0" + file.read_bytes())
    return hasher.hexdigest()[:12]


def database_name(tips: int, seed: int, digest: str) -> str:
    """The cached database's name (PostgreSQL names stop at 63 characters)."""
    return f"suraksha_bench_web_{tips}_s{seed}_{digest}"


def url_of(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server of `admin_url`."""
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def existing(admin_url: str, prefix: str) -> list[str]:
    """Databases on the server whose names start with `prefix`, newest first (by OID)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            names = connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p ORDER BY oid DESC"),
                {"p": prefix.replace("_", r"\_") + "%"},
            ).all()
    finally:
        admin.dispose()
    return [str(name) for name in names]


def _admin_execute(admin_url: str, *statements: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


def drop_database(admin_url: str, name: str) -> None:
    """Drop a benchmark database (and a half-built one of that name), if present."""
    _admin_execute(
        admin_url,
        f'DROP DATABASE IF EXISTS "{name}_building" WITH (FORCE)',
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
    )


def settings_for(url: str, home: Path) -> Settings:
    """Workspace settings on the benchmark database (packaged weights, no GeoIP, no stations)."""
    return Settings(home=home, database_url=url)


def progress_bar(console: Console) -> Progress:
    """A Rich progress bar for the long steps."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def ensure_database(
    tips: int,
    seed: int,
    *,
    admin_url: str = ADMIN_URL,
    cache_dir: Path = DEFAULT_CACHE,
    rebuild: bool = False,
    reuse_any: bool = False,
    workers: int = 2,
    probabilistic: bool = False,
    console: Console | None = None,
) -> BuiltDatabase:
    """The database of `tips` tips (seed `seed`): reused when cached, else built.

    `reuse_any` reuses the newest complete database of that size and seed even when the code
    digest differs (said so on the console): for re-measuring after a change that cannot alter
    the rows. `probabilistic` also links on weak evidence; off by default, because at a million
    tips the probabilistic layer needs 11–15 GB (docs/benchmarks.md, identity at scale), and
    what the pages read does not depend on how subjects were linked.
    """
    console = console or Console()
    marker = "p" if probabilistic else ""
    prefix = f"suraksha_bench_web_{tips}_s{seed}_"
    name = database_name(tips, seed, marker + code_digest())
    found = [n for n in existing(admin_url, prefix) if n[len(prefix) :].startswith(marker)]
    if not probabilistic:
        found = [n for n in found if not n[len(prefix) :].startswith("p")]
    complete = [n for n in found if not n.endswith("_building")]
    chosen = name if name in complete else (complete[0] if reuse_any and complete else None)
    if chosen is not None and not rebuild:
        if chosen != name:
            console.print(f"[yellow]reusing {chosen}: built by other code than {name}[/]")
        return describe(admin_url, chosen, cache_dir / chosen, None)
    started = time.perf_counter()
    unfinished = [n.removesuffix("_building") for n in found if n.endswith("_building")]
    if not rebuild and (name in unfinished or (reuse_any and unfinished)):
        # A build that stopped (a crash, a stopped machine) goes on from its last whole stage.
        name = name if name in unfinished else unfinished[0]
        console.print(f"[yellow]resuming the unfinished build of {name}[/]")
    else:
        _admin_execute(
            admin_url,
            f'DROP DATABASE IF EXISTS "{name}_building" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}_building"',
        )
        shutil.rmtree(cache_dir / name, ignore_errors=True)
    home = cache_dir / name
    home.mkdir(parents=True, exist_ok=True)
    building = url_of(admin_url, f"{name}_building")
    build_into(building, home, tips, seed, workers, probabilistic, console)
    _admin_execute(admin_url, f'ALTER DATABASE "{name}_building" RENAME TO "{name}"')
    return describe(admin_url, name, home, time.perf_counter() - started)


def build_into(
    url: str,
    home: Path,
    tips: int,
    seed: int,
    workers: int,
    probabilistic: bool,
    console: Console,
) -> None:
    """Plan, bank, ingest, resolve and assess `tips` reports into the database at `url`.

    Each stage commits on its own, and a stage already done is skipped (tips all stored;
    subjects resolved; every subject assessed), so an interrupted build resumes: ingest is
    idempotent and a re-run stores only what is missing. Resolution and assessment are the two
    halves of `suraksha resolve`, here in two transactions so that a failed assessment does
    not throw away the resolution.
    """
    settings = settings_for(url, home)
    engine = open_engine(settings, migrate=True)
    try:
        if _count(engine, Tip) < tips:
            _ingest(engine, home, tips, seed, workers, console)
            _analyze(engine)
        step = time.perf_counter()
        if _count(engine, Subject) == 0:
            with progress_bar(console) as bar, transaction(engine) as session:
                linking = bar.add_task("Linking accounts", total=4 if probabilistic else 3)
                resolved = resolve(
                    session,
                    full=True,
                    probabilistic=probabilistic,
                    on_step=lambda _name: bar.advance(linking),
                )
            console.print(
                f"  resolved {resolved.subjects:,} subjects in {time.perf_counter() - step:,.0f} s"
            )
            _analyze(engine)
        step = time.perf_counter()
        subjects = _count(engine, Subject)
        if _count(engine, SubjectPriority) < subjects:
            with progress_bar(console) as bar, transaction(engine) as session:
                task = bar.add_task("Assessing subjects", total=subjects)
                assess_configured(session, settings, on_subject=lambda: bar.advance(task))
            console.print(
                f"  assessed {subjects:,} subjects in {time.perf_counter() - step:,.0f} s"
            )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics after a stage that filled tables, as autovacuum would give a
    unit's server in time (it may be off on a test server: there a 1 M ingest slowed from
    20,000 to 7,000 tips a minute, its per-batch deletes planned for the empty tables it
    started with, until an ANALYZE). PostgreSQL only; SQLite plans without statistics."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def _ingest(engine: Engine, home: Path, tips: int, seed: int, workers: int,
            console: Console) -> None:  # fmt: skip
    """Plan the corpus, import its known-hash bank (capped), and ingest its first `tips`."""
    started = time.perf_counter()
    persons = math.ceil(tips / REPORTS_PER_PERSON * 1.03)
    with console.status(f"Planning {persons:,} synthetic persons (seed {seed})"):
        corpus = plan_corpus(persons, seed)
    if len(corpus.reports) < tips:
        raise SystemExit(f"{persons:,} persons give {len(corpus.reports):,} reports, not {tips:,}")
    known = home / "known-hashes.md5"
    lines = known_hashes_text(corpus).splitlines(keepends=True)[:BANK_ENTRIES]
    known.write_bytes("".join(lines).encode("ascii"))
    reports = corpus.reports[:tips]
    del corpus
    console.print(f"  planned {persons:,} persons in {time.perf_counter() - started:,.0f} s")
    step = time.perf_counter()
    with console.status("Importing the known-hash bank"), transaction(engine) as session:
        import_list(session, known, bank=BANK, kind=BankKind.KNOWN)
    console.print(f"  bank of {len(lines):,} hashes in {time.perf_counter() - step:,.0f} s")
    step = time.perf_counter()
    with progress_bar(console) as bar:
        task = bar.add_task("Ingesting tips", total=len(reports))
        for start in range(0, len(reports), ANALYZE_EVERY):
            load_reports(
                engine,
                reports[start : start + ANALYZE_EVERY],
                root=CORPUS_ROOT,
                workers=workers,
                on_unit=lambda _unit: bar.advance(task),
            )
            _analyze(engine)
    console.print(f"  ingested {tips:,} tips in {time.perf_counter() - step:,.0f} s")


def _count(engine: Engine, model: type[Base]) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def describe(admin_url: str, name: str, home: Path, seconds: float | None) -> BuiltDatabase:
    """What the database `name` holds (migrated to head first, as the app would)."""
    url = url_of(admin_url, name)
    home.mkdir(parents=True, exist_ok=True)
    engine = open_engine(settings_for(url, home), migrate=True)
    try:
        with transaction(engine) as session:
            tips = session.scalar(select(func.count()).select_from(Tip)) or 0
            subjects = session.scalar(select(func.count()).select_from(Subject)) or 0
            size = session.scalar(select(func.pg_database_size(name))) or 0
    finally:
        engine.dispose()
    return BuiltDatabase(url, home, name, tips, subjects, int(size), seconds)
