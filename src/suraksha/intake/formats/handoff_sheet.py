"""NCRB state hand-off spreadsheets: one tip per data row of CSV/XLSX sheets, read by a mapping.

NCRB forwards CyberTipline reports to the states as spreadsheets with one PDF per report; no layout
is published (formats README §3), so the unit carries a declarative mapping (`handoff_mapping`,
reference in `docs/handoff-mapping.md`):

    <unit folder>/
     ├── suraksha-mapping.toml     which sheets, which header holds which field, dates, PDFs
     ├── tips.xlsx, more.csv ...   the sheets the mapping names
     └── pdfs/90412345.pdf         optional: one PDF per report, found by report number

`documents(unit)` yields one `TipDocument` per data row, located as "tips.xlsx row 12" (the row
number the spreadsheet shows, header included), with these parts:

    "tips.xlsx#row12"   canonical JSON (sorted keys) of the row's mapped cells and of the settings
                        that read them: {"cells": {field: [{"column": header, "value": text}]},
                        "dates": {"formats": [...], "timezone": "Asia/Kolkata"}, "source": "ncmec"}
                        and "pdf_missing": "pdfs/90412345.pdf" when [pdf] names a PDF not there
    "90412345.pdf"      the report's PDF when the folder has one: stored by digest, never parsed

Only a row's own mapped cells enter its bytes, so its digest changes when that row changes and
never because another row did; inserting or deleting rows renumbers the rows below (the part name
holds the row number). Sheets are read by `spreadsheets`, which also refuses hostile workbooks.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.handoff_mapping import (
    FIELDS,
    LIST_FIELDS,
    MAPPING_FILE,
    HandoffMapping,
    read_mapping,
)
from suraksha.intake.formats.interface import MAX_PART_BYTES, TipDocument, TipFormat, read_part
from suraksha.intake.formats.spreadsheets import Cells, read_rows
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

_ROW_PART: Final = re.compile(r"(?P<sheet>.+)#row(?P<number>[1-9][0-9]{0,9})")
_ROW_KEYS: Final = frozenset({"cells", "dates", "source", "pdf_missing"})
_SPLIT: Final = re.compile(r"[,;\n]+")  # several e-mails or phones in one cell
_HEX: Final = re.compile(r"[0-9A-Fa-f]+")
_PORT: Final = re.compile(r"[0-9]{1,5}")
_DEGREES: Final = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]+)?")
_CELL_KEYS: Final = frozenset({"column", "value"})


class HandoffSheetFormat(TipFormat):
    """An NCRB state hand-off: CSV/XLSX sheets plus a mapping file, one tip per data row.

    Produces, per row: source from the mapping (default "ncmec"), source_id = the report number
    (ASCII digits), one reported account (names, e-mails, phones, platform user id and screen name
    scoped by service, the address, the IP capture with port and zone-aware time, the geo-tag as
    `estimated_location`), the reported file's MD5/SHA-1, and in `details` the state, district and
    police station the state gave (for routing), remarks, the original date texts and the PDF's
    part name. A row without a report number of digits raises `FormatError` for that row alone;
    cells it cannot read (a date, a port, a hash) become warnings with the cell's path, like
    "tips.xlsx#row12/IP Time". A broken mapping or sheet is a `FormatError` for the whole unit.
    """

    name = "handoff_sheet"
    record_kind = "ncrb:handoff:row"
    description = "NCRB state hand-off: CSV/XLSX sheets read through suraksha-mapping.toml."

    def claims(self, path: Path) -> bool:
        """A folder holding `suraksha-mapping.toml`."""
        try:
            return path.is_dir() and (path / MAPPING_FILE).is_file()
        except (OSError, ValueError):
            return False

    def load(self, path: Path) -> TipDocument:
        """The unit's only row; a unit of several rows is read with `documents` instead."""
        documents = self.documents(path)
        first = next(documents, None)
        if first is None:
            raise FormatError(f"{path} has no data rows under the header row.")
        if next(documents, None) is not None:
            raise FormatError(
                f"{path} holds several tip rows; a hand-off sheet is read row by row "
                "(documents()), one tip per row."
            )
        return first

    def documents(self, path: Path) -> Iterator[TipDocument]:
        """One document per non-empty data row of every sheet the mapping names, in order.

        Every sheet is read and checked before the first document is yielded, so a broken second
        sheet fails the unit before any of its rows is stored.
        """
        mapping = read_mapping(path)
        rows: list[tuple[str, int, Cells]] = []
        for name in mapping.files:
            rows.extend((name, number, cells) for number, cells in _read_sheet(path, name, mapping))
        pdfs = _find_pdfs(path, mapping, rows)
        for sheet, number, cells in rows:
            report = cells.get("report_id", [{}])[0].get("value", "")
            pdf = pdfs.get(report)
            body: dict[str, object] = {"cells": cells, **mapping.row_settings}
            expected = mapping.pdf_path(report)
            if expected is not None and pdf is None:
                body["pdf_missing"] = expected
            parts = [(f"{sheet}#row{number}", _canonical(body))]
            if pdf is not None:
                parts.append(read_part(pdf, f"{report}.pdf"))
            yield TipDocument(origin=path, parts=tuple(parts), location=f"{sheet} row {number}")

    def parse(self, document: TipDocument) -> ParsedTip:
        """Map one row document into a `TipRecord`; see the class docstring."""
        rows = [(name, data) for name, data in document.parts if _ROW_PART.fullmatch(name)]
        pdfs = [(name, data) for name, data in document.parts if name.lower().endswith(".pdf")]
        if len(rows) != 1 or len(pdfs) > 1 or len(rows) + len(pdfs) != len(document.parts):
            names = ", ".join(name for name, _ in document.parts)
            raise FormatError(
                f"{document.origin}: a hand-off row is one 'sheet#rowN' part and at most one PDF, "
                f"not: {names}."
            )
        part, data = rows[0]
        match = _ROW_PART.fullmatch(part)
        assert match is not None  # filtered above
        row = _Row(part, f"{match['sheet']} row {match['number']}", data)
        tip = row.tip(self.name)
        if pdfs:
            pdf_name, pdf_data = pdfs[0]
            if pdf_name != f"{tip.source_id}.pdf":
                raise FormatError(
                    f"{row.label}: the PDF {pdf_name} is not report {tip.source_id}'s."
                )
            tip.details["pdf"] = pdf_name
            if not pdf_data.startswith(b"%PDF-"):
                row.warn(
                    pdf_name, "The report's PDF does not start with %PDF-; it is kept as given."
                )
        return ParsedTip(tip=tip, warnings=row.warnings)


def _inside(unit: Path, relative: str) -> Path:
    """`unit/relative`, refusing a symbolic link that leads out of the unit folder."""
    candidate = unit / relative
    try:
        escapes = not candidate.resolve().is_relative_to(unit.resolve())
    except (OSError, RuntimeError, ValueError) as err:  # RuntimeError: a symlink loop
        raise FormatError(f"Cannot read {candidate}: {err}.") from None
    if escapes:
        raise HostileInputError(
            f"{candidate} was refused: it is a link to a file outside {unit}, and an evidence "
            "folder must not lead the reader outside itself."
        )
    return candidate


def _read_sheet(unit: Path, name: str, mapping: HandoffMapping) -> list[tuple[int, Cells]]:
    path = _inside(unit, name)
    if not path.is_file():
        raise FormatError(
            f"{unit}: {MAPPING_FILE} names the sheet {name}, but there is no such file; correct "
            "files = [...] or add the sheet."
        )
    _, data = read_part(path, name)
    return read_rows(data, name, mapping)


def _find_pdfs(
    unit: Path, mapping: HandoffMapping, rows: Sequence[tuple[str, int, Cells]]
) -> dict[str, Path]:
    """Report number → its PDF, for the rows whose PDF exists; oversize PDFs fail the unit now."""
    if mapping.pdf_folder is None:
        return {}
    folder = _inside(unit, mapping.pdf_folder)
    try:
        # One listing of the folder instead of a look-up per row: sheets run to many rows.
        present = {entry.name for entry in os.scandir(folder)} if folder.is_dir() else set()
    except OSError as err:
        raise FormatError(f"Cannot read {folder}: {err.strerror or err}.") from None
    found: dict[str, Path] = {}
    for _, _, cells in rows:
        report = cells.get("report_id", [{}])[0].get("value", "")
        relative = mapping.pdf_path(report)
        if relative is None or report in found or PurePosixPath(relative).name not in present:
            continue
        path = _inside(unit, relative)
        try:
            if not path.is_file():
                continue
            size = path.stat().st_size
        except OSError as err:
            raise FormatError(f"Cannot read {path}: {err.strerror or err}.") from None
        if size > MAX_PART_BYTES:
            raise HostileInputError(
                f"{path} is {size:,} bytes; a report part may be at most {MAX_PART_BYTES:,} bytes."
            )
        found[report] = path
    return found


def _canonical(body: Mapping[str, object]) -> bytes:
    # Sorted keys and fixed separators: the same row always gives the same bytes and digest.
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


# -- parsing one row ---------------------------------------------------------------------------


class _Cell(NamedTuple):
    field: str
    column: str
    value: str
    path: str  # "tips.xlsx#row12/Email ID"


class _Row:
    """One decoded row document and the warnings raised while reading it; one per `parse`."""

    def __init__(self, part: str, label: str, data: bytes) -> None:
        self.part = part
        self.label = label
        self.warnings: list[IngestWarning] = []
        body = _decode(data, label)
        self.source = _string(body.get("source"), label, "source")
        dates = body.get("dates")
        if not isinstance(dates, dict) or set(dates) != {"formats", "timezone"}:
            raise FormatError(f"{label}: the row's date settings are damaged.")
        formats = dates["formats"]
        if not isinstance(formats, list) or not all(isinstance(item, str) for item in formats):
            raise FormatError(f"{label}: the row's date formats are damaged.")
        self.formats: list[str] = formats
        zone = _string(dates["timezone"], label, "time zone")
        try:
            self.zone = ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            raise FormatError(f"{label}: the row's time zone {zone!r} is unknown.") from None
        missing = body.get("pdf_missing")
        self.pdf_missing = None if missing is None else _string(missing, label, "pdf_missing")
        self.cells = self._cells(body.get("cells"))

    def _cells(self, value: object) -> dict[str, list[_Cell]]:
        if not isinstance(value, dict):
            raise FormatError(f"{self.label}: the row's cells are damaged.")
        cells: dict[str, list[_Cell]] = {}
        for field, entries in value.items():
            if field not in FIELDS or not isinstance(entries, list) or not entries:
                raise FormatError(f"{self.label}: the row's cells name an unknown field {field!r}.")
            if len(entries) > 1 and field not in LIST_FIELDS:
                raise FormatError(f"{self.label}: the row has several {field} cells.")
            for entry in entries:
                if not isinstance(entry, dict) or set(entry) != _CELL_KEYS:
                    raise FormatError(f"{self.label}: a {field} cell of the row is damaged.")
                column = _string(entry["column"], self.label, f"{field} column")
                text = _string(entry["value"], self.label, f"{field} value")
                cell = _Cell(field, column, text, f"{self.part}/{column}")
                cells.setdefault(field, []).append(cell)
        return cells

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(IngestWarning(path=path, message=message))

    def first(self, field: str) -> _Cell | None:
        return self.cells.get(field, [None])[0]

    def text(self, field: str) -> str | None:
        cell = self.first(field)
        return None if cell is None else cell.value

    def instant(self, cell: _Cell | None) -> datetime | None:
        """The cell as aware UTC: the mapping's formats, then ISO 8601; zoneless means local."""
        if cell is None:
            return None
        parsed: datetime | None = None
        for pattern in self.formats:
            try:
                parsed = datetime.strptime(cell.value, pattern)
                break
            except (ValueError, OverflowError, re.error):
                continue
        if parsed is None:
            try:
                parsed = datetime.fromisoformat(cell.value)
            except ValueError:
                formats = " or ".join(repr(pattern) for pattern in self.formats)
                self.warn(cell.path, f"{cell.value!r} matches neither {formats} nor ISO 8601.")
                return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            # Sheets from Indian agencies write local wall-clock time; the mapping names the zone.
            parsed = parsed.replace(tzinfo=self.zone)
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            self.warn(cell.path, f"{cell.value!r} is out of range.")
            return None

    def tip(self, format_name: str) -> TipRecord:
        report = self.first("report_id")
        if report is None:
            raise FormatError(
                f"{self.label} has no report number; fill in the report number column or delete "
                "the row."
            )
        if not (report.value.isascii() and report.value.isdigit()):
            raise FormatError(
                f"{self.label}: {report.value!r} in column {report.column!r} is not a CyberTipline "
                "report number (digits only); correct the cell."
            )
        tip = TipRecord(
            source=self.source,
            source_id=report.value,
            format_name=format_name,
            incident_type=self.text("incident_type"),
            reporting_platform=self.text("platform"),
            received_at=self.instant(self.first("received_at")),
            incident_at=self.instant(self.first("incident_at")),
        )
        for field in ("received_at", "incident_at"):
            if (text := self.text(field)) is not None:
                tip.details[f"{field}_text"] = text
        for field in ("state", "district", "police_station", "remarks"):
            if (text := self.text(field)) is not None:
                tip.details[field] = text
        if self.pdf_missing is not None:
            self.warn(
                self.part,
                f"No PDF for report {report.value}: {self.pdf_missing} is not in the unit; the "
                "tip is read from the sheet alone.",
            )
        account = self.account()
        if account is not None:
            tip.accounts.append(account)
        file = self.file()
        if file is not None:
            tip.files.append(file)
        return tip

    def account(self) -> AccountRecord | None:
        service = self.text("esp_service")
        account = AccountRecord(role=AccountRole.REPORTED, path=self.part, service=service)
        name = self.first("name")
        if name is not None:
            account.identifiers.append(IdentifierRecord(IdentifierKind.NAME, name.value, name.path))
        else:
            parts = [cell for cell in (self.first("first_name"), self.first("last_name")) if cell]
            if parts:
                joined = " ".join(cell.value for cell in parts)
                where = parts[0].path if len(parts) == 1 else self.part
                account.identifiers.append(IdentifierRecord(IdentifierKind.NAME, joined, where))
        for kind, field in ((IdentifierKind.EMAIL, "email"), (IdentifierKind.PHONE, "phone")):
            for cell in self.cells.get(field, []):
                values = [value.strip() for value in _SPLIT.split(cell.value) if value.strip()]
                for index, value in enumerate(values):
                    where = cell.path if len(values) == 1 else f"{cell.path}[{index}]"
                    account.identifiers.append(IdentifierRecord(kind, value, where))
        for kind, field in (
            (IdentifierKind.PLATFORM_USER_ID, "esp_user_id"),
            (IdentifierKind.SCREEN_NAME, "screen_name"),
        ):
            if (scoped := self.first(field)) is not None:
                account.identifiers.append(
                    IdentifierRecord(kind, scoped.value, scoped.path, service=service)
                )
        address = AddressRecord(
            path=self.part,
            street=self.text("address"),
            city=self.text("city"),
            state=self.text("state"),
            postal_code=self.text("pincode"),
        )
        if address != AddressRecord(path=self.part):
            account.addresses.append(address)
        if (ip := self.first("ip_address")) is not None:
            at_cell = self.first("ip_time")
            account.ip_events.append(
                IpEventRecord(
                    address=ip.value,
                    path=ip.path,
                    port=self.port(),
                    at=self.instant(at_cell),
                    at_text=None if at_cell is None else at_cell.value,
                )
            )
        account.estimated_location.update(self.geo_tag())
        empty = AccountRecord(role=AccountRole.REPORTED, path=self.part)
        return None if account == empty else account

    def port(self) -> int | None:
        cell = self.first("ip_port")
        if cell is None:
            return None
        if _PORT.fullmatch(cell.value) and int(cell.value) <= 65535:
            return int(cell.value)
        self.warn(cell.path, f"{cell.value!r} is not a port (0–65535); it was not read.")
        return None

    def geo_tag(self) -> dict[str, str]:
        latitude, longitude = self.first("latitude"), self.first("longitude")
        if latitude is None or longitude is None:
            return {}
        for cell, limit in ((latitude, 90), (longitude, 180)):
            if not _DEGREES.fullmatch(cell.value) or abs(float(cell.value)) > limit:
                self.warn(cell.path, f"{cell.value!r} is not a {cell.field} in degrees; not read.")
                return {}
        return {"latitude": latitude.value, "longitude": longitude.value}

    def file(self) -> FileRecordData | None:
        file_name = self.text("file_name")
        hashes: dict[str, str] = {}
        for algorithm, length in (("md5", 32), ("sha1", 40)):
            cell = self.first(algorithm)
            if cell is None:
                continue
            if len(cell.value) == length and _HEX.fullmatch(cell.value):
                hashes[algorithm] = cell.value.lower()
            else:
                self.warn(cell.path, f"{cell.value!r} is not an {algorithm.upper()}; not read.")
        if file_name is None and not hashes:
            return None
        file_id = file_name or hashes.get("md5") or hashes["sha1"]
        return FileRecordData(file_id=file_id, path=self.part, file_name=file_name, hashes=hashes)


def _decode(data: bytes, label: str) -> dict[str, object]:
    try:
        body = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise FormatError(f"{label}: the row is not UTF-8 ({err.reason}).") from None
    except RecursionError:
        raise FormatError(f"{label}: the row nests too deeply to be a row.") from None
    except ValueError as err:
        raise FormatError(f"{label}: the row is not valid JSON: {err}.") from None
    if not isinstance(body, dict) or not set(body) <= _ROW_KEYS:
        raise FormatError(f"{label}: the row document is damaged.")
    return body


def _string(value: object, label: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise FormatError(f"{label}: the row's {what} is damaged.")
    return value
