"""Tests of generated benign images: determinism per seed and a complete manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from suraksha.errors import UserInputError
from suraksha.hashing.digests import digest_file
from suraksha.synthetic.images import TRANSFORMS, scene, transformed, write_images


def digests(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): digest_file(path).sha256
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def test_scene_is_deterministic_per_seed() -> None:
    assert scene(3).tobytes() == scene(3).tobytes()
    assert scene(3).tobytes() != scene(4).tobytes()
    assert scene("3").tobytes() == scene(3).tobytes()


def test_transform_names_are_unique_and_leave_the_input_alone() -> None:
    names = [transform.name for transform in TRANSFORMS]
    assert len(names) == len(set(names))
    image = scene(5)
    before = image.tobytes()
    for transform in TRANSFORMS:
        assert transformed(image, transform).mode == "RGB"
    assert image.tobytes() == before


def test_write_images_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = write_images(tmp_path / "a", count=2, seed=7)
    write_images(tmp_path / "b", count=2, seed=7)
    write_images(tmp_path / "c", count=1, seed=8)
    assert first.originals == 2
    assert first.copies == 2 * len(TRANSFORMS)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    other = digests(tmp_path / "c")
    assert other["originals/000001.jpg"] != digests(tmp_path / "a")["originals/000001.jpg"]


def test_manifest_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "set"
    summary = write_images(out, count=2, seed=1)
    manifest = json.loads(summary.manifest.read_text("utf-8"))
    files: dict[str, dict[str, str]] = manifest["files"]
    on_disk = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()} - {
        "manifest.json"
    }
    assert set(files) == on_disk
    assert manifest["seed"] == 1
    assert manifest["count"] == 2
    assert list(manifest["transforms"]) == sorted(summary.transforms)
    originals = {name for name, entry in files.items() if entry["transform"] == "original"}
    assert originals == {"originals/000001.jpg", "originals/000002.jpg"}
    for original in originals:
        assert files[original]["original"] == original
        copies = {
            entry["transform"]
            for entry in files.values()
            if entry["original"] == original and entry["transform"] != "original"
        }
        assert copies == set(summary.transforms)
    turned = out / "copies/000001-exif_orientation.jpg"
    with Image.open(turned) as image:
        assert image.getexif()[0x0112] == 6


def test_write_images_refuses_a_used_directory(tmp_path: Path) -> None:
    (tmp_path / "stale.txt").write_text("old", encoding="utf-8")
    with pytest.raises(UserInputError, match="not an empty directory"):
        write_images(tmp_path, count=1, seed=1)
    with pytest.raises(UserInputError, match="positive number"):
        write_images(tmp_path / "new", count=0, seed=1)
