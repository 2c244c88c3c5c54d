"""NCMEC hash-sharing XML: entries, deletions, and hostile documents refused before any output."""

from __future__ import annotations

import hashlib
import io

import pytest

from suraksha.errors import FormatError, HostileInputError
from suraksha.hashing.formats import ncmec_xml
from suraksha.hashing.formats.interface import HashListWarning, HashRecord
from suraksha.hashing.formats.ncmec_xml import NcmecXmlFormat

FMT = NcmecXmlFormat()
MD5_1 = hashlib.md5(b"benign 1", usedforsecurity=False).hexdigest()
SHA1_1 = hashlib.sha1(b"benign 1", usedforsecurity=False).hexdigest()
MD5_2 = hashlib.md5(b"benign 2", usedforsecurity=False).hexdigest()
MD5_3 = hashlib.md5(b"benign 3", usedforsecurity=False).hexdigest()
PDQ = hashlib.sha256(b"benign pdq stand-in").hexdigest()

PAGE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
    <images count="2" maxTimestamp="2025-10-24T15:10:00Z">
        <image>
            <member id="42">Synthetic Member</member>
            <timestamp>2025-10-24T15:00:00Z</timestamp>
            <id>image1</id>
            <classification>A1</classification>
            <fingerprints>
                <md5>{MD5_1.upper()}</md5>
                <sha1>{SHA1_1}</sha1>
                <pdna>AAECAwQF</pdna>
            </fingerprints>
            <feedback lastUpdateTimestamp="2025-06-01T12:48:14Z">
                <affirmativeFeedback type="Md5"><members><member id="42">M</member></members>
                </affirmativeFeedback>
            </feedback>
        </image>
        <deletedImage>
            <member id="43">Other Member</member>
            <id>image4</id>
            <timestamp>2025-10-24T15:10:00Z</timestamp>
        </deletedImage>
    </images>
    <videos count="2" maxTimestamp="2025-10-24T15:20:00Z">
        <video>
            <member id="42">Synthetic Member</member>
            <id>video1</id>
            <fingerprints>
                <md5>{MD5_2}</md5>
                <pdq>{PDQ}</pdq>
                <tmk-pdqf rel="self" href="/v2/entries/1/fingerprints/TMK_PDQF"/>
            </fingerprints>
        </video>
        <deletedVideo><id>video4</id><fingerprints><md5>{MD5_3}</md5></fingerprints></deletedVideo>
    </videos>
    <paging><next>/v2/entries?from=2025-10-20&amp;start=2001</next></paging>
</queryResult>
""".encode()


def read(data: bytes) -> list[HashRecord | HashListWarning]:
    return list(FMT.read(io.BytesIO(data)))


def test_reads_entries_and_deletions_with_exact_values() -> None:
    image = {
        "media_kind": "image",
        "member": "Synthetic Member",
        "timestamp": "2025-10-24T15:00:00Z",
        "member_id": "42",
        "photodna": "AAECAwQF",
    }
    video = {
        "media_kind": "video",
        "member": "Synthetic Member",
        "member_id": "42",
        "fingerprint_tmk_pdqf": "/v2/entries/1/fingerprints/TMK_PDQF",
    }
    deleted_image = {
        "media_kind": "image",
        "member": "Other Member",
        "timestamp": "2025-10-24T15:10:00Z",
        "member_id": "43",
    }
    assert FMT.sniff(PAGE) and FMT.snapshot is False
    assert read(PAGE) == [
        HashRecord("md5", MD5_1, 1, category="A1", label="image1", extra=image),
        HashRecord("sha1", SHA1_1, 1, category="A1", label="image1", extra=image),
        HashRecord("entry_id", "image4", 2, label="image4", removed=True, extra=deleted_image),
        HashRecord("md5", MD5_2, 3, label="video1", extra=video),
        HashRecord("pdq", PDQ, 3, label="video1", extra=video),
        HashRecord("md5", MD5_3, 4, label="video4", removed=True, extra={"media_kind": "video"}),
        HashRecord(
            "entry_id", "video4", 4, label="video4", removed=True, extra={"media_kind": "video"}
        ),
    ]


def test_every_chunk_boundary_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = read(PAGE)
    for chunk in (1, 3, 17):
        monkeypatch.setattr(ncmec_xml, "CHUNK_BYTES", chunk)
        assert read(PAGE) == expected, chunk


def test_entries_without_a_namespace_and_with_a_prefix_are_read() -> None:
    plain = f"<queryResult><images><image><id>a</id><fingerprints><md5>{MD5_1}</md5>"
    plain += "</fingerprints></image></images></queryResult>"
    prefixed = (
        plain.replace("<", "<h:")
        .replace("<h:/", "</h:")
        .replace("<h:queryResult>", '<h:queryResult xmlns:h="urn:x">')
    )
    for text in (plain, prefixed):
        assert FMT.sniff(text.encode())
        assert read(text.encode()) == [
            HashRecord("md5", MD5_1, 1, label="a", extra={"media_kind": "image"})
        ]


def test_bad_entries_are_warnings_with_entry_numbers() -> None:
    page = f"""<queryResult><images>
      <image><id>ok</id><fingerprints><md5>{MD5_1}</md5></fingerprints></image>
      <image><id>short</id><fingerprints><md5>{MD5_1[:-2]}</md5></fingerprints></image>
      <image><id>none</id><fingerprints><pdna>AAAA</pdna></fingerprints></image>
      <imageX><id>what</id></imageX>
      <deletedImage><timestamp>2025-01-01T00:00:00Z</timestamp></deletedImage>
      <deletedImage><id>{"x" * 65}</id></deletedImage>
    </images></queryResult>""".encode()
    items = read(page)
    assert isinstance(items[0], HashRecord)
    assert items[1:] == [
        HashListWarning(
            2, f"<image> short: <md5> '{MD5_1[:-2]}' is not an MD5 hash (32 hex digits)"
        ),
        HashListWarning(3, "<image> none has no md5, sha1, sha256 or pdq fingerprint"),
        HashListWarning(4, "unknown element <imageX> skipped"),
        HashListWarning(5, "<deletedImage> without an id has no id or hash"),
        HashListWarning(6, f"<deletedImage> {'x' * 65}: id longer than 64 characters"),
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE queryResult [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<queryResult><images><image><id>&lol3;</id></image></images></queryResult>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE queryResult [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<queryResult><images><image><id>&xxe;</id></image></images></queryResult>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE queryResult SYSTEM "http://127.0.0.1:9/evil.dtd">
<queryResult/>"""
BARE_DOCTYPE = b"<!DOCTYPE queryResult><queryResult/>"


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, BARE_DOCTYPE],
    ids=["billion-laughs", "external-entity", "external-dtd", "bare-doctype"],
)
def test_a_doctype_is_refused_before_anything_is_yielded(data: bytes) -> None:
    assert FMT.sniff(data)
    yielded: list[object] = []
    with pytest.raises(HostileInputError, match="declares a DTD"):
        for item in FMT.read(io.BytesIO(data)):
            yielded.append(item)
    assert yielded == []


def test_nesting_built_to_exhaust_the_parser_is_hostile() -> None:
    data = b"<queryResult>" + b"<a>" * 300 + b"</a>" * 300 + b"</queryResult>"
    with pytest.raises(HostileInputError, match="nested more than 64 levels"):
        read(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<queryResult><images><image><id>&undeclared;</id></image></images></queryResult>",
            "not well-formed",
        ),
        (PAGE[: len(PAGE) // 2], "not well-formed"),
        (b"<report><images/></report>", "its root is <report>"),
        (b"", "not well-formed"),
        (b"   ", "not well-formed"),
    ],
)
def test_broken_documents_are_format_errors(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as raised:
        read(data)
    assert not isinstance(raised.value, HostileInputError)


def test_sniff() -> None:
    assert FMT.sniff(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- page 1 -->\n<queryResult>')
    assert FMT.sniff('<?xml version="1.0"?><queryResult/>'.encode("utf-16"))
    assert not FMT.sniff(b"<report><queryResult/></report>")
    assert not FMT.sniff(b'{"queryResult": 1}')
    assert not FMT.sniff(b"<status><username>x</username></status>")
