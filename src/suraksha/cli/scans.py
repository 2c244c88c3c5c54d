"""`suraksha scans`: the stored scans, their reports (HTML, PDF) and draft BSA s.63 certificates."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from suraksha.cli.console import console, engine, errors
from suraksha.errors import UserInputError
from suraksha.storage.session import reading, transaction
from suraksha.triage.audit import check_purpose, current_user
from suraksha.triage.certificate import write_certificate
from suraksha.triage.correlation import correlate
from suraksha.triage.groups import GroupKind, groups_of
from suraksha.triage.report import add_previews, build_report, list_scans, write_report
from suraksha.triage.scanner import stored_scan

scans_app = typer.Typer(
    help="Stored scans of seized media: list them, their groups and links to tips, reports and "
    "draft certificates.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    """How `scans` commands print: a table for people, JSON lines for scripts."""

    TABLE = "table"
    JSONL = "jsonl"


def register(app: typer.Typer) -> None:
    """Add the `scans` command group to the application."""
    app.add_typer(scans_app, name="scans")


@scans_app.command("list")
def list_command(
    case: str | None = typer.Option(None, "--case", help="Only the scans of this case."),
) -> None:
    """List the scans in the workspace, newest first, with their ids (for `scans report` and
    `scans certificate`), status and number of files.

    Example: `suraksha scans list --case FIR-112/2026`
    """
    with reading(engine()) as session:
        scans = list_scans(session, case)
    if not scans:
        where = f" of case {case}" if case else ""
        errors.print(f"No scans{where} yet. Run `suraksha scan PATH --case REF --device LABEL`.")
        return
    table = Table(title="Scans")
    for column in ("id", "case", "device", "source", "status", "started", "files"):
        table.add_column(column, justify="right" if column in ("id", "files") else "left")
    for item in scans:
        table.add_row(
            str(item.scan_id),
            item.case_ref,
            item.device_label,
            f"{item.source_kind}: {item.source_path}",
            item.status,
            item.started.ist,
            f"{item.files:,}",
        )
    console.print(table)


@scans_app.command("report")
def report_command(
    scan_id: int = typer.Argument(..., help="The scan's id (`suraksha scans list`)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the report into (created)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write the report as PDF."),
    preview: bool = typer.Option(
        False,
        "--preview",
        help="Add blurred greyscale thumbnails of the listed files to the HTML (audited; needs "
        "--reason).",
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why the preview is needed; recorded with it."
    ),
    user: str | None = typer.Option(
        None, "--user", help="Who is previewing [default: the operating-system account]."
    ),
) -> None:
    """Write the report of a scan: case and device, the source and its digests taken before the
    scan, counts by class and by bank category, known and near matches (PDQ over 20 bits flagged
    "needs confirmation"), the new-media list with hashes, times and EXIF, groups, links to tips
    (as `scans reported`: PDQ links with their distance, over 20 bits flagged), files not fully
    examined, custody events, and the method (algorithms, thresholds, bank and scanner
    versions, times in IST and UTC). It shows no picture.

    `--preview --reason TEXT` adds blurred, greyscale, 64-pixel thumbnails to the HTML only, for
    files the report lists that are still in a scanned folder with the same SHA-256 (never from
    disk images or archives, never videos). Each use is recorded first: scan, files, who, when,
    why. The PDF never holds thumbnails.

    Example: `suraksha scans report 3 --out reports/FIR-112`

    Example: `suraksha scans report 3 --out reports/FIR-112 --preview --reason "confirm near match for charge sheet"`
    """
    if reason is not None and not preview:
        raise UserInputError("--reason is recorded only with --preview; add --preview or drop it.")
    if user is not None and not preview:
        raise UserInputError("--user is recorded only with --preview; add --preview or drop it.")
    purpose: tuple[str, str] | None = None
    if preview:
        if reason is None:
            raise UserInputError(
                'Preview needs a purpose: add --reason "why the thumbnails are needed". It is '
                "recorded with the preview, with who asked and when."
            )
        purpose = check_purpose(user if user is not None else current_user(), reason)
    folder = _output_folder(out)
    db = engine()
    if purpose is not None:
        # The audit event is committed before the report leaves memory: no unrecorded preview.
        with transaction(db) as session:
            report = build_report(session, scan_id)
            add_previews(session, report, user=purpose[0], reason=purpose[1])
    else:
        with reading(db) as session:
            report = build_report(session, scan_id)
    written = write_report(report, folder, pdf=pdf)
    console.print(f"Report of scan {scan_id}: {written.html}")
    if written.pdf is not None:
        console.print(f"PDF (no media): {written.pdf}")
    if written.preview is not None:
        errors.print(
            f"[yellow]Preview:[/] {written.preview.shown:,} blurred greyscale thumbnails in "
            f"{written.html.name}, recorded as audit event {written.preview.event_id} for "
            f"{written.preview.user}. Keep that file inside the unit and delete it when done."
        )
    if report.finished is None:
        errors.print(
            f"[yellow]Scan {scan_id} is {report.status}[/]: the report is partial. Run the same "
            "`suraksha scan` command again to finish it."
        )


@scans_app.command("certificate")
def certificate_command(
    scan_id: int = typer.Argument(..., help="The scan's id (`suraksha scans list`)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the certificate into (created)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write the certificate as PDF."),
) -> None:
    """Draft the certificate for electronic records under section 63(4) of the Bharatiya Sakshya
    Adhiniyam, 2023 (Part A by the party, Part B by the expert) from a scan, as HTML and PDF
    marked DRAFT, with the hash list it encloses (`scan-N-sha256.txt`, `sha256sum` format).

    Filled in from the stored scan, never retyped: device label and recorded ids, the source
    image's hash values and algorithms, the hash list's SHA-256, tools and versions, times in
    IST. Names, make and model, tick boxes, place and signatures are marked [TO BE FILLED].

    Example: `suraksha scans certificate 3 --out reports/FIR-112`
    """
    folder = _output_folder(out)
    with reading(engine()) as session:
        written = write_certificate(session, scan_id, folder, pdf=pdf)
    console.print(f"Draft certificate of scan {scan_id}: {written.html}")
    if written.pdf is not None:
        console.print(f"PDF: {written.pdf}")
    console.print(
        f"Enclosed hash list: {written.hash_list} ({written.draft.hash_list.files:,} files, "
        f"SHA-256 {written.draft.hash_list.sha256})"
    )
    errors.print(
        "[yellow]DRAFT:[/] complete every [TO BE FILLED] blank and have Part A and Part B signed; "
        "do not retype the hash values."
    )


def _output_folder(out: Path) -> Path:
    """`out`, created if its parent exists; UserInputError saying what to do otherwise."""
    if out.exists() and not out.is_dir():
        raise UserInputError(f"{out} is a file; give a folder to --out.")
    if not out.exists():
        if not out.parent.is_dir():
            raise UserInputError(
                f"Cannot create {out}: the folder {out.parent} does not exist. Create it first or "
                "give another --out folder."
            )
        out.mkdir()
    return out


def _scan_exists(scan_id: int) -> None:
    with reading(engine()) as session:
        stored_scan(session, scan_id)


@scans_app.command("groups")
def groups_command(
    scan_id: int = typer.Argument(..., help="The scan's number, as `suraksha scan` printed it."),
    kinds: list[GroupKind] | None = typer.Option(
        None, "--kind", help="Only groups of this kind; repeat for several [default: all]."
    ),
    output: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="Output format."),
) -> None:
    """The pictures and videos of a scan grouped by camera (make, model, body serial), folder,
    capture day, burst (one camera, at most 2 minutes between shots, 3 or more), place (GPS
    cell of 0.01°), and series of near-duplicates among new media (PDQ within 31, joined
    transitively). Computed from the stored files each time.

    `--format jsonl` prints one object per group: kind, key, files, classes (counts by class),
    detail, paths.

    Example: `suraksha scans groups 3 --kind camera --kind series --format jsonl`
    """
    _scan_exists(scan_id)
    with reading(engine()) as session:
        groups = groups_of(session, scan_id, kinds or None)
    if output is OutputFormat.JSONL:
        for group in groups:
            typer.echo(json.dumps(group.as_json(), ensure_ascii=False, sort_keys=True))
        return
    table = Table(title=f"Scan {scan_id}: {len(groups):,} groups")
    for column in ("kind", "key", "files", "classes", "first file"):
        table.add_column(column)
    for group in groups:
        classes = ", ".join(f"{name} {count:,}" for name, count in group.classes.items())
        table.add_row(group.kind.value, group.key, f"{group.size:,}", classes, group.paths[0])
    console.print(table)


@scans_app.command("reported")
def reported_command(
    scan_id: int = typer.Argument(..., help="The scan's number, as `suraksha scan` printed it."),
    output: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="Output format."),
) -> None:
    """What a scan found that tips in the workspace also reported: files with the same MD5,
    SHA-1 or SHA-256 as a tip's file, pictures whose PDQ is within 31 bits of a tip file's
    (with the distance; over 20 bits "needs confirmation"), and the device's ids (`scan
    --device-id`) and its pictures' camera serial numbers named as device ids in a tip; with
    each report's subjects (after `suraksha resolve`). Found when asked, so tips ingested after
    the scan show too. A report is a lead to verify, not a finding about a person.

    `--format jsonl` prints one object per link: `file` links with path and reported_in (with
    pdq_distance and needs_confirmation for PDQ links), and `device` links with device_id,
    found_as, files and reported_in.

    Example: `suraksha scans reported 3 --format jsonl`
    """
    _scan_exists(scan_id)
    with reading(engine()) as session:
        links = correlate(session, scan_id)
    paths = links.paths
    files = sorted(links.files.items(), key=lambda item: paths.get(item[0], ""))
    if output is OutputFormat.JSONL:
        for file_id, reports in files:
            document = {
                "link": "file",
                "path": paths.get(file_id),
                "reported_in": [report.as_json() for report in reports],
            }
            typer.echo(json.dumps(document, ensure_ascii=False, sort_keys=True))
        for device in links.devices:
            typer.echo(json.dumps({"link": "device", **device.as_json()}, sort_keys=True))
        return
    table = Table(title=f"Scan {scan_id}: also reported in tips")
    for column in ("found on the device", "report", "matched on", "subjects"):
        table.add_column(column)
    for file_id, reports in files:
        for report in reports:
            table.add_row(
                paths.get(file_id, file_id),
                f"{report.source} {report.report_id}",
                report.matched_text
                + (", [yellow]needs confirmation[/]" if report.needs_confirmation else ""),
                ", ".join(report.subject_ids) or "-",
            )
    for device in links.devices:
        for report in device.reports:
            table.add_row(
                f"{device.value} ({device.found_as})",
                f"{report.source} {report.report_id}",
                "device id",
                ", ".join(report.subject_ids) or "-",
            )
    console.print(table)
