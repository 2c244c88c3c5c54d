"""Device identifiers: check digits, canonical forms and placeholder values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.identity.devices import clean_device_id, id_type, luhn_check_digit


def _luhn_valid(number: str) -> bool:
    """Independent Luhn check, written differently from the module's, to test it against."""
    digits = [int(char) for char in reversed(number)]
    odd = sum(digits[0::2])
    even = sum(sum(divmod(2 * digit, 10)) for digit in digits[1::2])
    return (odd + even) % 10 == 0


DEVICE_IDS = [
    # IMEI: 15 digits with a Luhn check digit.
    ("490154203237518", "IMEI", "imei:490154203237518"),
    ("49-015420-323751-8", "IMEI", "imei:490154203237518"),
    ("49 015420 323751 8", "imei", "imei:490154203237518"),
    ("490154203237518", "IMEI 1", "imei:490154203237518"),
    ("imei:490154203237518", "IMEI", "imei:490154203237518"),
    ("49015420323751", "IMEI", "imei:490154203237518"),  # 14 digits: check digit added
    ("4901542032375186", "IMEISV", "imei:490154203237518"),  # IMEISV: SVN dropped
    ("4901542032375101", "IMEI", "imei:490154203237518"),
    ("356938035643809", "IMEI", "imei:356938035643809"),
    ("490154203237519", "IMEI", None),  # wrong check digit
    ("000000000000000", "IMEI", None),  # placeholder
    ("111111111111111", "IMEI", None),
    ("4901542032375", "IMEI", None),  # too short
    ("49015420323751867", "IMEI", None),  # too long
    ("49015420323751A", "IMEI", None),
    ("4901542032*****", "IMEI", None),
    # IMSI: 14–15 digits; Indian MCCs 404 and 405.
    ("404451234567890", "IMSI", "imsi:404451234567890"),
    ("40445123456789", "IMSI", "imsi:40445123456789"),
    ("4044512345678", "IMSI", None),
    # ICCID: 19–20 digits with a Luhn check digit, sometimes padded with F.
    ("8991101200003204514", "ICCID", "iccid:8991101200003204514"),
    ("89911012000032045104", "ICCID", "iccid:89911012000032045104"),
    ("8991 1012 0000 3204 514F", "SIM Serial", "iccid:8991101200003204514"),
    ("8991101200003204515", "ICCID", None),
    # MEID: hex; decimal-range MEIDs are IMEIs without their check digit.
    ("A0000012345678", "MEID", "meid:a0000012345678"),
    ("a0 000012 345678", "MEID", "meid:a0000012345678"),
    ("35209900176148", "MEID", "imei:352099001761481"),
    ("imei:352099001761481", "MEID", "imei:352099001761481"),
    ("268435456001193046", "MEID", "meid:a0000000123456"),  # 18-digit decimal form
    ("A00000123456", "MEID", None),
    # Android ID: 64-bit hex.
    ("9A8B7C6D5E4F3A2B", "Android ID", "android_id:9a8b7c6d5e4f3a2b"),
    ("a8b7c6d5e4f3a2b", "AndroidID", "android_id:0a8b7c6d5e4f3a2b"),
    ("9774d56d682e549c", "Android ID", None),  # shared by many Android 2.2 devices
    # Advertising ids: UUIDs, all zeros when the user opted out.
    ("6D92078A-8246-4BA4-AE5B-76104861E7DC", "IDFA", "idfa:6d92078a-8246-4ba4-ae5b-76104861e7dc"),
    ("{6d92078a82464ba4ae5b76104861e7dc}", "IDFV", "idfv:6d92078a-8246-4ba4-ae5b-76104861e7dc"),
    ("6d92078a-8246-4ba4-ae5b-76104861e7dc", "AAID", "gaid:6d92078a-8246-4ba4-ae5b-76104861e7dc"),
    ("00000000-0000-0000-0000-000000000000", "IDFA", None),
    ("not-a-uuid", "IDFA", None),
    # MAC addresses.
    ("AA-BB-CC-DD-EE-0F", "MAC", "mac:aa:bb:cc:dd:ee:0f"),
    ("aabb.ccdd.ee0f", "Wi-Fi MAC", "mac:aa:bb:cc:dd:ee:0f"),
    ("AABBCCDDEE0F", "MAC Address", "mac:aa:bb:cc:dd:ee:0f"),
    ("02:00:00:00:00:00", "MAC", None),  # what Android 6+ and iOS 7+ give apps
    ("00:00:00:00:00:00", "MAC", None),
    ("AA:BB:CC:DD:EE", "MAC", None),
    # Other and unqualified ids keep their type.
    ("R58M12ABCDE", "Serial Number", "serialnumber:R58M12ABCDE"),
    ("DEADBEEF01", "Serial", "serial:deadbeef01"),
    ("ABC 123", None, "device:ABC 123"),
    ("unknown", "Serial", None),
    ("0000", "Serial", None),
    ("", None, None),
    ("   ", "IMEI", None),
]


@pytest.mark.parametrize(("raw", "qualifier", "expected"), DEVICE_IDS)
def test_clean_device_id(raw: str, qualifier: str | None, expected: str | None) -> None:
    assert clean_device_id(raw, qualifier) == expected


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        ("IMEI", "imei"),
        ("IMEI/SV", "imei"),
        ("Android ID", "android_id"),
        ("Google Advertising ID", "gaid"),
        ("Bluetooth MAC", "mac"),
        ("Serial Number", "serialnumber"),
        ("", "device"),
        ("--", "device"),
        (None, "device"),
    ],
)
def test_id_type(qualifier: str | None, expected: str) -> None:
    assert id_type(qualifier) == expected


@pytest.mark.parametrize("number", ["79927398713", "490154203237518", "8991101200003204514"])
def test_luhn_check_digit(number: str) -> None:
    assert luhn_check_digit(number[:-1]) == number[-1]


IMEI_BODIES = st.text(alphabet="0123456789", min_size=14, max_size=14).filter(
    lambda body: len(set(body)) > 1
)


@settings(max_examples=200, deadline=None)
@given(body=IMEI_BODIES, svn=st.text(alphabet="0123456789", min_size=2, max_size=2))
def test_imei_renderings_clean_to_one_value(body: str, svn: str) -> None:
    imei = body + luhn_check_digit(body)
    assert _luhn_valid(imei)
    expected = f"imei:{imei}"
    renderings = [
        imei,
        body,
        body + svn,
        f"{imei[:2]}-{imei[2:8]}-{imei[8:14]}-{imei[14]}",
        f" {imei[:8]} {imei[8:]} ",
        f"{imei[:8]}/{imei[8:14]}/{svn}",
    ]
    for rendering in renderings:
        assert clean_device_id(rendering, "IMEI") == expected, rendering
    wrong = imei[:14] + str((int(imei[14]) + 1) % 10)
    assert clean_device_id(wrong, "IMEI") is None


@settings(max_examples=100, deadline=None)
@given(mac=st.text(alphabet="0123456789abcdef", min_size=12, max_size=12))
def test_mac_renderings_clean_to_one_value(mac: str) -> None:
    pairs = [mac[i : i + 2] for i in range(0, 12, 2)]
    expected = clean_device_id(mac, "MAC")
    if expected is None:
        return  # a placeholder such as 02:00:00:00:00:00
    assert expected == "mac:" + ":".join(pairs)
    renderings = [
        ":".join(pairs).upper(),
        "-".join(pairs),
        ".".join(mac[i : i + 4] for i in range(0, 12, 4)),
    ]
    for rendering in renderings:
        assert clean_device_id(rendering, "MAC") == expected


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(st.text(), st.text(alphabet="0123456789abcdefABCDEF:-. {}F", max_size=40)),
    qualifier=st.one_of(
        st.none(),
        st.sampled_from(["IMEI", "IMSI", "ICCID", "MEID", "Android ID", "IDFA", "MAC", "Serial"]),
        st.text(max_size=8),
    ),
)
def test_clean_device_id_is_idempotent(raw: str, qualifier: str | None) -> None:
    cleaned = clean_device_id(raw, qualifier)
    if cleaned is not None:
        assert clean_device_id(cleaned, qualifier) == cleaned
