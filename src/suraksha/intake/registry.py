"""The tip formats Suraksha reads, listed explicitly in one tuple."""

from __future__ import annotations

from pathlib import Path

from suraksha.errors import UserInputError
from suraksha.intake.formats.cybertip_json import CybertipJsonFormat
from suraksha.intake.formats.handoff_sheet import HandoffSheetFormat
from suraksha.intake.formats.interface import TipFormat
from suraksha.intake.formats.ncmec_xml import NcmecXmlFormat

# Written out by hand, never filled by import side effects: what Suraksha can read is visible
# here, and `tests/intake/test_registry.py` fails when a module in `formats/` is missing from it.
# Order matters for `detect`: the first format that claims a path wins.
FORMATS: tuple[TipFormat, ...] = (
    NcmecXmlFormat(),
    CybertipJsonFormat(),
    HandoffSheetFormat(),
)


def format_named(name: str) -> TipFormat:
    """The format registered as `name` (the `--format` value); `UserInputError` lists valid names."""
    for tip_format in FORMATS:
        if tip_format.name == name:
            return tip_format
    valid = ", ".join(tip_format.name for tip_format in FORMATS)
    raise UserInputError(f"Unknown tip format {name!r}; choose one of: {valid}.")


def detect(path: Path) -> TipFormat | None:
    """The first format that claims `path` as one input unit, or None when none does.

    Never raises: `claims` is cheap and swallows its own I/O errors, so a walk over a folder of
    mixed input can call this on every entry.
    """
    for tip_format in FORMATS:
        if tip_format.claims(path):
            return tip_format
    return None
