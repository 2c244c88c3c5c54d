"""Grouping a synthetic corpus end to end, on SQLite and PostgreSQL: what is found, how it is
explained, that it is stable, and that analysts' judgements and the banks are obeyed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.config import Settings
from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list
from suraksha.identity.linker import resolve
from suraksha.identity.subjects import memberships
from suraksha.intake.network_reads import report_numbers
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.tips import rematch_files
from suraksha.intel.assessment import assess_all
from suraksha.intel.models import SubjectPriority
from suraksha.intel.networks.grouping import group_network
from suraksha.intel.networks.memberships import Membership, judge_membership
from suraksha.intel.networks.models import NetworkEdge, NetworkGroup, NetworkMember
from suraksha.storage.session import reading, transaction
from suraksha.synthetic.evaluation import (
    group_pairwise_score,
    load_truth,
    load_truth_groups,
    subject_persons,
)
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine

PERSONS, SEED = 160, 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("network-corpus")
    write_corpus(out, persons=PERSONS, seed=SEED)
    return out


@pytest.fixture
def grouped(db: Engine, corpus: Path) -> Engine:
    with transaction(db) as session:
        import_list(session, corpus / "known-hashes.md5", bank="known", kind=BankKind.KNOWN)
    ingest(db, plan([corpus]))
    with transaction(db) as session:
        resolve(session, probabilistic=False)
        group_network(session)
    return db


def _groups(engine: Engine) -> dict[str, set[str]]:
    with reading(engine) as session:
        found: dict[str, set[str]] = {
            gid: set()
            for gid in session.scalars(select(NetworkGroup.id).where(NetworkGroup.active))
        }
        for gid, subject in session.execute(
            select(NetworkMember.group_id, NetworkMember.subject_id)
        ):
            found[gid].add(subject)
    return found


def _groups_match_the_truth(grouped: Engine, corpus: Path) -> None:
    groups = _groups(grouped)
    assert len(groups) >= 3
    with reading(grouped) as session:
        members = memberships(session)
        reports = report_numbers(session, [a for ids in members.values() for a in ids])
    persons = subject_persons(
        {s: [reports[a] for a in ids] for s, ids in members.items()}, load_truth(corpus)
    )
    score = group_pairwise_score(groups.values(), persons, load_truth_groups(corpus))
    assert score.precision >= 0.95
    assert score.recall > 0.2


def _every_edge_explains_itself(grouped: Engine) -> None:
    with reading(grouped) as session:
        edges = [
            (e.subject_a, e.subject_b, e.weight, e.kinds, e.evidence)
            for e in session.scalars(select(NetworkEdge))
        ]
        summaries = list(session.scalars(select(NetworkGroup.summary)))
    assert edges
    for a, b, weight, kinds, evidences in edges:
        assert a < b
        assert weight >= 1.0
        assert evidences and set(kinds) == {e["kind"] for e in evidences}
        for evidence in evidences:
            assert evidence["reports_a"] and evidence["reports_b"] and evidence["holders"] >= 2
    assert all(summary["reasons"] and summary["report_ids"] for summary in summaries)


def _a_second_run_keeps_every_group_id(grouped: Engine) -> None:
    before = _groups(grouped)
    with transaction(grouped) as session:
        again = group_network(session)
    assert (again.kept_ids, again.new_ids, again.retired) == (len(before), 0, 0)
    assert _groups(grouped) == before


def test_judgements_outrank_the_algorithm_and_persist(grouped: Engine) -> None:
    _judging_needs_a_reason_and_a_real_group(grouped)
    groups = _groups(grouped)
    group_id, members = max(groups.items(), key=lambda kv: (len(kv[1]), kv[0]))
    removed = sorted(members)[0]
    with reading(grouped) as session:
        everyone = set(memberships(session))
    outsider = sorted(everyone - set().union(*groups.values()))[0]
    with transaction(grouped) as session:
        judge_membership(session, "cli:test", group_id, removed, Membership.NOT_MEMBER, "a buyer")
        judge_membership(session, "cli:test", group_id, outsider, Membership.MEMBER, "chat logs")
        result = group_network(session)
    assert (result.judged_in, result.judged_out) == (1, 1)
    after = _groups(grouped)[group_id]
    assert removed not in after and outsider in after
    with reading(grouped) as session:
        source = session.get(NetworkMember, (group_id, outsider))
        assert source is not None and source.source == "judged"
    with transaction(grouped) as session:
        group_network(session)
    assert _groups(grouped)[group_id] == after


def _judging_needs_a_reason_and_a_real_group(grouped: Engine) -> None:
    subject = sorted(next(iter(_groups(grouped).values())))[0]
    with transaction(grouped) as session, pytest.raises(UserInputError, match="reason"):
        judge_membership(session, "cli:test", "NG-NONE", subject, Membership.MEMBER, " ")
    with transaction(grouped) as session, pytest.raises(UserInputError, match="no group"):
        judge_membership(session, "cli:test", "NG-NONE", subject, Membership.MEMBER, "why")


def _a_file_in_a_viral_bank_joins_no_one(grouped: Engine, tmp_path: Path) -> None:
    with reading(grouped) as session:
        evidence = [e for edge in session.scalars(select(NetworkEdge)) for e in edge.evidence]
    shared = sorted({e["artefact"] for e in evidence if e["kind"] == "file"})
    assert shared
    viral = tmp_path / "viral.md5"
    digests = [label.split(":", 1)[1] for label in shared if label.startswith("md5:")]
    assert digests
    viral.write_text("\n".join(digests) + "\n", encoding="utf-8")
    with transaction(grouped) as session:
        import_list(session, viral, bank="viral-forwards", kind=BankKind.VIRAL)
    with transaction(grouped) as session:
        rematch_files(session)
        result = group_network(session)
    assert result.left_out["holdings of files in viral or ignorable banks"] > 0
    with reading(grouped) as session:
        artefacts = {
            e["artefact"] for edge in session.scalars(select(NetworkEdge)) for e in edge.evidence
        }
    assert not artefacts & {f"md5:{d}" for d in digests}


def test_priority_then_banks_shape_the_network(grouped: Engine, tmp_path: Path) -> None:
    """On one build: priority names the members of a producing group; then a file a viral bank
    lists stops joining anyone."""
    _priority_shows_membership_of_a_producing_group(grouped)
    _a_file_in_a_viral_bank_joins_no_one(grouped, tmp_path)


def _priority_shows_membership_of_a_producing_group(grouped: Engine) -> None:
    with reading(grouped) as session:
        producing = [
            gid
            for gid, summary in session.execute(select(NetworkGroup.id, NetworkGroup.summary))
            if summary["producing"]
        ]
    assert producing, "the corpus should have a group bringing in never-seen material"
    with transaction(grouped) as session:
        assess_all(session)
    members = {subject for gid, subject in _member_pairs(grouped) if gid in producing}
    with reading(grouped) as session:
        rows = session.execute(select(SubjectPriority.subject_id, SubjectPriority.factors)).all()
    flagged = {
        subject
        for subject, factors in rows
        if any(f["factor"] == "group_produces_material" for f in factors)
    }
    assert flagged == members


def _member_pairs(engine: Engine) -> list[tuple[str, str]]:
    with reading(engine) as session:
        return [
            (gid, subject)
            for gid, subject in session.execute(
                select(NetworkMember.group_id, NetworkMember.subject_id)
            )
        ]


def _a_fresh_workspace_names_the_groups_alike(
    grouped: Engine, corpus: Path, other_settings: Settings
) -> None:
    other = open_engine(other_settings, migrate=True)
    try:
        with transaction(other) as session:
            import_list(session, corpus / "known-hashes.md5", bank="known", kind=BankKind.KNOWN)
        ingest(other, plan([corpus]))
        with transaction(other) as session:
            resolve(session, probabilistic=False)
            group_network(session)
        assert _groups(other) == _groups(grouped)
    finally:
        other.dispose()


def test_groups_are_right_explained_stable_and_reproducible(
    grouped: Engine, corpus: Path, other_settings: Settings
) -> None:
    """One corpus build serves four checks (each build costs seconds on both databases):
    the groups match the truth far better than any shared file would; every edge explains
    itself; a second run keeps every id; a fresh workspace names the same groups alike."""
    _groups_match_the_truth(grouped, corpus)
    _every_edge_explains_itself(grouped)
    _a_second_run_keeps_every_group_id(grouped)
    _a_fresh_workspace_names_the_groups_alike(grouped, corpus, other_settings)
