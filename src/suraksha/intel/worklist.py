"""An officer's work on subjects, behind role and jurisdiction: the list, the profile, decisions.

Every function takes the `Actor` it acts for and applies `security.policy` itself, so the web
pages, the JSON API and any later caller reach exactly the same subjects:

    list_subjects     restrict(...) in the query: only subjects routed into the actor's reach
    export_subjects   the same with subject.export, audited `subject.export` (the CSV file)
    read_profile      permits(...) on the subject's place, then an audited `subject.read`
                      (`record_profile_read`, which `suraksha subject` can share)
    judge             subject.write on both sides → identity.judgements → incremental resolve
                      → assessment (priority and routing), audited `subject.judge`
    override_priority subject.write → intel.overrides, audited `subject.override`

A subject that does not exist and one outside the actor's reach raise the same `NotFound`, with
the same message: a refusal must not confirm to a district officer that another district's
subject exists (docs/security.md). A role that reaches no subject at all gets `AccessDenied`.

A subject's place is routing's (`subject_jurisdictions`); an unrouted subject is reached by
`all`-scope roles only. The list covers assessed subjects (those `resolve` scored and routed);
`resolve` always assesses, so that is every subject once a resolution has finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from suraksha.config import Settings
from suraksha.errors import UserInputError
from suraksha.identity.ips import NO_POOLS, CarrierPools
from suraksha.identity.judgements import (
    Decision,
    JudgementView,
    judgements_touching,
    record_judgement,
)
from suraksha.identity.linker import ResolveResult, resolve
from suraksha.identity.members import account_subjects, member_counts
from suraksha.identity.subjects import (
    LinkView,
    members_of,
    refused_links_of,
    subject_exists,
    subjects_of_accounts,
)
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import SubjectDossier, subject_dossier
from suraksha.intel.freshness import next_deadline
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.intel.overrides import (
    OverrideMode,
    OverrideView,
    override_history,
    record_override,
    withdraw_override,
)
from suraksha.security.audit import Who, record
from suraksha.security.policy import Actor, Permission, Scope, permits, require, restrict, scope_of
from suraksha.storage.paging import Page

PAGE_CAP: Final = 100
"""The most subjects one page (or one API call) returns."""
DEFAULT_PAGE: Final = 25
EXPORT_CAP: Final = 10_000
"""The most subjects one export holds; narrow the filters for more."""
COUNT_CAP: Final = 1_000
"""How many matching subjects a list page counts at least before it says "1,000+". Counting a
state's hundreds of thousands on every page cost more than the page (a join of priorities and
places); past the page it counts no further than `COUNT_CAP`, or two pages on, whichever is
more, so there is always a next page to offer."""
MAX_OFFSET: Final = 100_000
"""Offsets past this are refused: narrow the filters instead of paging through a country."""
CARRIER_POOLS_FILE: Final = "carrier-pools.toml"
"""The workspace's carrier-grade NAT pools, read by `resolve` as `suraksha resolve` reads them."""
VICTIM_ROLES: Final = frozenset({"victim"})
PROFILE_READ: Final = "subject.read"


class NotFound(UserInputError):
    """No such object, or one outside the actor's jurisdiction: the two are told apart to nobody."""


class SubjectOrder(StrEnum):
    """How the subject list is sorted."""

    PRIORITY = "priority"  # highest score first, then id
    DEADLINE = "deadline"  # nearest open freshness deadline first (none last), then priority


@dataclass(frozen=True, slots=True)
class SubjectFilters:
    """What the list is narrowed to; None means no condition."""

    district: str | None = None
    state: str | None = None
    min_priority: float | None = None
    due_within: int | None = None  # days from `today`: an open freshness deadline by then
    order: SubjectOrder = SubjectOrder.PRIORITY


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """One line of the subject list."""

    subject_id: str
    priority: float
    state: str | None
    district: str | None
    police_station: str | None
    routing_status: str
    routing_confidence: float
    accounts: int
    next_deadline: date | None
    deadline_factor: str | None
    top_factors: tuple[str, ...]


SubjectPage = Page[SubjectRow]


@dataclass(slots=True)
class SubjectProfile:
    """Everything the profile page shows about one subject."""

    dossier: SubjectDossier
    refused: list[LinkView]
    judgements: list[JudgementView]
    elsewhere: dict[str, str]  # account id → subject id, for the other side of refused links
    overrides: list[OverrideView]
    victim_reports: frozenset[str] = field(default_factory=frozenset)  # tips naming a child

    @property
    def subject_id(self) -> str:
        """The subject's id."""
        return self.dossier.brief.subject_id


@dataclass(frozen=True, slots=True)
class JudgementOutcome:
    """What posting a judgement did: the judgement, the resolution it triggered, where the
    subject's accounts are now (the id can change when subjects merge or split)."""

    judgement: JudgementView
    resolution: ResolveResult
    subject_id: str | None  # the subject now holding the judged subject's first account
    routed: int


def require_role(actor: Actor, permission: Permission) -> None:
    """AccessDenied when the actor's role has no scope at all for `permission` (a 403: it
    reveals nothing about any object)."""
    if scope_of(actor.role, permission) is Scope.NONE:
        require(actor, permission)


def subject_place(session: Session, subject_id: str) -> tuple[str | None, str | None]:
    """The (state, district) routing gave the subject; (None, None) when unrouted."""
    place = session.get(SubjectJurisdiction, subject_id)
    return (place.state, place.district) if place is not None else (None, None)


def check_subject(
    session: Session,
    actor: Actor,
    subject_id: str,
    permission: Permission = Permission.SUBJECT_READ,
) -> None:
    """Return when the actor may do `permission` on the subject; NotFound when it does not exist
    or lies outside the actor's reach (alike), AccessDenied when the role never may."""
    require_role(actor, permission)
    if not subject_exists(session, subject_id):
        raise _not_found(subject_id)
    state, district = subject_place(session, subject_id)
    if not permits(actor, permission, state=state, district=district):
        raise _not_found(subject_id)


def _not_found(subject_id: str) -> NotFound:
    return NotFound(
        f"No subject {subject_id!r} that you may see. Subject ids come from the subject list, "
        "which shows every subject of your jurisdiction."
    )


def account_places() -> Subquery:
    """A subquery of (account_id, subject_id, state, district): each resolved account with its
    subject's place. Other domains join it to restrict their rows by jurisdiction (the tip
    inbox); state and district are NULL for an unrouted subject, which only `all` reaches."""
    members = account_subjects().subquery("members")
    return (
        select(
            members.c.account_id,
            members.c.subject_id,
            SubjectJurisdiction.state.label("state"),
            SubjectJurisdiction.district.label("district"),
        )
        .select_from(members)
        .outerjoin(SubjectJurisdiction, SubjectJurisdiction.subject_id == members.c.subject_id)
        .subquery("account_places")
    )


def list_subjects(
    session: Session,
    actor: Actor,
    filters: SubjectFilters | None = None,
    *,
    offset: int = 0,
    limit: int = DEFAULT_PAGE,
    today: date | None = None,
) -> SubjectPage:
    """The subjects the actor may read, filtered, sorted and paged (at most `PAGE_CAP` a page).

    Restriction by jurisdiction is part of the query (`policy.restrict`), and so are filters,
    order and paging; sorting or filtering by freshness deadline reads the deadline stored with
    each priority (`SubjectPriority.next_deadline`, indexed).
    """
    require_role(actor, Permission.SUBJECT_READ)
    if not 1 <= limit <= PAGE_CAP:
        raise UserInputError(f"A page holds 1 to {PAGE_CAP} subjects, not {limit}.")
    if not 0 <= offset <= MAX_OFFSET:
        raise UserInputError(f"The offset must be between 0 and {MAX_OFFSET}, not {offset}.")
    return _subject_page(
        session, actor, Permission.SUBJECT_READ, filters, offset, limit, today or date.today()
    )


def export_subjects(
    session: Session,
    actor: Actor,
    filters: SubjectFilters | None = None,
    *,
    today: date | None = None,
) -> list[SubjectRow]:
    """The list as it leaves the application (a CSV file): restricted by subject.export, at most
    `EXPORT_CAP` rows, audited as `subject.export` with the filters and the count.

    The rows hold subject ids, scores, places, deadlines and factor names: never an identifier,
    a name or anything about a victim (docs/security.md: victim identity never leaves the unit).
    """
    require_role(actor, Permission.SUBJECT_EXPORT)
    filters = filters or SubjectFilters()
    page = _subject_page(
        session, actor, Permission.SUBJECT_EXPORT, filters, 0, EXPORT_CAP, today or date.today()
    )
    record_export(
        session,
        actor,
        "subjects.csv",
        len(page.rows),
        {
            "total": page.total,
            "total_exact": page.exact,
            "district": filters.district,
            "state": filters.state,
            "min_priority": filters.min_priority,
            "due_within": filters.due_within,
            "order": filters.order.value,
        },
    )
    return page.rows


def record_export(
    session: Session, who: Who, name: str, rows: int, filters: Mapping[str, Any]
) -> None:
    """Audit that `who` exported `rows` subjects as `name` (`subject.export`, kind
    `subject_list`) with the filters used: the web's CSV and `suraksha subjects --format csv|json|
    jsonl` alike. The session must be a writing one."""
    record(session, who, "subject.export", "subject_list", name, {"rows": rows, **filters})


def _subject_page(
    session: Session,
    actor: Actor,
    permission: Permission,
    filters: SubjectFilters | None,
    offset: int,
    limit: int,
    today: date,
) -> SubjectPage:
    """Filter, sort and page in SQL, then read the page's rows whole.

    Two steps (a "deferred join"): the ids of the page are found on narrow columns (score, id,
    place), so a deep page does not carry the factor lists of every subject before it; then the
    page's rows are read with their factors. The deadline order and filter use the deadline
    stored with each priority (`freshness.next_deadline` of its factors, indexed). The total is
    counted up to `COUNT_CAP` (or two pages past this one): beyond, the page says "N+".
    """
    filters = filters or SubjectFilters()
    if filters.due_within is not None and not 0 <= filters.due_within <= 3650:
        raise UserInputError("Due within must be between 0 and 3650 days.")
    query = select(SubjectPriority.subject_id).outerjoin(
        SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
    )
    query = restrict(
        query,
        actor,
        permission,
        state=SubjectJurisdiction.state.expression,
        district=SubjectJurisdiction.district.expression,
    )
    for column, wanted in (
        (SubjectJurisdiction.district.expression, filters.district),
        (SubjectJurisdiction.state.expression, filters.state),
    ):
        if wanted is not None and wanted.strip():
            query = query.where(_same_name(column, wanted))
    if filters.min_priority is not None:
        query = query.where(SubjectPriority.score >= filters.min_priority)
    deadline = SubjectPriority.next_deadline
    if filters.due_within is not None:
        # No deadline (NULL) is never due.
        query = query.where(deadline <= today + timedelta(days=filters.due_within))
    cap = max(COUNT_CAP, offset + 2 * limit)
    counted = session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery())) or 0
    ordering: list[ColumnElement[Any]] = [SubjectPriority.score.desc()]
    if filters.order is SubjectOrder.DEADLINE:
        ordering.insert(0, deadline.asc().nulls_last())
    page_ids = list(
        session.scalars(
            query.order_by(*ordering, SubjectPriority.subject_id).offset(offset).limit(limit)
        )
    )
    chosen = _page_rows(session, page_ids)
    counts = member_counts(session, page_ids)
    return SubjectPage(
        rows=[_subject_row(values, counts.get(values["subject_id"], 0)) for values in chosen],
        total=min(counted, cap),
        offset=offset,
        limit=limit,
        exact=counted <= cap,
    )


def _page_rows(session: Session, subject_ids: list[str]) -> list[dict[str, Any]]:
    """The list's values of these subjects, in the order given."""
    if not subject_ids:
        return []
    rows = session.execute(
        select(
            SubjectPriority.subject_id,
            SubjectPriority.score,
            SubjectPriority.factors,
            SubjectPriority.computed_at,
            SubjectJurisdiction.state,
            SubjectJurisdiction.district,
            SubjectJurisdiction.police_station,
            SubjectJurisdiction.status,
            SubjectJurisdiction.confidence,
        )
        .outerjoin(
            SubjectJurisdiction, SubjectJurisdiction.subject_id == SubjectPriority.subject_id
        )
        .where(SubjectPriority.subject_id.in_(subject_ids))
    )
    found = {row.subject_id: _row_values(row) for row in rows}
    return [found[subject_id] for subject_id in subject_ids if subject_id in found]


def _same_name(column: ColumnElement[Any], wanted: str) -> ColumnElement[bool]:
    """Place names compare case-insensitively ("Ernakulam" finds ERNAKULAM)."""
    return func.upper(column) == wanted.strip().upper()


def _row_values(row: Any) -> dict[str, Any]:
    deadline, factor = next_deadline(list(row.factors or []), row.computed_at)
    return {
        "subject_id": row.subject_id,
        "score": float(row.score),
        "factors": list(row.factors or []),
        "state": row.state,
        "district": row.district,
        "police_station": row.police_station,
        "status": row.status or "no evidence",
        "confidence": float(row.confidence or 0.0),
        "deadline": deadline,
        "deadline_factor": factor,
    }


def _subject_row(values: dict[str, Any], accounts: int) -> SubjectRow:
    top = sorted(values["factors"], key=lambda f: -float(f.get("weight", 0)))[:3]
    return SubjectRow(
        subject_id=values["subject_id"],
        priority=values["score"],
        state=values["state"],
        district=values["district"],
        police_station=values["police_station"],
        routing_status=values["status"],
        routing_confidence=values["confidence"],
        accounts=accounts,
        next_deadline=values["deadline"],
        deadline_factor=values["deadline_factor"],
        top_factors=tuple(str(f.get("factor", "")) for f in top),
    )


def read_profile(
    session: Session, actor: Actor, subject_id: str, *, channel: str = "web", audit: bool = True
) -> SubjectProfile:
    """The subject's profile, after checking the actor may read it; the read is audited.

    The audit event (`subject.read`, kind `subject`) is written in the session's transaction, so
    the session must be a writing one (`storage.session.transaction`, or the web request's).
    With `audit=False` the caller must call `record_profile_read` itself, in the same
    transaction, once the profile is shown: the web routes write it after rendering, because
    appending to the audit chain locks its head until the transaction commits and every
    profile read waits for that lock (a failed rendering rolls the transaction back, so no read
    goes unrecorded and none is recorded that was not shown).
    """
    check_subject(session, actor, subject_id)
    dossier = subject_dossier(session, subject_id)
    account_ids = [view.account_id for view in dossier.accounts]
    refused = refused_links_of(session, account_ids)
    elsewhere = subjects_of_accounts(
        session, [x for link in refused for x in (link.account_a, link.account_b)]
    )
    profile = SubjectProfile(
        dossier=dossier,
        refused=refused,
        judgements=judgements_touching(session, account_ids),
        elsewhere=elsewhere,
        overrides=override_history(session, subject_id),
        victim_reports=frozenset(tip.report_id for tip in dossier.tips if tip.roles & VICTIM_ROLES),
    )
    if audit:
        # Last: appending to the audit chain locks its head until the transaction ends, and
        # every profile read waits for that lock; nothing else of the read runs while it is held.
        record_profile_read(session, actor, dossier, channel=channel)
    return profile


def record_profile_read(
    session: Session, who: Who, dossier: SubjectDossier, *, channel: str
) -> None:
    """Audit that `who` read the subject's profile (`subject.read`, kind `subject`).

    One function for every channel, so a read looks the same in the log wherever it was made:
    `read_profile` (web and API, as the signed-in actor) calls it, and `suraksha subject ID`
    can, as `cli:<login>` (the command line is the trusted channel, docs/security.md). The
    session must be a writing one.
    """
    record(
        session,
        who,
        PROFILE_READ,
        "subject",
        dossier.brief.subject_id,
        {"channel": channel, "reports": len(dossier.brief.report_ids)},
    )


def judge(
    session: Session,
    actor: Actor,
    settings: Settings,
    subject_id: str,
    other: str,
    decision: Decision,
    *,
    reason: str,
) -> JudgementOutcome:
    """Record the actor's judgement that the subject and `other` (a subject or account id) are
    the same person, different persons, or unsure; then re-resolve incrementally and re-assess.

    Both sides must be within the actor's reach for subject.write: an account is judged through
    the subject it belongs to. The judgement goes through `identity.judgements.record_judgement`
    (with the actor's name as analyst), the resolution through `identity.linker.resolve` as
    `suraksha resolve` runs it, and assessment through `assess_configured`.
    """
    check_subject(session, actor, subject_id)
    state, district = subject_place(session, subject_id)
    require(actor, Permission.SUBJECT_WRITE, state=state, district=district)
    other = other.strip()
    if not other:
        raise UserInputError("Give the other subject or account id to judge this subject against.")
    other_subject = other if subject_exists(session, other) else None
    if other_subject is None:
        other_subject = subjects_of_accounts(session, [other]).get(other)
    if other_subject is not None:
        _check_other(session, actor, other, other_subject)
    elif scope_of(actor.role, Permission.SUBJECT_READ) is not Scope.ALL:
        # An account in no subject is in no jurisdiction: only `all` may name it.
        raise NotFound(f"No subject or account {other!r} that you may see.")
    first_account = min(members_of(session, subject_id))
    judgement = record_judgement(
        session, subject_id, other, decision, reason=reason, analyst=actor.name
    )
    result = resolve(session, pools=_carrier_pools(settings), full=False)
    assessed = assess_configured(session, settings)
    now_in = subjects_of_accounts(session, [first_account]).get(first_account)
    record(
        session,
        actor,
        "subject.judge",
        "subject",
        subject_id,
        {
            "judgement": judgement.id,
            "decision": decision.value,
            "other": other,
            "now_subject": now_in,
        },
    )
    return JudgementOutcome(
        judgement=judgement, resolution=result, subject_id=now_in, routed=assessed.routed
    )


def _check_other(session: Session, actor: Actor, given: str, subject_id: str) -> None:
    state, district = subject_place(session, subject_id)
    if not permits(actor, Permission.SUBJECT_READ, state=state, district=district):
        raise NotFound(f"No subject or account {given!r} that you may see.")
    require(actor, Permission.SUBJECT_WRITE, state=state, district=district)


def _carrier_pools(settings: Settings) -> CarrierPools:
    path = settings.home / CARRIER_POOLS_FILE
    return CarrierPools.load(path) if path.is_file() else NO_POOLS


def override_priority(
    session: Session,
    actor: Actor,
    subject_id: str,
    mode: OverrideMode,
    *,
    reason: str,
    points: float | None = None,
) -> OverrideView:
    """Set, add to or withdraw the subject's priority override as the actor, with a reason
    (`intel.overrides`); needs subject.write on the subject; audited `subject.override`."""
    check_subject(session, actor, subject_id)
    state, district = subject_place(session, subject_id)
    require(actor, Permission.SUBJECT_WRITE, state=state, district=district)
    if mode is OverrideMode.WITHDRAW:
        view = withdraw_override(session, subject_id, reason=reason, officer=actor.name)
    elif points is None:
        raise UserInputError("Give the points: the new score, or the points to add.")
    elif mode is OverrideMode.SET:
        view = record_override(session, subject_id, reason=reason, officer=actor.name, score=points)
    else:
        view = record_override(session, subject_id, reason=reason, officer=actor.name, add=points)
    record(
        session,
        actor,
        "subject.override",
        "subject",
        subject_id,
        {"override": view.override_id, "mode": view.mode, "points": view.points},
    )
    return view
