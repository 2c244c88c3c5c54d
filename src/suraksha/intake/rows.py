"""Flattening one parsed tip into the rows of every intake table, ready for bulk insertion.

Ids are derived from natural keys (`suraksha.ids.make_id`), so rows can reference each other before
anything is written and the pipeline can insert whole batches with executemany, without reading back
generated keys. Identifiers are cleaned here, once, with `suraksha.identity.types`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from suraksha.identity.ips import capture_line
from suraksha.identity.types import clean_identifier
from suraksha.ids import content_digest, make_id
from suraksha.intake.formats.interface import TipDocument, TipFormat
from suraksha.intake.records import (
    AccountRole,
    AddressRecord,
    IdentifierRecord,
    IpEventRecord,
    TipRecord,
)
from suraksha.intake.versions import changes, snapshot

Row = dict[str, Any]

# The same values recur across a person's many reports (and across a run): clean each once.
# Bounded, so memory stays flat whatever the corpus size.
_clean = lru_cache(maxsize=100_000)(clean_identifier)


@dataclass(slots=True)
class TipRows:
    """Every row one tip version contributes, by table."""

    tip_id: str
    version_id: str
    tip: Row
    version: Row
    documents: list[Row] = field(default_factory=list)
    warnings: list[Row] = field(default_factory=list)
    accounts: list[Row] = field(default_factory=list)
    incidents: list[Row] = field(default_factory=list)
    files: list[Row] = field(default_factory=list)
    identifiers: list[Row] = field(default_factory=list)
    ip_events: list[Row] = field(default_factory=list)
    addresses: list[Row] = field(default_factory=list)


def tip_id_of(record: TipRecord) -> str:
    """The stable id of the tip a record belongs to (by source and report number)."""
    return make_id("tip", record.source, record.source_id)


def tip_rows(
    fmt: TipFormat,
    origin: str,
    document: TipDocument,
    record: TipRecord,
    warnings: list[tuple[str, str]],
    *,
    version: int,
    run_id: int,
    now: datetime,
    previous_snapshot: dict[str, Any] | None,
) -> TipRows:
    """All rows for one version of one tip; `previous_snapshot` is the version it replaces."""
    tip_id = tip_id_of(record)
    version_id = make_id("tipversion", tip_id, version)
    facts = snapshot(record)
    rows = TipRows(
        tip_id=tip_id,
        version_id=version_id,
        tip={
            "id": tip_id,
            "source": record.source,
            "source_id": record.source_id,
            "version": version,
            "content_digest": document.digest,
            "format_name": fmt.name,
            "record_kind": fmt.record_kind,
            "incident_type": record.incident_type,
            "received_at": record.received_at,
            "incident_at": record.incident_at,
            "reporting_platform": record.reporting_platform,
            "annotations": list(record.annotations),
            "escalated": record.escalated,
            "batch_reason": record.batch_reason,
            "file_set_digest": file_set_digest(record),
            "details": {
                "reporter": record.reporter,
                "law_enforcement": record.law_enforcement,
                "details": record.details,
                "kept": [{"path": kept.path, "text": kept.text} for kept in record.kept],
            },
            "first_ingested_at": now,
            "updated_at": now,
        },
        version={
            "id": version_id,
            "tip_id": tip_id,
            "version": version,
            "content_digest": document.digest,
            "origin": origin,
            "location": document.location,
            "run_id": run_id,
            "ingested_at": now,
            "snapshot": facts,
            "changes": changes(previous_snapshot, facts),
        },
    )
    rows.documents = [
        {
            "tip_version_id": version_id,
            "part_name": name,
            "digest": content_digest(data),
            "size": len(data),
            "content": data,
        }
        for name, data in document.parts
    ]
    rows.warnings = [
        {"tip_id": tip_id, "version": version, "path": path, "message": message}
        for path, message in warnings
    ]
    account_ids = [
        make_id("account", tip_id, account.role.value, position)
        for position, account in enumerate(record.accounts)
    ]
    for position, account in enumerate(record.accounts):
        account_id = account_ids[position]
        parent = account.associated_with
        rows.accounts.append(
            {
                "id": account_id,
                "tip_id": tip_id,
                "position": position,
                "role": account.role.value,
                "restricted": _restricted(record, position),
                "relation": account.relation,
                "parent_account_id": (
                    account_ids[parent] if parent is not None and 0 <= parent < position else None
                ),
                "service": account.service,
                "age": account.age,
                "estimated_location": dict(account.estimated_location),
                "prior_reports": list(account.prior_reports),
                "details": dict(account.details),
                "path": account.path,
            }
        )
        owner = {"account_id": account_id}
        rows.identifiers += [_identifier(ident, owner) for ident in account.identifiers]
        rows.ip_events += [_ip_event(event, owner) for event in account.ip_events]
        rows.addresses += [_address(address, owner) for address in account.addresses]
    for position, incident in enumerate(record.incidents):
        incident_id = make_id("incident", tip_id, position)
        rows.incidents.append(
            {
                "id": incident_id,
                "tip_id": tip_id,
                "position": position,
                "kind": incident.kind,
                "path": incident.path,
                "values": dict(incident.values),
            }
        )
        owner = {"incident_id": incident_id}
        rows.identifiers += [_identifier(ident, owner) for ident in incident.identifiers]
        rows.ip_events += [_ip_event(event, owner) for event in incident.ip_events]
        rows.addresses += [_address(address, owner) for address in incident.addresses]
    for position, data in enumerate(record.files):
        file_row_id = make_id("file", tip_id, position, data.file_id)
        hashes = {alg.lower(): value for alg, value in data.hashes.items()}
        rows.files.append(
            {
                "id": file_row_id,
                "tip_id": tip_id,
                "position": position,
                "file_id": data.file_id,
                "file_name": data.file_name,
                "original_file_name": data.original_file_name,
                "md5": _hex(hashes.pop("md5", None)),
                "sha1": _hex(hashes.pop("sha1", None)),
                "sha256": _hex(hashes.pop("sha256", None)),
                "pdq": _hex(hashes.pop("pdq", None)),
                "other_hashes": hashes,
                "classification": data.classification,
                "annotations": list(data.annotations),
                "viewed_by_esp": data.viewed_by_esp,
                "publicly_available": data.publicly_available,
                "uploaded_at": data.uploaded_at,
                "exif": [list(triple) for triple in data.exif],
                "details": dict(data.details),
                "path": data.path,
            }
        )
        owner = {"file_id": file_row_id}
        if data.ip_event is not None:
            rows.ip_events.append(_ip_event(data.ip_event, owner))
        rows.identifiers += [_identifier(ident, owner) for ident in data.devices]
    return rows


def _restricted(record: TipRecord, position: int) -> bool:
    """Victims are restricted (POCSO s.23), and so is every account hanging off a victim's (a
    parent's or guardian's account names the child as surely as the child's own)."""
    seen: set[int] = set()
    current: int | None = position
    while current is not None and current not in seen and 0 <= current < len(record.accounts):
        seen.add(current)
        account = record.accounts[current]
        if account.role is AccountRole.VICTIM:
            return True
        current = account.associated_with if account.role is AccountRole.ASSOCIATED else None
    return False


_OWNERS = ("account_id", "incident_id", "file_id")


def _owned(owner: dict[str, str], row: Row, keys: tuple[str, ...] = _OWNERS) -> Row:
    """Give the row its owner column and None for the other owner columns its table has."""
    for key in keys:
        row[key] = owner.get(key)
    return row


def _identifier(ident: IdentifierRecord, owner: dict[str, str]) -> Row:
    return _owned(
        owner,
        {
            "kind": ident.kind.value,
            "value": _clean(
                ident.kind, ident.raw, service=ident.service, qualifier=ident.qualifier
            ),
            "raw": ident.raw,
            "service": ident.service,
            "qualifier": ident.qualifier,
            "verified": ident.verified,
            "path": ident.path,
        },
    )


def _ip_event(event: IpEventRecord, owner: dict[str, str]) -> Row:
    line, line_port = capture_line(event.address, event.port)
    return _owned(
        owner,
        {
            "address": event.address,
            "port": event.port,
            "line": line,
            "line_port": line_port,
            "at": event.at,
            "at_text": event.at_text,
            "event": event.event,
            "possible_proxy": event.possible_proxy,
            "path": event.path,
        },
    )


def _address(address: AddressRecord, owner: dict[str, str]) -> Row:
    return _owned(
        owner,
        {
            "street": address.street,
            "city": address.city,
            "state": address.state,
            "postal_code": address.postal_code,
            "country": address.country,
            "kind": address.kind,
            "path": address.path,
        },
        ("account_id", "incident_id"),
    )


def _hex(value: str | None) -> str | None:
    return value.lower() if value else None


def file_set_digest(record: TipRecord) -> str | None:
    """Digest of the tip's sorted file hashes: tips with identical file sets share it."""
    keys = sorted(
        f"{alg}:{value.lower()}"
        for data in record.files
        for alg, value in data.hashes.items()
        if alg.lower() in ("md5", "sha1", "sha256")
    )
    if not keys:
        return None
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def as_version(rows: TipRows, version: int, previous_snapshot: dict[str, Any] | None) -> None:
    """Renumber rows prepared as a first version into `version`, which follows `previous_snapshot`.

    Only the version's own rows carry the number; the tip's accounts, files and identifiers have
    ids that do not depend on it (they replace the previous version's rows).
    """
    version_id = make_id("tipversion", rows.tip_id, version)
    rows.version_id = version_id
    rows.tip["version"] = version
    rows.version["id"] = version_id
    rows.version["version"] = version
    rows.version["changes"] = changes(previous_snapshot, rows.version["snapshot"])
    for document in rows.documents:
        document["tip_version_id"] = version_id
    for warning in rows.warnings:
        warning["version"] = version
