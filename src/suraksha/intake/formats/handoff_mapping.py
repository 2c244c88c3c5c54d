"""The declarative column mapping (`suraksha-mapping.toml`) that says how to read a hand-off sheet.

NCRB forwards CyberTipline reports to the states as spreadsheets whose layout is not published and
differs from state to state, so the layout is never guessed: the unit carries a mapping file that
names the sheets and, for each Suraksha field, the header of the column that holds it. Every key is
checked; a mistake is a `FormatError` that names the key and says how to fix it. The full reference
with an example is `docs/handoff-mapping.md`.

    files = ["tips.xlsx"]             sheets in the unit folder (.csv or .xlsx), read in this order
    sheet = "Sheet1"                  xlsx worksheet (default: the first one)
    header_row = 1                    the row holding the column headers (rows above are skipped)
    encoding = "utf-8-sig"            csv text encoding      delimiter = ","   csv field separator
    source = "ncmec"                  the tip source of every row (NCRB sheets carry CyberTipline
                                      numbers)

    [columns]                         Suraksha field = "header" (email and phone: one or a list)
    report_id = "Acknowledgement No"  required; every other field is optional

    [dates]                           how date cells are written (day first, local time in India)
    format = "%d-%m-%Y %H:%M:%S"      one strptime format or a list; ISO 8601 is always accepted
    timezone = "Asia/Kolkata"         zone of times that carry none; stored as aware UTC

    [pdf]                             the one-PDF-per-report folder (optional)
    folder = "pdfs"                   relative to the unit folder
    pattern = "{report_id}.pdf"       file name of a report's PDF

    [limits]
    max_rows = 1000000                a sheet with more data rows is refused as hostile
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Final
from zoneinfo import ZoneInfo

from suraksha.errors import FormatError
from suraksha.intake.formats.interface import read_part

MAPPING_FILE: Final = "suraksha-mapping.toml"
SHEET_SUFFIXES: Final = (".csv", ".xlsx")
DEFAULT_DATE_FORMAT: Final = "%d-%m-%Y %H:%M:%S"
DEFAULT_TIMEZONE: Final = "Asia/Kolkata"
DEFAULT_MAX_ROWS: Final = 1_000_000
REPORT_ID_PLACEHOLDER: Final = "{report_id}"

# Suraksha field → what it holds. The docs list every one of these (a test checks it), so adding
# a field here without documenting it fails the suite.
FIELDS: Final[Mapping[str, str]] = {
    "report_id": "CyberTipline report number, digits only (required)",
    "received_at": "when NCMEC received the report",
    "incident_at": "when the incident happened",
    "incident_type": "incident type as written in the sheet",
    "platform": "the reporting platform (ESP)",
    "state": "state the tip was forwarded to (routing; also the address state)",
    "district": "district the tip was forwarded to (routing)",
    "police_station": "police station named by the state (routing)",
    "pincode": "postal code of the address",
    "city": "city of the address",
    "address": "street address",
    "name": "full name of the reported person",
    "first_name": "first name (joined with last_name when `name` is empty)",
    "last_name": "last name",
    "email": "e-mail address(es): one column or a list; a cell may hold several, split on , ;",
    "phone": "phone number(s): one column or a list; a cell may hold several, split on , ;",
    "esp_user_id": "the platform's user id (scoped by esp_service)",
    "esp_service": "the platform service that scopes user ids and screen names",
    "screen_name": "screen name on the platform",
    "ip_address": "IP address of the capture",
    "ip_port": "source port of the capture (needed under carrier-grade NAT)",
    "ip_time": "date and time of the capture",
    "file_name": "name of the reported file",
    "md5": "MD5 of the reported file",
    "sha1": "SHA-1 of the reported file",
    "latitude": "geo-tag latitude (with longitude)",
    "longitude": "geo-tag longitude (with latitude)",
    "remarks": "free-text remarks",
}
LIST_FIELDS: Final = frozenset({"email", "phone"})
# Fields that mean nothing without another one: (field, needs one of).
_NEEDS: Final = (
    ("ip_port", ("ip_address",)),
    ("ip_time", ("ip_address",)),
    ("latitude", ("longitude",)),
    ("longitude", ("latitude",)),
)
_TOP_KEYS: Final = frozenset(
    {"files", "sheet", "header_row", "encoding", "delimiter", "source", "columns"}
    | {"dates", "pdf", "limits"}
)
_SOURCE: Final = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# A fixed instant to check that a date format can read what it writes (catches bad directives).
_PROBE: Final = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class HandoffMapping:
    """A validated mapping: which sheets to read and which header holds each Suraksha field.

    Built only by `parse_mapping`/`read_mapping`, so every instance is known to be usable:
    `report_id` is mapped, file names stay inside the unit, the time zone exists and each date
    format reads back what it writes.
    """

    files: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]  # field → headers (several only for LIST_FIELDS)
    sheet: str | None = None
    header_row: int = 1
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    source: str = "ncmec"
    date_formats: tuple[str, ...] = (DEFAULT_DATE_FORMAT,)
    timezone: str = DEFAULT_TIMEZONE
    pdf_folder: str | None = None
    pdf_pattern: str = "{report_id}.pdf"
    max_rows: int = DEFAULT_MAX_ROWS
    # The settings that decide how a row's cells become a tip; each row document carries them, so
    # its digest changes when they do and `parse` needs nothing but the document.
    row_settings: Mapping[str, object] = field(default_factory=dict)

    def pdf_path(self, report_id: str) -> str | None:
        """The PDF of `report_id` relative to the unit, or None when the mapping has no [pdf].

        Only a report number of ASCII digits is ever put into the pattern, so a hostile cell
        cannot name a file outside the PDF folder.
        """
        if self.pdf_folder is None or not report_id.isascii() or not report_id.isdigit():
            return None
        name = self.pdf_pattern.replace(REPORT_ID_PLACEHOLDER, report_id)
        return str(PurePosixPath(self.pdf_folder) / name)


def read_mapping(unit: Path) -> HandoffMapping:
    """Read and validate `unit/suraksha-mapping.toml`; `FormatError` says what to fix."""
    path = unit / MAPPING_FILE
    if not path.is_file():
        raise FormatError(
            f"{unit} has no {MAPPING_FILE}; a hand-off sheet folder needs one to say which column "
            "holds what (see docs/handoff-mapping.md)."
        )
    _, data = read_part(path, MAPPING_FILE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FormatError(f"{path} is not UTF-8 text ({err.reason} at byte {err.start}).") from None
    return parse_mapping(text, str(path))


def parse_mapping(text: str, where: str = MAPPING_FILE) -> HandoffMapping:
    """Validate the TOML text of a mapping; `where` names the file in error messages."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise FormatError(f"{where} is not valid TOML: {err}.") from None
    _known_keys(table, _TOP_KEYS, where, "")
    files = _files(table.get("files"), where)
    columns = _columns(table.get("columns"), where)
    dates = _table(table.get("dates"), where, "dates", frozenset({"format", "timezone"}))
    pdf = _table(table.get("pdf"), where, "pdf", frozenset({"folder", "pattern"}))
    limits = _table(table.get("limits"), where, "limits", frozenset({"max_rows"}))
    source = _text(table.get("source", "ncmec"), where, "source")
    if not _SOURCE.fullmatch(source):
        raise FormatError(
            f"{where}: source = {source!r} is not a source name; use lower-case letters, digits, "
            '"-" or "_" (the default, "ncmec", is right for CyberTipline numbers).'
        )
    date_formats = _date_formats(dates.get("format", DEFAULT_DATE_FORMAT), where)
    timezone = _timezone(dates.get("timezone", DEFAULT_TIMEZONE), where)
    pdf_folder = None
    if "folder" in pdf:
        pdf_folder = _relative_path(_text(pdf["folder"], where, "[pdf] folder"), where, "folder")
    return HandoffMapping(
        files=files,
        columns=columns,
        sheet=_text(table["sheet"], where, "sheet") if "sheet" in table else None,
        header_row=_integer(table.get("header_row", 1), where, "header_row", 1, 10_000),
        encoding=_encoding(table.get("encoding", "utf-8-sig"), where),
        delimiter=_delimiter(table.get("delimiter", ","), where),
        source=source,
        date_formats=date_formats,
        timezone=timezone,
        pdf_folder=pdf_folder,
        pdf_pattern=_pattern(pdf.get("pattern", "{report_id}.pdf"), where),
        max_rows=_integer(
            limits.get("max_rows", DEFAULT_MAX_ROWS), where, "[limits] max_rows", 1, 100_000_000
        ),
        row_settings={
            "source": source,
            "dates": {"formats": list(date_formats), "timezone": timezone},
        },
    )


def _known_keys(table: Mapping[str, object], known: frozenset[str], where: str, name: str) -> None:
    for key in table:
        if key not in known:
            section = f"[{name}] " if name else ""
            raise FormatError(
                f"{where}: {section}has an unknown key {key!r}{_did_you_mean(key, known)}; "
                f"the keys it may have are: {', '.join(sorted(known))}."
            )


def _did_you_mean(key: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _table(value: object, where: str, name: str, known: frozenset[str]) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FormatError(f"{where}: {name} must be a table, written [{name}] on its own line.")
    _known_keys(value, known, where, name)
    return value


def _text(value: object, where: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FormatError(f'{where}: {name} must be non-empty text in quotes, like {name} = "…".')
    return value


def _integer(value: object, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FormatError(f"{where}: {name} must be a whole number from {low} to {high:,}.")
    return value


def _files(value: object, where: str) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise FormatError(
            f'{where}: name the sheets to read, for example files = ["tips.xlsx"] '
            "(.csv or .xlsx files in the same folder as the mapping)."
        )
    checked: list[str] = []
    for entry in names:
        name = _text(entry, where, "each entry of files")
        if "/" in name or "\\" in name or name in {".", ".."} or "\x00" in name:
            raise FormatError(
                f"{where}: files entry {name!r} must be a plain file name in the mapping's folder, "
                "not a path."
            )
        if not name.lower().endswith(SHEET_SUFFIXES):
            raise FormatError(
                f"{where}: files entry {name!r} is neither .csv nor .xlsx; save the sheet as one "
                "of those (old .xls workbooks: re-save as .xlsx)."
            )
        if name in checked:
            raise FormatError(f"{where}: files names {name!r} twice; list each sheet once.")
        checked.append(name)
    return tuple(checked)


def _columns(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or "report_id" not in value:
        raise FormatError(
            f"{where}: add a [columns] table that names at least the report number column, "
            'for example report_id = "Acknowledgement No".'
        )
    columns: dict[str, tuple[str, ...]] = {}
    for name, headers in value.items():
        if name not in FIELDS:
            raise FormatError(
                f"{where}: [columns] names an unknown field {name!r}"
                f"{_did_you_mean(name, frozenset(FIELDS))}; the fields are: "
                f"{', '.join(FIELDS)}."
            )
        if isinstance(headers, list) and name in LIST_FIELDS and headers:
            columns[name] = tuple(_text(header, where, f"[columns] {name}") for header in headers)
        elif isinstance(headers, str) and headers.strip():
            columns[name] = (headers,)
        else:
            many = " or a list of headers" if name in LIST_FIELDS else ""
            raise FormatError(
                f'{where}: [columns] {name} must be the header of one column ({name} = "…"){many}.'
            )
    for name, needs in _NEEDS:
        if name in columns and not any(other in columns for other in needs):
            raise FormatError(
                f"{where}: [columns] maps {name} but not {' or '.join(needs)}; map both or neither."
            )
    return columns


def _encoding(value: object, where: str) -> str:
    name = _text(value, where, "encoding")
    try:
        # Decoding one byte also refuses codecs that are not text encodings ("hex", "zlib");
        # that the byte itself is invalid in some encoding (utf-16) says nothing against it.
        b"a".decode(name)
    except LookupError:
        raise FormatError(
            f"{where}: encoding {name!r} is not a text encoding Python knows; try "
            '"utf-8-sig", "utf-16" or "cp1252".'
        ) from None
    except ValueError:  # UnicodeDecodeError
        pass
    return name


def _delimiter(value: object, where: str) -> str:
    if not isinstance(value, str) or len(value) != 1 or value in '\r\n"':
        raise FormatError(
            f'{where}: delimiter must be one character such as "," ";" or "\\t" (tab).'
        )
    return value


def _date_formats(value: object, where: str) -> tuple[str, ...]:
    formats = [value] if isinstance(value, str) else value
    if not isinstance(formats, list) or not formats:
        raise FormatError(
            f'{where}: [dates] format must be a strptime format such as "{DEFAULT_DATE_FORMAT}", '
            "or a list of them."
        )
    for entry in formats:
        text = _text(entry, where, "[dates] format")
        try:
            datetime.strptime(_PROBE.strftime(text), text)
        except (ValueError, re.error) as err:
            raise FormatError(
                f"{where}: [dates] format {text!r} is not a usable strptime format ({err}); "
                f'write it like "{DEFAULT_DATE_FORMAT}".'
            ) from None
    return tuple(formats)


def _timezone(value: object, where: str) -> str:
    name = _text(value, where, "[dates] timezone")
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise FormatError(
            f'{where}: [dates] timezone {name!r} is not an IANA time zone; use "Asia/Kolkata" '
            "for Indian local time."
        ) from None
    return name


def _relative_path(value: str, where: str, name: str) -> str:
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if not parts or value.startswith(("/", "\\")) or ".." in parts or "\x00" in value:
        raise FormatError(
            f"{where}: [pdf] {name} {value!r} must be a folder inside the mapping's folder, "
            'like folder = "pdfs".'
        )
    return str(PurePosixPath(*parts))


def _pattern(value: object, where: str) -> str:
    pattern = _text(value, where, "[pdf] pattern")
    rest = pattern.replace(REPORT_ID_PLACEHOLDER, "")
    if (
        pattern.count(REPORT_ID_PLACEHOLDER) != 1
        or any(char in rest for char in "{}/\\\x00")
        or not pattern.lower().endswith(".pdf")
    ):
        raise FormatError(
            f"{where}: [pdf] pattern {pattern!r} must be a file name ending in .pdf with "
            '{report_id} once and no other braces or slashes, like pattern = "{report_id}.pdf".'
        )
    return pattern
