"""Tests of synthetic names and how one name is written in different reports."""

from __future__ import annotations

import random

from suraksha.synthetic.names import Community, PersonName, render_name, split_name


def test_one_name_is_written_many_ways() -> None:
    rng = random.Random(1)
    name = PersonName(("Mohammed", "Rafi"), None, "Kizhakkethil", Community.MALAYALI_MUSLIM)
    forms = {render_name(rng, name) for _ in range(400)}
    assert name.full == "Mohammed Rafi"
    assert {"Mohammed Rafi", "Mohd Rafi", "Muhammed Rafi"} <= forms
    assert any(f.startswith("K. ") or f.startswith("K ") for f in forms)
    assert any(f.endswith(" K") or f.endswith(" K.") for f in forms)
    assert any("Kizhakkethil" in f for f in forms)


def test_telugu_house_names_lead() -> None:
    rng = random.Random(2)
    name = PersonName(("Srinivas",), "Reddy", "Gaddam", Community.TELUGU)
    forms = {render_name(rng, name) for _ in range(300)}
    assert "Gaddam Srinivas Reddy" in forms
    assert any(f.startswith("G.") for f in forms)


def test_split_name_fills_first_middle_last() -> None:
    assert split_name("Rajesh") == ("Rajesh", None, None)
    assert split_name("K. Rajesh") == ("K.", None, "Rajesh")
    assert split_name("Arun Kumar Nair") == ("Arun", "Kumar", "Nair")
