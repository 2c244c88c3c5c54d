"""Tests of synthetic IMEIs."""

from __future__ import annotations

import random

from suraksha.synthetic.devices import luhn_check_digit, luhn_valid, make_imei


def test_luhn_matches_a_published_imei() -> None:
    # The worked example in 3GPP TS 23.003 Annex B and on most IMEI references.
    assert luhn_check_digit("49015420323751") == "8"
    assert luhn_valid("490154203237518")
    assert not luhn_valid("490154203237517")


def test_made_imeis_are_fifteen_digits_and_pass_luhn() -> None:
    rng = random.Random(1)
    imeis = [make_imei(rng) for _ in range(200)]
    assert all(len(i) == 15 and i.isdigit() and luhn_valid(i) for i in imeis)
    assert len(set(imeis)) == 200
