"""Analysts' judgements win over the linker on every run, and none is ever lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.errors import UserInputError
from suraksha.identity.judgements import (
    Decision,
    all_judgements,
    current_judgements,
    judgements_touching,
    pair_history,
    record_judgement,
)
from suraksha.identity.linker import resolve
from suraksha.identity.subjects import blocked_links_of, links_of
from suraksha.intake.accounts import account_ids
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.records import AccountRole
from suraksha.storage.session import transaction
from tests.identity.tips import account_of, person, reports_by_subject, run, write_tip


def judge(db: Engine, first: str, second: str, decision: Decision, reason: str = "checked") -> int:
    with transaction(db) as session:
        return record_judgement(session, first, second, decision, reason=reason, analyst="asha").id


def accounts(db: Engine) -> dict[str, str]:
    with transaction(db) as session:
        return account_of(session)


def test_different_cuts_the_weakest_link_of_the_chain(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 8001, person(user_id="u1", emails=("arun.k@example.in",)))
    write_tip(tmp_path, 8002, person(emails=("arun.k@example.in",), phones=("+919847011111",)))
    write_tip(tmp_path, 8003, person(phones=("9847011111",)))  # a family phone
    before = run(db, tmp_path)
    assert set(before) == {frozenset({"8001", "8002", "8003"})}
    ids = accounts(db)
    judgement = judge(db, ids["8001"], ids["8003"], Decision.DIFFERENT, "different fathers' names")

    with transaction(db) as session:
        result = resolve(session)
        after = reports_by_subject(session)
        refused = blocked_links_of(session, [ids["8003"]])
        kept = links_of(session, [ids["8001"], ids["8002"], ids["8003"]])
    # The e-mail link is stronger than the shared phone: the phone link is the one cut, and the
    # larger part keeps the subject id.
    assert after == {
        frozenset({"8001", "8002"}): before[frozenset({"8001", "8002", "8003"})],
        frozenset({"8003"}): after[frozenset({"8003"})],
    }
    assert [(link.rule, link.value, link.blocked_by) for link in refused] == [
        ("same_phone", "+919847011111", judgement)
    ]
    assert [link.rule for link in kept] == ["same_email"]
    assert [(b.rule, b.judgement) for b in result.blocked] == [("same_phone", judgement)]


def test_same_joins_and_a_later_unsure_lifts_it_with_the_history_kept(
    db: Engine, tmp_path: Path
) -> None:
    write_tip(tmp_path, 8101, person(user_id="u1"))
    write_tip(tmp_path, 8102, person(service="Snapchat", user_id="s1"), "Snapchat")
    run(db, tmp_path)
    ids = accounts(db)
    first = judge(
        db, ids["8101"], ids["8102"], Decision.SAME, "same selfie background, same school"
    )
    with transaction(db) as session:
        resolve(session)
        joined = reports_by_subject(session)
        [link] = links_of(session, [ids["8101"]])
    assert set(joined) == {frozenset({"8101", "8102"})}
    assert (link.rule, link.value) == ("judged_same", f"judgement {first}")
    assert link.evidence["analyst"] == "asha"
    assert link.evidence["reason"] == "same selfie background, same school"

    second = judge(db, ids["8102"], ids["8101"], Decision.UNSURE, "the school is a large one")
    with transaction(db) as session:
        resolve(session)
        apart = reports_by_subject(session)
        history = all_judgements(session)
        current = current_judgements(session)
        pair = pair_history(session, history[-1])
    assert set(apart) == {frozenset({"8101"}), frozenset({"8102"})}
    assert [(j.id, j.decision, j.superseded_by) for j in history] == [
        (first, Decision.SAME, second),
        (second, Decision.UNSURE, None),
    ]
    assert [j.id for j in current] == [second] == [j.id for j in pair][1:]


def test_a_subject_judgement_keeps_all_of_its_accounts_apart(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 8201, person(phones=("+919847022222",)))
    write_tip(tmp_path, 8202, person(phones=("9847022222",)))
    write_tip(tmp_path, 8203, person(emails=("ravi.m@example.in",)))
    subjects = run(db, tmp_path)
    x, y = subjects[frozenset({"8201", "8202"})], subjects[frozenset({"8203"})]
    judgement = judge(db, x, y, Decision.DIFFERENT)
    with transaction(db) as session:
        [view] = all_judgements(session)
    ids = accounts(db)
    assert sorted(view.accounts_a + view.accounts_b) == sorted(ids.values())
    assert {view.given_a, view.given_b} == {x, y}

    # A new tip holds the phone of one and the e-mail of the other: it may join one, not both.
    bridge = tmp_path / "later"
    write_tip(bridge, 8204, person(phones=("9847022222",), emails=("ravi.m@example.in",)))
    after = run(db, bridge)
    assert set(after) == {frozenset({"8201", "8202"}), frozenset({"8203", "8204"})}
    with transaction(db) as session:
        refused = blocked_links_of(session, list(ids.values()))
    assert [(link.rule, link.blocked_by) for link in refused] == [("same_phone", judgement)]


def test_an_account_judged_different_from_its_own_subject_leaves_it(
    db: Engine, tmp_path: Path
) -> None:
    for report in (8301, 8302, 8303):
        write_tip(tmp_path, report, person(user_id=f"u{report}", phones=("+919847033333",)))
    subjects = run(db, tmp_path)
    subject = subjects[frozenset({"8301", "8302", "8303"})]
    ids = accounts(db)
    judge(db, ids["8303"], subject, Decision.DIFFERENT, "the number was recycled in 2025")
    with transaction(db) as session:
        [view] = all_judgements(session)
        resolve(session)
        after = reports_by_subject(session)
    assert view.accounts_a == (ids["8303"],) or view.accounts_b == (ids["8303"],)
    assert ids["8303"] not in set(view.accounts_a) & set(view.accounts_b)
    assert after == {
        frozenset({"8301", "8302"}): subject,
        frozenset({"8303"}): after[frozenset({"8303"})],
    }


def test_different_wins_over_a_conflicting_same(db: Engine, tmp_path: Path) -> None:
    for report in (8401, 8402, 8403):
        write_tip(tmp_path, report, person(user_id=f"u{report}"))
    run(db, tmp_path)
    ids = accounts(db)
    apart = judge(db, ids["8401"], ids["8402"], Decision.DIFFERENT)
    first = judge(db, ids["8401"], ids["8403"], Decision.SAME)
    second = judge(db, ids["8403"], ids["8402"], Decision.SAME)
    with transaction(db) as session:
        result = resolve(session)
        after = reports_by_subject(session)
    assert set(after) == {frozenset({"8401", "8403"}), frozenset({"8402"})}
    assert result.conflicts == [(second, apart)]
    assert first not in {same for same, _ in result.conflicts}


def test_judgements_survive_a_new_version_of_the_tip(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 8501, person(user_id="u1", phones=("+919847055501",)))
    write_tip(tmp_path, 8502, person(user_id="u2", phones=("9847055501",)))
    run(db, tmp_path)
    ids = accounts(db)
    judge(db, ids["8501"], ids["8502"], Decision.DIFFERENT, "shared shop phone")
    run(db, tmp_path)
    # The platform sends a corrected report: intake re-creates its accounts under the same ids.
    newer = tmp_path / "v2"
    write_tip(newer, 8502, person(user_id="u2", phones=("9847055501",), first="Anil"))
    ingest(db, plan([newer]))
    with transaction(db) as session:
        result = resolve(session)
        after = reports_by_subject(session)
        kept = judgements_touching(session, [ids["8502"]])
    assert accounts(db) == ids
    assert (
        result.full_reason == "accounts changed since the last resolution (a tip got a new version)"
    )
    assert set(after) == {frozenset({"8501"}), frozenset({"8502"})}
    assert [j.decision for j in kept] == [Decision.DIFFERENT]


def test_unknown_or_unusable_ids_are_clear_errors(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 8601, person(user_id="u1"))
    write_tip(tmp_path, 8602, person(user_id="u2"))
    document = json.loads((tmp_path / "8602.json").read_text())
    document["intendedRecipients"] = {"intendedRecipients": [{"espUserId": "child-1"}]}
    (tmp_path / "8602.json").write_text(json.dumps(document))
    subjects = run(db, tmp_path)
    ids = accounts(db)
    with transaction(db) as session:
        [recipient] = account_ids(session, AccountRole.INTENDED_RECIPIENT)

    cases = [
        (("account-0000", ids["8601"]), "No account or subject 'account-0000'"),
        ((ids["8601"], ids["8601"]), "Both ids are"),
        ((recipient, ids["8601"]), "only reported accounts"),
        ((subjects[frozenset({"8601"})], ids["8601"]), "the same single account"),
    ]
    for (first, second), message in cases:
        with transaction(db) as session, pytest.raises(UserInputError, match=message):
            record_judgement(session, first, second, Decision.SAME, reason="r", analyst="asha")
    with transaction(db) as session, pytest.raises(UserInputError, match="needs a reason"):
        record_judgement(session, ids["8601"], ids["8602"], Decision.SAME, reason=" ", analyst="a")
    with transaction(db) as session:
        assert all_judgements(session) == []
