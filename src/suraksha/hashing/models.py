"""Tables of the hashing domain: versioned hash banks, their entries, and recorded matches.

HashBank ─┬─ BankVersion     one per import: source, format, counts added/removed
          └─ BankEntry       (algorithm, value) with category; added/removed by version
HashMatch                    a target (a tip file, later a device file) matched a bank entry
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from suraksha.storage.base import Base, utcnow


class HashBank(Base):
    """A named list of hashes of one kind (`known`, `ignorable`, `viral`) and category scheme."""

    __tablename__ = "hash_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    category_scheme: Mapped[str | None] = mapped_column(String(32))
    pdq_threshold: Mapped[int] = mapped_column(default=31)
    current_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankVersion(Base):
    """One import into a bank: what file, in what format, and what it changed."""

    __tablename__ = "bank_versions"
    __table_args__ = (UniqueConstraint("bank_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("hash_banks.id", ondelete="CASCADE"))
    version: Mapped[int]
    source_name: Mapped[str] = mapped_column(Text)
    source_digest: Mapped[str] = mapped_column(String(64))
    format_name: Mapped[str] = mapped_column(String(32))
    added: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankEntry(Base):
    """One hash in a bank, active from `added_version` until `removed_version` (if ever).

    A hash removed and later listed again gets a new row, so each row is one window of validity
    and a match can always say which version it rested on. `last_seen_version` is the newest
    import that listed the hash: a snapshot import removes, in one statement, every active entry
    it did not see.
    """

    __tablename__ = "bank_entries"
    __table_args__ = (
        Index("ix_bank_entries_bank_key", "bank_id", "algorithm", "value"),
        Index("ix_bank_entries_algorithm_value", "algorithm", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("hash_banks.id", ondelete="CASCADE"))
    algorithm: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
    quality: Mapped[int | None]  # PDQ quality 0–100, when the list gives it
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # series, MediaID, PhotoDNA, ...
    added_version: Mapped[int]
    last_seen_version: Mapped[int]
    removed_version: Mapped[int | None]


class HashMatch(Base):
    """A file that matched a bank entry: which bank, which version, how, and how close."""

    __tablename__ = "hash_matches"
    __table_args__ = (
        UniqueConstraint("target_kind", "target_id", "entry_id"),
        Index("ix_hash_matches_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    bank_id: Mapped[int] = mapped_column(ForeignKey("hash_banks.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("bank_entries.id", ondelete="CASCADE"))
    bank_version: Mapped[int]
    algorithm: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(default=0)
    # How a video matched (`vpdq`): frames matched, shares of each side, where in the video.
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)
