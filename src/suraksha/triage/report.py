"""The report of a stored scan, as HTML and PDF: what was found, on what, and how; no media by default.

    Scan, files, matches, custody ─► ScanReport (plain data) ─► Jinja2 template ─► HTML ─► WeasyPrint ─► PDF
                                         └ (--preview) blurred greyscale thumbnails, each use audited

The report is built from what the scan stored, never retyped: the case and device, the source and
its digests taken before the scan, counts by class and by bank category, the known and near
matches (bank, version, algorithm, distance, category; PDQ matches over `CONFIRM_ABOVE` bits are
flagged for a person's confirmation), the new-media list with hashes and metadata, the groups
(`triage.groups`: camera, folder, day, burst, place, near-duplicate series), the links to tips
(`triage.correlation`, found when the report is generated: PDQ links with their distance, over
`CONFIRM_ABOVE` bits flagged), the files that could not be fully examined, the custody events, and the method (algorithms, thresholds,
preprocessing, bank and scanner versions, times in IST and UTC).

It holds no picture unless preview mode is asked for, and then only thumbnails from
`triage.preview`, recorded by `triage.audit` before the report is written. The PDF never carries
thumbnails: a PDF is what gets printed, attached and sent on, so it stays media-free. Rendering
fetches nothing: templates are inline, and WeasyPrint is given a fetcher that allows no URL.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

import jinja2
from PIL import ImageFile
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from suraksha import paper
from suraksha.hashing.banks import list_banks
from suraksha.hashing.matcher import CONFIRM_ABOVE, MatchView, matches_for
from suraksha.hashing.pdq import MIN_QUALITY
from suraksha.storage.base import utcnow
from suraksha.triage.audit import check_purpose, record_preview
from suraksha.triage.classes import FileClass
from suraksha.triage.correlation import PDQ_RADIUS, Correlation, correlate
from suraksha.triage.groups import Group, groups_of
from suraksha.triage.models import CustodyEvent, Scan, ScannedFile
from suraksha.triage.preview import Preview, preview_of
from suraksha.triage.scanner import class_counts, stored_scan

IST: Final = timezone(timedelta(hours=5, minutes=30), "IST")
"""Indian Standard Time: UTC+05:30 all year (India keeps no daylight saving)."""

_BATCH: Final = 500
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
_LISTED = (FileClass.KNOWN.value, FileClass.NEAR.value, FileClass.NEW_MEDIA.value)


@dataclass(frozen=True, slots=True)
class Moment:
    """An instant as the report prints it: in IST first (Indian courts' time), and in UTC."""

    ist: str
    utc: str

    @classmethod
    def of(cls, instant: datetime) -> Moment:
        """`instant` (timezone-aware) in both zones."""
        return cls(
            instant.astimezone(IST).strftime("%d/%m/%Y %H:%M:%S IST"),
            instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        )

    @classmethod
    def maybe(cls, instant: datetime | None) -> Moment | None:
        """`instant` in both zones; None when there is no instant."""
        return None if instant is None else cls.of(instant)


@dataclass(frozen=True, slots=True)
class MatchLine:
    """One bank match of a listed file."""

    bank: str
    kind: str
    version: int
    algorithm: str
    distance: int
    category: str | None
    needs_confirmation: bool
    how: str | None = None  # for a video (vPDQ): which frames matched, and how much of each side


@dataclass(slots=True)
class FileLine:
    """One listed file: where, what, its hashes, the file system's times, EXIF, and its matches."""

    id: str
    path: str
    file_class: str
    file_type: str
    size: int | None
    deleted: bool
    inode: int | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    quality: int | None
    times: dict[str, Moment]
    exif: dict[str, Any]
    error: str | None
    matches: list[MatchLine] = field(default_factory=list)
    preview: Preview | None = None


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """How many known or near files matched a bank under one category."""

    bank: str
    kind: str
    category: str
    files: int


@dataclass(frozen=True, slots=True)
class TipLink:
    """A file or device id of the scan also reported in a tip: a lead to verify, not a finding."""

    found: str  # the file's path, or the device id and how it was found
    report: str  # source and report number
    matched: str  # how: "md5, sha1", "pdq (25 bits)", "device id"
    needs_confirmation: bool
    subjects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustodyLine:
    """A custody event of the device as triage recorded it."""

    action: str
    at: Moment
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PreviewNote:
    """The audit record of a preview report: printed on it, so the copy says how it came to be."""

    event_id: int
    user: str
    reason: str
    at: Moment
    shown: int


@dataclass(slots=True)
class ScanReport:
    """Everything a scan report shows (see the module docstring)."""

    scan_id: int
    case_ref: str
    device_label: str
    source_path: str
    source_kind: str
    source_size: int | None
    source_digests: dict[str, Any]
    status: str
    started: Moment
    resumed: Moment | None
    finished: Moment | None
    generated: Moment
    counts: dict[str, int]
    total: int
    categories: list[CategoryCount]
    matched: list[FileLine]
    new_media: list[FileLine]
    not_examined: list[FileLine]
    custody: list[CustodyLine]
    banks: list[dict[str, Any]]
    thresholds: list[dict[str, Any]]
    scanner: dict[str, str]
    confirm_above: int = CONFIRM_ABOVE
    min_quality: int = MIN_QUALITY
    pdq_radius: int = PDQ_RADIUS
    device_ids: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    tip_links: list[TipLink] = field(default_factory=list)
    preview: PreviewNote | None = None

    @property
    def listed(self) -> Iterator[FileLine]:
        """The files the report lists (matched, then new media): the only ones ever previewed."""
        yield from self.matched
        yield from self.new_media


def build_report(session: Session, scan_id: int) -> ScanReport:
    """The report of scan `scan_id`, read from the database; raises UserInputError if none."""
    scan = stored_scan(session, scan_id)
    counts = class_counts(session, scan_id)
    matched, new_media, not_examined = _listed_files(session, scan_id)
    return ScanReport(
        scan_id=scan.id,
        case_ref=scan.case_ref,
        device_label=scan.device_label,
        source_path=scan.source_path,
        source_kind=scan.source_kind,
        source_size=scan.source_size,
        source_digests=dict(scan.source_digests),
        status=scan.status,
        started=Moment.of(scan.started_at),
        resumed=Moment.maybe(scan.resumed_at),
        finished=Moment.maybe(scan.finished_at),
        generated=Moment.of(utcnow()),
        counts=counts,
        total=sum(counts.values()),
        categories=_categories(matched),
        matched=matched,
        new_media=new_media,
        not_examined=not_examined,
        custody=_custody(session, scan_id),
        banks=list(scan.banks),
        thresholds=[
            {"bank": bank.name, "kind": bank.kind, "pdq_threshold": bank.pdq_threshold}
            for bank in list_banks(session)
        ],
        scanner={str(name): str(version) for name, version in scan.scanner.items()},
        device_ids=[str(value) for value in scan.device_ids],
        groups=groups_of(session, scan_id),
        tip_links=_tip_links(correlate(session, scan_id)),
    )


def add_previews(session: Session, report: ScanReport, *, user: str, reason: str) -> PreviewNote:
    """Put blurred greyscale thumbnails on the report's listed files, and record that it was done.

    Every listed file gets a `Preview` (a thumbnail, or why there is none). The event names the
    files that got a thumbnail and is flushed in `session`: commit it before the report leaves
    memory.
    """
    user, reason = check_purpose(user, reason)  # before any file is read
    shown: list[str] = []
    for line in report.listed:
        if line.file_type.startswith("video/"):
            line.preview = Preview(None, "not available: videos are never previewed")
        else:
            line.preview = preview_of(
                report.source_kind, report.source_path, line.path, line.sha256
            )
        if line.preview.data_uri is not None:
            shown.append(line.id)
    event = record_preview(session, report.scan_id, shown, user=user, reason=reason)
    report.preview = PreviewNote(
        event.id, event.requested_by, event.reason, Moment.of(event.at), len(shown)
    )
    return report.preview


def render_html(template: str, **context: Any) -> str:
    """The template `template` of `triage/templates` rendered with `context` (autoescaped)."""
    return _environment().get_template(template).render(**context)


def write_pdf(html: str, target: Path) -> None:
    """Render `html` to a PDF at `target` with WeasyPrint, fetching no URL whatsoever."""
    with warnings.catch_warnings():
        # Where the system lacks libharfbuzz-subset (Debian: libharfbuzz-subset0), WeasyPrint warns
        # at import that a future version will need it; fonts are embedded whole meanwhile.
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        # Imported here: loading pango is slow, and the HTML report needs none of it.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    # WeasyPrint's import sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; left on, every later
    # PDQ hash in this process would be of a truncated (carved) image's decoded part instead of
    # refusing it (`hashing.pdq`). The report embeds no image that would need it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    nothing = URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)
    HTML(string=html, url_fetcher=nothing).write_pdf(target)


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What `write_report` wrote."""

    html: Path
    pdf: Path | None
    preview: PreviewNote | None


def write_report(report: ScanReport, out: Path, *, pdf: bool = True) -> ReportFiles:
    """Write the report as HTML (and PDF) in the folder `out`; a preview report is named so.

    The PDF is rendered without thumbnails whatever the report holds (see the module docstring).
    """
    stem = f"scan-{report.scan_id}-report"
    html_path = out / (f"{stem}-preview.html" if report.preview else f"{stem}.html")
    html_path.write_text(render_html("report.html", report=report), encoding="utf-8")
    pdf_path: Path | None = None
    if pdf:
        pdf_path = out / f"{stem}.pdf"
        write_pdf(render_html("report.html", report=_without_previews(report)), pdf_path)
    return ReportFiles(html_path, pdf_path, report.preview)


@dataclass(frozen=True, slots=True)
class ScanListing:
    """One scan as `scans list` shows it."""

    scan_id: int
    case_ref: str
    device_label: str
    source_kind: str
    source_path: str
    status: str
    started: Moment
    files: int


def list_scans(session: Session, case_ref: str | None = None) -> list[ScanListing]:
    """The scans of the workspace (of one case, when given), newest first."""
    files = (
        select(ScannedFile.scan_id, func.count().label("files"))
        .group_by(ScannedFile.scan_id)
        .subquery()
    )
    query = (
        select(Scan, func.coalesce(files.c.files, 0))
        .outerjoin(files, files.c.scan_id == Scan.id)
        .order_by(Scan.id.desc())
    )
    if case_ref is not None:
        query = query.where(Scan.case_ref == case_ref)
    return [
        ScanListing(
            scan.id,
            scan.case_ref,
            scan.device_label,
            scan.source_kind,
            scan.source_path,
            scan.status,
            Moment.of(scan.started_at),
            int(count),
        )
        for scan, count in session.execute(query)
    ]


def _listed_files(
    session: Session, scan_id: int
) -> tuple[list[FileLine], list[FileLine], list[FileLine]]:
    """(known and near files, new media, files not fully examined), each in path order."""
    matched: list[FileLine] = []
    new_media: list[FileLine] = []
    not_examined: list[FileLine] = []
    after: tuple[str, str] | None = None
    while True:
        query = select(ScannedFile).where(
            ScannedFile.scan_id == scan_id,
            or_(ScannedFile.file_class.in_(_LISTED), ScannedFile.error.is_not(None)),
        )
        if after is not None:
            query = query.where(
                (ScannedFile.path > after[0])
                | ((ScannedFile.path == after[0]) & (ScannedFile.id > after[1]))
            )
        rows = list(session.scalars(query.order_by(ScannedFile.path, ScannedFile.id).limit(_BATCH)))
        if not rows:
            return matched, new_media, not_examined
        matches = matches_for(session, "device_file", [row.id for row in rows])
        for row in rows:
            line = _line(row, matches.get(row.id, []))
            if row.file_class in (FileClass.KNOWN.value, FileClass.NEAR.value):
                matched.append(line)
            elif row.file_class == FileClass.NEW_MEDIA.value:
                new_media.append(line)
            if row.error is not None:
                not_examined.append(line)
        after = (rows[-1].path, rows[-1].id)


def _line(row: ScannedFile, matches: list[MatchView]) -> FileLine:
    times = {
        name: moment
        for name, instant in (
            ("modified", row.modified_at),
            ("accessed", row.accessed_at),
            ("changed", row.changed_at),
            ("created", row.created_at),
        )
        if (moment := Moment.maybe(instant)) is not None
    }
    return FileLine(
        id=row.id,
        path=row.path,
        file_class=row.file_class,
        file_type=row.file_type,
        size=row.size,
        deleted=row.deleted,
        inode=row.inode,
        md5=row.md5,
        sha1=row.sha1,
        sha256=row.sha256,
        pdq=row.pdq,
        quality=row.quality,
        times=times,
        exif=dict(row.exif),
        error=row.error,
        matches=[
            MatchLine(
                bank=view.bank,
                kind=view.bank_kind,
                version=view.bank_version,
                algorithm=view.algorithm,
                distance=view.distance,
                category=view.category_label,
                needs_confirmation=view.needs_confirmation,
                how=video_match_text(view.detail) if view.algorithm == "vpdq" else None,
            )
            for view in sorted(matches, key=lambda view: (view.bank, view.distance))
        ],
    )


def _categories(matched: list[FileLine]) -> list[CategoryCount]:
    """Known and near files by (bank, category); a file counts once per bank and category."""
    found: Counter[tuple[str, str, str]] = Counter()
    for line in matched:
        keys = {(m.bank, m.kind, m.category or "no category") for m in line.matches}
        found.update(keys)
    return [
        CategoryCount(bank, kind, category, files)
        for (bank, kind, category), files in sorted(found.items())
    ]


def _tip_links(links: Correlation) -> list[TipLink]:
    """The scan's links to tips, files in path order then device ids, one line per report."""
    lines = [
        TipLink(
            links.paths.get(file_id, file_id),
            f"{report.source} {report.report_id}",
            report.matched_text,
            report.needs_confirmation,
            report.subject_ids,
        )
        for file_id, reports in links.files.items()
        for report in reports
    ]
    lines.sort(key=lambda line: line.found)
    lines += [
        TipLink(
            f"{device.value} ({device.found_as})",
            f"{report.source} {report.report_id}",
            report.matched_text,
            report.needs_confirmation,
            report.subject_ids,
        )
        for device in links.devices
        for report in device.reports
    ]
    return lines


def _custody(session: Session, scan_id: int) -> list[CustodyLine]:
    query = select(CustodyEvent).where(CustodyEvent.scan_id == scan_id).order_by(CustodyEvent.id)
    return [
        CustodyLine(event.action, Moment.of(event.at), dict(event.detail))
        for event in session.scalars(query)
    ]


def _without_previews(report: ScanReport) -> ScanReport:
    """A copy of `report` for the PDF: same content, thumbnails replaced by nothing."""
    if report.preview is None:
        return report
    copy = ScanReport(**{name: getattr(report, name) for name in ScanReport.__dataclass_fields__})
    copy.matched = [_bare(line) for line in report.matched]
    copy.new_media = [_bare(line) for line in report.new_media]
    copy.preview = None
    return copy


def _bare(line: FileLine) -> FileLine:
    copy = FileLine(**{name: getattr(line, name) for name in FileLine.__dataclass_fields__})
    copy.preview = None
    return copy


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=paper.loader("suraksha.triage"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["size"] = _size
    return environment


def _size(value: int | None) -> str:
    """Bytes as the report prints them: exact, with a readable unit beside when large."""
    if value is None:
        return "—"
    if value < 1024:
        return f"{value:,} B"
    exponent = min(len(_UNITS) - 1, (value.bit_length() - 1) // 10)
    return f"{value:,} B ({value / 1024**exponent:,.1f} {_UNITS[exponent]})"


def video_match_text(detail: Mapping[str, Any]) -> str:
    """A vPDQ match in words: "9 of 10 frames (90%) near, at 0–9 s; 45% of banked video clip-7"."""
    at = detail.get("at_seconds") or []
    span = (
        f", at {_clock(at[0])}–{_clock(at[-1])}"
        if len(at) > 1
        else (f", at {_clock(at[0])}" if at else "")
    )
    text = (
        f"{detail.get('frames_matched', 0)} of {detail.get('frames', 0)} frames "
        f"({detail.get('video_percent', 0)}%) near a banked {detail.get('item', 'item')}{span}"
    )
    if detail.get("item") == "video":
        text += (
            f"; {detail.get('bank_frames_matched', 0)} of {detail.get('bank_frames', 0)} frames "
            f"({detail.get('bank_percent', 0)}%) of banked video {detail.get('bank_video')}"
        )
    return text


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
