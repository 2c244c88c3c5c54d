"""Videos in a scan: vPDQ frames stored and exported, matched against banked videos and pictures.

Videos are generated (`suraksha.synthetic.videos`: pans across benign scenes); banks are built from
them with the same code `hashes compute --format vpdq` uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from suraksha.hashing.banks import BankKind, import_list
from suraksha.hashing.digests import digest_file
from suraksha.hashing.fingerprints import fingerprint
from suraksha.hashing.formats.vpdq import HEADER
from suraksha.hashing.video import video_hash
from suraksha.storage.session import reading, transaction
from suraksha.synthetic.videos import reencode, write_video
from suraksha.triage.report import build_report
from tests.triage.conftest import ext4_image
from tests.triage.test_scanner import files_of, run


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A banked video: 8 seconds, never itself on a device below."""
    return write_video(tmp_path_factory.mktemp("bank") / "known.mp4", seed=13, seconds=8).path


def bank_videos(db: Engine, tmp_path: Path, *videos: Path, name: str = "known-videos") -> None:
    listing = tmp_path / f"{name}.vpdq"
    lines = [line for path in videos for line in fingerprint(path, "video/mp4").vpdq_lines()]
    listing.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with transaction(db) as session:
        import_list(session, listing, bank=name, kind=BankKind.KNOWN, format_name="vpdq")


def test_copies_and_clips_of_a_banked_video_are_near(
    db: Engine, tmp_path: Path, known: Path
) -> None:
    device = tmp_path / "device"
    device.mkdir()
    reencode(known, device / "VID_copy.bin", width=480, codec="mpeg4")  # renamed, re-encoded
    reencode(known, device / "clip.mp4", codec="libx264", max_seconds=3)
    write_video(device / "holiday.mp4", seed=12, seconds=5)
    bank_videos(db, tmp_path, known)

    result = run(db, device, tmp_path, workers=2)

    found = files_of(db, result.scan_id)
    assert {path: doc["class"] for path, doc in found.items()} == {
        "VID_copy.bin": "near",
        "clip.mp4": "near",
        "holiday.mp4": "new-media",
    }
    [copy] = found["VID_copy.bin"]["matches"]
    assert (copy["algorithm"], copy["bank"], copy["needs_confirmation"]) == (
        "vpdq",
        "known-videos",
        False,
    )
    assert copy["distance"] <= 20
    assert copy["detail"]["item"] == "video"
    assert copy["detail"]["bank_video"] == str(known)
    assert (copy["detail"]["frames_matched"], copy["detail"]["frames"]) == (8, 8)
    assert copy["detail"]["bank_percent"] == 100.0
    [clip] = found["clip.mp4"]["matches"]
    assert clip["detail"]["video_percent"] == 100.0
    assert (clip["detail"]["bank_frames_matched"], clip["detail"]["bank_frames"]) == (3, 8)
    assert clip["detail"]["at_seconds"] == [0.0, 1.0, 2.0]
    assert not clip["needs_confirmation"]  # all of the clip is known material
    holiday = found["holiday.mp4"]["vpdq"]
    assert holiday["codec"] == "h264" and len(holiday["frames"]) == 5
    assert set(holiday["frames"][0]) == {"frame", "seconds", "pdq", "quality"}
    hashed = video_hash(device / "holiday.mp4", "video/mp4")
    assert hashed is not None and holiday["frames"][0]["pdq"] == hashed.frames[0].pdq.hex


def test_a_frame_near_a_banked_picture_needs_confirmation(
    db: Engine, tmp_path: Path, known: Path
) -> None:
    device = tmp_path / "device"
    device.mkdir()
    reencode(known, device / "compilation.mp4", codec="libx264")
    hashed = video_hash(known, "video/mp4")
    assert hashed is not None
    still = hashed.frames[3].pdq  # a still of known material, banked as a picture
    listing = tmp_path / "pictures.pdq"
    listing.write_text(f"hash,quality,filename\n{still.hex},{still.quality},still.jpg\n")
    with transaction(db) as session:
        import_list(session, listing, bank="known-pictures", kind=BankKind.KNOWN)

    result = run(db, device, tmp_path)

    document = files_of(db, result.scan_id)["compilation.mp4"]
    assert document["class"] == "near"
    [match] = document["matches"]
    assert match["detail"]["item"] == "picture" and "bank_video" not in match["detail"]
    assert 3.0 in match["detail"]["at_seconds"]
    assert match["detail"]["frames_matched"] < match["detail"]["frames"]
    assert match["needs_confirmation"]  # a few frames of a video: a person must look
    with reading(db) as session:
        report = build_report(session, result.scan_id)
    [line] = [line for line in report.listed if line.path == "compilation.mp4"]
    assert "near a banked picture" in (line.matches[0].how or "")


def test_an_exact_digest_still_makes_a_video_known(db: Engine, tmp_path: Path, known: Path) -> None:
    device = tmp_path / "device"
    device.mkdir()
    copy = device / "same.mp4"
    copy.write_bytes(known.read_bytes())
    listing = tmp_path / "md5.txt"
    listing.write_text(f"{digest_file(known).md5}  known.mp4\n")
    with transaction(db) as session:
        import_list(session, listing, bank="known-md5", kind=BankKind.KNOWN)
    bank_videos(db, tmp_path, known)

    result = run(db, device, tmp_path)

    document = files_of(db, result.scan_id)["same.mp4"]
    assert document["class"] == "known"
    assert sorted(m["algorithm"] for m in document["matches"]) == ["md5", "vpdq"]


def test_a_damaged_video_is_recorded_and_the_scan_goes_on(
    db: Engine, tmp_path: Path, known: Path
) -> None:
    device = tmp_path / "device"
    device.mkdir()
    (device / "cut.mp4").write_bytes(known.read_bytes()[:6000])
    write_video(device / "fine.mp4", seed=14, seconds=2)

    result = run(db, device, tmp_path)

    found = files_of(db, result.scan_id)
    assert "FFmpeg cannot decode" in found["cut.mp4"]["error"]
    assert found["cut.mp4"]["class"] == "new-media" and "vpdq" not in found["cut.mp4"]
    assert len(found["fine.mp4"]["vpdq"]["frames"]) == 2
    assert result.errors == 1


def test_videos_inside_a_disk_image_are_hashed_from_a_scratch_copy(
    db: Engine, tmp_path: Path, known: Path
) -> None:
    tree = tmp_path / "tree"
    (tree / "DCIM").mkdir(parents=True)
    reencode(known, tree / "DCIM" / "VID_0001.mp4", width=320, codec="mpeg4")
    image = ext4_image(tree, tmp_path / "card.dd", delete=[])
    bank_videos(db, tmp_path, known)

    result = run(db, image, tmp_path)

    document = files_of(db, result.scan_id)["DCIM/VID_0001.mp4"]
    assert document["class"] == "near" and len(document["vpdq"]["frames"]) == 8
    assert list((tmp_path / "scratch").iterdir()) == []  # the copy is removed
