"""`suraksha documents make` and `suraksha documents list` from the command line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import Engine

from suraksha.cases.workflow import open_case
from suraksha.config import Settings
from suraksha.identity.linker import resolve
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from tests.commands import ok, suraksha


def test_make_and_list_from_the_command_line(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    write_corpus(tmp_path / "corpus", persons=8, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        resolve(session)
        assess_configured(session, settings)
        subject = next(b for b in subject_briefs(session) if b.report_ids)
        case_id = open_case(
            session, "cli:tester", state="Kerala", district="Ernakulam", reason="synthetic",
            subjects=[subject.subject_id],
        ).summary.case_id  # fmt: skip
    out = tmp_path / "letters"
    made = ok(suraksha(settings, "documents", "make", "case-summary", "--case", case_id,
                       "--out", str(out)))  # fmt: skip
    pdf = out / f"{case_id}-case-summary-1.pdf"
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert digest in made and "template version 1" in made
    listed = json.loads(
        ok(suraksha(settings, "documents", "list", "--case", case_id, "--format", "json"))
    )
    assert [(d["kind"], d["template_version"], d["sha256"]) for d in listed] == [
        ("case-summary", 1, digest)
    ]
    assert listed[0]["made_by"].startswith("cli:")
    wrong = suraksha(settings, "documents", "make", "certificate-63", "--case", case_id)
    assert wrong.returncode == 1 and "has no exhibit" in wrong.stderr
