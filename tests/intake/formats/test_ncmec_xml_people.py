"""Accounts of the ESP XML format: every element of reported, recipient, victim and associated."""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.resources import files as package_files
from typing import Any

import pytest
from lxml import etree

from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    IdentifierKind,
    IdentifierRecord,
    IpEventRecord,
    KeptElement,
    ParsedTip,
)

K = IdentifierKind
Parser = Callable[..., ParsedTip]
REPORTED = "report.xml:/report/personOrUserReported[1]"
PERSON = f"{REPORTED}/personOrUserReportedPerson"
LINKED = f"{REPORTED}/associatedAccount[1]"
RECIPIENT = "report.xml:/report/intendedRecipient[1]"
VICTIM = "report.xml:/report/victim[1]"
GUARDIAN = f"{VICTIM}/associatedAccount[1]"
SUMMARY = (
    "<incidentSummary><incidentType>Child Sex Tourism</incidentType>"
    "<incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime></incidentSummary>"
)


def _id(
    kind: IdentifierKind,
    raw: str,
    path: str,
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
        _id(K.NAME, "Arjun Menon", PERSON),
        _id(K.PHONE, "+91 98470 12345", f"{PERSON}/phone[1]", qualifier="Mobile", verified=True),
        _id(
            K.EMAIL,
            "arjun.menon84@example.in",
            f"{PERSON}/email[1]",
            qualifier="Home",
            verified=False,
        ),
        _id(K.DATE_OF_BIRTH, "1990-07-21", f"{PERSON}/dateOfBirth"),
        _id(K.PLATFORM_USER_ID, "100045678901", f"{REPORTED}/espIdentifier", "ChatKaro"),
        _id(K.SCREEN_NAME, "arjun_m_84", f"{REPORTED}/screenName", "ChatKaro"),
        _id(K.DISPLAY_NAME, "Arjun M", f"{REPORTED}/displayName[1]"),
        _id(K.PROFILE_URL, "https://chatkaro.example/u/arjun_m_84", f"{REPORTED}/profileUrl[1]"),
        _id(K.DEVICE_ID, "356938035643809", f"{REPORTED}/deviceId[1]", qualifier="IMEI"),
        _id(K.GROUP, "grp-7781", f"{REPORTED}/groupIdentifier", "ChatKaro"),
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
        )
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
        "verificationDate": {f"{PERSON}/phone[1]": "2024-06-01T10:00:00+05:30"},
        "vehicleDescription": "White scooter, KL-07 registration.",
        "compromisedAccount": False,
        "profileBio": "Photographer. Kochi.",
        "deviceEvents": [
            {
                "path": f"{REPORTED}/deviceId[1]",
                "eventName": "Login",
                "dateTime": "2025-03-14T18:01:44+05:30",
            }
        ],
        "thirdPartyUserReported": False,
        "accountTemporarilyDisabled": {
            "value": True,
            "userNotified": False,
            "disabledDate": "2025-03-14T19:00:00Z",
            "reenabledDate": "2025-03-20T09:00:00Z",
        },
        "accountPermanentlyDisabled": {
            "value": True,
            "userNotified": True,
            "disabledDate": "2025-03-21T09:00:00Z",
            "userNotifiedDate": "2025-03-21T09:05:00Z",
        },
        "estimatedLocation": {"verified": False, "timestamp": "2025-03-14T12:31:44Z"},
        "allEmailsReported": True,
        "additionalInfo": ["Account disabled after review."],
    },
)

EXPECTED_LINKED = AccountRecord(
    role=AccountRole.ASSOCIATED,
    path=LINKED,
    service="ChatKaro",
    identifiers=[
        _id(K.NAME, "Arjun K Menon", LINKED),
        _id(K.DATE_OF_BIRTH, "1990-07-21", f"{LINKED}/dateOfBirth"),
        _id(K.PHONE, "+91 98470 12346", f"{LINKED}/phone[1]", qualifier="Mobile"),
        _id(K.EMAIL, "arjun.alt@example.in", f"{LINKED}/email[1]", verified=True),
        _id(K.PLATFORM_USER_ID, "100045678999", f"{LINKED}/espIdentifier", "ChatKaro"),
        _id(K.PROFILE_URL, "https://chatkaro.example/u/arjun_alt", f"{LINKED}/profileUrl[1]"),
        _id(K.SCREEN_NAME, "arjun_alt", f"{LINKED}/screenName", "ChatKaro"),
        _id(K.DISPLAY_NAME, "AK", f"{LINKED}/displayName[1]"),
        _id(K.GROUP, "grp-7781", f"{LINKED}/groupIdentifier", "ChatKaro"),
        _id(K.DEVICE_ID, "3f1a9c0d7b2e4f61", f"{LINKED}/deviceId[1]", qualifier="Android ID"),
    ],
    ip_events=[
        IpEventRecord(
            address="117.204.18.81",
            path=f"{LINKED}/ipCaptureEvent[1]",
            port=40111,
            at=datetime(2025, 1, 5, 8, 0, tzinfo=UTC),
            at_text="2025-01-05T08:00:00Z",
            event="Registration",
        )
    ],
    addresses=[
        AddressRecord(
            path=f"{LINKED}/address[1]", city="Ernakulam", state="Kerala", country="IN", kind="Home"
        )
    ],
    age=34,
    prior_reports=["88012346"],
    relation="Linked",
    associated_with=0,
    details={
        "platform": "ChatKaro Lite",  # not the service: espService says ChatKaro
        "thirdPartyUser": False,
        "allEmailsReported": False,
        "profileBio": "Second account.",
        "compromisedAccount": False,
        "accountTemporarilyDisabled": {"value": False},
        "accountPermanentlyDisabled": {"value": True, "disabledDate": "2025-03-21T09:00:00Z"},
        "additionalInfo": ["Same recovery phone as the reported account."],
    },
)

EXPECTED_RECIPIENT = AccountRecord(
    role=AccountRole.INTENDED_RECIPIENT,
    path=RECIPIENT,
    service="ChatKaro",
    identifiers=[
        _id(K.PLATFORM_USER_ID, "100099887766", f"{RECIPIENT}/espIdentifier", "ChatKaro"),
        _id(K.SCREEN_NAME, "pinky_star_11", f"{RECIPIENT}/screenName", "ChatKaro"),
    ],
    age=13,
    details={
        "compromisedAccount": False,
        "allEmailsReported": False,
        "additionalInfo": ["The recipient told a parent.", "The parent contacted the platform."],
    },
)

EXPECTED_VICTIM = AccountRecord(
    role=AccountRole.VICTIM,
    path=VICTIM,
    service="ChatKaro",
    identifiers=[
        _id(K.NAME, "Meera", f"{VICTIM}/victimPerson"),
        _id(K.PLATFORM_USER_ID, "100099887766", f"{VICTIM}/espIdentifier", "ChatKaro"),
    ],
    age=13,
    details={"schoolName": "Synthetic Public School"},
)

EXPECTED_GUARDIAN = AccountRecord(
    role=AccountRole.ASSOCIATED,
    path=GUARDIAN,
    identifiers=[
        _id(K.NAME, "Lakshmi", GUARDIAN),
        _id(K.EMAIL, "lakshmi.parent@example.in", f"{GUARDIAN}/email[1]"),
    ],
    relation="Parent/Guardian",
    associated_with=3,
)


def test_complete_accounts_map_to_expected_records(complete_tip: ParsedTip) -> None:
    accounts = complete_tip.tip.accounts

    assert accounts[0] == EXPECTED_REPORTED
    assert accounts[1] == EXPECTED_LINKED
    assert accounts == [
        EXPECTED_REPORTED,
        EXPECTED_LINKED,
        EXPECTED_RECIPIENT,
        EXPECTED_VICTIM,
        EXPECTED_GUARDIAN,
    ]


def test_associated_accounts_follow_their_owner(complete_tip: ParsedTip) -> None:
    accounts = complete_tip.tip.accounts
    owners = {
        a.path: accounts[a.associated_with].path for a in accounts if a.associated_with is not None
    }

    assert owners == {LINKED: REPORTED, GUARDIAN: VICTIM}
    assert [a.role for a in accounts if a.associated_with is not None] == [
        AccountRole.ASSOCIATED,
        AccountRole.ASSOCIATED,
    ]


def test_associated_account_takes_its_service_from_platform_without_esp_service(
    esp_parser: Parser,
) -> None:
    report = (
        f"<report>{SUMMARY}<personOrUserReported><espService>ChatKaro</espService>"
        '<associatedAccount type="Billing"><platform thirdPartyUser="true">PayKaro</platform>'
        "<espIdentifier>77</espIdentifier></associatedAccount></personOrUserReported></report>"
    )

    parsed = esp_parser(report)

    linked = parsed.tip.accounts[1]
    assert (linked.service, linked.relation, linked.details) == (
        "PayKaro",
        "Billing",
        {"thirdPartyUser": True},
    )
    assert linked.identifiers == [
        _id(K.PLATFORM_USER_ID, "77", f"{LINKED}/espIdentifier", "PayKaro")
    ]
    assert parsed.warnings == []


def test_associated_account_without_type_warns(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<personOrUserReported><associatedAccount><screenName>x</screenName>"
        "</associatedAccount></personOrUserReported></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.accounts[1].relation is None
    assert [w.path for w in parsed.warnings] == [LINKED]


def test_account_flags_with_bad_values_are_kept(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<personOrUserReported><compromisedAccount>perhaps</compromisedAccount>"
        '<accountPermanentlyDisabled userNotified="soon" disabledDate="2025-03-21 09:00">true'
        "</accountPermanentlyDisabled></personOrUserReported></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.accounts[0].details == {
        "accountPermanentlyDisabled": {"value": True, "disabledDate": "2025-03-21 09:00"}
    }
    assert [k.path for k in parsed.tip.kept] == [
        f"{REPORTED}/compromisedAccount",
        f"{REPORTED}/accountPermanentlyDisabled",
    ]
    assert [w.path for w in parsed.warnings] == [
        f"{REPORTED}/compromisedAccount",
        f"{REPORTED}/accountPermanentlyDisabled",  # userNotified
        f"{REPORTED}/accountPermanentlyDisabled",  # a disabled date without a zone
    ]


def test_a_us_state_that_contradicts_the_indian_state_is_kept(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<personOrUserReported><personOrUserReportedPerson><address>"
        "<city>Kochi</city><state>IN</state><nonUsaState>Kerala</nonUsaState></address>"
        "</personOrUserReportedPerson></personOrUserReported></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.accounts[0].addresses[0].state == "Kerala"
    assert parsed.tip.kept == [KeptElement(f"{PERSON}/address[1]/state", "<state>IN</state>")]


def test_phone_extension_is_kept_in_the_raw_text(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<personOrUserReported><personOrUserReportedPerson>"
        '<phone type="Work" countryCallingCode="+91" extension="12">484 255 0101</phone>'
        "</personOrUserReportedPerson></personOrUserReported></report>"
    )

    [phone] = esp_parser(report).tip.accounts[0].identifiers

    assert (phone.raw, phone.qualifier) == ("+91 484 255 0101 ext. 12", "Work")


def test_a_second_person_block_is_kept_not_merged(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<victim><victimPerson><firstName>Meera</firstName></victimPerson>"
        "<victimPerson><firstName>Asha</firstName></victimPerson></victim></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.accounts[0].identifiers == [_id(K.NAME, "Meera", f"{VICTIM}/victimPerson[1]")]
    assert [k.path for k in parsed.tip.kept] == [f"{VICTIM}/victimPerson[2]"]


# -- the recipient and victim shapes, built from the complete reported account ----------------------

XS = "{http://www.w3.org/2001/XMLSchema}"
# Elements the reported shape has and the other shapes do not, and what each shape adds.
NOT_IN = {
    "intendedRecipient": {"vehicleDescription", "thirdPartyUserReported", "associatedAccount"},
    "victim": {"vehicleDescription", "thirdPartyUserReported", "groupIdentifier"},
}
PERSON_OF = {"intendedRecipient": "intendedRecipientPerson", "victim": "victimPerson"}


XSD = etree.fromstring(
    (package_files("suraksha.intake.formats") / "schemas" / "cyber_tipline.xsd").read_bytes()
)


def _order(role: str) -> list[str]:
    """The children of `role` in the schema's sequence order."""
    declaration = XSD.find(f"{XS}element[@name='{role}']")
    assert declaration is not None
    return [str(element.get("name")) for element in declaration.iter(f"{XS}element")][1:]


def _renamed(value: Any, role: str) -> Any:
    """`value` with every locator and text of the reported account moved to `role`."""
    if type(value) is str:  # not the StrEnum kinds and roles
        value = value.replace("personOrUserReportedPerson", PERSON_OF[role])
        return value.replace("personOrUserReported[1]", f"{role}[1]")
    if isinstance(value, dict):
        return {_renamed(key, role): _renamed(item, role) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, role) for item in value]
    return value


@pytest.mark.parametrize("role", ["intendedRecipient", "victim"])
def test_other_roles_read_every_element_of_their_shape(
    role: str, complete_documents: tuple[str, dict[str, str]], esp_parser: Parser
) -> None:
    report = etree.fromstring(complete_documents[0].encode())
    reported = report.find("personOrUserReported")
    assert reported is not None
    block = etree.Element(role)
    for name in _order(role):
        source = "personOrUserReportedPerson" if name == PERSON_OF[role] else name
        for child in reported.findall(source):
            copied = deepcopy(child)
            copied.tag = name
            block.append(copied)
    if role == "victim":
        school = etree.Element("schoolName")
        school.text = "Synthetic Public School"
        anchor = block.find("priorCTReports")
        assert anchor is not None
        anchor.addprevious(school)
    reporter = "<reporter><reportingPerson/></reporter>"  # only for the schema check
    document = f"<report>{SUMMARY}{reporter}{etree.tostring(block, encoding='unicode')}</report>"
    schema = etree.XMLSchema(XSD)
    assert schema.validate(etree.fromstring(document)), schema.error_log

    parsed = esp_parser(document)

    assert (parsed.warnings, parsed.tip.kept) == ([], [])
    expected = _renamed(asdict(EXPECTED_REPORTED), role)
    expected["role"] = AccountRole.INTENDED_RECIPIENT if role != "victim" else AccountRole.VICTIM
    for name in NOT_IN[role]:
        expected["details"].pop(name, None)
    if role == "victim":
        expected["details"]["schoolName"] = "Synthetic Public School"
        expected["identifiers"] = [i for i in expected["identifiers"] if i["kind"] is not K.GROUP]
    actual = asdict(parsed.tip.accounts[0])
    assert actual == expected
    if role == "victim":
        assert asdict(parsed.tip.accounts[1]) == _renamed(asdict(EXPECTED_LINKED), role)
    assert re.fullmatch(rf"report.xml:/report/{role}\[1\]", parsed.tip.accounts[0].path)
