"""Explained priority: a subject's score is the sum of named, evidence-backed factors.

Every factor says what it is, the value observed, the points it adds and the reports it rests on, so
an officer can see why one subject comes before another and challenge any part of it. Weights reflect
what the unit acts on first: a child who may be at risk now (contact offences, a child named in the
report, never-seen material that may be ongoing abuse), then evidence that is about to disappear
(platforms must preserve reported content for one year after the report — 18 U.S.C. § 2258A(h) as
amended in May 2024), then severity and volume. The score is the plain sum of the points, uncapped, so that two
subjects never tie merely because both reached a ceiling.

Issue 6 deepens this (group membership, operator log windows, device-wipe risk); the shape stays.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from suraksha.hashing.matcher import MatchView
from suraksha.intake.tips import TipFacts

# US platforms must preserve reported content for one year after the report (90 days before 2024).
PLATFORM_PRESERVATION = timedelta(days=365)
CONTACT_INCIDENTS = {
    "Online Enticement of Children for Sexual Acts": "online enticement",
    "Child Sexual Molestation": "child sexual molestation",
    "Child Sex Trafficking": "child sex trafficking",
    "Child Sex Tourism": "child sex tourism",
    "Unsolicited Obscene Material Sent to a Child": "obscene material sent to a child",
}
# Industry classification: A prepubescent, B pubescent; 1 sex act, 2 lascivious exhibition.
SEVERITY_POINTS = {"A1": 10.0, "A2": 7.0, "B1": 5.0, "B2": 3.0}


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason for a subject's priority."""

    factor: str
    value: Any
    weight: float
    source: list[str]  # report numbers (or bank names) the factor rests on
    note: str

    def as_dict(self) -> dict[str, Any]:
        """Plain form for storage and JSON output."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Priority:
    """A score and the factors that add up to it."""

    score: float
    factors: list[Factor]


def assess(
    tips: list[TipFacts], matches: dict[str, list[MatchView]], *, as_of: datetime
) -> Priority:
    """Score one subject from its tips and the bank matches of their files."""
    factors: list[Factor] = []

    contact = [
        (t.report_id, CONTACT_INCIDENTS[t.incident_type])
        for t in tips
        if t.incident_type in CONTACT_INCIDENTS
    ]
    if contact:
        kinds = sorted({kind for _, kind in contact})
        factors.append(
            Factor(
                "contact_offence",
                ", ".join(kinds),
                30.0,
                _ids(r for r, _ in contact),
                "a contact offence against a child is reported: a child may be at risk now",
            )
        )
    with_child = [t.report_id for t in tips if t.roles & {"intended_recipient", "victim"}]
    if with_child:
        factors.append(
            Factor(
                "child_named_in_report",
                len(with_child),
                20.0,
                _ids(with_child),
                "the report names an intended recipient or victim who can be identified",
            )
        )
    for annotation, points, note in (
        ("sextortion", 15.0, "the platform flagged sextortion"),
        ("sadisticOnlineExploitation", 15.0, "the platform flagged sadistic online exploitation"),
    ):
        flagged = [t.report_id for t in tips if annotation in t.annotations]
        if flagged:
            factors.append(Factor(annotation, len(flagged), points, _ids(flagged), note))
    escalated = [t.report_id for t in tips if t.escalated]
    if escalated:
        factors.append(
            Factor(
                "escalated_by_platform",
                len(escalated),
                10.0,
                _ids(escalated),
                "the platform escalated the report to high priority",
            )
        )

    files = [(t.report_id, f) for t in tips for f in t.files]
    unmatched = [r for r, f in files if not matches.get(f.file_row_id)]
    if unmatched:
        factors.append(
            Factor(
                "never_seen_material",
                len(unmatched),
                15.0,
                _ids(unmatched),
                "files that match no bank may be new material: possible ongoing abuse, "
                "a victim to identify",
            )
        )
    self_produced = [r for r, f in files if "possibleSelfProduction" in f.annotations]
    if self_produced:
        factors.append(
            Factor(
                "possible_self_production",
                len(self_produced),
                10.0,
                _ids(self_produced),
                "the platform marked files as possibly self-produced",
            )
        )
    known = [
        (r, m) for r, f in files for m in matches.get(f.file_row_id, []) if m.bank_kind == "known"
    ]
    if known:
        factors.append(
            Factor(
                "known_material",
                len({m.value for _, m in known}),
                5.0 + min(10.0, len(known)),
                sorted({m.bank for _, m in known}),
                f"files match known-material banks in {len(_ids(r for r, _ in known))} report(s)",
            )
        )
    viral = [
        (r, m) for r, f in files for m in matches.get(f.file_row_id, []) if m.bank_kind == "viral"
    ]
    if viral and not known:
        # Widely circulated material (memes, viral clips) says little about whether this person
        # produces or trades material; it lowers the score so such subjects do not crowd the top.
        factors.append(
            Factor(
                "viral_material_only",
                len({m.value for _, m in viral}),
                -5.0,
                sorted({m.bank for _, m in viral}),
                "the only matched files are in viral banks: widely circulated, lower priority",
            )
        )
    classes = [(r, f.classification) for r, f in files if f.classification in SEVERITY_POINTS]
    if classes:
        worst = min((c for _, c in classes), key=lambda c: -SEVERITY_POINTS[c])
        factors.append(
            Factor(
                "severity",
                worst,
                SEVERITY_POINTS[worst],
                _ids(r for r, c in classes if c == worst),
                "most severe industry classification (A prepubescent, B pubescent; "
                "1 sex act, 2 lascivious exhibition)",
            )
        )
    if len(tips) > 1:
        factors.append(
            Factor(
                "repeat_reports",
                len(tips),
                min(15.0, 3.0 * (len(tips) - 1)),
                _ids(t.report_id for t in tips),
                "reported more than once",
            )
        )

    factors.extend(_freshness(tips, as_of))
    return Priority(score=round(sum(f.weight for f in factors), 1), factors=factors)


def _freshness(tips: list[TipFacts], as_of: datetime) -> list[Factor]:
    dated = [
        (t.received_at or t.incident_at, t.report_id)
        for t in tips
        if t.received_at or t.incident_at
    ]
    if not dated:
        return []
    latest, report_id = max(dated)
    assert latest is not None
    expires = latest + PLATFORM_PRESERVATION
    days_left = (expires - as_of).days
    if days_left > 0:
        # Fewer days left → more urgent; at most 15 points when the window is about to close.
        points = round(15.0 * (1 - days_left / PLATFORM_PRESERVATION.days), 1) + 5.0
        return [
            Factor(
                "platform_preservation_window",
                f"{days_left} days left",
                points,
                [report_id],
                f"the platform must keep the reported content until {expires.date()}: "
                "request it before then",
            )
        ]
    return [
        Factor(
            "platform_preservation_window",
            "expired",
            0.0,
            [report_id],
            f"the preservation window closed on {expires.date()}",
        )
    ]


def _ids(report_ids: Any) -> list[str]:
    return sorted(set(report_ids))
