"""NCMEC CyberTipline reports as law enforcement downloads them: one JSON file per report.

The layout has no public specification; the key vocabulary is the one investigators' tools read
(see the formats README §2). Most sections sit under `reportedInformation`, and the same sections are
also accepted at the top level. Every key this format does not know becomes an `IngestWarning` with
its JSONPath-like locator (`$.reportedInformation.reportedPeople.reportedPersons[0].foo`); a value of
the wrong type is a warning too, so one odd field never costs the whole tip.

    $ reportId, dateReceived, reportedInformation
      └── reportingEsp{espName} · incidentSummary{incidentType, incidentDateTime}
          reportedPeople.reportedPersons[] · intendedRecipients.intendedRecipients[]
          uploadedFiles.uploadedFiles[] · additionalInformations[] · incidentDetails
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Final

from suraksha.errors import FormatError
from suraksha.intake.formats.instants import parse_instant
from suraksha.intake.formats.interface import TipDocument, TipFormat, read_part
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

# Sections of `reportedInformation`; free text (additionalInformations, incidentDetails) has no
# record field and is kept only in the stored bytes.
_SECTIONS: Final = frozenset(
    {
        "reportingEsp",
        "incidentSummary",
        "additionalInformations",
        "incidentDetails",
        "reportedPeople",
        "intendedRecipients",
        "uploadedFiles",
    }
)
# Reported people before recipients before files, whatever order the keys come in.
_SECTION_ORDER: Final = (
    "reportingEsp",
    "incidentSummary",
    "reportedPeople",
    "intendedRecipients",
    "uploadedFiles",
)
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
_URL_CAPTURES: Final = frozenset({"URL", "Profile URL"})

_REPORT_NUMBER = re.compile(r"[0-9]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_IDENTIFIER_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SNIFF_BYTES = 4096

_Json = object  # a value json.loads produced: dict, list, str, int, float, bool or None


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER_KEY.fullmatch(key) else f"{path}[{json.dumps(key)}]"


class _Reader:
    """Typed, warning-collecting access to one decoded document; one per `parse` call."""

    def __init__(self) -> None:
        self.warnings: list[IngestWarning] = []

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(IngestWarning(path=path, message=message))

    def obj(self, value: _Json, path: str, known: frozenset[str]) -> dict[str, _Json]:
        """An object (empty when null or of another type, which warns); unknown keys warn."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.warn(path, f"Expected an object, found {_kind(value)}; it was not read.")
            return {}
        for key in value:
            if key not in known:
                self.warn(
                    _key(path, key),
                    f"Unknown key {key!r}; it was not read but is kept with the tip.",
                )
        return value

    def items(self, value: _Json, path: str) -> list[tuple[_Json, str]]:
        """The entries of an array with their paths (empty when null or not an array)."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(path, f"Expected an array, found {_kind(value)}; it was not read.")
            return []
        return [(item, f"{path}[{index}]") for index, item in enumerate(value)]

    def wrapped(self, value: _Json, path: str, inner: str) -> list[tuple[_Json, str]]:
        """The list inside a `{"emails": [...]}`-style wrapper object."""
        wrapper = self.obj(value, path, frozenset({inner}))
        return self.items(wrapper.get(inner), _key(path, inner))

    def text(self, value: _Json, path: str) -> str | None:
        """A string (stripped, None when empty) or an integer as its digits; else a warning."""
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.warn(path, f"Expected text, found {_kind(value)}; it was not read.")
        return None

    def boolean(self, value: _Json, path: str) -> bool | None:
        """A JSON boolean, or the text "true"/"false"; anything else warns and reads as unknown."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        self.warn(path, f"Expected true or false, found {_kind(value)}; it was not read.")
        return None

    def integer(self, value: _Json, path: str, low: int, high: int) -> int | None:
        """An integer (or its digits as text) within [low, high]; anything else warns."""
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,18}\s*", value):
            number = int(value)
        if value is None or (number is not None and low <= number <= high):
            return number
        shown = repr(value)[:40] if isinstance(value, str | int | float) else _kind(value)
        self.warn(path, f"Expected a whole number {low}–{high}, found {shown}.")
        return None

    def instant(self, value: _Json, path: str) -> tuple[datetime | None, str | None]:
        """(aware UTC instant, original text); a time without a zone is no instant and warns."""
        text = self.text(value, path)
        if text is None:
            return None, None
        at, problem = parse_instant(text)
        if problem is not None:
            self.warn(path, f"{text!r} {problem}.")
        return at, text

    # -- sections --------------------------------------------------------------------------------

    def sections(self, sections: dict[str, _Json], path: str, tip: TipRecord) -> None:
        """Read the mapped sections; a value already set by an earlier section is kept."""
        for key in _SECTION_ORDER:
            if key not in sections:
                continue
            value, where = sections[key], _key(path, key)
            if key == "reportingEsp":
                esp = self.obj(value, where, frozenset({"espName"}))
                tip.reporting_platform = tip.reporting_platform or self.text(
                    esp.get("espName"), _key(where, "espName")
                )
            elif key == "incidentSummary":
                summary = self.obj(value, where, frozenset({"incidentType", "incidentDateTime"}))
                kind = self.text(summary.get("incidentType"), _key(where, "incidentType"))
                tip.incident_type = tip.incident_type or kind
                at, _ = self.instant(
                    summary.get("incidentDateTime"), _key(where, "incidentDateTime")
                )
                tip.incident_at = tip.incident_at or at
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

    def account(self, value: _Json, path: str, role: AccountRole, tip: TipRecord) -> None:
        if not isinstance(value, dict):
            self.warn(path, f"Expected a person object, found {_kind(value)}; it was not read.")
            return
        person = self.obj(value, path, _PERSON_KEYS)
        service = self.text(person.get("espService"), _key(path, "espService"))
        account = AccountRecord(role=role, path=path, service=service)
        names = [
            self.text(person.get(key), _key(path, key))
            for key in ("firstName", "middleName", "lastName")
        ]
        full_name = " ".join(name for name in names if name)
        if full_name:
            account.identifiers.append(IdentifierRecord(IdentifierKind.NAME, full_name, path))

        def add(kind: IdentifierKind, key: str, scoped: bool = False) -> None:
            where = _key(path, key)
            raw = self.text(person.get(key), where)
            if raw is not None:
                account.identifiers.append(
                    IdentifierRecord(kind, raw, where, service=service if scoped else None)
                )

        add(IdentifierKind.DATE_OF_BIRTH, "dateOfBirth")
        account.age = self.integer(
            person.get("approximateAge"), _key(path, "approximateAge"), 0, 150
        )
        add(IdentifierKind.PLATFORM_USER_ID, "espUserId", scoped=True)
        screen_name = person.get("screenName")
        if isinstance(screen_name, dict):
            where = _key(path, "screenName")
            raw = self.text(self.obj(screen_name, where, frozenset({"value"})).get("value"), where)
            if raw is not None:
                account.identifiers.append(
                    IdentifierRecord(
                        IdentifierKind.SCREEN_NAME, raw, _key(where, "value"), service=service
                    )
                )
        else:  # tolerated: a bare string instead of {"value": ...}
            add(IdentifierKind.SCREEN_NAME, "screenName", scoped=True)
        for kind, key, inner in (
            (IdentifierKind.EMAIL, "emails", "emails"),
            (IdentifierKind.PHONE, "phones", "phones"),
        ):
            for entry, where in self.wrapped(person.get(key), _key(path, key), inner):
                identifier = self.contact(entry, where, kind)
                if identifier is not None:
                    account.identifiers.append(identifier)
        for entry, where in self.wrapped(
            person.get("addresses"), _key(path, "addresses"), "addresses"
        ):
            address = self.address(entry, where)
            if address is not None:
                account.addresses.append(address)
        for capture, where in self.captures(person.get("sourceInformation"), path):
            capture_type = self.text(capture.get("captureType"), _key(where, "captureType"))
            if capture_type == _IP_CAPTURE:
                event = self.ip_event(capture, where)
                if event is not None:
                    account.ip_events.append(event)
            elif capture_type in _URL_CAPTURES:
                url = self.text(capture.get("value"), _key(where, "value"))
                if url is not None:
                    account.identifiers.append(
                        IdentifierRecord(IdentifierKind.PROFILE_URL, url, _key(where, "value"))
                    )
            else:
                self.warn(where, f"Capture type {capture_type!r} is not mapped; not read.")
        tip.accounts.append(account)

    def contact(self, value: _Json, path: str, kind: IdentifierKind) -> IdentifierRecord | None:
        entry = self.obj(value, path, frozenset({"value", "verified"}))
        raw = self.text(entry.get("value"), _key(path, "value"))
        if raw is None:
            return None
        verified = self.boolean(entry.get("verified"), _key(path, "verified"))
        return IdentifierRecord(kind, raw, path, verified=verified)

    def address(self, value: _Json, path: str) -> AddressRecord | None:
        entry = self.obj(value, path, _ADDRESS_KEYS)
        parts = {key: self.text(entry.get(key), _key(path, key)) for key in sorted(_ADDRESS_KEYS)}
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

    def captures(self, value: _Json, owner: str) -> list[tuple[dict[str, _Json], str]]:
        """`sourceInformation.sourceCaptures[]` entries that are objects, with their paths."""
        where = _key(owner, "sourceInformation")
        result = []
        for capture, at_path in self.wrapped(value, where, "sourceCaptures"):
            if isinstance(capture, dict):
                result.append((self.obj(capture, at_path, _CAPTURE_KEYS), at_path))
            else:
                self.warn(at_path, f"Expected a capture object, found {_kind(capture)}.")
        return result

    def ip_event(self, capture: dict[str, _Json], path: str) -> IpEventRecord | None:
        address = self.text(capture.get("value"), _key(path, "value"))
        if address is None:
            self.warn(path, "An IP capture without a value was not read.")
            return None
        at, at_text = self.instant(capture.get("dateTime"), _key(path, "dateTime"))
        return IpEventRecord(
            address=address,
            path=path,
            port=self.integer(capture.get("port"), _key(path, "port"), 0, 65535),
            at=at,
            at_text=at_text,
            event=self.text(capture.get("eventName"), _key(path, "eventName")),
            possible_proxy=self.boolean(capture.get("possibleProxy"), _key(path, "possibleProxy")),
        )

    def file(self, value: _Json, path: str, index: int) -> FileRecordData | None:
        if not isinstance(value, dict):
            self.warn(path, f"Expected a file object, found {_kind(value)}; it was not read.")
            return None
        entry = self.obj(value, path, _FILE_KEYS)

        def text(key: str) -> str | None:
            return self.text(entry.get(key), _key(path, key))

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
            viewed_by_esp=self.boolean(entry.get("viewedByEsp"), _key(path, "viewedByEsp")),
        )
        md5 = text("verificationHash")
        if md5 is not None:
            if _HEX.fullmatch(md5) and len(md5) == 32:
                record.hashes["md5"] = md5.lower()
            else:
                self.warn(_key(path, "verificationHash"), f"{md5!r} is not an MD5; not read.")
        for capture, where in self.captures(entry.get("sourceInformation"), path):
            capture_type = self.text(capture.get("captureType"), _key(where, "captureType"))
            if capture_type != _IP_CAPTURE:
                self.warn(
                    where, f"Capture type {capture_type!r} on a file is not mapped; not read."
                )
            elif record.ip_event is None:
                record.ip_event = self.ip_event(capture, where)
            else:
                self.warn(where, "Only the first IP capture of a file is read; this one was not.")
        metadata = _key(path, "espMetadata")
        for pair, where in self.wrapped(entry.get("espMetadata"), metadata, "metadatas"):
            fields = self.obj(pair, where, frozenset({"name", "value"}))
            name = self.text(fields.get("name"), _key(where, "name"))
            meta_value = self.text(fields.get("value"), _key(where, "value"))
            if name is not None:
                _append_once(record.annotations, f"{name}={meta_value or ''}")
        tags = _key(path, "ncmecTags")
        for group, where in self.wrapped(entry.get("ncmecTags"), tags, "groups"):
            for tag, tag_path in self.wrapped(group, where, "tags"):
                fields = self.obj(tag, tag_path, frozenset({"value"}))
                label = self.text(fields.get("value"), _key(tag_path, "value"))
                if label is not None:
                    _append_once(record.annotations, label)
        return record


def _append_once(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _kind(value: _Json) -> str:
    names: dict[type, str] = {dict: "an object", list: "an array", str: "text", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _decode(data: bytes, part: str) -> tuple[dict[str, _Json], list[str]]:
    """The top-level object and any keys duplicated anywhere in the document."""
    duplicates: list[str] = []

    def collect(pairs: list[tuple[str, _Json]]) -> dict[str, _Json]:
        result: dict[str, _Json] = {}
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
        raise FormatError(f"{part} holds {_kind(document)}, not a report object.")
    return document, duplicates


def _report_number(value: _Json, part: str) -> str:
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
    ESP metadata (`name=value`) and NCMEC tags as annotations. Raises `FormatError` for bytes that
    are not UTF-8 JSON, a top level that is not an object, or a missing or non-numeric reportId;
    everything else it cannot read is a warning.
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
        return ParsedTip(tip=tip, warnings=reader.warnings)
