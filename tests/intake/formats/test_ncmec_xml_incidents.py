"""Incident details of the ESP XML format: all eight `internetDetails` kinds, element by element."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from suraksha.intake.records import (
    AddressRecord,
    IdentifierKind,
    IdentifierRecord,
    IncidentDetailRecord,
    IpEventRecord,
    KeptElement,
    ParsedTip,
)

K = IdentifierKind
Parser = Callable[..., ParsedTip]
DETAILS = "report.xml:/report/internetDetails"
SUMMARY = (
    "<incidentSummary><incidentType>Child Sex Tourism</incidentType>"
    "<incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime></incidentSummary>"
)


def _at(index: int, kind: str) -> str:
    return f"{DETAILS}[{index}]/{kind}"


EXPECTED_INCIDENTS = [
    IncidentDetailRecord(
        kind="webPageIncident",
        path=_at(1, "webPageIncident"),
        identifiers=[
            IdentifierRecord(
                K.URL, "https://paste.example/raw/Kx81bQ", f"{_at(1, 'webPageIncident')}/url[1]"
            ),
            IdentifierRecord(
                K.URL,
                "https://chatkaro.example/share/9a3c6e1f0b",
                f"{_at(1, 'webPageIncident')}/url[2]",
            ),
        ],
        values={
            "thirdPartyHostedContent": True,
            "additionalInfo": ["Link posted in a group chat."],
        },
    ),
    IncidentDetailRecord(
        kind="emailIncident",
        path=_at(2, "emailIncident"),
        identifiers=[
            IdentifierRecord(
                K.EMAIL,
                "arjun.recovery@example.in",
                f"{_at(2, 'emailIncident')}/emailAddress[1]",
                qualifier="Recovery",
                verified=True,
            )
        ],
        values={
            "verificationDate": {
                f"{_at(2, 'emailIncident')}/emailAddress[1]": "2024-11-02T09:15:00Z"
            },
            "content": "Subject: photos",
            "additionalInfo": ["Sent to the recovery address."],
        },
    ),
    IncidentDetailRecord(
        kind="newsgroupIncident",
        path=_at(3, "newsgroupIncident"),
        identifiers=[
            IdentifierRecord(
                K.EMAIL, "poster@news.example", f"{_at(3, 'newsgroupIncident')}/emailAddress[1]"
            )
        ],
        values={
            "name": "alt.synthetic.test",
            "content": "Headers only.",
            "additionalInfo": ["Archived copy."],
        },
    ),
    IncidentDetailRecord(
        kind="chatImIncident",
        path=_at(4, "chatImIncident"),
        values={
            "chatClient": "ChatKaro",
            "chatRoomName": "kochi-friends-7781",
            "content": "Meet on Saturday?",
            "additionalInfo": ["Direct messages."],
        },
    ),
    IncidentDetailRecord(
        kind="onlineGamingIncident",
        path=_at(5, "onlineGamingIncident"),
        values={
            "gameName": "Synthetic Arena",
            "console": "Android",
            "content": "Voice chat invitation.",
            "additionalInfo": ["In-game chat."],
        },
    ),
    IncidentDetailRecord(
        kind="cellPhoneIncident",
        path=_at(6, "cellPhoneIncident"),
        identifiers=[
            IdentifierRecord(
                K.PHONE,
                "+91 98470 55501",
                f"{_at(6, 'cellPhoneIncident')}/phoneNumber",
                qualifier="Mobile",
            )
        ],
        values={"latitude": 9.9312, "longitude": 76.2673, "additionalInfo": ["Text messages."]},
    ),
    IncidentDetailRecord(
        kind="nonInternetIncident",
        path=_at(7, "nonInternetIncident"),
        addresses=[
            AddressRecord(
                path=f"{_at(7, 'nonInternetIncident')}/incidentAddress[1]",
                street="Vyttila Mobility Hub",
                city="Kochi",
                state="Kerala",
                postal_code="682019",
                country="IN",
                kind="Business",
            )
        ],
        values={"locationName": "Vyttila bus stand", "additionalInfo": ["Planned meeting place."]},
    ),
    IncidentDetailRecord(
        kind="peer2peerIncident",
        path=_at(8, "peer2peerIncident"),
        ip_events=[
            IpEventRecord(
                address="117.204.18.90",
                path=f"{_at(8, 'peer2peerIncident')}/ipCaptureEvent[1]",
                port=6881,
                at=datetime(2025, 3, 13, 21, 10, tzinfo=UTC),
                at_text="2025-03-13T21:10:00Z",
                event="Other",
                possible_proxy=False,
            )
        ],
        values={
            "client": "SyntheticTorrent 2.1",
            "fileNames": "holiday_01.jpg, holiday_02.jpg",
            "additionalInfo": ["Seen sharing on a P2P network."],
        },
    ),
]


def test_every_incident_kind_maps_to_its_record(complete_tip: ParsedTip) -> None:
    incidents = complete_tip.tip.incidents

    assert [incident.kind for incident in incidents] == [i.kind for i in EXPECTED_INCIDENTS]
    for actual, expected in zip(incidents, EXPECTED_INCIDENTS, strict=True):
        assert actual == expected


def test_incident_identifiers_belong_to_no_account(complete_tip: ParsedTip) -> None:
    on_accounts = {i.raw for a in complete_tip.tip.accounts for i in a.identifiers}

    assert "https://paste.example/raw/Kx81bQ" not in on_accounts
    assert "poster@news.example" not in on_accounts


def test_an_unknown_incident_kind_is_kept(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<internetDetails><metaverseIncident><world>x</world>"
        "</metaverseIncident></internetDetails></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.incidents == []
    assert parsed.tip.kept == [
        KeptElement(
            f"{DETAILS}[1]/metaverseIncident",
            "<metaverseIncident><world>x</world></metaverseIncident>",
        )
    ]
    assert "Unknown element <metaverseIncident> in <internetDetails>" in parsed.warnings[0].message


def test_an_element_of_another_kind_is_kept(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<internetDetails><chatImIncident><chatClient>ChatKaro</chatClient>"
        "<url>https://x.example/a</url></chatImIncident></internetDetails></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.incidents[0].identifiers == []
    assert [k.path for k in parsed.tip.kept] == [f"{_at(1, 'chatImIncident')}/url[1]"]


def test_coordinates_out_of_range_are_kept(esp_parser: Parser) -> None:
    report = (
        f"<report>{SUMMARY}<internetDetails><cellPhoneIncident><latitude>91.5</latitude>"
        "<longitude>NaN</longitude></cellPhoneIncident></internetDetails></report>"
    )

    parsed = esp_parser(report)

    assert parsed.tip.incidents[0].values == {}
    assert [k.text for k in parsed.tip.kept] == [
        "<latitude>91.5</latitude>",
        "<longitude>NaN</longitude>",
    ]


def test_two_kinds_in_one_internet_details_are_both_read(esp_parser: Parser) -> None:
    # The schema allows one kind per internetDetails; a document with two loses neither.
    report = (
        f"<report>{SUMMARY}<internetDetails><chatImIncident><chatClient>A</chatClient>"
        "</chatImIncident><webPageIncident><url>https://x.example</url></webPageIncident>"
        "</internetDetails></report>"
    )

    parsed = esp_parser(report)

    assert [i.kind for i in parsed.tip.incidents] == ["chatImIncident", "webPageIncident"]
    assert parsed.warnings == []
