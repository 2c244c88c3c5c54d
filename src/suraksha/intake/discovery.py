"""Finding the input units under the paths an analyst gives to `suraksha ingest`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from suraksha.errors import FormatError, UserInputError
from suraksha.intake.archives import DEFAULT_LIMITS, ArchiveLimits, extract, is_archive, provenance
from suraksha.intake.formats.interface import TipFormat


@dataclass(frozen=True, slots=True)
class InputUnit:
    """A file or folder that one format claims as one unit, or that no format claims (`fmt` None).

    A unit that came out of an archive carries a `label` saying where it was inside it
    ("delivery.zip!/2026-11/123456789.json"); a unit that could not be opened at all (a corrupt
    archive, a refused archive member) carries the `error`, and the pipeline quarantines it.
    """

    path: Path
    fmt: TipFormat | None
    label: str | None = None
    error: str | None = None

    @property
    def origin(self) -> str:
        """Where the unit came from, as recorded with its tips or its quarantine record."""
        return self.label or str(self.path)


def discover(
    paths: Iterable[Path],
    formats: Sequence[TipFormat],
    *,
    scratch: Path | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> Iterator[InputUnit]:
    """Yield every unit under `paths` in a stable (sorted) order.

    A folder claimed by a format (an ESP report folder) is one unit and is not entered. Files that
    no format claims are yielded with `fmt=None` so that the caller can report them: nothing given
    to ingest disappears without a word. Symbolic links are not followed (an evidence folder must
    not lead the reader outside itself). With a `scratch` folder, zip and tar archives are unpacked
    there under `limits` (see `suraksha.intake.archives`) and their contents walked in turn; the
    caller removes the scratch folder when the units have been read.
    """
    numbers = count(1)
    for path in paths:
        if not path.exists():
            raise UserInputError(f"{path} does not exist. Give files or folders of tips to ingest.")
        yield from _walk(path, formats, scratch, limits, numbers, None)


def _walk(
    path: Path,
    formats: Sequence[TipFormat],
    scratch: Path | None,
    limits: ArchiveLimits,
    numbers: Iterator[int],
    label: Callable[[Path], str] | None,
) -> Iterator[InputUnit]:
    named = label(path) if label else None
    claimed = next((fmt for fmt in formats if fmt.claims(path)), None)
    if claimed is not None:
        yield InputUnit(path, claimed, named)
    elif path.is_symlink():
        yield InputUnit(path, None, named)
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            yield from _walk(child, formats, scratch, limits, numbers, label)
    elif scratch is not None and label is None and is_archive(path):
        yield from _unpack(path, formats, scratch / str(next(numbers)), limits, numbers)
    else:
        yield InputUnit(path, None, named)


def _unpack(
    archive: Path,
    formats: Sequence[TipFormat],
    scratch: Path,
    limits: ArchiveLimits,
    numbers: Iterator[int],
) -> Iterator[InputUnit]:
    try:
        extraction = extract(archive, scratch, limits)
    except FormatError as err:
        yield InputUnit(archive, None, error=str(err))
        return
    for member, reason in extraction.refused:
        yield InputUnit(archive, None, label=f"{archive}!/{member}", error=reason)

    def label(inner: Path) -> str:
        return f"{archive.parent / provenance(extraction, inner)}"

    # Nested archives were unpacked by `extract` itself (depth-limited): walk, do not re-open.
    for child in sorted(extraction.root.iterdir()):
        yield from _walk(child, formats, None, limits, numbers, label)
