"""Tip versions: a compact snapshot of what each version said, and what changed between two.

When a platform or NCMEC sends a corrected report, the analyst needs to see at a glance what the
correction changed (a new phone number, a file withdrawn, a different incident type) without
diffing XML by hand. The snapshot holds the comparable facts; `changes` lists the differences.
"""

from __future__ import annotations

from typing import Any

from suraksha.intake.records import TipRecord

_SCALARS = ("incident_type", "incident_at", "reporting_platform", "escalated", "batch_reason")
_SETS = ("annotations", "identifiers", "ip_events", "files", "accounts")


def snapshot(record: TipRecord) -> dict[str, Any]:
    """The comparable facts of one version, JSON-ready and in a stable order."""
    return {
        "incident_type": record.incident_type,
        "incident_at": record.incident_at.isoformat() if record.incident_at else None,
        "reporting_platform": record.reporting_platform,
        "escalated": record.escalated,
        "batch_reason": record.batch_reason,
        "annotations": sorted(record.annotations),
        "accounts": sorted(
            f"{account.role.value}:{account.service or ''}" for account in record.accounts
        ),
        "identifiers": sorted(
            {
                f"{ident.kind.value}:{ident.raw}"
                for account in record.accounts
                for ident in account.identifiers
            }
            | {
                f"{ident.kind.value}:{ident.raw}"
                for incident in record.incidents
                for ident in incident.identifiers
            }
        ),
        "ip_events": sorted(
            {
                f"{event.address}:{event.port or ''}@{event.at_text or ''}"
                for account in record.accounts
                for event in account.ip_events
            }
        ),
        "files": sorted(
            f"{data.file_id}:{data.hashes.get('md5') or data.hashes.get('sha1') or ''}"
            for data in record.files
        ),
    }


def changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """What `current` changes from `previous` (empty for a first version)."""
    if not previous:
        return {}
    result: dict[str, Any] = {}
    changed = {
        key: [previous.get(key), current.get(key)]
        for key in _SCALARS
        if previous.get(key) != current.get(key)
    }
    if changed:
        result["changed"] = changed
    for key in _SETS:
        before, after = set(previous.get(key) or ()), set(current.get(key) or ())
        if after - before:
            result.setdefault("added", {})[key] = sorted(after - before)
        if before - after:
            result.setdefault("removed", {})[key] = sorted(before - after)
    return result


def describe(change: dict[str, Any]) -> str:
    """One line for the analyst: 'incident_type changed; added 1 identifier; removed 2 files'."""
    parts = [f"{key} changed" for key in change.get("changed", {})]
    for verb in ("added", "removed"):
        for key, values in change.get(verb, {}).items():
            parts.append(f"{verb} {len(values)} {key}")
    return "; ".join(parts) or "no comparable field changed (formatting or free text only)"
