"""The typed records that intake formats produce and the pipeline persists.

A format never touches the database: it turns one input document into a `TipRecord` (plus
`IngestWarning`s) and the pipeline stores it in one transaction. Every value keeps the text it had in the
document (`raw`) and where in the document it was found (`path`, an XPath-like locator), so any fact
derived later can name its source.

    TipRecord
     ├── accounts: AccountRecord      reported people/accounts, intended recipients, victims,
     │    │                           and accounts associated with them (`associated_with`)
     │    ├── identifiers: IdentifierRecord   (kind, raw text, service scope, path)
     │    ├── ip_events: IpEventRecord        (address, port, instant, original text, event)
     │    └── addresses: AddressRecord
     ├── incidents: IncidentDetailRecord  `internetDetails` (web page, e-mail, chat, P2P, ...)
     ├── files: FileRecordData         (hashes by algorithm, classification, annotations, EXIF)
     ├── reporter, law_enforcement     kept as reported; never identifiers of a subject
     └── kept: KeptElement             elements newer than the schema copy, kept verbatim
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AccountRole(StrEnum):
    """Why an account appears in a tip; only `reported` accounts become subjects by default."""

    REPORTED = "reported"
    INTENDED_RECIPIENT = "intended_recipient"
    VICTIM = "victim"  # restricted on intake (POCSO s.23): never exported, never shown by default
    ASSOCIATED = "associated"  # tied by the platform to another account of the tip (`relation`)


class IdentifierKind(StrEnum):
    """Kinds of identifying value an account can carry; see `suraksha.identity.types`."""

    EMAIL = "email"
    PHONE = "phone"
    PLATFORM_USER_ID = (
        "platform_user_id"  # scoped by service: the same number on two services differs
    )
    SCREEN_NAME = "screen_name"
    DISPLAY_NAME = "display_name"
    DEVICE_ID = "device_id"
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    PROFILE_URL = "profile_url"
    GROUP = "group"  # a platform group identifier the account was reported in
    URL = "url"  # a URL involved in the incident (web page, shared link): a pivot, not an identity


@dataclass(frozen=True, slots=True)
class IdentifierRecord:
    """One identifying value as it stood in the document."""

    kind: IdentifierKind
    raw: str
    path: str
    service: str | None = None  # the platform that scopes the value (user ids, screen names)
    qualifier: str | None = None  # device id type (IMEI, IMSI, ...), e-mail or phone type
    verified: bool | None = None


@dataclass(frozen=True, slots=True)
class IpEventRecord:
    """An IP capture: who used which address, from which port, at which instant.

    Under carrier-grade NAT an address alone names thousands of subscribers; the operator can
    attribute it only with the source port and the exact time with its zone, so all three are kept,
    with the original time text.
    """

    address: str
    path: str
    port: int | None = None
    at: datetime | None = None  # timezone-aware UTC when the document gave a zone
    at_text: str | None = None
    event: str | None = None  # Login | Registration | Purchase | Upload | Other | Unknown
    possible_proxy: bool | None = None


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A postal address as reported; routing reads the postal code (pincode) and state."""

    path: str
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    kind: str | None = None  # Home | Business | Billing | Shipping | Technical


@dataclass(slots=True)
class AccountRecord:
    """One person or account in a tip, in the role the tip gives it."""

    role: AccountRole
    path: str
    service: str | None = None
    identifiers: list[IdentifierRecord] = field(default_factory=list)
    ip_events: list[IpEventRecord] = field(default_factory=list)
    addresses: list[AddressRecord] = field(default_factory=list)
    age: int | None = None
    estimated_location: dict[str, str] = field(default_factory=dict)  # city, region, countryCode
    prior_reports: list[str] = field(default_factory=list)
    relation: str | None = None  # for ASSOCIATED: Linked | Billing | Parent/Guardian | ...
    associated_with: int | None = None  # for ASSOCIATED: index in TipRecord.accounts of its owner
    # Flags and free text the platform gave (compromisedAccount, account disabled dates,
    # profileBio, additionalInfo, schoolName, vehicleDescription, allEmailsReported, ...).
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class IncidentDetailRecord:
    """One `internetDetails` entry: where the incident happened and what was involved there."""

    kind: str  # the element name: webPageIncident, emailIncident, chatImIncident, peer2peerIncident...
    path: str
    identifiers: list[IdentifierRecord] = field(default_factory=list)  # URLs, e-mails, phones
    ip_events: list[IpEventRecord] = field(default_factory=list)
    addresses: list[AddressRecord] = field(default_factory=list)
    # Everything else (chat client and room, game and console, P2P client and file names,
    # content, coordinates, location name, newsgroup name, additionalInfo).
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class FileRecordData:
    """A file named in a tip: its hashes and what the platform said about it."""

    file_id: str
    path: str
    file_name: str | None = None
    original_file_name: str | None = None
    hashes: dict[str, str] = field(
        default_factory=dict
    )  # algorithm (md5, sha1, sha256, pdq) → value
    classification: str | None = None  # industry A1 | A2 | B1 | B2
    annotations: list[str] = field(default_factory=list)
    viewed_by_esp: bool | None = None
    publicly_available: bool | None = None
    uploaded_at: datetime | None = None
    ip_event: IpEventRecord | None = None
    devices: list[IdentifierRecord] = field(default_factory=list)  # fileDetails/deviceId
    exif: list[tuple[str, str, str]] = field(default_factory=list)  # (EXIF|HASH, name, value)
    # locationOfFile, exifViewedByEsp, fileRelevance, additionalInfo, hashes that are not
    # hex digests (PhotoDNA: stored, never matched), ...
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KeptElement:
    """An element the format does not know (newer than its schema copy), kept verbatim."""

    path: str
    text: str  # the element serialised as it stood in the document


@dataclass(slots=True)
class TipRecord:
    """One report, as one format read it from one document."""

    source: str  # "ncmec" for CyberTipline reports
    source_id: str  # the CyberTipline report number
    format_name: str
    incident_type: str | None = None
    received_at: datetime | None = None
    incident_at: datetime | None = None
    reporting_platform: str | None = None
    annotations: list[str] = field(default_factory=list)
    escalated: bool = False
    accounts: list[AccountRecord] = field(default_factory=list)
    files: list[FileRecordData] = field(default_factory=list)
    incidents: list[IncidentDetailRecord] = field(default_factory=list)
    batch_reason: str | None = None  # batchedReport/@reason: the platform bundled reports
    reporter: dict[str, Any] = field(default_factory=dict)  # the platform's own contact
    law_enforcement: dict[str, Any] = field(default_factory=dict)
    # incidentDateTimeDescription, additionalInfo and other report-level text.
    details: dict[str, Any] = field(default_factory=dict)
    kept: list[KeptElement] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IngestWarning:
    """Something a format noticed but could read past (an unknown element, an unparsable date)."""

    path: str
    message: str


@dataclass(slots=True)
class ParsedTip:
    """What a format returns for one document: the record and whatever it had to warn about."""

    tip: TipRecord
    warnings: list[IngestWarning] = field(default_factory=list)
