"""NCMEC CyberTipline reports as law enforcement downloads them: one JSON file per report.

The layout has no public specification; the key vocabulary is the one investigators' tools read
(see the formats README §2). Most sections sit under `reportedInformation`, and the same sections are
also accepted at the top level. Every key is read into the record:

    $ reportId → source_id · dateReceived → received_at · reportedInformation
      ├── reportingEsp{espName}                      → reporting_platform
      ├── incidentSummary{incidentType, incidentDateTime} → incident_type, incident_at
      ├── additionalInformations[]{value}            → details["additionalInformations"] (texts)
      ├── incidentDetails                            → details["incidentDetails"] (as given)
      ├── reportedPeople.reportedPersons[]           → accounts (REPORTED)
      ├── intendedRecipients.intendedRecipients[]    → accounts (INTENDED_RECIPIENT)
      │    names → NAME · espUserId, screenName → scoped ids · emails, phones, addresses ·
      │    sourceCaptures: "IP Address" → ip_events, "Profile URL" → PROFILE_URL, "URL" → URL ·
      │    additionalInformations → details["additionalInformations"]
      └── uploadedFiles.uploadedFiles[]              → files
           verificationHash → hashes["md5"] · first "IP Address" capture → ip_event, other
           captures → details["sourceCaptures"] · espMetadata{name, value} → exif ("ESP", name,
           value), and hashes when the name is MD5/SHA1/SHA256 · ncmecTags → annotations ·
           additionalInformations → details["additionalInformations"]

A key this format does not know, and a value it cannot read (the wrong type, a port of 70000), is
never dropped: it is kept verbatim as JSON text in `TipRecord.kept` with an `IngestWarning` naming its
JSONPath-like locator (`$.reportedInformation.reportedPeople.reportedPersons[0].foo`), so one odd
field never costs the whole tip.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from suraksha.errors import FormatError
from suraksha.intake.formats.cybertip_json_values import Json, JsonReader, json_key, json_kind
from suraksha.intake.formats.interface import TipDocument, TipFormat, read_part
from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    FileRecordData,
    IdentifierKind,
    IdentifierRecord,
    IpEventRecord,
    ParsedTip,
    TipRecord,
)

# Sections of `reportedInformation` (also accepted at the top level), in the order they are read:
# reported people before recipients before files, whatever order the keys come in.
_SECTION_ORDER: Final = (
    "reportingEsp",
    "incidentSummary",
    "additionalInformations",
    "incidentDetails",
    "reportedPeople",
    "intendedRecipients",
    "uploadedFiles",
)
_SECTIONS: Final = frozenset(_SECTION_ORDER)
_TOP_LEVEL: Final = frozenset({"reportId", "dateReceived", "reportedInformation"}) | _SECTIONS
_PERSON_KEYS: Final = frozenset(
    {
        "firstName",
        "middleName",
        "lastName",
        "dateOfBirth",
        "approximateAge",
        "espService",
        "espUserId",
        "screenName",
        "emails",
        "phones",
        "addresses",
        "sourceInformation",
        "additionalInformations",
    }
)
_FILE_KEYS: Final = frozenset(
    {
        "fileId",  # not in the README list, but the XML side has it; preferred when present
        "filename",
        "originalFilename",
        "verificationHash",
        "viewedByEsp",
        "industryClassification",
        "sourceInformation",
        "espMetadata",
        "ncmecTags",
        "additionalInformations",
    }
)
# possibleProxy is the XML ipCaptureEvent field that sourceCaptures mirrors.
_CAPTURE_KEYS: Final = frozenset(
    {"captureType", "value", "dateTime", "port", "eventName", "possibleProxy"}
)
_ADDRESS_KEYS: Final = frozenset({"street1", "street2", "city", "state", "postalCode", "country"})
_IP_CAPTURE = "IP Address"
_URL_CAPTURES: Final = {"URL": IdentifierKind.URL, "Profile URL": IdentifierKind.PROFILE_URL}
# espMetadata names that are digests of the file, by the hex length the digest must have.
_METADATA_HASHES: Final = {"md5": 32, "sha1": 40, "sha256": 64}

_REPORT_NUMBER = re.compile(r"[0-9]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_SNIFF_BYTES = 4096


class _Reader(JsonReader):
    """The mapping of report sections, people and files onto the records; one per `parse` call."""

    def sections(self, sections: dict[str, Json], path: str, tip: TipRecord) -> None:
        """Read the mapped sections; a value already set by an earlier section is kept."""
        for key in _SECTION_ORDER:
            if key not in sections:
                continue
            value, where = sections[key], json_key(path, key)
            if key == "reportingEsp":
                esp = self.obj(value, where, frozenset({"espName"}))
                tip.reporting_platform = tip.reporting_platform or self.text(
                    esp.get("espName"), json_key(where, "espName")
                )
            elif key == "incidentSummary":
                summary = self.obj(value, where, frozenset({"incidentType", "incidentDateTime"}))
                kind = self.text(summary.get("incidentType"), json_key(where, "incidentType"))
                tip.incident_type = tip.incident_type or kind
                at, _ = self.instant(
                    summary.get("incidentDateTime"), json_key(where, "incidentDateTime")
                )
                tip.incident_at = tip.incident_at or at
            elif key == "additionalInformations":
                _extend(tip.details, key, self.notes(value, where))
            elif key == "incidentDetails":
                # No layout is known for it: kept as given, whatever JSON it is.
                if value is None:
                    continue
                if key in tip.details:
                    self.keep(where, value, "A second incidentDetails is kept verbatim.")
                else:
                    tip.details[key] = value
            elif key == "reportedPeople":
                for person, at_path in self.wrapped(value, where, "reportedPersons"):
                    self.account(person, at_path, AccountRole.REPORTED, tip)
            elif key == "intendedRecipients":
                for person, at_path in self.wrapped(value, where, "intendedRecipients"):
                    self.account(person, at_path, AccountRole.INTENDED_RECIPIENT, tip)
            elif key == "uploadedFiles":
                for index, (item, at_path) in enumerate(
                    self.wrapped(value, where, "uploadedFiles")
                ):
                    record = self.file(item, at_path, index)
                    if record is not None:
                        tip.files.append(record)

    def account(self, value: Json, path: str, role: AccountRole, tip: TipRecord) -> None:
        if not isinstance(value, dict):
            self.keep(
                path, value, f"Expected a person object, found {json_kind(value)}; kept verbatim."
            )
            return
        person = self.obj(value, path, _PERSON_KEYS)
        service = self.text(person.get("espService"), json_key(path, "espService"))
        account = AccountRecord(role=role, path=path, service=service)
        names = [
            self.text(person.get(key), json_key(path, key))
            for key in ("firstName", "middleName", "lastName")
        ]
        full_name = " ".join(name for name in names if name)
        if full_name:
            account.identifiers.append(IdentifierRecord(IdentifierKind.NAME, full_name, path))

        def add(kind: IdentifierKind, key: str, scoped: bool = False) -> None:
            where = json_key(path, key)
            raw = self.text(person.get(key), where)
            if raw is not None:
                account.identifiers.append(
                    IdentifierRecord(kind, raw, where, service=service if scoped else None)
                )

        add(IdentifierKind.DATE_OF_BIRTH, "dateOfBirth")
        account.age = self.integer(
            person.get("approximateAge"), json_key(path, "approximateAge"), 0, 150
        )
        add(IdentifierKind.PLATFORM_USER_ID, "espUserId", scoped=True)
        screen_name = person.get("screenName")
        if isinstance(screen_name, dict):
            where = json_key(path, "screenName")
            raw = self.text(self.obj(screen_name, where, frozenset({"value"})).get("value"), where)
            if raw is not None:
                account.identifiers.append(
                    IdentifierRecord(
                        IdentifierKind.SCREEN_NAME, raw, json_key(where, "value"), service=service
                    )
                )
        else:  # tolerated: a bare string instead of {"value": ...}
            add(IdentifierKind.SCREEN_NAME, "screenName", scoped=True)
        for kind, key, inner in (
            (IdentifierKind.EMAIL, "emails", "emails"),
            (IdentifierKind.PHONE, "phones", "phones"),
        ):
            for entry, where in self.wrapped(person.get(key), json_key(path, key), inner):
                identifier = self.contact(entry, where, kind)
                if identifier is not None:
                    account.identifiers.append(identifier)
        for entry, where in self.wrapped(
            person.get("addresses"), json_key(path, "addresses"), "addresses"
        ):
            address = self.address(entry, where)
            if address is not None:
                account.addresses.append(address)
        for capture, where in self.captures(person.get("sourceInformation"), path):
            capture_type = self.text(capture.get("captureType"), json_key(where, "captureType"))
            if capture_type == _IP_CAPTURE:
                event = self.ip_event(capture, where)
                if event is not None:
                    account.ip_events.append(event)
            elif capture_type in _URL_CAPTURES:
                url = self.text(capture.get("value"), json_key(where, "value"))
                if url is not None:
                    account.identifiers.append(
                        IdentifierRecord(_URL_CAPTURES[capture_type], url, json_key(where, "value"))
                    )
            else:
                self.keep(
                    where, capture, f"Capture type {capture_type!r} is not mapped; kept verbatim."
                )
        notes_path = json_key(path, "additionalInformations")
        _extend(
            account.details,
            "additionalInformations",
            self.notes(person.get("additionalInformations"), notes_path),
        )
        tip.accounts.append(account)

    def contact(self, value: Json, path: str, kind: IdentifierKind) -> IdentifierRecord | None:
        entry = self.obj(value, path, frozenset({"value", "verified"}))
        raw = self.text(entry.get("value"), json_key(path, "value"))
        if raw is None:
            return None
        verified = self.boolean(entry.get("verified"), json_key(path, "verified"))
        return IdentifierRecord(kind, raw, path, verified=verified)

    def address(self, value: Json, path: str) -> AddressRecord | None:
        entry = self.obj(value, path, _ADDRESS_KEYS)
        parts = {
            key: self.text(entry.get(key), json_key(path, key)) for key in sorted(_ADDRESS_KEYS)
        }
        if not any(parts.values()):
            return None
        street = ", ".join(part for part in (parts["street1"], parts["street2"]) if part)
        return AddressRecord(
            path=path,
            street=street or None,
            city=parts["city"],
            state=parts["state"],
            postal_code=parts["postalCode"],
            country=parts["country"],
        )

    def captures(self, value: Json, owner: str) -> list[tuple[dict[str, Json], str]]:
        """`sourceInformation.sourceCaptures[]` entries that are objects, with their paths."""
        where = json_key(owner, "sourceInformation")
        result = []
        for capture, at_path in self.wrapped(value, where, "sourceCaptures"):
            if isinstance(capture, dict):
                result.append((self.obj(capture, at_path, _CAPTURE_KEYS), at_path))
            else:
                self.keep(
                    at_path, capture, f"Expected a capture object, found {json_kind(capture)}."
                )
        return result

    def ip_event(self, capture: dict[str, Json], path: str) -> IpEventRecord | None:
        address = self.text(capture.get("value"), json_key(path, "value"))
        if address is None:
            self.keep(path, capture, "An IP capture without a value is kept verbatim, not read.")
            return None
        at, at_text = self.instant(
            capture.get("dateTime"), json_key(path, "dateTime"), text_kept=True
        )
        return IpEventRecord(
            address=address,
            path=path,
            port=self.integer(capture.get("port"), json_key(path, "port"), 0, 65535),
            at=at,
            at_text=at_text,
            event=self.text(capture.get("eventName"), json_key(path, "eventName")),
            possible_proxy=self.boolean(
                capture.get("possibleProxy"), json_key(path, "possibleProxy")
            ),
        )

    def file(self, value: Json, path: str, index: int) -> FileRecordData | None:
        if not isinstance(value, dict):
            self.keep(
                path, value, f"Expected a file object, found {json_kind(value)}; kept verbatim."
            )
            return None
        entry = self.obj(value, path, _FILE_KEYS)

        def text(key: str) -> str | None:
            return self.text(entry.get(key), json_key(path, key))

        file_name = text("filename")
        # NCMEC renames uploads to unique names, so the file name identifies the file within the
        # report when no fileId is given; the position is the last resort.
        file_id = text("fileId") or file_name or f"uploadedFiles[{index}]"
        record = FileRecordData(
            file_id=file_id,
            path=path,
            file_name=file_name,
            original_file_name=text("originalFilename"),
            classification=text("industryClassification"),
            viewed_by_esp=self.boolean(entry.get("viewedByEsp"), json_key(path, "viewedByEsp")),
        )
        md5 = text("verificationHash")
        if md5 is not None:
            if _HEX.fullmatch(md5) and len(md5) == 32:
                record.hashes["md5"] = md5.lower()
            else:
                self.keep(
                    json_key(path, "verificationHash"),
                    md5,
                    f"{md5!r} is not an MD5; kept verbatim.",
                )
        self.file_captures(entry.get("sourceInformation"), path, record)
        self.metadata(entry.get("espMetadata"), json_key(path, "espMetadata"), record)
        tags = json_key(path, "ncmecTags")
        for group, where in self.wrapped(entry.get("ncmecTags"), tags, "groups"):
            for tag, tag_path in self.wrapped(group, where, "tags"):
                fields = self.obj(tag, tag_path, frozenset({"value"}))
                label = self.text(fields.get("value"), json_key(tag_path, "value"))
                if label is not None:
                    _append_once(record.annotations, label)
        notes_path = json_key(path, "additionalInformations")
        _extend(
            record.details,
            "additionalInformations",
            self.notes(entry.get("additionalInformations"), notes_path),
        )
        return record

    def file_captures(self, value: Json, path: str, record: FileRecordData) -> None:
        """The first IP capture is the file's `ip_event`; every other capture goes to details.

        A file has one upload, so a second IP capture is unusual enough to warn about: it is kept
        in `details["sourceCaptures"]`, where no carrier-grade NAT attribution will look for it.
        """
        for capture, where in self.captures(value, path):
            capture_type = self.text(capture.get("captureType"), json_key(where, "captureType"))
            if capture_type == _IP_CAPTURE and record.ip_event is None:
                record.ip_event = self.ip_event(capture, where)
                continue
            if capture_type == _IP_CAPTURE:
                self.warn(where, "A file has one IP capture; this one is kept in its details.")
            # Unknown keys of the capture are kept on their own already.
            plain = {k: v for k, v in capture.items() if v is not None and k in _CAPTURE_KEYS}
            record.details.setdefault("sourceCaptures", []).append(plain)

    def metadata(self, value: Json, path: str, record: FileRecordData) -> None:
        """`espMetadata` pairs into `exif` as ("ESP", name, value); named digests into `hashes`."""
        for pair, where in self.wrapped(value, path, "metadatas"):
            fields = self.obj(pair, where, frozenset({"name", "value"}))
            name = self.text(fields.get("name"), json_key(where, "name"))
            meta_value = self.text(fields.get("value"), json_key(where, "value")) or ""
            if name is None:
                if fields:
                    self.keep(where, pair, "ESP metadata without a name is kept verbatim.")
                continue
            record.exif.append(("ESP", name, meta_value))
            algorithm = re.sub(r"[^a-z0-9]", "", name.lower())
            length = _METADATA_HASHES.get(algorithm)
            if length and len(meta_value) == length and _HEX.fullmatch(meta_value):
                known = record.hashes.setdefault(algorithm, meta_value.lower())
                if known != meta_value.lower():
                    self.warn(where, f"This {algorithm} differs from the file's {known}.")


def _extend(details: dict[str, Any], key: str, values: list[str]) -> None:
    if values:
        details.setdefault(key, []).extend(values)


def _append_once(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _decode(data: bytes, part: str) -> tuple[dict[str, Json], list[str]]:
    """The top-level object and any keys duplicated anywhere in the document."""
    duplicates: list[str] = []

    def collect(pairs: list[tuple[str, Json]]) -> dict[str, Json]:
        result: dict[str, Json] = {}
        for key, value in pairs:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        # Investigators' exports often start with a UTF-8 byte order mark.
        document = json.loads(data.decode("utf-8-sig"), object_pairs_hook=collect)
    except UnicodeDecodeError as err:
        raise FormatError(f"{part} is not UTF-8 text: {err.reason} at byte {err.start}.") from None
    except RecursionError:
        raise FormatError(f"{part} nests arrays or objects too deeply to be a report.") from None
    except ValueError as err:  # json.JSONDecodeError, and integers too long to convert
        raise FormatError(f"{part} is not valid JSON: {err}.") from None
    if not isinstance(document, dict):
        raise FormatError(f"{part} holds {json_kind(document)}, not a report object.")
    return document, duplicates


def _report_number(value: Json, part: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and _REPORT_NUMBER.fullmatch(value.strip()):
        return value.strip()
    if value is None:
        raise FormatError(f"{part} has no reportId, so it is not a CyberTipline report.")
    raise FormatError(f"{part} has reportId {value!r}, which is not a report number.")


class CybertipJsonFormat(TipFormat):
    """The law-enforcement download of a CyberTipline report, one `.json` file per report.

    Produces: source "ncmec", source_id = reportId as digits, reported persons and intended
    recipients as accounts, uploaded files with their MD5 (`verificationHash`), first IP capture,
    ESP metadata as `exif` ("ESP", name, value) and NCMEC tags as annotations, free text in
    `details`; see the module docstring. Raises `FormatError` for bytes that are not UTF-8 JSON, a
    top level that is not an object, or a missing or non-numeric reportId; everything else it cannot
    read is kept verbatim with a warning.
    """

    name = "cybertip_json"
    record_kind = "ncmec:cybertip:le-json"
    description = "NCMEC CyberTipline report as downloaded by law enforcement: one JSON file."

    def claims(self, path: Path) -> bool:
        """A `.json` file named by a report number, or whose first 4 KiB mention "reportId"."""
        try:
            if path.suffix.lower() != ".json" or not path.is_file():
                return False
            if _REPORT_NUMBER.fullmatch(path.stem):
                return True
            with path.open("rb") as handle:
                return b'"reportId"' in handle.read(_SNIFF_BYTES)
        except OSError:
            return False

    def load(self, path: Path) -> TipDocument:
        """The file's bytes as the unit's only part."""
        if not path.is_file():
            raise FormatError(f"{path} is not a file.")
        return TipDocument(origin=path, parts=(read_part(path, path.name),))

    def parse(self, document: TipDocument) -> ParsedTip:
        """Map the report object into a `TipRecord`; see the class docstring."""
        if len(document.parts) != 1:
            raise FormatError(f"{document.origin} should be one JSON file, not several parts.")
        part, data = document.parts[0]
        top, duplicates = _decode(data, part)
        source_id = _report_number(top.get("reportId"), part)
        reader = _Reader()
        for key in duplicates:
            reader.warn("$", f"The key {key!r} appears twice in one object; the last was read.")
        stem = Path(part).stem
        if _REPORT_NUMBER.fullmatch(stem) and stem != source_id:
            reader.warn("$.reportId", f"The file is named {part} but holds report {source_id}.")

        tip = TipRecord(source="ncmec", source_id=source_id, format_name=self.name)
        reader.obj(top, "$", _TOP_LEVEL)
        tip.received_at, _ = reader.instant(top.get("dateReceived"), "$.dateReceived")
        nested = reader.obj(top.get("reportedInformation"), "$.reportedInformation", _SECTIONS)
        reader.sections(nested, "$.reportedInformation", tip)
        reader.sections(top, "$", tip)
        tip.kept = reader.kept
        return ParsedTip(tip=tip, warnings=reader.warnings)
