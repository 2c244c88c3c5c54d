"""Explained priority: a subject's score is the sum of named, evidence-backed factors.

Every factor says what it is, the value observed, the points it adds and the reports it rests on, so
an officer can see why one subject comes before another and challenge any part of it. The points
come from the weights file (`weights.py`, docs/priority.md), which a state may change; each score
records which weights made it. The order of concern is the unit's: a child who may be at risk now
(contact offences, a child in the report, sextortion, access to children), then new material that
may be ongoing abuse, then evidence about to disappear (the freshness clocks), then severity,
volume and persistence. Material that says little about the subject (only viral or only ignorable
files) lowers the score. The score is the plain sum of the points, uncapped, so that two subjects
never tie merely because both reached a ceiling; an officer's override is one more factor, so the
sum and the explanation stay whole.

    SubjectEvidence ── tips (TipFacts) · bank matches of their files (MatchView)
                    ├─ accounts (AccountFacts): the subject's own accounts: groups, prior
                    │  reports, IP capture instants, the platform's free text about the person
                    └─ files (FileExtras): EXIF and upload IP instants by file row id
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from suraksha.hashing.categories import Severity
from suraksha.hashing.matcher import MatchView
from suraksha.intake.tips import FileFacts, TipFacts
from suraksha.intel.freshness import Mark, describe, read_clock
from suraksha.intel.weights import PriorityWeights, default_weights

CONTACT_INCIDENTS = {
    "Online Enticement of Children for Sexual Acts": "online enticement",
    "Child Sexual Molestation": "child sexual molestation",
    "Child Sex Trafficking": "child sex trafficking",
    "Child Sex Tourism": "child sex tourism",
    "Unsolicited Obscene Material Sent to a Child": "obscene material sent to a child",
}
"""CyberTipline incident types that involve a child directly rather than material alone."""
REPORT_ANNOTATIONS = (
    ("sextortion", "sextortion", "the platform flagged sextortion of a child"),
    (
        "sadisticOnlineExploitation",
        "sadistic_online_exploitation",
        "the platform flagged sadistic online exploitation (coercing a child into harm)",
    ),
    ("csamSolicitation", "csam_solicitation", "the platform flagged solicitation of material"),
)
"""(report annotation, factor, note): annotations that point at a child being contacted."""
VIRAL_ANNOTATIONS = frozenset({"viral", "potentialMeme"})
"""File annotations by which the platform says a file circulates widely (not new material)."""
CAMERA_EXIF = frozenset(
    {
        "make",
        "model",
        "bodyserialnumber",
        "cameraserialnumber",
        "serialnumber",
        "lensmodel",
        "lensserialnumber",
        "gpslatitude",
        "gpslongitude",
    }
)
"""EXIF names (case and spaces ignored) a capturing device writes and re-sharing usually strips."""
_BANK_SEVERITY = {
    Severity.MOST_SERIOUS: "most_serious",
    Severity.SERIOUS: "serious",
    Severity.ABUSE: "abuse",
}


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason for a subject's priority: `weight` is the points it adds (negative lowers)."""

    factor: str
    value: Any
    weight: float
    source: list[str]  # report numbers the factor rests on (an override names itself)
    note: str
    deadline: str | None = None  # ISO date, for freshness clocks

    def as_dict(self) -> dict[str, Any]:
        """Plain form for storage and JSON output."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Priority:
    """A score, the factors that add up to it, and the weights that priced them."""

    score: float
    factors: list[Factor]
    weights_label: str
    weights_digest: str


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What priority reads about one of the subject's own accounts (never a co-reported one)."""

    account_id: str
    report_id: str
    groups: tuple[str, ...] = ()  # platform group identifiers the account was reported in
    prior_reports: tuple[str, ...] = ()  # earlier CyberTipline reports the platform cites
    ip_events: tuple[datetime, ...] = ()  # instants of the account's IP captures
    texts: tuple[tuple[str, str], ...] = ()  # (field, text) the platform wrote about the person


@dataclass(frozen=True, slots=True)
class FileExtras:
    """What priority reads about a tip file beyond `FileFacts`."""

    exif: tuple[tuple[str, str], ...] = ()  # (name, value) the platform read from the file
    ip_events: tuple[datetime, ...] = ()  # instants of the file's upload IP captures


@dataclass(frozen=True, slots=True)
class NetworkFacts:
    """A group of the offender network the subject belongs to (intel/networks)."""

    group_id: str
    roles: tuple[str, ...] = ()  # the subject's roles in it: distributor, bridge, ...
    producing: bool = False  # a member brought never-seen material into the group


@dataclass(frozen=True, slots=True)
class SubjectEvidence:
    """Everything one subject's priority is computed from."""

    tips: Sequence[TipFacts]
    matches: Mapping[str, Sequence[MatchView]] = field(default_factory=dict)
    accounts: Sequence[AccountFacts] = ()
    files: Mapping[str, FileExtras] = field(default_factory=dict)
    networks: Sequence[NetworkFacts] = ()


@dataclass(frozen=True, slots=True)
class OfficerOverride:
    """An officer's standing decision on a subject's score: `set` it to `points`, or `add` them."""

    override_id: int
    mode: str  # "set" | "add"
    points: float
    reason: str
    officer: str
    at: datetime


def assess(
    evidence: SubjectEvidence,
    *,
    as_of: datetime,
    weights: PriorityWeights | None = None,
    override: OfficerOverride | None = None,
) -> Priority:
    """Score one subject from its evidence on the date `as_of` (the clocks depend on it)."""
    w = weights or default_weights()
    tips = sorted(evidence.tips, key=lambda t: t.report_id)
    factors = [
        *_contact(tips, evidence.accounts, w),
        *_material(tips, evidence, w),
        *_persistence(tips, evidence.accounts, w),
        *_network(tips, evidence.networks, w),
        *_clocks(tips, evidence, w, as_of),
    ]
    if override is not None:
        factors.append(override_factor(override, sum(f.weight for f in factors)))
    return Priority(
        score=round(sum(f.weight for f in factors), 1),
        factors=factors,
        weights_label=w.label,
        weights_digest=w.digest,
    )


def override_factor(override: OfficerOverride, base: float) -> Factor:
    """The override as a factor on top of `base` points: a `set` adds what reaches its score."""
    if override.mode == "set":
        weight, value = round(override.points - base, 1), f"set to {override.points:g}"
    else:
        weight, value = round(override.points, 1), f"{override.points:+g}"
    return Factor(
        "officer_override",
        value,
        weight,
        [f"override {override.override_id}"],
        f"{override.officer} on {override.at.date()}: {override.reason}",
    )


def _contact(
    tips: list[TipFacts], accounts: Sequence[AccountFacts], w: PriorityWeights
) -> list[Factor]:
    """A child who may be at risk now."""
    factors: list[Factor] = []
    contact = [
        (t.report_id, CONTACT_INCIDENTS[t.incident_type])
        for t in tips
        if t.incident_type in CONTACT_INCIDENTS
    ]
    if contact:
        factors.append(
            _factor(
                w,
                "contact_offence",
                ", ".join(sorted({kind for _, kind in contact})),
                (r for r, _ in contact),
                "the report's incident type is an offence against a child, not material alone: "
                "a child may be at risk now",
            )
        )
    roles = {
        "victim": [t.report_id for t in tips if "victim" in t.roles],
        "intended recipient": [t.report_id for t in tips if "intended_recipient" in t.roles],
    }
    if any(roles.values()):
        factors.append(
            _factor(
                w,
                "child_in_report",
                ", ".join(f"{role} in {len(ids)}" for role, ids in roles.items() if ids),
                (r for ids in roles.values() for r in ids),
                "the report names a victim or an intended recipient: a child to find and protect",
            )
        )
    for annotation, name, note in REPORT_ANNOTATIONS:
        flagged = [t.report_id for t in tips if annotation in t.annotations]
        if flagged:
            factors.append(_factor(w, name, len(flagged), flagged, note))
    access = _access_to_children(accounts, w.access_terms)
    if access:
        found = sorted({term for _, term, _ in access})
        fields = sorted({where for _, _, where in access})
        factors.append(
            _factor(
                w,
                "access_to_children",
                ", ".join(found),
                (r for r, _, _ in access),
                f"the platform's {', '.join(fields)} about the person mentions work or care "
                "with children: verify before acting on it",
            )
        )
    escalated = [t.report_id for t in tips if t.escalated]
    if escalated:
        factors.append(
            _factor(
                w,
                "escalated_by_platform",
                len(escalated),
                escalated,
                "the platform escalated the report to high priority",
            )
        )
    return factors


def _material(tips: list[TipFacts], evidence: SubjectEvidence, w: PriorityWeights) -> list[Factor]:
    """What the files are: new or known, possibly self-produced, how severe, how many."""
    files = [(t.report_id, f) for t in tips for f in t.files]
    by_kind: dict[str, list[tuple[str, FileFacts]]] = {
        "known": [],
        "unmatched": [],
        "viral": [],
        "ignorable": [],
    }
    for report_id, f in files:
        by_kind[_file_kind(f, evidence.matches.get(f.file_row_id, ()))].append((report_id, f))
    known, unmatched = by_kind["known"], by_kind["unmatched"]
    viral, ignorable = by_kind["viral"], by_kind["ignorable"]
    factors: list[Factor] = []
    if unmatched:
        factors.append(
            _factor(
                w,
                "never_seen_material",
                len(unmatched),
                (r for r, _ in unmatched),
                "files that match no bank may be new material: possible ongoing abuse, a victim "
                "to identify",
            )
        )
    self_produced = [r for r, f in files if "possibleSelfProduction" in f.annotations]
    if self_produced:
        factors.append(
            _factor(
                w,
                "possible_self_production",
                len(self_produced),
                self_produced,
                "the platform marked files as possibly self-produced",
            )
        )
    cameras = [
        (r, _camera(evidence.files[f.file_row_id]))
        for r, f in unmatched
        if f.file_row_id in evidence.files and _camera(evidence.files[f.file_row_id])
    ]
    if cameras:
        factors.append(
            _factor(
                w,
                "camera_metadata",
                len(cameras),
                (r for r, _ in cameras),
                f"never-seen files keep camera EXIF ({cameras[0][1]}): possibly first-generation "
                "material from the device that made it; re-shared copies usually lose it",
            )
        )
    if known:
        banks = sorted(
            {
                m.bank
                for _, f in known
                for m in evidence.matches[f.file_row_id]
                if m.bank_kind == "known"
            }
        )
        factors.append(
            _factor(
                w,
                "known_material",
                len(known),
                (r for r, _ in known),
                f"files match known-material banks ({', '.join(banks)})",
            )
        )
    severity = _severity(files, evidence.matches, w)
    if severity is not None:
        factors.append(severity)
    material = len(known) + len(unmatched)
    if material:
        factors.append(
            _factor(
                w,
                "volume",
                material,
                (r for r, _ in known + unmatched),
                "known or never-seen files across the reports (log scale: each doubling adds "
                "the same)",
                scale=math.log2(1 + material),
            )
        )
    if viral and not known and not unmatched:
        # Widely circulated material (memes, viral clips) says little about whether this person
        # produces or trades material; it lowers the score so such subjects do not crowd the top.
        factors.append(
            _factor(
                w,
                "viral_material_only",
                len(viral),
                (r for r, _ in viral),
                "the only material is viral (a viral bank or the platform's viral/meme flag): "
                "widely circulated, lower priority",
            )
        )
    elif ignorable and not known and not unmatched:
        factors.append(
            _factor(
                w,
                "ignorable_material_only",
                len(ignorable),
                (r for r, _ in ignorable),
                "every file matches only ignorable banks (ordinary software and stock files)",
            )
        )
    return factors


def _file_kind(f: FileFacts, matches: Sequence[MatchView]) -> str:
    """What a file is for priority: `known`, `viral`, `ignorable`, or `unmatched` (never seen).

    A known-bank match wins over everything; a file the platform flagged viral or meme is not
    new material even when no bank lists it.
    """
    banks = {m.bank_kind for m in matches}
    if "known" in banks:
        return "known"
    if "viral" in banks or (not banks and VIRAL_ANNOTATIONS & set(f.annotations)):
        return "viral"
    return "ignorable" if banks else "unmatched"


def _severity(
    files: list[tuple[str, FileFacts]],
    matches: Mapping[str, Sequence[MatchView]],
    w: PriorityWeights,
) -> Factor | None:
    """The most severe classification any file has, from the platform or a bank category."""
    found: list[tuple[float, str, str]] = []  # (points, label, report)
    for report_id, f in files:
        code = (f.classification or "").strip().upper()
        if code in w.industry:
            found.append((w.industry[code], f"{code} (platform classification)", report_id))
        for m in matches.get(f.file_row_id, ()):
            key = _BANK_SEVERITY.get(m.severity)
            if key is not None:
                found.append((w.bank[key], f"{m.category_label} (bank {m.bank})", report_id))
    if not found:
        return None
    points = max(p for p, _, _ in found)
    best = [(label, r) for p, label, r in found if p == points]
    return Factor(
        "severity",
        min(label for label, _ in best),
        round(points, 1),
        _ids(r for _, r in best),
        "most severe classification of any file (industry: A prepubescent, B pubescent; 1 sex "
        "act, 2 lascivious exhibition; banks by their category scheme)",
    )


def _persistence(
    tips: list[TipFacts], accounts: Sequence[AccountFacts], w: PriorityWeights
) -> list[Factor]:
    """Reported again and again, earlier reports the platform cites, groups."""
    factors: list[Factor] = []
    reports = _ids(t.report_id for t in tips)
    if len(reports) > 1:
        factors.append(
            _factor(
                w,
                "repeat_reports",
                len(reports),
                reports,
                "reported more than once (log scale: each doubling adds the same)",
                scale=math.log2(len(reports)),
            )
        )
    prior = {(a.report_id, p.strip()) for a in accounts for p in a.prior_reports if p.strip()}
    earlier = {p for _, p in prior if p not in reports}
    if earlier:
        shown = ", ".join(sorted(earlier)[:5]) + ("…" if len(earlier) > 5 else "")
        factors.append(
            _factor(
                w,
                "prior_reports",
                len(earlier),
                (r for r, p in prior if p in earlier),
                f"the platform cites earlier reports about the account not held here ({shown}): "
                "ask NCMEC or the unit that has them",
                scale=math.log2(1 + len(earlier)),
            )
        )
    groups = {(a.report_id, g.strip()) for a in accounts for g in a.groups if g.strip()}
    names = {g for _, g in groups}
    if names:
        factors.append(
            _factor(
                w,
                "group_membership",
                len(names),
                (r for r, _ in groups),
                f"reported in platform group(s) {', '.join(sorted(names)[:3])}: material shared "
                "with others, a network to map",
                scale=math.log2(1 + len(names)),
            )
        )
    return factors


def _network(
    tips: list[TipFacts], networks: Sequence[NetworkFacts], w: PriorityWeights
) -> list[Factor]:
    """A member of a group in which never-seen material is being brought in."""
    producing = sorted(n.group_id for n in networks if n.producing)
    if not producing:
        return []
    own = sorted(n.group_id for n in networks if n.producing and "possible_producer" in n.roles)
    note = (
        f"member of group(s) {', '.join(producing)} whose members bring in never-seen material "
        "(a child may be being abused now)"
    )
    if own:
        note += f"; the subject itself brought it into {', '.join(own)}"
    return [
        _factor(w, "group_produces_material", len(producing), (t.report_id for t in tips), note)
    ]


def _clocks(
    tips: list[TipFacts], evidence: SubjectEvidence, w: PriorityWeights, as_of: datetime
) -> list[Factor]:
    """The freshness clocks, each with its deadline."""
    report_of_file = {f.file_row_id: t.report_id for t in tips for f in t.files}
    ip = [Mark(a.report_id, at) for a in evidence.accounts for at in a.ip_events]
    ip += [
        Mark(report_of_file[file_id], at)
        for file_id, extras in evidence.files.items()
        if file_id in report_of_file
        for at in extras.ip_events
    ]
    incidents = [Mark(t.report_id, t.incident_at) for t in tips if t.incident_at]
    # Without a receipt time the incident stands in: earlier, so the deadline errs early.
    received = [
        Mark(t.report_id, at) for t in tips for at in (t.received_at or t.incident_at,) if at
    ]
    runs = {
        "platform_preservation": received,
        "operator_ip_logs": ip,
        "cert_in_logs": ip + incidents,
        "device_wipe": ip + incidents,
    }
    factors: list[Factor] = []
    for name, marks in runs.items():
        clock = w.clocks[name]
        reading = read_clock(clock, marks, as_of)
        if reading is not None:
            factors.append(
                Factor(
                    name,
                    reading.value,
                    reading.points,
                    reading.reports,
                    describe(name, clock, reading),
                    reading.deadline.isoformat(),
                )
            )
    return factors


def _access_to_children(
    accounts: Sequence[AccountFacts], terms: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """(report, term, field) for every term found in the platform's free text about a person."""
    pattern = _terms_pattern(terms)
    if pattern is None:
        return []
    return [
        (a.report_id, match.group(0).casefold(), where)
        for a in accounts
        for where, text in a.texts
        for match in pattern.finditer(text)
    ]


@lru_cache(maxsize=8)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = sorted((r"\s+".join(map(re.escape, t.split())) for t in terms), key=len)
    return re.compile(rf"(?<!\w)(?:{'|'.join(reversed(alternatives))})(?!\w)", re.IGNORECASE)


def _camera(extras: FileExtras) -> str:
    """The camera EXIF of a file as "Make Model" text ("" when it has none)."""
    found = [
        (name, value.strip())
        for name, value in extras.exif
        if name.replace(" ", "").casefold() in CAMERA_EXIF and value.strip()
    ]
    shown = [v for n, v in found if n.casefold() in ("make", "model")] or [v for _, v in found]
    return " ".join(shown[:2])


def _factor(
    w: PriorityWeights,
    name: str,
    value: Any,
    reports: Iterable[str],
    note: str,
    *,
    scale: float = 1.0,
) -> Factor:
    return Factor(name, value, round(w.factors[name] * scale, 1), _ids(reports), note)


def _ids(report_ids: Iterable[str]) -> list[str]:
    return sorted(set(report_ids))
