"""Reading the mapped cells of each data row from CSV and XLSX sheets, with the workbook guards.

Used by the hand-off sheet format (`handoff_sheet`); kept apart so that the format module holds the
row-to-tip mapping and this one the bytes-to-rows reading. `read_rows` returns, for each non-empty
data row, its spreadsheet row number and its mapped cells `{field: [{"column": header, "value":
text}]}`.
Cells are data, never formulas: openpyxl reads cached values only (`data_only=True`, read-only), and
text starting with = + - @ (a phone "+91 …") is kept as written.

A workbook is inspected before openpyxl opens it; `HostileInputError` refuses a zip member that
inflates more than 100 times (past 1 MiB), more than 1 GiB inflated in all, a DTD in any XML member
(never legitimate in OOXML; the carrier of entity bombs), rows past Excel's last row, and more
non-empty data rows than `[limits] max_rows`.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Final

import openpyxl
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.handoff_mapping import MAPPING_FILE, HandoffMapping

# Zip-bomb guards. Real workbooks inflate 5–20 times (a 20,000-row sheet of repeated text: 13);
# only members past the floor are judged, since a small member cannot exhaust anything.
MAX_INFLATION_RATIO: Final = 100
RATIO_FLOOR_BYTES: Final = 1024 * 1024
MAX_INFLATED_BYTES: Final = 1024 * 1024 * 1024
MAX_MEMBERS: Final = 10_000
EXCEL_LAST_ROW: Final = 1_048_576  # a row number past this is not from a spreadsheet program
_XML_MEMBERS: Final = (".xml", ".rels", ".vml")
_DTD_MARKERS: Final = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP: Final = max(len(marker) for marker in _DTD_MARKERS)
_CHUNK: Final = 1024 * 1024
_MAX_LISTED_HEADERS: Final = 30

Cells = dict[str, list[dict[str, str]]]  # field → [{"column": header, "value": text}]


def read_rows(data: bytes, name: str, mapping: HandoffMapping) -> list[tuple[int, Cells]]:
    """(row number, mapped cells) of every non-empty data row of the sheet `name` (.csv/.xlsx).

    Raises `FormatError` naming what to fix (a header the mapping names is missing, the encoding
    is wrong, the worksheet does not exist) and `HostileInputError` for the guards above.
    """
    if name.lower().endswith(".csv"):
        return _csv_rows(data, name, mapping)
    return _xlsx_rows(data, name, mapping)


class _Layout:
    """Where each mapped field sits in one sheet, found from the sheet's header row."""

    def __init__(self, header: Sequence[object], sheet: str, mapping: HandoffMapping) -> None:
        texts = [_cell_text(value) or "" for value in header]
        positions: dict[str, list[int]] = {}
        for index, text in enumerate(texts):
            if text:
                positions.setdefault(_header_key(text), []).append(index)
        self.columns: list[tuple[str, str, int]] = []  # (field, header as written, index)
        for field, headers in mapping.columns.items():
            for wanted in headers:
                found = positions.get(_header_key(wanted), [])
                if not found:
                    listed = ", ".join(repr(text) for text in texts if text)
                    if len(listed) > 60 * _MAX_LISTED_HEADERS:
                        listed = listed[: 60 * _MAX_LISTED_HEADERS] + " …"
                    raise FormatError(
                        f"{sheet}: row {mapping.header_row} has no column headed {wanted!r} "
                        f"(mapped to {field}); its headers are: {listed or 'none'}. Correct "
                        f"[columns] {field} or header_row in {MAPPING_FILE}."
                    )
                if len(found) > 1:
                    raise FormatError(
                        f"{sheet}: {len(found)} columns are headed {wanted!r} (mapped to {field}); "
                        "rename all but one in the sheet so the mapping is unambiguous."
                    )
                self.columns.append((field, texts[found[0]], found[0]))
        self.width = max(index for _, _, index in self.columns) + 1

    def cells(self, values: Sequence[object]) -> Cells:
        """The row's non-empty mapped cells; an empty or missing cell is absent, never ""."""
        cells: Cells = {}
        for field, header, index in self.columns:
            text = _cell_text(values[index]) if index < len(values) else None
            if text is not None:
                cells.setdefault(field, []).append({"column": header, "value": text})
        return cells


def _header_key(text: str) -> str:
    # Headers are matched ignoring case and runs of spaces: "Email  ID " is "email id".
    return " ".join(text.split()).casefold()


def _cell_text(value: object) -> str | None:
    """A cell as text the way a spreadsheet shows it; None when empty or blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        # Report numbers, phones and pincodes typed as numbers come back as floats.
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    else:  # text, int, timedelta, and openpyxl's error values ("#N/A") as they read
        text = str(value)
    return text.strip() or None


def _check_count(rows: int, sheet: str, mapping: HandoffMapping) -> None:
    if rows > mapping.max_rows:
        raise HostileInputError(
            f"{sheet} was refused: it has more than {mapping.max_rows:,} data rows. Split it, or "
            f"raise [limits] max_rows in {MAPPING_FILE} if the sheet is genuine."
        )


def _check_row_number(number: int, sheet: str) -> None:
    if number > EXCEL_LAST_ROW:
        raise HostileInputError(
            f"{sheet} was refused: it has a row numbered past {EXCEL_LAST_ROW:,}, the last row a "
            "spreadsheet program can write."
        )


def _csv_rows(data: bytes, name: str, mapping: HandoffMapping) -> list[tuple[int, Cells]]:
    try:
        text = data.decode(mapping.encoding)
    except UnicodeDecodeError as err:
        raise FormatError(
            f"{name} is not {mapping.encoding} text ({err.reason} at byte {err.start}); set "
            f'encoding in {MAPPING_FILE} (Excel often saves "cp1252" or "utf-16").'
        ) from None
    except (LookupError, ValueError, TypeError) as err:
        raise FormatError(f"{name} cannot be decoded as {mapping.encoding}: {err}.") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter, strict=False)
    layout: _Layout | None = None
    rows: list[tuple[int, Cells]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number == mapping.header_row:
                layout = _Layout(record, name, mapping)
            elif layout is not None:
                cells = layout.cells(record)
                if cells:
                    rows.append((number, cells))
                    _check_count(len(rows), name, mapping)
    except csv.Error as err:
        raise FormatError(f"{name} is not readable CSV: {err}.") from None
    if layout is None:
        raise FormatError(
            f"{name} has no row {mapping.header_row} to take headers from; correct header_row "
            f"in {MAPPING_FILE}."
        )
    return rows


def check_workbook(data: bytes, name: str) -> None:
    """Refuse zip bombs and DTDs by the archive's directory and a scan, before openpyxl runs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise FormatError(f"{name} is not an .xlsx workbook (not a zip archive: {err}).") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise HostileInputError(f"{name} was refused: it packs {len(members):,} files.")
        for member in members:
            size, packed = member.file_size, member.compress_size
            if size > RATIO_FLOOR_BYTES and size > MAX_INFLATION_RATIO * packed:
                raise HostileInputError(
                    f"{name} was refused as a zip bomb: its part {member.filename} inflates "
                    f"{size:,} bytes from {packed:,}, more than {MAX_INFLATION_RATIO} times."
                )
        inflated = sum(member.file_size for member in members)
        if inflated > MAX_INFLATED_BYTES:
            raise HostileInputError(
                f"{name} was refused as a zip bomb: it inflates to {inflated:,} bytes."
            )
        for member in members:
            if member.filename.lower().endswith(_XML_MEMBERS) and _declares_dtd(archive, member):
                raise HostileInputError(
                    f"{name} was refused: its part {member.filename} declares a DTD or entities, "
                    "which a workbook never does; DTDs carry entity-expansion bombs."
                )


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-_OVERLAP:]
    except Exception as err:  # zipfile raises many types for a corrupt or encrypted member
        raise FormatError(f"{member.filename} cannot be unpacked: {err}.") from None
    return False


def _xlsx_rows(data: bytes, name: str, mapping: HandoffMapping) -> list[tuple[int, Cells]]:
    check_workbook(data, name)
    rows: list[tuple[int, Cells]] = []
    # openpyxl warns about workbook features it drops (data validation, styles); they do not
    # change cell values. catch_warnings is process-wide, so reading is not made concurrent here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:  # openpyxl raises KeyError, TypeError, ... on broken workbooks
            raise FormatError(f"{name} is not a readable .xlsx workbook: {err!r}.") from None
        try:
            worksheet = _worksheet(workbook, name, mapping)
            # Read-only mode stops at the row count the file declares; a wrong or forged
            # declaration would silently drop the rows below it, so every row is read instead.
            worksheet.reset_dimensions()
            header_row = mapping.header_row
            # types-openpyxl gives ReadOnlyWorksheet.iter_rows Worksheet's `self`; it is the same
            # method at run time.
            header = next(
                worksheet.iter_rows(  # type: ignore[misc]
                    min_row=header_row, max_row=header_row, values_only=True
                ),
                (),
            )
            layout = _Layout(header, name, mapping)
            data_rows = worksheet.iter_rows(  # type: ignore[misc]
                min_row=header_row + 1, max_col=layout.width, values_only=True
            )
            for number, values in enumerate(data_rows, start=header_row + 1):
                _check_row_number(number, name)
                cells = layout.cells(values)
                if cells:
                    rows.append((number, cells))
                    _check_count(len(rows), name, mapping)
        except FormatError:
            raise
        except Exception as err:  # hostile XML inside a valid zip reaches openpyxl's parser
            raise FormatError(f"{name} could not be read as a worksheet: {err!r}.") from None
        finally:
            workbook.close()
    return rows


def _worksheet(
    workbook: openpyxl.Workbook, name: str, mapping: HandoffMapping
) -> ReadOnlyWorksheet:
    names = workbook.sheetnames
    if mapping.sheet is None:
        if not names:
            raise FormatError(f"{name} has no worksheets.")
        chosen = workbook[names[0]]
    elif mapping.sheet in names:
        chosen = workbook[mapping.sheet]
    else:
        raise FormatError(
            f"{name} has no worksheet {mapping.sheet!r}; its worksheets are: "
            f"{', '.join(repr(sheet) for sheet in names)}. Correct sheet = in {MAPPING_FILE}."
        )
    if not isinstance(chosen, ReadOnlyWorksheet):
        raise FormatError(f"{name}: {chosen.title!r} is a chart sheet, not a worksheet of rows.")
    return chosen
