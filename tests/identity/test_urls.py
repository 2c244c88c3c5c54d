"""Profile URL normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.identity.urls import clean_profile_url

URLS = [
    ("https://www.instagram.com/raju_kochi/", "https://instagram.com/raju_kochi"),
    ("HTTP://WWW.Instagram.COM/raju_kochi", "https://instagram.com/raju_kochi"),
    ("instagram.com/raju_kochi", "https://instagram.com/raju_kochi"),
    (
        "https://www.instagram.com/raju_kochi/?igshid=MzRlODBiNWFlZA==&utm_source=qr",
        "https://instagram.com/raju_kochi",
    ),
    (
        "https://m.facebook.com/profile.php?id=100012345678901&mibextid=ZbWKwL",
        "https://facebook.com/profile.php?id=100012345678901",
    ),
    ("https://facebook.com/raju.kochi#photos", "https://facebook.com/raju.kochi"),
    ("https://mobile.twitter.com/RajuKochi?s=20&t=abc", "https://twitter.com/RajuKochi"),
    ("https://www.youtube.com/@rajukochi?si=xyz", "https://youtube.com/@rajukochi"),
    ("https://user:secret@example.in:443/raju", "https://example.in/raju"),
    ("http://example.in:8080/raju/", "https://example.in:8080/raju"),
    (
        "https://sharechat.com/profile/raju?referer=x",
        "https://sharechat.com/profile/raju?referer=x",
    ),
    ("https://t.me/raju_kochi", "https://t.me/raju_kochi"),
    ("https://instagram.com.", "https://instagram.com"),
    ("https://www.instagram.com/ra***", None),
    ("https://www.instagram.com/raju_ko…", None),
    ("ftp://example.in/raju", None),
    ("https://localhost/raju", None),
    ("https://[::1]/raju", None),
    ("https://example.in:99999/raju", None),
    ("https://exa mple.in/raju", None),
    ("raju_kochi", None),
    ("", None),
]


@pytest.mark.parametrize(("raw", "expected"), URLS)
def test_clean_profile_url(raw: str, expected: str | None) -> None:
    assert clean_profile_url(raw) == expected


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(
        st.text(),
        st.text(alphabet="htps:/w.mfacebok?=&#%_utm[]@:0123456789-", max_size=60),
        st.builds(
            lambda path, query: f"https://www.instagram.com/{path}?{query}",
            st.text(max_size=20),
            st.text(max_size=20),
        ),
    )
)
def test_clean_profile_url_is_idempotent(raw: str) -> None:
    cleaned = clean_profile_url(raw)
    if cleaned is not None:
        assert cleaned.startswith("https://")
        assert clean_profile_url(cleaned) == cleaned
