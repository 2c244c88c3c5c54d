"""Phones written as grouped digits are cleaned through a cache keyed on the bare digits; that
shortcut must give exactly what `phonenumbers` gives for the text as written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.identity.phones import _parse_uncached, clean_phone

_GROUP = st.text(alphabet="0123456789", min_size=1, max_size=6)


@st.composite
def grouped_numbers(draw: st.DrawFn) -> str:
    groups = draw(st.lists(_GROUP, min_size=1, max_size=5))
    separators = [draw(st.sampled_from([" ", "-"])) for _ in groups[1:]]
    body = groups[0] + "".join(
        sep + group for sep, group in zip(separators, groups[1:], strict=True)
    )
    prefix = draw(st.sampled_from(["", "+", "+91 ", "0", "0091 ", "91-", "+1 "]))
    return prefix + body


@settings(max_examples=400, deadline=None)
@given(
    raw=grouped_numbers(), qualifier=st.sampled_from([None, "+1", "US", "001", "+882", "Mobile"])
)
def test_the_digit_shortcut_equals_parsing_the_text_as_written(
    raw: str, qualifier: str | None
) -> None:
    assert clean_phone(raw, qualifier) == _parse_uncached(raw, qualifier)


def test_indian_mobile_renderings_share_one_value() -> None:
    renderings = [
        "+91 98470 12345",
        "+91-98470-12345",
        "098470 12345",
        "98470-12345",
        "919847012345",
    ]
    assert {clean_phone(raw) for raw in renderings} == {"+919847012345"}
    assert clean_phone("+91 98470 1234x") is None  # not digits: the slow path refuses letters
    assert clean_phone("+91******2345") is None
