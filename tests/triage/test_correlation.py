"""Correlation of a scan with tips, both ways round, on both databases.

The tip is the intake tests' synthetic report (made-up people and numbers) with one file document
whose digests are those of a generated benign scene found on the scanned device.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from suraksha.hashing.digests import FileDigests, digest_file
from suraksha.identity.linker import resolve
from suraksha.intake.pipeline import ingest, plan
from suraksha.storage.session import reading, transaction
from suraksha.triage.correlation import correlate, reported_in, seen_on_devices
from suraksha.triage.export import write_jsonl
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
