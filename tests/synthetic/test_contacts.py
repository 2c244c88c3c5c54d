"""Tests of synthetic phone numbers and e-mail addresses and their textual forms."""

from __future__ import annotations

import random
import re

from suraksha.synthetic import contacts


def _gmail_key(address: str) -> str:
    local, domain = address.lower().split("@")
    assert domain in ("gmail.com", "googlemail.com")
    return local.split("+")[0].replace(".", "")


def test_mobiles_are_ten_digits_in_the_operators_series() -> None:
    rng = random.Random(1)
    for operator, series in contacts.SERIES.items():
        for _ in range(50):
            number = contacts.make_mobile(rng, operator)
            assert re.fullmatch(r"[6-9]\d{9}", number)
            assert number[:2] in series


def test_every_phone_form_names_the_same_number() -> None:
    rng = random.Random(2)
    forms = {contacts.phone_form(rng, "9847012345") for _ in range(200)}
    assert {
        "+91 98470 12345",
        "09847012345",
        "9847012345",
        "91-98470-12345",
        "+919847012345",
    } <= forms
    for form in forms:
        assert re.sub(r"\D", "", form)[-10:] == "9847012345"


def test_masked_phones_keep_too_little_to_link() -> None:
    rng = random.Random(3)
    for _ in range(50):
        masked = contacts.mask_phone(rng, "9847012345")
        assert "*" in masked
        assert len(re.sub(r"\D", "", masked.removeprefix("+91"))) <= 5


def test_gmail_forms_reach_the_same_inbox() -> None:
    rng = random.Random(4)
    forms = {contacts.email_form(rng, "rafi.kunnath92@gmail.com") for _ in range(300)}
    assert len(forms) > 10
    assert any("googlemail.com" in f.lower() for f in forms)
    assert any("+" in f for f in forms)
    assert any(f != f.lower() for f in forms)
    assert {_gmail_key(f) for f in forms} == {"rafikunnath92"}


def test_other_providers_only_change_case() -> None:
    rng = random.Random(5)
    for _ in range(100):
        form = contacts.email_form(rng, "arun.nair1990@yahoo.co.in")
        assert form.lower() == "arun.nair1990@yahoo.co.in"


def test_made_emails_are_unique_lower_case_and_masks_hide_them() -> None:
    rng = random.Random(6)
    taken: set[str] = set()
    made = [contacts.make_email(rng, ("Arun", "Kumar"), taken, gmail=True) for _ in range(100)]
    assert len(set(made)) == 100
    # Unique as Gmail sees them too: it ignores dots, so `arun.kumar90` is `arunkumar90`.
    assert len({m.split("@")[0].replace(".", "") for m in made}) == 100
    assert all(m == m.lower() and m.endswith("@gmail.com") for m in made)
    for address in made:
        masked = contacts.mask_email(rng, address)
        assert "*" in masked
        assert masked != address
