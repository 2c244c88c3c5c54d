"""Migration 0018 on SQLite and PostgreSQL: the examination copies `link-scan` used to write give
way to the scan itself, and a downgrade takes the copied digest back from the scan."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, text

from suraksha.cases.deadlines import IST
from suraksha.cases.evidence import CustodyKind, ItemKind, add_item, evidence_of
from suraksha.cases.workflow import open_case
from suraksha.storage import schema
from suraksha.storage.session import transaction
from suraksha.triage.scanner import ScanRequest, scan

CLI = "cli:tester"
OTHER = "b" * 64


def _migrate(db: Engine, revision: str) -> None:
    config = schema.alembic_config()
    with db.begin() as connection:
        config.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def test_copied_examinations_give_way_to_the_scan(db: Engine, tmp_path: Path) -> None:
    image = tmp_path / "exhibit.zip"
    with zipfile.ZipFile(image, "w") as archive:
        archive.writestr("notes/todo.txt", "buy milk\n")  # benign synthetic content
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    with transaction(db) as session:
        case_id = open_case(
            session,
            CLI,
            state="Kerala",
            district="Ernakulam",
            reason="synthetic",
            identifiers=[("phone", "+919876543210")],
        ).summary.case_id
    (tmp_path / "scratch").mkdir()
    scan_id = scan(db, ScanRequest(image, case_id, "MO-1"), scratch=tmp_path / "scratch").scan_id
    with transaction(db) as session:
        add_item(
            session,
            CLI,
            case_id,
            label="MO-1",
            kind=ItemKind.PHONE,
            seized_at=datetime(2026, 1, 12, 11, 15, tzinfo=IST),
            seized_place="Residence (synthetic)",
            digest=OTHER,
            scan_id=scan_id,
        )
    _migrate(db, "0017")
    with db.begin() as connection:  # what `link-scan` wrote before 0018, with its alert
        item = connection.execute(text("SELECT id, scan_source_digest FROM case_evidence_items"))
        item_id, copied = item.one()
        assert copied == digest  # the downgrade took the digest back from the scan
        step = connection.execute(
            text(
                "INSERT INTO case_custody_steps (item_id, kind, at, handler, place, digest, "
                "digest_matches, note, recorded_by, recorded_at) VALUES (:item, 'examined', "
                ":at, :handler, 'image', :digest, false, '', 'cli:tester', :at) RETURNING id"
            ),
            {
                "item": item_id,
                "at": datetime(2026, 1, 20, 10, 0),
                "handler": f"triage scan {scan_id}",
                "digest": digest,
            },
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO case_evidence_alerts (item_id, step_id, expected, found, raised_at) "
                "VALUES (:item, :step, :expected, :found, :at)"
            ),
            {
                "item": item_id,
                "step": step,
                "expected": OTHER,
                "found": digest,
                "at": datetime(2026, 1, 20, 10, 0),
            },
        )
    _migrate(db, "head")
    with db.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM case_custody_steps")).scalars().all()
        alerts = connection.execute(text("SELECT count(*) FROM case_evidence_alerts")).scalar()
    assert (kinds, alerts) == (["seized"], 0)  # the copy and its alert are gone
    with transaction(db) as session:
        [shown] = evidence_of(session, CLI, case_id)
    assert [(s.kind, s.scan_id, s.digest_matches) for s in shown.steps] == [
        (CustodyKind.SEIZED, None, None),
        (CustodyKind.EXAMINED, scan_id, False),
    ]
    assert len(shown.alerts) == 1  # raised again, from the scan
    with db.connect() as connection:
        raised = connection.execute(text("SELECT scan_id, step_id FROM case_evidence_alerts")).all()
    assert [tuple(row) for row in raised] == [(scan_id, None)]
