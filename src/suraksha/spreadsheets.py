"""Cells of files a spreadsheet will open (CSV exports): formula injection neutralised.

A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) would be evaluated
by Excel or LibreOffice when an officer opens the file, so it gets a leading quote and reads as
text (OWASP, "CSV Injection"). A `+971…` phone number therefore reads `'+971…`.
"""

from __future__ import annotations

from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """The cell, with a leading quote when it starts like a formula."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell
