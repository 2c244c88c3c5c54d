"""The values a document prints: plain, typed, JSON-ready dataclasses (`DocumentContext`).

Templates read them as `doc` (`doc.case.reference`, `doc.attributable[0].port`); `render` stores
`dataclasses.asdict(context)` with each document, so the register can print it again. Instants
are kept as text in IST, UTC and ISO, exactly as printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from suraksha.cases.deadlines import IST
from suraksha.cases.workflow import iso
from suraksha.hashing.matcher import CONFIRM_ABOVE
from suraksha.hashing.pdq import MIN_QUALITY


@dataclass(frozen=True, slots=True)
class Instant:
    """An instant as documents print it: IST first (Indian courts' time), UTC beside, ISO for
    machines."""

    ist: str
    utc: str
    iso: str

    @classmethod
    def of(cls, moment: datetime) -> Instant:
        """`moment` (timezone-aware) in both zones, to the second."""
        return cls(
            moment.astimezone(IST).strftime("%d/%m/%Y %H:%M:%S IST"),
            moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            iso(moment),
        )


def maybe(moment: datetime | None) -> Instant | None:
    """`moment` as an `Instant`, or None."""
    return None if moment is None else Instant.of(moment)


@dataclass(frozen=True, slots=True)
class CaseHead:
    """The case as every document heads it."""

    case_id: str
    reference: str
    fir_number: str | None
    unit: str
    state: str
    district: str
    stage: str
    offence_date: str | None
    law: str
    officers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountLine:
    """A reported account: its platform, the report that named it, and its account identifiers."""

    account_id: str
    platform: str
    report_id: str
    identifiers: tuple[tuple[str, str], ...]  # (label, value as the platform reported it)


@dataclass(frozen=True, slots=True)
class ReportLine:
    """A tip (CyberTipline report) of the case."""

    report_id: str
    platform: str
    incident_type: str
    incident: Instant | None
    received: Instant | None
    files: int


@dataclass(frozen=True, slots=True)
class IpLine:
    """An IP capture with everything an operator needs to name one subscriber, or why it cannot."""

    report_id: str
    account_id: str  # "" for a file upload's capture
    platform: str
    event: str
    address: str
    port: int | None
    at: Instant | None
    as_reported: str | None
    address_class: str
    operator: str | None
    reason: str | None  # None when attributable


@dataclass(frozen=True, slots=True)
class DeadlineLine:
    """A clock of the case on the day the document was made."""

    clock: str
    title: str
    due: Instant
    status: str
    explanation: str


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """A charge with the version of its text and the warnings given with it."""

    label: str
    act: str
    section: str
    version: str
    origin: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HashLine:
    """A hash value with its algorithm and what it is the hash of."""

    algorithm: str
    value: str
    of: str


@dataclass(frozen=True, slots=True)
class CustodyLine:
    """A custody step with the digest taken there."""

    step: str
    at: Instant
    handler: str
    place: str
    digest: str | None
    algorithm: str | None
    matches: bool | None


@dataclass(frozen=True, slots=True)
class ScanLine:
    """A triage scan of an exhibit: its source, digests, enclosed hash list, tools and counts."""

    scan_id: int
    source_kind: str
    source_path: str
    source_size: int | None
    status: str
    started: Instant
    finished: Instant | None
    files: int
    hash_list_name: str
    hash_list_sha256: str
    hash_list_files: int
    hash_list_unreadable: int
    tools: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]
    banks: tuple[tuple[str, str, int], ...]  # (name, kind, version) when the scan started


@dataclass(frozen=True, slots=True)
class ExhibitLine:
    """A seized exhibit with its seizure memo, custody, hash values and triage scan."""

    label: str
    kind: str
    schedule_kind: str
    make: str | None
    model: str | None
    serial: str | None
    imeis: tuple[str, ...]
    seized: Instant | None
    seized_place: str | None
    seal_numbers: tuple[str, ...]
    videography_ref: str | None
    custody: tuple[CustodyLine, ...]
    hashes: tuple[HashLine, ...]
    alerts: tuple[str, ...]
    warnings: tuple[str, ...]
    scan: ScanLine | None


@dataclass(frozen=True, slots=True)
class BankLine:
    """A hash bank as it stands now: name, kind, current version, size and PDQ threshold."""

    name: str
    kind: str
    version: int
    entries: int
    pdq_threshold: int
    category_scheme: str | None


@dataclass(frozen=True, slots=True)
class MaterialCounts:
    """How much material the case's tips and scans hold, counted, never shown."""

    tip_files: int
    tip_files_known: int  # matching a known or viral bank
    tip_files_needing_confirmation: int  # PDQ matches over `confirm_above` bits
    scan_known: int
    scan_near: int
    scan_new: int
    scan_ignorable: int
    scan_other: int


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """Every value a document prints (see the module docstring); `as_values` stores it."""

    kind: str
    title: str
    basis: str
    template: str
    template_version: int
    generated: Instant
    made_by: str
    case: CaseHead
    platform: str | None = None
    operator: str | None = None
    subjects: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    accounts: tuple[AccountLine, ...] = ()
    reports: tuple[ReportLine, ...] = ()
    attributable: tuple[IpLine, ...] = ()
    not_attributable: tuple[IpLine, ...] = ()
    deadlines: tuple[DeadlineLine, ...] = ()
    charges: tuple[ChargeLine, ...] = ()
    exhibits: tuple[ExhibitLine, ...] = ()
    banks: tuple[BankLine, ...] = ()
    counts: MaterialCounts | None = None
    confirm_above: int = CONFIRM_ABOVE
    min_quality: int = MIN_QUALITY
    platforms: tuple[str, ...] = field(default=())  # every platform of the case's accounts
