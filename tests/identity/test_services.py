"""Canonical platform names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suraksha.identity.services import normalise_service

SERVICE_NAMES = [
    ("Instagram", "instagram"),
    ("instagram.com", "instagram"),
    ("INSTAGRAM ", "instagram"),
    ("https://www.instagram.com/raju_kochi", "instagram"),
    ("WhatsApp", "whatsapp"),
    ("Whats App", "whatsapp"),
    ("web.whatsapp.com", "whatsapp"),
    ("wa.me", "whatsapp"),
    ("Facebook", "facebook"),
    ("m.facebook.com", "facebook"),
    ("FB", "facebook"),
    ("Meta Platforms, Inc.", "meta"),  # the company, not one of its products
    ("Google LLC", "google"),
    ("Gmail", "gmail"),
    ("YouTube", "youtube"),
    ("youtu.be", "youtube"),
    ("Twitter, Inc.", "x"),
    ("X Corp.", "x"),
    ("Snap Inc.", "snapchat"),
    ("Telegram Messenger", "telegrammessenger"),
    ("t.me", "telegram"),
    ("ShareChat", "sharechat"),
    ("Share-Chat", "sharechat"),
    ("sharechat.co.in", "sharechat"),
    ("Discord Inc.", "discord"),
    ("", None),
    ("  ", None),
    ("...", None),
    (None, None),
]


@pytest.mark.parametrize(("name", "expected"), SERVICE_NAMES)
def test_normalise_service(name: str | None, expected: str | None) -> None:
    assert normalise_service(name) == expected


def test_distinct_products_stay_distinct() -> None:
    names = ["WhatsApp", "Facebook", "Instagram", "Meta", "Messenger", "Google", "YouTube"]
    assert len({normalise_service(name) for name in names}) == len(names)


@given(name=st.one_of(st.text(), st.text(alphabet="abcdefgm.:/ -,", max_size=30)))
def test_normalise_service_is_idempotent_and_colon_free(name: str) -> None:
    service = normalise_service(name)
    if service is not None:
        assert ":" not in service
        assert normalise_service(service) == service
