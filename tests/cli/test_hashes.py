"""`suraksha hashes compute` and `hashes lookup` as an examiner uses them (generated benign images)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PIL import Image, ImageDraw

from suraksha.config import Settings
from suraksha.synthetic.videos import reencode, write_video
from tests.commands import ok, suraksha


def scene(path: Path, size: tuple[int, int] = (640, 480)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.rectangle(
            [x, (x * 3) % size[1], x + 30, (x * 3) % size[1] + 60], fill=(x % 255, 90, 200)
        )
    image.save(path)
    return image


def test_compute_gives_digests_for_every_file_and_pdq_for_images(
    settings: Settings, tmp_path: Path
) -> None:
    exhibit = tmp_path / "exhibit" / "DCIM"
    exhibit.mkdir(parents=True)
    original = scene(exhibit / "IMG_0001.jpg")
    original.resize((320, 240)).save(exhibit / "IMG_0001-small.png")
    (exhibit / "readme.txt").write_bytes(b"benign text")
    rows = [
        json.loads(line)
        for line in ok(
            suraksha(settings, "hashes", "compute", str(tmp_path / "exhibit"), "--format", "jsonl")
        ).splitlines()
    ]
    by_name = {Path(row["path"]).name: row for row in rows}
    assert sorted(by_name) == ["IMG_0001-small.png", "IMG_0001.jpg", "readme.txt"]
    text = by_name["readme.txt"]
    assert text["md5"] == hashlib.md5(b"benign text", usedforsecurity=False).hexdigest()
    assert text["sha256"] == hashlib.sha256(b"benign text").hexdigest()
    assert "pdq" not in text
    big, small = by_name["IMG_0001.jpg"], by_name["IMG_0001-small.png"]
    assert len(big["pdq"]) == 64 and big["quality"] >= 50
    assert big["pdq_preprocessing"] == small["pdq_preprocessing"]
    distance = (int(big["pdq"], 16) ^ int(small["pdq"], 16)).bit_count()
    assert distance <= 31, "a resized copy must stay within the PDQ threshold"


def test_lookup_finds_a_banked_hash_and_says_no_match_otherwise(
    settings: Settings, tmp_path: Path
) -> None:
    ok(suraksha(settings, "init"))
    known = hashlib.md5(b"synthetic known file", usedforsecurity=False).hexdigest()
    listing = tmp_path / "known.md5"
    listing.write_text(f"{known}  known.jpg\n")
    ok(suraksha(settings, "hashes", "import", str(listing), "--bank", "vic-demo"))
    output = ok(suraksha(settings, "hashes", "lookup", known.upper(), "f" * 32))
    assert "vic-demo" in output and "no match" in output


def test_export_and_diff_from_the_command_line(settings: Settings, tmp_path: Path) -> None:
    ok(suraksha(settings, "init"))
    first, second = tmp_path / "v1.md5", tmp_path / "v2.md5"
    one, two = (hashlib.md5(t, usedforsecurity=False).hexdigest() for t in (b"one", b"two"))
    first.write_text(f"{one}  one.jpg\n")
    second.write_text(f"{one}  one.jpg\n{two}  two.jpg\n")
    for listing in (first, second):
        ok(suraksha(settings, "hashes", "import", str(listing), "--bank", "b"))
    exported = ok(suraksha(settings, "hashes", "export", "b", "--format", "md5sum"))
    assert sorted(exported.splitlines()) == sorted([f"{one}  one.jpg", f"{two}  two.jpg"])
    changes = [
        json.loads(line)
        for line in ok(suraksha(settings, "hashes", "diff", "b", "--format", "jsonl")).splitlines()
    ]
    assert [(c["change"], c["version"], c["label"]) for c in changes] == [("added", 2, "two.jpg")]
    missing = suraksha(settings, "hashes", "export", "nope", "--format", "vics")
    assert missing.returncode == 1 and "hashes list" in missing.stderr


def test_import_with_a_scheme_labels_categories_and_reports_unknown_ones(
    settings: Settings, tmp_path: Path
) -> None:
    ok(suraksha(settings, "init"))
    first, second = (hashlib.md5(t, usedforsecurity=False).hexdigest() for t in (b"a", b"b"))
    listing = tmp_path / "caid.json"
    listing.write_text(
        json.dumps(
            {
                "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/"
                "2.0.xml/Default/$metadata#Media",
                "value": [
                    {"MediaID": 1, "Category": 1, "MD5": first.upper()},
                    {"MediaID": 2, "Category": 9, "MD5": second.upper()},
                ],
            }
        )
    )
    wrong = suraksha(settings, "hashes", "import", str(listing), "--bank", "uk", "--scheme", "x")
    assert wrong.returncode == 1 and "uk-caid" in wrong.stderr
    done = suraksha(settings, "hashes", "import", str(listing), "--bank", "uk", "--scheme", "caid")
    assert done.returncode == 0, done.stderr
    assert "2 added" in done.stdout and "0 lines rejected" in done.stdout
    assert "1 entries have a category the uk-caid scheme does not define" in done.stderr
    listed = ok(suraksha(settings, "hashes", "list"))
    assert "uk-caid" in listed
    looked = ok(suraksha(settings, "hashes", "lookup", first, second))
    assert "1 (Category A)" in looked


def test_compute_vpdq_builds_a_video_bank_that_a_scan_matches(
    settings: Settings, tmp_path: Path
) -> None:
    known = tmp_path / "known-videos"
    known.mkdir()
    original = write_video(known / "clip-0007.mp4", seed=13, seconds=4).path
    (known / "notes.txt").write_text("not a video\n", encoding="utf-8")
    listing = tmp_path / "known.vpdq"
    listing.write_text(ok(suraksha(settings, "hashes", "compute", str(known), "--format", "vpdq")))
    lines = listing.read_text().splitlines()
    assert lines[0] == "video,frame,hash,quality,seconds" and len(lines) == 5  # 4 seconds, 4 frames
    assert all(line.startswith(f"{original},") for line in lines[1:])
    as_json = json.loads(
        ok(suraksha(settings, "hashes", "compute", str(original), "--format", "jsonl"))
    )
    assert [f["pdq"] for f in as_json["vpdq"]["frames"]] == [
        line.split(",")[2] for line in lines[1:]
    ]

    ok(suraksha(settings, "init"))
    imported = ok(suraksha(settings, "hashes", "import", str(listing), "--bank", "videos"))
    assert "vpdq" in imported
    device = tmp_path / "device"
    device.mkdir()
    reencode(original, device / "VID_2231.mp4", width=320, codec="mpeg4")
    report = tmp_path / "scan.jsonl"
    ok(
        suraksha(
            settings,
            "scan",
            str(device),
            "--case",
            "FIR 9/2026",
            "--device",
            "EX-2",
            "--json",
            str(report),
        )
    )
    [document] = [json.loads(line) for line in report.read_text().splitlines()]
    assert document["class"] == "near"
    assert document["matches"][0]["algorithm"] == "vpdq"
