"""VICS JSON: hash sets and case exports, 1.x and 2.0, read Media by Media with exact values."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from collections.abc import Sequence

import pytest

from suraksha.errors import FormatError, HostileInputError
from suraksha.hashing.formats import json_stream
from suraksha.hashing.formats.interface import ExtraValue, HashListWarning, HashRecord
from suraksha.hashing.formats.vics import VicsFormat

FMT = VicsFormat()
CONTEXT_2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media"
CONTEXT_1 = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Media"
CASES_2 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases"


def md5(n: int) -> str:
    return hashlib.md5(f"benign {n}".encode(), usedforsecurity=False).hexdigest()


def sha1(n: int) -> str:
    return hashlib.sha1(f"benign {n}".encode(), usedforsecurity=False).hexdigest()


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def document(context_key: str, context: str, value: Sequence[object]) -> bytes:
    return json.dumps({context_key: context, "value": value}, indent=1).encode()


HASH_SET_2 = [
    {
        "MediaID": 101,
        "Category": 1,
        "MD5": md5(1).upper(),
        "SHA1": sha1(1).upper(),
        "MediaSize": 2835,
        "DateUpdated": "2025-06-07T02:31:49.8300Z",
        "IsPrecategorized": "False",
        "Series": "Synthetic series",
        "VictimIdentified": "true",
        "OffenderIdentified": "FALSE",
        "IsDistributed": True,
        "PhotoDNA": base64.b64encode(bytes(range(144))).decode(),
        "Exifs": [],
        "Tags": None,
        "MediaFiles": [
            {"MD5": md5(1).upper(), "FileName": "IMG_0001.jpg", "FilePath": "C:\\x\\"},
            {"MD5": md5(1).upper(), "FileName": "copy.jpg", "Deleted": "true"},
            {"MD5": md5(1).upper(), "FileName": "IMG_0001.jpg"},
        ],
    },
    {"MediaID": "102", "Category": "0", "MD5": md5(2)},
]
MEDIA_101_EXTRA: dict[str, ExtraValue] = {
    "vics_version": "2.0",
    "region": "UK",
    "media_id": "101",
    "series": "Synthetic series",
    "date_updated": "2025-06-07T02:31:49.8300Z",
    "victim_identified": True,
    "offender_identified": False,
    "is_distributed": True,
    "is_precategorized": False,
    "media_size": 2835,
    "photodna": base64.b64encode(bytes(range(144))).decode(),
    "file_names": ("IMG_0001.jpg", "copy.jpg"),
}


def test_reads_a_2_0_hash_set_with_bom_and_string_booleans() -> None:
    data = b"\xef\xbb\xbf" + document("@odata.context", CONTEXT_2, HASH_SET_2)
    assert FMT.sniff(data)
    assert read(data) == [
        HashRecord("md5", md5(1), 1, category="1", label="101", extra=MEDIA_101_EXTRA),
        HashRecord("sha1", sha1(1), 1, category="1", label="101", extra=MEDIA_101_EXTRA),
        HashRecord(
            "md5",
            md5(2),
            2,
            category="0",
            label="102",
            extra={"vics_version": "2.0", "region": "UK", "media_id": "102"},
        ),
    ]


def test_reads_a_1_x_hash_set_without_region() -> None:
    data = document("odata.metadata", CONTEXT_1, [{"MediaID": 7, "Category": 2, "MD5": md5(7)}])
    assert FMT.sniff(data)
    assert read(data) == [
        HashRecord(
            "md5",
            md5(7),
            1,
            category="2",
            label="7",
            extra={"vics_version": "1.3", "media_id": "7"},
        )
    ]


def test_reads_a_case_export_media_by_media_across_cases() -> None:
    cases = [
        {"CaseID": "c-1", "Media": [{"MediaID": 1, "MD5": md5(1)}, {"MediaID": 2, "MD5": "xyz"}]},
        {"CaseID": "c-2", "Media": [], "SourceApplicationName": "Synthetic"},
        {"Media": [{"MediaID": 3, "SHA1": sha1(3)}], "CaseNumber": 4},
    ]
    items = read(document("@odata.context", CASES_2, cases))
    base = {"vics_version": "2.0", "region": "US"}
    assert items == [
        HashRecord("md5", md5(1), 1, label="1", extra={**base, "media_id": "1"}),
        HashListWarning(
            2, "value[0].Media[1] (MediaID 2): MD5 'xyz' is not an MD5 hash (32 hex digits)"
        ),
        HashRecord("sha1", sha1(3), 3, label="3", extra={**base, "media_id": "3"}),
    ]


def test_a_case_is_read_even_when_the_context_does_not_say_cases() -> None:
    cases = [{"CaseID": 1, "Media": [{"MediaID": 9, "MD5": md5(9)}]}]
    [record] = read(document("odata.metadata", "urn:unknown", cases))
    assert record == HashRecord("md5", md5(9), 1, label="9", extra={"media_id": "9"})


def test_bad_media_are_warnings_with_record_numbers_and_the_rest_is_read() -> None:
    media: list[object] = [
        "not an object",
        {"MediaID": 2, "MD5": md5(2)[:-1]},
        {"MediaID": 3, "Category": 1},
        {"MediaID": 4, "MD5": md5(4), "VictimIdentified": "maybe", "IsDistributed": 1},
        {"MediaID": 5, "MD5": 12345},
    ]
    items = read(document("@odata.context", CONTEXT_2, media))
    assert items[:3] == [
        HashListWarning(1, "value[0] is not a Media object"),
        HashListWarning(
            2, f"value[1] (MediaID 2): MD5 '{md5(2)[:-1]}' is not an MD5 hash (32 hex digits)"
        ),
        HashListWarning(3, "value[2] (MediaID 3) has no MD5, SHA1 or SHA256"),
    ]
    assert items[3] == HashListWarning(
        4, "value[3] (MediaID 4): VictimIdentified 'maybe' is not true or false; not kept"
    )
    record = items[4]
    assert isinstance(record, HashRecord) and record.line == 4
    assert record.extra["is_distributed"] is True and "victim_identified" not in record.extra
    assert items[5] == HashListWarning(
        5, "value[4] (MediaID 5): MD5 '12345' is not an MD5 hash (32 hex digits)"
    )


def test_sha1_in_base32_and_sha256_are_read() -> None:
    raw = hashlib.sha1(b"benign b32", usedforsecurity=False).digest()
    sha256 = hashlib.sha256(b"benign 256").hexdigest()
    media = [{"SHA1": base64.b32encode(raw).decode(), "SHA256": sha256.upper()}]
    items = read(document("@odata.context", CONTEXT_2, media))
    assert [(r.algorithm, r.value) for r in items if isinstance(r, HashRecord)] == [
        ("sha1", raw.hex()),
        ("sha256", sha256),
    ]


def test_utf16_documents_are_read() -> None:
    text = json.dumps({"@odata.context": CONTEXT_2, "value": [{"MediaID": 1, "MD5": md5(1)}]})
    data = text.encode("utf-16")
    assert FMT.sniff(data)
    assert [r.value for r in read(data) if isinstance(r, HashRecord)] == [md5(1)]


def test_every_chunk_boundary_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\xef\xbb\xbf" + document("@odata.context", CONTEXT_2, HASH_SET_2 * 3)
    expected = read(data)
    for chunk in (1, 2, 3, 7, 64):
        monkeypatch.setattr(json_stream, "CHUNK_BYTES", chunk)
        assert read(data) == expected, chunk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"@odata.context": "x", "value": [{"MD5": "', "not well-formed"),
        (b'{"@odata.context": "x", "value": [{"MD5": 1} {"MD5": 2}]}', "expected ']'"),
        (b'{"@odata.context": "x"}', "no `value` array"),
        (b'{"@odata.context": "x", "value": {}}', "expected '['"),
        (b'{"@odata.context": "x", "value": [1,]}', "not well-formed"),
        (b'{"@odata.context": "x", 5: []}', "expected a key"),
        (b'{"@odata.context": "x", "value": []', "expected '}'"),
        (b"\xef\xbb\xbf\xff\xfe{", "not valid UTF-8"),
        (b"[]", "expected '{'"),
        (b'{"odata.metadata": "x", "value": [{"MediaID": ' + b"9" * 5000 + b"}]}", "digits"),
    ],
)
def test_broken_json_is_a_format_error_not_a_partial_list(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        read(data)


def test_a_value_too_large_to_be_a_media_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "MAX_VALUE_CHARS", 1000)
    monkeypatch.setattr(json_stream, "CHUNK_BYTES", 100)
    media = [{"MD5": md5(1), "Series": "x" * 5000}]
    with pytest.raises(FormatError, match="larger than 1,000 characters"):
        read(document("@odata.context", CONTEXT_2, media))


def test_nesting_built_to_exhaust_the_decoder_is_hostile() -> None:
    data = b'{"@odata.context": "x", "value": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(HostileInputError, match="nested deeper"):
        read(data)


def test_data_after_the_document_is_a_warning() -> None:
    data = document("@odata.context", CONTEXT_2, [{"MD5": md5(1)}]) + b"\n{junk"
    items = read(data)
    assert isinstance(items[0], HashRecord)
    assert isinstance(items[1], HashListWarning) and "after the JSON document" in items[1].message


def test_sniff() -> None:
    assert FMT.sniff(b'  {\n "@odata.context": "x", "value": []}')
    assert FMT.sniff(b'{"odata.metadata":"x"')
    assert not FMT.sniff(b'{"value": [], "@odata.context": "x"}')
    assert not FMT.sniff(b'{"reportId": 1}')
    assert not FMT.sniff(b"")
