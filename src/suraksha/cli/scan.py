"""`suraksha scan`: seized-media triage of a folder, archive or disk image; `suraksha scans`: its
groups and its links to tips."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from suraksha.cli.console import ExitCode, console, engine, errors, settings
from suraksha.errors import UserInputError
from suraksha.parallel import default_workers
from suraksha.storage.session import reading
from suraksha.triage.correlation import Correlation, correlate, scan_near_reported_in
from suraksha.triage.examination import Examination
from suraksha.triage.export import write_jsonl
from suraksha.triage.groups import Group, count_by_kind, groups_of
from suraksha.triage.scanner import ScanRequest, ScanResult, scan
from suraksha.triage.sources import SourceEntry


def register(app: typer.Typer) -> None:
    """Add the `scan` command to the application (the stored scans are `suraksha scans`)."""
    app.command("scan")(scan_command)


def scan_command(
    path: Path = typer.Argument(
        ..., help="The device's data: a folder, a zip/tar archive, or a raw (dd) or E01 image."
    ),
    case: str = typer.Option(..., "--case", help="Case reference (FIR or case number)."),
    device: str = typer.Option(..., "--device", help="Device label, as on the seizure memo."),
    json_file: Path | None = typer.Option(
        None, "--json", help="Also write one JSON object per file to this file."
    ),
    device_ids: list[str] | None = typer.Option(
        None,
        "--device-id",
        help='The device\'s own identifier as TYPE:VALUE (IMEI:…, "Serial Number:…"), read '
        "off the exhibit; repeat for several. Linked to tips naming the same device.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=0,
        max=256,
        help="Worker processes examining files; 0 examines in this process [default: one per core].",
    ),
) -> None:
    """Triage seized media: digest every file (MD5, SHA-1, SHA-256 in one read), tell its type
    by content, compute PDQ (and its rotations and flips) and EXIF for images and vPDQ (one frame
    a second) for videos, match everything against the hash banks, and class each file as
    known, near, ignorable, new-media or other. No picture or video is ever shown.

    Disk images are read through The Sleuth Kit, deleted files included; zip and tar archives
    are entered (three deep, bounded against bombs). The source image's digests are recorded
    before any file in it is read, with a custody entry for the device. An interrupted scan
    resumes where it stopped when the same command is run again. Exit code 2 says some files
    could not be fully examined (unreadable, damaged, or refused as decompression bombs); each
    is recorded with the reason.

    `--json FILE` writes per file: path, md5, sha1, sha256, type, class, matches (bank, kind,
    version, algorithm, distance, category, needs_confirmation; for videos the frames matched),
    reported_in (tip reports naming the file, by MD5, SHA-1, SHA-256 or PDQ with the distance,
    and their subjects), and pdq, quality, exif, vpdq (videos), error where present.
    The summary counts the groups (`suraksha scans groups`) and the links to tips (`suraksha
    scans reported`): files, `--device-id`s and camera serial numbers also reported in tips.

    Example: `suraksha scan /evidence/exhibit-3.E01 --case FIR-112/2026 --device "EX-3 laptop" --json exhibit-3.jsonl`
    """
    if json_file is not None and not json_file.parent.is_dir():
        raise UserInputError(
            f"Cannot write {json_file}: the folder {json_file.parent} does not exist. "
            "Create it or give another --json path."
        )
    request = ScanRequest(
        path=path, case_ref=case, device_label=device, device_ids=tuple(device_ids or ())
    )
    workers = default_workers() if workers is None else workers
    db = engine()
    scratch_root = settings().ensure_home() / "scratch"
    scratch_root.mkdir(exist_ok=True)
    # Archives and image copies go inside the workspace (evidence stays where it is governed),
    # and are removed as soon as their files are stored.
    with (
        tempfile.TemporaryDirectory(dir=scratch_root, prefix="scan-") as scratch,
        _progress() as bar,
    ):
        try:
            result = scan(
                db, request, scratch=Path(scratch), workers=workers, observer=_Display(bar)
            )
        except KeyboardInterrupt:
            errors.print(
                "[yellow]Scan interrupted.[/] What was stored is kept: run the same command "
                "again to resume it."
            )
            raise
    with reading(db) as session:
        near = scan_near_reported_in(session, result.scan_id)  # every tip PDQ read once
    if json_file is not None:
        with reading(db) as session, json_file.open("w", encoding="utf-8") as out:
            written = write_jsonl(session, result.scan_id, out, near=near)
        errors.print(f"{written:,} files written to {json_file}")
    with reading(db) as session:
        groups = groups_of(session, result.scan_id)
        links = correlate(session, result.scan_id, near=near)
    _print_result(result, request, groups, links)
    if result.errors:
        errors.print(
            f"[yellow]{result.errors:,} files could not be fully examined[/]; the reason is "
            "recorded with each (`error` in --json). Examine them by hand on an isolated machine."
        )
        raise typer.Exit(ExitCode.PARTIAL)


def _print_result(
    result: ScanResult, request: ScanRequest, groups: list[Group], links: Correlation
) -> None:
    title = f"Scan {result.scan_id}: case {request.case_ref}, device {request.device_label}"
    table = Table(title=title, show_header=False)
    for name, count in result.counts.items():
        table.add_row(name, f"{count:,}")
    table.add_section()
    table.add_row("files in the scan", f"{result.total:,}")
    table.add_row("examined in this run", f"{result.examined:,}")
    if result.resumed:
        table.add_row("already stored (resumed)", f"{result.skipped:,}")
    table.add_row("not fully examined", f"{result.errors:,}")
    if result.source_sha256:
        table.add_row(f"{result.source_kind} image SHA-256", result.source_sha256)
    table.add_section()
    for kind, count in count_by_kind(groups).items():
        table.add_row(f"groups by {kind}", f"{count:,}")
    table.add_section()
    table.add_row("files also reported in tips", f"{len(links.files):,}")
    table.add_row("device ids also reported in tips", f"{len(links.devices):,}")
    reports = links.report_ids
    if reports:
        shown = ", ".join(reports[:5]) + (
            f" and {len(reports) - 5:,} more" if len(reports) > 5 else ""
        )
        table.add_row("reports", shown)
        table.add_row("subjects of those reports", f"{len(links.subject_ids):,}")
    console.print(table)
    if reports:
        console.print(
            f"Details: `suraksha scans reported {result.scan_id}`; groups: "
            f"`suraksha scans groups {result.scan_id}`."
        )


class _FileRateColumn(ProgressColumn):
    """Files per second: with MB/s it tells whether small files or big ones set the pace."""

    def render(self, task: Task) -> Text:
        done, elapsed = task.fields.get("done", 0), task.elapsed
        if not elapsed or not done:
            return Text("", style="progress.data.speed")
        return Text(f"{done / elapsed:,.0f} files/s", style="progress.data.speed")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[files]}"),
        _FileRateColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=errors,
    )


class _Display:
    """Turns the scan's reports into two bars: the source digest, then the files (by bytes)."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._files: TaskID | None = None
        self._digest: TaskID | None = None
        self._total = 0
        self._done = 0

    def digesting(self, size: int | None) -> None:
        if size is not None:
            self._digest = self._bar.add_task("Digesting the source", total=size, files="", done=0)

    def digested(self, count: int) -> None:
        if self._digest is not None:
            self._bar.advance(self._digest, count)

    def planned(self, files: int, size: int) -> None:
        self._total += files
        if self._files is None:
            self._files = self._bar.add_task("Scanning files", total=size, files="", done=0)
        else:
            task = self._bar.tasks[self._files]
            self._bar.update(self._files, total=(task.total or 0) + size)
        self._show()

    def scanned(self, entry: SourceEntry, examination: Examination | None) -> None:
        self._done += 1
        size = examination.bytes_read if examination else entry.size or 0
        if self._files is not None:
            self._bar.advance(self._files, size)
        self._show()

    def _show(self) -> None:
        if self._files is not None:
            files = f"{self._done:,}/{self._total:,} files"
            self._bar.update(self._files, files=files, done=self._done)
