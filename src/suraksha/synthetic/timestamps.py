"""The fixed clock of the synthetic corpus and the time-zone conventions platforms write times in.

The corpus must be byte-for-byte the same for a seed on every machine and every day, so nothing here
reads the current time: every instant is measured back from `REFERENCE_INSTANT`. Platforms disagree
on zones (US Pacific with daylight saving, UTC, IST) and NCMEC's own timestamps are US Eastern;
parsers must keep the offset, because a carrier can name a CGNAT subscriber only from the exact
instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

# The corpus ends here; incidents fall in the 18 months before it.
REFERENCE_INSTANT = datetime(2026, 9, 30, 18, 30, tzinfo=UTC)
CORPUS_SPAN = timedelta(days=548)

_IST = timezone(timedelta(hours=5, minutes=30))


class Zone(StrEnum):
    """How a source writes its instants."""

    UTC = "utc"  # "2026-03-04T18:22:05Z"
    US_PACIFIC = "us-pacific"  # "2026-03-04T10:22:05-08:00", daylight saving observed
    US_EASTERN = "us-eastern"  # NCMEC's own clock
    IST = "ist"  # "2026-03-04T23:52:05+05:30"


def _nth_sunday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=nth - 1)


def us_offset(instant: datetime, standard_hours: int) -> timedelta:
    """UTC offset of a US zone at an instant: daylight time from the second Sunday of March, 02:00
    local, to the first Sunday of November, 02:00 local (the rule since 2007)."""
    utc = instant.astimezone(UTC)
    standard = timedelta(hours=standard_hours)
    start_day = _nth_sunday(utc.year, 3, 2)
    end_day = _nth_sunday(utc.year, 11, 1)
    dst_start = datetime(start_day.year, 3, start_day.day, 2, tzinfo=UTC) - standard
    dst_end = datetime(end_day.year, 11, end_day.day, 2, tzinfo=UTC) - standard - timedelta(hours=1)
    return standard + timedelta(hours=1) if dst_start <= utc < dst_end else standard


def render(instant: datetime, zone: Zone) -> str:
    """Write an aware instant as xs:dateTime text in the zone's convention (seconds precision)."""
    utc = instant.astimezone(UTC).replace(microsecond=0)
    if zone is Zone.UTC:
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    if zone is Zone.IST:
        return utc.astimezone(_IST).isoformat()
    standard = -8 if zone is Zone.US_PACIFIC else -5
    return utc.astimezone(timezone(us_offset(utc, standard))).isoformat()
