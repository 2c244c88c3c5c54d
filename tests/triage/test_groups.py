"""Groups of a scan's media: camera, folder, day, burst, place, and PDQ series of new media."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from suraksha.storage.session import reading
from suraksha.triage.groups import (
    Group,
    GroupKind,
    MediaFile,
    compute_groups,
    count_by_kind,
    groups_of,
)
from suraksha.triage.scanner import ScanRequest, scan
from tests.triage.conftest import write_camera_scene, write_scene


def flipped(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


def hex_of(value: int) -> str:
    return f"{value:064x}"


def media(path: str, *, klass: str = "new-media", pdq: int | None = None, **exif: Any) -> MediaFile:
    return MediaFile(path, path, klass, "image", None if pdq is None else hex_of(pdq), 100, exif)


def by_kind(groups: list[Group], kind: GroupKind) -> dict[str, tuple[str, ...]]:
    return {group.key: group.paths for group in groups if group.kind is kind}


def test_camera_folder_day_burst_and_place() -> None:
    cam: dict[str, Any] = {"make": "BenignCam", "model": "X1", "body_serial": "SN-1"}
    files = [
        media("DCIM/1.jpg", captured_at="2025-06-01T10:00:00", **cam),
        media("DCIM/2.jpg", captured_at="2025-06-01T10:01:30+05:30", **cam),
        media("DCIM/3.jpg", captured_at="2025-06-01T10:03:00", **cam),
        media("DCIM/4.jpg", captured_at="2025-06-01T10:09:00", **cam),  # 6 minutes later
        media("b.zip!/x/5.jpg", klass="known", make="OtherCam", captured_at="2025-06-02T08:00:00"),
        media("6.jpg", gps={"lat": 28.6139, "lon": 77.209}),
        media("x/7.jpg", gps={"lat": 28.6171, "lon": 77.2021}),
        media("x/8.jpg", gps={"lat": 19.076, "lon": 72.8777}),
    ]

    groups = compute_groups(files)

    assert by_kind(groups, GroupKind.CAMERA) == {
        "BenignCam / X1 / SN-1": ("DCIM/1.jpg", "DCIM/2.jpg", "DCIM/3.jpg", "DCIM/4.jpg"),
        "OtherCam / ? / ?": ("b.zip!/x/5.jpg",),
    }
    assert by_kind(groups, GroupKind.FOLDER) == {
        "DCIM": ("DCIM/1.jpg", "DCIM/2.jpg", "DCIM/3.jpg", "DCIM/4.jpg"),
        "x": ("x/7.jpg", "x/8.jpg"),
        ".": ("6.jpg",),
        "b.zip!/x": ("b.zip!/x/5.jpg",),
    }
    assert by_kind(groups, GroupKind.DAY) == {
        "2025-06-01": ("DCIM/1.jpg", "DCIM/2.jpg", "DCIM/3.jpg", "DCIM/4.jpg"),
        "2025-06-02": ("b.zip!/x/5.jpg",),
    }
    [burst] = [g for g in groups if g.kind is GroupKind.BURST]
    assert burst.paths == ("DCIM/1.jpg", "DCIM/2.jpg", "DCIM/3.jpg")
    assert burst.detail == {
        "first": "2025-06-01T10:00:00",
        "last": "2025-06-01T10:03:00",
        "camera": "BenignCam / X1 / SN-1",
    }
    assert by_kind(groups, GroupKind.PLACE) == {
        "28.61,77.20": ("6.jpg", "x/7.jpg"),
        "19.07,72.87": ("x/8.jpg",),
    }
    known = next(g for g in groups if g.key == "b.zip!/x")
    assert known.classes == {"known": 1}
    assert count_by_kind(groups) == {
        "camera": 2, "folder": 4, "day": 2, "burst": 1, "place": 2, "series": 0,
    }  # fmt: skip


def test_series_are_connected_components_of_new_media_within_the_threshold() -> None:
    rng = random.Random(5)
    base, other = rng.getrandbits(256), rng.getrandbits(256)
    step = flipped(base, list(range(0, 20)))  # 20 from base
    chained = flipped(step, list(range(100, 125)))  # 25 from step, 45 from base: joined via step
    files = [
        media("s/a.jpg", pdq=base),
        media("s/b.jpg", pdq=step),
        media("s/c.jpg", pdq=chained),
        media("s/known.jpg", klass="known", pdq=base),  # not new media: not in a series
        media("t/d.jpg", pdq=other),
        media("t/e.jpg", pdq=flipped(other, [1, 2, 3])),
        media("u/alone.jpg", pdq=rng.getrandbits(256)),
        MediaFile("low", "u/flat.jpg", "new-media", "image", hex_of(base), 10, {}),
    ]

    series = compute_groups(files, [GroupKind.SERIES])

    assert [(g.key, g.paths, g.detail) for g in series] == [
        ("s/a.jpg", ("s/a.jpg", "s/b.jpg", "s/c.jpg"), {"max_distance": 25}),
        ("t/d.jpg", ("t/d.jpg", "t/e.jpg"), {"max_distance": 3}),
    ]


def test_a_video_joins_the_series_of_pictures_and_videos_sharing_its_frames() -> None:
    rng = random.Random(7)
    scene_a, scene_b, far = (rng.getrandbits(256) for _ in range(3))
    clip = MediaFile(
        "v1",
        "v/clip.mp4",
        "new-media",
        "video",
        frames=(hex_of(flipped(scene_a, [9, 10])), hex_of(flipped(scene_b, [70]))),
    )
    files = [
        clip,
        media("p/a.jpg", pdq=scene_a),  # a still of the clip's first scene
        MediaFile("v2", "v/other.mp4", "new-media", "video", frames=(hex_of(scene_b),)),
        MediaFile("v3", "v/unrelated.mp4", "new-media", "video", frames=(hex_of(far),)),
        MediaFile(
            "v4", "v/known.mp4", "near", "video", frames=(hex_of(scene_a),)
        ),  # matched a bank: not new media
    ]

    [series] = compute_groups(files, [GroupKind.SERIES])

    assert series.paths == ("p/a.jpg", "v/clip.mp4", "v/other.mp4")
    assert series.detail == {"max_distance": 2}  # frames of one video are not compared together


def test_groups_of_a_scanned_folder(db: Engine, tmp_path: Path) -> None:
    device = tmp_path / "device"
    for minute in range(3):
        write_camera_scene(
            device / "DCIM" / f"IMG_{minute}.jpg",
            400 + minute,
            make="BenignCam",
            model="X1",
            serial="SN-9",
            captured=f"2025:11:02 17:0{minute}:00",
            gps=(12.9716, 77.5946),
        )
    original = write_scene(device / "saved" / "pic.jpg", 410)
    write_scene(device / "saved" / "pic-copy.png", 410, "PNG")  # same scene, other bytes
    assert original.read_bytes() != (device / "saved" / "pic-copy.png").read_bytes()
    (device / "notes.txt").write_text("not media\n", encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    result = scan(db, ScanRequest(device, "FIR-3/2026", "EX-3"), scratch=scratch)

    with reading(db) as session:
        groups = groups_of(session, result.scan_id)
    assert count_by_kind(groups) == {
        "camera": 1, "folder": 2, "day": 1, "burst": 1, "place": 1, "series": 1,
    }  # fmt: skip
    [camera] = [g for g in groups if g.kind is GroupKind.CAMERA]
    assert camera.detail == {"make": "BenignCam", "model": "X1", "body_serial": "SN-9"}
    assert camera.classes == {"new-media": 3}
    [series] = [g for g in groups if g.kind is GroupKind.SERIES]
    assert series.paths == ("saved/pic-copy.png", "saved/pic.jpg")
    [place] = [g for g in groups if g.kind is GroupKind.PLACE]
    assert (place.key, place.size) == ("12.97,77.59", 3)
