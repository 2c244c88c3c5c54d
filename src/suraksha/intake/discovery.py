"""Finding the input units under the paths an analyst gives to `suraksha ingest`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from suraksha.errors import UserInputError
from suraksha.intake.formats.interface import TipFormat


@dataclass(frozen=True, slots=True)
class InputUnit:
    """A file or folder that one format claims as one tip, or that no format claims (`fmt` None)."""

    path: Path
    fmt: TipFormat | None


def discover(paths: Iterable[Path], formats: Sequence[TipFormat]) -> Iterator[InputUnit]:
    """Yield every unit under `paths` in a stable (sorted) order.

    A folder claimed by a format (an ESP report folder) is one unit and is not entered. Files that no
    format claims are yielded with `fmt=None` so that the caller can report them: nothing given to
    ingest disappears without a word. Symbolic links are not followed (an evidence folder must not
    lead the reader outside itself).
    """
    for path in paths:
        if not path.exists():
            raise UserInputError(f"{path} does not exist. Give files or folders of tips to ingest.")
        yield from _walk(path, formats)


def _walk(path: Path, formats: Sequence[TipFormat]) -> Iterator[InputUnit]:
    claimed = next((fmt for fmt in formats if fmt.claims(path)), None)
    if claimed is not None:
        yield InputUnit(path, claimed)
    elif path.is_symlink():
        yield InputUnit(path, None)
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            yield from _walk(child, formats)
    else:
        yield InputUnit(path, None)
