"""The ingest pipeline on a synthetic corpus: exactly once, versions kept, nothing lost."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from suraksha.intake.models import (
    Account,
    Identifier,
    QuarantineRecord,
    RawDocument,
    Tip,
    TipFile,
    TipVersion,
)
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import CorpusSummary, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CorpusSummary]:
    out = tmp_path_factory.mktemp("corpus") / "tips"
    return out, write_corpus(out, persons=25, seed=11)


def table_counts(db: Engine) -> dict[str, int]:
    with transaction(db) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                Tip,
                TipVersion,
                RawDocument,
                Account,
                Identifier,
                TipFile,
                QuarantineRecord,
            )
        }


def test_corpus_ingests_once_and_again_changes_nothing(
    db: Engine, corpus: tuple[Path, CorpusSummary]
) -> None:
    folder, summary = corpus
    first = ingest(db, plan([folder]))
    assert (first.added, first.new_versions, first.unchanged, first.quarantined) == (
        summary.reports, 0, 0, [],
    )  # fmt: skip
    assert sorted(Path(p).name for p in first.skipped) == ["known-hashes.md5", "truth.json"]
    assert first.files == summary.files
    counts = table_counts(db)
    assert counts["tips"] == counts["tip_versions"] == summary.reports

    second = ingest(db, plan([folder]))
    assert (second.added, second.unchanged, second.files) == (0, summary.reports, 0)
    assert table_counts(db) == counts


def test_raw_documents_are_kept_byte_for_byte(
    db: Engine, corpus: tuple[Path, CorpusSummary]
) -> None:
    folder, _ = corpus
    json_tip = next(folder.glob("*.json"), None)
    assert json_tip is not None and json_tip.name != "truth.json"
    ingest(db, plan([json_tip]))
    with transaction(db) as session:
        [document] = session.scalars(select(RawDocument)).all()
        assert document.content == json_tip.read_bytes()
        assert document.digest == hashlib.sha256(json_tip.read_bytes()).hexdigest()


def test_a_changed_document_is_a_new_version(
    db: Engine, corpus: tuple[Path, CorpusSummary], tmp_path: Path
) -> None:
    folder, _ = corpus
    source = next(p for p in sorted(folder.glob("*.json")) if p.stem.isdigit())
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    ingest(db, plan([copy]))
    document = json.loads(copy.read_text())
    document["incidentSummary"]["incidentType"] = "Online Enticement of Children for Sexual Acts"
    copy.write_text(json.dumps(document))
    result = ingest(db, plan([copy]))
    assert (result.added, result.new_versions) == (0, 1)
    with transaction(db) as session:
        tip = session.scalars(select(Tip)).one()
        versions = session.scalars(select(TipVersion).order_by(TipVersion.version)).all()
        assert tip.version == 2
        assert tip.incident_type == "Online Enticement of Children for Sexual Acts"
        assert [v.version for v in versions] == [1, 2]
        assert session.scalar(select(func.count()).select_from(RawDocument)) == 2


def test_broken_and_hostile_units_are_quarantined_with_reasons(db: Engine, tmp_path: Path) -> None:
    (tmp_path / "700000001.json").write_text('{"reportId": 700000001, "reportedPeople": ')
    bomb = tmp_path / "700000002"
    bomb.mkdir()
    (bomb / "report.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<report>&b;</report>"
    )
    result = ingest(db, plan([tmp_path]))
    assert [Path(origin).name for origin, _ in result.quarantined] == [
        "700000001.json",
        "700000002",
    ]
    with transaction(db) as session:
        rows = session.scalars(select(QuarantineRecord).order_by(QuarantineRecord.origin)).all()
        assert [(Path(r.origin).name, r.format_name) for r in rows] == [
            ("700000001.json", "cybertip_json"),
            ("700000002", "ncmec_xml"),
        ]
        assert all(r.reason and r.content_digest and r.size for r in rows)
        assert session.scalar(select(func.count()).select_from(Tip)) == 0


def test_reporter_contact_is_never_an_identifier(
    db: Engine, corpus: tuple[Path, CorpusSummary]
) -> None:
    folder, _ = corpus
    ingest(db, plan([folder]))
    with transaction(db) as session:
        values = set(session.scalars(select(Identifier.raw).where(Identifier.kind == "email")))
    assert values
    # Reporter blocks carry the platforms' own addresses (cybertip-reports@<platform>.example).
    assert not any(value.endswith(".example") for value in values)
