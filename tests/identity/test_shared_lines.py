"""Shared lines: a family phone (or handset, or home line) links only holders whose names agree.

Every name, number and address here is made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.identity.judgements import Decision, record_judgement
from suraksha.identity.linker import REFUSED_SHARED_LINE, resolve
from suraksha.identity.shared_lines import names_agree, names_conflict
from suraksha.identity.subjects import blocked_links_of, links_of, refused_links_of
from suraksha.storage.session import transaction
from tests.identity.tips import Capture, account_of, person, reports_by_subject, run, write_tip

FAMILY_PHONE = "+919847011111"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ramesh goud", "ramesh"),  # a short form of the same name
        ("ramesh babu goud", "b ramesh"),  # initials say nothing either way
        ("v sreejith kumar", "srijith"),  # spelling
        ("mohammed riyas", "muhammad riyaz"),
        ("raju chowdary", "raju chaudhary"),
        ("sourav mondal", "saurabh mondal"),
        ("unni krishnan", "unnikrishnan"),  # one word or two
        ("hari p", "harikrishnan"),  # a short form
    ],
)
def test_written_forms_of_one_name_agree(left: str, right: str) -> None:
    assert names_agree(left, right) is True
    assert names_agree(right, left) is True


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ramesh goud", "anil kumar goud"),  # brothers: one surname, two given names
        ("tijo chacko", "ebin chacko"),
        ("mohammed yousuf", "mohammed rafi"),  # "Mohammed" alone tells nobody apart
        ("ramesh", "rajesh"),  # one letter apart in a six-letter name is another name
        ("arun", "manikandan kumar"),
    ],
)
def test_two_given_names_disagree(left: str, right: str) -> None:
    assert names_agree(left, right) is False
    assert names_agree(right, left) is False


def test_a_name_that_tells_nothing_neither_agrees_nor_conflicts() -> None:
    assert names_agree("muhammad", "mohammed sameer") is None
    assert names_agree("k", "ramesh") is None
    assert not names_conflict(["muhammad"], ["anil goud"])
    # A set going by an alias agrees with anyone who uses one of its names.
    assert not names_conflict(["ramesh goud", "anil"], ["anil goud"])
    assert names_conflict(["ramesh goud", "ramesh"], ["anil goud"])


def _household(folder: Path) -> None:
    """Ramesh Goud's family phone, registered by his brother Anil on one platform."""
    write_tip(
        folder, 101, person(user_id="501", first="Ramesh", last="Goud", phones=(FAMILY_PHONE,))
    )
    write_tip(
        folder,
        102,
        person(service="WhatsApp", user_id="919847011111", first="Ramesh", last=None),
        "WhatsApp",
    )
    write_tip(
        folder,
        103,
        person(
            service="WhatsApp",
            user_id="919847011111",
            first="RAMESH",
            last="GOUD",
            phones=("098470 11111",),
        ),
        "WhatsApp",
    )
    write_tip(
        folder,
        201,
        person(
            service="Facebook",
            user_id="100070000000201",
            first="Anil Kumar",
            last="Goud",
            phones=("+91 98470 11111",),
            emails=("anilgoud1994@gmail.com",),
        ),
        "Facebook",
    )
    write_tip(
        folder,
        202,
        person(
            service="Facebook",
            user_id="100070000000201",
            first="Anil",
            last="Goud",
            phones=("+919847022222",),
        ),
        "Facebook",
    )


def test_a_household_sharing_a_family_phone_stays_two_subjects(db: Engine, tmp_path: Path) -> None:
    _household(tmp_path)
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"101", "102", "103"}), frozenset({"201", "202"})}
    with transaction(db) as session:
        result = resolve(session, full=True)
        ids = account_of(session)
        refused = refused_links_of(session, [ids["201"]])
        judged = blocked_links_of(session, [ids["201"]])
        kept = links_of(session, [ids["101"], ids["102"], ids["103"]])
    [refusal] = result.shared_lines
    assert (refusal.rule, refusal.value) == ("same_phone", FAMILY_PHONE)
    # The names each side went by when the phone was weighed (Anil's set already held both of
    # his accounts, joined by their Facebook user id).
    sides = {refusal.names_a, refusal.names_b}
    assert ("anil goud", "anil kumar goud") in sides
    assert any("ramesh goud" in side for side in sides)
    assert judged == []  # no analyst refused it: the guard did
    [link] = refused
    assert (link.rule, link.value, link.refused, link.blocked_by) == (
        "same_phone",
        FAMILY_PHONE,
        REFUSED_SHARED_LINE,
        None,
    )
    assert link.refused_by.startswith("shared line: held under names of two people (")
    assert "anil goud, anil kumar goud" in link.refused_by and "ramesh goud" in link.refused_by
    assert "go by names of two people" in link.evidence["note"]
    # The phone as each side reported it, with the report: what an analyst checks.
    raw = {(i["raw"], i["report_id"]) for i in link.evidence["identifiers"]}
    assert ("+91 98470 11111", "201") in raw and len(raw) == 2
    # Ramesh's own accounts still link on the family phone: their names agree.
    assert ("same_phone", FAMILY_PHONE) in {(k.rule, k.value) for k in kept}


def test_one_person_whose_accounts_share_a_phone_stays_linked(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 301, person(first="Sreejith", last="Kumar V", phones=("+919847033333",)))
    write_tip(
        tmp_path,
        302,
        person(
            service="Snapchat",
            user_id="7700000302",
            first="Srijith",
            last=None,
            phones=("9847033333",),
        ),
        "Snapchat",
    )
    write_tip(tmp_path, 303, person(first=None, last=None, phones=("+91-9847-033333",)))
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"301", "302", "303"})}
    with transaction(db) as session:
        result = resolve(session, full=True)
    assert result.shared_lines == []


def test_a_shared_line_leaves_an_account_without_a_name_apart(db: Engine, tmp_path: Path) -> None:
    _household(tmp_path)
    # Someone on the family phone who gives no name: Ramesh's or Anil's? Nothing says.
    write_tip(
        tmp_path, 401, person(service="Telegram", first=None, last=None, phones=(FAMILY_PHONE,))
    )
    subjects = run(db, tmp_path)
    assert set(subjects) == {
        frozenset({"101", "102", "103"}),
        frozenset({"201", "202"}),
        frozenset({"401"}),
    }
    with transaction(db) as session:
        ids = account_of(session)
        [link] = refused_links_of(session, [ids["401"]])
    assert link.refused == REFUSED_SHARED_LINE
    assert f"account {ids['401']} gives no name" in link.evidence["note"]
    assert link.refused_by.startswith("shared line: its holders go by names of two people")
    assert link.refused_by.endswith(f"account {ids['401']} gives no name that says whose it is")


def test_other_identifiers_of_two_people_make_a_shared_line_too(db: Engine, tmp_path: Path) -> None:
    # No names anywhere, but each side has its own mailbox and its own number besides the one
    # they share: two people (the probabilistic layer's strong-conflict test).
    sides = ((501, "x.one@example.in", "+919847044441"), (502, "y.two@example.in", "+919847044442"))
    for report, mail, own in sides:
        write_tip(
            tmp_path,
            report,
            person(first=None, last=None, emails=(mail,), phones=(own, "+919847044440")),
        )
        write_tip(tmp_path, report + 10, person(first=None, last=None, emails=(mail,)))
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"501", "511"}), frozenset({"502", "512"})}
    with transaction(db) as session:
        ids = account_of(session)
        [link] = refused_links_of(session, [ids["502"]])
    assert (link.value, link.refused) == ("+919847044440", REFUSED_SHARED_LINE)
    assert "other e-mails, phones or devices" in link.evidence["note"]


def test_a_home_line_at_one_second_is_a_shared_line_for_two_names(
    db: Engine, tmp_path: Path
) -> None:
    line = Capture("202.88.10.20", "2026-06-01T11:00:05Z")
    write_tip(tmp_path, 601, person(first="Tijo", last="Chacko", captures=(line,)))
    write_tip(tmp_path, 602, person(first="Ebin", last="Chacko", captures=(line,)))
    write_tip(tmp_path, 603, person(first="Tijo", last="Chacko", captures=(line,)))
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"601", "603"}), frozenset({"602"})}
    with transaction(db) as session:
        ids = account_of(session)
        refused = refused_links_of(session, [ids["602"]])
    assert refused  # Ebin's capture at that second is kept, with why it did not link
    assert {(link.rule, link.refused) for link in refused} == {
        ("same_ip_event", REFUSED_SHARED_LINE)
    }


def test_a_same_judgement_joins_a_household_pair_the_guard_refused(
    db: Engine, tmp_path: Path
) -> None:
    _household(tmp_path)
    run(db, tmp_path)
    with transaction(db) as session:
        ids = account_of(session)
        reason = "one man: the subscriber form and the seized handset"
        same = record_judgement(
            session, ids["101"], ids["201"], Decision.SAME, reason=reason, analyst="asha"
        )
        judgement = same.id
    with transaction(db) as session:
        result = resolve(session)
        subjects = reports_by_subject(session)
        refused = refused_links_of(session, list(ids.values()))
        links = links_of(session, [ids["101"]])
    assert set(subjects) == {frozenset({"101", "102", "103", "201", "202"})}
    assert result.shared_lines == [] and refused == []
    assert ("judged_same", f"judgement {judgement}") in {(k.rule, k.value) for k in links}
    # And a later `unsure` lifts it: the guard applies again.
    with transaction(db) as session:
        record_judgement(session, ids["101"], ids["201"], Decision.UNSURE, reason="?", analyst="b")
    with transaction(db) as session:
        resolve(session)
        assert set(reports_by_subject(session)) == {
            frozenset({"101", "102", "103"}),
            frozenset({"201", "202"}),
        }
