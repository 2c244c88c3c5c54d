"""The draft BSA s.63 certificate of a real scan, on both databases: filled from the stored scan."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from suraksha.errors import UserInputError
from suraksha.hashing.digests import digest_file
from suraksha.hashing.pdq import PREPROCESSING_VERSION
from suraksha.storage.session import reading
from suraksha.triage.certificate import write_certificate
from suraksha.triage.models import Scan
from suraksha.triage.scanner import ScanRequest, scan
from tests.triage.conftest import write_scene


def test_certificate_of_an_archive_carries_its_digests_ids_and_ist_times(
    db: Engine, tmp_path: Path
) -> None:
    pictures = [write_scene(tmp_path / f"p{n}.jpg", 400 + n) for n in range(2)]
    archive = tmp_path / "exhibit.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for picture in pictures:
            handle.write(picture, f"DCIM/{picture.name}")
    (tmp_path / "scratch").mkdir()
    request = ScanRequest(
        archive,
        "FIR-112/2026",
        "EX-3 card",
        device_ids=("IMEI:356938035643809", "Serial Number:R58M123ABC"),
    )
    result = scan(db, request, scratch=tmp_path / "scratch", workers=0)
    out = tmp_path / "out"
    out.mkdir()

    with reading(db) as session:
        written = write_certificate(session, result.scan_id, out)
        started = session.get_one(Scan, result.scan_id).started_at

    html = written.html.read_text(encoding="utf-8")
    source = digest_file(archive)
    for label, value in (("SHA-256", source.sha256), ("SHA-1", source.sha1), ("MD5", source.md5)):
        assert f'<tr><td>{label}</td><td class="hash">{value}</td>' in html
    assert "DRAFT" in html and "Bharatiya Sakshya Adhiniyam, 2023" in html
    assert "PART A (to be filled by the Party)" in html
    assert "PART B (to be filled by the Expert)" in html
    assert '<span class="fill">[TO BE FILLED: name and signature]</span>' in html
    assert "R58M123ABC" in html and "IMEI 356938035643809" in html
    assert started.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%d/%m/%Y %H:%M:%S IST") in html
    assert PREPROCESSING_VERSION in html and "Suraksha 0.1.0" in html
    # The enclosed hash list: every file of the scan (two members and the archive), its digest
    # printed on the certificate.
    listing = written.hash_list.read_bytes()
    assert hashlib.sha256(listing).hexdigest() == written.draft.hash_list.sha256
    assert written.draft.hash_list.sha256 in html
    assert sorted(line.split("  ", 1)[1] for line in listing.decode().splitlines()) == [
        "exhibit.zip",
        "exhibit.zip!/DCIM/p0.jpg",
        "exhibit.zip!/DCIM/p1.jpg",
    ]
    assert written.pdf is not None and written.pdf.read_bytes().startswith(b"%PDF")
    assert "<img" not in html


def test_the_hash_list_of_a_folder_checks_with_sha256sum(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    write_scene(device / "DCIM" / "a.jpg", 410)
    (device / "back\\slash.txt").write_text("one\n", encoding="utf-8")
    (device / "line\nbreak.txt").write_text("two\n", encoding="utf-8")
    (tmp_path / "scratch").mkdir()
    result = scan(db, ScanRequest(device, "FIR-1/2026", "EX-1"), scratch=tmp_path / "scratch")
    out = tmp_path / "out"
    out.mkdir()

    with reading(db) as session:
        written = write_certificate(session, result.scan_id, out, pdf=False)

    html = written.html.read_text(encoding="utf-8")
    assert "a folder source has no single digest: this list stands for it" in html
    assert written.draft.hash_list.files == 3
    sha256sum = shutil.which("sha256sum")
    assert sha256sum is not None, "coreutils' sha256sum is needed to check the list's format"
    checked = subprocess.run(
        [sha256sum, "--check", "--strict", str(written.hash_list)],
        cwd=device,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 3


def test_a_missing_scan_is_a_user_error_and_writes_nothing(db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserInputError, match="scans list"), reading(db) as session:
        write_certificate(session, 42, out)
    assert list(out.iterdir()) == []
