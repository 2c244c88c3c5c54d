"""File documents of the ESP XML format: every element of `<fileDetails>` lands in the record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from suraksha.intake.records import (
    FileRecordData,
    IdentifierKind,
    IdentifierRecord,
    IpEventRecord,
    KeptElement,
    ParsedTip,
)

Parser = Callable[..., ParsedTip]
F1 = "files/f1.xml:/fileDetails"
REPORT = (
    "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
    "<incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime></incidentSummary></report>"
)

EXPECTED_FILES = [
    FileRecordData(
        file_id="5773369b8f",
        path=F1,
        file_name="5773369b8f.jpg",
        original_file_name="IMG_20250314_181955.jpg",
        hashes={
            "md5": "5773369b8f9925b4e82b1eaf514b88d2",  # upper case in the document
            "sha1": "31eff4e33b7155a7e0a3dc4df16001de15dde23a",
            "sha256": "b7a6072a01cb70dac64e2abfdda1d6da69de5e7f3257cfb49399324b16c40371",
            "photodna": "U3VyYWtzaGEgc3ludGhldGljIFBob3RvRE5B",  # not hex: stored as given
        },
        classification="B2",
        annotations=["viral", "possibleSelfProduction", "generativeAi"],
        viewed_by_esp=True,
        publicly_available=False,
        uploaded_at=datetime(2025, 3, 14, 12, 50, 1, tzinfo=UTC),
        ip_event=IpEventRecord(
            address="117.204.18.77",
            path=f"{F1}/ipCaptureEvent[1]",
            port=50188,
            at=datetime(2025, 3, 14, 12, 50, 1, tzinfo=UTC),
            at_text="2025-03-14T12:50:01Z",
            event="Upload",
        ),
        devices=[
            IdentifierRecord(
                IdentifierKind.DEVICE_ID, "356938035643809", f"{F1}/deviceId[1]", qualifier="IMEI"
            )
        ],
        exif=[
            ("EXIF", "Make", "Synthetic"),
            ("EXIF", "DateTimeOriginal", "2025:03:14 18:19:55"),
            ("HASH", "CRC32", "1c291ca3"),
        ],
        details={
            "locationOfFile": "https://cdn.chatkaro.example/m/5773369b8f",
            "exifViewedByEsp": True,
            "fileRelevance": "Reported",
            "deviceEvents": [
                {
                    "path": f"{F1}/deviceId[1]",
                    "eventName": "Upload",
                    "dateTime": "2025-03-14T12:50:01Z",
                }
            ],
            "additionalInfo": [
                "Sent in a direct message.",
                "Deleted by the sender after ten minutes.",
            ],
        },
    ),
    FileRecordData(
        file_id="1a263ded2e",
        path="files/f2.xml:/fileDetails",
        hashes={"md5": "1a263ded2e8167330334f01a574b9751"},
        annotations=["potentialMeme"],
        details={"fileRelevance": "Supplemental Reported"},
    ),
]


def test_complete_file_documents_map_to_expected_records(complete_tip: ParsedTip) -> None:
    assert complete_tip.tip.files[0] == EXPECTED_FILES[0]
    assert complete_tip.tip.files == EXPECTED_FILES


def _file(body: str) -> str:
    return f"<fileDetails><reportId>90412347</reportId><fileId>f</fileId>{body}</fileDetails>"


def test_potential_meme_false_is_kept_in_details(esp_parser: Parser) -> None:
    [record] = esp_parser(
        REPORT, {"f.xml": _file("<potentialMeme>false</potentialMeme>")}
    ).tip.files

    assert (record.annotations, record.details) == ([], {"potentialMeme": False})


def test_a_second_ip_capture_is_kept(esp_parser: Parser) -> None:
    capture = "<ipCaptureEvent><ipAddress>{}</ipAddress></ipCaptureEvent>"
    body = capture.format("117.204.18.77") + capture.format("117.204.18.78")

    parsed = esp_parser(REPORT, {"f.xml": _file(body)})

    assert parsed.tip.files[0].ip_event is not None
    assert parsed.tip.files[0].ip_event.address == "117.204.18.77"
    assert [k.path for k in parsed.tip.kept] == ["files/f.xml:/fileDetails/ipCaptureEvent[2]"]


def test_metadata_without_a_type_or_a_name(esp_parser: Parser) -> None:
    body = (
        "<details><nameValuePair><name>Model</name><value>S1</value></nameValuePair>"
        "<nameValuePair><value>orphan</value></nameValuePair>"
        "<nameValuePair><name>Empty</name></nameValuePair></details>"
    )

    parsed = esp_parser(REPORT, {"f.xml": _file(body)})

    assert parsed.tip.files[0].exif == [("", "Model", "S1"), ("", "Empty", "")]
    assert parsed.tip.kept == [
        KeptElement(
            "files/f.xml:/fileDetails/details[1]/nameValuePair[2]",
            "<nameValuePair><value>orphan</value></nameValuePair>",
        )
    ]


def test_a_zoneless_upload_time_is_kept(esp_parser: Parser) -> None:
    body = "<uploadedToEspTimestamp>2025-03-14T12:50:01</uploadedToEspTimestamp>"

    parsed = esp_parser(REPORT, {"f.xml": _file(body)})

    assert parsed.tip.files[0].uploaded_at is None
    assert [k.text for k in parsed.tip.kept] == [
        "<uploadedToEspTimestamp>2025-03-14T12:50:01</uploadedToEspTimestamp>"
    ]


def test_a_hash_without_its_type_is_kept(esp_parser: Parser) -> None:
    body = "<originalFileHash>5773369b8f9925b4e82b1eaf514b88d2</originalFileHash>"

    parsed = esp_parser(REPORT, {"f.xml": _file(body)})

    assert parsed.tip.files[0].hashes == {}
    assert [k.path for k in parsed.tip.kept] == ["files/f.xml:/fileDetails/originalFileHash[1]"]
