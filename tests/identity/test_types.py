"""Identifier types: value tables per kind, the registry guard and the contract every type passes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.identity.types import TYPES, IdentifierType, clean_identifier, normalise_service
from suraksha.intake.records import IdentifierKind

K = IdentifierKind

# ---------------------------------------------------------------------------------------------------
# Registry guard


def test_types_cover_every_kind_once() -> None:
    assert set(TYPES) == set(IdentifierKind)
    for kind, identifier_type in TYPES.items():
        assert identifier_type.kind is kind
    assert len({id(t) for t in TYPES.values()}) == len(IdentifierKind)


def test_flags_are_declared_and_documented() -> None:
    for identifier_type in TYPES.values():
        assert isinstance(identifier_type.matchable, bool)
        assert isinstance(identifier_type.pivot, bool)
        assert type(identifier_type).__doc__
    matchable = {kind for kind, t in TYPES.items() if t.matchable}
    assert matchable == {K.EMAIL, K.PHONE, K.PLATFORM_USER_ID, K.DEVICE_ID}
    not_pivots = {kind for kind, t in TYPES.items() if not t.pivot}
    assert not_pivots == {K.NAME, K.DISPLAY_NAME, K.DATE_OF_BIRTH}


def test_types_mapping_is_read_only() -> None:
    with pytest.raises(TypeError):
        TYPES[K.EMAIL] = TYPES[K.PHONE]  # type: ignore[index]


def test_normalise_service_is_exported_here() -> None:
    assert normalise_service("Instagram.com") == "instagram"


def test_clean_identifier_and_validate_use_the_registry() -> None:
    assert clean_identifier(K.PHONE, "098470 12345") == "+919847012345"
    assert clean_identifier(K.PLATFORM_USER_ID, "1784", service="Instagram") == "instagram:1784"
    assert TYPES[K.EMAIL].validate("Raju@Gmail.com")
    assert not TYPES[K.EMAIL].validate("ra*****@gmail.com")
    assert TYPES[K.DEVICE_ID].validate("490154203237518", qualifier="IMEI")


# ---------------------------------------------------------------------------------------------------
# Value tables: clean(raw) == expected

EMAILS = [
    ("raju.kochi@gmail.com", "rajukochi@gmail.com"),
    ("  Raju.Kochi@GMAIL.COM ", "rajukochi@gmail.com"),
    ("r.a.j.u+insta@googlemail.com", "raju@gmail.com"),
    ("rajukochi+snap2023@gmail.com", "rajukochi@gmail.com"),
    ("mailto:priya.nair@yahoo.co.in", "priya.nair@yahoo.co.in"),
    ("<anil_kumar@rediffmail.com>", "anil_kumar@rediffmail.com"),
    ("Anil.Kumar+fb@outlook.com", "anil.kumar@outlook.com"),
    ("s.menon+promo@hotmail.com", "s.menon@hotmail.com"),
    ("deepu.k@live.in", "deepu.k@live.in"),
    ("teacher.01@school.kerala.gov.in", "teacher.01@school.kerala.gov.in"),
    ("ｒａｊｕ@ｇｍａｉｌ.ｃｏｍ", "raju@gmail.com"),  # full-width, from a phone keyboard
    ("raju@gmail.com.", "raju@gmail.com"),
    ("ra*****@gmail.com", None),
    ("r••••u@gmail.com", None),
    ("raju…@gmail.com", None),
    ("raju@gmail", None),
    ("raju@@gmail.com", None),
    ("raju@kochi@gmail.com", None),
    ("raju kochi@gmail.com", None),
    ("@gmail.com", None),
    ("+tag@gmail.com", None),
    ("...@gmail.com", None),
    ("raju..kochi@yahoo.com", None),
    ("raju@-gmail.com", None),
    ("raju@gmail.c0m", None),
    ("", None),
    ("not an email", None),
]


@pytest.mark.parametrize(("raw", "expected"), EMAILS)
def test_email_clean(raw: str, expected: str | None) -> None:
    assert TYPES[K.EMAIL].clean(raw) == expected


PHONES = [
    ("9847012345", None, "+919847012345"),
    ("09847012345", None, "+919847012345"),
    ("919847012345", None, "+919847012345"),
    ("91-98470-12345", None, "+919847012345"),
    ("+91 98470 12345", None, "+919847012345"),
    ("+91-9847012345", None, "+919847012345"),
    ("0091 98470 12345", None, "+919847012345"),
    ("(0) 98470-12345", None, "+919847012345"),
    ("98470.12345", None, "+919847012345"),
    ("+91 (98470) 12345", None, "+919847012345"),
    ("tel:+91-98470-12345", None, "+919847012345"),
    ("０９８４７０１２３４５", None, "+919847012345"),
    ("+91 98470 12345 ext. 12", None, "+919847012345"),
    ("080-2345 6789", None, "+918023456789"),  # Bengaluru landline with trunk 0
    ("0484 234 5678", None, "+914842345678"),  # Kochi landline
    ("(650) 253-0000", "+1", "+16502530000"),
    ("650 253 0000", "US", "+16502530000"),
    ("098470 12345", "Mobile", "+919847012345"),  # a phone type, not a region: ignored
    ("+44 20 7946 0000", None, "+442079460000"),
    ("+44 20 7946 0000", "+1", "+442079460000"),  # an explicit code wins over the qualifier
    ("+91******2345", None, None),
    ("98470XXXXX", None, None),
    ("+91 98470 1234", None, None),  # one digit short
    ("+91 00000 00000", None, None),
    ("9847O12345", None, None),  # letter O, not zero
    ("call 9847012345", None, None),
    ("", None, None),
    ("+", None, None),
]


@pytest.mark.parametrize(("raw", "qualifier", "expected"), PHONES)
def test_phone_clean(raw: str, qualifier: str | None, expected: str | None) -> None:
    assert TYPES[K.PHONE].clean(raw, qualifier=qualifier) == expected


PLATFORM_USER_IDS = [
    ("1784012345", "Instagram", "instagram:1784012345"),
    (" 1784012345 ", "instagram.com", "instagram:1784012345"),
    ("0012345", "Facebook", "facebook:0012345"),  # leading zeros kept: ids are opaque
    ("AbC123xyz", "Snapchat", "snapchat:AbC123xyz"),  # case kept: ids may be case-sensitive
    ("instagram:1784012345", "INSTAGRAM ", "instagram:1784012345"),  # already canonical
    ("919847012345@s.whatsapp.net", "WhatsApp", "whatsapp:919847012345@s.whatsapp.net"),
    ("1784012345", None, None),  # an unscoped id cannot link
    ("1784012345", "  ", None),
    ("", "Instagram", None),
    ("   ", "Instagram", None),
    ("null", "Instagram", None),
    ("N/A", "Instagram", None),
    ("1784****45", "Instagram", None),
]


@pytest.mark.parametrize(("raw", "service", "expected"), PLATFORM_USER_IDS)
def test_platform_user_id_clean(raw: str, service: str | None, expected: str | None) -> None:
    assert TYPES[K.PLATFORM_USER_ID].clean(raw, service=service) == expected


SCREEN_NAMES = [
    ("@Raju_Kochi", "Instagram", "instagram:raju_kochi"),
    ("  raju_kochi ", "instagram.com", "instagram:raju_kochi"),
    ("@@Raju_Kochi", None, "raju_kochi"),
    ("@ RAJU.KOCHI", "Twitter", "x:raju.kochi"),
    ("ＲＡＪＵ_ｋｏｃｈｉ", None, "raju_kochi"),
    ("instagram:raju_kochi", "Instagram", "instagram:raju_kochi"),
    ("രാജു_കൊച്ചി", "ShareChat", "sharechat:രാജു_കൊച്ചി"),
    ("Raju   Kochi", None, "raju kochi"),
    ("@", "Instagram", None),
    ("", None, None),
    ("ra***_kochi", "Instagram", None),
]


@pytest.mark.parametrize(("raw", "service", "expected"), SCREEN_NAMES)
def test_screen_name_clean(raw: str, service: str | None, expected: str | None) -> None:
    assert TYPES[K.SCREEN_NAME].clean(raw, service=service) == expected


def test_screen_name_compare() -> None:
    compare = TYPES[K.SCREEN_NAME].compare
    assert compare("instagram:raju_kochi", "instagram:raju_kochi") == 1.0
    assert compare("instagram:raju_kochi", "instagram:raju.kochi") == 1.0
    assert compare("instagram:raju_kochi", "snapchat:raju_kochi") == pytest.approx(0.9)
    assert compare("instagram:raju_kochi", "instagram:raju_kochi_2") > 0.8
    assert compare("instagram:raju_kochi", "instagram:meera_tvm") < 0.4


DATES_OF_BIRTH = [
    ("1998-05-17", "1998-05-17"),
    ("1998-5-7", "1998-05-07"),
    ("1998-05-17T00:00:00Z", "1998-05-17"),
    ("17/05/1998", "1998-05-17"),  # Indian day-first
    ("07/05/1998", "1998-05-07"),  # not July: day first
    ("17-05-1998", "1998-05-17"),
    ("17.05.1998", "1998-05-17"),
    ("1900-01-01", "1900-01-01"),
    ("29/02/2004", "2004-02-29"),
    ("29/02/2003", None),
    ("05/17/1998", None),  # US month-first: no 17th month
    ("1899-12-31", None),
    ("01/01/2999", None),
    ("17/05/98", None),  # two-digit year: which century?
    ("0000-00-00", None),
    ("unknown", None),
    ("", None),
]


@pytest.mark.parametrize(("raw", "expected"), DATES_OF_BIRTH)
def test_date_of_birth_clean(raw: str, expected: str | None) -> None:
    assert TYPES[K.DATE_OF_BIRTH].clean(raw) == expected


def test_date_of_birth_in_the_future_is_implausible() -> None:
    tomorrow = date.today() + timedelta(days=1)
    assert TYPES[K.DATE_OF_BIRTH].clean(tomorrow.isoformat()) is None
    assert TYPES[K.DATE_OF_BIRTH].clean(date.today().isoformat()) == date.today().isoformat()


def test_date_of_birth_compare() -> None:
    compare = TYPES[K.DATE_OF_BIRTH].compare
    assert compare("1998-05-17", "1998-05-17") == 1.0
    assert compare("1998-05-07", "1998-07-05") == 0.5  # day and month read the other way
    assert compare("1998-05-17", "1999-05-17") == 0.0


GROUPS = [
    ("120363025246@g.us", "WhatsApp", "whatsapp:120363025246@g.us"),
    ("-1001234567890", "Telegram", "telegram:-1001234567890"),
    ("-1001234567890", "t.me", "telegram:-1001234567890"),
    ("120363025246@g.us", None, None),
    ("", "WhatsApp", None),
]


@pytest.mark.parametrize(("raw", "service", "expected"), GROUPS)
def test_group_clean(raw: str, service: str | None, expected: str | None) -> None:
    assert TYPES[K.GROUP].clean(raw, service=service) == expected


DISPLAY_NAMES = [
    ("Raju ❤️ Kochi", "raju kochi"),
    ("★ MEERA ★", "meera"),
    ("Dr. Anil Kumar", "anil kumar"),
    ("🔥🔥🔥", None),
    ("R*** K", None),
]


@pytest.mark.parametrize(("raw", "expected"), DISPLAY_NAMES)
def test_display_name_clean(raw: str, expected: str | None) -> None:
    assert TYPES[K.DISPLAY_NAME].clean(raw) == expected


def test_names_and_display_names_compare_alike() -> None:
    for kind in (K.NAME, K.DISPLAY_NAME):
        assert TYPES[kind].compare("mohd rafi", "muhammed rafi") == 1.0
        assert TYPES[kind].compare("k rajesh", "rajesh k") == 1.0


def test_device_id_is_delegated() -> None:
    assert TYPES[K.DEVICE_ID].clean("49-015420-323751-8", qualifier="IMEI") == (
        "imei:490154203237518"
    )
    assert TYPES[K.DEVICE_ID].clean("490154203237519", qualifier="IMEI") is None


def test_profile_url_is_delegated() -> None:
    assert TYPES[K.PROFILE_URL].clean("HTTP://WWW.Instagram.com/raju_kochi/?igshid=x") == (
        "https://instagram.com/raju_kochi"
    )


INCIDENT_URLS = [
    ("https://www.example.in/share/AbC123/", "https://example.in/share/AbC123"),
    ("HTTP://M.Example.IN/share/AbC123?utm_source=wa&fbclid=x", "https://example.in/share/AbC123"),
    ("example.in/share/AbC123#top", "https://example.in/share/AbC123"),
    ("https://files.example.in:8443/d?id=77&si=q", "https://files.example.in:8443/d?id=77"),
    ("https://chatkaro.example/g/9f2c?invite=1", "https://chatkaro.example/g/9f2c?invite=1"),
    ("https://example.in/share/ab***", None),
    ("magnet:?xt=urn:btih:abc", None),  # not a web address: kept as text, never a pivot
    ("ftp://example.in/file.zip", None),
    ("see the link above", None),
    ("", None),
]


@pytest.mark.parametrize(("raw", "expected"), INCIDENT_URLS)
def test_url_clean(raw: str, expected: str | None) -> None:
    assert TYPES[K.URL].clean(raw) == expected


def test_url_is_a_pivot_not_an_identity() -> None:
    assert (TYPES[K.URL].matchable, TYPES[K.URL].pivot) == (False, True)


# Host labels that are mobile or "www" prefixes would be stripped as such ("m.in" is "in").
URL_HOSTS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12
).filter(lambda host: not re.fullmatch(r"www[0-9]?|m|mobile|mbasic", host))
URL_PATHS = st.lists(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1
    ),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(
    host=URL_HOSTS,
    tld=st.sampled_from(["in", "com", "co.in", "org"]),
    segments=URL_PATHS,
    tracking=st.sampled_from(["utm_source=wa", "fbclid=abc", "igshid=x1", "si=q"]),
)
def test_url_renderings_clean_to_one_url(
    host: str, tld: str, segments: list[str], tracking: str
) -> None:
    path = "".join(f"/{segment}" for segment in segments)
    expected = f"https://{host}.{tld}{path}"
    renderings = [
        expected,
        f"http://{host}.{tld}{path}",
        f"HTTPS://WWW.{host.upper()}.{tld.upper()}{path}/",
        f"https://m.{host}.{tld}{path}?{tracking}",
        f"{host}.{tld}{path}#fragment",
        f"  https://{host}.{tld}:443{path}  ",
    ]
    for rendering in renderings:
        assert TYPES[K.URL].clean(rendering) == expected, rendering


def test_exact_types_compare_by_equality() -> None:
    for kind in (K.EMAIL, K.PHONE, K.PLATFORM_USER_ID, K.DEVICE_ID, K.PROFILE_URL, K.URL, K.GROUP):
        assert TYPES[kind].compare("a", "a") == 1.0
        assert TYPES[kind].compare("a", "b") == 0.0


# ---------------------------------------------------------------------------------------------------
# Contract: every type, arbitrary input

SERVICES = st.one_of(
    st.none(),
    st.sampled_from(["Instagram", "WhatsApp", "facebook.com", "Twitter, Inc.", "t.me"]),
    st.text(max_size=12),
)
QUALIFIERS = st.one_of(
    st.none(),
    st.sampled_from(["IMEI", "IMSI", "ICCID", "MEID", "Android ID", "IDFA", "MAC", "Serial"]),
    st.sampled_from(["+1", "+91", "0044", "US", "in", "Mobile", "+0", "+800"]),
    st.text(max_size=8),
)
# Text that reaches the interesting branches more often than uniformly random Unicode does.
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 +-().@*xX:/?=&#_abcdefgmoilnt.", max_size=40),
    st.text(alphabet="0123456789abcdefABCDEF:-. ", max_size=40),
)
KINDS = st.sampled_from(list(IdentifierKind))


@settings(max_examples=300, deadline=None)
@given(kind=KINDS, raw=TEXTS, service=SERVICES, qualifier=QUALIFIERS)
def test_clean_never_raises_and_is_idempotent(
    kind: IdentifierKind, raw: str, service: str | None, qualifier: str | None
) -> None:
    identifier_type: IdentifierType = TYPES[kind]
    cleaned = identifier_type.clean(raw, service=service, qualifier=qualifier)
    assert identifier_type.validate(raw, service=service, qualifier=qualifier) is (
        cleaned is not None
    )
    if cleaned is not None:
        assert isinstance(cleaned, str)
        assert cleaned
        assert identifier_type.clean(cleaned, service=service, qualifier=qualifier) == cleaned
        assert identifier_type.compare(cleaned, cleaned) == 1.0


@settings(max_examples=150, deadline=None)
@given(kind=KINDS, left=TEXTS, right=TEXTS, service=SERVICES, qualifier=QUALIFIERS)
def test_compare_is_a_symmetric_score(
    kind: IdentifierKind, left: str, right: str, service: str | None, qualifier: str | None
) -> None:
    identifier_type = TYPES[kind]
    left_clean = identifier_type.clean(left, service=service, qualifier=qualifier) or left
    right_clean = identifier_type.clean(right, service=service, qualifier=qualifier) or right
    score = identifier_type.compare(left_clean, right_clean)
    assert 0.0 <= score <= 1.0
    assert score == identifier_type.compare(right_clean, left_clean)


# ---------------------------------------------------------------------------------------------------
# Variants of one value clean to one value

INDIAN_MOBILES = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("6789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


def _phone_renderings(number: str) -> list[str]:
    head, tail = number[:5], number[5:]
    return [
        number,
        f"0{number}",
        f"91{number}",
        f"+91{number}",
        f"+91 {head} {tail}",
        f"+91-{head}-{tail}",
        f"91-{head}-{tail}",
        f"0091 {head} {tail}",
        f"0091-{number}",
        f"(0{head}) {tail}",
        f"0{head}-{tail}",
        f"{head}.{tail}",
        f"+91 ({head}) {tail}",
        f" +91.{head}.{tail} ",
        f"tel:+91{number}",
    ]


@settings(max_examples=200, deadline=None)
@given(number=INDIAN_MOBILES)
def test_indian_mobile_renderings_clean_to_one_number(number: str) -> None:
    phone = TYPES[K.PHONE]
    expected = f"+91{number}"
    assert phone.clean(expected) == expected
    for rendering in _phone_renderings(number):
        assert phone.clean(rendering) == expected, rendering
    masked = f"+91{number[:2]}******{number[-2:]}"
    assert phone.clean(masked) is None


LOCAL_PARTS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=20)
TAGS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=10)


@settings(max_examples=200, deadline=None)
@given(
    local=LOCAL_PARTS,
    tag=TAGS,
    dots=st.lists(st.integers(min_value=1, max_value=19), max_size=3, unique=True),
)
def test_gmail_renderings_clean_to_one_mailbox(local: str, tag: str, dots: list[int]) -> None:
    email = TYPES[K.EMAIL]
    expected = f"{local}@gmail.com"
    dotted = local
    for position in sorted((d for d in dots if d < len(local)), reverse=True):
        dotted = f"{dotted[:position]}.{dotted[position:]}"
    renderings = [
        expected,
        expected.upper(),
        f"  {dotted}@gmail.com ",
        f"{dotted}+{tag}@googlemail.com",
        f"mailto:{local.upper()}+{tag}@GMail.Com",
        f"<{dotted}@gmail.com>",
    ]
    for rendering in renderings:
        assert email.clean(rendering) == expected, rendering
    assert email.clean(f"{local[:1]}*****@gmail.com") is None


@settings(max_examples=100, deadline=None)
@given(
    local=LOCAL_PARTS,
    tag=TAGS,
    domain=st.sampled_from(["outlook.com", "hotmail.com", "yahoo.co.in", "rediffmail.com"]),
)
def test_other_provider_renderings_keep_dots_and_drop_tags(
    local: str, tag: str, domain: str
) -> None:
    email = TYPES[K.EMAIL]
    address = f"{local}.k@{domain}"
    for rendering in (address.upper(), f" {local}.k+{tag}@{domain}", f"mailto:{address}"):
        assert email.clean(rendering) == address


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
def test_date_of_birth_renderings_clean_to_one_date(day: date) -> None:
    expected = day.isoformat()
    renderings = [
        expected,
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{expected}T10:30:00+05:30",
    ]
    for rendering in renderings:
        assert TYPES[K.DATE_OF_BIRTH].clean(rendering) == expected, rendering
