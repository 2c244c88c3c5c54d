"""A small synthetic workspace for the domain pages: tips → banks → subjects, through the pipeline.

`load_corpus(settings, root)` writes the synthetic corpus (40 persons, seed 1) once into `root`,
then ingests it, imports its known-hash list as a bank and resolves and assesses, with the same
domain functions the commands use — no hand-written rows. One extra tip names a victim (for the
"a child is named" rule). The places used by the tests are in `Places`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Row, select

from suraksha.config import Settings
from suraksha.hashing.banks import BankKind, import_list
from suraksha.identity.linker import resolve
from suraksha.identity.subjects import members_of
from suraksha.intake.models import Tip
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.tips import rematch_files, tips_of_accounts
from suraksha.intel.assessment import assess_configured
from suraksha.intel.models import SubjectJurisdiction
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine
from tests.intel.reports import SyntheticReport

VICTIM_REPORT = "990001"
VICTIM_FIRST_NAME = "Synthetic"  # the victim's name in that report (tests/intel/reports.py)


@dataclass(frozen=True, slots=True)
class Places:
    """Two districts of one state with subjects, another state, and a subject of each."""

    state: str
    home: str  # a district of `state` with subjects
    away: str  # another district of `state` with subjects
    other_state: str
    home_subject: str
    home_second: str  # another subject of the home district
    away_subject: str
    other_state_subject: str
    home_tip: str
    away_tip: str
    other_state_tip: str
    victim_tip: str  # names a victim; its subject is not routed (so only `all` reaches it)


def corpus_folder(root: Path) -> Path:
    """The synthetic tips (written once per test session into `root`)."""
    folder = root / "tips"
    if not (folder / "truth.json").is_file():
        write_corpus(folder, persons=40, seed=1)
        SyntheticReport(report_id=VICTIM_REPORT, user_id="u-990001", victim=True).write(
            root / "victim"
        )
    return folder


def load_corpus(settings: Settings, root: Path) -> Places:
    """Ingest, bank, resolve and assess the corpus in the workspace of `settings`."""
    folder = corpus_folder(root)
    engine = open_engine(settings, migrate=True)
    try:
        ingest(engine, plan([folder, root / "victim"]))
        with transaction(engine) as session:
            import_list(session, folder / "known-hashes.md5", bank="ncmec", kind=BankKind.KNOWN)
            rematch_files(session)
        with transaction(engine) as session:
            resolve(session)
            assess_configured(session, settings)
        with transaction(engine) as session:
            rows = session.execute(
                select(
                    SubjectJurisdiction.subject_id,
                    SubjectJurisdiction.state,
                    SubjectJurisdiction.district,
                ).order_by(SubjectJurisdiction.subject_id)
            ).all()
            places = _choose(rows)
            tip_of = {
                sid: tips_of_accounts(session, members_of(session, sid))[0].tip_id
                for sid in (places.home_subject, places.away_subject, places.other_state_subject)
            }
            victim_tip = session.scalars(select(Tip.id).where(Tip.source_id == VICTIM_REPORT)).one()
    finally:
        engine.dispose()
    return replace(
        places,
        home_tip=tip_of[places.home_subject],
        away_tip=tip_of[places.away_subject],
        other_state_tip=tip_of[places.other_state_subject],
        victim_tip=victim_tip,
    )


def _choose(rows: Sequence[Row[str, str | None, str | None]]) -> Places:
    by_place: dict[tuple[str, str], list[str]] = {}
    for subject_id, state, district in rows:
        if state and district:
            by_place.setdefault((state, district), []).append(subject_id)
    states: dict[str, list[str]] = {}
    for state, district in sorted(by_place):
        states.setdefault(state, []).append(district)
    state, home = next(
        (s, d)
        for s, districts in sorted(states.items())
        for d in districts
        if len(districts) >= 2 and len(by_place[(s, d)]) >= 2
    )
    away = next(d for d in states[state] if d != home)
    other_state = next(s for s in sorted(states) if s != state)
    return Places(
        state=state,
        home=home,
        away=away,
        other_state=other_state,
        home_subject=by_place[(state, home)][0],
        home_second=by_place[(state, home)][1],
        away_subject=by_place[(state, away)][0],
        other_state_subject=by_place[(other_state, states[other_state][0])][0],
        home_tip="",
        away_tip="",
        other_state_tip="",
        victim_tip="",
    )


ROLES: dict[str, tuple[str, bool]] = {
    # name: (role, needs a second factor)
    "admin.root": ("admin", True),
    "sa.state": ("state_analyst", True),
    "sa.other": ("state_analyst", True),
    "do.home": ("district_officer", False),
    "do.away": ("district_officer", False),
    "audit.only": ("auditor", False),
}


def place_of(name: str, places: Places) -> tuple[str | None, str | None]:
    """The (state, district) each test account is given."""
    return {
        "sa.state": (places.state, None),
        "sa.other": (places.other_state, None),
        "do.home": (places.state, places.home),
        "do.away": (places.state, places.away),
    }.get(name, (None, None))
