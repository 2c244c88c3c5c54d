"""Archive extraction on synthetic deliveries: good members exact, hostile ones refused, scratch kept."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import tarfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Literal

import pytest

from suraksha.errors import FormatError, HostileInputError, UserInputError
from suraksha.intake.archives import ArchiveLimits, Extraction, extract, is_archive, provenance

Members = dict[str, bytes]
TarMode = Literal["w", "w:gz", "w:bz2", "w:xz"]


@pytest.fixture
def tips(report_xml: str, file_xml: tuple[str, str], report_json: dict[str, object]) -> Members:
    """One month of a delivery: an ESP XML tip folder and a law-enforcement JSON report."""
    return {
        "2026-11/90412345/report.xml": report_xml.encode(),
        "2026-11/90412345/files/f1.xml": file_xml[0].encode(),
        "2026-11/90412345/files/f2.xml": file_xml[1].encode(),
        "2026-11/90412346.json": json.dumps(report_json, indent=2).encode(),
        "2026-11/കൊച്ചി സൈബർ\u200dസെൽ/टिप्पणी.txt": "संश्लेषित टिप्पणी\n".encode(),
    }


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The scratch folder the archives are unpacked into."""
    return tmp_path / "scratch"


def outside(scratch: Path) -> set[tuple[str, int]]:
    """Every path under the test's folder except scratch, with its size."""
    return {
        (str(path), path.lstat().st_size)
        for path in scratch.parent.rglob("*")
        if path != scratch and scratch not in path.parents
    }


def unpack(path: Path, scratch: Path, limits: ArchiveLimits | None = None) -> Extraction:
    """`extract`, failing if it wrote anything outside scratch or anything in scratch but its root."""
    before = outside(scratch)
    present = set(scratch.iterdir()) if scratch.exists() else set()
    try:
        return extract(path, scratch) if limits is None else extract(path, scratch, limits)
    finally:
        assert outside(scratch) == before, "something was written outside scratch"
        added = set(scratch.iterdir()) - present if scratch.exists() else set()
        assert added <= {scratch / path.name}, f"left in scratch: {added}"


def write_zip(path: Path, members: Members, *, folders: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if folders:
            for name in sorted({str(Path(name).parent) + "/" for name in members}):
                archive.writestr(name, b"")
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def add(archive: tarfile.TarFile, name: str, data: bytes = b"", **fields: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1_793_000_000
    for key, value in fields.items():
        setattr(info, key, value)
    archive.addfile(info, io.BytesIO(data) if info.isreg() else None)


def write_tar(path: Path, members: Members, mode: TarMode = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            add(archive, name, data)
    return path


def extracted(extraction: Extraction) -> Members:
    """Every regular file under the root by its "/"-path, after checking no link was made."""
    found: Members = {}
    for path in sorted(extraction.root.rglob("*")):
        assert not path.is_symlink(), f"{path} is a link"
        mode = path.lstat().st_mode
        assert stat.S_ISREG(mode) or stat.S_ISDIR(mode), f"{path} is a special file"
        if path.is_file():
            found[path.relative_to(extraction.root).as_posix()] = path.read_bytes()
    return found


def refused(extraction: Extraction) -> dict[str, str]:
    return dict(extraction.refused)


def central_entry(data: bytes | bytearray, member: str) -> int:
    """The offset of `member`'s entry in the zip's central directory."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == member.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} is not in the central directory")


def patch_zip(path: Path, member: str, *, flags: int = 0, size: int | None = None) -> None:
    """Rewrite one member's headers (local and central) in place, as a hostile sender would."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    central = central_entry(data, member)
    for flag_at, size_at in ((local + 6, local + 22), (central + 8, central + 24)):
        old = int.from_bytes(data[flag_at : flag_at + 2], "little")
        data[flag_at : flag_at + 2] = (old | flags).to_bytes(2, "little")
        if size is not None:
            data[size_at : size_at + 4] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


class Zeros:
    """`size` zero bytes, read in pieces, so a bomb is built without holding it in memory."""

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, size: int = -1, /) -> bytes:
        count = self.left if size < 0 else min(size, self.left)
        self.left -= count
        return bytes(count)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MB of zeros deflated into about 200 KB, next to one real tip, built by streaming."""
    path = tmp_path_factory.mktemp("bomb") / "delivery.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2026-11/note.txt", b"synthetic note\n")
        with archive.open("2026-11/video.mp4", "w") as member:
            zeros = bytes(1 << 20)
            for _ in range(200):
                member.write(zeros)
    return path


# -- good deliveries ---------------------------------------------------------------------------


def test_zip_of_tip_folders_is_extracted_exactly(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    delivery = write_zip(tmp_path / "delivery.zip", tips, folders=True)

    result = unpack(delivery, scratch)

    assert result.root == scratch / "delivery.zip"
    assert result.refused == []
    assert extracted(result) == tips
    assert sorted(result.files) == sorted(result.root / name for name in tips)
    report = result.root / "2026-11" / "90412345" / "report.xml"
    assert provenance(result, report) == "delivery.zip!/2026-11/90412345/report.xml"
    assert provenance(result, result.root) == "delivery.zip!"


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_tar_archives_plain_and_compressed_are_extracted_exactly(
    tmp_path: Path, scratch: Path, tips: Members, mode: TarMode
) -> None:
    delivery = write_tar(tmp_path / "delivery.tar", tips, mode)
    assert is_archive(delivery)

    result = unpack(delivery, scratch)

    assert result.refused == []
    assert extracted(result) == tips


def test_zip_inside_tar_is_opened_into_a_folder_of_its_name(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    inner = write_zip(tmp_path / "inner.zip", tips).read_bytes()
    manifest = b"batch-2026-11.zip: 2 reports\n"
    delivery = write_tar(
        tmp_path / "delivery.tar.gz",
        {"manifest.txt": manifest, "batches/batch-2026-11.zip": inner},
    )

    result = unpack(delivery, scratch)

    assert result.refused == []
    assert result.nested == {"batches/batch-2026-11.zip"}
    assert (result.root / "batches" / "batch-2026-11.zip").is_dir()
    assert extracted(result) == {
        "manifest.txt": manifest,
        **{f"batches/batch-2026-11.zip/{name}": data for name, data in tips.items()},
    }
    assert result.root / "batches" / "batch-2026-11.zip" not in result.files
    report = result.root / "batches/batch-2026-11.zip/2026-11/90412345/report.xml"
    assert report in result.files
    assert provenance(result, report) == (
        "delivery.tar.gz!/batches/batch-2026-11.zip!/2026-11/90412345/report.xml"
    )


def test_archives_are_recognised_by_their_bytes_not_their_names(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    renamed_zip = write_zip(tmp_path / "export.dat", tips)
    renamed_tar = write_tar(tmp_path / "999000001.json", tips, "w:xz")
    fake_zip = tmp_path / "fake.zip"
    fake_zip.write_text("not an archive\n")
    gzipped_json = tmp_path / "90412346.json.gz"
    gzipped_json.write_bytes(gzip.compress(tips["2026-11/90412346.json"]))

    assert is_archive(renamed_zip)
    assert is_archive(renamed_tar)
    assert not is_archive(fake_zip)
    assert not is_archive(gzipped_json)  # compressed, but no tar inside
    assert not is_archive(tmp_path / "missing.zip")
    assert extracted(unpack(renamed_zip, scratch)) == tips
    assert extracted(unpack(renamed_tar, scratch)) == tips
    with pytest.raises(FormatError, match="not a zip or tar archive"):
        unpack(fake_zip, scratch)
    with pytest.raises(FormatError, match="holds no tar archive"):
        unpack(gzipped_json, scratch)


def test_a_renamed_archive_inside_an_archive_is_opened_too(tmp_path: Path, scratch: Path) -> None:
    inner = write_zip(tmp_path / "x.zip", {"90412347.json": b'{"reportId": 90412347}'})
    delivery = write_tar(tmp_path / "delivery.tar", {"bundle.bin": inner.read_bytes()}, "w")

    result = unpack(delivery, scratch)

    assert result.nested == {"bundle.bin"}
    bundled = result.root / "bundle.bin" / "90412347.json"
    assert bundled.read_bytes() == b'{"reportId": 90412347}'
    assert provenance(result, bundled) == "delivery.tar!/bundle.bin!/90412347.json"


# -- hostile names, links and special files ----------------------------------------------------


def test_traversal_absolute_and_drive_names_are_refused(tmp_path: Path, scratch: Path) -> None:
    escape = f"/tmp/suraksha-test-{uuid.uuid4().hex}/x"
    hostile = {
        "../../etc/x": b"traversal",
        escape: b"absolute",
        "C:/Windows/x": b"drive",
        "..\\..\\evil.txt": b"backslash traversal",
        "a/./b/../../../x": b"hidden traversal",
        "report\u202egpj.exe": b"right-to-left override",
        "ok/90412345.json": b"{}",
    }
    for build in (write_zip, write_tar):
        result = unpack(build(tmp_path / f"hostile-{build.__name__}", hostile), scratch)

        assert extracted(result) == {"ok/90412345.json": b"{}"}
        reasons = refused(result)
        assert "traversal" in reasons["../../etc/x"]
        assert "absolute" in reasons[escape]
        assert "drive" in reasons["C:/Windows/x"]
        assert "traversal" in reasons["..\\..\\evil.txt"]
        assert "traversal" in reasons["a/./b/../../../x"]
        assert "text-direction" in reasons["report\\u202egpj.exe"]  # shown escaped
        assert not Path(escape).exists()
        assert not (tmp_path / "etc").exists()


def test_links_devices_and_pipes_are_never_created(tmp_path: Path, scratch: Path) -> None:
    delivery = tmp_path / "delivery.tar"
    with tarfile.open(delivery, "w") as archive:
        add(archive, "escape", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        add(archive, "hard", type=tarfile.LNKTYPE, linkname="../../etc/passwd")
        add(archive, "tty", type=tarfile.CHRTYPE, devmajor=5, devminor=0)
        add(archive, "disk", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
        add(archive, "pipe", type=tarfile.FIFOTYPE)
        add(archive, "escape/passwd", b"written inside, not through the link")
    linked_zip = tmp_path / "links.zip"
    with zipfile.ZipFile(linked_zip, "w") as archive:
        link = zipfile.ZipInfo("shadow")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/shadow")
        archive.writestr("90412345.json", b"{}")

    result = unpack(delivery, scratch)
    from_zip = unpack(linked_zip, scratch)

    assert refused(result) == {
        "escape": "a symbolic link to '/etc/passwd'; links are never created",
        "hard": "a hard link to '../../etc/passwd'; links are never created",
        "tty": "a character device; devices and pipes are never created",
        "disk": "a block device; devices and pipes are never created",
        "pipe": "a named pipe (FIFO); devices and pipes are never created",
    }
    assert extracted(result) == {"escape/passwd": b"written inside, not through the link"}
    assert refused(from_zip) == {
        "shadow": "a symbolic link; links and special files are never created"
    }
    assert extracted(from_zip) == {"90412345.json": b"{}"}


def test_a_second_member_of_the_same_name_is_refused_and_the_first_kept(
    tmp_path: Path, scratch: Path
) -> None:
    delivery = tmp_path / "delivery.tar"
    with tarfile.open(delivery, "w") as archive:
        add(archive, "90412345/report.xml", b"<report>first</report>")
        add(archive, "90412345/report.xml", b"<report>second</report>")
        add(archive, "90412345/report.xml/inner", b"under a file")

    result = unpack(delivery, scratch)

    assert extracted(result) == {"90412345/report.xml": b"<report>first</report>"}
    assert refused(result) == {
        "90412345/report.xml": "another member already holds this path; the first one was kept",
        "90412345/report.xml/inner": "part of its path is a file from another member; that "
        "file was kept",
    }


def test_existing_target_folder_is_a_user_error(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    delivery = write_zip(tmp_path / "delivery.zip", tips)
    unpack(delivery, scratch)
    with pytest.raises(UserInputError, match="exists already"):
        unpack(delivery, scratch)


def test_provenance_of_a_path_outside_the_extraction_is_an_error(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    result = unpack(write_zip(tmp_path / "delivery.zip", tips), scratch)
    with pytest.raises(ValueError, match="not under the extraction folder"):
        provenance(result, tmp_path / "elsewhere.xml")


# -- bombs and lying headers -------------------------------------------------------------------


def test_zip_bomb_is_refused_by_its_declared_size(zip_bomb: Path, scratch: Path) -> None:
    limits = ArchiveLimits(max_member_bytes=1 << 20)
    started = time.perf_counter()

    result = unpack(zip_bomb, scratch, limits)

    assert time.perf_counter() - started < 1
    assert extracted(result) == {"2026-11/note.txt": b"synthetic note\n"}
    assert refused(result) == {
        "2026-11/video.mp4": "declares 209,715,200 bytes; a member may be at most 1,048,576 bytes"
    }


def test_zip_bomb_within_the_size_limit_is_refused_by_its_ratio(
    zip_bomb: Path, scratch: Path
) -> None:
    result = unpack(zip_bomb, scratch, ArchiveLimits(max_member_bytes=256 << 20))

    assert extracted(result) == {"2026-11/note.txt": b"synthetic note\n"}
    reason = refused(result)["2026-11/video.mp4"]
    assert reason.startswith("declares 209,715,200 bytes from ")
    assert reason.endswith("compressed, more than 100×: a decompression bomb")


def test_zip_bomb_whose_header_lies_small_is_cut_at_the_lie_and_refused(
    tmp_path: Path, scratch: Path
) -> None:
    delivery = tmp_path / "delivery.zip"
    with zipfile.ZipFile(delivery, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("note.txt", b"synthetic note\n")
        archive.writestr("small.bin", bytes(4 << 20))  # 4 MiB of zeros that claims to be 100 bytes
    patch_zip(delivery, "small.bin", size=100)

    result = unpack(delivery, scratch)

    assert extracted(result) == {"note.txt": b"synthetic note\n"}
    assert refused(result)["small.bin"].startswith(
        "its data is corrupt or does not match its header"
    )


def test_member_whose_header_lies_big_is_refused_by_the_declared_size(
    tmp_path: Path, scratch: Path
) -> None:
    delivery = write_zip(tmp_path / "delivery.zip", {"a.json": b"{}", "b.json": b"[]"})
    patch_zip(delivery, "a.json", size=0xFFFF_FFF0)

    result = unpack(delivery, scratch)

    assert extracted(result) == {"b.json": b"[]"}
    assert refused(result)["a.json"].startswith("declares 4,294,967,280 bytes; a member may be")


def test_tar_member_expanding_too_far_is_refused_while_streaming(
    tmp_path: Path, scratch: Path
) -> None:
    delivery = tmp_path / "delivery.tar.gz"
    with tarfile.open(delivery, "w:gz", compresslevel=1) as archive:
        add(archive, "photos.bin", os.urandom(2 << 20))  # synthetic noise: does not compress
        info = tarfile.TarInfo("padding.bin")
        info.size = 8 << 20
        archive.addfile(info, Zeros(info.size))
        add(archive, "90412345.json", b"{}")
    limits = ArchiveLimits(ratio_floor_bytes=64 << 10)

    result = unpack(delivery, scratch, limits)

    assert set(extracted(result)) == {"photos.bin", "90412345.json"}
    assert refused(result) == {
        "padding.bin": "expands more than 100× its compressed size while being read: a "
        "decompression bomb"
    }


def test_tar_gz_bomb_stops_the_whole_archive(tmp_path: Path, scratch: Path) -> None:
    delivery = tmp_path / "delivery.tar.gz"
    with tarfile.open(delivery, "w:gz", compresslevel=1) as archive:
        info = tarfile.TarInfo("a.bin")
        info.size = 48 << 20
        archive.addfile(info, Zeros(info.size))
        add(archive, "after.json", b"{}")
    started = time.perf_counter()

    result = unpack(delivery, scratch, ArchiveLimits(ratio_floor_bytes=64 << 10))

    assert time.perf_counter() - started < 2
    assert extracted(result) == {}
    assert "a decompression bomb" in refused(result)["a.bin"]
    assert refused(result)["(rest of archive)"].startswith("the archive expands more than 100×")
    assert result.files == []


def test_oversized_tar_header_is_hostile(tmp_path: Path, scratch: Path) -> None:
    delivery = tmp_path / "delivery.tar"
    with tarfile.open(delivery, "w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("90412345.json")
        info.pax_headers = {"comment": "x" * (2 << 20)}
        archive.addfile(info, io.BytesIO(b""))

    with pytest.raises(HostileInputError, match="a tar header asks for"):
        unpack(delivery, scratch)
    assert not (scratch / "delivery.tar").exists()


# -- limits of the whole -----------------------------------------------------------------------


def test_member_count_limit_stops_a_tar_and_refuses_a_zip_whole(
    tmp_path: Path, scratch: Path
) -> None:
    members = {f"9041234{index}.json": b"{}" for index in range(8)}
    limits = ArchiveLimits(max_members=5)

    result = unpack(write_tar(tmp_path / "delivery.tar", members, "w"), scratch, limits)

    assert list(extracted(result)) == [f"9041234{index}.json" for index in range(5)]
    assert refused(result) == {
        "90412345.json": "the archives hold more than 5 members in all; this one and "
        "everything after it were not extracted"
    }
    with pytest.raises(HostileInputError, match="declares 8 members"):
        unpack(write_zip(tmp_path / "delivery.zip", members), scratch, limits)
    assert not (scratch / "delivery.zip").exists()


def test_total_bytes_limit_stops_extraction(tmp_path: Path, scratch: Path) -> None:
    members = {f"part-{index}.bin": os.urandom(1000) for index in range(5)}
    limits = ArchiveLimits(max_total_bytes=2500)

    result = unpack(write_zip(tmp_path / "delivery.zip", members), scratch, limits)

    assert extracted(result) == {name: members[name] for name in ("part-0.bin", "part-1.bin")}
    assert refused(result) == {
        "part-2.bin": "extracting it would pass 2,500 bytes in all; it and everything after it "
        "were not extracted"
    }


def test_nesting_deeper_than_max_depth_is_kept_as_a_file(tmp_path: Path, scratch: Path) -> None:
    innermost = write_zip(tmp_path / "c.zip", {"90412345.json": b"{}"}).read_bytes()
    middle = write_zip(tmp_path / "b.zip", {"c.zip": innermost}).read_bytes()
    delivery = write_zip(tmp_path / "delivery.zip", {"b.zip": middle})

    result = unpack(delivery, scratch, ArchiveLimits(max_depth=2))

    assert result.nested == {"b.zip"}
    assert extracted(result) == {"b.zip/c.zip": innermost}
    assert refused(result) == {
        "b.zip!/c.zip": "an archive nested 3 deep; at most 2 are opened, so it was kept "
        "unopened as a file"
    }
    assert provenance(result, result.root / "b.zip" / "c.zip") == "delivery.zip!/b.zip!/c.zip"


# -- damaged archives --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode", "keep"),
    [
        ("delivery.zip", None, 0.5),
        ("delivery.tar.gz", "w:gz", 0.5),
        ("delivery.tar.bz2", "w:bz2", 0.5),
        ("delivery.tar", "w", 0.5),  # cut inside a member's data
        ("cut.tar", "w", None),  # cut at a header boundary, where tarfile would see an end
    ],
)
def test_truncated_archive_raises_format_error_and_leaves_nothing(
    tmp_path: Path,
    scratch: Path,
    tips: Members,
    name: str,
    mode: TarMode | None,
    keep: float | None,
) -> None:
    path = tmp_path / name
    if mode is None:
        write_zip(path, tips)
    else:
        write_tar(path, tips, mode)
    data = path.read_bytes()
    if keep is None:
        with tarfile.open(path) as archive:
            cut = archive.getmembers()[1].offset  # where the second member's header starts
    else:
        cut = int(len(data) * keep)
    path.write_bytes(data[:cut])

    with pytest.raises(FormatError, match="truncated or corrupt"):
        unpack(path, scratch)
    assert list(scratch.iterdir()) == []


def test_damaged_nested_archive_is_kept_as_a_file_and_refused(
    tmp_path: Path, scratch: Path, tips: Members
) -> None:
    broken = write_zip(tmp_path / "inner.zip", tips).read_bytes()[:-30]
    delivery = write_tar(tmp_path / "delivery.tar.gz", {"inner.zip": broken, "a.json": b"{}"})

    result = unpack(delivery, scratch)

    assert extracted(result) == {"inner.zip": broken, "a.json": b"{}"}
    assert result.nested == set()
    assert refused(result)["inner.zip"].startswith(
        "an archive that could not be opened, kept as a file: inner.zip is not a readable zip"
    )
    assert [path.name for path in scratch.iterdir()] == ["delivery.tar.gz"]  # no temporary left


def test_encrypted_zip_member_is_refused_with_the_reason(tmp_path: Path, scratch: Path) -> None:
    delivery = write_zip(
        tmp_path / "delivery.zip", {"locked/90412345.json": b"{}", "open/90412346.json": b"[]"}
    )
    patch_zip(delivery, "locked/90412345.json", flags=0x1)

    result = unpack(delivery, scratch)

    assert extracted(result) == {"open/90412346.json": b"[]"}
    assert refused(result) == {
        "locked/90412345.json": "encrypted (password-protected); it cannot be read. Ask the "
        "sender for an unencrypted copy"
    }
