"""Members written to disk: new folders and files only, each byte counted against the limits."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Final, Protocol

from suraksha.intake.archives.limits import (
    Progress,
    Refused,
    Run,
    Stopped,
    Unreadable,
    expands,
    total_reason,
)
from suraksha.intake.archives.magic import HEAD, READ_ERRORS
from suraksha.intake.archives.names import target_path

CHUNK: Final = 64 * 1024
_NOFOLLOW: Final[int] = getattr(os, "O_NOFOLLOW", 0)


def make_folder(dest: Path, relative: PurePosixPath) -> None:
    """Create the member folder at `relative` under `dest`; `Refused` where a file is in the way."""
    if not relative.parts:
        return
    try:
        target_path(dest, relative).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise Refused("a folder where another member is a file; the file was kept") from err


def _create(target: Path) -> int:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise Refused("part of its path is a file from another member; that file was kept") from err
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError as err:
        raise Refused("another member already holds this path; the first one was kept") from err
    except OSError as err:
        raise Refused(f"cannot be created here: {err.strerror or err}") from err


class _Source(Protocol):
    def read(self, size: int, /) -> bytes: ...


def write(
    run: Run,
    progress: Progress,
    target: Path,
    source: _Source,
    declared: int,
    compressed: Callable[[], int],
) -> bytes:
    """Stream one member to a new file, counting every byte; returns its first bytes.

    The header's size was checked before, but the bytes are counted again here: a zip bomb's
    header lies. On any refusal the partial file is removed and its bytes are given back.
    """
    limits = run.limits
    handle = _create(target)
    count = kept = 0
    head = b""
    try:
        with os.fdopen(handle, "wb") as out:
            while True:
                try:
                    chunk = source.read(CHUNK)
                except READ_ERRORS as err:
                    raise Unreadable(str(err) or type(err).__name__) from err
                if not chunk:
                    break
                count += len(chunk)
                if count > limits.max_member_bytes:
                    raise Refused(
                        f"grew past {limits.max_member_bytes:,} bytes while being read although "
                        f"its header declares {declared:,}: the header lies"
                    )
                if expands(count, compressed(), limits):
                    raise Refused(
                        f"expands more than {limits.max_ratio:g}× its compressed size while "
                        "being read: a decompression bomb"
                    )
                if run.written + len(chunk) > limits.max_total_bytes:
                    raise Stopped(total_reason(limits))
                if expands(progress.written + len(chunk), progress.size, limits):
                    raise Stopped(
                        f"the archive expands more than {limits.max_ratio:g}× its size on disk "
                        "(a decompression bomb); it and everything after it were not extracted"
                    )
                out.write(chunk)
                kept += len(chunk)
                run.written += len(chunk)
                progress.written += len(chunk)
                if len(head) < HEAD:
                    head += chunk[: HEAD - len(head)]
    except BaseException:
        target.unlink(missing_ok=True)
        run.written -= kept
        progress.written -= kept
        raise
    run.extraction.files.append(target)
    return head
