"""Tables of the intake domain: tips, their versions and raw documents, accounts, identifiers, files.

IngestRun ─┬─ TipVersion ── RawDocument        raw bytes, immutable, by content digest
           └─ QuarantineRecord                 what could not be ingested, and why
Tip ─┬─ TipVersion
     ├─ TipWarning                             what a format read past
     ├─ Account ─┬─ Identifier                 raw text + cleaned value + provenance path
     │           ├─ IpEvent                    address + port + exact instant + original text
     │           └─ Address
     └─ TipFile ─── IpEvent                    hashes, classification, annotations
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from suraksha.storage.base import Base, utcnow


class IngestRun(Base):
    """One invocation of `suraksha ingest`: what it was given and what it did."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    paths: Mapped[list[Any]] = mapped_column(default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Tip(Base):
    """One report (a CyberTipline report number), holding the fields of its current version."""

    __tablename__ = "tips"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    content_digest: Mapped[str] = mapped_column(String(64))
    format_name: Mapped[str] = mapped_column(String(32))
    record_kind: Mapped[str] = mapped_column(String(64))
    incident_type: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime | None]
    incident_at: Mapped[datetime | None]
    reporting_platform: Mapped[str | None] = mapped_column(Text)
    annotations: Mapped[list[Any]] = mapped_column(default=list)
    escalated: Mapped[bool] = mapped_column(default=False)
    batch_reason: Mapped[str | None] = mapped_column(Text)
    # SHA-256 over the sorted file hashes: identical file sets (viral bundles) share it.
    file_set_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    # reporter, law_enforcement, report-level details and elements kept verbatim.
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    accounts: Mapped[list[Account]] = relationship(
        back_populates="tip", cascade="all, delete-orphan", order_by="Account.position"
    )
    files: Mapped[list[TipFile]] = relationship(
        back_populates="tip", cascade="all, delete-orphan", order_by="TipFile.position"
    )


class TipVersion(Base):
    """Every distinct document ever received for a report; re-sending the same bytes adds nothing."""

    __tablename__ = "tip_versions"
    __table_args__ = (UniqueConstraint("tip_id", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"))
    version: Mapped[int]
    content_digest: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)  # within the origin, e.g. "row 17"
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"))
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the version said
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)  # against the previous version


class RawDocument(Base):
    """The exact bytes of one part of a tip version, kept immutable as received."""

    __tablename__ = "raw_documents"
    __table_args__ = (UniqueConstraint("tip_version_id", "part_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_version_id: Mapped[str] = mapped_column(ForeignKey("tip_versions.id", ondelete="CASCADE"))
    part_name: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class TipWarning(Base):
    """Something a format read past in a tip version (an unknown element, an unzoned time)."""

    __tablename__ = "tip_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    path: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class QuarantineRecord(Base):
    """An input unit that was not ingested, with the reason written for the analyst."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"))
    origin: Mapped[str] = mapped_column(Text, index=True)
    location: Mapped[str | None] = mapped_column(Text)  # row, element path or line, when known
    format_name: Mapped[str | None] = mapped_column(String(32))
    content_digest: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a later run ingested a fixed document from the same origin and location.
    resolved_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))


class Account(Base):
    """A person or account as one tip presents it, in the role the tip gives it."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    role: Mapped[str] = mapped_column(String(32))
    restricted: Mapped[bool] = mapped_column(default=False)  # victims: POCSO s.23
    relation: Mapped[str | None] = mapped_column(Text)  # for associated accounts
    parent_account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE")
    )
    service: Mapped[str | None] = mapped_column(Text)
    age: Mapped[int | None]
    estimated_location: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prior_reports: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    path: Mapped[str] = mapped_column(Text)

    tip: Mapped[Tip] = relationship(back_populates="accounts")
    identifiers: Mapped[list[Identifier]] = relationship(
        cascade="all, delete-orphan", order_by="Identifier.id"
    )
    ip_events: Mapped[list[IpEvent]] = relationship(
        cascade="all, delete-orphan", order_by="IpEvent.id"
    )
    addresses: Mapped[list[Address]] = relationship(
        cascade="all, delete-orphan", order_by="Address.id"
    )


class Identifier(Base):
    """A typed identifying value: the raw text as reported, its cleaned form, and where it came from.

    `value` is None when the raw text could not be cleaned (masked, malformed): such an identifier is
    kept for the analyst but can never link accounts. Its owner is an account, an incident detail
    (a URL of a web-page incident) or a file (the device an upload came from): exactly one is set.
    """

    __tablename__ = "identifiers"
    __table_args__ = (Index("ix_identifiers_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incident_details.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str | None] = mapped_column(
        ForeignKey("tip_files.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    service: Mapped[str | None] = mapped_column(Text)
    qualifier: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool | None]
    path: Mapped[str] = mapped_column(Text)


class IpEvent(Base):
    """An IP capture with the port and exact instant that carrier-grade NAT attribution needs."""

    __tablename__ = "ip_events"
    __table_args__ = (Index("ix_ip_events_line", "line", "line_port"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str | None] = mapped_column(
        ForeignKey("tip_files.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incident_details.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(Text, index=True)
    port: Mapped[int | None]
    at: Mapped[datetime | None]
    at_text: Mapped[str | None] = mapped_column(Text)
    event: Mapped[str | None] = mapped_column(Text)
    possible_proxy: Mapped[bool | None]
    path: Mapped[str] = mapped_column(Text)
    # Derived at intake (`identity.ips.capture_line`), for the identity linker's IP blocks: the
    # line the address names (IPv4 address or IPv6 /64; None when unparsable) and the source
    # port, reported apart or written into the address.
    line: Mapped[str | None] = mapped_column(String(80))
    line_port: Mapped[int | None]


class Address(Base):
    """A postal address as reported; routing reads its pincode and state."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incident_details.id", ondelete="CASCADE"), index=True
    )
    street: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)


class TipFile(Base):
    """A file named in a tip: its hashes and what the platform said about it (never its pixels)."""

    __tablename__ = "tip_files"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    file_id: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    original_file_name: Mapped[str | None] = mapped_column(Text)
    md5: Mapped[str | None] = mapped_column(Text, index=True)
    sha1: Mapped[str | None] = mapped_column(Text, index=True)
    sha256: Mapped[str | None] = mapped_column(Text, index=True)
    pdq: Mapped[str | None] = mapped_column(Text)
    other_hashes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    classification: Mapped[str | None] = mapped_column(Text)
    annotations: Mapped[list[Any]] = mapped_column(default=list)
    viewed_by_esp: Mapped[bool | None]
    publicly_available: Mapped[bool | None]
    uploaded_at: Mapped[datetime | None]
    exif: Mapped[list[Any]] = mapped_column(default=list)  # [type, name, value] triples
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    path: Mapped[str] = mapped_column(Text)

    tip: Mapped[Tip] = relationship(back_populates="files")
    ip_events: Mapped[list[IpEvent]] = relationship(cascade="all, delete-orphan")


class IncidentDetail(Base):
    """One `internetDetails` entry of a tip: the web page, chat room, P2P client... involved."""

    __tablename__ = "incident_details"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tip_id: Mapped[str] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
