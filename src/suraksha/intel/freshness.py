"""Freshness clocks: evidence that others keep only for a while, and when each window closes.

Each clock runs from dated marks in a subject's reports (the report's receipt, an IP capture, the
incident) for the `days` its weights give it, so every mark has a deadline. A clock reads the
nearest deadline still open: that is the request the unit must send first, and a clock's points
rise as it nears (`weights.Clock.points`). When every deadline has passed the clock shows the last
one with no points: the evidence may be gone, and hurrying no longer helps.

    clock                  runs from                          why (the window is as configured)
    platform_preservation  report received (else incident)    18 U.S.C. § 2258A(h): 1 year
    operator_ip_logs       each IP capture's exact instant    DoT licence conditions: IPDR 2 years
    cert_in_logs           IP captures and the incident       CERT-In directions 2022: 180 days
    device_wipe            IP captures and the incident       practice: a phone forgets in weeks
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from suraksha.intel.weights import Clock

NOTES = {
    "platform_preservation": (
        "the platform must preserve the reported content {days} days after the report "
        "(18 U.S.C. § 2258A(h)): send a preservation request or legal process by {deadline}",
        "the {days}-day preservation window closed on {deadline}: the platform may have deleted "
        "the content",
    ),
    "operator_ip_logs": (
        "operators keep IP detail records {days} days (as configured): ask for subscriber details "
        "of the IP captures by {deadline}",
        "the operators' {days}-day IP log window closed on {deadline}",
    ),
    "cert_in_logs": (
        "Indian service providers keep system logs {days} days (CERT-In directions of 28 April "
        "2022, as configured): request them by {deadline}",
        "the {days}-day log window closed on {deadline}",
    ),
    "device_wipe": (
        "evidence on a phone fades within about {days} days of the activity (as configured): a "
        "search by {deadline} is most likely to find it",
        "more than {days} days since the last activity (deadline {deadline}): the device may no "
        "longer hold it",
    ),
}
"""(while open, once expired) explanation of each clock; `{days}` and `{deadline}` filled in."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A dated event in one report that a clock runs from."""

    report_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ClockReading:
    """Where a clock stands on a date: its nearest open deadline, or its last one when expired."""

    deadline: date
    days_left: int | None  # None when every deadline has passed
    points: float
    reports: list[str]  # reports with an open window (all of them when expired), sorted
    open_marks: int
    marks: int

    @property
    def expired(self) -> bool:
        """Every window of the clock has closed."""
        return self.days_left is None

    @property
    def value(self) -> str:
        """ "N days left" or "expired", as a factor shows it."""
        return "expired" if self.days_left is None else f"{self.days_left} days left"


def describe(name: str, clock: Clock, reading: ClockReading) -> str:
    """Why the clock `name` matters and what to do by its deadline, for an officer."""
    open_note, closed_note = NOTES[name]
    note = (closed_note if reading.expired else open_note).format(
        days=clock.days, deadline=reading.deadline.isoformat()
    )
    if not reading.expired and reading.marks > 1:
        note += f" ({reading.open_marks} of {reading.marks} dated events still in window)"
    return note


def read_clock(clock: Clock, marks: Iterable[Mark], as_of: datetime) -> ClockReading | None:
    """The clock on `as_of`, or None when there is no mark to run it from.

    A window is open up to and including the instant of its deadline; `days_left` counts whole
    days from `as_of` to it.
    """
    dated = sorted(marks, key=lambda m: (m.at, m.report_id))
    if not dated:
        return None
    window = timedelta(days=clock.days)
    still_open = [(m.at + window, m) for m in dated if m.at + window >= as_of]
    if not still_open:
        return ClockReading(
            deadline=(dated[-1].at + window).date(),
            days_left=None,
            points=0.0,
            reports=sorted({m.report_id for m in dated}),
            open_marks=0,
            marks=len(dated),
        )
    nearest, _ = min(still_open, key=lambda pair: pair[0])
    days_left = (nearest - as_of).days
    return ClockReading(
        deadline=nearest.date(),
        days_left=days_left,
        points=round(clock.points(days_left), 1),
        reports=sorted({m.report_id for _, m in still_open}),
        open_marks=len(still_open),
        marks=len(dated),
    )


def next_deadline(
    factors: list[dict[str, Any]], computed_at: datetime | None
) -> tuple[date | None, str | None]:
    """The nearest freshness deadline of a priority's factor list (`SubjectPriority.factors`)
    still open when the subject was assessed, and its factor.

    As `suraksha subjects --due-within` reads them (intel.briefing): a clock already expired at
    assessment has no points and is not "due" — that evidence is gone. Stored with the priority
    (`SubjectPriority.next_deadline`) so the subject list sorts and filters on an index.
    """
    best: tuple[date, str] | None = None
    since = computed_at.date() if computed_at is not None else date.min
    for factor in factors:
        deadline = factor.get("deadline")
        if not deadline or float(factor.get("weight", 0)) <= 0:
            continue
        when = date.fromisoformat(str(deadline)[:10])
        if when >= since and (best is None or when < best[0]):
            best = (when, str(factor.get("factor", "")))
    return (best[0], best[1]) if best is not None else (None, None)
