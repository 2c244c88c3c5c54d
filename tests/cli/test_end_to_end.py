"""The command line end to end, as an analyst runs it, on SQLite and PostgreSQL.

The commands run the console script's entry point in this process (tests/commands.py); the last
test starts real `python -m suraksha` processes, for the exit codes scripts depend on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from suraksha.config import Settings
from tests.commands import ok, suraksha, suraksha_process

EXPECTED_KEYS = {
    "subject_id",
    "report_ids",
    "priority",
    "factors",
    "state",
    "district",
    "identifiers",
}


def subjects_jsonl(settings: Settings) -> list[dict[str, Any]]:
    lines = ok(suraksha(settings, "subjects", "--format", "jsonl")).splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.slow
def test_tips_to_subjects_and_reingest_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    ok(suraksha(settings, "synth", "tips", str(corpus), "--persons", "40", "--seed", "3"))
    truth = json.loads((corpus / "truth.json").read_text())
    assert "revision" in ok(suraksha(settings, "init"))
    imported = ok(
        suraksha(settings, "hashes", "import", str(corpus / "known-hashes.md5"), "--bank", "known")
    )
    assert "version 1" in imported
    first = ok(suraksha(settings, "ingest", str(corpus)))
    assert re.search(rf"new tips\s+│ {len(truth['reports'])} ", first.replace(",", ""))
    ok(suraksha(settings, "resolve"))
    before = subjects_jsonl(settings)

    assert before, "no subjects"
    assert all(set(row) >= EXPECTED_KEYS for row in before)
    assert sorted(r for row in before for r in row["report_ids"]) == sorted(truth["reports"])
    priorities = [row["priority"] for row in before]
    assert priorities == sorted(priorities, reverse=True)
    assert all(
        sum(f["weight"] for f in row["factors"]) == pytest.approx(row["priority"]) for row in before
    )
    assert any(row["district"] for row in before)

    again = ok(suraksha(settings, "ingest", str(corpus)))
    assert re.search(
        rf"unchanged \(seen before\)\s+│ {len(truth['reports'])} ", again.replace(",", "")
    )
    ok(suraksha(settings, "resolve"))
    assert subjects_jsonl(settings) == before

    # Spreadsheet formula injection: no exported cell may start like a formula (phones do: "+91…").
    exported = list(csv.reader(io.StringIO(ok(suraksha(settings, "subjects", "--format", "csv")))))
    cells = [cell for row in exported[1:] for cell in row]
    assert any(cell.startswith("'+91") for cell in cells)
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)

    # Filters: a minimum priority and freshness deadlines closing soon.
    floor = priorities[len(priorities) // 2]
    high = [json.loads(line) for line in ok(suraksha(settings, "subjects", "--min-priority", str(floor), "--format", "jsonl")).splitlines()]  # fmt: skip
    assert [row["subject_id"] for row in high] == [
        row["subject_id"] for row in before if row["priority"] >= floor
    ]
    soon = [json.loads(line) for line in ok(suraksha(settings, "subjects", "--due-within", "400", "--format", "jsonl")).splitlines()]  # fmt: skip
    assert soon and all(
        any(f.get("deadline") and f["weight"] > 0 for f in row["factors"]) for row in soon
    )
    none_due = ok(suraksha(settings, "subjects", "--due-within", "0", "--format", "jsonl"))
    assert len(none_due.splitlines()) < len(soon)

    top = before[0]["subject_id"]
    profile = ok(suraksha(settings, "subject", top))
    assert top in profile and "Priority factors" in profile
    # Reading a profile and exporting a list are audited, as the command line's user.
    read = ok(suraksha(settings, "audit", "list", "--action", "subject.read", "--object", top))
    assert "cli:" in read and "subject.read" in read
    exports = ok(suraksha(settings, "audit", "list", "--action", "subject.export"))
    assert "subjects.csv" in exports and "subjects.jsonl" in exports
    ok(suraksha(settings, "subjects"))  # a table on screen is not an export
    again_exports = ok(suraksha(settings, "audit", "list", "--action", "subject.export"))
    assert again_exports.count("subject.export") == exports.count("subject.export")
    banks = ok(suraksha(settings, "hashes", "list"))
    assert "known" in banks


@pytest.mark.slow
def test_bad_input_is_quarantined_with_exit_code_2(settings: Settings, tmp_path: Path) -> None:
    ok(suraksha(settings, "init"))
    tips = tmp_path / "tips"
    tips.mkdir()
    (tips / "555000111.json").write_text('{"reportId": 555000111, "reportedPeople": {')
    hostile = tips / "555000112"
    hostile.mkdir()
    (hostile / "report.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE report [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<report><incidentSummary>&x;</incidentSummary></report>"
    )
    result = suraksha(settings, "ingest", str(tips))
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(r"quarantined\s+│ 2 ", result.stdout)
    assert "555000111.json" in result.stderr and "555000112" in result.stderr
    assert "root:" not in result.stdout + result.stderr

    listed = [
        json.loads(line)
        for line in ok(suraksha(settings, "intake", "quarantine", "--format", "jsonl")).splitlines()
    ]
    assert sorted(Path(r["origin"]).name for r in listed) == ["555000111.json", "555000112"]
    assert all(r["reason"] and r["resolved_run_id"] is None for r in listed)

    # Fix one document and ingest again: its quarantine record is resolved, the summary is JSON.
    (tips / "555000111.json").write_text('{"reportId": 555000111, "reportedInformation": {}}')
    again = suraksha(settings, "ingest", str(tips), "--json")
    assert again.returncode == 2
    summary = json.loads(again.stdout)
    assert (summary["added"], summary["resolved"], summary["quarantined"]) == (1, 1, 1)
    still_open = ok(suraksha(settings, "intake", "quarantine", "--format", "jsonl")).splitlines()
    # The hostile document, sent again unchanged, is still the one open case.
    assert [Path(json.loads(line)["origin"]).name for line in still_open] == ["555000112"]


def test_user_errors_exit_1_with_a_way_forward(settings: Settings, tmp_path: Path) -> None:
    # The session's PostgreSQL database is migrated already; an uninitialised one is a fresh file.
    empty = Settings(home=tmp_path / "new", database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    before_init = suraksha(empty, "subjects")
    assert before_init.returncode == 1
    assert "suraksha init" in before_init.stderr
    ok(suraksha(settings, "init"))
    missing = suraksha(settings, "ingest", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    unknown = suraksha(settings, "subject", "subject-0000")
    assert unknown.returncode == 1 and "suraksha subjects" in unknown.stderr
    bad_option = suraksha(settings, "subjects", "--format", "yaml")
    assert bad_option.returncode == 1 and "--help" in bad_option.stderr
    wrong_format = suraksha(settings, "ingest", "--format", "pdf", str(tmp_path))
    assert wrong_format.returncode == 1 and "ncmec_xml" in wrong_format.stderr
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "keep.txt").write_text("x")
    occupied = suraksha(settings, "synth", "tips", str(tmp_path / "occupied"))
    assert occupied.returncode == 1 and "not an empty folder" in occupied.stderr


@pytest.mark.slow
def test_the_demo_runs_the_whole_path_including_triage(settings: Settings) -> None:
    output = ok(suraksha(settings, "demo", "--persons", "30", "--top", "3"))
    assert "Top 3 subjects" in output
    triage = re.search(
        r"known (\d+), near (\d+), ignorable 0, new-media (\d+)", " ".join(output.split())
    )
    assert triage is not None, output
    known, near, new_media = map(int, triage.groups())
    assert known == 2 and near > 0 and new_media > 0
    scans = ok(suraksha(settings, "scans", "list"))
    assert "DEMO-FIR-1/2026" in scans


def test_a_real_process_exits_0_1_or_2_and_never_with_a_trace(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    version = suraksha_process(settings, "--version")
    assert version.returncode == 0 and version.stdout.startswith("suraksha ")
    before_init = suraksha_process(settings, "subjects")
    assert before_init.returncode == 1 and "suraksha init" in before_init.stderr
    ok(suraksha(settings, "init"))
    tips = tmp_path / "tips"
    tips.mkdir()
    (tips / "555000111.json").write_text('{"reportId": 555000111, "reportedPeople": {')
    quarantined = suraksha_process(settings, "ingest", str(tips), "--json")
    assert quarantined.returncode == 2, quarantined.stdout + quarantined.stderr
    assert json.loads(quarantined.stdout)["quarantined"] == 1
    assert "Traceback" not in before_init.stderr + quarantined.stderr
