"""Scanning folders, archives and disk images end to end through the domain API, on both databases."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list
from suraksha.hashing.digests import digest_file
from suraksha.hashing.pdq import pdq_of_file
from suraksha.storage.session import reading, transaction
from suraksha.triage.examination import Examination
from suraksha.triage.export import write_jsonl
from suraksha.triage.models import CustodyEvent, Scan, ScannedFile
from suraksha.triage.scanner import QuietObserver, ScanRequest, ScanResult, scan
from suraksha.triage.sources import SourceEntry
from tests.triage.conftest import e01_of, ext4_image, png_bomb, write_rotated, write_scene


def run(db: Engine, source: Path, tmp_path: Path, **options: Any) -> ScanResult:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    request = ScanRequest(source, case_ref="FIR-7/2026", device_label="EX-1 phone")
    return scan(db, request, scratch=scratch, **options)


def files_of(db: Engine, scan_id: int) -> dict[str, dict[str, Any]]:
    out = io.StringIO()
    with reading(db) as session:
        write_jsonl(session, scan_id, out)
    documents = [json.loads(line) for line in out.getvalue().splitlines()]
    return {document["path"]: document for document in documents}


def import_bank(db: Engine, tmp_path: Path, name: str, kind: BankKind, lines: list[str]) -> None:
    listing = tmp_path / f"{name}.txt"
    listing.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    format_name = "pdq" if "," in lines[0] else "md5sum"
    with transaction(db) as session:
        import_list(session, listing, bank=name, kind=kind, format_name=format_name)


def test_files_are_typed_by_content_not_name(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    write_scene(device / "notes.txt", 1)
    write_scene(device / "DCIM" / "report.doc", 2, "PNG")
    (device / "photo.jpg").write_text("not a picture at all\n", encoding="utf-8")
    (device / "empty.jpg").write_bytes(b"")

    result = run(db, device, tmp_path)

    found = files_of(db, result.scan_id)
    assert {path: (doc["type"], doc["class"]) for path, doc in found.items()} == {
        "notes.txt": ("image/jpeg", "new-media"),
        "DCIM/report.doc": ("image/png", "new-media"),
        "photo.jpg": ("text/plain", "other"),
        "empty.jpg": ("application/x-empty", "other"),
    }
    assert found["notes.txt"]["pdq"] == pdq_of_file(device / "notes.txt").hex  # type: ignore[union-attr]
    assert found["notes.txt"]["md5"] == digest_file(device / "notes.txt").md5
    assert result.counts == {"known": 0, "near": 0, "ignorable": 0, "new-media": 2, "other": 2}
    assert result.errors == 0


def test_known_ignorable_and_new_media(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    known = write_scene(device / "a" / "renamed.bin", 10)
    write_scene(device / "b" / "never-seen.jpg", 11)
    (device / "system.dll").write_bytes(b"MZ benign library bytes")
    import_bank(db, tmp_path, "project-test", BankKind.KNOWN, [digest_file(known).md5])
    ignorable_md5 = digest_file(device / "system.dll").md5
    import_bank(db, tmp_path, "nsrl-test", BankKind.IGNORABLE, [ignorable_md5])

    result = run(db, device, tmp_path)

    found = files_of(db, result.scan_id)
    assert found["a/renamed.bin"]["class"] == "known"
    assert found["a/renamed.bin"]["matches"] == [
        {
            "bank": "project-test",
            "kind": "known",
            "version": 1,
            "algorithm": "md5",
            "distance": 0,
            "category": None,
            "needs_confirmation": False,
        }
    ]
    assert found["b/never-seen.jpg"]["class"] == "new-media"
    assert found["system.dll"]["class"] == "ignorable"
    with reading(db) as session:
        row = session.scalars(select(Scan)).one()
        assert sorted(bank["bank"] for bank in row.banks) == ["nsrl-test", "project-test"]
        assert row.source_digest is None and row.source_kind == "folder"
        assert row.status == "finished" and row.finished_at is not None


def test_rotated_copy_matches_through_dihedral_pdq(db: Engine, tmp_path: Path) -> None:
    original = write_scene(tmp_path / "bank-source" / "original.jpg", 22)
    banked = pdq_of_file(original)
    assert banked is not None and banked.usable
    import_bank(db, tmp_path, "known-pdq", BankKind.KNOWN, [f"{banked.hex},{banked.quality}"])
    device = tmp_path / "device"
    write_rotated(original, device / "turned.png")

    result = run(db, device, tmp_path)

    turned = files_of(db, result.scan_id)["turned.png"]
    assert turned["class"] == "near"
    assert [(m["algorithm"], m["bank"]) for m in turned["matches"]] == [("pdq", "known-pdq")]
    assert turned["matches"][0]["distance"] <= 31


def test_archives_inside_the_tree_are_entered(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    device.mkdir()
    picture = write_scene(tmp_path / "loose" / "pic.jpg", 31)
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tar:
        tar.add(picture, arcname="trip/pic.jpg")
    with zipfile.ZipFile(device / "backup.dat", "w") as archive:
        archive.writestr("old/photos.tar.gz", inner.getvalue())
        archive.writestr("readme.txt", "holiday\n")

    result = run(db, device, tmp_path, workers=2)

    found = files_of(db, result.scan_id)
    assert set(found) == {
        "backup.dat",
        "backup.dat!/old/photos.tar.gz!/trip/pic.jpg",
        "backup.dat!/readme.txt",
    }
    member = found["backup.dat!/old/photos.tar.gz!/trip/pic.jpg"]
    assert (member["class"], member["sha256"]) == ("new-media", digest_file(picture).sha256)
    assert found["backup.dat"]["type"] == "application/zip"
    assert list((tmp_path / "scratch").iterdir()) == []  # extracted members removed


def test_a_decompression_bomb_is_recorded_and_the_scan_goes_on(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    device.mkdir()
    png_bomb(device / "bomb.png")
    write_scene(device / "fine.jpg", 41)

    result = run(db, device, tmp_path)

    found = files_of(db, result.scan_id)
    assert "decompression bomb" in found["bomb.png"]["error"]
    assert found["bomb.png"]["type"] == "image/png" and "pdq" not in found["bomb.png"]
    assert found["bomb.png"]["md5"] == digest_file(device / "bomb.png").md5
    assert "pdq" in found["fine.jpg"] and "error" not in found["fine.jpg"]
    assert result.errors == 1


class _StopAfter(QuietObserver):
    """An observer that interrupts the scan after `limit` files, as Ctrl-C would."""

    def __init__(self, limit: int) -> None:
        self.limit, self.seen = limit, 0

    def scanned(self, entry: SourceEntry, examination: Examination | None) -> None:
        self.seen += 1
        if self.seen == self.limit:
            raise KeyboardInterrupt


def test_an_interrupted_scan_resumes_without_rework_or_duplicates(
    db: Engine, tmp_path: Path
) -> None:
    device = tmp_path / "device"
    for index in range(7):
        write_scene(device / f"img-{index}.jpg", 50 + index)
    with zipfile.ZipFile(device / "more.zip", "w") as archive:
        archive.writestr("a.txt", "one\n")
        archive.writestr("b.txt", "two\n")

    with pytest.raises(KeyboardInterrupt):
        run(db, device, tmp_path, batch_size=2, observer=_StopAfter(5))
    with reading(db) as session:
        stored = session.scalar(select(func.count()).select_from(ScannedFile))
        status = session.scalars(select(Scan.status)).one()
    assert status == "interrupted" and stored == 4  # two whole batches

    result = run(db, device, tmp_path, batch_size=2)

    assert result.resumed and result.skipped == 4 and result.examined == 6
    with reading(db) as session:
        paths = list(session.scalars(select(ScannedFile.path)))
        actions = list(session.scalars(select(CustodyEvent.action).order_by(CustodyEvent.id)))
        scans = session.scalar(select(func.count()).select_from(Scan))
    assert sorted(paths) == sorted({*(f"img-{i}.jpg" for i in range(7)), "more.zip",
                                    "more.zip!/a.txt", "more.zip!/b.txt"})  # fmt: skip
    assert scans == 1
    assert actions == ["scan started", "scan interrupted", "scan resumed", "scan finished"]
    assert result.total == 10


def test_a_changed_source_is_not_resumed(db: Engine, tmp_path: Path) -> None:
    dump = tmp_path / "dump.zip"
    with zipfile.ZipFile(dump, "w") as archive:
        for index in range(4):
            archive.writestr(f"f{index}.txt", f"file {index}\n")
    with pytest.raises(KeyboardInterrupt):
        run(db, dump, tmp_path, batch_size=1, observer=_StopAfter(2))
    with zipfile.ZipFile(dump, "a") as archive:
        archive.writestr("planted.txt", "added later\n")

    with pytest.raises(UserInputError, match="the evidence changed"):
        run(db, dump, tmp_path)


def _disk_tree(tmp_path: Path) -> tuple[Path, Path]:
    tree = tmp_path / "tree"
    write_scene(tree / "DCIM" / "kept.jpg", 61)
    deleted = write_scene(tree / "wiped.jpg", 62)
    (tree / "notes.txt").write_text("shopping list\n", encoding="utf-8")
    return tree, deleted


def test_deleted_files_are_recovered_from_a_raw_image(db: Engine, tmp_path: Path) -> None:
    tree, deleted = _disk_tree(tmp_path)
    image = ext4_image(tree, tmp_path / "card.dd", delete=["wiped.jpg"])
    import_bank(db, tmp_path, "known", BankKind.KNOWN, [digest_file(deleted).md5])

    result = run(db, image, tmp_path, workers=2)

    found = files_of(db, result.scan_id)
    wiped = found["wiped.jpg"]
    assert wiped["deleted"] is True and wiped["class"] == "known"
    assert wiped["sha256"] == digest_file(deleted).sha256
    assert wiped["pdq"] == pdq_of_file(deleted).hex  # type: ignore[union-attr]
    assert found["DCIM/kept.jpg"]["deleted"] is False
    assert found["DCIM/kept.jpg"]["class"] == "new-media"
    assert "inode" in found["DCIM/kept.jpg"]
    assert result.source_kind == "raw"
    assert result.source_sha256 == digest_file(image).sha256
    with reading(db) as session:
        facts = session.scalars(select(Scan.source_digests)).one()
        times = session.scalars(
            select(ScannedFile.modified_at).where(ScannedFile.path == "wiped.jpg")
        ).one()
    assert facts["media_size"] == 8 << 20
    assert times is not None


def test_e01_images_are_read_through_libewf(db: Engine, tmp_path: Path) -> None:
    tree, deleted = _disk_tree(tmp_path)
    raw = ext4_image(tree, tmp_path / "card.dd", delete=["wiped.jpg"])
    image = e01_of(raw, tmp_path / "card")

    result = run(db, image, tmp_path)

    found = files_of(db, result.scan_id)
    assert found["wiped.jpg"]["deleted"] is True
    assert found["wiped.jpg"]["sha1"] == digest_file(deleted).sha1
    assert result.source_kind == "ewf"
    with reading(db) as session:
        facts = session.scalars(select(Scan.source_digests)).one()
    assert facts["acquisition_md5"] == digest_file(raw).md5
