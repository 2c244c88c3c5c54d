"""The files of an ESP XML report: one `files/*.xml` `<fileDetails>` into one `FileRecordData`.

Hashes go into `hashes` under their lower-cased `hashType` (hex digests lower-cased, anything else,
such as a base64 PhotoDNA, as given: stored, never matched). Annotations (`fileAnnotations` and the
older `potentialMeme`) go into `annotations`, `deviceId` into `devices`, `details` name/value pairs
into `exif` as (type, name, value). The rest goes into `details` under the schema's names:
`locationOfFile`, `fileRelevance` (text); `exifViewedByEsp`, `potentialMeme` when false (booleans);
`additionalInfo` (list of texts); `deviceEvents` ([{"path", "eventName", "dateTime"}]).
"""

from __future__ import annotations

import re

from lxml import etree

from suraksha.errors import FormatError
from suraksha.intake.formats.ncmec_xml_reader import XmlChild, XmlReader
from suraksha.intake.records import FileRecordData

_HEX = re.compile(r"[0-9A-Fa-f]+")


def read_file_details(
    reader: XmlReader, root: etree._Element, part: str, report_number: str
) -> FileRecordData:
    """Map one `<fileDetails>` document of report `report_number`.

    Raises `FormatError` when the document belongs to another report or has no `fileId`: such a
    file cannot be placed, and storing it under this report would misattribute it.
    """
    block = XmlChild("fileDetails", root, f"{part}:/fileDetails")
    children = reader.fields(block, "fileDetails")
    texts = {c.name: reader.text(c) for c in children if c.name in {"reportId", "fileId"}}
    if texts.get("reportId") != report_number:
        raise FormatError(
            f"{part} belongs to report {texts.get('reportId') or '(none)'}, not to report "
            f"{report_number} whose folder it is in."
        )
    file_id = texts.get("fileId")
    if file_id is None:
        raise FormatError(f"{part} has no <fileId>; the file cannot be identified.")
    record = FileRecordData(file_id=file_id, path=block.path)
    for child in children:
        _file_field(reader, child, record)
    return record


def _file_field(reader: XmlReader, child: XmlChild, record: FileRecordData) -> None:
    match child.name:
        case "reportId" | "fileId":
            pass  # read above
        case "fileName":
            record.file_name = reader.text(child)
        case "originalFileName":
            record.original_file_name = reader.text(child)
        case "uploadedToEspTimestamp":
            record.uploaded_at, _ = reader.instant(child)
        case "fileViewedByEsp":
            record.viewed_by_esp = reader.boolean(child)
        case "publiclyAvailable":
            record.publicly_available = reader.boolean(child)
        case "industryClassification":
            record.classification = reader.text(child)
        case "locationOfFile" | "fileRelevance":
            text = reader.text(child)
            if text is not None:
                record.details[child.name] = text
        case "exifViewedByEsp":
            flag = reader.boolean(child)
            if flag is not None:
                record.details[child.name] = flag
        case "potentialMeme":
            flag = reader.boolean(child)
            if flag and "potentialMeme" not in record.annotations:
                record.annotations.append("potentialMeme")
            elif flag is False:
                record.details["potentialMeme"] = False
        case "fileAnnotations":
            for name in reader.flags(child):
                if name not in record.annotations:
                    record.annotations.append(name)
        case "originalFileHash":
            _file_hash(reader, child, record)
        case "ipCaptureEvent":
            if record.ip_event is None:
                record.ip_event = reader.ip_event(child)
            else:
                reader.keep(
                    child,
                    "A file has one <ipCaptureEvent>; this one is kept verbatim with the tip.",
                )
        case "deviceId":
            identifier, sighting = reader.device(child)
            if identifier is not None:
                record.devices.append(identifier)
            if sighting:
                record.details.setdefault("deviceEvents", []).append(sighting)
        case "details":
            _metadata(reader, child, record)
        case "additionalInfo":
            text = reader.text(child)
            if text is not None:
                record.details.setdefault("additionalInfo", []).append(text)
        case _:  # unreachable while every vocabulary name has a case; kept rather than lost
            reader.unknown(child, "fileDetails")


def _file_hash(reader: XmlReader, child: XmlChild, record: FileRecordData) -> None:
    algorithm = (reader.attribute(child, "hashType") or "").lower()
    value = reader.text(child)
    if not algorithm or value is None:
        reader.keep(child, "A hash without a hashType or a value is kept verbatim, not read.")
        return
    if _HEX.fullmatch(value):
        value = value.lower()  # hex is case-free; other encodings (base64) are kept as given
    known = record.hashes.setdefault(algorithm, value)
    if known != value:
        reader.keep(
            child, f"A second, different {algorithm} hash {value!r} is kept verbatim, not read."
        )


def _metadata(reader: XmlReader, block: XmlChild, record: FileRecordData) -> None:
    """`details` (EXIF or HASH name/value pairs) into `exif` as (type, name, value)."""
    kind = reader.attribute(block, "type") or ""
    for pair in reader.fields(block, "details"):
        values: dict[str, str] = {}
        for child in reader.fields(pair, "nameValue"):
            values[child.name] = reader.text(child) or ""
        if not values.get("name"):
            reader.keep(pair, "A <nameValuePair> without a <name> is kept verbatim, not read.")
            continue
        record.exif.append((kind, values["name"], values.get("value", "")))
