"""The tip inbox: tips listed and shown behind role and jurisdiction, and the quarantine list.

A tip has no place of its own: it belongs to the districts of the subjects it names (its
reported accounts, once resolved and routed). So an actor reaches a tip when any of its subjects
lies within their subject.read scope; a tip whose accounts are not yet resolved or routed is
reached by `all`-scope roles only, as an unrouted subject is (docs/security.md). The rule is a
clause of the query (`policy.restrict` on the joined places), never a filter after the fact.

Victim details (POCSO Act 2012 s.23 and s.33(7)) are shown only to an actor with victim.read
for one of the tip's places; everyone else learns that "a child is named in this report".
Reading a tip is audited (`tip.read`), as reading a subject is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, literal, select
from sqlalchemy.orm import Session

from suraksha.errors import AccessDenied, UserInputError
from suraksha.hashing.inventory import matched_targets
from suraksha.hashing.matcher import MatchView, matches_for
from suraksha.intake.accounts import AccountView, IpEventView, account_views, ip_event_view
from suraksha.intake.models import Account, IncidentDetail, Tip, TipFile
from suraksha.intake.quarantine import QuarantineView, quarantine_records
from suraksha.intake.records import AccountRole
from suraksha.intake.tips import TIP_FILE_TARGET
from suraksha.intel.worklist import NotFound, account_places, require_role
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission, Role, Scope, permits, restrict, scope_of
from suraksha.storage.paging import Page

PAGE_CAP: Final = 100
DEFAULT_PAGE: Final = 25
MAX_OFFSET: Final = 100_000
QUARANTINE_ROLES: Final = frozenset({Role.ADMIN, Role.STATE_ANALYST})
"""Who may read the quarantine: what could not be ingested has no place yet (no subject was made
from it), so only the unit's administrator and the state cyber cell's analysts triage it."""
RESTRICTED_ROLES: Final = frozenset({AccountRole.VICTIM.value})
CHILD_NAMED: Final = "a child is named in this report"
"""What an actor without victim.read is told about a victim account (and nothing more)."""


@dataclass(frozen=True, slots=True)
class TipFilters:
    """What the inbox is narrowed to; None means no condition."""

    received_from: date | None = None
    received_to: date | None = None  # inclusive
    platform: str | None = None
    incident_type: str | None = None
    district: str | None = None  # tips naming a subject routed to this district
    matched: bool | None = None  # True: some file matches a bank; False: none does
    new_media: bool | None = None  # True: some file matches no bank (never-seen material)


@dataclass(frozen=True, slots=True)
class TipRow:
    """One line of the inbox."""

    tip_id: str
    source: str
    report_id: str
    received_at: datetime | None  # when NCMEC (or the source) received it, if the report says
    ingested_at: datetime  # when the unit ingested it
    incident_type: str | None
    platform: str | None
    escalated: bool
    files: int
    matched_files: int


TipPage = Page[TipRow]


@dataclass(frozen=True, slots=True)
class TipPlace:
    """A subject the tip names, with where routing placed it."""

    subject_id: str
    state: str | None
    district: str | None
    visible: bool  # whether the actor may open the subject


@dataclass(frozen=True, slots=True)
class FileView:
    """A file named in the tip: hashes and what the platform said; never its content."""

    file_row_id: str
    file_id: str
    file_name: str | None
    original_file_name: str | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    other_hashes: dict[str, Any]
    classification: str | None
    annotations: list[str]
    viewed_by_esp: bool | None
    publicly_available: bool | None
    uploaded_at: datetime | None
    exif: list[list[str]]
    ip_events: list[IpEventView]
    matches: list[MatchView]


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One internet detail of the tip (a web page, a chat client, a P2P network...)."""

    kind: str
    values: dict[str, Any]


@dataclass(slots=True)
class TipDetail:
    """Everything the tip page shows (victims withheld unless the actor may read them)."""

    tip_id: str
    source: str
    report_id: str
    version: int
    content_digest: str
    format_name: str
    record_kind: str
    incident_type: str | None
    received_at: datetime | None
    incident_at: datetime | None
    platform: str | None
    annotations: list[str]
    escalated: bool
    batch_reason: str | None
    file_set_digest: str | None
    details: dict[str, Any]
    first_ingested_at: datetime
    updated_at: datetime
    accounts: list[AccountView]
    files: list[FileView]
    incidents: list[IncidentView]
    subjects: list[TipPlace]
    children_named: int = 0  # victim accounts withheld from this actor
    victims_shown: bool = False
    account_subjects: dict[str, str] = field(default_factory=dict)


def _places_of(tip_id: ColumnElement[Any]) -> tuple[Select[int], Subquery]:
    """A correlated query over the tip's resolved accounts, and the places subquery it joins
    (columns account_id, subject_id, state, district)."""
    places = account_places()
    query = (
        select(literal(1))
        .select_from(Account)
        .join(places, places.c.account_id == Account.id)
        .where(Account.tip_id == tip_id)
    )
    return query, places


def visible_tips(actor: Actor) -> Select[Tip]:
    """A query of the tips the actor may read (see the module docstring)."""
    require_role(actor, Permission.SUBJECT_READ)
    query = select(Tip)
    if scope_of(actor.role, Permission.SUBJECT_READ) is Scope.ALL:
        return query
    inner, places = _places_of(Tip.id.expression)
    inner = restrict(
        inner, actor, Permission.SUBJECT_READ, state=places.c.state, district=places.c.district
    )
    return query.where(inner.exists())


def list_tips(
    session: Session,
    actor: Actor,
    filters: TipFilters | None = None,
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE,
) -> TipPage:
    """The tips the actor may read, newest received first (then report number), filtered and
    paged (at most `PAGE_CAP` a page). A tip without a received date is dated by its ingestion."""
    filters = filters or TipFilters()
    if not 1 <= limit <= PAGE_CAP:
        raise UserInputError(f"A page holds 1 to {PAGE_CAP} tips, not {limit}.")
    if not 0 <= offset <= MAX_OFFSET:
        raise UserInputError(f"The offset must be between 0 and {MAX_OFFSET}, not {offset}.")
    query = visible_tips(actor)
    # A report that does not say when NCMEC received it (ESP XML) counts as received when the
    # unit ingested it: it is then in every date range and order an officer works through.
    received = func.coalesce(Tip.received_at, Tip.first_ingested_at)
    if filters.received_from is not None:
        query = query.where(received >= _start_of(filters.received_from))
    if filters.received_to is not None:
        query = query.where(received < _start_of(filters.received_to + timedelta(days=1)))
    if filters.platform:
        query = query.where(func.upper(Tip.reporting_platform) == filters.platform.strip().upper())
    if filters.incident_type:
        query = query.where(func.upper(Tip.incident_type) == filters.incident_type.strip().upper())
    if filters.district:
        inner, places = _places_of(Tip.id.expression)
        query = query.where(
            inner.where(func.upper(places.c.district) == filters.district.strip().upper()).exists()
        )
    matched = matched_targets(TIP_FILE_TARGET).subquery()
    any_match = exists().where(
        TipFile.tip_id == Tip.id, TipFile.id.in_(select(matched.c.target_id))
    )
    unmatched = exists().where(
        TipFile.tip_id == Tip.id, TipFile.id.not_in(select(matched.c.target_id))
    )
    if filters.matched is not None:
        query = query.where(any_match if filters.matched else ~any_match)
    if filters.new_media is not None:
        query = query.where(unmatched if filters.new_media else ~unmatched)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    tips = list(
        session.scalars(
            query.order_by(received.desc(), Tip.source_id, Tip.id).offset(offset).limit(limit)
        )
    )
    files, hits = _file_counts(session, [tip.id for tip in tips])
    rows = [
        TipRow(
            tip_id=tip.id,
            source=tip.source,
            report_id=tip.source_id,
            received_at=tip.received_at,
            ingested_at=tip.first_ingested_at,
            incident_type=tip.incident_type,
            platform=tip.reporting_platform,
            escalated=tip.escalated,
            files=files.get(tip.id, 0),
            matched_files=hits.get(tip.id, 0),
        )
        for tip in tips
    ]
    return TipPage(rows=rows, total=total, offset=offset, limit=limit)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _file_counts(session: Session, tip_ids: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    if not tip_ids:
        return {}, {}
    rows = session.execute(select(TipFile.tip_id, TipFile.id).where(TipFile.tip_id.in_(tip_ids)))
    by_tip: dict[str, list[str]] = {}
    for tip_id, file_id in rows:
        by_tip.setdefault(tip_id, []).append(file_id)
    found = matches_for(session, TIP_FILE_TARGET, [f for ids in by_tip.values() for f in ids])
    return (
        {tip_id: len(ids) for tip_id, ids in by_tip.items()},
        {tip_id: sum(1 for f in ids if found.get(f)) for tip_id, ids in by_tip.items()},
    )


def tip_places(session: Session, tip_id: str) -> list[tuple[str, str, str | None, str | None]]:
    """(account id, subject id, state, district) of each resolved account of the tip."""
    places = account_places()
    rows = session.execute(
        select(places.c.account_id, places.c.subject_id, places.c.state, places.c.district)
        .join(Account, Account.id == places.c.account_id)
        .where(Account.tip_id == tip_id)
        .order_by(places.c.subject_id, places.c.account_id)
    )
    return [(str(a), str(s), st, d) for a, s, st, d in rows]


def read_tip(session: Session, actor: Who, tip_id: str, *, channel: str = "web") -> TipDetail:
    """The tip as the actor may see it; NotFound when it does not exist or lies outside the
    actor's reach (alike). The read is audited (`tip.read`) in the session's transaction. The
    command line (a `cli:<login>` name, the trusted channel) reaches every tip, but never a
    victim's identity: that stays with the people the victim policy names."""
    if isinstance(actor, Actor):
        require_role(actor, Permission.SUBJECT_READ)
    tip = session.get(Tip, tip_id)
    places = tip_places(session, tip_id) if tip is not None else []
    reachable = not isinstance(actor, Actor) or (
        scope_of(actor.role, Permission.SUBJECT_READ) is Scope.ALL
        or any(
            permits(actor, Permission.SUBJECT_READ, state=state, district=district)
            for _, _, state, district in places
        )
    )
    if tip is None or not reachable:
        raise NotFound(
            f"No tip {tip_id!r} that you may see. Tip ids come from the tip inbox, which lists "
            "every tip of your jurisdiction."
        )
    victims_shown = isinstance(actor, Actor) and any(
        permits(actor, Permission.VICTIM_READ, state=state, district=district)
        for _, _, state, district in places
    )
    accounts = list(session.scalars(select(Account).where(Account.tip_id == tip.id)))
    withheld = [
        a.id for a in accounts if (a.restricted or a.role in RESTRICTED_ROLES) and not victims_shown
    ]
    shown_ids = [a.id for a in accounts if a.id not in withheld]
    position = {a.id: a.position for a in accounts}
    views = sorted(account_views(session, shown_ids), key=lambda v: position[v.account_id])
    subjects: dict[str, TipPlace] = {}
    for _, subject_id, state, district in places:
        subjects[subject_id] = TipPlace(
            subject_id,
            state,
            district,
            not isinstance(actor, Actor)
            or permits(actor, Permission.SUBJECT_READ, state=state, district=district),
        )
    files = list(
        session.scalars(select(TipFile).where(TipFile.tip_id == tip.id).order_by(TipFile.position))
    )
    found = matches_for(session, TIP_FILE_TARGET, [f.id for f in files])
    incidents = session.scalars(
        select(IncidentDetail)
        .where(IncidentDetail.tip_id == tip.id)
        .order_by(IncidentDetail.position)
    )
    record(
        session,
        actor,
        "tip.read",
        "tip",
        tip.id,
        {"channel": channel, "report": tip.source_id, "victims_withheld": len(withheld)},
    )
    return TipDetail(
        tip_id=tip.id,
        source=tip.source,
        report_id=tip.source_id,
        version=tip.version,
        content_digest=tip.content_digest,
        format_name=tip.format_name,
        record_kind=tip.record_kind,
        incident_type=tip.incident_type,
        received_at=tip.received_at,
        incident_at=tip.incident_at,
        platform=tip.reporting_platform,
        annotations=[str(a) for a in tip.annotations],
        escalated=tip.escalated,
        batch_reason=tip.batch_reason,
        file_set_digest=tip.file_set_digest,
        details=dict(tip.details),
        first_ingested_at=tip.first_ingested_at,
        updated_at=tip.updated_at,
        accounts=views,
        files=[_file_view(f, found.get(f.id, [])) for f in files],
        incidents=[IncidentView(i.kind, dict(i.values)) for i in incidents],
        subjects=sorted(subjects.values(), key=lambda p: p.subject_id),
        children_named=len(withheld),
        victims_shown=victims_shown,
        account_subjects={a: s for a, s, _, _ in places},
    )


def _file_view(row: TipFile, matches: list[MatchView]) -> FileView:
    return FileView(
        file_row_id=row.id,
        file_id=row.file_id,
        file_name=row.file_name,
        original_file_name=row.original_file_name,
        md5=row.md5,
        sha1=row.sha1,
        sha256=row.sha256,
        pdq=row.pdq,
        other_hashes=dict(row.other_hashes),
        classification=row.classification,
        annotations=[str(a) for a in row.annotations],
        viewed_by_esp=row.viewed_by_esp,
        publicly_available=row.publicly_available,
        uploaded_at=row.uploaded_at,
        exif=[[str(x) for x in item] for item in row.exif],
        ip_events=[ip_event_view(e) for e in row.ip_events],
        matches=matches,
    )


def quarantine_for(
    session: Session, actor: Actor, *, include_resolved: bool = False
) -> list[QuarantineView]:
    """The quarantine list for `QUARANTINE_ROLES`; AccessDenied for any other role."""
    if actor.role not in QUARANTINE_ROLES:
        raise AccessDenied(
            f"The role {actor.role} does not allow reading the quarantine "
            "(admin and state_analyst only)."
        )
    return quarantine_records(session, include_resolved=include_resolved)
