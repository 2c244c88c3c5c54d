"""Tests of the hand-off mapping: what it accepts, and errors that say exactly what to fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suraksha.errors import FormatError
from suraksha.intake.formats import handoff_mapping
from suraksha.intake.formats.handoff_mapping import (
    FIELDS,
    HandoffMapping,
    parse_mapping,
    read_mapping,
)

DOCS = Path(__file__).parents[3] / "docs" / "handoff-mapping.md"
MINIMAL = 'files = ["tips.csv"]\n[columns]\nreport_id = "Ack No"\n'


def test_minimal_mapping_takes_the_defaults() -> None:
    assert parse_mapping(MINIMAL) == HandoffMapping(
        files=("tips.csv",),
        columns={"report_id": ("Ack No",)},
        row_settings={
            "source": "ncmec",
            "dates": {"formats": ["%d-%m-%Y %H:%M:%S"], "timezone": "Asia/Kolkata"},
        },
    )


def test_every_option() -> None:
    mapping = parse_mapping(
        'files = "tips.xlsx"\nsheet = "Forwarded"\nheader_row = 3\nencoding = "cp1252"\n'
        'delimiter = "\\t"\nsource = "ncrb"\n'
        '[columns]\nreport_id = "Ack No"\nemail = ["E1", "E2"]\nphone = "Mobile"\n'
        '[dates]\nformat = ["%d/%m/%Y", "%d-%m-%Y %H:%M"]\ntimezone = "UTC"\n'
        '[pdf]\nfolder = "reports/pdf"\npattern = "CT-{report_id}.pdf"\n'
        "[limits]\nmax_rows = 50\n"
    )

    assert mapping == HandoffMapping(
        files=("tips.xlsx",),
        columns={"report_id": ("Ack No",), "email": ("E1", "E2"), "phone": ("Mobile",)},
        sheet="Forwarded",
        header_row=3,
        encoding="cp1252",
        delimiter="\t",
        source="ncrb",
        date_formats=("%d/%m/%Y", "%d-%m-%Y %H:%M"),
        timezone="UTC",
        pdf_folder="reports/pdf",
        pdf_pattern="CT-{report_id}.pdf",
        max_rows=50,
        row_settings={
            "source": "ncrb",
            "dates": {"formats": ["%d/%m/%Y", "%d-%m-%Y %H:%M"], "timezone": "UTC"},
        },
    )
    assert mapping.pdf_path("90412345") == "reports/pdf/CT-90412345.pdf"
    # Only digits ever reach the file system: a hostile cell names no file.
    assert mapping.pdf_path("../../etc/passwd") is None
    assert mapping.pdf_path("٩٠٤") is None  # Arabic-Indic digits are digits, but not ASCII
    assert parse_mapping(MINIMAL).pdf_path("90412345") is None


ERRORS = [
    ("files = [", r"is not valid TOML"),
    ("sheets = 1\n" + MINIMAL, r"unknown key 'sheets' \(did you mean 'sheet'\?\)"),
    ('[columns]\nreport_id = "A"\n', r'files = \["tips.xlsx"\]'),
    ('files = []\n[columns]\nreport_id = "A"\n', r'files = \["tips.xlsx"\]'),
    ('files = ["../tips.csv"]\n[columns]\nreport_id = "A"\n', r"plain file name"),
    ('files = ["tips.xls"]\n[columns]\nreport_id = "A"\n', r"re-save as .xlsx"),
    ('files = ["a.csv", "a.csv"]\n[columns]\nreport_id = "A"\n', r"names 'a.csv' twice"),
    ('files = ["a.csv"]\n', r"add a \[columns\] table"),
    ('files = ["a.csv"]\n[columns]\nemail = "E"\n', r"add a \[columns\] table"),
    (MINIMAL + 'emial = "E"\n', r"unknown field 'emial' \(did you mean 'email'\?\)"),
    (MINIMAL + 'state = ["S1", "S2"]\n', r"\[columns\] state must be the header of one column"),
    (MINIMAL + 'email = ""\n', r"or a list of headers"),
    (MINIMAL + 'latitude = "Lat"\n', r"maps latitude but not longitude"),
    (MINIMAL + 'ip_port = "Port"\n', r"maps ip_port but not ip_address"),
    (MINIMAL.replace("files", "header_row = 0\nfiles"), r"header_row must be a whole number"),
    ('encoding = "klingon"\n' + MINIMAL, r"encoding 'klingon' is not a text encoding"),
    ('encoding = "hex"\n' + MINIMAL, r"encoding 'hex' is not a text encoding"),
    ('delimiter = ",,"\n' + MINIMAL, r"delimiter must be one character"),
    ('source = "NCMEC"\n' + MINIMAL, r"source = 'NCMEC' is not a source name"),
    (MINIMAL + '[dates]\nformat = "%Q"\n', r"format '%Q' is not a usable strptime format"),
    (MINIMAL + '[dates]\nformat = "%Y%Y"\n', r"format '%Y%Y' is not a usable strptime format"),
    (MINIMAL + '[dates]\ntimezone = "IST"\n', r"timezone 'IST' is not an IANA time zone"),
    (MINIMAL + '[dates]\ntimezone = "../etc"\n', r"is not an IANA time zone"),
    (MINIMAL + '[dates]\nzone = "UTC"\n', r"\[dates\] has an unknown key 'zone'"),
    (MINIMAL + '[pdf]\nfolder = "../pdfs"\n', r"must be a folder inside the mapping's folder"),
    (MINIMAL + '[pdf]\nfolder = "/tmp"\n', r"must be a folder inside the mapping's folder"),
    (MINIMAL + '[pdf]\npattern = "{report}.pdf"\n', r"\{report_id\} once"),
    (MINIMAL + '[pdf]\npattern = "x/{report_id}.pdf"\n', r"no other braces or slashes"),
    (MINIMAL + '[pdf]\npattern = "{report_id}.txt"\n', r"ending in .pdf"),
    (MINIMAL + "[limits]\nmax_rows = 0\n", r"max_rows must be a whole number from 1"),
    ("pdf = 3\n" + MINIMAL, r"pdf must be a table"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_mistakes_say_what_to_fix(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_mapping(text, "unit/suraksha-mapping.toml")


def test_read_mapping_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "suraksha-mapping.toml").write_bytes(b"\xff\xfe not utf-8")

    with pytest.raises(FormatError, match=r"suraksha-mapping.toml is not UTF-8"):
        read_mapping(tmp_path)
    with pytest.raises(FormatError, match=r"has no suraksha-mapping.toml; .* docs/handoff-mapping"):
        read_mapping(tmp_path / "missing")


# -- documentation guards ----------------------------------------------------------------------


def test_docs_describe_every_field() -> None:
    text = DOCS.read_text(encoding="utf-8")
    fields_table = text.split("## Fields", 1)[1]

    for name in FIELDS:
        assert f"`{name}`" in fields_table, name
    assert "docs/handoff-mapping.md" in (handoff_mapping.__doc__ or "")


def test_the_full_example_in_the_docs_is_a_valid_mapping_of_every_field() -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"## Full example\s+```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None

    mapping = parse_mapping(example.group(1), str(DOCS))

    assert set(mapping.columns) == set(FIELDS)
    assert mapping.pdf_folder == "pdfs"
    assert mapping.timezone == "Asia/Kolkata"
