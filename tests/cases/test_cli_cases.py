"""`suraksha case`, `suraksha deadlines` and `suraksha evidence` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.identity.linker import resolve
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from tests.commands import Completed, ok, suraksha

FIRST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
OTHER = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"


def test_a_case_from_open_to_deadlines_and_custody(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    write_corpus(tmp_path / "corpus", persons=6, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        resolve(session)
        assess_configured(session, settings)
        subject = next(b for b in subject_briefs(session) if b.identifiers.get("phone"))
    phone = subject.identifiers["phone"][0]

    def run(*args: str) -> Completed:
        return suraksha(settings, *args)

    opened = ok(
        run(
            "case", "open", "--subject", subject.subject_id, "--state", "Kerala",
            "--district", "Ernakulam", "--reason", "synthetic tips", "--at", "2026-01-05T10:00",
            "--officer", "ravi.menon",
        )
    )  # fmt: skip
    assert "Opened case KL-ERN-2026-0001" in opened
    second = ok(
        run(
            "case", "open", "--identifier", f"phone:{phone}", "--state", "Kerala",
            "--district", "Thrissur", "--reason", "phone in a seized diary",
        )
    )  # fmt: skip
    assert "Deconfliction:" in second and "KL-ERN-2026-0001 of KL-ERN" in second
    assert subject.subject_id not in second  # only the key that matched, the unit and the case

    refused = run("case", "advance", "KL-ERN-2026-0001", "trial", "--reason", "skip")
    assert refused.returncode == 1
    assert "cannot move to trial" in refused.stderr and "enquiry, fir" in refused.stderr

    ok(
        run(
            "case", "advance", "KL-ERN-2026-0001", "fir", "--fir-number", "11/2026",
            "--at", "2026-01-10T10:00", "--reason", "prima facie case",
        )
    )  # fmt: skip
    ok(run("case", "event", "11/2026", "arrest", "--at", "2026-03-01T09:00"))
    ok(run("case", "event", "11/2026", "first_remand", "--at", "2026-03-01T16:00"))
    charged = ok(run("case", "charge", "11/2026", "--suggest", "--evidence", "distribution"))
    assert "IT Act s.67B(a)" in charged

    lines = ok(run("deadlines", "--district", "Ernakulam", "--format", "jsonl")).splitlines()
    by_clock = {row["clock"]: row for row in map(json.loads, lines)}
    sheet = by_clock["chargesheet_default_bail"]
    # 60 days counting the day of remand as day 1: midnight IST ending 30 Apr 2026.
    assert (sheet["case_id"], sheet["due"], sheet["due_ist"]) == (
        "KL-ERN-2026-0001",
        "2026-04-29T18:30:00Z",
        "30 Apr 2026 00:00 IST",
    )
    assert sheet["missed"] is (sheet["status"] == "missed")
    table = ok(run("deadlines"))
    assert "chargesheet_default_bail" in table and "KL-ERN-2026-0001" in table

    ok(
        run(
            "evidence", "add", "11/2026", "MO-1", "--seized-at", "2026-03-01T11:15",
            "--place", "Residence, Kakkanad", "--imei", "490154203237518",
            "--witness", "K. Suresh", "--seal", "S-101", "--digest", FIRST,
        )
    )  # fmt: skip
    bad_imei = run(
        "evidence", "add", "11/2026", "MO-2", "--seized-at", "2026-03-01T11:15",
        "--place", "x", "--imei", "490154203237519",
    )  # fmt: skip
    assert bad_imei.returncode == 1 and "not a valid IMEI" in bad_imei.stderr
    mismatch = run(
        "evidence", "custody", "11/2026", "MO-1", "received_at_lab", "--at", "2026-03-03T10:00",
        "--by", "FSL", "--place", "FSL Thiruvananthapuram", "--digest", OTHER,
    )  # fmt: skip
    assert mismatch.returncode == 2 and "DIGEST MISMATCH" in mismatch.stdout

    shown = ok(run("case", "show", "KL-ERN-2026-0001"))
    for expected in (
        "FIR 11/2026 (KL-ERN-2026-0001)",
        "prima facie case",
        "first_remand",
        "POCSO s.15(2)",
        "Warning: do not add BNS s.294",
        "chargesheet_default_bail",
        "Exhibit MO-1",
        "MISMATCH",
        "ALERT:",
        "ravi.menon",
    ):
        assert expected in shown, expected
    shown_second = ok(run("case", "show", "KL-THR-2026-0001"))
    assert "Deconfliction:" in shown_second

    listed = json.loads(ok(run("case", "list", "--format", "json")))
    assert [(c["case_id"], c["stage"], c["fir_number"]) for c in listed] == [
        ("KL-THR-2026-0001", "lead", None),
        ("KL-ERN-2026-0001", "fir", "11/2026"),
    ]
    evidence = json.loads(ok(run("evidence", "show", "11/2026", "--format", "json")))
    assert evidence[0]["alerts"] and evidence[0]["custody"][1]["digest_matches"] is False
    audit = ok(run("audit", "verify"))
    assert "intact" in audit.lower() or "anchor" in audit.lower()


def test_user_errors_say_what_to_fix(settings: Settings, db: Engine) -> None:
    missing = suraksha(settings, "case", "show", "KL-ERN-2026-0042")
    assert missing.returncode == 1 and "suraksha case list" in missing.stderr
    nothing = suraksha(settings, "case", "open", "--district", "Ernakulam", "--reason", "x")
    assert nothing.returncode == 1 and "--subject" in nothing.stderr
    naive = suraksha(settings, "case", "charge", "KL-ERN-2026-0001")
    assert naive.returncode == 1 and "--suggest" in naive.stderr


def test_the_charge_sheet_period_and_a_verdict_from_the_command_line(
    settings: Settings, db: Engine
) -> None:
    def run(*args: str) -> Completed:
        return suraksha(settings, *args)

    ok(
        run(
            "case", "open", "--identifier", "phone:+919876543210", "--state", "Kerala",
            "--district", "Ernakulam", "--reason", "synthetic lead", "--at", "2026-01-05T10:00",
        )
    )  # fmt: skip
    ref = "KL-ERN-2026-0001"
    ok(run("case", "event", ref, "offence", "--at", "2025-12-20T22:00"))
    ok(run("case", "charge", ref, "--add", "pocso:15(1)", "--reason", "stored files"))
    ok(run("case", "charge", ref, "--add", "bns:294", "--reason", "printed material"))
    ok(
        run(
            "case", "advance", ref, "fir", "--fir-number", "5/2026", "--at", "2026-01-10T10:00",
            "--reason", "prima facie case",
        )
    )  # fmt: skip
    ok(run("case", "event", ref, "first_remand", "--at", "2026-03-01T16:00"))

    def sheet_due() -> str:
        lines = ok(run("deadlines", "--met", "--format", "jsonl")).splitlines()
        rows = [json.loads(line) for line in lines]
        return str(next(r["due_ist"] for r in rows if r["clock"] == "chargesheet_default_bail"))

    assert sheet_due() == "30 Apr 2026 00:00 IST"  # 60 days: at most 3 years charged
    wrong = run("case", "chargesheet-period", ref, "--days", "75", "--reason", "r")
    assert wrong.returncode == 1 and "60 or 90 days" in wrong.stderr
    done = ok(
        run("case", "chargesheet-period", "5/2026", "--days", "90", "--reason", "APP's reading")
    )
    assert "90 days" in done
    assert sheet_due() == "30 May 2026 00:00 IST"

    ok(run("case", "advance", ref, "chargesheet", "--at", "2026-03-20T10:00", "--reason", "cs"))
    ok(run("case", "advance", ref, "trial", "--at", "2026-03-25T10:00", "--reason", "cognizance"))
    bare = run("case", "advance", ref, "verdict", "--at", "2026-06-01T15:00", "--reason", "j")
    assert bare.returncode == 1 and "--outcome convicted" in bare.stderr
    judged = ok(
        run(
            "case", "advance", ref, "verdict", "--outcome", "convicted", "--charge", "POCSO:15(1)",
            "--at", "2026-06-01T15:00", "--reason", "Special Court judgment",
        )
    )  # fmt: skip
    assert "trial → verdict" in judged and "convicted on POCSO s.15(1)" in judged
    help_text = ok(run("case", "chargesheet-period", "--help"))
    assert "Example:" in help_text
    audit = ok(run("audit", "verify"))
    assert "intact" in audit.lower() or "anchor" in audit.lower()
