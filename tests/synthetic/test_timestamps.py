"""Tests of the corpus clock and zone conventions."""

from __future__ import annotations

from datetime import UTC, datetime

from suraksha.synthetic.timestamps import Zone, render


def test_zones_render_the_same_instant() -> None:
    instant = datetime(2026, 3, 4, 18, 22, 5, 123, tzinfo=UTC)
    assert render(instant, Zone.UTC) == "2026-03-04T18:22:05Z"
    assert render(instant, Zone.IST) == "2026-03-04T23:52:05+05:30"
    assert render(instant, Zone.US_PACIFIC) == "2026-03-04T10:22:05-08:00"
    assert render(instant, Zone.US_EASTERN) == "2026-03-04T13:22:05-05:00"


def test_us_daylight_saving_switches_at_two_local() -> None:
    # 2026: daylight time from Sunday 8 March to Sunday 1 November.
    assert render(datetime(2026, 3, 8, 9, 59, tzinfo=UTC), Zone.US_PACIFIC).endswith("-08:00")
    assert render(datetime(2026, 3, 8, 10, 0, tzinfo=UTC), Zone.US_PACIFIC).endswith("-07:00")
    assert render(datetime(2026, 11, 1, 5, 59, tzinfo=UTC), Zone.US_EASTERN).endswith("-04:00")
    assert render(datetime(2026, 11, 1, 6, 0, tzinfo=UTC), Zone.US_EASTERN).endswith("-05:00")
    assert render(datetime(2025, 7, 1, tzinfo=UTC), Zone.US_PACIFIC) == "2025-06-30T17:00:00-07:00"
