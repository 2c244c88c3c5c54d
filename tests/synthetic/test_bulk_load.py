"""Loading planned reports from memory stores exactly what writing and ingesting them stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from suraksha.config import Settings
from suraksha.intake.models import Identifier, IpEvent, Tip, TipVersion
from suraksha.intake.pipeline import ingest, plan
from suraksha.synthetic.bulk_load import load_reports, planned_units
from suraksha.synthetic.plan import ReportFormat, plan_corpus
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine
from tests.intake.content import fingerprint

PERSONS, SEED = 40, 5


def _strict(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Rows `fingerprint` leaves out or loosens: surrogate ids, capture instants and origins."""
    with engine.connect() as connection:
        return {
            "identifiers": [tuple(r) for r in connection.execute(
                select(Identifier.id, Identifier.account_id, Identifier.kind, Identifier.raw,
                       Identifier.value).order_by(Identifier.id))],
            "ip_events": [tuple(r) for r in connection.execute(
                select(IpEvent.id, IpEvent.account_id, IpEvent.address, IpEvent.at)
                .order_by(IpEvent.id))],
            "tip_versions": [tuple(r) for r in connection.execute(
                select(TipVersion.tip_id, TipVersion.origin, TipVersion.content_digest)
                .order_by(TipVersion.tip_id))],
        }  # fmt: skip


def test_units_are_the_ones_ingest_would_find(tmp_path: Path) -> None:
    corpus = plan_corpus(PERSONS, SEED)
    write_corpus(tmp_path, persons=PERSONS, seed=SEED)
    found = [(u.origin, u.fmt.name) for u in plan([tmp_path]) if u.fmt is not None]
    planned = [(u.origin, u.fmt.name) for u in planned_units(corpus.reports, tmp_path) if u.fmt]
    assert planned == found
    assert {r.format for r in corpus.reports} == set(ReportFormat)  # both formats exercised


@pytest.mark.parametrize("workers", [0, 2])
def test_loaded_rows_equal_ingested_rows(
    db: Engine, other_settings: Settings, tmp_path: Path, workers: int
) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, persons=PERSONS, seed=SEED)
    ingested = ingest(db, plan([corpus]))
    reference = open_engine(other_settings, migrate=True)
    try:
        loaded = load_reports(
            reference, plan_corpus(PERSONS, SEED).reports, root=corpus, workers=workers
        )
        assert loaded.counts() | {"run_id": 0, "skipped": 0} == ingested.counts() | {
            "run_id": 0,
            "skipped": 0,  # truth.json and known-hashes.md5 exist only on disk
        }
        assert loaded.added == ingested.added > 100
        assert fingerprint(reference) == fingerprint(db)
        assert _strict(reference) == _strict(db)
        with reference.connect() as connection:
            assert connection.scalar(select(Tip.id).limit(1)) is not None
    finally:
        reference.dispose()
