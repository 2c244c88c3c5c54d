"""Writes a planned report as an ESP-side CyberTipline tip: `<reportId>/report.xml` + `files/*.xml`.

Every document is valid against NCMEC's `cyber_tipline.xsd`: elements appear in the schema's
`xs:sequence` order and enumerated values are spelled exactly as the schema lists them. Indian
states go in `nonUsaState` (the schema's `state` type lists US states only; "IN" there is Indiana).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from suraksha.synthetic import views
from suraksha.synthetic.plan import ReportPlan
from suraksha.synthetic.platforms import Platform
from suraksha.synthetic.timestamps import Zone, render


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _ip_event(parent: etree._Element, capture: views.IpCapture, zone: Zone) -> None:
    element = _add(parent, "ipCaptureEvent")
    _add(element, "ipAddress", capture.address)
    _add(element, "eventName", capture.event)
    _add(element, "dateTime", render(capture.at, zone))
    if capture.possible_proxy is not None:
        _add(element, "possibleProxy", _bool(capture.possible_proxy))
    if capture.port is not None:
        _add(element, "port", str(capture.port))


def _phone(parent: etree._Element, shown: views.Shown) -> None:
    attrs = {"type": "Mobile"}
    if shown.verified is not None:
        attrs["verified"] = _bool(shown.verified)
    if shown.value.isdigit() and len(shown.value) == 10:
        attrs["countryCallingCode"] = "+91"  # a bare national number: the code travels apart
    _add(parent, "phone", shown.value, **attrs)


def _person(parent: etree._Element, tag: str, view: views.AccountView) -> None:
    first = " ".join(part for part in (view.first_name, view.middle_name) if part) or None
    has_any = (
        first or view.last_name or view.phones or view.emails or view.addresses or view.age
    ) or view.birth
    if not has_any:
        return
    person = _add(parent, tag)
    if first:
        _add(person, "firstName", first)
    if view.last_name:
        _add(person, "lastName", view.last_name)
    for phone in view.phones:
        _phone(person, phone)
    for email in view.emails:
        attrs = {} if email.verified is None else {"verified": _bool(email.verified)}
        _add(person, "email", email.value, **attrs)
    for address in view.addresses:
        element = _add(person, "address", type="Home")
        _add(element, "address", address.street)
        _add(element, "city", address.city)
        if address.postal_code:
            _add(element, "zipCode", address.postal_code)
        _add(element, "nonUsaState", address.state)
        _add(element, "country", address.country)
    if view.age is not None:
        _add(person, "age", str(view.age))
    if view.birth is not None:
        _add(person, "dateOfBirth", view.birth.isoformat())


def _account(
    parent: etree._Element, tag: str, person_tag: str, view: views.AccountView, zone: Zone
) -> None:
    element = _add(parent, tag)
    _person(element, person_tag, view)
    if view.user_id:
        _add(element, "espIdentifier", view.user_id)
    _add(element, "espService", view.service)
    if view.screen_name:
        _add(element, "screenName", view.screen_name)
    if view.display_name:
        _add(element, "displayName", view.display_name)
    if view.profile_url:
        _add(element, "profileUrl", view.profile_url)
    for capture in view.ip_captures:
        _ip_event(element, capture, zone)
    for device in view.devices:
        sighting = _add(element, "deviceId")
        _add(sighting, "idType", device.id_type)
        _add(sighting, "idValue", device.value)
        _add(sighting, "eventName", device.event)
        _add(sighting, "dateTime", render(device.at, zone))
    if tag == "personOrUserReported":
        for prior in view.prior_reports:
            _add(element, "priorCTReports", str(prior))
    if view.group_id:
        _add(element, "groupIdentifier", view.group_id)
    if view.estimated_location:
        location = _add(element, "estimatedLocation")
        _add(location, "city", view.estimated_location[0])
        _add(location, "region", view.estimated_location[1])
        _add(location, "countryCode", "IN")
    for linked in view.linked:
        other = _add(element, "associatedAccount", type="Linked")
        _add(other, "platform", linked.service)
        _add(other, "espService", linked.service)
        _add(other, "espIdentifier", linked.user_id)
        if linked.screen_name:
            _add(other, "screenName", linked.screen_name)


def _reporter(parent: etree._Element, platform: Platform) -> None:
    """The platform's own reporting contact: the same block in every report it files."""
    reporter = _add(parent, "reporter")
    person = _add(reporter, "reportingPerson")
    _add(person, "firstName", "Trust and Safety")
    _add(person, "lastName", platform.service)
    _add(person, "email", platform.reporter_email)
    contact = _add(reporter, "contactPerson")
    _add(contact, "firstName", "Law Enforcement Response")
    _add(contact, "lastName", platform.service)
    _add(contact, "phone", "+1 650 555 0100", type="Business")
    _add(contact, "email", platform.contact_email)
    _add(reporter, "legalURL", f"https://{platform.domain}/legal/law-enforcement")


def report_document(plan: ReportPlan) -> bytes:
    """The `<report>` document for one planned report."""
    zone = plan.platform.zone
    root = etree.Element("report")
    summary = _add(root, "incidentSummary")
    _add(summary, "incidentType", plan.incident_type)
    _add(summary, "platform", plan.platform.service)
    if plan.escalation:
        _add(summary, "escalateToHighPriority", plan.escalation)
    if plan.annotations:
        annotations = _add(summary, "reportAnnotations")
        for name in plan.annotations:
            _add(annotations, name, "true")
    _add(summary, "incidentDateTime", render(plan.incident_at, zone))
    details = _add(root, "internetDetails")
    if plan.platform.messaging:
        chat = _add(details, "chatImIncident")
        _add(chat, "chatClient", plan.platform.service)
    else:
        page = _add(details, "webPageIncident")
        if plan.reported.profile_url:
            _add(page, "url", plan.reported.profile_url)
    _reporter(root, plan.platform)
    _account(root, "personOrUserReported", "personOrUserReportedPerson", plan.reported, zone)
    for recipient in plan.recipients:
        _account(root, "intendedRecipient", "intendedRecipientPerson", recipient, zone)
    if plan.note:
        _add(root, "additionalInfo", plan.note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_document(report_id: int, view: views.FileView, platform: Platform) -> bytes:
    """The `<fileDetails>` document for one file of a report."""
    zone = platform.zone
    root = etree.Element("fileDetails")
    _add(root, "reportId", str(report_id))
    _add(root, "fileId", view.file_id)
    _add(root, "fileName", view.file_name)
    _add(root, "originalFileName", view.original_name)
    _add(root, "uploadedToEspTimestamp", render(view.uploaded_at, zone))
    if view.url:
        _add(root, "locationOfFile", view.url)
    if view.viewed is not None:
        _add(root, "fileViewedByEsp", _bool(view.viewed))
    if view.exif:
        _add(root, "exifViewedByEsp", "true")
    if view.public is not None:
        _add(root, "publiclyAvailable", _bool(view.public))
    _add(root, "fileRelevance", "Reported")
    if view.annotations:
        annotations = _add(root, "fileAnnotations")
        for name in view.annotations:
            _add(annotations, name, "true")
    if view.classification:
        _add(root, "industryClassification", view.classification)
    # Google writes digests in upper case; a parser must compare them case-insensitively.
    md5 = view.item.md5.upper() if platform.key == "google" else view.item.md5
    _add(root, "originalFileHash", md5, hashType="MD5")
    if view.with_sha1:
        _add(root, "originalFileHash", view.item.sha1, hashType="SHA1")
    if view.ip_capture is not None:
        _ip_event(root, view.ip_capture, zone)
    if view.exif:
        details = _add(root, "details", type="EXIF")
        for name, value in view.exif:
            pair = _add(details, "nameValuePair")
            _add(pair, "name", name)
            _add(pair, "value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_report(out: Path, plan: ReportPlan) -> None:
    """Write the tip folder `out/<reportId>/` with `report.xml` and one file document per file."""
    folder = out / str(plan.report_id)
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "report.xml").write_bytes(report_document(plan))
    for view in plan.files:
        data = file_document(plan.report_id, view, plan.platform)
        (folder / "files" / f"{view.file_id}.xml").write_bytes(data)
