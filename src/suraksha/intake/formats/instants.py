"""Reading the instants formats carry (ISO 8601 with a zone) into aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_instant(text: str) -> tuple[datetime | None, str | None]:
    """(aware UTC instant, None), or (None, what is wrong with `text`).

    A time without a zone is not an instant: guessing IST or UTC would move an IP capture onto
    another subscriber under carrier-grade NAT, so the caller keeps the text and warns instead.
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, "is not an ISO 8601 date and time"
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None, "has no time zone, so the instant is unknown; the text is kept"
    try:
        return parsed.astimezone(UTC), None
    except (OverflowError, ValueError):
        return None, "is out of range"
