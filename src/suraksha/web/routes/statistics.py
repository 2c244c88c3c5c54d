"""The statistics page: the funnel tips → subjects → cases → FIR → charge sheet → verdict →
conviction by district and month, deadlines met and missed by clock, bar charts, and CSV
downloads.

The figures come from `cases.statistics`, which limits them to the person's jurisdiction in its
queries and audits the view (`case.statistics`) and each download (`case.export`). Charts are
SVG drawn here on the server (the Content-Security-Policy allows no script for them): bars are
rectangles whose sizes are computed below, coloured by the stylesheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from suraksha.cases.statistics import (
    OUTCOMES,
    STEPS,
    CaseStatistics,
    Place,
    StatisticsFilters,
    case_statistics,
    export_statistics,
)
from suraksha.spreadsheets import defuse
from suraksha.web.deps import Db, Who
from suraksha.web.downloads import csv_attachment
from suraksha.web.routes.subjects import optional_int, optional_text
from suraksha.web.templating import render

router = APIRouter()

STEP_LABELS: Final = {
    "tips": "Tips",
    "subjects": "Subjects",
    "cases": "Cases",
    "fir": "FIR",
    "chargesheet": "Charge sheet",
    "verdict": "Verdict",
    "conviction": "Conviction",
}
CHART_WIDTH: Final = 600
BAR_AREA: Final = 170  # pixels of the tallest bar
TOP: Final = 24
LABEL_BAND: Final = 56
LEFT: Final = 56


@dataclass(frozen=True, slots=True)
class Bar:
    """One rectangle of a chart, with its value and series for the stylesheet and the title."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: int
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    """A category's label under its group of bars."""

    x: float
    text: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A grouped bar chart laid out for SVG: categories along x, one bar per series."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    series: list[str]
    maximum: int
    baseline: float
    slanted: bool  # many categories: labels are turned so that they do not overlap


def grouped_bars(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]
) -> BarChart:
    """Lay out one bar per (category, series); heights scale to the largest value."""
    maximum = max((v for _, values in series for v in values), default=0)
    slot = (CHART_WIDTH - LEFT) / max(len(categories), 1)
    bar_width = max(min(slot * 0.8 / max(len(series), 1), 48.0), 2.0)
    baseline = TOP + BAR_AREA
    bars: list[Bar] = []
    for s, (name, values) in enumerate(series):
        for c, value in enumerate(values):
            height = BAR_AREA * value / maximum if maximum else 0.0
            x = LEFT + c * slot + slot * 0.1 + s * bar_width
            bars.append(
                Bar(
                    round(x, 1),
                    round(baseline - height, 1),
                    round(bar_width - 1, 1),
                    round(height, 1),
                    value,
                    s,
                    f"{categories[c]}: {name} {value}",
                )
            )
    labels = [
        Label(round(LEFT + c * slot + slot / 2, 1), text[:24]) for c, text in enumerate(categories)
    ]
    slanted = slot < 90
    return BarChart(
        title,
        CHART_WIDTH,
        int(baseline + LABEL_BAND * (2 if slanted else 1)),
        bars,
        labels,
        [name for name, _ in series],
        maximum,
        baseline,
        slanted,
    )


def _filters(district: str | None, year: str | None) -> StatisticsFilters:
    return StatisticsFilters(
        district=optional_text(district), year=optional_int(year, "Year", default=None)
    )


def _charts(stats: CaseStatistics) -> list[BarChart]:
    """The page's charts: the funnel, cases by month, the funnel by district, the deadlines."""
    charts = [
        grouped_bars(
            "The funnel",
            [STEP_LABELS[s] for s in STEPS],
            [("count", [stats.total.count(s) for s in STEPS])],
        )
    ]
    months = [r for r in stats.by_month if r.month]
    if months:
        charts.append(
            grouped_bars(
                "By month: cases opened, FIRs, charge sheets",
                [r.month or "" for r in months],
                [
                    (STEP_LABELS[s], [r.count(s) for r in months])
                    for s in ("cases", "fir", "chargesheet")
                ],
            )
        )
    places = [r for r in stats.by_place if r.place is not None]
    if places:
        charts.append(
            grouped_bars(
                "By district: subjects, cases, FIRs, charge sheets",
                [(r.place.district or r.place.label) if r.place else "" for r in places],
                [
                    (STEP_LABELS[s], [r.count(s) for r in places])
                    for s in ("subjects", "cases", "fir", "chargesheet")
                ],
            )
        )
    clocks = stats.deadlines_by_clock
    if clocks:
        charts.append(
            grouped_bars(
                "Deadlines met and missed, by clock",
                [r.clock for r in clocks],
                [(o, [r.count(o) for r in clocks]) for o in ("met", "missed")],
            )
        )
    return charts


@router.get("/statistics", response_class=HTMLResponse, include_in_schema=False)
def statistics_page(
    request: Request,
    who: Who,
    session: Db,
    district: str | None = None,
    year: str | None = None,
) -> Response:
    """The funnel and the deadlines of the person's jurisdiction, with charts."""
    filters = _filters(district, year)
    stats = case_statistics(session, who.actor, filters)
    return render(
        request,
        "statistics/page.html",
        {
            "stats": stats,
            "charts": _charts(stats),
            "steps": STEPS,
            "step_labels": STEP_LABELS,
            "outcomes": OUTCOMES,
            "query": {"district": filters.district or "", "year": optional_text(year) or ""},
        },
    )


@router.get("/statistics/funnel.csv", include_in_schema=False)
def funnel_csv(
    who: Who, session: Db, district: str | None = None, year: str | None = None
) -> Response:
    """The funnel by district and month as CSV (audited `case.export`)."""
    stats = export_statistics(session, who.actor, "funnel.csv", _filters(district, year))
    rows = [
        [*_place_cells(row.place), defuse(row.month or ""), *(row.count(s) for s in STEPS)]
        for row in stats.funnel
    ]
    rows.append(["", "", "all", *(stats.total.count(s) for s in STEPS)])
    return csv_attachment("funnel.csv", ["state", "district", "month", *STEPS], rows)


@router.get("/statistics/deadlines.csv", include_in_schema=False)
def deadlines_csv(
    who: Who, session: Db, district: str | None = None, year: str | None = None
) -> Response:
    """Deadlines met, missed, running and ended by district and clock as CSV (audited)."""
    stats = export_statistics(session, who.actor, "deadlines.csv", _filters(district, year))
    rows = [
        [*_place_cells(row.place), defuse(row.clock), *(row.count(o) for o in OUTCOMES)]
        for row in stats.deadlines
    ]
    return csv_attachment("deadlines.csv", ["state", "district", "clock", *OUTCOMES], rows)


def _place_cells(place: Place | None) -> list[str]:
    """A row's state and district cells, defused against spreadsheet formulas; blank if unrouted."""
    if place is None:
        return ["", ""]
    return [defuse(place.state or ""), defuse(place.district or "")]
