"""`suraksha judge` end to end: an analyst splits a wrongly merged subject and the split holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suraksha.config import Settings
from tests.commands import ok, suraksha
from tests.identity.tips import Capture, person, write_tip


def subjects(settings: Settings) -> dict[frozenset[str], str]:
    lines = ok(suraksha(settings, "subjects", "--format", "jsonl")).splitlines()
    rows: list[dict[str, Any]] = [json.loads(line) for line in lines]
    return {frozenset(row["report_ids"]): row["subject_id"] for row in rows}


def account_ids(profile: str) -> list[str]:
    return sorted({word.strip("│ ") for word in profile.split() if word.startswith("account-")})


@pytest.mark.slow
def test_judge_splits_a_household_and_the_split_survives_new_tips(
    settings: Settings, tmp_path: Path
) -> None:
    tips = tmp_path / "tips"
    # Two brothers register the family phone; one of them also logs in from the home line. Shaji's
    # account gives no name, so nothing tells the linker that the phone is shared (brothers who
    # give their names are kept apart by the shared-line guard: tests/identity/test_shared_lines).
    write_tip(tips, 9001, person(user_id="b1", phones=("+91 98470 99999",), first="Biju"))
    write_tip(
        tips,
        9002,
        person(
            user_id="s1",
            phones=("098470 99999",),
            first=None,
            last=None,
            captures=(Capture("202.88.44.55", "2026-05-02T20:15:07Z"),),
        ),
    )
    ok(suraksha(settings, "init"))
    ok(suraksha(settings, "ingest", str(tips)))
    ok(suraksha(settings, "resolve"))
    [merged] = subjects(settings).values()
    profile = ok(suraksha(settings, "subject", merged))
    assert "same_phone" in profile and "+91 98470 99999 (9001)" in profile
    first, second = account_ids(profile)

    judged = suraksha(
        settings,
        "judge",
        first,
        second,
        "different",
        "--reason",
        "different names and ages; shared family phone",
        "--analyst",
        "asha",
    )
    assert "Recorded judgement 1:" in ok(judged)
    resolved = ok(suraksha(settings, "resolve"))
    assert "Incremental: 2 accounts recomputed, " in resolved
    assert "refused same_phone +919847099999" in resolved
    split = subjects(settings)
    assert set(split) == {frozenset({"9001"}), frozenset({"9002"})}
    assert merged in split.values()  # one of the two parts keeps the subject id

    # A later tip of Shaji, on the home line at the same second: it joins him, not his brother.
    later = tmp_path / "later"
    write_tip(
        later,
        9003,
        person(
            service="WhatsApp",
            user_id="w3",
            phones=("9847099999",),
            first=None,
            last=None,
            captures=(Capture("202.88.44.55", "2026-05-03T01:45:07+05:30"),),
        ),
        "WhatsApp",
    )
    ok(suraksha(settings, "ingest", str(later)))
    ok(suraksha(settings, "resolve"))
    after = subjects(settings)
    assert frozenset({"9002", "9003"}) in after and frozenset({"9001"}) in after

    shaji = ok(suraksha(settings, "subject", after[frozenset({"9002", "9003"})]))
    assert "same_ip_event" in shaji and "202.88.44.55 at 2026-05-02T20:15:07Z (9002)" in shaji
    assert "Links refused" in shaji and "judgement 1" in shaji
    assert "Judgements" in shaji and "asha" in shaji and "different" in shaji

    # An unsure later on the same pair supersedes the split; the history stays.
    ok(
        suraksha(
            settings,
            "judge",
            second,
            first,
            "unsure",
            "--reason",
            "the phone bill is in one name",
            "--analyst",
            "ravi",
        )
    )
    ok(suraksha(settings, "resolve"))
    assert set(subjects(settings)) == {frozenset({"9001", "9002", "9003"})}
    history = ok(suraksha(settings, "subject", next(iter(subjects(settings).values()))))
    assert "superseded by 2" in history and "current" in history


def test_judge_errors_are_clear(settings: Settings, tmp_path: Path) -> None:
    write_tip(tmp_path / "tips", 9101, person(user_id="u1"))
    ok(suraksha(settings, "init"))
    ok(suraksha(settings, "ingest", str(tmp_path / "tips")))
    ok(suraksha(settings, "resolve"))
    [subject] = subjects(settings).values()

    unknown = suraksha(settings, "judge", subject, "account-0123", "same", "--reason", "x")
    assert unknown.returncode == 1
    assert "No account or subject 'account-0123'" in unknown.stderr
    assert "suraksha subjects" in unknown.stderr

    no_reason = suraksha(settings, "judge", subject, "account-0123", "same")
    assert no_reason.returncode == 1 and "--reason" in no_reason.stderr

    bad_decision = suraksha(settings, "judge", subject, "account-0123", "maybe", "--reason", "x")
    assert bad_decision.returncode == 1 and "maybe" in bad_decision.stderr

    assert "Example:" in ok(suraksha(settings, "judge", "--help"))
