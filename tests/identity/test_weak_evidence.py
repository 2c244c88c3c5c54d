"""Weak evidence kept between runs: an incremental run scores only new accounts, yet gives exactly
the pairs (and the stored features and pairs) of a full run, as values grow popular."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from suraksha.identity.linker import resolve
from suraksha.identity.models import WeakFeatures, WeakPairRow
from suraksha.identity.probabilistic import WeakPair
from suraksha.identity.weak_evidence import WeakEvidence, weak_evidence
from suraksha.intake.accounts import account_ids
from suraksha.intake.models import Account, Identifier
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from tests.identity.tips import account_of, person, reports_by_subject, snapshot, write_tip

HOME = {"street1": "7/764 Station Road", "city": "Kochi", "postalCode": "682001"}


def resident(user: str, first: str, dob: str, *, home: bool) -> dict[str, Any]:
    """A reported account with a name, a birth date and, with `home`, the address above."""
    entry = person(user_id=user, first=first, last="Goud")
    entry["dateOfBirth"] = dob
    if home:
        entry["addresses"] = {"addresses": [HOME]}
    return entry


def pairs_of(found: WeakEvidence) -> list[tuple[str, str, float, dict[str, str]]]:
    return [(p.account_a, p.account_b, p.match_weight, p.agreeing) for p in found.pairs]


def stored(session: Session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    features = [tuple(row) for row in session.execute(select(WeakFeatures.__table__))]
    pairs = [tuple(row) for row in session.execute(select(WeakPairRow.__table__))]
    return sorted(features), sorted(pairs, key=repr)


def test_incremental_pairs_equal_a_full_run_as_values_grow_popular(
    db: Engine, tmp_path: Path
) -> None:
    steps: list[list[tuple[str, dict[str, Any]]]] = [
        # Ramesh's first account; nothing to pair with yet.
        [("ramesh1", resident("ramesh1", "Ramesh", "1990-05-17", home=True))],
        # His second account: name, birth date and home agree.
        [("ramesh2", resident("ramesh2", "Ramesh", "1990-05-17", home=True))],
        # Eight namesakes born in other years make the name popular: the pair stands on the birth
        # date and the home alone.
        [
            (f"name{n}", resident(f"name{n}", "Ramesh", f"{1960 + n}-02-1{n}", home=False))
            for n in range(8)
        ],
        # Eight others born that day make the birth date popular too: a home alone links nobody.
        [
            (f"born{n}", resident(f"born{n}", f"Suresh{chr(97 + n)}", "1990-05-17", home=False))
            for n in range(8)
        ],
    ]
    report = 9100
    seen: list[WeakPair] = []
    for number, step in enumerate(steps):
        batch = tmp_path / f"step{number}"
        for _user, entry in step:
            write_tip(batch, report, entry)
            report += 1
        ingest(db, plan([batch]))
        with transaction(db) as session:
            accounts = account_ids(session)
            incremental = weak_evidence(session, accounts, full=number == 0)
            after_incremental = stored(session)
        with transaction(db) as session:
            full = weak_evidence(session, accounts, full=True)
            assert stored(session) == after_incremental, f"step {number}"
        assert pairs_of(incremental) == pairs_of(full), f"step {number}"
        if number:  # only the new accounts' features are taken; the model sees their blocks
            assert incremental.featured == len(step)
            assert incremental.scored < len(accounts) or number == 1
        seen.append(incremental.pairs[0] if incremental.pairs else None)  # type: ignore[arg-type]

    assert seen[0] is None
    assert set(seen[1].agreeing) == {"name_key", "dob", "pincode", "city", "street"}
    assert set(seen[2].agreeing) == {"dob", "pincode", "city", "street"}  # narrowed
    assert seen[3] is None  # dropped: the home alone
    assert seen[1].match_weight == seen[2].match_weight


def test_resolve_keeps_weak_evidence_and_links_like_a_full_run(db: Engine, tmp_path: Path) -> None:
    """Through `resolve`: the second account joins the first by weak evidence in an incremental
    run, which scores only the new account and its block; subjects equal a full run's."""
    write_tip(tmp_path / "a", 9200, resident("ramesh1", "Ramesh", "1990-05-17", home=True))
    write_tip(tmp_path / "a", 9201, resident("anil1", "Anil", "1985-11-02", home=False))
    ingest(db, plan([tmp_path / "a"]))
    with transaction(db) as session:
        assert resolve(session).mode == "full"
    write_tip(tmp_path / "b", 9202, resident("ramesh2", "Ramesh", "1990-05-17", home=True))
    ingest(db, plan([tmp_path / "b"]))
    with transaction(db) as session:
        result = resolve(session)
        incremental = snapshot(session)
        accounts = account_of(session)
        assert frozenset({"9200", "9202"}) in reports_by_subject(session)
    assert result.mode == "incremental"
    assert (result.weak_pairs, result.weak_scored) == (1, 2)  # ramesh2 and ramesh1's block
    with transaction(db) as session:
        resolve(session, full=True)
        assert snapshot(session) == incremental
    assert len(accounts) == 3


def test_a_link_whose_agreeing_values_narrow_is_written_again(db: Engine, tmp_path: Path) -> None:
    """Namesakes who link to nobody make Ramesh's name popular: his two accounts stay one subject,
    but their link no longer cites the name, exactly as a full run writes it."""
    write_tip(tmp_path / "a", 9300, resident("ramesh1", "Ramesh", "1990-05-17", home=True))
    write_tip(tmp_path / "a", 9301, resident("ramesh2", "Ramesh", "1990-05-17", home=True))
    ingest(db, plan([tmp_path / "a"]))
    with transaction(db) as session:
        resolve(session)
        (before,) = [link for link in snapshot(session)[1] if link[2] == "probabilistic"]
    assert "name_key=" in before[4]
    for n in range(8):
        namesake = resident(f"name{n}", "Ramesh", f"{1960 + n}-02-1{n}", home=False)
        write_tip(tmp_path / "b", 9310 + n, namesake)
    ingest(db, plan([tmp_path / "b"]))
    with transaction(db) as session:
        result = resolve(session)
        incremental = snapshot(session)
    assert result.mode == "incremental"
    (after,) = [link for link in incremental[1] if link[2] == "probabilistic"]
    assert "name_key=" not in after[4] and "dob=1990-05-17" in after[4]
    with transaction(db) as session:
        resolve(session, full=True)
        assert snapshot(session) == incremental


def test_a_full_run_read_by_worker_processes_stores_what_one_process_does(
    db: Engine, tmp_path: Path
) -> None:
    """`workers=1`: the weak evidence of a generated corpus is scored, and its strong identifiers
    read, by a worker process while this one links IP captures; subjects, links, stored features
    and pairs equal a run in one process, on SQLite and PostgreSQL alike."""
    write_corpus(tmp_path / "corpus", persons=120, seed=4)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        alone = resolve(session, full=True, workers=0)
        expected = snapshot(session), stored(session)
    with transaction(db) as session:
        apart = resolve(session, full=True, workers=1)
        assert (snapshot(session), stored(session)) == expected
    assert (alone.read_apart, alone.apart_failed) == ([], [])
    assert (apart.read_apart, apart.apart_failed) == (["weak evidence and strong identifiers"], [])
    assert apart.weak_pairs == alone.weak_pairs > 0
    assert apart.weak_scored == alone.weak_scored == alone.accounts


def test_a_worker_that_missed_this_sessions_accounts_is_read_again_here(
    db: Engine, tmp_path: Path
) -> None:
    """The worker reads committed data: an account this session added (uncommitted) is not in its
    snapshot, so its result is refused and the reads done again here, the new account included."""
    write_tip(tmp_path / "a", 9400, resident("ramesh1", "Ramesh", "1990-05-17", home=True))
    ingest(db, plan([tmp_path / "a"]))
    with transaction(db) as session:
        first = session.scalars(select(Account).where(Account.role == "reported")).one()
        twin = Account(
            id=f"{first.id}-twin",
            tip_id=first.tip_id,
            position=first.position + 1,
            role=first.role,
            service=first.service,
            path=f"{first.path}/twin",
        )
        session.add(twin)
        session.flush()
        twin.identifiers.append(
            Identifier(
                kind="name", value="ramesh goud", raw="Ramesh Goud", path=f"{twin.path}/name"
            )
        )
        session.flush()
        result = resolve(session, full=True, workers=1)
        features = {row[0] for row in stored(session)[0]}
    assert result.read_apart == []
    changed = "the accounts changed since the worker process read them"
    assert result.apart_failed == [f"weak evidence and strong identifiers: {changed}"]
    assert result.weak_scored == result.accounts == 2
    assert features == {first.id, twin.id}
