"""Tables of the triage domain: scans of seized devices, the files they found, and custody events.

Scan ─┬─ ScannedFile      one file (allocated, deleted, or inside an archive): where, digests, class
      └─ CustodyEvent     the device's chain of custody as triage touched it (started, finished)

A scanned file's id is derived from (scan, path, inode), so a resumed scan finds what it already
stored and never writes a file twice. Matches against hash banks live in the hashing domain's
`hash_matches`, under the target kind `device_file` and the scanned file's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class Scan(Base):
    """One triage of one device's source (folder, archive or disk image) for one case.

    `source_digest` is the SHA-256 (and MD5, SHA-1 in `source_digests`) of the image or archive
    file, taken before a single file in it was read, so the report can show that the evidence
    examined is the evidence acquired. A folder has no such digest (None). `banks` records each
    bank's version when the scan started; `scanner` the versions of Suraksha and of each library
    whose output the scan records. `device_ids` are the device's own identifiers (IMEI, serial
    numbers) as the examiner read them off the exhibit, in canonical form, for correlation with
    tips (`triage.correlation`).
    """

    __tablename__ = "triage_scans"
    __table_args__ = (Index("ix_triage_scans_source", "case_ref", "device_label", "source_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(Text)
    device_label: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_size: Mapped[int | None] = mapped_column(BigInteger)
    source_digest: Mapped[str | None] = mapped_column(String(64))
    source_digests: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scanner: Mapped[dict[str, Any]] = mapped_column(default=dict)
    banks: Mapped[list[Any]] = mapped_column(default=list)
    # Canonical device identifiers the examiner gave (`imei:…`, `serialnumber:…`; identity.devices).
    device_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    resumed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ScannedFile(Base):
    """One file found on a device, with what was computed from its bytes and its class.

    `path` is where it was: inside an archive, "DCIM/trip.zip!/img/001.jpg"; on a disk image,
    prefixed by the partition ("p2/Users/..."). Timestamps are the file system's own (None where
    the source has none, as for archive members: the extracted copy's times are not evidence).
    `error` says why something could not be computed (a damaged or hostile file); the file is
    still recorded, with whatever could be.
    """

    __tablename__ = "triage_files"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    scan_id: Mapped[int] = mapped_column(
        ForeignKey("triage_scans.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    inode: Mapped[int | None] = mapped_column(BigInteger)
    size: Mapped[int | None] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(default=False)
    modified_at: Mapped[datetime | None]
    accessed_at: Mapped[datetime | None]
    changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime | None]
    md5: Mapped[str | None] = mapped_column(String(32), index=True)
    sha1: Mapped[str | None] = mapped_column(String(40), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    file_type: Mapped[str] = mapped_column(String(100))
    media: Mapped[str | None] = mapped_column(String(8))
    file_class: Mapped[str] = mapped_column(String(16), index=True)
    pdq: Mapped[str | None] = mapped_column(String(64))
    quality: Mapped[int | None]
    # PDQ of the 7 rotations and flips (hashing.pdq.dihedral_hashes order), for correlation.
    pdq_variants: Mapped[list[Any]] = mapped_column(default=list)
    exif: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A video's vPDQ and stream facts (hashing.video): duration, size, codec, frames.
    video: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustodyEvent(Base):
    """A step in a device's chain of custody recorded by triage (scan started, resumed, finished).

    Triage's own log of what it did to the source. The cases domain's evidence register does not
    copy it: it reads each scan's examination (`triage.custody`) and shows it in the exhibit's
    custody as an `examined` step, compared with the digest taken at seizure.
    """

    __tablename__ = "triage_custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(
        ForeignKey("triage_scans.id", ondelete="CASCADE"), index=True
    )
    case_ref: Mapped[str] = mapped_column(Text)
    device_label: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
