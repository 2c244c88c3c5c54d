"""What an extraction wrote and refused, and where each extracted file came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Extraction:
    """What `extract` unpacked and what it refused, with where each came from.

    `root` holds the tree under the members' own names; a nested archive that was opened became
    a folder of its name, listed (relative to `root`, "/"-separated) in `nested`. `files` are the
    regular files written, in archive order. `refused` pairs a member's path in the provenance
    form (without the delivery's name; control characters escaped) with why it was not extracted.
    A nested archive refused for depth or damage stays in `files` as a file, unopened.
    """

    root: Path
    archive: Path
    refused: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    nested: set[str] = field(default_factory=set)


def provenance(extraction: Extraction, extracted_path: Path) -> str:
    """Where `extracted_path` (under `extraction.root`) came from, in archive-path form.

    "delivery.zip!/2026-11/123456789/report.xml"; each "!" closes an archive, so a file from a
    nested one reads "delivery.zip!/batch.tar!/123456789/report.xml". Raises `ValueError` for a
    path outside the extraction.
    """
    inside = inside_path(extraction, extracted_path)
    return f"{extraction.archive.name}!/{inside}" if inside else f"{extraction.archive.name}!"


def inside_path(extraction: Extraction, path: Path) -> str:
    """`path` relative to `extraction.root`, with a "!" after each opened nested archive."""
    try:
        relative = path.absolute().relative_to(extraction.root.absolute())
    except ValueError:
        raise ValueError(f"{path} is not under the extraction folder {extraction.root}.") from None
    walked: list[str] = []
    shown: list[str] = []
    for part in relative.parts:
        walked.append(part)
        shown.append(f"{part}!" if "/".join(walked) in extraction.nested else part)
    return "/".join(shown)
