"""Tests of the ESP-side CyberTipline XML format against hand-built synthetic reports."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.interface import TipDocument
from suraksha.intake.formats.ncmec_xml import NcmecXmlFormat
from suraksha.intake.formats.ncmec_xml_vocabulary import VOCABULARY
from suraksha.intake.formats.xml_safety import parse_xml
from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    FileRecordData,
    IdentifierKind,
    IdentifierRecord,
    IncidentDetailRecord,
    IpEventRecord,
    KeptElement,
    ParsedTip,
    TipRecord,
)

NUMBER = "90412345"
FORMAT = NcmecXmlFormat()
REPORTED = "report.xml:/report/personOrUserReported[1]"
PERSON = f"{REPORTED}/personOrUserReportedPerson"
MINIMAL_REPORT = (
    "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
    "<incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime></incidentSummary></report>"
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The fixtures handed to these tests are constant strings, never mutated between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def parse(
    report: str | bytes, files: dict[str, str | bytes] | None = None, number: str = NUMBER
) -> ParsedTip:
    """Parse in-memory parts as if they had been loaded from the folder `number`."""
    parts = [("report.xml", report.encode() if isinstance(report, str) else report)]
    for name, text in (files or {}).items():
        parts.append((f"files/{name}", text.encode() if isinstance(text, str) else text))
    return FORMAT.parse(TipDocument(origin=Path("/evidence") / number, parts=tuple(parts)))


def _id(
    kind: IdentifierKind,
    raw: str,
    path: str,
    *,
    service: str | None = None,
    qualifier: str | None = None,
    verified: bool | None = None,
) -> IdentifierRecord:
    return IdentifierRecord(
        kind, raw, path, service=service, qualifier=qualifier, verified=verified
    )


EXPECTED_REPORTED = AccountRecord(
    role=AccountRole.REPORTED,
    path=REPORTED,
    service="ChatKaro",
    identifiers=[
        _id(IdentifierKind.NAME, "Arjun Menon", PERSON),
        _id(
            IdentifierKind.PHONE,
            "+91 98470 12345",
            f"{PERSON}/phone[1]",
            qualifier="Mobile",
            verified=True,
        ),
        _id(
            IdentifierKind.EMAIL,
            "arjun.menon84@example.in",
            f"{PERSON}/email[1]",
            qualifier="Home",
            verified=False,
        ),
        _id(IdentifierKind.EMAIL, "a.menon@example.com", f"{PERSON}/email[2]"),
        _id(IdentifierKind.DATE_OF_BIRTH, "1990-07-21", f"{PERSON}/dateOfBirth"),
        _id(
            IdentifierKind.PLATFORM_USER_ID,
            "100045678901",
            f"{REPORTED}/espIdentifier",
            service="ChatKaro",
        ),
        _id(IdentifierKind.SCREEN_NAME, "arjun_m_84", f"{REPORTED}/screenName", service="ChatKaro"),
        _id(IdentifierKind.DISPLAY_NAME, "Arjun M", f"{REPORTED}/displayName[1]"),
        _id(
            IdentifierKind.PROFILE_URL,
            "https://chatkaro.example/u/arjun_m_84",
            f"{REPORTED}/profileUrl[1]",
        ),
        _id(
            IdentifierKind.DEVICE_ID, "356938035643809", f"{REPORTED}/deviceId[1]", qualifier="IMEI"
        ),
        _id(IdentifierKind.GROUP, "grp-7781", f"{REPORTED}/groupIdentifier", service="ChatKaro"),
    ],
    ip_events=[
        IpEventRecord(
            address="117.204.18.77",
            path=f"{REPORTED}/ipCaptureEvent[1]",
            port=50123,
            at=datetime(2025, 3, 14, 12, 31, 44, tzinfo=UTC),
            at_text="2025-03-14T18:01:44+05:30",
            event="Login",
            possible_proxy=False,
        ),
        IpEventRecord(
            address="2401:4900:1c3a:8e2f::1",
            path=f"{REPORTED}/ipCaptureEvent[2]",
            at=None,
            at_text="2025-03-14T18:20:10",
            event="Upload",
        ),
    ],
    addresses=[
        AddressRecord(
            path=f"{PERSON}/address[1]",
            street="14/302 Pattom Palace Road",
            city="Thiruvananthapuram",
            state="Kerala",
            postal_code="695004",
            country="IN",
            kind="Home",
        )
    ],
    age=34,
    estimated_location={"city": "Kochi", "region": "KL", "countryCode": "IN"},
    prior_reports=["88012345"],
    details={
        "deviceEvents": [{"path": f"{REPORTED}/deviceId[1]", "eventName": "Login"}],
        "estimatedLocation": {"verified": False},
        "additionalInfo": ["Account disabled after review."],
    },
)

EXPECTED_RECIPIENT = AccountRecord(
    role=AccountRole.INTENDED_RECIPIENT,
    path="report.xml:/report/intendedRecipient[1]",
    service="ChatKaro",
    identifiers=[
        _id(
            IdentifierKind.PLATFORM_USER_ID,
            "100099887766",
            "report.xml:/report/intendedRecipient[1]/espIdentifier",
            service="ChatKaro",
        ),
        _id(
            IdentifierKind.SCREEN_NAME,
            "pinky_star_11",
            "report.xml:/report/intendedRecipient[1]/screenName",
            service="ChatKaro",
        ),
    ],
    age=13,
)

EXPECTED_VICTIM = AccountRecord(
    role=AccountRole.VICTIM,
    path="report.xml:/report/victim[1]",
    identifiers=[_id(IdentifierKind.NAME, "Meera", "report.xml:/report/victim[1]/victimPerson")],
    age=13,
    details={"schoolName": "Synthetic Public School"},
)

EXPECTED_FILES = [
    FileRecordData(
        file_id="9a3c6e1f0b",
        path="files/f1.xml:/fileDetails",
        file_name="9a3c6e1f0b.jpg",
        original_file_name="IMG_20250314_181955.jpg",
        hashes={
            "md5": "0b9c8fafe76761779cafa0e706952f84",
            "sha1": "07995dce7541de6cb32e282952fb8fd291f4d347",
            "pdq": "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        },
        classification="B2",
        annotations=["possibleSelfProduction", "generativeAi"],
        viewed_by_esp=True,
        publicly_available=False,
        uploaded_at=datetime(2025, 3, 14, 12, 50, 1, tzinfo=UTC),
        ip_event=IpEventRecord(
            address="117.204.18.77",
            path="files/f1.xml:/fileDetails/ipCaptureEvent[1]",
            port=50188,
            at=datetime(2025, 3, 14, 12, 50, 1, tzinfo=UTC),
            at_text="2025-03-14T12:50:01Z",
            event="Upload",
        ),
        exif=[("EXIF", "Make", "Synthetic")],
        details={
            "locationOfFile": "https://cdn.chatkaro.example/m/9a3c6e1f0b",
            "exifViewedByEsp": False,
            "fileRelevance": "Reported",
            "additionalInfo": ["Sent in a direct message."],
        },
    ),
    FileRecordData(
        file_id="c71d02aa5e",
        path="files/f2.xml:/fileDetails",
        file_name="c71d02aa5e.mp4",
        hashes={
            "sha256": "ca046c1d534eacbc355c9d642d662316609e576bf5abc8bf0026948c12364eec",
            "md5": "db2d2806a75debe6f439fff2b26b7221",
        },
        classification="A2",
        annotations=["potentialMeme"],
    ),
]

EXPECTED_TIP = TipRecord(
    source="ncmec",
    source_id=NUMBER,
    format_name="ncmec_xml",
    incident_type="Online Enticement of Children for Sexual Acts",
    incident_at=datetime(2025, 3, 14, 12, 52, 5, tzinfo=UTC),
    reporting_platform="ChatKaro Messenger",
    annotations=["sextortion", "csamSolicitation"],
    escalated=True,
    accounts=[EXPECTED_REPORTED, EXPECTED_RECIPIENT, EXPECTED_VICTIM],
    files=EXPECTED_FILES,
    incidents=[
        IncidentDetailRecord(
            kind="chatImIncident",
            path="report.xml:/report/internetDetails[1]/chatImIncident",
            values={"chatClient": "ChatKaro"},
        )
    ],
    reporter={
        "reportingPerson": {
            "firstName": "Trust",
            "lastName": "Safety",
            "phone": [{"value": "+91 80 4000 1234"}],
            "email": [{"value": "safety-desk@chatkaro.example"}],
        }
    },
    details={
        "escalateToHighPriority": "Adult asked a 13-year-old to meet in Kochi.",
        "incidentDateTimeDescription": "Time of the last message.",
    },
)


# -- the full report --------------------------------------------------------------------------------


def test_full_unit_maps_to_expected_record(xml_unit: Path) -> None:
    parsed = FORMAT.parse(FORMAT.load(xml_unit))

    assert parsed.tip.accounts[0] == EXPECTED_REPORTED
    assert parsed.tip.accounts == EXPECTED_TIP.accounts
    assert parsed.tip.files == EXPECTED_FILES
    assert parsed.tip == EXPECTED_TIP
    assert [(w.path, w.message.split(";")[0]) for w in parsed.warnings] == [
        (
            f"{REPORTED}/ipCaptureEvent[2]/dateTime",
            "<dateTime> '2025-03-14T18:20:10' has no time zone, so the instant is unknown",
        ),
    ]


def test_complete_report_level_values(complete_tip: ParsedTip) -> None:
    tip = complete_tip.tip

    assert (complete_tip.warnings, tip.kept) == ([], [])
    assert (tip.source, tip.source_id, tip.format_name) == ("ncmec", "90412347", "ncmec_xml")
    assert tip.batch_reason == "VIRAL_POTENTIAL_MEME"
    assert tip.incident_type == "Online Enticement of Children for Sexual Acts"
    assert tip.incident_at == datetime(2025, 3, 14, 12, 52, 5, tzinfo=UTC)
    assert tip.reporting_platform == "ChatKaro Messenger"
    assert tip.escalated is True
    assert tip.annotations == [
        "sextortion",
        "csamSolicitation",
        "minorToMinorInteraction",
        "spam",
        "sadisticOnlineExploitation",
    ]
    assert tip.details == {
        "escalateToHighPriority": "Adult arranged to meet a 13-year-old in Kochi.",
        "incidentDateTimeDescription": "Time of the last message.",
        "additionalInfo": ["Prepared from a user complaint."],
    }


def test_reporter_is_kept_as_plain_values(complete_tip: ParsedTip) -> None:
    assert complete_tip.tip.reporter == {
        "reportingPerson": {
            "firstName": "Trust",
            "lastName": "Safety",
            "phone": [{"value": "+91 80 4000 1234 ext. 204", "type": "Business"}],
            "email": [
                {"value": "safety-desk@chatkaro.example", "type": "Business", "verified": True}
            ],
        },
        "contactPerson": {
            "firstName": "Law Enforcement Response",
            "lastName": "ChatKaro",
            "phone": [{"value": "+1 650 555 0100", "type": "Business"}],
            "email": [{"value": "lers@chatkaro.example", "type": "Work"}],
            "address": [
                {
                    "street": "1 Synthetic Way",
                    "city": "Menlo Park",
                    "state": "CA",
                    "postal_code": "94025",
                    "country": "US",
                    "kind": "Business",
                }
            ],
        },
        "companyTemplate": "ChatKaro reports content that breaks its child safety policy.",
        "termsOfService": "https://chatkaro.example/terms",
        "legalURL": "https://chatkaro.example/legal/law-enforcement",
    }


def test_law_enforcement_is_kept_as_plain_values(complete_tip: ParsedTip) -> None:
    assert complete_tip.tip.law_enforcement == {
        "agencyName": "Kerala Police Cyberdome",
        "caseNumber": "CD-2025-0412",
        "officerContact": {
            "firstName": "Anitha",
            "lastName": "Pillai",
            "phone": [{"value": "+91 471 272 1547", "type": "Work"}],
            "email": [{"value": "cyberdome.officer@police.example", "type": "Work"}],
            "address": [
                {
                    "street": "Technopark Phase III",
                    "city": "Thiruvananthapuram",
                    "state": "Kerala",
                    "postal_code": "695583",
                    "country": "IN",
                    "kind": "Business",
                }
            ],
        },
        "reportedToLe": True,
        "servedLegalProcessDomestic": False,
        "servedLegalProcessInternational": {"value": True, "fleaCountry": "IN"},
    }


def test_officer_and_reporter_never_become_identifiers(complete_tip: ParsedTip) -> None:
    raws = {
        identifier.raw
        for account in complete_tip.tip.accounts
        for identifier in account.identifiers
    }
    raws |= {i.raw for incident in complete_tip.tip.incidents for i in incident.identifiers}

    assert not {raw for raw in raws if "safety-desk" in raw or "police" in raw or "lers@" in raw}


def test_reporter_contacts_never_become_identifiers(report_xml: str) -> None:
    # The platform's safety desk appears on every report it files; as an identifier it would link
    # every reported user of that platform into one subject.
    parsed = parse(report_xml)
    raws = {identifier.raw for account in parsed.tip.accounts for identifier in account.identifiers}

    assert not {raw for raw in raws if "safety-desk" in raw or "4000 1234" in raw or "Trust" in raw}
    assert all("/reporter" not in warning.path for warning in parsed.warnings)


def _locators(tip: TipRecord) -> list[str]:
    paths = [account.path for account in tip.accounts]
    holders: list[AccountRecord | IncidentDetailRecord] = [*tip.accounts, *tip.incidents]
    for holder in holders:
        paths += [item.path for item in holder.identifiers]
        paths += [item.path for item in holder.ip_events]
        paths += [item.path for item in holder.addresses]
    paths += [incident.path for incident in tip.incidents]
    paths += [record.path for record in tip.files]
    paths += [record.ip_event.path for record in tip.files if record.ip_event]
    paths += [device.path for record in tip.files for device in record.devices]
    paths += [kept.path for kept in tip.kept]
    return paths


def test_every_locator_resolves_to_its_element(
    tmp_path: Path, xml_unit: Path, complete_documents: tuple[str, dict[str, str]]
) -> None:
    report, files = complete_documents
    complete = _write_unit(tmp_path / "complete", report, files, number="90412347")
    for unit in (xml_unit, complete):
        _assert_locators_resolve(unit)


def _write_unit(where: Path, report: str, files: dict[str, str], number: str) -> Path:
    """Lay out a report folder on disk."""
    unit = where / number
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(report, encoding="utf-8")
    for name, text in files.items():
        (unit / "files" / name).write_text(text, encoding="utf-8")
    return unit


def _assert_locators_resolve(unit: Path) -> None:
    document = FORMAT.load(unit)
    trees = {name: parse_xml(data, name).getroottree() for name, data in document.parts}
    paths = _locators(FORMAT.parse(document).tip)
    assert len(paths) > 10

    for path in paths:
        part, _, xpath = path.partition(":")
        found = trees[part].xpath(xpath)
        assert isinstance(found, list) and len(found) == 1, path


def test_the_synthetic_corpus_reads_without_a_warning(synthetic_corpus: Path) -> None:
    # The generator writes only schema elements, so any warning here is a mapping gap.
    units = sorted(path for path in synthetic_corpus.iterdir() if FORMAT.claims(path))
    parsed = [FORMAT.parse(FORMAT.load(unit)) for unit in units]

    assert len(units) > 20
    assert [w for p in parsed for w in p.warnings] == []
    assert [k for p in parsed for k in p.tip.kept] == []
    assert any(a.role is AccountRole.ASSOCIATED for p in parsed for a in p.tip.accounts)
    assert all(p.tip.incidents and p.tip.reporter for p in parsed)


def test_minimal_report(minimal_report_xml: str) -> None:
    parsed = parse(minimal_report_xml)

    assert parsed.warnings == []
    assert parsed.tip == TipRecord(
        source="ncmec",
        source_id=NUMBER,
        format_name="ncmec_xml",
        incident_type="Child Sexual Molestation",
        incident_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        reporter={"reportingPerson": {"email": [{"value": "desk@platform.example"}]}},
        accounts=[
            AccountRecord(
                role=AccountRole.REPORTED,
                path=REPORTED,
                service="Platform",
                identifiers=[
                    _id(
                        IdentifierKind.PLATFORM_USER_ID,
                        "42",
                        f"{REPORTED}/espIdentifier",
                        service="Platform",
                    )
                ],
            )
        ],
    )


def test_namespaced_document_is_read_by_local_names(minimal_report_xml: str) -> None:
    namespaced = minimal_report_xml.replace("<report>", '<report xmlns="urn:example:esp">')

    assert parse(namespaced).tip.accounts[0].identifiers[0].raw == "42"


# -- elements newer than the schema: kept verbatim, with a warning ---------------------------------


@pytest.mark.parametrize(
    ("anchor", "expected_path"),
    [
        ("<internetDetails>", "report.xml:/report/newerThing"),
        ("<incidentDateTime>", "report.xml:/report/incidentSummary/newerThing"),
        ("<chatClient>", "report.xml:/report/internetDetails[1]/chatImIncident/newerThing"),
        ("<chatImIncident>", "report.xml:/report/internetDetails[1]/newerThing"),
        ("<reportingPerson>", "report.xml:/report/reporter/newerThing"),
        ("<firstName>Trust", "report.xml:/report/reporter/reportingPerson/newerThing"),
        ("<espService>", f"{REPORTED}/newerThing"),
        ("<firstName>Arjun", f"{PERSON}/newerThing"),
        ("<city>Thiruvananthapuram", f"{PERSON}/address[1]/newerThing"),
        ("<possibleProxy>", f"{REPORTED}/ipCaptureEvent[1]/newerThing"),
        ("<idType>", f"{REPORTED}/deviceId[1]/newerThing"),
        ("<region>", f"{REPORTED}/estimatedLocation/newerThing"),
        ("<schoolName>", "report.xml:/report/victim[1]/newerThing"),
        ("Arjun M</displayName>", f"{REPORTED}/displayName[1]/newerThing"),
    ],
)
def test_unknown_elements_are_kept_verbatim_with_their_path(
    report_xml: str, anchor: str, expected_path: str
) -> None:
    assert anchor in report_xml
    newer = report_xml.replace(anchor, f'<newerThing level="2">x</newerThing>{anchor}', 1)

    parsed = parse(newer)

    unknown = [w for w in parsed.warnings if "newerThing" in w.message]
    assert [w.path for w in unknown] == [expected_path]
    assert "kept verbatim" in unknown[0].message
    assert parsed.tip.kept == [KeptElement(expected_path, '<newerThing level="2">x</newerThing>')]


def test_an_unknown_element_is_kept_with_its_subtree() -> None:
    report = MINIMAL_REPORT.replace(
        "</report>",
        "<riskAssessment><score>0.91</score><model>v3</model></riskAssessment></report>",
    )

    parsed = parse(report)

    assert parsed.tip.kept == [
        KeptElement(
            "report.xml:/report/riskAssessment",
            "<riskAssessment><score>0.91</score><model>v3</model></riskAssessment>",
        )
    ]
    assert [w.path for w in parsed.warnings] == ["report.xml:/report/riskAssessment"]


def test_an_unknown_element_of_a_namespaced_document_keeps_its_namespace() -> None:
    report = MINIMAL_REPORT.replace("<report>", '<report xmlns="urn:example:esp">').replace(
        "</report>", "<newerThing>x</newerThing></report>"
    )

    assert parse(report).tip.kept == [
        KeptElement(
            "report.xml:/report/newerThing", '<newerThing xmlns="urn:example:esp">x</newerThing>'
        )
    ]


def test_unknown_element_in_file_details_is_kept(file_xml: tuple[str, str]) -> None:
    newer = file_xml[1].replace("<fileName>", "<aiConfidence>0.91</aiConfidence><fileName>")

    parsed = parse(MINIMAL_REPORT, {"f2.xml": newer})

    assert [w.path for w in parsed.warnings] == ["files/f2.xml:/fileDetails/aiConfidence"]
    assert parsed.tip.kept == [
        KeptElement("files/f2.xml:/fileDetails/aiConfidence", "<aiConfidence>0.91</aiConfidence>")
    ]


def test_a_known_element_in_the_wrong_place_is_kept() -> None:
    report = MINIMAL_REPORT.replace("</report>", "<fileName>x.jpg</fileName></report>")

    parsed = parse(report)

    assert parsed.tip.kept == [
        KeptElement("report.xml:/report/fileName", "<fileName>x.jpg</fileName>")
    ]
    assert "Unknown element <fileName> in <report>" in parsed.warnings[0].message


# -- values that read past with a warning, their elements kept --------------------------------------


def test_bad_values_warn_are_kept_and_read_as_unknown(report_xml: str) -> None:
    broken = (
        report_xml.replace("<port>50123</port>", "<port>99999</port>")
        .replace("<age>34</age>", "<age>thirty</age>")
        .replace("<possibleProxy>false", "<possibleProxy>maybe")
        .replace('verified="true"', 'verified="yes"')
        .replace("2025-03-14T18:22:05+05:30", "14/03/2025 18:22")
        .replace("<priorCTReports>88012345", "<priorCTReports>CT-88012345")
    )

    parsed = parse(broken)

    reported = parsed.tip.accounts[0]
    assert reported.ip_events[0].port is None
    assert reported.ip_events[0].possible_proxy is None
    assert reported.age is None
    assert reported.prior_reports == []
    assert reported.identifiers[1].verified is None
    assert parsed.tip.incident_at is None
    assert {w.path for w in parsed.warnings} >= {
        f"{REPORTED}/ipCaptureEvent[1]/port",
        f"{REPORTED}/ipCaptureEvent[1]/possibleProxy",
        f"{PERSON}/age",
        f"{PERSON}/phone[1]",
        "report.xml:/report/incidentSummary/incidentDateTime",
        f"{REPORTED}/priorCTReports[1]",
    }
    assert {(k.path, k.text) for k in parsed.tip.kept} == {
        (f"{REPORTED}/ipCaptureEvent[1]/port", "<port>99999</port>"),
        (f"{REPORTED}/ipCaptureEvent[1]/possibleProxy", "<possibleProxy>maybe</possibleProxy>"),
        (f"{PERSON}/age", "<age>thirty</age>"),
        (
            f"{PERSON}/phone[1]",
            '<phone type="Mobile" verified="yes" countryCallingCode="+91">98470 12345</phone>',
        ),
        (
            "report.xml:/report/incidentSummary/incidentDateTime",
            "<incidentDateTime>14/03/2025 18:22</incidentDateTime>",
        ),
        (f"{REPORTED}/priorCTReports[1]", "<priorCTReports>CT-88012345</priorCTReports>"),
    }


def test_a_zoneless_capture_time_keeps_its_text_in_the_record(report_xml: str) -> None:
    # IpEventRecord.at_text holds it, so the element itself is not kept as well.
    parsed = parse(report_xml)

    assert parsed.tip.accounts[0].ip_events[1].at_text == "2025-03-14T18:20:10"
    assert parsed.tip.kept == []


def test_unknown_incident_type_warns() -> None:
    parsed = parse(MINIMAL_REPORT.replace("Child Sex Tourism", "Grooming"))

    assert parsed.tip.incident_type == "Grooming"
    assert [w.path for w in parsed.warnings] == ["report.xml:/report/incidentSummary/incidentType"]


def test_second_single_element_is_kept() -> None:
    report = MINIMAL_REPORT.replace(
        "</report>",
        "<personOrUserReported><espService>A</espService><espService>B</espService>"
        "<screenName>x</screenName></personOrUserReported></report>",
    )

    parsed = parse(report)

    assert parsed.tip.accounts[0].identifiers[0].service == "A"
    assert [w.path for w in parsed.warnings] == [
        "report.xml:/report/personOrUserReported[1]/espService[2]"
    ]
    assert parsed.tip.kept == [
        KeptElement(
            "report.xml:/report/personOrUserReported[1]/espService[2]", "<espService>B</espService>"
        )
    ]


def test_an_element_with_two_problems_is_kept_once() -> None:
    report = MINIMAL_REPORT.replace(
        "</report>",
        "<personOrUserReported><personOrUserReportedPerson>"
        '<email verified="often">a@example.in<sub>x</sub></email>'
        "</personOrUserReportedPerson></personOrUserReported></report>",
    )

    parsed = parse(report)

    email = f"{PERSON}/email[1]"
    assert [w.path for w in parsed.warnings] == [f"{email}/sub", email]
    assert [k.path for k in parsed.tip.kept] == [f"{email}/sub", email]


def test_phone_keeps_a_number_that_already_has_its_code() -> None:
    report = MINIMAL_REPORT.replace(
        "</report>",
        "<personOrUserReported><personOrUserReportedPerson>"
        '<phone countryCallingCode="+91">+91 98470 12345</phone>'
        '<phone countryCallingCode="+91" type="Work">0471 255 0101</phone>'
        "</personOrUserReportedPerson></personOrUserReported></report>",
    )

    identifiers = parse(report).tip.accounts[0].identifiers

    assert [(i.raw, i.qualifier) for i in identifiers] == [
        ("+91 98470 12345", None),
        ("+91 0471 255 0101", "Work"),
    ]


def test_conflicting_duplicate_hash_is_kept(file_xml: tuple[str, str]) -> None:
    doubled = file_xml[1].replace(
        "</fileDetails>",
        '<originalFileHash hashType="md5">ffffffffffffffffffffffffffffffff</originalFileHash>'
        '<originalFileHash hashType="PhotoDNA">QUJDRA==</originalFileHash></fileDetails>',
    )

    parsed = parse(MINIMAL_REPORT, {"f2.xml": doubled})

    assert parsed.tip.files[0].hashes["md5"] == "db2d2806a75debe6f439fff2b26b7221"
    assert parsed.tip.files[0].hashes["photodna"] == "QUJDRA=="  # not hex: case kept
    assert [w.path for w in parsed.warnings] == ["files/f2.xml:/fileDetails/originalFileHash[3]"]
    assert parsed.tip.kept == [
        KeptElement(
            "files/f2.xml:/fileDetails/originalFileHash[3]",
            '<originalFileHash hashType="md5">ffffffffffffffffffffffffffffffff</originalFileHash>',
        )
    ]


def test_device_without_value_is_kept() -> None:
    report = MINIMAL_REPORT.replace(
        "</report>",
        "<personOrUserReported><deviceId><idType>IMEI</idType></deviceId></personOrUserReported>"
        "</report>",
    )

    parsed = parse(report)

    assert parsed.tip.accounts[0].identifiers == []
    assert [w.path for w in parsed.warnings] == [f"{REPORTED}/deviceId[1]"]
    assert [k.text for k in parsed.tip.kept] == ["<deviceId><idType>IMEI</idType></deviceId>"]


def test_same_file_id_in_two_documents_warns(file_xml: tuple[str, str]) -> None:
    parsed = parse(MINIMAL_REPORT, {"a.xml": file_xml[1], "b.xml": file_xml[1]})

    assert len(parsed.tip.files) == 2
    assert [w.path for w in parsed.warnings] == ["files/b.xml:/fileDetails"]


# -- refusals ---------------------------------------------------------------------------------------


def test_file_of_another_report_is_refused(file_xml: tuple[str, str]) -> None:
    foreign = file_xml[0].replace(f"<reportId>{NUMBER}", "<reportId>90499999")

    with pytest.raises(FormatError, match=r"files/f1.xml belongs to report 90499999"):
        parse(MINIMAL_REPORT, {"f1.xml": foreign})


def test_file_without_id_is_refused() -> None:
    with pytest.raises(FormatError, match="no <fileId>"):
        parse(
            MINIMAL_REPORT, {"f.xml": f"<fileDetails><reportId>{NUMBER}</reportId></fileDetails>"}
        )


@pytest.mark.parametrize("folder", ["CT-90412345", "９０４", "", "90412345 "])
def test_folder_must_be_a_report_number(folder: str) -> None:
    with pytest.raises(FormatError, match="report number"):
        parse(MINIMAL_REPORT, number=folder)


def test_wrong_root_elements_are_refused() -> None:
    with pytest.raises(FormatError, match=r"root element <fileDetails>, not <report>"):
        parse("<fileDetails/>")
    with pytest.raises(FormatError, match=r"files/x.xml has the root element <report>"):
        parse(MINIMAL_REPORT, {"x.xml": "<report/>"})


def test_missing_report_part_is_refused() -> None:
    document = TipDocument(origin=Path("/evidence") / NUMBER, parts=(("files/a.xml", b"<a/>"),))

    with pytest.raises(FormatError, match=r"no report\.xml"):
        FORMAT.parse(document)


def test_part_listed_twice_is_refused() -> None:
    report = ("report.xml", MINIMAL_REPORT.encode())
    document = TipDocument(origin=Path("/evidence") / NUMBER, parts=(report, report))

    with pytest.raises(FormatError, match="listed twice"):
        FORMAT.parse(document)


def test_unexpected_part_warns() -> None:
    document = TipDocument(
        origin=Path("/evidence") / NUMBER,
        parts=(("report.xml", MINIMAL_REPORT.encode()), ("notes.txt", b"hello")),
    )

    assert [w.path for w in FORMAT.parse(document).warnings] == ["notes.txt"]


def test_dtd_in_a_file_part_is_refused() -> None:
    hostile = '<!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><fileDetails>&x;</fileDetails>'

    with pytest.raises(HostileInputError, match=r"files/f\.xml"):
        parse(MINIMAL_REPORT, {"f.xml": hostile})


# -- claims and load --------------------------------------------------------------------------------


def test_claims_only_folders_with_a_report(tmp_path: Path, xml_unit: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "report.xml").write_text("<report/>")

    assert FORMAT.claims(xml_unit)
    assert not FORMAT.claims(tmp_path / "empty")
    assert not FORMAT.claims(tmp_path / "report.xml")
    assert not FORMAT.claims(tmp_path / "missing")


def test_load_reads_report_and_file_documents_in_name_order(xml_unit: Path) -> None:
    (xml_unit / "files" / "0.jpg").write_bytes(b"\xff\xd8 not read")
    (xml_unit / "files" / "sub.xml").mkdir()

    document = FORMAT.load(xml_unit)

    assert [name for name, _ in document.parts] == ["report.xml", "files/f1.xml", "files/f2.xml"]
    assert document.origin == xml_unit


def test_load_refuses_a_link_out_of_the_folder(tmp_path: Path, xml_unit: Path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_text("<fileDetails/>")
    os.symlink(outside, xml_unit / "files" / "f3.xml")

    with pytest.raises(HostileInputError, match="outside the report folder"):
        FORMAT.load(xml_unit)


def test_load_without_report_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        FORMAT.load(tmp_path)


# -- property tests: whatever the bytes, a ParsedTip or a FormatError -------------------------------


def _parse_or_format_error(report: bytes, files: dict[str, str | bytes] | None = None) -> None:
    try:
        result = parse(report, files)
    except FormatError:
        return
    assert isinstance(result, ParsedTip)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_format_error(data)
    _parse_or_format_error(MINIMAL_REPORT.encode(), {"f.xml": data})


@FUZZ
@given(data=st.data())
def test_mutated_valid_report(report_xml: str, data: st.DataObject) -> None:
    original = bytearray(report_xml.encode())
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        at = data.draw(st.integers(0, len(original) - 1), label="at")
        match data.draw(st.sampled_from(["flip", "delete", "insert"]), label="op"):
            case "flip":
                original[at] = data.draw(st.integers(0, 255), label="byte")
            case "delete":
                del original[at : at + data.draw(st.integers(1, 40), label="span")]
            case _:
                original[at:at] = data.draw(st.binary(min_size=1, max_size=20), label="bytes")
        if not original:
            break
    _parse_or_format_error(bytes(original))


_NAMES = sorted({name for names in VOCABULARY.values() for name in names} | {"newerThing"})
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=12
)
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        [
            *("type", "verified", "countryCallingCode", "extension", "verificationDate"),
            *("hashType", "reason", "thirdPartyHostedContent", "fleaCountry", "thirdPartyUser"),
            *("disabledDate", "userNotified", "reenabledDate", "timestamp"),
        ]
    ),
    _TEXT,
    max_size=3,
)
_Tree: TypeAlias = tuple[str, dict[str, str], str, list["_Tree"]]


def _trees() -> st.SearchStrategy[_Tree]:
    leaf: st.SearchStrategy[_Tree] = st.tuples(
        st.sampled_from(_NAMES), _ATTRIBUTES, _TEXT, st.just([])
    )
    return st.recursive(
        leaf,
        lambda children: st.tuples(
            st.sampled_from(_NAMES), _ATTRIBUTES, _TEXT, st.lists(children, max_size=5)
        ),
        max_leaves=40,
    )


def _build(tree: _Tree) -> etree._Element:
    name, attributes, text, children = tree
    element = etree.Element(name, attributes)
    element.text = text
    element.extend(_build(child) for child in children)
    return element


@FUZZ
@given(children=st.lists(_trees(), max_size=6), file_children=st.lists(_trees(), max_size=6))
def test_random_trees_of_schema_names(children: list[_Tree], file_children: list[_Tree]) -> None:
    # Structure-aware: real element names in wrong places, wrong values and wrong nesting reach the
    # mapping code itself instead of stopping at the XML parser.
    report = etree.Element("report")
    report.extend(_build(child) for child in children)
    details = etree.Element("fileDetails")
    etree.SubElement(details, "reportId").text = NUMBER
    etree.SubElement(details, "fileId").text = "f"
    details.extend(_build(child) for child in file_children)

    _parse_or_format_error(etree.tostring(report), {"f.xml": etree.tostring(details)})
