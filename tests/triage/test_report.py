"""Scan reports from real scans of generated benign pictures, on both databases: no media by default,
and in preview mode only blurred greyscale thumbnails, each use audited."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list
from suraksha.hashing.digests import digest_file
from suraksha.hashing.pdq import PREPROCESSING_VERSION, pdq_of_file
from suraksha.security import audit
from suraksha.storage.session import reading, transaction
from suraksha.synthetic.images import scene
from suraksha.triage.audit import PREVIEW_ACTION, files_digest, preview_events
from suraksha.triage.models import Scan, ScannedFile
from suraksha.triage.report import add_previews, build_report, write_report
from suraksha.triage.scanner import ScanRequest, scan
from tests.intake.conftest import XML_REPORT_NUMBER
from tests.triage.conftest import write_scene
from tests.triage.test_correlation import ingest_pdq_tip, pdq_file_xml

THUMBNAIL = re.compile(r'<img class="thumb" src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
KOLKATA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class Scanned:
    """A scanned device folder: its files by role, and the scan's id."""

    device: Path
    scan_id: int
    known: Path
    near_far: Path
    near_close: Path
    fresh: Path


def flipped(hex_hash: str, bits: int) -> str:
    """`hex_hash` with its first `bits` bits inverted: a PDQ that far from it."""
    value = int(hex_hash, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{value:064x}"


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "BenignCam"
    exif[0x0110] = "Model X"
    exif.get_ifd(0x8769)[0x9003] = "2025:12:31 23:59:58"
    exif.get_ifd(0x8825).update({1: "N", 2: (28.0, 36.0, 50.0), 3: "E", 4: (77.0, 12.0, 36.0)})
    return exif


def import_lists(db: Engine, tmp_path: Path, known: Path, near_far: Path, near_close: Path) -> None:
    """A VICS 2.0 (US) bank holding `known`'s MD5 as category 1, and a PDQ bank with hashes 25
    and 5 bits from the two near pictures."""
    vics = tmp_path / "vics.json"
    context = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"
    media = [{"MediaID": 1, "Category": 1, "MD5": digest_file(known).md5.upper()}]
    vics.write_text(json.dumps({"@odata.context": context, "value": media}), encoding="utf-8")
    far, close = pdq_of_file(near_far), pdq_of_file(near_close)
    assert far is not None and close is not None
    pdq_list = tmp_path / "pdq.txt"
    pdq_list.write_text(f"{flipped(far.hex, 25)},100\n{flipped(close.hex, 5)},100\n")
    with transaction(db) as session:
        import_list(session, vics, bank="project-vic", kind=BankKind.KNOWN)
        import_list(session, pdq_list, bank="pdq-known", kind=BankKind.KNOWN, format_name="pdq")


def scanned_device(db: Engine, tmp_path: Path, **request: tuple[str, ...]) -> Scanned:
    """A device folder with a known, two near, one new (with camera EXIF) and one other file."""
    device = tmp_path / "device"
    known = write_scene(device / "DCIM" / "IMG_0001.JPG", 301)
    near_far = write_scene(device / "DCIM" / "IMG_0002.JPG", 302)
    near_close = write_scene(device / "Pictures" / "saved.png", 303, "PNG")
    fresh = device / "DCIM" / "IMG_0004.JPG"
    scene(304).save(fresh, "JPEG", exif=camera_exif())
    (device / "notes.txt").write_text("shopping list\n", encoding="utf-8")
    import_lists(db, tmp_path, known, near_far, near_close)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = scan(
        db,
        ScanRequest(device, "FIR-112/2026", "EX-3 phone", **request),
        scratch=scratch,
        workers=0,
    )
    return Scanned(device, result.scan_id, known, near_far, near_close, fresh)


def ids_by_path(db: Engine, scan_id: int) -> dict[str, str]:
    with reading(db) as session:
        rows = session.execute(
            select(ScannedFile.path, ScannedFile.id).where(ScannedFile.scan_id == scan_id)
        )
        return {path: file_id for path, file_id in rows}


def ist(instant_of: str, db: Engine, scan_id: int) -> str:
    """A time of the scan as the report must print it, converted here with the tz database."""
    with reading(db) as session:
        instant = getattr(session.get_one(Scan, scan_id), instant_of)
    return str(instant.astimezone(KOLKATA).strftime("%d/%m/%Y %H:%M:%S IST"))


def test_report_has_counts_hashes_banks_and_ist_times_and_no_media(
    db: Engine, tmp_path: Path
) -> None:
    found = scanned_device(db, tmp_path)
    with reading(db) as session:
        report = build_report(session, found.scan_id)
    out = tmp_path / "out"
    out.mkdir()

    written = write_report(report, out)

    html = written.html.read_text(encoding="utf-8")
    assert written.html.name == f"scan-{found.scan_id}-report.html"
    assert report.counts == {"known": 1, "near": 2, "ignorable": 0, "new-media": 1, "other": 1}
    for name, count in report.counts.items():
        assert f'<td>{name}</td><td class="n">{count}</td>' in html
    assert "<img" not in html and "data:image" not in html
    assert "No media: this report holds hashes and metadata only." in html
    # Hashes of the listed files, and none of the unlisted text file's.
    fresh = digest_file(found.fresh)
    assert fresh.md5 in html and fresh.sha1 in html and fresh.sha256 in html
    assert digest_file(found.known).sha256 in html
    assert pdq_of_file(found.fresh).hex in html  # type: ignore[union-attr]
    assert digest_file(found.device / "notes.txt").sha256 not in html
    # Matches with bank, version, algorithm, distance, category; only the far PDQ is flagged.
    assert "project-vic v1 · md5 · 0 · child abuse material" in html
    flagged = re.findall(r"pdq-known v1 · pdq · (\d+) · no category( <span class=\"flag\">)?", html)
    assert sorted(flagged) == [("25", ' <span class="flag">'), ("5", "")]
    assert [(c.bank, c.category, c.files) for c in report.categories] == [
        ("pdq-known", "no category", 2),
        ("project-vic", "child abuse material", 1),
    ]
    # EXIF of the new picture, the method, and the bank versions at the scan's start.
    assert "camera: BenignCam Model X" in html and "GPS: 28.6138889, 77.21" in html
    assert "captured: 2025-12-31T23:59:58" in html
    assert PREPROCESSING_VERSION in html and "Suraksha 0.1.0" in html
    assert '<tr><td>project-vic</td><td>known</td><td class="n">1</td></tr>' in html
    assert ist("started_at", db, found.scan_id) in html
    assert ist("finished_at", db, found.scan_id) in html
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", html)
    assert "Groups (" in html and "BenignCam" in html
    assert written.pdf is not None and written.pdf.read_bytes().startswith(b"%PDF")
    with reading(db) as session:
        assert preview_events(session, found.scan_id) == []


def sharpness(image: Image.Image) -> float:
    """Spread of the Laplacian away from the borders (where padding would dominate it)."""
    a = np.asarray(image, dtype=np.float64)
    laplacian = 4 * a[1:-1, 1:-1] - a[:-2, 1:-1] - a[2:, 1:-1] - a[1:-1, :-2] - a[1:-1, 2:]
    return float(laplacian[3:-3, 3:-3].std())


def test_preview_holds_only_blurred_greyscale_thumbnails_and_is_audited(
    db: Engine, tmp_path: Path
) -> None:
    found = scanned_device(db, tmp_path)
    write_scene(found.near_close, 999, "PNG")  # changed since the scan: must not be shown
    ids = ids_by_path(db, found.scan_id)

    with transaction(db) as session:
        report = build_report(session, found.scan_id)
        note = add_previews(
            session, report, user="si.sharma", reason="confirm the near match for charge sheet"
        )
    written = write_report(report, tmp_path, pdf=True)

    html = written.html.read_text(encoding="utf-8")
    assert written.html.name == f"scan-{found.scan_id}-report-preview.html"
    assert "PREVIEW MODE" in html and f"audit event {note.event_id}" in html
    assert "not available: the file changed since the scan (SHA-256)" in html
    thumbnails = [
        Image.open(io.BytesIO(base64.b64decode(data))) for data in THUMBNAIL.findall(html)
    ]
    assert len(thumbnails) == html.count("<img") == 3
    for thumbnail in thumbnails:
        assert thumbnail.format == "PNG" and thumbnail.mode == "L"
        assert max(thumbnail.size) <= 64
    # Blurred: far less detail than a plain greyscale thumbnail of the same picture (the new
    # picture is listed last).
    with Image.open(found.fresh) as original:
        plain = original.convert("L")
        plain.thumbnail((64, 64))
    assert sharpness(thumbnails[-1]) < sharpness(plain) / 5
    # The PDF written beside it holds no picture.
    assert written.pdf is not None and b"/Subtype /Image" not in written.pdf.read_bytes()

    expected = sorted(
        ids[path] for path in ("DCIM/IMG_0001.JPG", "DCIM/IMG_0002.JPG", "DCIM/IMG_0004.JPG")
    )
    with reading(db) as session:
        events = [
            (e.id, e.requested_by, e.reason, e.previews, e.file_ids)
            for e in preview_events(session, found.scan_id)
        ]
    reason = "confirm the near match for charge sheet"
    assert events == [(note.event_id, "si.sharma", reason, 3, expected)]
    # The same preview in the hash-chained audit log, committing to exactly those files.
    with transaction(db) as session:
        [logged] = audit.events(session, action=PREVIEW_ACTION)
        assert audit.verify(session).intact
    assert (logged.actor, logged.object_kind, logged.object_id) == (
        "si.sharma",
        "scan",
        str(found.scan_id),
    )
    assert logged.detail == {
        "preview_event": note.event_id,
        "previews": 3,
        "files_sha256": files_digest(expected),
        "reason": reason,
    }
    assert files_digest(expected) != files_digest(expected[:2])


def test_files_of_an_archive_are_never_previewed(db: Engine, tmp_path: Path) -> None:
    picture = write_scene(tmp_path / "pic.jpg", 310)
    archive = tmp_path / "exhibit.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(picture, "DCIM/pic.jpg")
    (tmp_path / "scratch").mkdir()
    result = scan(db, ScanRequest(archive, "FIR-9/2026", "EX-9 card"), scratch=tmp_path / "scratch")

    with transaction(db) as session:
        report = build_report(session, result.scan_id)
        note = add_previews(session, report, user="examiner", reason="check the card's content")
    html = write_report(report, tmp_path, pdf=False).html.read_text(encoding="utf-8")

    assert report.counts["new-media"] == 1 and note.shown == 0
    assert "<img" not in html
    assert "not available: the file is inside an archive, not re-extracted" in html
    assert digest_file(archive).sha256 in html  # the source's digest, taken before the scan


def test_a_preview_needs_a_stated_purpose_and_an_existing_scan(db: Engine, tmp_path: Path) -> None:
    found = scanned_device(db, tmp_path)
    with pytest.raises(UserInputError, match="--reason"), transaction(db) as session:
        add_previews(session, build_report(session, found.scan_id), user="x", reason="  look ")
    with pytest.raises(UserInputError, match="scans list"), reading(db) as session:
        build_report(session, found.scan_id + 100)
    with reading(db) as session:
        assert preview_events(session, found.scan_id) == []


def test_report_lists_links_to_tips_with_pdq_distances(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    write_scene(device / "DCIM" / "far.jpg", 402)
    exact = write_scene(device / "DCIM" / "exact.jpg", 404)
    (tmp_path / "scratch").mkdir()
    request = ScanRequest(device, "FIR-7/2026", "EX-7 phone")
    result = scan(db, request, scratch=tmp_path / "scratch")
    with reading(db) as session:
        pdq = {
            str(path): str(value)
            for path, value in session.execute(
                select(ScannedFile.path, ScannedFile.pdq).where(
                    ScannedFile.scan_id == result.scan_id
                )
            )
        }
    far = pdq_file_xml("far01", flipped(pdq["DCIM/far.jpg"], 25))
    both = pdq_file_xml("exact01", pdq["DCIM/exact.jpg"], digests=digest_file(exact))
    ingest_pdq_tip(db, tmp_path / "tips", {"far": far, "exact": both})

    with reading(db) as session:
        report = build_report(session, result.scan_id)
    html = write_report(report, tmp_path, pdf=False).html.read_text(encoding="utf-8")

    assert "Also reported in tips (2)" in html
    report_cell = f"<td>ncmec {XML_REPORT_NUMBER}</td>"
    assert (
        f'<td class="hash">DCIM/far.jpg</td>{report_cell}'
        '<td>pdq (25 bits) <span class="flag">needs confirmation</span></td>'
    ) in html
    assert (
        f'<td class="hash">DCIM/exact.jpg</td>{report_cell}<td>md5, sha1, pdq (0 bits)</td>' in html
    )
