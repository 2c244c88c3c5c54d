"""NCMEC CyberTipline reports as platforms (ESPs) submit them: a folder of XML documents.

One input unit is a folder named by the CyberTipline report number:

    <report number>/
     ├── report.xml          <report> per `schemas/cyber_tipline.xsd`
     └── files/*.xml         optional, one <fileDetails> per uploaded file, reportId = folder name

Every element the schema allows is read into the records (`ncmec_xml_vocabulary` lists them; the
vocabulary test holds the list to the XSD). This module reads the report level; the other
`ncmec_xml_*` modules read people, incidents and files:

    report                     → TipRecord
     ├── batchedReport/@reason → batch_reason
     ├── incidentSummary       → incident_type, reporting_platform, escalated, annotations,
     │                           incident_at; details: escalateToHighPriority (the reason),
     │                           incidentDateTimeDescription
     ├── internetDetails       → incidents                      (ncmec_xml_incidents)
     ├── lawEnforcement        → law_enforcement (plain values)
     ├── reporter              → reporter (plain values, never identifiers)
     ├── personOrUserReported, intendedRecipient, victim
     │                         → accounts, each followed by its associated accounts (ncmec_xml_people)
     └── additionalInfo        → details["additionalInfo"] (list of texts)
    files/*.xml fileDetails    → files                          (ncmec_xml_files)

An element outside the schema (newer than our copy, or misspelt) is never dropped: it is kept
verbatim in `TipRecord.kept` with a warning naming its path, as is any value that could not be read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.interface import TipDocument, TipFormat, read_part
from suraksha.intake.formats.ncmec_xml_files import read_file_details
from suraksha.intake.formats.ncmec_xml_incidents import read_internet_details
from suraksha.intake.formats.ncmec_xml_people import ROLES, read_account, read_contact
from suraksha.intake.formats.ncmec_xml_reader import XmlChild, XmlReader, local_name
from suraksha.intake.formats.ncmec_xml_vocabulary import INCIDENT_TYPES
from suraksha.intake.formats.xml_safety import parse_xml
from suraksha.intake.records import ParsedTip, TipRecord

_REPORT_NUMBER = re.compile(r"[0-9]+")
_FILE_PART = re.compile(r"files/[^/]+\.xml")


def _read_report(reader: XmlReader, root: etree._Element, tip: TipRecord) -> None:
    report = XmlChild("report", root, "report.xml:/report")
    children = reader.fields(report, "report")
    if not any(child.name == "incidentSummary" for child in children):
        reader.warn(
            report.path, "The report has no <incidentSummary>; incident type and time unknown."
        )
    for child in children:
        match child.name:
            case "incidentSummary":
                _read_incident_summary(reader, child, tip)
            case "batchedReport":
                tip.batch_reason = reader.attribute(child, "reason")
                reader.text(child)  # only to keep anything nested inside
                if tip.batch_reason is None:
                    reader.warn(child.path, "A <batchedReport> without its reason was read.")
            case "internetDetails":
                tip.incidents.extend(read_internet_details(reader, child))
            case "lawEnforcement":
                tip.law_enforcement = _read_law_enforcement(reader, child)
            case "reporter":
                tip.reporter = _read_reporter(reader, child)
            case "additionalInfo":
                _append_text(reader, child, tip.details)
            case name if name in ROLES:
                owner, associated = read_account(reader, child)
                owner_index = len(tip.accounts)
                tip.accounts.append(owner)
                for account in associated:
                    account.associated_with = owner_index
                    tip.accounts.append(account)
            case _:  # unreachable while every vocabulary name has a case; kept rather than lost
                reader.unknown(child, "report")


def _read_incident_summary(reader: XmlReader, summary: XmlChild, tip: TipRecord) -> None:
    for child in reader.fields(summary, "incidentSummary"):
        match child.name:
            case "incidentType":
                tip.incident_type = reader.text(child)
                if tip.incident_type and tip.incident_type not in INCIDENT_TYPES:
                    reader.warn(child.path, f"Unknown incident type {tip.incident_type!r}.")
            case "platform":
                tip.reporting_platform = reader.text(child)
            case "escalateToHighPriority":
                # Present at all means escalated; the text is the platform's reason.
                tip.escalated = True
                reason = reader.text(child)
                if reason is not None:
                    tip.details["escalateToHighPriority"] = reason
            case "reportAnnotations":
                tip.annotations.extend(reader.flags(child))
            case "incidentDateTime":
                tip.incident_at, _ = reader.instant(child)
            case _:  # incidentDateTimeDescription
                text = reader.text(child)
                if text is not None:
                    tip.details[child.name] = text


def _read_reporter(reader: XmlReader, block: XmlChild) -> dict[str, Any]:
    """The platform's own contact as plain values: {"reportingPerson": {...}, "legalURL", ...}."""
    reporter: dict[str, Any] = {}
    for child in reader.fields(block, "reporter"):
        match child.name:
            case "reportingPerson":
                reporter[child.name] = read_contact(reader, child, "person")
            case "contactPerson":
                reporter[child.name] = read_contact(reader, child, "contactPerson")
            case _:  # companyTemplate, termsOfService, legalURL
                text = reader.text(child)
                if text is not None:
                    reporter[child.name] = text
    return reporter


def _read_law_enforcement(reader: XmlReader, block: XmlChild) -> dict[str, Any]:
    """The agency that asked for or already has the report, as plain values.

    {"agencyName", "caseNumber", "officerContact": {...}, "reportedToLe", "servedLegalProcessDomestic"
    (booleans), "servedLegalProcessInternational": {"value", "fleaCountry"}}.
    """
    values: dict[str, Any] = {}
    for child in reader.fields(block, "lawEnforcement"):
        match child.name:
            case "officerContact":
                values[child.name] = read_contact(reader, child, "contactPerson")
            case "reportedToLe" | "servedLegalProcessDomestic":
                flag = reader.boolean(child)
                if flag is not None:
                    values[child.name] = flag
            case "servedLegalProcessInternational":
                served: dict[str, Any] = {"value": reader.boolean(child)}
                served["fleaCountry"] = reader.attribute(child, "fleaCountry")
                values[child.name] = {k: v for k, v in served.items() if v is not None}
            case _:  # agencyName, caseNumber
                text = reader.text(child)
                if text is not None:
                    values[child.name] = text
    return values


def _append_text(reader: XmlReader, child: XmlChild, details: dict[str, Any]) -> None:
    text = reader.text(child)
    if text is not None:
        details.setdefault(child.name, []).append(text)


class NcmecXmlFormat(TipFormat):
    """The ESP-side CyberTipline XML (NCMEC's reporting API schema), one folder per report.

    Produces: source "ncmec", source_id = the folder name (digits), accounts for reported users,
    intended recipients and victims (victims are restricted downstream, POCSO s.23), each followed
    by the accounts the platform associates with it; incident details; the reporter and law
    enforcement blocks as plain values (never identifiers); one file record per `files/*.xml`; and
    every element newer than the schema copy kept verbatim. Raises `FormatError` for a folder name
    that is not a report number, a missing report.xml, a wrong root element or a file document of
    another report; `HostileInputError` for DTDs, entities, over-deep nesting and parts that resolve
    outside the folder.
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

        reader = XmlReader()
        tip = TipRecord(source="ncmec", source_id=report_number, format_name=self.name)
        root = parse_xml(parts["report.xml"], "report.xml")
        if local_name(root) != "report":
            raise FormatError(
                f"report.xml has the root element <{local_name(root)}>, not <report>."
            )
        _read_report(reader, root, tip)

        seen_ids: set[str] = set()
        for name in sorted(parts):
            if name == "report.xml":
                continue
            if not _FILE_PART.fullmatch(name):
                reader.warn(name, f"Unexpected part {name!r} was not read; its bytes are stored.")
                continue
            file_root = parse_xml(parts[name], name)
            if local_name(file_root) != "fileDetails":
                raise FormatError(
                    f"{name} has the root element <{local_name(file_root)}>, not <fileDetails>."
                )
            record = read_file_details(reader, file_root, name, report_number)
            if record.file_id in seen_ids:
                reader.warn(record.path, f"File id {record.file_id!r} appears in two documents.")
            seen_ids.add(record.file_id)
            tip.files.append(record)
        tip.kept = reader.kept
        return ParsedTip(tip=tip, warnings=reader.warnings)


def _read_inside(unit: Path, path: Path, name: str) -> tuple[str, bytes]:
    """`read_part`, refusing a part that is a link to somewhere outside the unit folder."""
    # Only a link (the part, or the files/ folder it is in) can lead outside: resolve just those.
    linked = path.is_symlink() or (path.parent != unit and path.parent.is_symlink())
    if linked and not path.resolve(strict=True).is_relative_to(unit):
        raise HostileInputError(f"{path} points outside the report folder {unit}; not read.")
    return read_part(path, name)
