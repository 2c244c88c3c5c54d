"""Correlation of a scan with tips, both ways round, on both databases.

The tip is the intake tests' synthetic report (made-up people and numbers) with file documents
whose digests or PDQ hashes are those of generated benign scenes found on the scanned device, of
copies of them (resized and re-encoded, rotated), or made a chosen number of bits away.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from suraksha.hashing.digests import FileDigests, digest_file
from suraksha.hashing.pdq import MIN_QUALITY, dihedral_hashes, hamming, load_canonical, pdq_of_file
from suraksha.hashing.video import usable_frames, video_hash
from suraksha.identity.linker import resolve
from suraksha.intake import tips
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage.session import reading, transaction
from suraksha.synthetic.videos import write_video
from suraksha.triage import correlation
from suraksha.triage.correlation import (
    Report,
    correlate,
    near_reported_in,
    reported_in,
    seen_on_devices,
)
from suraksha.triage.export import write_jsonl
from suraksha.triage.models import ScannedFile
from suraksha.triage.scanner import ScanRequest, ScanResult, scan
from tests.intake.conftest import REPORT_XML, XML_REPORT_NUMBER
from tests.triage.conftest import write_camera_scene, write_scene

IMEI = "356938035643809"  # the reported person's device in REPORT_XML (made up, Luhn-valid)


def file_xml(digests: FileDigests) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<fileDetails>
  <reportId>{XML_REPORT_NUMBER}</reportId>
  <fileId>benign01</fileId>
  <fileName>benign01.jpg</fileName>
  <industryClassification>B2</industryClassification>
  <originalFileHash hashType="MD5">{digests.md5.upper()}</originalFileHash>
  <originalFileHash hashType="SHA1">{digests.sha1}</originalFileHash>
</fileDetails>
"""


def ingest_tip(db: Engine, where: Path, digests: FileDigests) -> None:
    unit = where / XML_REPORT_NUMBER
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(REPORT_XML, encoding="utf-8")
    (unit / "files" / "f1.xml").write_text(file_xml(digests), encoding="utf-8")
    result = ingest(db, plan([where]))
    assert result.added == 1, result.counts()


def scan_device(db: Engine, device: Path, tmp_path: Path, *device_ids: str) -> ScanResult:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    request = ScanRequest(device, "FIR-21/2026", "EX-2 phone", device_ids=device_ids)
    return scan(db, request, scratch=scratch)


def documents(db: Engine, scan_id: int) -> dict[str, dict[str, Any]]:
    out = io.StringIO()
    with reading(db) as session:
        write_jsonl(session, scan_id, out)
    return {doc["path"]: doc for doc in map(json.loads, out.getvalue().splitlines())}


def device(tmp_path: Path) -> tuple[Path, FileDigests]:
    folder = tmp_path / "device"
    shared = write_scene(folder / "DCIM" / "shared.jpg", 301)
    write_scene(folder / "DCIM" / "other.jpg", 302)
    return folder, digest_file(shared)


def test_a_tip_ingested_before_the_scan_shows_on_its_file(db: Engine, tmp_path: Path) -> None:
    folder, shared = device(tmp_path)
    ingest_tip(db, tmp_path / "tips", shared)
    with transaction(db) as session:
        resolve(session)

    result = scan_device(db, folder, tmp_path, f"IMEI:{IMEI}")

    found = documents(db, result.scan_id)
    assert found["DCIM/other.jpg"]["reported_in"] == []
    [report] = found["DCIM/shared.jpg"]["reported_in"]
    assert report["report_id"] == XML_REPORT_NUMBER
    assert report["matched_on"] == ["md5", "sha1"]
    assert report["classification"] == "B2"
    assert len(report["subject_ids"]) == 1
    with reading(db) as session:
        links = correlate(session, result.scan_id)
    assert links.report_ids == [XML_REPORT_NUMBER]
    assert links.subject_ids == report["subject_ids"]
    [imei] = links.devices
    assert (imei.value, imei.found_as) == (f"imei:{IMEI}", "examiner")
    assert [(r.report_id, r.roles) for r in imei.reports] == [(XML_REPORT_NUMBER, ("reported",))]


def test_a_tip_ingested_after_the_scan_links_back(db: Engine, tmp_path: Path) -> None:
    folder, shared = device(tmp_path)
    result = scan_device(db, folder, tmp_path)
    assert documents(db, result.scan_id)["DCIM/shared.jpg"]["reported_in"] == []

    ingest_tip(db, tmp_path / "tips", shared)

    [report] = documents(db, result.scan_id)["DCIM/shared.jpg"]["reported_in"]
    assert (report["source"], report["report_id"]) == ("ncmec", XML_REPORT_NUMBER)
    assert report["subject_ids"] == []  # not resolved yet
    with reading(db) as session:
        seen = seen_on_devices(session, [("sha256", shared.sha256.upper())])
        by_id = reported_in(session, [("x", None, shared.sha1, None)])
    assert [(s.device_label, s.path) for s in seen] == [("EX-2 phone", "DCIM/shared.jpg")]
    assert [r.matched_on for r in by_id["x"]] == [("sha1",)]


def test_a_camera_serial_named_as_a_device_id_in_a_tip(db: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "device"
    write_camera_scene(folder / "a.jpg", 310, make="BenignCam", serial="SN-77001")
    write_camera_scene(folder / "b.jpg", 311, make="BenignCam", serial="SN-77001")
    report = REPORT_XML.replace(
        "<idType>IMEI</idType>\n      <idValue>356938035643809</idValue>",
        "<idType>Serial Number</idType>\n      <idValue>SN-77001</idValue>",
    )
    assert report != REPORT_XML
    unit = tmp_path / "tips" / XML_REPORT_NUMBER
    unit.mkdir(parents=True)
    (unit / "report.xml").write_text(report, encoding="utf-8")
    ingest(db, plan([tmp_path / "tips"]))

    result = scan_device(db, folder, tmp_path)

    with reading(db) as session:
        links = correlate(session, result.scan_id)
    assert [(d.value, d.found_as, d.files) for d in links.devices] == [
        ("serialnumber:SN-77001", "exif body serial", 2)
    ]
    assert links.files == {}


def pdq_file_xml(
    file_id: str,
    pdq: str,
    *,
    digests: FileDigests | None = None,
    classification: str | None = None,
) -> str:
    """A file document of the report carrying a PDQ hash (and MD5 and SHA-1 when given)."""
    lines = [f"  <reportId>{XML_REPORT_NUMBER}</reportId>", f"  <fileId>{file_id}</fileId>"]
    if classification:
        lines.append(f"  <industryClassification>{classification}</industryClassification>")
    if digests is not None:
        lines.append(f'  <originalFileHash hashType="MD5">{digests.md5}</originalFileHash>')
        lines.append(f'  <originalFileHash hashType="SHA1">{digests.sha1}</originalFileHash>')
    lines.append(f'  <originalFileHash hashType="PDQ">{pdq.upper()}</originalFileHash>')
    body = "\n".join(lines)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<fileDetails>\n{body}\n</fileDetails>\n'


def ingest_pdq_tip(db: Engine, where: Path, files: dict[str, str]) -> None:
    """Ingest the report with one file document per entry of `files` (name → XML)."""
    unit = where / XML_REPORT_NUMBER
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(REPORT_XML, encoding="utf-8")
    for name, xml in files.items():
        (unit / "files" / f"{name}.xml").write_text(xml, encoding="utf-8")
    result = ingest(db, plan([where]))
    assert result.added == 1, result.counts()


def flipped(hex_hash: str, bits: int) -> str:
    """`hex_hash` with its first `bits` bits inverted: a PDQ exactly that far from it."""
    value = int(hex_hash, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{value:064x}"


def flat_picture(path: Path) -> Path:
    """A gentle grey ramp: PDQ quality 0, yet a well-formed hash (not all zeros)."""
    ramp = np.tile(np.linspace(100, 140, 320), (240, 1)).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(ramp).convert("RGB").save(path, "PNG")
    return path


def resized_copy(source: Path, target: Path) -> Path:
    """`source` at 60% of its size, re-encoded as a JPEG of quality 70: new bytes, similar PDQ."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        smaller = image.resize((image.width * 6 // 10, image.height * 6 // 10))
        smaller.save(target, "JPEG", quality=70)
    return target


def rotated_copy(source: Path, target: Path) -> Path:
    """`source` turned 90°, re-encoded: a PDQ about 128 bits from the original's own hash."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.transpose(Image.Transpose.ROTATE_90).save(target, "JPEG", quality=90)
    return target


def stored(db: Engine, scan_id: int) -> dict[str, tuple[str, int]]:
    """Each scanned picture's stored PDQ and quality, by path."""
    with reading(db) as session:
        rows = session.execute(
            select(ScannedFile.path, ScannedFile.pdq, ScannedFile.quality).where(
                ScannedFile.scan_id == scan_id, ScannedFile.pdq.is_not(None)
            )
        )
        return {path: (str(pdq), int(quality or 0)) for path, pdq, quality in rows}


def by_path(db: Engine, scan_id: int) -> dict[str, list[Report]]:
    with reading(db) as session:
        links = correlate(session, scan_id)
    return {links.paths[file_id]: reports for file_id, reports in links.files.items()}


def test_tip_files_near_a_scanned_picture_by_pdq_link_with_their_distance(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "device"
    shared = write_scene(folder / "DCIM" / "shared.jpg", 401)
    write_scene(folder / "DCIM" / "far.jpg", 402)
    exact = write_scene(folder / "DCIM" / "exact.jpg", 404)
    flat_picture(folder / "DCIM" / "flat.png")
    unrelated = pdq_of_file(write_scene(tmp_path / "elsewhere" / "unrelated.jpg", 403))
    resized = pdq_of_file(resized_copy(shared, tmp_path / "elsewhere" / "resized.jpg"))
    assert unrelated is not None and resized is not None
    result = scan_device(db, folder, tmp_path)
    hashes = stored(db, result.scan_id)
    assert hashes["DCIM/flat.png"][1] < MIN_QUALITY <= hashes["DCIM/shared.jpg"][1]
    assert by_path(db, result.scan_id) == {}

    # The tip comes after the scan: the scan's pictures link to it as soon as it is ingested.
    ingest_pdq_tip(
        db,
        tmp_path / "tips",
        {
            "resized": pdq_file_xml("resized01", resized.hex, classification="A1"),
            "far": pdq_file_xml("far01", flipped(hashes["DCIM/far.jpg"][0], 25)),
            "exact": pdq_file_xml(
                "exact01", flipped(hashes["DCIM/exact.jpg"][0], 25), digests=digest_file(exact)
            ),
            "flat": pdq_file_xml("flat01", hashes["DCIM/flat.png"][0]),
            "unrelated": pdq_file_xml("unrelated01", unrelated.hex),
            "zero": pdq_file_xml("zero01", "0" * 64),
        },
    )

    found = by_path(db, result.scan_id)
    assert sorted(found) == ["DCIM/exact.jpg", "DCIM/far.jpg", "DCIM/shared.jpg"]
    [near] = found["DCIM/shared.jpg"]
    expected = hamming(resized.hex, hashes["DCIM/shared.jpg"][0])
    assert near.as_json() == {
        "source": "ncmec",
        "report_id": XML_REPORT_NUMBER,
        "matched_on": ["pdq"],
        "subject_ids": [],
        "classification": "A1",
        "pdq_distance": expected,
        "needs_confirmation": False,
    }
    assert 0 < expected <= 12
    [far] = found["DCIM/far.jpg"]
    assert (far.matched_on, far.pdq_distance, far.needs_confirmation) == (("pdq",), 25, True)
    [both] = found["DCIM/exact.jpg"]
    assert (both.matched_on, both.pdq_distance) == (("md5", "sha1", "pdq"), 25)
    assert not both.needs_confirmation  # the exact digests stand on their own

    with reading(db) as session:
        seen = seen_on_devices(
            session,
            [
                ("pdq", resized.hex.upper()),
                ("pdq", unrelated.hex),
                ("pdq", hashes["DCIM/flat.png"][0]),  # quality 0 on the device: not compared
                ("pdq", "0" * 64),
                ("pdq", "not a pdq"),
                ("sha256", digest_file(exact).sha256),
            ],
        )
    assert [(s.algorithm, s.path, s.pdq_distance, s.needs_confirmation) for s in seen] == [
        ("sha256", "DCIM/exact.jpg", None, False),
        ("pdq", "DCIM/shared.jpg", expected, False),
    ]
    assert seen[1].value == resized.hex and seen[1].device_label == "EX-2 phone"

    # Pages of one row and chunks of two hashes give the same links as one page and one chunk.
    whole = correlate_json(db, result.scan_id)
    monkeypatch.setattr(correlation, "PDQ_CHUNK", 2)
    monkeypatch.setattr(correlation, "_PAGE", 1)
    monkeypatch.setattr(correlation, "tip_file_pdqs", functools.partial(tips.tip_file_pdqs, page=1))
    assert correlate_json(db, result.scan_id) == whole
    with reading(db) as session:
        assert seen_on_devices(session, [("pdq", resized.hex)]) == seen[1:]


def correlate_json(db: Engine, scan_id: int) -> dict[str, list[dict[str, Any]]]:
    return {path: [r.as_json() for r in reports] for path, reports in by_path(db, scan_id).items()}


def test_a_rotated_copy_links_through_the_rotations_and_flips(db: Engine, tmp_path: Path) -> None:
    original = write_scene(tmp_path / "device" / "original.jpg", 401)
    rotated = pdq_of_file(rotated_copy(original, tmp_path / "tip" / "rotated.jpg"))
    assert rotated is not None
    ingest_pdq_tip(
        db,
        tmp_path / "tips",
        {"rotated": pdq_file_xml("rot01", rotated.hex), "zero": pdq_file_xml("zero01", "0" * 64)},
    )
    canonical = load_canonical(original)
    assert canonical is not None
    variants = [h.hex for h in dihedral_hashes(canonical)]
    assert hamming(variants[0], rotated.hex) > correlation.PDQ_RADIUS

    with reading(db) as session:
        found = near_reported_in(
            session,
            [
                ("with variants", variants),
                ("hash only", variants[:1]),
                ("zero", ["0" * 64]),  # the tip's all-zero placeholder is never compared
            ],
        )

    assert sorted(found) == ["with variants"]
    [report] = found["with variants"]
    assert report.matched_on == ("pdq",) and report.pdq_distance is not None
    assert report.pdq_distance == min(hamming(v, rotated.hex) for v in variants) <= 20


def test_a_scan_links_a_rotated_copy_through_its_stored_variants(
    db: Engine, tmp_path: Path
) -> None:
    original = write_scene(tmp_path / "device" / "original.jpg", 402)
    rotated = pdq_of_file(rotated_copy(original, tmp_path / "tip" / "rotated.jpg"))
    assert rotated is not None
    ingest_pdq_tip(db, tmp_path / "tips", {"rotated": pdq_file_xml("rot02", rotated.hex)})

    result = scan_device(db, tmp_path / "device", tmp_path)

    [report] = by_path(db, result.scan_id)["original.jpg"]
    assert report.matched_on == ("pdq",) and report.pdq_distance is not None
    assert report.pdq_distance <= correlation.PDQ_RADIUS
    with reading(db) as session:
        [seen] = seen_on_devices(session, [("pdq", rotated.hex)])  # and the way back
    assert (seen.path, seen.pdq_distance) == ("original.jpg", report.pdq_distance)


def test_a_still_of_a_scanned_video_reported_in_a_tip_links_both_ways(
    db: Engine, tmp_path: Path
) -> None:
    (tmp_path / "device" / "Movies").mkdir(parents=True)
    video = write_video(tmp_path / "device" / "Movies" / "clip.mp4", seed=21, seconds=4).path
    hashed = video_hash(video, "video/mp4")
    assert hashed is not None
    frames = usable_frames(hashed.frames)
    still = frames[len(frames) // 2].pdq.hex  # the platform reported one frame as a picture
    ingest_pdq_tip(
        db,
        tmp_path / "tips",
        {
            "still": pdq_file_xml("still01", flipped(still, 6), classification="A2"),
            "other": pdq_file_xml("other01", flipped(still, 120)),
        },
    )

    result = scan_device(db, tmp_path / "device", tmp_path)

    [report] = by_path(db, result.scan_id)["Movies/clip.mp4"]
    assert (report.report_id, report.matched_on, report.classification) == (
        XML_REPORT_NUMBER,
        ("pdq",),
        "A2",
    )
    assert report.pdq_distance is not None and report.pdq_distance <= 6
    with reading(db) as session:
        [seen] = seen_on_devices(session, [("pdq", flipped(still, 6))])
    assert (seen.path, seen.pdq_distance) == ("Movies/clip.mp4", report.pdq_distance)
    assert documents(db, result.scan_id)["Movies/clip.mp4"]["reported_in"][0]["report_id"] == (
        XML_REPORT_NUMBER
    )
