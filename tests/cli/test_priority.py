"""`suraksha priority`: overrides as an officer makes them, and weights files as a state writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suraksha.config import Settings
from tests.commands import ok, suraksha
from tests.intel.reports import ENTICEMENT, SyntheticFile, SyntheticReport


def subjects(settings: Settings) -> dict[str, dict[str, Any]]:
    lines = ok(suraksha(settings, "subjects", "--format", "jsonl")).splitlines()
    rows = [json.loads(line) for line in lines]
    return {report: row for row in rows for report in row["report_ids"]}


@pytest.mark.slow
def test_an_officer_overrides_a_subject_and_the_history_is_kept(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "tips"
    SyntheticReport(
        "90600001",
        "100045678901",
        incident_type=ENTICEMENT,
        intended_recipient=True,
        files=(SyntheticFile("cli-new-1", classification="A2"),),
    ).write(folder)
    SyntheticReport("90600002", "100045670000").write(folder)
    ok(suraksha(settings, "init"))
    ok(suraksha(settings, "ingest", str(folder)))
    ok(suraksha(settings, "resolve"))
    before = subjects(settings)
    subject = before["90600002"]["subject_id"]

    out = ok(
        suraksha(
            settings, "priority", "override", subject, "--add", "40",
            "--reason", "Reported person is a school van driver", "--officer", "SI Rekha Nair",
        )
    )  # fmt: skip
    assert "+40 points by SI Rekha Nair" in out
    after = subjects(settings)
    row = after["90600002"]
    assert row["priority"] == pytest.approx(before["90600002"]["priority"] + 40)
    override = next(f for f in row["factors"] if f["factor"] == "officer_override")
    assert override["note"].endswith("Reported person is a school van driver")
    assert sum(f["weight"] for f in row["factors"]) == pytest.approx(row["priority"])

    ok(suraksha(settings, "priority", "override", subject, "--score", "5", "--reason", "Duplicate"))
    ok(suraksha(settings, "resolve"))  # reassessment keeps the standing override
    assert subjects(settings)["90600002"]["priority"] == 5
    history = ok(suraksha(settings, "priority", "history", subject))
    assert "+40 points" in history and "score set to 5" in history and "standing" in history

    blank = suraksha(settings, "priority", "override", subject, "--add", "1", "--reason", " ")
    assert blank.returncode == 1 and "Give a reason" in blank.stderr
    missing = suraksha(settings, "priority", "override", subject, "--add", "1")
    assert missing.returncode == 1 and "--reason" in missing.stderr
    unknown = suraksha(settings, "priority", "override", "subject-x", "--add", "1", "--reason", "r")
    assert unknown.returncode == 1 and "No subject 'subject-x'" in unknown.stderr


def test_weights_command_checks_a_states_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env({"SURAKSHA_HOME": str(tmp_path / "home")})
    packaged = ok(suraksha(settings, "priority", "weights"))
    assert "suraksha-default 2026.11 from packaged" in packaged
    good = tmp_path / "kerala.toml"
    good.write_text('name = "kerala-cpu"\nversion = "2027.1"\n[factors]\nvolume = 4\n', "utf-8")
    monkeypatch.setenv("SURAKSHA_PRIORITY_WEIGHTS", str(good))
    assert f"kerala-cpu 2027.1 from {good}" in ok(suraksha(settings, "priority", "weights"))
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "k"\nversion = "1"\n[factors]\nvolumes = 4\n', "utf-8")
    failed = suraksha(settings, "priority", "weights", str(bad))
    assert failed.returncode == 1
    assert "unknown key `factors.volumes`" in failed.stderr and "bad.toml" in failed.stderr
