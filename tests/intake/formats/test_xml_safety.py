"""Tests of the hardened XML parser: hostile documents are refused, broken ones explained."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from lxml import etree

from suraksha.errors import FormatError, HostileInputError
from suraksha.intake.formats.xml_safety import MAX_DEPTH, parse_xml

_LEVELS = [' <!ENTITY lol0 "lol">'] + [
    f' <!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
]
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE report [\n'
    + "\n".join(_LEVELS)
    + "\n]>\n<report><additionalInfo>&lol9;</additionalInfo></report>"
).encode()

# The same bomb kept small enough to stay under libxml2's amplification limit, so the refusal
# must come from the DTD check, not from the parser giving up.
SMALL_BOMB = (
    b'<!DOCTYPE report [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<report><x>&b;</x><y z='&b;'/></report>"
)


def _never_leaks(action: Callable[[], etree._Element], secret: str) -> None:
    """Run `action` and check the secret text appears neither in a result nor in an error."""
    try:
        result = action()
    except FormatError as err:
        assert secret not in str(err)
        return
    assert secret not in etree.tostring(result, encoding="unicode")


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()

    with pytest.raises(HostileInputError, match=r"report\.xml was refused"):
        parse_xml(BILLION_LAUGHS, "report.xml")

    assert time.monotonic() - started < 2


def test_broken_document_with_a_dtd_is_refused_as_hostile() -> None:
    with pytest.raises(HostileInputError, match="declares a DTD"):
        parse_xml(b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;', "report.xml")


def test_small_entity_bomb_is_refused() -> None:
    with pytest.raises(HostileInputError, match="DTD"):
        parse_xml(SMALL_BOMB, "report.xml")


def test_external_entity_never_reads_etc_passwd() -> None:
    document = (
        b'<?xml version="1.0"?><!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<report><additionalInfo>&xxe;</additionalInfo></report>"
    )

    with pytest.raises(HostileInputError) as caught:
        parse_xml(document, "report.xml")

    assert "root:" not in str(caught.value)
    _never_leaks(lambda: parse_xml(document, "report.xml"), "root:")


def test_external_entity_never_reads_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SURAKSHA-CANARY-41b7")
    documents = [
        f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]><report>&x;</report>',
        f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><report/>',
        f'<!DOCTYPE report SYSTEM "{secret.as_uri()}"><report/>',
        f'<report xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{secret.as_uri()}" '
        'parse="text"/></report>',
    ]

    for text in documents:
        _never_leaks(partial(parse_xml, text.encode(), "report.xml"), "SURAKSHA-CANARY")


@pytest.mark.parametrize(
    "document",
    [
        b"<!DOCTYPE report><report/>",
        b'<!DOCTYPE report PUBLIC "-//x//y" "http://example.invalid/report.dtd"><report/>',
        b"<!DOCTYPE report [<!ELEMENT report (#PCDATA)>]><report>x</report>",
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode(
            "utf-16"
        ),
    ],
)
def test_any_dtd_is_refused(document: bytes) -> None:
    with pytest.raises(HostileInputError, match="DTD"):
        parse_xml(document, "report.xml")


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (b"<report><incidentSummary>", "Premature end of data"),
        (b"<report>\xff\xfe</report>", "encoding"),
        (b"", "empty"),
        (b"<report></reprot>", "mismatch"),
        (b"<report>&undeclared;</report>", "undeclared"),
        (b'<?xml version="1.0" encoding="x-unknown"?><report/>', "encoding"),
        (b"<report>\x00</report>", "Char 0x0"),
        (b"just text", "Start tag expected"),
    ],
)
def test_broken_documents_are_format_errors_naming_the_part(document: bytes, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_xml(document, "files/f7.xml")

    assert not isinstance(caught.value, HostileInputError)
    assert str(caught.value).startswith("files/f7.xml is not well-formed XML: ")
    assert words.lower() in str(caught.value).lower()


def _nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


def test_depth_up_to_the_limit_is_accepted() -> None:
    root = parse_xml(_nested(MAX_DEPTH), "report.xml")

    assert sum(1 for _ in root.iter()) == MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 255, 100_000])
def test_deeper_nesting_is_refused(depth: int) -> None:
    with pytest.raises(HostileInputError, match=r"report\.xml was refused"):
        parse_xml(_nested(depth), "report.xml")


def test_doctype_text_inside_cdata_is_not_a_dtd() -> None:
    # A chat message quoted by the platform may contain markup; only a real DTD is refused.
    document = (
        b"<report><additionalInfo><![CDATA[<!DOCTYPE html> <!ENTITY x>]]></additionalInfo></report>"
    )

    root = parse_xml(document, "report.xml")

    assert root[0].text == "<!DOCTYPE html> <!ENTITY x>"


def test_comments_and_processing_instructions_are_dropped() -> None:
    root = parse_xml(b"<report><!-- note --><?pi x?><a>1</a></report>", "report.xml")

    assert [child.tag for child in root] == ["a"]


def test_predefined_and_character_references_still_work() -> None:
    root = parse_xml(b"<r>Menon &amp; Sons &#x0D35;&#x0D40;</r>", "report.xml")

    assert root.text == "Menon & Sons വീ"
