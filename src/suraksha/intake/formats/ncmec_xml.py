"""NCMEC CyberTipline reports as platforms (ESPs) submit them: a folder of XML documents.

One input unit is a folder named by the CyberTipline report number:

    <report number>/
     ├── report.xml          <report> per `schemas/cyber_tipline.xsd`
     └── files/*.xml         optional, one <fileDetails> per uploaded file, reportId = folder name

Every element the schema allows under the parts this format reads is listed in `VOCABULARY` with how
it is handled. An element outside it (one newer than our copy of the schema, or a misspelling) is
never dropped silently: it becomes an `IngestWarning` naming its path, and the bytes stay with the
tip. Paths are XPath-like, prefixed by the part: `report.xml:/report/personOrUserReported[1]/...`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from lxml import etree

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.instants import parse_instant
from suraksha.intake.formats.interface import TipDocument, TipFormat, read_part
from suraksha.intake.formats.xml_safety import parse_xml
from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    FileRecordData,
    IdentifierKind,
    IdentifierRecord,
    IngestWarning,
    IpEventRecord,
    ParsedTip,
    TipRecord,
)


class Handling(StrEnum):
    """What this format does with an element the schema knows."""

    MAPPED = "mapped"  # read into the record
    SKIPPED = "skipped"  # free text, flags or the reporter's own contact: nothing a record holds
    WARNED = "warned"  # could link a person but has no record field yet: warn, never drop silently


def _handling(mapped: str, skipped: str = "", warned: str = "") -> dict[str, Handling]:
    table = dict.fromkeys(mapped.split(), Handling.MAPPED)
    table |= dict.fromkeys(skipped.split(), Handling.SKIPPED)
    return table | dict.fromkeys(warned.split(), Handling.WARNED)


_ACCOUNT_MAPPED = (
    "espIdentifier espService screenName displayName profileUrl ipCaptureEvent deviceId "
    "priorCTReports estimatedLocation"
)
_ACCOUNT_SKIPPED = (
    "compromisedAccount profileBio accountTemporarilyDisabled accountPermanentlyDisabled "
    "allEmailsReported additionalInfo"
)

# Context (the parent element, or the schema type shared by several parents) → child → handling.
# The vocabulary test checks it against `schemas/cyber_tipline.xsd` in both directions. Why the
# non-obvious entries are what they are:
# - reporter (SKIPPED): the platform's own contact. Its e-mails and phones recur on every report the
#   platform files, so as identifiers they would link unrelated people into one subject.
# - lawEnforcement (SKIPPED): the officer who asked for the report, not a subject.
# - internetDetails (WARNED): incident-level URLs, e-mails, phones and P2P captures belong to no
#   account, and TipRecord has no field for them yet.
# - associatedAccount (WARNED): another account the platform links to this one; its identifiers
#   are not this account's, and AccountRecord cannot express the link yet.
# - fileDetails/deviceId (WARNED): the uploading device; FileRecordData has no identifiers.
# - deviceId eventName/dateTime, details (EXIF name-value pairs): no record field.
VOCABULARY: Final[Mapping[str, Mapping[str, Handling]]] = {
    "report": _handling(
        "incidentSummary personOrUserReported intendedRecipient victim",
        skipped="batchedReport lawEnforcement reporter additionalInfo",
        warned="internetDetails",
    ),
    "incidentSummary": _handling(
        "incidentType platform escalateToHighPriority reportAnnotations incidentDateTime",
        skipped="incidentDateTimeDescription",
    ),
    "personOrUserReported": _handling(
        f"{_ACCOUNT_MAPPED} personOrUserReportedPerson groupIdentifier",
        skipped=f"{_ACCOUNT_SKIPPED} vehicleDescription thirdPartyUserReported",
        warned="associatedAccount",
    ),
    "intendedRecipient": _handling(
        f"{_ACCOUNT_MAPPED} intendedRecipientPerson groupIdentifier", skipped=_ACCOUNT_SKIPPED
    ),
    "victim": _handling(
        f"{_ACCOUNT_MAPPED} victimPerson",
        skipped=f"{_ACCOUNT_SKIPPED} schoolName",
        warned="associatedAccount",
    ),
    "person": _handling("firstName lastName phone email address age dateOfBirth"),
    "address": _handling("address city zipCode state nonUsaState country"),
    "ipCaptureEvent": _handling("ipAddress eventName dateTime possibleProxy port"),
    "deviceId": _handling("idType idValue", skipped="eventName dateTime"),
    "estimatedLocation": _handling("city region countryCode"),
    "fileDetails": _handling(
        "reportId fileId fileName originalFileName uploadedToEspTimestamp fileViewedByEsp "
        "publiclyAvailable potentialMeme fileAnnotations industryClassification originalFileHash "
        "ipCaptureEvent",
        skipped="locationOfFile exifViewedByEsp fileRelevance details additionalInfo",
        warned="deviceId",
    ),
}

# The eight values the schema enumerates; another value is kept as given, with a warning.
INCIDENT_TYPES: Final = frozenset(
    {
        "Child Pornography (possession, manufacture, and distribution)",
        "Child Sex Trafficking",
        "Child Sex Tourism",
        "Child Sexual Molestation",
        "Misleading Domain Name",
        "Misleading Words or Digital Images on the Internet",
        "Online Enticement of Children for Sexual Acts",
        "Unsolicited Obscene Material Sent to a Child",
    }
)

_ROLES: Final = {
    "personOrUserReported": (AccountRole.REPORTED, "personOrUserReportedPerson"),
    "intendedRecipient": (AccountRole.INTENDED_RECIPIENT, "intendedRecipientPerson"),
    "victim": (AccountRole.VICTIM, "victimPerson"),
}

# Elements the schema lets repeat always carry a position in their path, so a locator does not
# change shape between a report with one e-mail and a report with two.
_REPEATABLE: Final = frozenset(
    [
        "personOrUserReported",
        "intendedRecipient",
        "victim",
        "internetDetails",
        "phone",
        "email",
        "address",
        "displayName",
        "profileUrl",
        "ipCaptureEvent",
        "deviceId",
        "priorCTReports",
        "associatedAccount",
        "originalFileHash",
        "details",
    ]
)

_REPORT_NUMBER = re.compile(r"[0-9]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_FILE_PART = re.compile(r"files/[^/]+\.xml")
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


@dataclass(frozen=True, slots=True)
class _Child:
    name: str
    element: etree._Element
    path: str


class _Reader:
    """Reads one tip's parts, collecting warnings; one instance per `parse` call."""

    def __init__(self) -> None:
        self.warnings: list[IngestWarning] = []

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(IngestWarning(path=path, message=message))

    # -- structure -------------------------------------------------------------------------------

    def children(self, element: etree._Element, path: str) -> list[_Child]:
        """Element children with their locators (comments and PIs were removed by the parser)."""
        elements = [child for child in element if isinstance(child.tag, str)]
        names = [_local_name(child) for child in elements]
        totals = Counter(names)
        seen: Counter[str] = Counter()
        result = []
        for name, child in zip(names, elements, strict=True):
            seen[name] += 1
            step = name
            if name in _REPEATABLE or totals[name] > 1:
                step = f"{name}[{seen[name]}]"
            result.append(_Child(name, child, f"{path}/{step}"))
        return result

    def unhandled(self, child: _Child, context: str) -> None:
        """Account for a child the caller did not map: skip, warn as known, or warn as unknown."""
        handling = VOCABULARY[context].get(child.name)
        if handling is Handling.SKIPPED:
            return
        if handling is None:
            self.warn(
                child.path,
                f"Unknown element <{child.name}> in <{context}> (newer than the schema copy, or "
                "misspelt); it was not read but is kept with the tip.",
            )
        else:
            self.warn(
                child.path,
                f"<{child.name}> is not mapped yet; its content was not read but is kept with "
                "the tip.",
            )

    def text(self, child: _Child) -> str | None:
        """The stripped text of a leaf element, or None when empty; nested elements warn."""
        for nested in self.children(child.element, child.path):
            self.warn(nested.path, f"Unexpected element <{nested.name}> inside <{child.name}>.")
        value = (child.element.text or "").strip()
        return value or None

    def boolean(self, child: _Child) -> bool | None:
        """An xs:boolean; anything else warns and reads as unknown."""
        value = self.text(child)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.warn(child.path, f"<{child.name}> should be true or false, not {value!r}.")
        return None

    def integer(self, child: _Child, low: int, high: int) -> int | None:
        """An integer within [low, high]; anything else warns and reads as unknown."""
        value = self.text(child)
        if value is None:
            return None
        if _INTEGER.fullmatch(value) and low <= int(value) <= high:
            return int(value)
        self.warn(
            child.path, f"<{child.name}> should be a whole number {low}–{high}, not {value!r}."
        )
        return None

    def instant(self, child: _Child) -> tuple[datetime | None, str | None]:
        """An xs:dateTime as (aware UTC instant, original text).

        A time without a zone cannot be placed on the timeline: under carrier-grade NAT an IP
        capture is attributable only with the exact instant, and guessing IST or UTC would name the
        wrong subscriber. Such a time keeps its text, reads as no instant, and warns.
        """
        value = self.text(child)
        if value is None:
            return None, None
        at, problem = parse_instant(value)
        if problem:
            self.warn(child.path, f"<{child.name}> {value!r} {problem}.")
        return at, value

    def first(self, children: list[_Child], name: str) -> _Child | None:
        """The first child called `name`; any further ones warn, as the schema allows one."""
        matches = [child for child in children if child.name == name]
        for extra in matches[1:]:
            self.warn(extra.path, f"Only one <{name}> is expected here; this one was not read.")
        return matches[0] if matches else None

    # -- report.xml ------------------------------------------------------------------------------

    def report(self, root: etree._Element, tip: TipRecord) -> None:
        path = "report.xml:/report"
        children = self.children(root, path)
        if not any(child.name == "incidentSummary" for child in children):
            self.warn(path, "The report has no <incidentSummary>; incident type and time unknown.")
        for child in children:
            if child.name == "incidentSummary":
                self.incident_summary(child, tip)
            elif child.name in _ROLES:
                tip.accounts.append(self.account(child))
            else:
                self.unhandled(child, "report")

    def incident_summary(self, summary: _Child, tip: TipRecord) -> None:
        for child in self.children(summary.element, summary.path):
            match child.name:
                case "incidentType":
                    tip.incident_type = self.text(child)
                    if tip.incident_type and tip.incident_type not in INCIDENT_TYPES:
                        self.warn(child.path, f"Unknown incident type {tip.incident_type!r}.")
                case "platform":
                    tip.reporting_platform = self.text(child)
                case "escalateToHighPriority":
                    # Present at all means escalated; the text is the platform's reason.
                    self.text(child)  # only to warn about anything nested inside
                    tip.escalated = True
                case "reportAnnotations":
                    tip.annotations.extend(self.flags(child))
                case "incidentDateTime":
                    tip.incident_at, _ = self.instant(child)
                case _:
                    self.unhandled(child, "incidentSummary")

    def flags(self, container: _Child) -> list[str]:
        """Names of the annotation elements that are set (schema: fixed true; newer names kept)."""
        names = []
        for child in self.children(container.element, container.path):
            if self.boolean(child) is not False and child.name not in names:
                names.append(child.name)
        return names

    def account(self, block: _Child) -> AccountRecord:
        role, person_name = _ROLES[block.name]
        children = self.children(block.element, block.path)
        service_child = self.first(children, "espService")
        service = self.text(service_child) if service_child else None
        account = AccountRecord(role=role, path=block.path, service=service)

        def identifier(kind: IdentifierKind, child: _Child, scoped: bool = False) -> None:
            value = self.text(child)
            if value is not None:
                account.identifiers.append(
                    IdentifierRecord(
                        kind=kind, raw=value, path=child.path, service=service if scoped else None
                    )
                )

        for child in children:
            match child.name:
                case "espService":
                    pass  # read above: it scopes the user id, screen name and group
                case name if name == person_name:
                    self.person(child, account)
                case "espIdentifier":
                    identifier(IdentifierKind.PLATFORM_USER_ID, child, scoped=True)
                case "screenName":
                    identifier(IdentifierKind.SCREEN_NAME, child, scoped=True)
                case "groupIdentifier":
                    identifier(IdentifierKind.GROUP, child, scoped=True)
                case "displayName":
                    identifier(IdentifierKind.DISPLAY_NAME, child)
                case "profileUrl":
                    identifier(IdentifierKind.PROFILE_URL, child)
                case "ipCaptureEvent":
                    event = self.ip_event(child)
                    if event is not None:
                        account.ip_events.append(event)
                case "deviceId":
                    self.device(child, account)
                case "priorCTReports":
                    number = self.text(child)
                    if number is not None and _REPORT_NUMBER.fullmatch(number):
                        account.prior_reports.append(number)
                    elif number is not None:
                        self.warn(child.path, f"{number!r} is not a CyberTipline report number.")
                case "estimatedLocation":
                    account.estimated_location = self.location(child)
                case _:
                    self.unhandled(child, block.name)
        return account

    def person(self, block: _Child, account: AccountRecord) -> None:
        names: dict[str, str] = {}
        found: list[IdentifierRecord] = []
        for child in self.children(block.element, block.path):
            match child.name:
                case "firstName" | "lastName":
                    value = self.text(child)
                    if value is not None:
                        names.setdefault(child.name, value)
                case "phone":
                    found.extend(self.contact(child, IdentifierKind.PHONE))
                case "email":
                    found.extend(self.contact(child, IdentifierKind.EMAIL))
                case "address":
                    account.addresses.append(self.address(child))
                case "age":
                    account.age = self.integer(child, 0, 150)
                case "dateOfBirth":
                    value = self.text(child)
                    if value is not None:
                        found.append(
                            IdentifierRecord(IdentifierKind.DATE_OF_BIRTH, value, child.path)
                        )
                case _:
                    self.unhandled(child, "person")
        full_name = " ".join(names[key] for key in ("firstName", "lastName") if key in names)
        if full_name:
            account.identifiers.append(IdentifierRecord(IdentifierKind.NAME, full_name, block.path))
        account.identifiers.extend(found)

    def contact(self, child: _Child, kind: IdentifierKind) -> list[IdentifierRecord]:
        """A phone or e-mail element with its type and verified attributes."""
        value = self.text(child)
        if value is None:
            return []
        attributes = child.element.attrib
        calling_code = (attributes.get("countryCallingCode") or "").strip()
        if kind is IdentifierKind.PHONE and calling_code and not value.startswith("+"):
            value = f"{calling_code} {value}"
        verified_text = (attributes.get("verified") or "").strip().lower()
        verified = True if verified_text in _TRUE else False if verified_text in _FALSE else None
        if verified_text and verified is None:
            self.warn(child.path, f"verified={verified_text!r} should be true or false.")
        qualifier = (attributes.get("type") or "").strip() or None
        return [IdentifierRecord(kind, value, child.path, qualifier=qualifier, verified=verified)]

    def address(self, block: _Child) -> AddressRecord:
        values: dict[str, str] = {}
        for child in self.children(block.element, block.path):
            if VOCABULARY["address"].get(child.name) is Handling.MAPPED:
                value = self.text(child)
                if value is not None:
                    values.setdefault(child.name, value)
            else:
                self.unhandled(child, "address")
        kind = (block.element.get("type") or "").strip() or None
        return AddressRecord(
            path=block.path,
            street=values.get("address"),
            city=values.get("city"),
            # Addresses in India come as nonUsaState; `state` is a US two-letter code.
            state=values.get("nonUsaState") or values.get("state"),
            postal_code=values.get("zipCode"),
            country=values.get("country"),
            kind=kind,
        )

    def ip_event(self, block: _Child) -> IpEventRecord | None:
        address: str | None = None
        port: int | None = None
        at: datetime | None = None
        at_text: str | None = None
        event: str | None = None
        proxy: bool | None = None
        for child in self.children(block.element, block.path):
            match child.name:
                case "ipAddress":
                    address = self.text(child)
                case "port":
                    port = self.integer(child, 0, 65535)
                case "dateTime":
                    at, at_text = self.instant(child)
                case "eventName":
                    event = self.text(child)
                case "possibleProxy":
                    proxy = self.boolean(child)
                case _:
                    self.unhandled(child, "ipCaptureEvent")
        if address is None:
            self.warn(block.path, "An IP capture without <ipAddress> was not read.")
            return None
        return IpEventRecord(
            address=address,
            path=block.path,
            port=port,
            at=at,
            at_text=at_text,
            event=event,
            possible_proxy=proxy,
        )

    def device(self, block: _Child, account: AccountRecord) -> None:
        id_type: str | None = None
        id_value: str | None = None
        for child in self.children(block.element, block.path):
            match child.name:
                case "idType":
                    id_type = self.text(child)
                case "idValue":
                    id_value = self.text(child)
                case _:
                    self.unhandled(child, "deviceId")
        if id_value is None:
            self.warn(block.path, "A <deviceId> without <idValue> was not read.")
            return
        account.identifiers.append(
            IdentifierRecord(IdentifierKind.DEVICE_ID, id_value, block.path, qualifier=id_type)
        )

    def location(self, block: _Child) -> dict[str, str]:
        location: dict[str, str] = {}
        for child in self.children(block.element, block.path):
            if VOCABULARY["estimatedLocation"].get(child.name) is Handling.MAPPED:
                value = self.text(child)
                if value is not None:
                    location.setdefault(child.name, value)
            else:
                self.unhandled(child, "estimatedLocation")
        return location

    # -- files/*.xml -----------------------------------------------------------------------------

    def file_details(self, root: etree._Element, part: str, report_number: str) -> FileRecordData:
        path = f"{part}:/fileDetails"
        children = self.children(root, path)
        report_id = self.first(children, "reportId")
        report_text = self.text(report_id) if report_id else None
        if report_text != report_number:
            raise FormatError(
                f"{part} belongs to report {report_text or '(none)'}, not to report "
                f"{report_number} whose folder it is in."
            )
        file_id_child = self.first(children, "fileId")
        file_id = self.text(file_id_child) if file_id_child else None
        if file_id is None:
            raise FormatError(f"{part} has no <fileId>; the file cannot be identified.")
        record = FileRecordData(file_id=file_id, path=path)
        ip_child = self.first(children, "ipCaptureEvent")
        if ip_child is not None:
            record.ip_event = self.ip_event(ip_child)
        for child in children:
            match child.name:
                case "reportId" | "fileId" | "ipCaptureEvent":
                    pass  # read above
                case "fileName":
                    record.file_name = self.text(child)
                case "originalFileName":
                    record.original_file_name = self.text(child)
                case "uploadedToEspTimestamp":
                    record.uploaded_at, _ = self.instant(child)
                case "fileViewedByEsp":
                    record.viewed_by_esp = self.boolean(child)
                case "publiclyAvailable":
                    record.publicly_available = self.boolean(child)
                case "industryClassification":
                    record.classification = self.text(child)
                case "potentialMeme":
                    if self.boolean(child) and "potentialMeme" not in record.annotations:
                        record.annotations.append("potentialMeme")
                case "fileAnnotations":
                    for name in self.flags(child):
                        if name not in record.annotations:
                            record.annotations.append(name)
                case "originalFileHash":
                    self.file_hash(child, record)
                case _:
                    self.unhandled(child, "fileDetails")
        return record

    def file_hash(self, child: _Child, record: FileRecordData) -> None:
        algorithm = (child.element.get("hashType") or "").strip().lower()
        value = self.text(child)
        if not algorithm or value is None:
            self.warn(child.path, "A hash without a hashType or a value was not read.")
            return
        if _HEX.fullmatch(value):
            value = value.lower()  # hex is case-free; other encodings (base64) are kept as given
        known = record.hashes.setdefault(algorithm, value)
        if known != value:
            self.warn(child.path, f"A second, different {algorithm} hash {value!r} was not read.")


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class NcmecXmlFormat(TipFormat):
    """The ESP-side CyberTipline XML (NCMEC's reporting API schema), one folder per report.

    Produces: source "ncmec", source_id = the folder name (digits), accounts for reported users,
    intended recipients and victims (victims are restricted downstream, POCSO s.23), and one file
    record per `files/*.xml`. Never reads the `reporter` block as identifiers. Raises `FormatError`
    for a folder name that is not a report number, a missing report.xml, a wrong root element or a
    file document of another report; `HostileInputError` for DTDs, entities, over-deep nesting and
    parts that resolve outside the folder.
    """

    name = "ncmec_xml"
    record_kind = "ncmec:cybertip:esp-xml"
    description = (
        "NCMEC CyberTipline report as a platform submits it: a folder named by the report number "
        "holding report.xml and files/*.xml."
    )

    def claims(self, path: Path) -> bool:
        """A folder holding a report.xml (whether its name is a report number is checked later)."""
        try:
            return path.is_dir() and (path / "report.xml").is_file()
        except OSError:
            return False

    def load(self, path: Path) -> TipDocument:
        """Read report.xml and files/*.xml (in name order), refusing links out of the folder."""
        try:
            unit = path.resolve(strict=True)
            report = path / "report.xml"
            if not report.is_file():
                raise FormatError(f"{path} holds no report.xml.")
            parts = [_read_inside(unit, report, "report.xml")]
            files = path / "files"
            if files.is_dir():
                for child in sorted(files.iterdir(), key=lambda item: item.name):
                    if child.name.endswith(".xml") and child.is_file():
                        parts.append(_read_inside(unit, child, f"files/{child.name}"))
        except OSError as err:
            raise FormatError(f"Cannot read {path}: {err.strerror or err}.") from err
        return TipDocument(origin=path, parts=tuple(parts))

    def parse(self, document: TipDocument) -> ParsedTip:
        """Map report.xml and its file documents into one `TipRecord`; see the class docstring."""
        report_number = document.origin.name
        if not _REPORT_NUMBER.fullmatch(report_number):
            raise FormatError(
                f"{document.origin} is not named by a CyberTipline report number (digits only)."
            )
        names = [name for name, _ in document.parts]
        if len(set(names)) != len(names):
            raise FormatError(f"{document.origin} has a part listed twice.")
        parts = dict(document.parts)
        if "report.xml" not in parts:
            raise FormatError(f"{document.origin} holds no report.xml.")

        reader = _Reader()
        tip = TipRecord(source="ncmec", source_id=report_number, format_name=self.name)
        root = parse_xml(parts["report.xml"], "report.xml")
        if _local_name(root) != "report":
            raise FormatError(
                f"report.xml has the root element <{_local_name(root)}>, not <report>."
            )
        reader.report(root, tip)

        seen_ids: set[str] = set()
        for name in sorted(parts):
            if name == "report.xml":
                continue
            if not _FILE_PART.fullmatch(name):
                reader.warn(name, f"Unexpected part {name!r} was not read.")
                continue
            file_root = parse_xml(parts[name], name)
            if _local_name(file_root) != "fileDetails":
                raise FormatError(
                    f"{name} has the root element <{_local_name(file_root)}>, not <fileDetails>."
                )
            record = reader.file_details(file_root, name, report_number)
            if record.file_id in seen_ids:
                reader.warn(record.path, f"File id {record.file_id!r} appears in two documents.")
            seen_ids.add(record.file_id)
            tip.files.append(record)
        return ParsedTip(tip=tip, warnings=reader.warnings)


def _read_inside(unit: Path, path: Path, name: str) -> tuple[str, bytes]:
    """`read_part`, refusing a part that is a link to somewhere outside the unit folder."""
    if not path.resolve(strict=True).is_relative_to(unit):
        raise HostileInputError(f"{path} points outside the report folder {unit}; not read.")
    return read_part(path, name)
