"""The subject list's SQL: the deadline stored with each priority is what `next_deadline` says
of its factors (on insert, on update, and as migration 0021 fills it), and the list sorts, filters
and pages in the database exactly as it did in Python, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from suraksha.identity.models import Subject
from suraksha.intel.freshness import next_deadline
from suraksha.intel.models import SubjectJurisdiction, SubjectPriority
from suraksha.intel.worklist import COUNT_CAP, SubjectFilters, SubjectOrder, list_subjects
from suraksha.security.policy import Actor, Role
from suraksha.storage import schema
from suraksha.storage.session import transaction

ASSESSED = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
TODAY = date(2026, 11, 27)


def clock(
    deadline: str | None, weight: Any = 5.0, name: str = "platform_preservation"
) -> dict[str, Any]:
    return {"factor": name, "value": "x", "weight": weight, "source": [], "deadline": deadline}


FACTOR_LISTS: dict[str, list[dict[str, Any]]] = {
    "none": [],
    "no clock": [{"factor": "volume", "value": 4, "weight": 7.0, "source": []}],
    "null deadline": [clock(None)],
    "one open": [clock("2027-04-28")],
    "nearest of several": [clock("2027-04-28"), clock("2027-01-02", 9.5, "operator_ip_logs")],
    "expired clock has no points": [clock("2026-01-01", 0.0), clock("2027-03-01")],
    "zero weight ignored": [clock("2026-12-01", 0), clock("2027-03-01")],
    "missing weight ignored": [{"factor": "f", "deadline": "2026-12-01"}, clock("2027-03-01")],
    "before the assessment day": [clock("2026-11-25"), clock("2027-03-01")],
    "on the assessment day": [clock("2026-11-26")],
    "with a time": [clock("2027-02-03T10:00:00+00:00")],
    "negative weight": [clock("2026-12-01", -3.0)],
    "empty text": [clock(""), clock("2027-05-05")],
}


def _stored_deadlines(db: Engine) -> dict[str, date | None]:
    with transaction(db) as session:
        rows = session.execute(select(SubjectPriority.subject_id, SubjectPriority.next_deadline))
        return {subject_id: deadline for subject_id, deadline in rows}


def test_the_stored_deadline_follows_the_factors(db: Engine) -> None:
    _store(db)
    stored = _stored_deadlines(db)
    for number, (case, factors) in enumerate(FACTOR_LISTS.items()):
        assert stored[f"S-{number:02d}"] == next_deadline(factors, ASSESSED)[0], case
    # A re-assessment that changes the factors (or the day) moves the deadline with them.
    later = ASSESSED + timedelta(days=120)
    with transaction(db) as session:
        for priority in session.scalars(select(SubjectPriority)):
            priority.factors = list(reversed(priority.factors))  # a new list: the ORM sees it
            priority.computed_at = later
    stored = _stored_deadlines(db)
    for number, (case, factors) in enumerate(FACTOR_LISTS.items()):
        assert stored[f"S-{number:02d}"] == next_deadline(factors, later)[0], case
    assert stored["S-03"] == date(2027, 4, 28) and stored["S-04"] == date(2027, 4, 28)


def test_the_migration_fills_the_deadline_of_earlier_assessments(db: Engine) -> None:
    _store(db)
    config = schema.alembic_config()
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0020")
    with db.begin() as connection:  # as assessments stored them before 0021
        columns = connection.execute(text("SELECT * FROM subject_priorities")).keys()
        assert "next_deadline" not in columns
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    stored = _stored_deadlines(db)
    for number, (case, factors) in enumerate(FACTOR_LISTS.items()):
        assert stored[f"S-{number:02d}"] == next_deadline(factors, ASSESSED)[0], case


def _store(db: Engine) -> None:
    with transaction(db) as session:
        for number, factors in enumerate(FACTOR_LISTS.values()):
            subject_id = f"S-{number:02d}"
            session.add(Subject(id=subject_id))
            session.flush()
            # Scores repeat, so the order's tie-breaks (score, then id) are exercised too.
            session.add(
                SubjectPriority(
                    subject_id=subject_id,
                    score=float(number % 4),
                    factors=factors,
                    computed_at=ASSESSED,
                )
            )
            session.add(
                SubjectJurisdiction(
                    subject_id=subject_id,
                    state="KERALA",
                    district="ERNAKULAM" if number % 2 else "KOLLAM",
                )
            )


def _expected(order: SubjectOrder, due_within: int | None, district: str | None) -> list[str]:
    """The list as it was computed in Python before it moved into SQL."""
    rows = []
    for number, factors in enumerate(FACTOR_LISTS.values()):
        if district is not None and (number % 2 == 1) != (district == "ERNAKULAM"):
            continue
        deadline, _factor = next_deadline(factors, ASSESSED)
        rows.append((f"S-{number:02d}", float(number % 4), deadline))
    if due_within is not None:
        due_by = TODAY + timedelta(days=due_within)
        rows = [row for row in rows if row[2] is not None and row[2] <= due_by]
    if order is SubjectOrder.DEADLINE:
        rows.sort(key=lambda r: (r[2] is None, r[2] or date.max, -r[1], r[0]))
    else:
        rows.sort(key=lambda r: (-r[1], r[0]))
    return [row[0] for row in rows]


@pytest.mark.parametrize("order", list(SubjectOrder))
@pytest.mark.parametrize("due_within", [None, 0, 40, 3650])
@pytest.mark.parametrize("district", [None, "ernakulam"])
def test_the_list_sorts_filters_and_pages_as_before(
    db: Engine, order: SubjectOrder, due_within: int | None, district: str | None
) -> None:
    _store(db)
    actor = Actor(1, "analyst", Role.STATE_ANALYST, state="KERALA")
    filters = SubjectFilters(district=district, due_within=due_within, order=order)
    expected = _expected(order, due_within, district.upper() if district else None)
    with transaction(db) as session:
        pages = [
            list_subjects(session, actor, filters, offset=offset, limit=3, today=TODAY)
            for offset in range(0, len(FACTOR_LISTS) + 6, 3)
        ]
    assert {page.total for page in pages} == {len(expected)}
    assert [row.subject_id for page in pages for row in page.rows] == expected
    for page in pages:
        for row in page.rows:
            factors = FACTOR_LISTS[list(FACTOR_LISTS)[int(row.subject_id[2:])]]
            assert (row.next_deadline, row.deadline_factor) == next_deadline(factors, ASSESSED)


def test_a_long_list_stops_counting_and_still_pages_to_its_end(db: Engine) -> None:
    """Past `COUNT_CAP` matches a page's total is a lower bound ("1,000+"), always past the
    page, so every page but the last offers a next one; a short list is counted exactly."""
    many = COUNT_CAP + 150
    with transaction(db) as session:
        session.add_all(Subject(id=f"L-{n:05d}") for n in range(many))
        session.flush()
        for n in range(many):
            session.add(SubjectPriority(subject_id=f"L-{n:05d}", score=float(n % 97)))
            state, district = ("KERALA", "KOLLAM") if n % 10 else ("KERALA", "IDUKKI")
            session.add(
                SubjectJurisdiction(subject_id=f"L-{n:05d}", state=state, district=district)
            )
    analyst = Actor(1, "analyst", Role.STATE_ANALYST, state="KERALA")
    officer = Actor(2, "officer", Role.DISTRICT_OFFICER, state="KERALA", district="IDUKKI")
    with transaction(db) as session:
        first = list_subjects(session, analyst, limit=25, today=TODAY)
        assert (first.total, first.exact, first.total_text) == (COUNT_CAP, False, "1,000+")
        assert first.next_offset == 25
        deep = list_subjects(session, analyst, offset=990, limit=25, today=TODAY)
        assert (deep.total, deep.exact) == (990 + 50, False)  # two pages on
        assert deep.next_offset == 1015
        last = list_subjects(session, analyst, offset=many - 10, limit=25, today=TODAY)
        assert (last.total, last.exact, len(last.rows)) == (many, True, 10)
        assert last.next_offset is None
        seen: list[str] = []
        offset: int | None = 0
        while offset is not None:
            page = list_subjects(session, analyst, offset=offset, limit=100, today=TODAY)
            seen += [row.subject_id for row in page.rows]
            offset = page.next_offset
        assert len(seen) == len(set(seen)) == many
        idukki = list_subjects(session, officer, limit=25, today=TODAY)
        assert (idukki.total, idukki.exact, idukki.total_text) == (many // 10, True, "115")
