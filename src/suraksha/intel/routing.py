"""Jurisdiction routing: the state, district and police station whose police must act on a
subject, with a confidence, the reason, and every competing place.

    accounts ──► sightings, one per source reading ──► evidence, merged per (source, value, place)
                 (intel.sightings)                           │ weighted by recency
                                                             ▼
           decide: state ▸ district ▸ police station, each level won by the most support;
           disagreement is a conflict: every candidate is kept and named, confidence drops

Sources and their confidence (how far one reading alone is to be trusted):

    address pincode → one district              0.9   the strongest: a postal address
    address pincode spanning districts          0.5   state only, unless its city picks one (0.8)
    address city (+ state)                      0.6   a city names its core district (0.5 alone)
    address state                               0.3
    platform's estimated location               0.2   the platform's own IP geolocation
    GeoIP, fixed line                           0.2   district; 0.15 when only the state is known
    GeoIP, mobile network                       0.05  state only: the gateway, not the home
    landline STD code                           0.1   state only (telecom circle)

A reading's weight is its confidence times its recency, 0.5 ** (age / 365 days), age counted
from the subject's newest dated report: a person moves, so the newest reports count most.
A mobile number never routes (numbers are ported between circles), and addresses that are not
public (private, CGNAT 100.64/10, link-local, unique local) are never geolocated; the reason
says what was not used and why. See docs/routing.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any

from suraksha.config import Settings
from suraksha.intake.accounts import AccountView
from suraksha.intake.tips import TipFacts
from suraksha.intel.geoip import GeoIpDatabase
from suraksha.intel.sightings import EvidenceSource, Notes, Sighting, sightings
from suraksha.intel.stations import StationMap, load_stations

__all__ = [
    "HALF_LIFE_DAYS",
    "Candidate",
    "Evidence",
    "EvidenceSource",
    "Jurisdiction",
    "RoutingSources",
    "RoutingStatus",
    "decide",
    "report_dates",
    "route",
]

HALF_LIFE_DAYS = 365.0
"""A reading a year older than the subject's newest report counts half as much."""

_TIE = 1e-9


class RoutingStatus(StrEnum):
    """Whether the evidence agrees."""

    AGREED = "agreed"  # every piece of evidence fits the decision
    CONFLICT = "conflict"  # some evidence points elsewhere: see the candidates
    NO_EVIDENCE = "no evidence"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One location reading, merged over the reports that gave it, and the place it points to.

    `confidence` is the source's own (see the module docstring); `weight` is that times the
    recency of the newest report behind it, and is what the decision's confidence is built from;
    `support` adds the weights of every report behind it, so a place reported again and again
    outweighs one reported once.
    """

    source: EvidenceSource
    value: str  # what was read: "682001", "117.211.3.4", "+914842345678", "Kochi, KL, IN"
    state: str
    district: str | None
    police_station: str | None
    confidence: float
    weight: float
    support: float
    basis: str
    report_ids: tuple[str, ...]
    reported_at: datetime | None = None

    @property
    def report_id(self) -> str:
        """The first report behind the evidence (for callers that keep one report per item)."""
        return self.report_ids[0]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, as stored with a subject's jurisdiction."""
        return {
            "source": self.source.value,
            "value": self.value,
            "state": self.state,
            "district": self.district,
            "police_station": self.police_station,
            "confidence": self.confidence,
            "weight": round(self.weight, 4),
            "support": round(self.support, 4),
            "basis": self.basis,
            "report_id": self.report_id,
            "report_ids": list(self.report_ids),
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place some evidence points to: the decision's own place, or a competing one."""

    state: str
    district: str | None
    police_station: str | None
    support: float
    confidence: float
    agrees: bool  # fits the decision (the same place, or a broader or narrower part of it)
    evidence: tuple[Evidence, ...]

    @property
    def label(self) -> str:
        """ "ERNAKULAM, KERALA", "Infopark police station, ERNAKULAM, KERALA" or "KERALA"."""
        return _label(self.state, self.district, self.police_station)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "state": self.state,
            "district": self.district,
            "police_station": self.police_station,
            "support": round(self.support, 4),
            "confidence": self.confidence,
            "agrees": self.agrees,
            "evidence": [item.as_dict() for item in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The routing decision for one subject.

    `state`, `district` and `police_station` are as far as the evidence decides (a tie leaves a
    level open); `confidence` is 0–1 (`level` words it); `candidates` lists every place any
    evidence points to, the decision's first; `notes` say what was read but not used, and why.
    """

    state: str | None
    district: str | None
    confidence: float
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    police_station: str | None = None
    status: RoutingStatus = RoutingStatus.NO_EVIDENCE
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        """ "high" (≥ 0.75), "medium" (≥ 0.4), "low" (> 0) or "none"."""
        if self.confidence >= 0.75:
            return "high"
        if self.confidence >= 0.4:
            return "medium"
        return "low" if self.confidence > 0 else "none"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (for `subject --format json` and the web profile)."""
        return {
            "state": self.state,
            "district": self.district,
            "police_station": self.police_station,
            "confidence": self.confidence,
            "level": self.level,
            "status": self.status.value,
            "reason": self.reason,
            "candidates": [candidate.as_dict() for candidate in self.candidates],
            "notes": list(self.notes),
        }


class RoutingSources:
    """The files a unit supplies for routing: GeoIP database(s) and a station mapping, both
    optional. Open once per run (`from_settings`) and pass to every `route` call."""

    def __init__(
        self, geoip: GeoIpDatabase | None = None, stations: StationMap | None = None
    ) -> None:
        self.geoip = geoip
        self.stations = stations

    @classmethod
    def from_settings(cls, settings: Settings) -> RoutingSources:
        """Open what `SURAKSHA_GEOIP_DB` and `SURAKSHA_STATIONS` name; ConfigurationError if a
        file is missing or unreadable (an unset setting is fine)."""
        stations = load_stations(settings.stations) if settings.stations else None
        geoip = GeoIpDatabase(settings.geoip_databases) if settings.geoip_databases else None
        return cls(geoip=geoip, stations=stations)

    def close(self) -> None:
        """Release the GeoIP files."""
        if self.geoip is not None:
            self.geoip.close()

    def __enter__(self) -> RoutingSources:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def report_dates(tips: Iterable[TipFacts]) -> dict[str, datetime | None]:
    """Each report's date for recency: when the incident happened, else when it was received."""
    return {tip.report_id: tip.incident_at or tip.received_at for tip in tips}


def route(
    accounts: Sequence[AccountView],
    *,
    reported_at: Mapping[str, datetime | None] | None = None,
    sources: RoutingSources | None = None,
) -> Jurisdiction:
    """Decide where a subject's police are, from its accounts' location evidence.

    `reported_at` (report number → date, see `report_dates`) lets newer reports count more;
    without it every report counts the same. `sources` brings the unit's GeoIP database and
    station mapping; without them IP addresses are not geolocated and routing stops at the
    district, and the reason says so.
    """
    sources = sources or RoutingSources()
    notes = Notes()
    found = sightings(accounts, geoip=sources.geoip, stations=sources.stations, notes=notes)
    if sources.stations is None and any(s.district for s in found):
        notes.add(
            "police station: no station mapping is configured (SURAKSHA_STATIONS), so routing "
            "stops at the district"
        )
    return decide(_merge(found, reported_at or {}), notes=notes.render())


def decide(evidence: Sequence[Evidence], *, notes: Sequence[str] = ()) -> Jurisdiction:
    """Combine evidence into a decision; see the module docstring and docs/routing.md.

    At each level (state, then district within it, then police station within that) the place
    with the most support wins and its share of that level's support multiplies the confidence;
    evidence that names no place at a level neither helps nor hurts there. A tie leaves the level
    (and those below it) open. The confidence starts from the evidence that fits the decision,
    combined as independent readings: 1 - (1 - w1)(1 - w2)… Any disagreement makes the status
    `conflict`, and every competing place stays in `candidates` and in the reason.
    """
    items = sorted(evidence, key=_order)
    if not items:
        return Jurisdiction(
            None,
            None,
            0.0,
            _joined(["no location evidence in the reports"], notes),
            notes=list(notes),
        )
    # A level's share is 1.0 when it has one place, or none, or a tie (which leaves it open).
    state, share, conflict = _level(items, lambda e: e.state)
    district = station = None
    if state is not None:
        in_state = [e for e in items if e.state == state]
        district, district_share, split = _level(in_state, lambda e: e.district)
        share, conflict = share * district_share, conflict or split
        if district is not None:
            in_district = [e for e in in_state if e.district == district]
            station, station_share, split = _level(in_district, lambda e: e.police_station)
            share, conflict = share * station_share, conflict or split

    def fits(item: Evidence) -> bool:
        return (
            state is not None
            and item.state == state
            and (district is None or item.district in (district, None))
            and (station is None or item.police_station in (station, None))
        )

    confidence = 0.0
    if state is not None:
        doubt = 1.0
        for item in items:
            if fits(item):
                doubt *= 1.0 - min(max(item.weight, 0.0), 1.0)
        confidence = round((1.0 - doubt) * share, 2)
    candidates = _candidates(items, fits)
    status = RoutingStatus.CONFLICT if conflict else RoutingStatus.AGREED
    return Jurisdiction(
        state=state,
        district=district,
        confidence=confidence,
        reason=_reason(state, district, station, status, candidates, notes),
        evidence=items,
        police_station=station,
        status=status,
        candidates=candidates,
        notes=list(notes),
    )


def _level(
    items: Sequence[Evidence], key: Callable[[Evidence], str | None]
) -> tuple[str | None, float, bool]:
    """(winner or None on a tie, the winner's share of the support, whether places disagree)."""
    support: dict[str, float] = defaultdict(float)
    for item in items:
        place = key(item)
        if place is not None:
            support[place] += item.support
    if not support:
        return None, 1.0, False
    ranked = sorted(support.items(), key=lambda pair: (-pair[1], pair[0]))
    total = sum(support.values())
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] <= _TIE * max(total, 1.0):
        return None, 1.0, True
    winner, best = ranked[0]
    return winner, (best / total if total > 0 else 1.0), len(ranked) > 1


def _candidates(items: list[Evidence], fits: Callable[[Evidence], bool]) -> list[Candidate]:
    groups: dict[tuple[str, str | None, str | None], list[Evidence]] = defaultdict(list)
    for item in items:
        groups[(item.state, item.district, item.police_station)].append(item)
    candidates = []
    for (state, district, station), members in groups.items():
        doubt = 1.0
        for item in members:
            doubt *= 1.0 - min(max(item.weight, 0.0), 1.0)
        candidates.append(
            Candidate(
                state=state,
                district=district,
                police_station=station,
                support=sum(item.support for item in members),
                confidence=round(1.0 - doubt, 2),
                agrees=all(fits(item) for item in members),
                evidence=tuple(members),
            )
        )
    candidates.sort(
        key=lambda c: (not c.agrees, -c.support, c.state, c.district or "", c.police_station or "")
    )
    return candidates


def _merge(found: list[Sighting], reported_at: Mapping[str, datetime | None]) -> list[Evidence]:
    """Sightings → evidence: one item per (source, value, place), weighted by recency."""
    dates = {key: _utc(value) for key, value in reported_at.items()}

    def when(sighting: Sighting) -> datetime | None:
        return _utc(sighting.at) or dates.get(sighting.report_id)

    known = [moment for moment in (when(s) for s in found) if moment is not None]
    newest = max(known) if known else None
    groups: dict[tuple[Any, ...], list[Sighting]] = defaultdict(list)
    for sighting in found:
        groups[sighting.key].append(sighting)
    merged = []
    for members in groups.values():
        members.sort(key=lambda s: (s.report_id, s.basis))
        per_report: dict[str, float] = {}
        moments: list[datetime] = []
        for sighting in members:
            moment = when(sighting)
            if moment is not None:
                moments.append(moment)
            weight = sighting.confidence * _recency(moment, newest)
            per_report[sighting.report_id] = max(per_report.get(sighting.report_id, 0.0), weight)
        first = members[0]
        merged.append(
            Evidence(
                source=first.source,
                value=first.value,
                state=first.state,
                district=first.district,
                police_station=first.police_station,
                confidence=first.confidence,
                weight=max(per_report.values()),
                support=sum(per_report.values()),
                basis=first.basis,
                report_ids=tuple(sorted(per_report)),
                reported_at=max(moments) if moments else None,
            )
        )
    return merged


def _recency(moment: datetime | None, newest: datetime | None) -> float:
    """0.5 ** (age / half-life); an undated reading counts as new (there is nothing to age)."""
    if moment is None or newest is None:
        return 1.0
    age_days = max((newest - moment).total_seconds(), 0.0) / 86400.0
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def _utc(moment: datetime | None) -> datetime | None:
    # Stored instants are UTC; SQLite returns them without a zone.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _order(item: Evidence) -> tuple[Any, ...]:
    return (
        -item.support,
        item.state,
        item.district or "",
        item.police_station or "",
        item.source.value,
        item.value,
    )


def _label(state: str | None, district: str | None, station: str | None) -> str:
    parts = [f"{station} police station"] if station else []
    parts += [name for name in (district, state) if name]
    return ", ".join(parts) or "no state"


def _reason(
    state: str | None,
    district: str | None,
    station: str | None,
    status: RoutingStatus,
    candidates: list[Candidate],
    notes: Sequence[str],
) -> str:
    """Sentences: the decision and its evidence, every competing place, what was not used."""
    agreeing = [c for c in candidates if c.agrees]
    others = [c for c in candidates if not c.agrees]
    if state is None:
        head = "conflict, no state decided: the evidence is tied"
    elif status is RoutingStatus.CONFLICT:
        tied = district is None and any(c.district for c in agreeing)
        head = f"conflict, routed to {_label(state, district, station)}" + (
            " (its districts are tied)" if tied else ""
        )
    else:
        head = _label(state, district, station)
    evidence = "; ".join(_cited(e) for c in agreeing for e in c.evidence)
    sentences = [f"{head}: {evidence}" if evidence else head]
    if others:
        sentences.append(
            "also indicated: "
            + "; ".join(f"{c.label} by {', '.join(_cited(e) for e in c.evidence)}" for c in others)
        )
    return _joined(sentences, notes)


def _cited(item: Evidence) -> str:
    reports = item.report_ids
    which = f"report {reports[0]}" if len(reports) == 1 else f"reports {', '.join(reports)}"
    return f"{item.basis} ({which})"


def _joined(sentences: Sequence[str], notes: Sequence[str]) -> str:
    return " ".join(f"{line[:1].upper()}{line[1:]}." for line in [*sentences, *notes])
