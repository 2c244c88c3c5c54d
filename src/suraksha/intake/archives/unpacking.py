"""Unpacking a delivery: the archive checks, and nested archives opened after their parent."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from suraksha.errors import FormatError, UserInputError
from suraksha.intake.archives.extraction import Extraction, inside_path
from suraksha.intake.archives.limits import DEFAULT_LIMITS, ArchiveLimits, Progress, Run
from suraksha.intake.archives.magic import Kind, magic, magic_of, tar_inside
from suraksha.intake.archives.tars import extract_tar
from suraksha.intake.archives.zips import extract_zip


def is_archive(path: Path) -> bool:
    """True when `path` is a zip or tar archive (plain, gzip, bzip2 or xz), judged by its bytes.

    Extensions are not trusted because renamed archives are common ("export.dat"). A compressed
    file counts when a tar header is inside it, so a lone `report.json.gz` is not taken for an
    archive, or when its start cannot be decompressed, so that `extract` reports a damaged
    archive instead of it passing for some other file. Reads at most a few KiB (about 1 MiB for
    bzip2, whose first block must be whole) and never raises.
    """
    try:
        kind = magic(path)
        return kind is not None and (kind in ("zip", "tar") or tar_inside(path, kind) is not False)
    except OSError:
        return False


def extract(path: Path, scratch: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> Extraction:
    """Unpack the archive at `path` into a new folder `scratch/<its name>`, safely and bounded.

    Returns what was written and what was refused (see the package docstring for the rules).
    Raises `FormatError` when `path` is not an archive or its structure cannot be read, and
    `HostileInputError` when a zip declares more members than `limits` allow; in both cases
    nothing is left in `scratch`. Raises `UserInputError` when the target folder exists already.
    An `OSError` from scratch itself (a full disk) propagates: it is not the archive's fault.
    """
    try:
        kind = magic(path) if path.is_file() else None
    except OSError as err:
        raise FormatError(f"Cannot read {path}: {err.strerror or err}.") from err
    if kind is None:
        raise FormatError(f"{path} is not a zip or tar archive (judged by its first bytes).")
    if kind not in ("zip", "tar") and tar_inside(path, kind) is False:
        raise FormatError(
            f"{path} is {kind}-compressed but holds no tar archive; only compressed tar "
            "archives are unpacked."
        )
    scratch.mkdir(parents=True, exist_ok=True)
    root = scratch / path.name
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        raise UserInputError(
            f"{root} exists already; give an empty scratch folder to unpack {path.name} into."
        ) from None
    extraction = Extraction(root=root, archive=path)
    run = Run(limits=limits, extraction=extraction)
    try:
        _open(run, path, kind, root, name=path.name, prefix="", depth=1)
    except FormatError:
        shutil.rmtree(root)  # only folders and regular files are ever created: no link to follow
        raise
    return extraction


def _open(
    run: Run, source: Path, kind: Kind, dest: Path, name: str, prefix: str, depth: int
) -> None:
    """Extract one archive into `dest`, then open the archives found among its files."""
    progress = Progress(size=source.stat().st_size)
    if kind == "zip":
        written = extract_zip(run, progress, source, dest, name, prefix)
    else:
        written = extract_tar(run, progress, source, kind, dest, name, prefix)
    # Nested archives are opened only once their parent is done, so no later member of the parent
    # can add a file to the folder that a nested archive's contents are attributed to.
    for path, head in written:
        nested = magic_of(head)
        if nested is not None and (
            nested in ("zip", "tar") or tar_inside(path, nested) is not False
        ):
            _enter(run, path, nested, depth)


def _enter(run: Run, path: Path, kind: Kind, depth: int) -> None:
    """Replace the extracted archive file `path` by a folder holding its contents."""
    extraction, limits = run.extraction, run.limits
    label = inside_path(extraction, path)
    if run.stopped:
        run.refuse(label, "an archive, kept unopened as a file: extraction had stopped")
        return
    if depth >= limits.max_depth:
        run.refuse(
            label,
            f"an archive nested {depth + 1} deep; at most {limits.max_depth} are opened, so it "
            "was kept unopened as a file",
        )
        return
    handle, held_name = tempfile.mkstemp(prefix=".nested-", dir=extraction.root.parent)
    os.close(handle)
    held = Path(held_name)
    os.replace(path, held)
    path.mkdir(mode=0o700)
    mark = (len(extraction.refused), len(extraction.files), run.members, run.written)
    relative = path.relative_to(extraction.root).as_posix()
    extraction.nested.add(relative)  # before opening, so deeper labels show its "!"
    try:
        _open(run, held, kind, path, name=label, prefix=f"{label}!/", depth=depth + 1)
    except FormatError as err:
        shutil.rmtree(path)
        os.replace(held, path)
        del extraction.refused[mark[0] :]
        del extraction.files[mark[1] :]
        run.members, run.written = mark[2], mark[3]
        extraction.nested = {
            folder
            for folder in extraction.nested
            if folder != relative and not folder.startswith(f"{relative}/")
        }
        run.refuse(label, f"an archive that could not be opened, kept as a file: {err}")
        return
    held.unlink()
    extraction.files.remove(path)
