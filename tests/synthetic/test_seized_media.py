"""The demo's synthetic seized device: its hash lists name what the docstring says they name."""

from __future__ import annotations

from pathlib import Path

from suraksha.hashing.digests import digest_file
from suraksha.synthetic.seized_media import write_seized_device


def test_lists_name_originals_on_the_device_and_only_copies_of_the_pdq_ones(tmp_path: Path) -> None:
    device = write_seized_device(tmp_path / "out", seed=4, scenes=8)
    assert (device.exact_known, device.perceptual_known) == (2, 2)
    on_device = {digest_file(path).md5 for path in device.folder.rglob("*.jpg")}
    listed_md5 = [line.split()[0] for line in device.md5_list.read_text().splitlines()]
    assert len(listed_md5) == 2 and set(listed_md5) <= on_device
    pdq_lines = device.pdq_list.read_text().splitlines()
    assert pdq_lines[0] == "hash,quality,filename" and len(pdq_lines) == 3
    for line in pdq_lines[1:]:
        pdq, quality, name = line.split(",")
        assert len(pdq) == 64 and int(quality) >= 50
        assert not (device.folder / "originals" / name).exists()  # removed: only copies remain
        assert any((device.folder / "copies").glob(f"{Path(name).stem}-*"))
    assert device.files == sum(1 for path in device.folder.rglob("*") if path.is_file())


def test_videos_leave_only_copies_of_the_listed_one(tmp_path: Path) -> None:
    device = write_seized_device(tmp_path / "out", seed=4, scenes=4, video_seconds=4)
    assert device.vpdq_list is not None and device.videos == 3
    lines = device.vpdq_list.read_text().splitlines()
    assert lines[0] == "video,frame,hash,quality,seconds"
    assert {line.split(",")[0] for line in lines[1:]} == {"known-video-1"}
    assert len(lines) == 5  # one frame a second
    videos = sorted(path.name for path in (device.folder / "videos").iterdir())
    assert videos == ["VID_0001.mp4", "VID_0002.mp4", "VID_0003.mp4"]
    assert not list(device.vpdq_list.parent.glob("*.mp4"))  # the listed original is gone
