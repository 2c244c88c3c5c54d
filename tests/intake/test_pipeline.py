"""The ingest pipeline on a synthetic corpus: exactly once, versions kept, nothing lost."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from suraksha.hashing.banks import BankKind, import_list
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


def test_a_new_version_records_what_changed(db: Engine, tmp_path: Path) -> None:
    document = {
        "reportId": 800000001,
        "reportedInformation": {
            "reportingEsp": {"espName": "Instagram"},
            "incidentSummary": {
                "incidentType": "Child Pornography (possession, manufacture, and distribution)",
                "incidentDateTime": "2026-07-01T08:30:00Z",
            },
            "reportedPeople": {
                "reportedPersons": [
                    {
                        "espService": "Instagram",
                        "phones": {"phones": [{"value": "+91 98470 12345"}]},
                    }
                ]
            },
        },
    }
    path = tmp_path / "800000001.json"
    path.write_text(json.dumps(document))
    ingest(db, plan([path]))
    person = document["reportedInformation"]["reportedPeople"]["reportedPersons"][0]  # type: ignore[index]
    person["phones"]["phones"] = [{"value": "+91 97470 55555"}]
    document["reportedInformation"]["incidentSummary"]["incidentType"] = (  # type: ignore[index]
        "Online Enticement of Children for Sexual Acts"
    )
    path.write_text(json.dumps(document))
    ingest(db, plan([path]))
    with transaction(db) as session:
        latest = session.scalars(select(TipVersion).where(TipVersion.version == 2)).one()
    assert latest.changes == {
        "changed": {
            "incident_type": [
                "Child Pornography (possession, manufacture, and distribution)",
                "Online Enticement of Children for Sexual Acts",
            ]
        },
        "added": {"identifiers": ["phone:+91 97470 55555"]},
        "removed": {"identifiers": ["phone:+91 98470 12345"]},
    }


def test_fixing_a_quarantined_document_resolves_its_record(db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "800000002.json"
    path.write_text('{"reportId": 800000002, "reportedInformation": {')
    first = ingest(db, plan([path]))
    assert len(first.quarantined) == 1
    path.write_text(json.dumps({"reportId": 800000002, "reportedInformation": {}}))
    second = ingest(db, plan([path]))
    assert (second.added, second.resolved, second.quarantined) == (1, 1, [])
    with transaction(db) as session:
        record = session.scalars(select(QuarantineRecord)).one()
        assert record.resolved_run_id == second.run_id


def test_identical_file_sets_are_counted_as_bundles(db: Engine, tmp_path: Path) -> None:
    files = {
        "uploadedFiles": {"uploadedFiles": [{"filename": "a.jpg", "verificationHash": "a" * 32}]}
    }
    for number in (800000010, 800000011, 800000012):
        body = {
            "reportId": number,
            "reportedInformation": {"reportingEsp": {"espName": "X"}, **files},
        }
        (tmp_path / f"{number}.json").write_text(json.dumps(body))
    result = ingest(db, plan([tmp_path]), batch_size=2)
    assert (result.added, result.bundled) == (3, 2)


def test_two_versions_of_one_report_in_one_batch(db: Engine, tmp_path: Path) -> None:
    for folder, kind in (("a", "Child Sex Tourism"), ("b", "Child Sex Trafficking")):
        (tmp_path / folder).mkdir()
        body = {
            "reportId": 800000020,
            "reportedInformation": {"incidentSummary": {"incidentType": kind}},
        }
        (tmp_path / folder / "800000020.json").write_text(json.dumps(body))
    result = ingest(db, plan([tmp_path]))
    assert (result.added, result.new_versions) == (1, 1)
    with transaction(db) as session:
        tip = session.scalars(select(Tip)).one()
        assert (tip.version, tip.incident_type) == (2, "Child Sex Trafficking")


def test_a_tip_the_database_refuses_is_quarantined_alone(db: Engine, tmp_path: Path) -> None:
    # PostgreSQL text cannot hold NUL characters; SQLite can. Either way the batch goes in.
    for number, service in ((800000030, "Insta\u0000gram"), (800000031, "Instagram")):
        person = {"espService": service, "espUserId": "42"}
        body = {
            "reportId": number,
            "reportedInformation": {"reportedPeople": {"reportedPersons": [person]}},
        }
        (tmp_path / f"{number}.json").write_text(json.dumps(body))
    result = ingest(db, plan([tmp_path]))
    if db.dialect.name == "postgresql":
        assert result.added == 1
        [(origin, reason)] = result.quarantined
        assert origin.endswith("800000030.json") and "database refused" in reason
    else:
        assert (result.added, result.quarantined) == (2, [])


def test_tips_inside_an_archive_go_in_and_refused_members_are_quarantined(
    db: Engine, corpus: tuple[Path, CorpusSummary], tmp_path: Path
) -> None:
    folder, _ = corpus
    tips = sorted(p for p in folder.glob("*.json") if p.stem.isdigit())[:3]
    delivery = tmp_path / "delivery-2026-11.zip"
    with zipfile.ZipFile(delivery, "w") as archive:
        for tip in tips:
            archive.write(tip, f"batch/{tip.name}")
        archive.writestr("../../outside.json", '{"reportId": 1}')
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = ingest(db, plan([delivery], scratch=scratch))
    assert result.added == 3
    [(origin, reason)] = result.quarantined
    assert origin == f"{delivery}!/../../outside.json" and reason
    assert not (tmp_path / "outside.json").exists()
    with transaction(db) as session:
        origins = sorted(session.scalars(select(TipVersion.origin)))
    assert origins == [f"{delivery}!/batch/{tip.name}" for tip in tips]


def test_victims_and_accounts_hanging_off_them_are_restricted(db: Engine, tmp_path: Path) -> None:
    unit = tmp_path / "800000040"
    unit.mkdir()
    (unit / "report.xml").write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <incidentDateTime>2026-07-01T10:00:00Z</incidentDateTime>
  </incidentSummary>
  <reporter><reportingPerson><email>cybertip-reports@platform.example</email></reportingPerson></reporter>
  <personOrUserReported><espIdentifier>1001</espIdentifier><espService>Instagram</espService></personOrUserReported>
  <victim>
    <victimPerson><firstName>Synthetic</firstName><lastName>Child</lastName><age>13</age></victimPerson>
    <espIdentifier>2002</espIdentifier><espService>Instagram</espService>
    <associatedAccount type="Parent/Guardian"><espIdentifier>3003</espIdentifier></associatedAccount>
  </victim>
</report>
""",
        encoding="utf-8",
    )
    result = ingest(db, plan([unit]))
    assert (result.added, result.quarantined) == (1, [])
    with transaction(db) as session:
        accounts = session.execute(
            select(Account.role, Account.relation, Account.restricted).order_by(Account.position)
        ).all()
    assert [tuple(row) for row in accounts] == [
        ("reported", None, False),
        ("victim", None, True),
        ("associated", "Parent/Guardian", True),
    ]


def test_ignorable_files_are_not_counted_as_material(db: Engine, tmp_path: Path) -> None:
    known, ignorable, unknown = "1" * 32, "2" * 32, "3" * 32
    for name, digest, kind in (
        ("vic.md5", known, BankKind.KNOWN),
        ("nsrl.md5", ignorable, BankKind.IGNORABLE),
    ):
        (tmp_path / name).write_text(f"{digest}  some-file.jpg\n")
        with transaction(db) as session:
            import_list(session, tmp_path / name, bank=name.removesuffix(".md5"), kind=kind)
    tips = tmp_path / "tips"
    tips.mkdir()
    uploads = [
        {"filename": f"{n}.jpg", "verificationHash": h}
        for n, h in enumerate((known, ignorable, unknown))
    ]
    body = {"reportId": 800000040, "uploadedFiles": {"uploadedFiles": uploads}}
    (tips / "800000040.json").write_text(json.dumps(body))
    result = ingest(db, plan([tips]))
    # The NSRL-listed file is neither material nor "new": it is counted apart, with the bank named.
    assert (result.files, result.matched_files, result.ignorable_files) == (2, 1, 1)
    with transaction(db) as session:
        assert session.scalar(select(func.count()).select_from(TipFile)) == 3
