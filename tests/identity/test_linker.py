"""Linking through the real pipeline: law-enforcement JSON tips in, subjects and their evidence out."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from suraksha.config import Settings
from suraksha.identity.ips import RULE_PUBLIC, RULE_SHARED, CarrierPools
from suraksha.identity.judgements import Decision, record_judgement
from suraksha.identity.linker import resolve
from suraksha.identity.models import IdentityRun
from suraksha.identity.subjects import links_of, memberships
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine
from tests.identity.tips import (
    Capture,
    account_of,
    person,
    reports_by_subject,
    run,
    snapshot,
    write_tip,
)

JIO = CarrierPools.from_mapping({"jio": ["49.36.0.0/16"]})


def test_phone_forms_and_gmail_variants_link_across_platforms(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 1001, person(phones=("+91 98470 12345",)))
    write_tip(
        tmp_path,
        1002,
        person(service="WhatsApp", phones=("09847012345",), emails=("Arun.K+x@gmail.com",)),
        "WhatsApp",
    )
    write_tip(tmp_path, 1003, person(service="Google", emails=("arunk@googlemail.com",)), "Google")
    write_tip(tmp_path, 1004, person(first="Arun", last="Kumar", phones=("9747000001",)))
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"1001", "1002", "1003"}), frozenset({"1004"})}
    with transaction(db) as session:
        [members] = [m for m in memberships(session).values() if len(m) == 3]
        links = links_of(session, members)
    assert sorted((link.rule, link.value) for link in links) == [
        ("same_email", "arunk@gmail.com"),
        ("same_phone", "+919847012345"),
    ]
    raw = sorted(item["raw"] for link in links for item in link.evidence["identifiers"])
    assert raw == ["+91 98470 12345", "09847012345", "Arun.K+x@gmail.com", "arunk@googlemail.com"]


def test_masked_values_and_unscoped_ids_never_link(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 2001, person(emails=("ra*****@gmail.com",), user_id="5550001"))
    write_tip(
        tmp_path,
        2002,
        person(emails=("ra*****@gmail.com",), service="Snapchat", user_id="5550001"),
        "Snapchat",
    )
    subjects = run(db, tmp_path)
    assert set(subjects) == {frozenset({"2001"}), frozenset({"2002"})}


def test_subject_ids_survive_new_tips_and_reingest(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 3002, person(phones=("+919847055555",)))
    write_tip(tmp_path, 3003, person(phones=("9847055555",)))
    first = run(db, tmp_path)
    again = run(db, tmp_path)
    assert first == again
    # A later tip with a smaller account id joins: the subject keeps its id.
    write_tip(tmp_path, 1, person(phones=("098470 55555",)))
    grown = run(db, tmp_path)
    assert grown == {frozenset({"1", "3002", "3003"}): first[frozenset({"3002", "3003"})]}


def test_a_value_held_by_too_many_accounts_is_not_a_key(db: Engine, tmp_path: Path) -> None:
    for n in range(5):
        write_tip(tmp_path, 4000 + n, person(phones=("+91 90000 00001",), user_id=f"77{n}"))
    ingest(db, plan([tmp_path]))
    with transaction(db) as session:
        result = resolve(session, max_accounts=4)
    assert result.subjects == 5
    assert result.too_common == [("phone", "+919000000001", 5)]


def test_ip_captures_link_only_one_line_at_one_second(db: Engine, tmp_path: Path) -> None:
    home = "202.88.10.20"  # a broadband line
    pool = "49.36.7.8"  # a mobile operator's CGNAT address (configured in JIO)
    tips = {
        5001: Capture(home, "2026-06-01T10:00:00Z"),
        5002: Capture(home, "2026-06-01T15:30:01+05:30"),  # one second later, written in IST
        5003: Capture(home, "2026-06-01T10:00:05Z"),  # five seconds later: another moment
        5004: Capture(pool, "2026-06-01T11:00:00Z", 40000),
        5005: Capture(pool, "2026-06-01T04:00:00-07:00", 40000),  # same instant and port
        5006: Capture(pool, "2026-06-01T11:00:00Z", 40001),  # another subscriber's port
        5007: Capture(pool, "2026-06-01T11:00:00Z"),  # no port: unattributable
        5008: Capture("192.168.1.5", "2026-06-01T10:00:00Z"),  # private: names nobody
        5009: Capture(home, "2026-06-01T10:00Z"),  # to the minute only: not exact
    }
    for report, capture in tips.items():
        write_tip(tmp_path, report, person(user_id=f"u{report}", captures=(capture,)))
    subjects = run(db, tmp_path, pools=JIO)
    assert {r for r in subjects if len(r) > 1} == {
        frozenset({"5001", "5002"}),
        frozenset({"5004", "5005"}),
    }
    with transaction(db) as session:
        members = [m for m in memberships(session).values() if len(m) == 2]
        links = links_of(session, [a for pair in members for a in pair])
    assert sorted((link.rule, link.value) for link in links) == [
        (RULE_PUBLIC, "202.88.10.20 at 2026-06-01T10:00:00+00:00"),
        (RULE_SHARED, "49.36.7.8 port 40000 at 2026-06-01T11:00:00+00:00"),
    ]
    raw = sorted(item["raw"] for link in links for item in link.evidence["identifiers"])
    assert raw == [
        "202.88.10.20 at 2026-06-01T10:00:00Z",
        "202.88.10.20 at 2026-06-01T15:30:01+05:30",
        "49.36.7.8 port 40000 at 2026-06-01T04:00:00-07:00",
        "49.36.7.8 port 40000 at 2026-06-01T11:00:00Z",
    ]
    shared = next(link for link in links if link.rule == RULE_SHARED)
    assert shared.evidence["address_class"] == "carrier_pool"
    assert shared.evidence["note"].startswith("shared address 49.36.7.8 (carrier_pool)")


def test_an_unconfigured_pool_is_caught_by_its_crowd(db: Engine, tmp_path: Path) -> None:
    pool = "157.35.20.30"  # an operator's pool nobody listed: it looks public
    for n, port in enumerate((40000, 40000, 40001, None)):
        write_tip(
            tmp_path,
            5100 + n,
            person(user_id=f"p{n}", captures=(Capture(pool, "2026-06-01T11:00:00Z", port),)),
        )
    ingest(db, plan([tmp_path]))
    with transaction(db) as session:
        # Treated as one line, the portless capture would chain all four people together.
        result = resolve(session, max_line_accounts=3)
        grouped = {r for r in reports_by_subject(session) if len(r) > 1}
    assert grouped == {frozenset({"5100", "5101"})}
    assert result.busy_lines == [(pool, 4)]


def test_a_crowded_second_on_a_shared_address_links_nobody(db: Engine, tmp_path: Path) -> None:
    for n in range(4):
        at = Capture("49.36.7.8", "2026-06-01T11:00:00Z", 40000)
        write_tip(tmp_path, 5200 + n, person(user_id=f"c{n}", captures=(at,)))
    ingest(db, plan([tmp_path]))
    with transaction(db) as session:
        result = resolve(session, pools=JIO, max_accounts=3)
    assert result.subjects == 4
    assert result.too_common == [
        ("ip_event", "49.36.7.8 port 40000 at 2026-06-01T11:00:00+00:00", 4)
    ]


def test_runs_are_recorded_and_incremental_after_the_first(db: Engine, tmp_path: Path) -> None:
    write_tip(tmp_path, 6001, person(phones=("+919847066666",)))
    run(db, tmp_path)
    write_tip(tmp_path, 6002, person(phones=("9847066666",)))
    write_tip(tmp_path, 6003, person(phones=("9847077777",)))
    ingest(db, plan([tmp_path]))
    with transaction(db) as session:
        result = resolve(session)
        runs = list(session.scalars(select(IdentityRun).order_by(IdentityRun.id)))
    assert (result.mode, result.recomputed, result.accounts) == ("incremental", 3, 3)
    assert [r.mode for r in runs] == ["full", "incremental"]
    assert runs[0].counts["full_reason"] == "first resolution in this workspace"
    with transaction(db) as session:
        again = resolve(session, max_accounts=10)
    assert again.full_reason == "linking parameters or rules changed since the last resolution"


def _split_units(corpus: Path) -> list[Path]:
    """The tips of a synthetic corpus, one path each (a report folder or a JSON file)."""
    return sorted(
        path
        for path in corpus.iterdir()
        if (path.is_dir() and (path / "report.xml").is_file())
        or (path.suffix == ".json" and path.stem.isdigit())
    )


def test_incremental_runs_give_the_subjects_of_a_full_run(
    db: Engine, tmp_path: Path, other_settings: Settings
) -> None:
    write_corpus(tmp_path / "corpus", persons=40, seed=11)
    units = _split_units(tmp_path / "corpus")
    batches = [units[0::3], units[1::3], units[2::3]]
    for number, batch in enumerate(batches):
        ingest(db, plan(batch))
        with transaction(db) as session:
            result = resolve(session)
            incremental = snapshot(session)
        assert result.mode == ("full" if number == 0 else "incremental")
        if number:
            assert result.recomputed < result.accounts
        with transaction(db) as session:
            full = resolve(session, full=True)
            assert snapshot(session) == incremental
        assert (full.kept_ids, full.new_ids) == (full.subjects, 0)
    # And the same partition as resolving everything at once in a fresh workspace.
    other = open_engine(other_settings, migrate=True)
    try:
        ingest(other, plan(units))
        with transaction(other) as session:
            resolve(session)
            at_once = snapshot(session)
    finally:
        other.dispose()
    with transaction(db) as session:
        stepwise = snapshot(session)
    assert sorted(map(sorted, at_once[0].values())) == sorted(map(sorted, stepwise[0].values()))


def _random_person(rng: random.Random, n: int) -> dict[str, object]:
    """A person drawn from tiny pools, so values collide, pile up and cross the guards."""
    phones = tuple(f"+91984700000{rng.randrange(6)}" for _ in range(rng.randint(0, 1)))
    emails = tuple(f"m{rng.randrange(8)}@example.in" for _ in range(rng.randint(0, 1)))
    captures = tuple(
        Capture(
            rng.choice(("49.36.7.8", "202.88.10.20", f"2402:3a80:1:2::{rng.randrange(99):x}")),
            f"2026-06-01T11:00:0{rng.randrange(4)}Z",
            rng.choice((None, 40000, 40001)),
        )
        for _ in range(rng.randint(0, 2))
    )
    # Brothers, a short form, and no name at all: shared lines form and the guard bites.
    first = rng.choice(("Ramesh", "Ramesh Babu", "Anil", None))
    return person(
        user_id=f"r{n}", phones=phones, emails=emails, captures=captures, first=first, last="Goud"
    )


def test_incremental_equals_full_under_guards_judgements_and_new_versions(
    db: Engine, tmp_path: Path
) -> None:
    rng = random.Random(20260601)
    options: dict[str, Any] = {"pools": JIO, "max_accounts": 4, "max_line_accounts": 6}
    reports: list[int] = []
    modes: list[str] = []
    refused = crowded = shared = 0
    for step in range(6):
        batch = tmp_path / f"batch{step}"
        for _ in range(7):
            report = 7000 + len(reports)
            reports.append(report)
            write_tip(batch, report, _random_person(rng, report))
        if step == 4:  # a new version of an early tip, with other identifiers
            write_tip(batch, reports[1], _random_person(rng, reports[1]))
        ingest(db, plan([batch]))
        with transaction(db) as session:
            first, second = rng.sample(sorted(account_of(session).values()), 2)
            decision = rng.choice(list(Decision))
            record_judgement(session, first, second, decision, reason=f"{step}", analyst="t")
            # Split the largest subject somewhere, so that refusals happen along chains.
            largest = max(memberships(session).values(), key=len, default=[])
            if len(largest) > 2:
                first, second = rng.sample(largest, 2)
                record_judgement(
                    session, first, second, Decision.DIFFERENT, reason=f"{step}", analyst="t"
                )
        with transaction(db) as session:
            result = resolve(session, **options)
            stepwise = snapshot(session)
        modes.append(result.mode)
        refused += len(result.blocked)
        shared += len(result.shared_lines)
        crowded += len(result.too_common) + len(result.busy_lines)
        with transaction(db) as session:
            resolve(session, full=True, **options)
            assert snapshot(session) == stepwise, f"step {step}"
    assert modes == ["full", "incremental", "incremental", "incremental", "full", "incremental"]
    assert refused and crowded and shared  # the guards and the judgements did bite
