"""Synthetic hash lists in every registered format: a small sample each, and large generated files.

Every hash is a digest of the benign text "suraksha benign <n>" (PDQ values are SHA-256 digests of
such text standing in for PDQ hashes); no list here comes from, or describes, any real media.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from suraksha.hashing.formats.encase import MAGIC, NAME_OFFSET, RECORDS_OFFSET

VICS_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"
NCMEC_NAMESPACE = "https://hashsharing.ncmec.org/hashsharing/v2"
HASHKEEPER_HEADER = (
    '"file_id","hashset_id","file_name","directory","hash","file_size","date_modified",'
    '"time_modified","time_zone","comments","date_accessed","time_accessed"'
)
ICSE_HEADER = (
    "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
    "Series name;Number of submissions;File Available;Media Type;Baseline"
)
RDS3_SCHEMA = (
    "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, "
    "crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, "
    "package_id INTEGER NOT NULL)"
)


def digest(algorithm: str, n: int) -> str:
    """The lower-case hex `algorithm` digest of the benign text "suraksha benign <n>"."""
    data = f"suraksha benign {n}".encode()
    if algorithm == "pdq":
        return hashlib.sha256(b"pdq stand-in " + data).hexdigest()
    return hashlib.new(algorithm, data, usedforsecurity=False).hexdigest()


def encase_bytes(set_name: str, digests: list[str]) -> bytes:
    """An EnCase legacy .hash file holding `digests` (MD5 hex), each record padded with 2 bytes."""
    header = bytearray(RECORDS_OFFSET)
    header[: len(MAGIC)] = MAGIC
    name = set_name.encode("utf-16-le")
    header[NAME_OFFSET : NAME_OFFSET + len(name)] = name
    records = b"".join(bytes.fromhex(value) + struct.pack("<H", 0) for value in digests)
    return bytes(header) + records


def rds3_database(path: Path, rows: Iterator[tuple[str, str, str, str, str, int, int]]) -> Path:
    """An NSRL RDS 3-style SQLite database at `path` whose FILE table holds `rows`."""
    connection = sqlite3.connect(path)
    try:
        connection.execute(RDS3_SCHEMA)
        connection.executemany("INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        connection.commit()
    finally:
        connection.close()
    return path


def _rds3_row(n: int) -> tuple[str, str, str, str, str, int, int]:
    return (
        digest("sha256", n).upper(),
        digest("sha1", n).upper(),
        digest("md5", n).upper(),
        f"{n:08X}",
        f"lib{n}.dll",
        1000 + n,
        n % 97,
    )


def _vics_media(n: int) -> str:
    return json.dumps(
        {
            "MediaID": n,
            "Category": n % 5,
            "MD5": digest("md5", n).upper(),
            "SHA1": digest("sha1", n).upper(),
            "VictimIdentified": "false",
            "IsDistributed": "true",
            "MediaFiles": [{"FileName": f"file{n}.jpg"}],
        }
    )


def _ncmec_image(n: int) -> str:
    return (
        f"<image><member id='7'>Synthetic Member</member><id>entry{n}</id>"
        f"<classification>B2</classification><fingerprints><md5>{digest('md5', n)}</md5>"
        f"<sha1>{digest('sha1', n)}</sha1></fingerprints></image>"
    )


def _lines(n: int, line: Callable[[int], str], header: str | None = None) -> Iterator[str]:
    if header is not None:
        yield header + "\n"
    for i in range(n):
        yield line(i) + "\n"


def sample_bytes(name: str, tmp_path: Path) -> bytes:
    """A small valid list in format `name` (three items or so)."""
    return large_list(name, 3, tmp_path).read_bytes()


def large_list(name: str, n: int, directory: Path) -> Path:
    """A file in format `name` holding `n` items, written in pieces (never built whole in memory)."""
    path = directory / f"{name}-{n}.list"
    if name == "nsrl":
        path.unlink(missing_ok=True)
        return rds3_database(path, (_rds3_row(i) for i in range(n)))
    if name == "encase":
        with path.open("wb") as out:
            out.write(encase_bytes("Synthetic set", []))
            for start in range(0, n, 10_000):
                chunk = [digest("md5", i) for i in range(start, min(n, start + 10_000))]
                out.write(encase_bytes("", chunk)[RECORDS_OFFSET:])
        return path
    pieces = _TEXT_LISTS[name](n)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(pieces)
    return path


def _vics(n: int) -> Iterator[str]:
    yield f'\ufeff{{"@odata.context": "{VICS_CONTEXT}", "value": ['
    for i in range(n):
        yield ("," if i else "") + _vics_media(i)
    yield "]}"


def _ncmec(n: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><queryResult xmlns="{NCMEC_NAMESPACE}"><images>'
    for i in range(n):
        yield _ncmec_image(i) + "\n"
    yield "</images></queryResult>\n"


_TEXT_LISTS: dict[str, Callable[[int], Iterator[str]]] = {
    "vics": _vics,
    "ncmec_xml": _ncmec,
    "hashkeeper": lambda n: _lines(
        n,
        lambda i: (
            f'"{i}","77","file{i}.jpg","C:\\cases\\","{digest("md5", i)}","{100 + i}"'
            ',"01/02/2003","10:00:00","IST","","",""'
        ),
        HASHKEEPER_HEADER,
    ),
    "icse": lambda n: _lines(
        n,
        lambda i: (
            f"{digest('md5', i).upper()};{digest('sha1', i).upper()};;IMG-{i};Yes;No;No;"
            f"Series {i % 7};{i % 13};Yes;Image;No"
        ),
        ICSE_HEADER,
    ),
    "threatexchange": lambda n: _lines(
        n, lambda i: f"pdq {digest('pdq', i)}" if i % 2 else f"video_md5 {digest('md5', i)}"
    ),
    "vpdq": lambda n: _lines(
        n,
        lambda i: f"clip{i // 10}.mp4,{i % 10},{digest('pdq', i)},{50 + i % 51},{i % 10}.000",
        "video,frame,hash,quality,seconds",
    ),
    "pdq": lambda n: _lines(n, lambda i: f"{digest('pdq', i)},{50 + i % 51},img{i}.jpg"),
    "md5sum": lambda n: _lines(n, lambda i: f"{digest('md5', i)}  file{i}.jpg"),
}


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small valid sample of every format that has a builder, by format name."""
    directory = tmp_path_factory.mktemp("samples")
    names = ["nsrl", "encase", *_TEXT_LISTS]
    return {name: sample_bytes(name, directory) for name in names}


@pytest.fixture(scope="session")
def write_list(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int], Path]:
    """A factory: the path of a generated list in a format, holding a given number of items."""
    directory = tmp_path_factory.mktemp("large")
    return lambda name, n: large_list(name, n, directory)
