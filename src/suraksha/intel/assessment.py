"""Assessing every subject: compute and store its explained priority and its jurisdiction.

The evidence each subject is scored on comes from the other domains' public views only: its tips
(`intake.tips.tip_facts`), its own accounts (`intake.accounts.account_views`: group identifiers, IP
captures) and the bank matches of its files (`hashing.matcher.matches_for`); and from the offender
network's last grouping (`network_facts`), so `resolve` groups before it assesses. They are read
for a chunk of subjects at a time (`_ChunkReader`: a few queries a chunk rather than a few a
subject, 2.5× faster at 1,226 subjects), tested to store what one subject at a time stores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from suraksha.config import Settings
from suraksha.hashing.matcher import matches_for
from suraksha.identity.subjects import memberships
from suraksha.intake.accounts import AccountView, account_views, views_in_order
from suraksha.intake.records import IdentifierKind
from suraksha.intake.tips import TIP_FILE_TARGET, FileFacts, TipFacts, tip_facts, tip_of_accounts
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.intel.networks.models import NetworkGroup, NetworkMember
from suraksha.intel.overrides import standing_overrides
from suraksha.intel.priority import (
    AccountFacts,
    FileExtras,
    NetworkFacts,
    SubjectEvidence,
    assess,
)
from suraksha.intel.routing import RoutingSources, report_dates, route
from suraksha.intel.weights import PriorityWeights, default_weights, load_weights
from suraksha.storage.base import utcnow

_CHUNK = 500  # subjects whose accounts, tips and matches are read together
FREE_TEXT_DETAILS = ("profileBio", "additionalInfo", "additionalInformations")
"""Account `details` keys holding what the platform wrote about the person (XML and JSON names)."""


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """How many subjects were assessed and how many could be routed to a district."""

    subjects: int
    routed: int


def assess_all(
    session: Session,
    *,
    as_of: datetime | None = None,
    weights: PriorityWeights | None = None,
    routing: RoutingSources | None = None,
    on_subject: Callable[[], None] | None = None,
) -> AssessmentResult:
    """Recompute priority and routing for every subject (replacing earlier results).

    `weights` are the state's (`weights.load_weights(settings.priority_weights)`); the packaged
    ones when None. Officers' standing overrides are applied as the factor `officer_override`.
    `routing` holds the unit's GeoIP databases and police-station mapping
    (`RoutingSources.from_settings`); without it routing reads the tips alone and stops at the
    district.
    """
    now = as_of or utcnow()
    used = weights or default_weights()
    session.execute(delete(SubjectPriority))
    session.execute(delete(SubjectJurisdiction))
    routed = 0
    members = memberships(session)
    overrides = standing_overrides(session)
    networks = network_facts(session)
    ordered = sorted(members.items())
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        read = _ChunkReader(session, [account for _, accounts in chunk for account in accounts])
        for subject_id, account_ids in chunk:
            views, tips = read.subject(account_ids)
            priority = assess(
                read.evidence(tips, views, networks.get(subject_id, ())),
                as_of=now,
                weights=used,
                override=overrides.get(subject_id),
            )
            session.add(
                SubjectPriority(
                    subject_id=subject_id,
                    score=priority.score,
                    factors=[factor.as_dict() for factor in priority.factors],
                    computed_at=now,
                    weights_label=priority.weights_label,
                    weights_digest=priority.weights_digest,
                )
            )
            place = route(views, reported_at=report_dates(tips), sources=routing)
            session.add(
                SubjectJurisdiction(
                    subject_id=subject_id,
                    state=place.state,
                    district=place.district,
                    police_station=place.police_station,
                    confidence=place.confidence,
                    reason=place.reason,
                    evidence=[e.as_dict() for e in place.evidence],
                    status=place.status.value,
                    candidates=[c.as_dict() for c in place.candidates],
                    notes=list(place.notes),
                    computed_at=now,
                )
            )
            routed += place.district is not None
            if on_subject:
                on_subject()
    session.flush()
    return AssessmentResult(subjects=len(members), routed=routed)


def assess_configured(
    session: Session, settings: Settings, *, on_subject: Callable[[], None] | None = None
) -> AssessmentResult:
    """`assess_all` with what the workspace's settings name: the state's priority weights
    (`SURAKSHA_PRIORITY_WEIGHTS`) and the unit's GeoIP databases and police-station mapping
    (`SURAKSHA_GEOIP_DB`, `SURAKSHA_STATIONS`). Raises ConfigurationError for a named file that
    cannot be used, before anything is changed."""
    weights = load_weights(settings.priority_weights)
    with RoutingSources.from_settings(settings) as routing:
        return assess_all(session, weights=weights, routing=routing, on_subject=on_subject)


class _ChunkReader:
    """The accounts' views, tips and file matches of a chunk of subjects, each read in one go
    (a few queries a chunk instead of a few a subject), handed out subject by subject."""

    def __init__(self, session: Session, account_ids: list[str]) -> None:
        self.views = {view.account_id: view for view in account_views(session, account_ids)}
        self.tip_of = tip_of_accounts(session, account_ids)
        self.tips = {tip.tip_id: tip for tip in tip_facts(session, set(self.tip_of.values()))}
        files = [f.file_row_id for tip in self.tips.values() for f in tip.files]
        self.matches = matches_for(session, TIP_FILE_TARGET, files)

    def subject(self, account_ids: Sequence[str]) -> tuple[list[AccountView], list[TipFacts]]:
        """A subject's account views and tips, in the order `account_views` and
        `tips_of_accounts` give them (by report number, then account or tip id)."""
        views = views_in_order(self.views, account_ids)
        tip_ids = {self.tip_of[a] for a in account_ids if a in self.tip_of}
        tips = sorted((self.tips[t] for t in tip_ids), key=lambda tip: (tip.report_id, tip.tip_id))
        return views, tips

    def evidence(
        self, tips: list[TipFacts], views: Sequence[AccountView], networks: Sequence[NetworkFacts]
    ) -> SubjectEvidence:
        """What `priority.assess` reads about one subject, from its tips, its own accounts and
        the groups of the offender network it belongs to (`network_facts`)."""
        file_ids = [f.file_row_id for tip in tips for f in tip.files]
        return SubjectEvidence(
            tips=tips,
            matches={f: self.matches[f] for f in sorted(set(file_ids)) if f in self.matches},
            accounts=[account_facts(view) for view in views],
            files={f.file_row_id: file_extras(f) for tip in tips for f in tip.files},
            networks=tuple(networks),
        )


def network_facts(session: Session) -> dict[str, list[NetworkFacts]]:
    """Subject id → the active network groups it belongs to, with its roles there."""
    found: dict[str, list[NetworkFacts]] = {}
    for subject_id, group_id, roles, summary in session.execute(
        select(
            NetworkMember.subject_id,
            NetworkMember.group_id,
            NetworkMember.roles,
            NetworkGroup.summary,
        )
        .join(NetworkGroup, NetworkGroup.id == NetworkMember.group_id)
        .where(NetworkGroup.active.is_(True))
        .order_by(NetworkMember.subject_id, NetworkMember.group_id)
    ):
        found.setdefault(subject_id, []).append(
            NetworkFacts(
                group_id,
                tuple(str(r.get("role")) for r in roles),
                bool(summary.get("producing")),
            )
        )
    return found


def account_facts(view: AccountView) -> AccountFacts:
    """An account view as priority reads it: group identifiers, earlier CyberTipline reports,
    IP capture instants, and the platform's free text about the person (`FREE_TEXT_DETAILS`)."""
    groups = tuple(
        value or raw for kind, raw, value in view.identifiers if kind == IdentifierKind.GROUP
    )
    details = view.details
    texts = tuple(
        (key, text) for key in FREE_TEXT_DETAILS for text in _texts(details.get(key)) if text
    )
    return AccountFacts(
        account_id=view.account_id,
        report_id=view.report_id,
        groups=groups,
        prior_reports=tuple(view.prior_reports),
        ip_events=tuple(event.at for event in view.ip_events if event.at is not None),
        texts=texts,
    )


def file_extras(facts: FileFacts) -> FileExtras:
    """A tip file's EXIF (as the platform gave it, hash details left out) and the instants of
    its upload's IP captures."""
    exif = tuple((name, value) for kind, name, value in facts.exif if kind.upper() != "HASH")
    return FileExtras(
        exif=exif,
        ip_events=tuple(e.at for e in facts.ip_events if e.at is not None),
    )


def _texts(value: Any) -> list[str]:
    """Free text as a list: details hold one text or a list of them (or of {"value": text})."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [
            str(item.get("value", "")) if isinstance(item, dict) else str(item) for item in value
        ]
    return []
