"""What a document says, gathered from the database through the domains' public functions.

    case (cases.casefile.read_case) ───────────────┐  reference, FIR, unit, place, charges,
    evidence (cases.evidence.evidence_of) ─────────┤  deadlines, exhibits and custody digests
    subjects (intel.briefing.subject_dossier) ─────┤  reported accounts, identifiers, IP events,
    tips (intake.tips.tip_facts) ──────────────────┤  report numbers, platforms, file matches
    scans (triage.certificate, triage.scanner) ────┤  source digests, hash list, class counts
    banks (hashing.banks.list_banks) ──────────────┤  names, versions, PDQ thresholds
    victims (victims.records.victim_labels) ───────┘  pseudonymous labels only
                                │
                                ▼
                DocumentContext (values.py: plain, typed, JSON-ready) ──► template

Nothing is typed by a person here: a value the database does not hold is left for the template
to print as a marked blank. Only reported accounts are read (never a victim's or another role's
account), and of them only what identifies the account on its platform; the case summary carries
subject ids and victim labels, never a name. IP events are classified by `identity.ips` exactly
as the linker classifies them: an event is attributable to one subscriber only with its source
port and an exact instant (to the second), because a carrier-grade NAT address is shared by
thousands of subscribers at once. The one exception is an IPv6 address that is not flagged as
shared: it is not translated, and its /64 prefix is one subscriber's line, so an exact instant
suffices.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from suraksha.cases.casefile import CaseFile, read_case
from suraksha.cases.deadlines import Status
from suraksha.cases.documents.values import (
    AccountLine,
    BankLine,
    CaseHead,
    ChargeLine,
    CustodyLine,
    DeadlineLine,
    DocumentContext,
    ExhibitLine,
    HashLine,
    Instant,
    IpLine,
    ReportLine,
    ScanLine,
    maybe,
)
from suraksha.cases.evidence import DIGEST_LENGTHS, ItemKind, ItemView, evidence_of
from suraksha.errors import UserInputError
from suraksha.hashing.banks import list_banks
from suraksha.identity.ips import NO_POOLS, AddressClass, CarrierPools, IpEvent, make_event
from suraksha.ids import make_id
from suraksha.intake.accounts import AccountView, IpEventView
from suraksha.intake.records import AccountRole
from suraksha.intake.tips import TipFacts, tip_facts
from suraksha.intel.briefing import SubjectDossier, subject_dossier
from suraksha.intel.freshness import Mark, describe, read_clock
from suraksha.intel.weights import default_weights
from suraksha.security.audit import Who
from suraksha.triage.certificate import build_certificate, hash_list_name, write_hash_list
from suraksha.triage.scanner import class_counts, stored_scan
from suraksha.victims.records import victim_labels

KIND_LABELS: Final = {
    "platform_user_id": "user id",
    "screen_name": "screen name",
    "email": "e-mail",
    "phone": "phone",
    "profile_url": "profile URL",
}
"""Identifiers a platform knows an account by, as a notice labels them (never a person's name)."""
EVIDENCE_CLOCKS: Final = ("platform_preservation", "operator_ip_logs", "cert_in_logs")
"""The freshness clocks (intel.freshness, through cases.deadlines) a preservation request meets."""
SCHEDULE_KINDS: Final = {
    ItemKind.PHONE: "Mobile",
    ItemKind.TABLET: "Mobile",
    ItemKind.LAPTOP: "Computer / Storage Media",
    ItemKind.DESKTOP: "Computer / Storage Media",
    ItemKind.STORAGE: "Computer / Storage Media",
    ItemKind.SIM: "Other",
    ItemKind.OTHER: "Other",
}
"""The Schedule's device box an exhibit of each register kind falls under."""


# --- gathering -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseMaterial:
    """What the case holds, read once: the case file, its exhibits, its subjects' dossiers and
    the tips it holds directly."""

    file: CaseFile
    exhibits: list[ItemView]
    dossiers: list[SubjectDossier]
    tips: list[TipFacts]

    @property
    def accounts(self) -> list[AccountView]:
        """The reported accounts of the case's subjects, by report number then id."""
        seen: dict[str, AccountView] = {}
        for dossier in self.dossiers:
            for account in dossier.accounts:
                if account.role == AccountRole.REPORTED.value:
                    seen.setdefault(account.account_id, account)
        return sorted(seen.values(), key=lambda a: (a.report_id, a.account_id))

    @property
    def all_tips(self) -> list[TipFacts]:
        """The subjects' tips and the tips held directly, by report number."""
        found: dict[str, TipFacts] = {}
        for tip in [*self.tips, *(t for d in self.dossiers for t in d.tips)]:
            found.setdefault(tip.tip_id, tip)
        return sorted(found.values(), key=lambda t: (t.report_id, t.tip_id))


def read_material(session: Session, who: Who, ref: str, *, now: datetime) -> CaseMaterial:
    """The case `ref` with its exhibits, subjects and tips (each read checked and audited by the
    domain that owns it)."""
    case = read_case(session, who, ref, now=now)
    exhibits = evidence_of(session, who, ref)
    dossiers = [subject_dossier(session, sid) for sid in case.holdings.get("subject", [])]
    held = case.holdings.get("tip", [])
    tips = tip_facts(session, [make_id("tip", "ncmec", report) for report in held])
    return CaseMaterial(case, exhibits, dossiers, tips)


def case_head(case: CaseFile) -> CaseHead:
    """The heading every document carries."""
    s = case.summary
    return CaseHead(
        case_id=s.case_id,
        reference=s.reference,
        fir_number=s.fir_number,
        unit=s.unit,
        state=s.state,
        district=s.district,
        stage=s.stage.value,
        offence_date=case.offence_date.strftime("%d/%m/%Y") if case.offence_date else None,
        law=case.law,
        officers=s.officers,
    )


def base_context(
    material: CaseMaterial,
    *,
    kind: str,
    title: str,
    basis: str,
    template: str,
    version: int,
    made_by: str,
    now: datetime,
) -> DocumentContext:
    """The parts every document shares: the case, when, by whom, which template."""
    return DocumentContext(
        kind=kind,
        title=title,
        basis=basis,
        template=template,
        template_version=version,
        generated=Instant.of(now),
        made_by=made_by,
        case=case_head(material.file),
        subjects=tuple(sorted(d.brief.subject_id for d in material.dossiers)),
        platforms=tuple(sorted({_platform(a) for a in material.accounts})),
    )


def choose_accounts(
    material: CaseMaterial, wanted: Sequence[str], platform: str | None
) -> list[AccountView]:
    """The case's reported accounts named by `wanted` (all when empty), of `platform` when given.

    UserInputError when an id is not an account of the case, or when nothing is left.
    """
    accounts = material.accounts
    known = {a.account_id for a in accounts}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise UserInputError(
            f"{', '.join(unknown)} is not a reported account of case "
            f"{material.file.summary.case_id}; its accounts are: {', '.join(sorted(known)) or 'none'}."
        )
    chosen = [a for a in accounts if not wanted or a.account_id in set(wanted)]
    if platform is not None:
        chosen = [a for a in chosen if _platform(a).casefold() == platform.strip().casefold()]
    if not chosen:
        raise UserInputError(
            f"Case {material.file.summary.case_id} has no reported account"
            + (f" on {platform}" if platform else "")
            + " to name: its accounts' platforms are "
            + (", ".join(sorted({_platform(a) for a in accounts})) or "none")
            + "."
        )
    return chosen


def one_platform(accounts: Sequence[AccountView]) -> str:
    """The platform every account is on; UserInputError naming the choices when they differ."""
    platforms = sorted({_platform(a) for a in accounts})
    if len(platforms) != 1:
        by = "; ".join(
            f"{p}: {', '.join(a.account_id for a in accounts if _platform(a) == p)}"
            for p in platforms
        )
        raise UserInputError(
            "A notice goes to one platform, and these accounts are on "
            f"{len(platforms)} ({by}). Give --platform NAME or the accounts with --account."
        )
    return platforms[0]


def account_lines(accounts: Iterable[AccountView]) -> tuple[AccountLine, ...]:
    """The accounts as a notice names them: platform identifiers as reported, never names."""
    lines = []
    for account in accounts:
        identifiers = tuple(
            dict.fromkeys(
                (KIND_LABELS[kind], raw)
                for kind, raw, _ in account.identifiers
                if kind in KIND_LABELS
            )
        )
        lines.append(
            AccountLine(account.account_id, _platform(account), account.report_id, identifiers)
        )
    return tuple(lines)


def report_lines(
    tips: Iterable[TipFacts], report_ids: Iterable[str] | None = None
) -> tuple[ReportLine, ...]:
    """The tips (all, or those of `report_ids`) by report number."""
    wanted = None if report_ids is None else set(report_ids)
    return tuple(
        ReportLine(
            tip.report_id,
            tip.reporting_platform or "",
            tip.incident_type or "",
            maybe(tip.incident_at),
            maybe(tip.received_at),
            len(tip.files),
        )
        for tip in tips
        if wanted is None or tip.report_id in wanted
    )


def ip_lines(
    accounts: Sequence[AccountView],
    tips: Sequence[TipFacts],
    *,
    pools: CarrierPools = NO_POOLS,
    operator: str | None = None,
) -> tuple[tuple[IpLine, ...], tuple[IpLine, ...]]:
    """(attributable, not attributable) IP captures of the accounts and of the uploads in their
    reports, in time order; only those in `operator`'s configured pools when given."""
    reports = {a.report_id for a in accounts}
    platforms = {a.report_id: _platform(a) for a in accounts}
    raw: list[tuple[str, str, str, IpEventView]] = [
        (a.report_id, a.account_id, _platform(a), e) for a in accounts for e in a.ip_events
    ]
    for tip in tips:
        if tip.report_id in reports:
            for f in tip.files:
                raw += [
                    (tip.report_id, "", platforms.get(tip.report_id, ""), e) for e in f.ip_events
                ]
    good: list[IpLine] = []
    bad: list[IpLine] = []
    for report_id, account_id, platform, view in raw:
        event = make_event(
            view.address, view.port, view.at, view.at_text, pools=pools,
            flagged_shared=bool(view.possible_proxy),
        )  # fmt: skip
        owner = None
        if event is not None:
            owner = pools.pool_of(event.address)
        if operator is not None and (owner or "").casefold() != operator.strip().casefold():
            continue
        reason = _unattributable(event, view)
        line = IpLine(
            report_id=report_id,
            account_id=account_id,
            platform=platform,
            event=view.event or "",
            address=str(event.address) if event is not None else view.address,
            port=event.port if event is not None else view.port,
            at=maybe(view.at),
            as_reported=view.at_text,
            address_class=event.address_class.value if event is not None else "not an address",
            operator=owner,
            reason=reason,
        )
        (bad if reason else good).append(line)
    key = _ip_order
    return tuple(sorted(dict.fromkeys(good), key=key)), tuple(sorted(dict.fromkeys(bad), key=key))


def _ip_order(line: IpLine) -> tuple[str, str, str, int]:
    return (line.at.iso if line.at else "~", line.address, line.account_id, line.port or 0)


def _unattributable(event: IpEvent | None, view: IpEventView) -> str | None:
    """Why an operator cannot name one subscriber from this capture, or None when it can."""
    if event is None:
        return f"{view.address!r} is not an IP address"
    if not event.address_class.linkable:
        return f"a {event.address_class.value} address names no subscriber outside its own network"
    missing = []
    # An IPv6 address is not translated: its /64 is one subscriber's line (identity.ips), so the
    # port is not needed. An IPv4 address may sit behind a carrier-grade NAT nobody configured.
    if event.port is None and (event.shared or isinstance(event.address, IPv4Address)):
        missing.append("no source port")
    if not event.exact:
        missing.append("no exact time (to the second)")
    if not missing:
        return None
    why = "; ".join(missing)
    if event.shared:
        return f"{why}: a shared address ({_shared(event)})"
    return f"{why}: the address may be shared behind a carrier-grade NAT"


def _shared(event: IpEvent) -> str:
    if event.address_class is AddressClass.CGNAT:
        return "RFC 6598 CGNAT space"
    if event.address_class is AddressClass.CARRIER_POOL:
        return "a configured carrier pool"
    return "flagged as a proxy or VPN by the platform"


def deadline_lines(case: CaseFile, clocks: Iterable[str] | None = None) -> tuple[DeadlineLine, ...]:
    """The case's deadlines (only `clocks` when given), soonest first."""
    wanted = None if clocks is None else set(clocks)
    return tuple(
        DeadlineLine(d.clock.name, d.clock.title, Instant.of(d.due), d.status.value, d.explanation)
        for d in case.deadlines
        if wanted is None or d.clock.name in wanted
    )


def capture_clocks(lines: Iterable[IpLine], now: datetime) -> tuple[DeadlineLine, ...]:
    """The operator and CERT-In log clocks (intel.freshness, with the weights the case's own
    clocks use) run from the listed captures' instants: a case records no `ip_capture` event
    until an officer does, but the captures in a request are what the operator must still hold."""
    marks = [
        Mark(line.report_id, datetime.fromisoformat(line.at.iso.replace("Z", "+00:00")))
        for line in lines
        if line.at is not None
    ]
    if not marks:
        return ()
    weights = default_weights()
    found = []
    for name in ("operator_ip_logs", "cert_in_logs"):
        clock = weights.clocks[name]
        reading = read_clock(clock, marks, now)
        if reading is None:
            continue
        ends = sorted(m.at + timedelta(days=clock.days) for m in marks)
        due = ends[-1] if reading.expired else min(e for e in ends if e >= now)
        if reading.expired:
            status = Status.MISSED
        elif reading.days_left is not None and reading.days_left <= clock.urgent_days:
            status = Status.DUE_SOON
        else:
            status = Status.UPCOMING
        found.append(
            DeadlineLine(
                name,
                f"{name.replace('_', ' ')} (from the captures listed)",
                Instant.of(due),
                status.value,
                describe(name, clock, reading),
            )
        )
    return tuple(found)


def charge_lines(case: CaseFile) -> tuple[ChargeLine, ...]:
    """The case's charges with the warnings given, as the prosecutor reads them."""
    return tuple(
        ChargeLine(
            c.label,
            c.act.value,
            c.section,
            c.version,
            c.origin,
            tuple(str(w.get("message", w.get("code", ""))) for w in c.warnings),
        )
        for c in case.charges
    )


def bank_lines(session: Session) -> tuple[BankLine, ...]:
    """Every hash bank as it stands now."""
    return tuple(
        BankLine(b.name, b.kind, b.version, b.entries, b.pdq_threshold, b.category_scheme)
        for b in list_banks(session)
    )


def exhibit_lines(
    session: Session, items: Iterable[ItemView], enclosures: Path | None
) -> tuple[ExhibitLine, ...]:
    """The exhibits with their custody digests and, for a linked scan, the triage certificate's
    facts; each scan's hash list is written into `enclosures` (None: not written, not listed)."""
    lines = []
    for item in items:
        scan, scan_hashes = _scan(session, item.scan_id, enclosures) if item.scan_id else (None, [])
        hashes: list[HashLine] = []
        # The reference: a digest recorded in custody (a scan's is listed with the scan below).
        first = next((s for s in item.steps if s.digest and s.scan_id is None), None)
        if first is not None and first.digest is not None:
            hashes.append(
                HashLine(
                    DIGEST_LENGTHS[len(first.digest)],
                    first.digest,
                    f"the exhibit as first recorded ({first.kind.value}, "
                    f"{Instant.of(first.at).ist}, by {first.handler})",
                )
            )
        hashes += scan_hashes
        lines.append(
            ExhibitLine(
                label=item.label,
                kind=item.kind.value,
                schedule_kind=SCHEDULE_KINDS[item.kind],
                make=item.make,
                model=item.model,
                serial=item.serial,
                imeis=tuple(i.removeprefix("imei:") for i in item.imeis),
                seized=maybe(item.seized_at),
                seized_place=item.seized_place,
                seal_numbers=item.seal_numbers,
                videography_ref=item.videography_ref,
                custody=tuple(
                    CustodyLine(
                        s.kind.value,
                        Instant.of(s.at),
                        s.handler,
                        s.place,
                        s.digest,
                        DIGEST_LENGTHS.get(len(s.digest)) if s.digest else None,
                        s.digest_matches,
                    )
                    for s in item.steps
                ),
                hashes=tuple(dict.fromkeys(hashes)),
                alerts=item.alerts,
                warnings=item.warnings,
                scan=scan,
            )
        )
    return tuple(lines)


_SOURCE_DIGESTS: Final = (("sha256", "SHA-256"), ("sha1", "SHA-1"), ("md5", "MD5"))
_ACQUISITION: Final = (("acquisition_md5", "MD5"), ("acquisition_sha1", "SHA-1"))


def _scan(
    session: Session, scan_id: int, enclosures: Path | None
) -> tuple[ScanLine, list[HashLine]]:
    """A linked scan read through triage's public functions, and the hash values the triage
    certificate states for it. Its hash list is written (the certificate encloses it) into
    `enclosures`, or only digested when None."""
    name = hash_list_name(scan_id)
    target = enclosures / name if enclosures is not None else Path(os.devnull)
    with target.open("wb") as handle:
        listed = write_hash_list(session, scan_id, handle)
    draft = build_certificate(session, scan_id, listed)
    stored = stored_scan(session, scan_id)
    digests = draft.source_digests
    hashes = [
        HashLine(label, str(digests[key]), f"the {draft.source_kind} image file "
                 f"{draft.source_path}, taken before the scan read any file in it")
        for key, label in _SOURCE_DIGESTS
        if digests.get(key)
    ]  # fmt: skip
    hashes += [
        HashLine(label, str(digests[key]), "recorded in the E01 image at acquisition")
        for key, label in _ACQUISITION
        if digests.get(key)
    ]
    hashes.append(
        HashLine(
            "SHA-256",
            listed.sha256,
            f"the enclosed hash list {name}: the SHA-256 of each of the {listed.files} files "
            "examined",
        )
    )
    line = ScanLine(
        scan_id=scan_id,
        source_kind=draft.source_kind,
        source_path=draft.source_path,
        source_size=draft.source_size,
        status=draft.scan_status,
        started=Instant.of(stored.started_at),
        finished=maybe(stored.finished_at),
        files=draft.files,
        hash_list_name=name,
        hash_list_sha256=listed.sha256,
        hash_list_files=listed.files,
        hash_list_unreadable=listed.without_digest,
        tools=tuple(sorted(draft.tools.items())),
        counts=tuple(sorted(class_counts(session, scan_id).items())),
        banks=tuple(
            (str(b.get("bank")), str(b.get("kind")), int(b.get("version", 0)))
            for b in stored.banks
            if isinstance(b, dict)
        ),
    )
    return line, hashes


def victims_of(session: Session, case_id: str) -> tuple[str, ...]:
    """The case's victims' labels: all any document says about them."""
    return tuple(victim_labels(session, case_id))


def _platform(account: AccountView) -> str:
    return account.service or "unknown platform"
