"""Tests of the law-enforcement CyberTipline JSON format against hand-built synthetic reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suraksha.errors import FormatError
from suraksha.intake.formats.cybertip_json import CybertipJsonFormat
from suraksha.intake.formats.interface import TipDocument
from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    FileRecordData,
    IdentifierKind,
    IdentifierRecord,
    IpEventRecord,
    KeptElement,
    ParsedTip,
    TipRecord,
)

NUMBER = "90412346"
FORMAT = CybertipJsonFormat()
INFO = "$.reportedInformation"
PERSON = f"{INFO}.reportedPeople.reportedPersons[0]"
RECIPIENT = f"{INFO}.intendedRecipients.intendedRecipients[0]"
UPLOAD = f"{INFO}.uploadedFiles.uploadedFiles[0]"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The fixture handed to these tests is deep-copied on every use and never shared.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def parse_bytes(data: bytes, name: str = f"{NUMBER}.json") -> ParsedTip:
    return FORMAT.parse(TipDocument(origin=Path("/evidence") / name, parts=((name, data),)))


def parse(document: object, name: str = f"{NUMBER}.json") -> ParsedTip:
    return parse_bytes(json.dumps(document).encode(), name)


EXPECTED_TIP = TipRecord(
    source="ncmec",
    source_id=NUMBER,
    format_name="cybertip_json",
    incident_type="Online Enticement of Children for Sexual Acts",
    received_at=datetime(2025, 3, 15, 4, 10, tzinfo=UTC),
    incident_at=datetime(2025, 3, 14, 12, 52, 5, tzinfo=UTC),
    reporting_platform="ChatKaro Technologies Pvt Ltd",
    accounts=[
        AccountRecord(
            role=AccountRole.REPORTED,
            path=PERSON,
            service="ChatKaro",
            identifiers=[
                IdentifierRecord(IdentifierKind.NAME, "Arjun K Menon", PERSON),
                IdentifierRecord(
                    IdentifierKind.DATE_OF_BIRTH, "1990-07-21", f"{PERSON}.dateOfBirth"
                ),
                IdentifierRecord(
                    IdentifierKind.PLATFORM_USER_ID,
                    "100045678901",
                    f"{PERSON}.espUserId",
                    service="ChatKaro",
                ),
                IdentifierRecord(
                    IdentifierKind.SCREEN_NAME,
                    "arjun_m_84",
                    f"{PERSON}.screenName.value",
                    service="ChatKaro",
                ),
                IdentifierRecord(
                    IdentifierKind.EMAIL,
                    "arjun.menon84@example.in",
                    f"{PERSON}.emails.emails[0]",
                    verified=True,
                ),
                IdentifierRecord(
                    IdentifierKind.EMAIL, "a.menon@example.com", f"{PERSON}.emails.emails[1]"
                ),
                IdentifierRecord(
                    IdentifierKind.PHONE,
                    "+91 98470 12345",
                    f"{PERSON}.phones.phones[0]",
                    verified=False,
                ),
                IdentifierRecord(
                    IdentifierKind.PROFILE_URL,
                    "https://chatkaro.example/u/arjun_m_84",
                    f"{PERSON}.sourceInformation.sourceCaptures[1].value",
                ),
            ],
            ip_events=[
                IpEventRecord(
                    address="117.204.18.77",
                    path=f"{PERSON}.sourceInformation.sourceCaptures[0]",
                    port=50123,
                    at=datetime(2025, 3, 14, 12, 31, 44, tzinfo=UTC),
                    at_text="2025-03-14T12:31:44Z",
                    event="Login",
                ),
                IpEventRecord(
                    address="2401:4900:1c3a:8e2f::1",
                    path=f"{PERSON}.sourceInformation.sourceCaptures[2]",
                    at=None,
                    at_text="2025-03-14 18:20:10",
                    event="Upload",
                ),
            ],
            addresses=[
                AddressRecord(
                    path=f"{PERSON}.addresses.addresses[0]",
                    street="14/302 Pattom Palace Road, Near Kesavadasapuram",
                    city="Thiruvananthapuram",
                    state="Kerala",
                    postal_code="695004",
                    country="IN",
                )
            ],
            age=34,
        ),
        AccountRecord(
            role=AccountRole.INTENDED_RECIPIENT,
            path=RECIPIENT,
            service="ChatKaro",
            identifiers=[
                IdentifierRecord(
                    IdentifierKind.PLATFORM_USER_ID,
                    "100099887766",
                    f"{RECIPIENT}.espUserId",
                    service="ChatKaro",
                ),
                IdentifierRecord(
                    IdentifierKind.SCREEN_NAME,
                    "pinky_star_11",
                    f"{RECIPIENT}.screenName.value",
                    service="ChatKaro",
                ),
            ],
            age=13,
        ),
    ],
    files=[
        FileRecordData(
            file_id="9a3c6e1f0b.jpg",
            path=UPLOAD,
            file_name="9a3c6e1f0b.jpg",
            original_file_name="IMG_20250314_181955.jpg",
            hashes={"md5": "0b9c8fafe76761779cafa0e706952f84"},
            classification="B2",
            annotations=["Possible Self-Production", "Generative AI"],
            exif=[("ESP", "uploadSurface", "direct message")],
            viewed_by_esp=True,
            ip_event=IpEventRecord(
                address="117.204.18.77",
                path=f"{UPLOAD}.sourceInformation.sourceCaptures[0]",
                port=50188,
                at=datetime(2025, 3, 14, 12, 50, 1, tzinfo=UTC),
                at_text="2025-03-14T12:50:01Z",
                event="Upload",
            ),
        )
    ],
    details={"additionalInformations": ["Escalated by the platform."]},
)


def test_full_report_maps_to_expected_record(json_unit: Path) -> None:
    parsed = FORMAT.parse(FORMAT.load(json_unit))

    assert parsed.tip.accounts[0] == EXPECTED_TIP.accounts[0]
    assert parsed.tip.files == EXPECTED_TIP.files
    assert parsed.tip == EXPECTED_TIP
    assert [(w.path, w.message) for w in parsed.warnings] == [
        (
            f"{PERSON}.sourceInformation.sourceCaptures[2].dateTime",
            "'2025-03-14 18:20:10' has no time zone, so the instant is unknown; the text is kept.",
        )
    ]


def test_free_text_and_newer_keys_of_section_2_land_in_the_record(
    report_json: dict[str, Any],
) -> None:
    info = report_json["reportedInformation"]
    info["incidentDetails"] = {"chat": {"room": "kochi-friends-7781"}, "messages": 14}
    person = info["reportedPeople"]["reportedPersons"][0]
    person["additionalInformations"] = [{"value": "Device IMEI 356938035643809"}, "Group grp-7781"]
    person["sourceInformation"]["sourceCaptures"].append(
        {"captureType": "URL", "value": "https://paste.example/raw/Kx81bQ", "dateTime": None}
    )
    recipient = info["intendedRecipients"]["intendedRecipients"][0]
    recipient["additionalInformations"] = [{"value": "Told a parent."}]
    upload = info["uploadedFiles"]["uploadedFiles"][0]
    upload["espMetadata"]["metadatas"] += [
        {"name": "SHA1", "value": "07995DCE7541DE6CB32E282952FB8FD291F4D347"},
        {"name": "File Size", "value": "48213"},
    ]
    upload["sourceInformation"]["sourceCaptures"].append(
        {"captureType": "URL", "value": "https://cdn.chatkaro.example/m/9a3c6e1f0b"}
    )
    upload["additionalInformations"] = [{"value": "Sent in a direct message."}]
    report_json["additionalInformations"] = [{"value": "Top-level note."}]

    parsed = parse(report_json)

    tip = parsed.tip
    assert (parsed.warnings[1:], tip.kept) == ([], [])  # [0]: the zoneless capture time
    assert tip.details == {
        "additionalInformations": ["Escalated by the platform.", "Top-level note."],
        "incidentDetails": {"chat": {"room": "kochi-friends-7781"}, "messages": 14},
    }
    reported, recipient_account = tip.accounts
    assert reported.details == {
        "additionalInformations": ["Device IMEI 356938035643809", "Group grp-7781"]
    }
    assert reported.identifiers[-1] == IdentifierRecord(
        IdentifierKind.URL,
        "https://paste.example/raw/Kx81bQ",
        f"{PERSON}.sourceInformation.sourceCaptures[3].value",
    )
    assert recipient_account.details == {"additionalInformations": ["Told a parent."]}
    [record] = tip.files
    assert record.hashes == {
        "md5": "0b9c8fafe76761779cafa0e706952f84",
        "sha1": "07995dce7541de6cb32e282952fb8fd291f4d347",
    }
    assert record.exif == [
        ("ESP", "uploadSurface", "direct message"),
        ("ESP", "SHA1", "07995DCE7541DE6CB32E282952FB8FD291F4D347"),
        ("ESP", "File Size", "48213"),
    ]
    assert record.details == {
        "sourceCaptures": [
            {"captureType": "URL", "value": "https://cdn.chatkaro.example/m/9a3c6e1f0b"}
        ],
        "additionalInformations": ["Sent in a direct message."],
    }


def test_metadata_hash_that_contradicts_the_verification_hash_warns(
    report_json: dict[str, Any],
) -> None:
    upload = report_json["reportedInformation"]["uploadedFiles"]["uploadedFiles"][0]
    upload["espMetadata"]["metadatas"] = [
        {"name": "md5", "value": "ffffffffffffffffffffffffffffffff"},
        {"value": "no name"},
    ]

    parsed = parse(report_json)

    assert parsed.tip.files[0].hashes == {"md5": "0b9c8fafe76761779cafa0e706952f84"}
    assert parsed.tip.files[0].exif == [("ESP", "md5", "ffffffffffffffffffffffffffffffff")]
    assert [w.path for w in parsed.warnings][1:] == [
        f"{UPLOAD}.espMetadata.metadatas[0]",
        f"{UPLOAD}.espMetadata.metadatas[1]",
    ]
    assert parsed.tip.kept == [
        KeptElement(f"{UPLOAD}.espMetadata.metadatas[1]", '{"value": "no name"}')
    ]


def test_a_second_incident_details_is_kept(report_json: dict[str, Any]) -> None:
    report_json["reportedInformation"]["incidentDetails"] = "chat"
    report_json["incidentDetails"] = "web page"

    parsed = parse(report_json)

    assert parsed.tip.details["incidentDetails"] == "chat"
    assert parsed.tip.kept == [KeptElement("$.incidentDetails", '"web page"')]


def test_the_synthetic_corpus_reads_without_a_warning(synthetic_corpus: Path) -> None:
    # The generator writes only section 2 keys, so any warning here is a mapping gap.
    units = sorted(path for path in synthetic_corpus.iterdir() if FORMAT.claims(path))
    parsed = [FORMAT.parse(FORMAT.load(unit)) for unit in units]

    assert len(units) > 20
    assert [w for p in parsed for w in p.warnings] == []
    assert [k for p in parsed for k in p.tip.kept] == []
    assert all(f.exif for p in parsed for f in p.tip.files)


def test_sections_at_the_top_level_are_read_too(report_json: dict[str, Any]) -> None:
    flat = {"reportId": NUMBER, **report_json.pop("reportedInformation")}
    flat["reportedPeople"]["reportedPersons"][0]["foo"] = "bar"

    parsed = parse(flat)

    assert parsed.tip.reporting_platform == "ChatKaro Technologies Pvt Ltd"
    assert parsed.tip.accounts[0].path == "$.reportedPeople.reportedPersons[0]"
    assert len(parsed.tip.files) == 1
    assert [w.path for w in parsed.warnings if "Unknown key" in w.message] == [
        "$.reportedPeople.reportedPersons[0].foo"
    ]


@pytest.mark.parametrize(
    ("where", "expected_path"),
    [
        ((), "$.newerKey"),
        (("reportedInformation",), f"{INFO}.newerKey"),
        (("reportedInformation", "incidentSummary"), f"{INFO}.incidentSummary.newerKey"),
        (("reportedInformation", "reportingEsp"), f"{INFO}.reportingEsp.newerKey"),
        (
            ("reportedInformation", "reportedPeople", "reportedPersons", 0),
            f"{PERSON}.newerKey",
        ),
        (
            ("reportedInformation", "reportedPeople", "reportedPersons", 0, "emails", "emails", 0),
            f"{PERSON}.emails.emails[0].newerKey",
        ),
        (
            ("reportedInformation", "reportedPeople", "reportedPersons", 0, "addresses"),
            f"{PERSON}.addresses.newerKey",
        ),
        (
            (
                "reportedInformation",
                "reportedPeople",
                "reportedPersons",
                0,
                "sourceInformation",
                "sourceCaptures",
                0,
            ),
            f"{PERSON}.sourceInformation.sourceCaptures[0].newerKey",
        ),
        (("reportedInformation", "uploadedFiles", "uploadedFiles", 0), f"{UPLOAD}.newerKey"),
        (
            ("reportedInformation", "uploadedFiles", "uploadedFiles", 0, "ncmecTags", "groups", 0),
            f"{UPLOAD}.ncmecTags.groups[0].newerKey",
        ),
    ],
)
def test_unknown_keys_warn_with_their_path(
    report_json: dict[str, Any], where: tuple[str | int, ...], expected_path: str
) -> None:
    target: Any = report_json
    for step in where:
        target = target[step]
    target["newerKey"] = {"anything": [1, 2]}

    parsed = parse(report_json)

    assert [w.path for w in parsed.warnings if "Unknown key" in w.message] == [expected_path]
    assert parsed.tip.kept == [KeptElement(expected_path, '{"anything": [1, 2]}')]


def test_odd_key_names_get_bracketed_paths(report_json: dict[str, Any]) -> None:
    report_json["risk score"] = 3

    assert '$["risk score"]' in [w.path for w in parse(report_json).warnings]


@pytest.mark.parametrize("wrong", ["text", 7, 2.5, True, [], {}, [None, "x", 3], None])
@pytest.mark.parametrize(
    "where",
    [
        ("reportedInformation",),
        ("reportedInformation", "reportingEsp"),
        ("reportedInformation", "incidentSummary", "incidentDateTime"),
        ("reportedInformation", "reportedPeople"),
        ("reportedInformation", "reportedPeople", "reportedPersons"),
        ("reportedInformation", "reportedPeople", "reportedPersons", 0),
        ("reportedInformation", "reportedPeople", "reportedPersons", 0, "screenName"),
        ("reportedInformation", "reportedPeople", "reportedPersons", 0, "emails", "emails", 0),
        ("reportedInformation", "reportedPeople", "reportedPersons", 0, "approximateAge"),
        ("reportedInformation", "reportedPeople", "reportedPersons", 0, "sourceInformation"),
        ("reportedInformation", "uploadedFiles", "uploadedFiles", 0, "verificationHash"),
        ("reportedInformation", "uploadedFiles", "uploadedFiles", 0, "espMetadata"),
        ("reportedInformation", "uploadedFiles", "uploadedFiles", 0, "ncmecTags", "groups", 0),
    ],
)
def test_wrong_types_never_escape_as_python_errors(
    report_json: dict[str, Any], where: tuple[str | int, ...], wrong: object
) -> None:
    target: Any = report_json
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = wrong

    parsed = parse(report_json)

    assert parsed.tip.source_id == NUMBER


def test_wrong_type_is_a_warning_naming_the_path(report_json: dict[str, Any]) -> None:
    report_json["reportedInformation"]["reportedPeople"]["reportedPersons"][0]["emails"] = "x@y.in"

    parsed = parse(report_json)

    assert (f"{PERSON}.emails", "Expected an object, found text; it is kept verbatim.") in [
        (w.path, w.message) for w in parsed.warnings
    ]
    assert parsed.tip.kept == [KeptElement(f"{PERSON}.emails", '"x@y.in"')]


def test_values_read_past_are_kept_with_warnings(report_json: dict[str, Any]) -> None:
    person = report_json["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
    person["approximateAge"] = 400
    person["emails"]["emails"][0]["verified"] = "sometimes"
    capture = person["sourceInformation"]["sourceCaptures"][0]
    capture["port"] = 70000
    capture["dateTime"] = "yesterday"
    upload = report_json["reportedInformation"]["uploadedFiles"]["uploadedFiles"][0]
    upload["verificationHash"] = "not-an-md5"
    upload["sourceInformation"]["sourceCaptures"].append({"captureType": "URL", "value": "x"})

    parsed = parse(report_json)

    account = parsed.tip.accounts[0]
    assert account.age is None
    assert account.identifiers[4].verified is None
    assert (account.ip_events[0].port, account.ip_events[0].at) == (None, None)
    assert account.ip_events[0].at_text == "yesterday"
    assert parsed.tip.files[0].hashes == {}
    assert parsed.tip.files[0].details == {"sourceCaptures": [{"captureType": "URL", "value": "x"}]}
    assert {w.path for w in parsed.warnings} == {
        f"{PERSON}.approximateAge",
        f"{PERSON}.emails.emails[0].verified",
        f"{PERSON}.sourceInformation.sourceCaptures[0].port",
        f"{PERSON}.sourceInformation.sourceCaptures[0].dateTime",
        f"{PERSON}.sourceInformation.sourceCaptures[2].dateTime",  # no zone, in the sample
        f"{UPLOAD}.verificationHash",
    }
    # The capture time stays in IpEventRecord.at_text, so only the rest is kept.
    assert parsed.tip.kept == [
        KeptElement(f"{PERSON}.approximateAge", "400"),
        KeptElement(f"{PERSON}.emails.emails[0].verified", '"sometimes"'),
        KeptElement(f"{PERSON}.sourceInformation.sourceCaptures[0].port", "70000"),
        KeptElement(f"{UPLOAD}.verificationHash", '"not-an-md5"'),
    ]


def test_unmapped_capture_type_is_kept(report_json: dict[str, Any]) -> None:
    person = report_json["reportedInformation"]["reportedPeople"]["reportedPersons"][0]
    person["sourceInformation"]["sourceCaptures"][1]["captureType"] = "Hashtag"

    parsed = parse(report_json)

    assert (f"{PERSON}.sourceInformation.sourceCaptures[1]") in [w.path for w in parsed.warnings]
    assert IdentifierKind.PROFILE_URL not in {i.kind for i in parsed.tip.accounts[0].identifiers}
    assert parsed.tip.kept == [
        KeptElement(
            f"{PERSON}.sourceInformation.sourceCaptures[1]",
            '{"captureType": "Hashtag", "value": "https://chatkaro.example/u/arjun_m_84"}',
        )
    ]


def test_a_second_ip_capture_of_a_file_goes_to_its_details(report_json: dict[str, Any]) -> None:
    upload = report_json["reportedInformation"]["uploadedFiles"]["uploadedFiles"][0]
    captures = upload["sourceInformation"]["sourceCaptures"]
    captures.append({**captures[0], "value": "117.204.18.78", "port": None})
    report_json["reportedInformation"]["uploadedFiles"]["uploadedFiles"].append("not a file")

    parsed = parse(report_json)

    assert parsed.tip.files[0].ip_event == EXPECTED_TIP.files[0].ip_event
    assert parsed.tip.files[0].details == {
        "sourceCaptures": [
            {
                "captureType": "IP Address",
                "value": "117.204.18.78",
                "dateTime": "2025-03-14T12:50:01Z",
                "eventName": "Upload",
            }
        ]
    }
    assert [w.path for w in parsed.warnings][-2:] == [
        f"{UPLOAD}.sourceInformation.sourceCaptures[1]",
        f"{INFO}.uploadedFiles.uploadedFiles[1]",
    ]
    assert parsed.tip.kept == [
        KeptElement(f"{INFO}.uploadedFiles.uploadedFiles[1]", '"not a file"')
    ]


def test_file_id_is_preferred_and_position_is_the_last_resort(report_json: dict[str, Any]) -> None:
    uploads = report_json["reportedInformation"]["uploadedFiles"]["uploadedFiles"]
    uploads[0]["fileId"] = "f-001"
    uploads.append({"originalFilename": "IMG_1.jpg"})

    files = parse(report_json).tip.files

    assert [f.file_id for f in files] == ["f-001", "uploadedFiles[1]"]


def test_duplicate_keys_warn(report_json: dict[str, Any]) -> None:
    text = json.dumps(report_json).replace('"dateReceived"', '"dateReceived": "x", "dateReceived"')

    parsed = parse_bytes(text.encode())

    assert parsed.tip.received_at == datetime(2025, 3, 15, 4, 10, tzinfo=UTC)
    assert ("$", "The key 'dateReceived' appears twice in one object; the last was read.") in [
        (w.path, w.message) for w in parsed.warnings
    ]


def test_file_name_and_report_number_disagreeing_warns(report_json: dict[str, Any]) -> None:
    parsed = parse(report_json, name="90400000.json")

    assert "$.reportId" in [w.path for w in parsed.warnings]


def test_byte_order_mark_is_accepted(report_json: dict[str, Any]) -> None:
    parsed = parse_bytes(b"\xef\xbb\xbf" + json.dumps(report_json).encode())

    assert parsed.tip.source_id == NUMBER


@pytest.mark.parametrize(
    ("report_id", "expected"),
    [(90412346, "90412346"), (" 90412346 ", "90412346"), ("0042", "0042")],
)
def test_report_id_as_number_or_digits(report_id: object, expected: str) -> None:
    assert parse({"reportId": report_id}, name="x.json").tip.source_id == expected


@pytest.mark.parametrize("report_id", [None, "CT-90412346", "", True, -5, 1.5, [1], "٩٠٤"])
def test_report_id_that_is_not_a_number_is_refused(report_id: object) -> None:
    with pytest.raises(FormatError, match="reportId"):
        parse({"reportId": report_id} if report_id is not None else {"dateReceived": "x"})


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "holds an array"),
        (b'"90412346"', "holds text"),
        (b"{", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
        (b'{"reportId": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_undecodable_documents_are_format_errors(data: bytes, words: str) -> None:
    with pytest.raises(FormatError, match=words):
        parse_bytes(data)


def test_a_document_with_several_parts_is_refused() -> None:
    document = TipDocument(origin=Path("x.json"), parts=(("a.json", b"{}"), ("b.json", b"{}")))

    with pytest.raises(FormatError, match="one JSON file"):
        FORMAT.parse(document)


# -- claims and load --------------------------------------------------------------------------------


def test_claims(tmp_path: Path, json_unit: Path) -> None:
    sniffed = tmp_path / "export (3).json"
    sniffed.write_text('{"reportId": 1}')
    truth = tmp_path / "truth.json"
    truth.write_text('{"subjects": []}')
    late = tmp_path / "late.json"
    late.write_text('{"padding": "' + "x" * 5000 + '", "reportId": 1}')
    (tmp_path / "123.json.d").mkdir()
    folder = tmp_path / "124.json"
    folder.mkdir()

    assert FORMAT.claims(json_unit)
    assert FORMAT.claims(sniffed)
    assert not FORMAT.claims(truth)
    assert not FORMAT.claims(late)
    assert not FORMAT.claims(folder)
    assert not FORMAT.claims(tmp_path / "125.json")
    assert not FORMAT.claims(tmp_path / "123.json.d")


def test_load_returns_the_file_as_one_part(json_unit: Path) -> None:
    document = FORMAT.load(json_unit)

    assert document.origin == json_unit
    assert document.parts == ((json_unit.name, json_unit.read_bytes()),)


def test_load_of_a_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        FORMAT.load(tmp_path / "1.json")


# -- property tests: whatever the input, a ParsedTip or a FormatError -------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for child in value.values() for key in _keys(child)}
    if isinstance(value, list):
        return {key for child in value for key in _keys(child)}
    return set()


def _locations(value: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    children: list[tuple[str | int, object]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    found = [at] if at else []
    for key, child in children:
        found += _locations(child, (*at, key))
    return found


def _parse_or_format_error(data: bytes) -> None:
    try:
        result = parse_bytes(data)
    except FormatError:
        return
    assert isinstance(result, ParsedTip)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_format_error(data)


@FUZZ
@given(value=JSON_VALUES)
def test_arbitrary_json_values(value: object) -> None:
    _parse_or_format_error(json.dumps(value).encode())
    _parse_or_format_error(json.dumps({"reportId": 1, "reportedInformation": value}).encode())


@FUZZ
@given(data=st.data())
def test_valid_report_with_one_value_replaced(
    report_json: dict[str, Any], data: st.DataObject
) -> None:
    # Structure-aware: the replacement lands inside the mapping, where a wrong type would surface as
    # a TypeError or AttributeError if any access were unchecked.
    document = json.loads(json.dumps(report_json))
    locations = _locations(document)
    for _ in range(data.draw(st.integers(1, 4), label="replacements")):
        location = data.draw(st.sampled_from(locations), label="location")
        target: Any = document
        try:
            for step in location[:-1]:
                target = target[step]
            target[location[-1]] = data.draw(JSON_VALUES, label="value")
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this location
    _parse_or_format_error(json.dumps(document).encode())


@FUZZ
@given(data=st.data())
def test_random_objects_of_report_keys(report_json: dict[str, Any], data: st.DataObject) -> None:
    keys = sorted(_keys(report_json))
    values = st.recursive(
        JSON_VALUES,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(keys), children, max_size=5)
        ),
        max_leaves=30,
    )
    document = data.draw(st.dictionaries(st.sampled_from(keys), values, max_size=6))
    document["reportId"] = 1

    _parse_or_format_error(json.dumps(document).encode())
