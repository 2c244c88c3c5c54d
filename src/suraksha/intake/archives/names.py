"""Member names checked before use: traversal, drive letters and disguising characters refused."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Final

from suraksha.intake.archives.limits import Refused

_DRIVE = re.compile(r"[A-Za-z]:")
# Right-to-left overrides and friends turn "report\u202egpj.exe" into "reportexe.jpg" on screen.
_BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _unsafe(char: str) -> bool:
    """Control characters, line breaks, and the bidi controls that disguise a name.

    Zero-width joiners and non-breaking spaces are kept: Malayalam and Devanagari names use them.
    """
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def shown(name: str) -> str:
    """A member name safe to print: unsafe characters escaped ("\\u202e"), the rest kept."""
    return "".join(ascii(char)[1:-1] if _unsafe(char) else char for char in name)


def relative_path(name: str) -> PurePosixPath:
    """The member's path relative to the folder it is extracted into; `Refused` if unsafe."""
    if any(_unsafe(char) for char in name):
        raise Refused("its name holds control or text-direction characters; refused as unsafe")
    unified = name.replace("\\", "/")  # zips made on Windows may use backslashes
    if unified.startswith("/"):
        raise Refused("an absolute path; members must stay inside the extraction folder")
    if _DRIVE.match(unified):
        raise Refused("a Windows drive path; members must stay inside the extraction folder")
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise Refused("climbs out of the extraction folder with '..' (path traversal)")
    return PurePosixPath(*parts)


def target_path(dest: Path, relative: PurePosixPath) -> Path:
    """Where the member at `relative` goes under `dest`; `Refused` if that is outside it."""
    target = dest.joinpath(*relative.parts)
    # Names were checked and no link is ever created, so this holds; it is checked anyway because
    # a write outside scratch is the one mistake this package must never make.
    if not target.resolve().is_relative_to(dest.resolve()):
        raise Refused("resolves outside the extraction folder")
    return target
