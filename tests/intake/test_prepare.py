"""Preparing tips in worker processes stores exactly what preparing them in-process stores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.prepare import CHUNK_UNITS, prepared
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine
from tests.intake.content import fingerprint


@pytest.fixture(scope="module")
def mixed_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus plus a corrected copy of one report, a broken file and a stray file."""
    root = tmp_path_factory.mktemp("mixed")
    corpus = root / "corpus"
    summary = write_corpus(corpus, persons=60, seed=23)
    assert summary.reports > 3 * CHUNK_UNITS  # several chunks per worker
    first_json = next(corpus.glob("*.json"))
    corrected = json.loads(first_json.read_text())
    corrected["incidentSummary"]["incidentType"] = "Child Sex Trafficking"
    (root / "zz-corrections").mkdir()
    (root / "zz-corrections" / first_json.name).write_text(json.dumps(corrected))
    (root / "zz-broken").mkdir()
    (root / "zz-broken" / "900000001.json").write_text('{"reportId": 900000001, "reported')
    (root / "zz-broken" / "notes.txt").write_text("not a tip")
    xml_folder = next(path for path in corpus.iterdir() if path.is_dir())
    shutil.copytree(xml_folder, root / "zz-broken" / xml_folder.name)
    (root / "zz-broken" / xml_folder.name / "report.xml").write_text("<report><oops></report>")
    return root


def test_workers_store_what_one_process_stores(
    db: Engine, other_settings: Settings, mixed_input: Path
) -> None:
    with_workers = ingest(db, plan([mixed_input]), batch_size=50, workers=2)
    reference_db = open_engine(other_settings, migrate=True)
    try:
        in_process = ingest(reference_db, plan([mixed_input]), batch_size=50, workers=0)
        assert with_workers.counts() | {"run_id": 0} == in_process.counts() | {"run_id": 0}
        assert (with_workers.new_versions, with_workers.quarantined_total) == (1, 2)
        assert with_workers.skipped_total == 3  # notes.txt, truth.json, known-hashes.md5
        assert fingerprint(db) == fingerprint(reference_db)
    finally:
        reference_db.dispose()


def test_prepared_documents_keep_the_input_order(mixed_input: Path) -> None:
    units = [unit for unit in plan([mixed_input]) if unit.fmt is not None]
    seen: list[str] = []
    in_workers = [
        (item.origin, item.digest, item.error)
        for item in prepared(units, 1, workers=2, on_unit=lambda unit: seen.append(unit.origin))
    ]
    in_process = [(item.origin, item.digest, item.error) for item in prepared(units, 1)]
    assert in_workers == in_process
    assert seen == [unit.origin for unit in units]
    assert sum(1 for _, _, error in in_workers if error) == 2  # the two broken tips
