"""`suraksha scan` as an examiner runs it: a real workspace, both databases."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from suraksha.config import Settings
from suraksha.hashing.digests import digest_file
from tests.commands import suraksha
from tests.intake.conftest import REPORT_XML, XML_REPORT_NUMBER
from tests.triage.conftest import png_bomb, write_scene
from tests.triage.test_correlation import IMEI, file_xml

REQUIRED = {"path", "md5", "sha1", "sha256", "type", "class", "matches"}


@pytest.mark.slow
def test_scan_a_device_folder_with_a_bank_and_json(settings: Settings, tmp_path: Path) -> None:
    device = tmp_path / "device"
    known = write_scene(device / "DCIM" / "IMG_0001.JPG", 71)
    write_scene(device / "WhatsApp" / "received.dat", 72, "PNG")
    with zipfile.ZipFile(device / "backup.zip", "w") as archive:
        archive.writestr("contacts.vcf", "BEGIN:VCARD\nEND:VCARD\n")
    bank = tmp_path / "known.md5"
    bank.write_text(f"{digest_file(known).md5}  banked.jpg\n", encoding="utf-8")
    assert suraksha(settings, "init").returncode == 0
    imported = suraksha(settings, "hashes", "import", str(bank), "--bank", "test-known")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "scan.jsonl"

    done = suraksha(settings, "scan", str(device), "--case", "FIR-9/2026", "--device",
                    "EX-9 phone", "--json", str(out), "--workers", "2")  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "new-media" in done.stdout and "files in the scan" in done.stdout
    documents = {doc["path"]: doc for doc in map(json.loads, out.read_text().splitlines())}
    assert set(documents) == {
        "DCIM/IMG_0001.JPG",
        "WhatsApp/received.dat",
        "backup.zip",
        "backup.zip!/contacts.vcf",
    }
    assert all(set(doc) >= REQUIRED for doc in documents.values())
    assert documents["DCIM/IMG_0001.JPG"]["class"] == "known"
    assert documents["DCIM/IMG_0001.JPG"]["matches"][0]["bank"] == "test-known"
    assert documents["WhatsApp/received.dat"]["type"] == "image/png"
    assert documents["WhatsApp/received.dat"]["class"] == "new-media"


@pytest.mark.slow
def test_scan_exit_codes(settings: Settings, tmp_path: Path) -> None:
    assert suraksha(settings, "init").returncode == 0
    missing = suraksha(settings, "scan", str(tmp_path / "nope"), "--case", "C", "--device", "D")
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr
    device = tmp_path / "device"
    device.mkdir()
    png_bomb(device / "bomb.png")

    partial = suraksha(settings, "scan", str(device), "--case", "C", "--device", "D")

    assert partial.returncode == 2, partial.stdout + partial.stderr
    assert "could not be fully examined" in partial.stderr


@pytest.mark.slow
def test_scans_groups_and_reported(settings: Settings, tmp_path: Path) -> None:
    device = tmp_path / "device"
    shared = write_scene(device / "DCIM" / "a.jpg", 81)
    write_scene(device / "DCIM" / "b.png", 81, "PNG")  # the same scene: one series with a.jpg
    assert suraksha(settings, "init").returncode == 0
    bad = suraksha(settings, "scan", str(device), "--case", "C", "--device", "D",
                   "--device-id", "IMEI:356938035643800")  # fmt: skip
    assert bad.returncode == 1 and "check digit" in bad.stderr

    done = suraksha(settings, "scan", str(device), "--case", "FIR-8/2026", "--device", "EX-8",
                    "--device-id", f"IMEI:{IMEI}")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    scan_id = re.search(r"Scan (\d+):", done.stdout).group(1)  # type: ignore[union-attr]
    assert "groups by series" in done.stdout
    tips = tmp_path / "tips"
    unit = tips / XML_REPORT_NUMBER
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(REPORT_XML, encoding="utf-8")
    (unit / "files" / "f1.xml").write_text(file_xml(digest_file(shared)), encoding="utf-8")
    assert suraksha(settings, "ingest", str(tips)).returncode == 0

    groups = suraksha(settings, "scans", "groups", scan_id, "--kind", "series", "--format", "jsonl")
    reported = suraksha(settings, "scans", "reported", scan_id, "--format", "jsonl")
    table = suraksha(settings, "scans", "reported", scan_id)
    missing = suraksha(settings, "scans", "groups", "999")

    assert groups.returncode == 0, groups.stderr
    [series] = [json.loads(line) for line in groups.stdout.splitlines()]
    assert (series["kind"], series["paths"]) == ("series", ["DCIM/a.jpg", "DCIM/b.png"])
    links = [json.loads(line) for line in reported.stdout.splitlines()]
    assert [(link["link"], link["reported_in"][0]["report_id"]) for link in links] == [
        ("file", XML_REPORT_NUMBER),
        ("device", XML_REPORT_NUMBER),
    ]
    assert links[0]["path"] == "DCIM/a.jpg" and links[1]["device_id"] == f"imei:{IMEI}"
    assert XML_REPORT_NUMBER in table.stdout
    assert missing.returncode == 1 and "no scan 999" in missing.stderr
