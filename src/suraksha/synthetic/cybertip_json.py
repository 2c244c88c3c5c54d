"""Writes a planned report as a law-enforcement CyberTipline JSON download: `<reportId>.json`.

The key vocabulary is the one investigators' tools use (formats/README.md §2). Absent scalars are
written as `null` and absent lists as empty wrappers, as exports do. What the JSON side has no key
for (escalation, report annotations, device ids, group ids) travels as free text in
`additionalInformations`, where a parser may keep it but cannot rely on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from suraksha.synthetic import names, views
from suraksha.synthetic.plan import ReportPlan
from suraksha.synthetic.timestamps import Zone, render

_NCMEC_ZONE = Zone.US_EASTERN  # NCMEC stamps receipt on its own clock


def _capture(capture: views.IpCapture, zone: Zone) -> dict[str, Any]:
    return {
        "captureType": "IP Address",
        "value": capture.address,
        "dateTime": render(capture.at, zone),
        "port": capture.port,
        "eventName": capture.event,
    }


def _url(kind: str, value: str) -> dict[str, Any]:
    return {"captureType": kind, "value": value, "dateTime": None, "port": None, "eventName": None}


def _person(view: views.AccountView, zone: Zone) -> dict[str, Any]:
    first = middle = last = None
    if view.display_name:
        first, middle, last = names.split_name(view.display_name)
    captures = [_capture(c, zone) for c in view.ip_captures]
    if view.profile_url:
        captures.append(_url("Profile URL", view.profile_url))
    notes = [
        f"Device {d.id_type} {d.value} seen at {d.event} {render(d.at, zone)}" for d in view.devices
    ]
    if view.group_id:
        notes.append(f"Group identifier: {view.group_id}")
    notes.extend(f"Prior CyberTipline report: {prior}" for prior in view.prior_reports)
    return {
        "firstName": first,
        "middleName": middle,
        "lastName": last,
        "dateOfBirth": view.birth.isoformat() if view.birth else None,
        "approximateAge": view.age,
        "espService": view.service,
        "espUserId": view.user_id,
        "screenName": {"value": view.screen_name} if view.screen_name else None,
        "emails": {"emails": [{"value": e.value, "verified": e.verified} for e in view.emails]},
        "phones": {"phones": [{"value": p.value, "verified": p.verified} for p in view.phones]},
        "addresses": {
            "addresses": [
                {
                    "street1": a.street,
                    "street2": None,
                    "city": a.city,
                    "state": a.state,
                    "postalCode": a.postal_code,
                    "country": a.country,
                }
                for a in view.addresses
            ]
        },
        "sourceInformation": {"sourceCaptures": captures},
        "additionalInformations": [{"value": note} for note in notes],
    }


def _file(view: views.FileView, zone: Zone) -> dict[str, Any]:
    captures = [_capture(view.ip_capture, zone)] if view.ip_capture else []
    if view.url:
        captures.append(_url("URL", view.url))
    metadata = [{"name": "File Size", "value": str(view.item.size)}]
    if view.with_sha1:
        metadata.append({"name": "SHA1", "value": view.item.sha1})
    metadata.extend({"name": name, "value": value} for name, value in view.exif)
    entry: dict[str, Any] = {
        "filename": view.file_name,
        "originalFilename": view.original_name,
        "verificationHash": view.item.md5,
        "viewedByEsp": view.viewed,
        "industryClassification": view.classification,
        "sourceInformation": {"sourceCaptures": captures},
        "espMetadata": {"metadatas": metadata},
    }
    if view.annotations:
        entry["ncmecTags"] = {"groups": [{"tags": [{"value": a} for a in view.annotations]}]}
    return entry


def report_document(plan: ReportPlan) -> dict[str, Any]:
    """The JSON object for one planned report."""
    zone = plan.platform.zone
    notes = []
    if plan.escalation:
        notes.append(f"Escalated to high priority: {plan.escalation}")
    notes.extend(f"Report annotation: {name}" for name in plan.annotations)
    if plan.note:
        notes.append(plan.note)
    return {
        "reportId": plan.report_id,
        "dateReceived": render(plan.received_at, _NCMEC_ZONE),
        "reportedInformation": {"reportingEsp": {"espName": plan.platform.esp_name}},
        "incidentSummary": {
            "incidentType": plan.incident_type,
            "incidentDateTime": render(plan.incident_at, zone),
        },
        "additionalInformations": [{"value": note} for note in notes],
        "reportedPeople": {"reportedPersons": [_person(plan.reported, zone)]},
        "intendedRecipients": {"intendedRecipients": [_person(r, zone) for r in plan.recipients]},
        "uploadedFiles": {"uploadedFiles": [_file(f, zone) for f in plan.files]},
    }


def write_report(out: Path, plan: ReportPlan) -> None:
    """Write `out/<reportId>.json` (UTF-8, two-space indent, trailing newline)."""
    text = json.dumps(report_document(plan), indent=2, ensure_ascii=False) + "\n"
    (out / f"{plan.report_id}.json").write_bytes(text.encode("utf-8"))
