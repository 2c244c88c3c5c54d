"""The unit's police station mapping: read strictly, looked up pincode-and-locality first."""

from __future__ import annotations

from pathlib import Path

import pytest

from suraksha.errors import ConfigurationError
from suraksha.intel.stations import StationMap, load_stations


def test_loads_every_row(stations: StationMap) -> None:
    assert len(stations) == 6
    assert stations.states == frozenset({"KERALA"})
    assert stations.name == "kerala-stations.csv"


def test_pincode_alone(stations: StationMap) -> None:
    found = stations.find(
        state="KERALA", district="ERNAKULAM", pincode="682001", texts=["MG Road", "Kochi"]
    )
    assert [(m.police_station, m.basis) for m in found] == [
        ("Ernakulam Central", "kerala-stations.csv line 2: pincode 682001")
    ]


def test_a_locality_the_address_names_beats_the_pincode_default(stations: StationMap) -> None:
    named = stations.find(
        state="KERALA",
        district="ERNAKULAM",
        pincode="682030",
        texts=["No. 12/340, Temple Road, Kakkanad", "Kochi"],
    )
    plain = stations.find(
        state="KERALA", district="ERNAKULAM", pincode="682030", texts=["Seaport Road"]
    )
    assert [m.police_station for m in named] == ["Thrikkakara"]
    assert named[0].basis == "kerala-stations.csv line 4: pincode 682030, locality Kakkanad"
    assert [m.police_station for m in plain] == ["Infopark"]


def test_a_locality_is_matched_as_whole_words(stations: StationMap) -> None:
    found = stations.find(
        state="KERALA", district="ERNAKULAM", pincode="682030", texts=["Kakkanadan Lane"]
    )
    assert [m.police_station for m in found] == ["Infopark"]


def test_pincode_row_without_state_or_district_takes_them_from_the_pincode(
    stations: StationMap,
) -> None:
    found = stations.find(state="KERALA", district="THRISSUR", pincode="680001", texts=[])
    assert [(m.police_station, m.state, m.district) for m in found] == [
        ("Thrissur Town East", "KERALA", "THRISSUR")
    ]


def test_district_and_locality_without_pincode(stations: StationMap) -> None:
    found = stations.find(state="KERALA", district="THRISSUR", pincode=None, texts=["Irinjalakuda"])
    missing = stations.find(state="KERALA", district="THRISSUR", pincode=None, texts=["Chalakudy"])
    assert [m.police_station for m in found] == ["Irinjalakuda"]
    assert missing == ()


def test_another_state_is_not_mapped(stations: StationMap) -> None:
    assert stations.find(state="TELANGANA", district="HYDERABAD", pincode="500001", texts=[]) == ()


def test_byte_order_mark_and_column_order_and_case(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "\ufeffPolice_Station,Pincode,Note\nHill Palace,682301,east of the river\n",
        encoding="utf-8",
    )
    found = load_stations(path).find(
        state="KERALA", district="ERNAKULAM", pincode="682301", texts=[]
    )
    assert [m.police_station for m in found] == ["Hill Palace"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("pincode,police_station\n682001,\n", "line 2: no police_station"),
        ("pincode,police_station\n68200,A\n", "line 2: '68200' is not a pincode"),
        ("pincode,police_station\n999999,A\n", "line 2: pincode 999999 is not known"),
        (
            "state,pincode,police_station\nTelangana,682001,A\n",
            "line 2: pincode 682001 is in KERALA, not TELANGANA",
        ),
        (
            "district,pincode,police_station\nThrissur,682001,A\n",
            "line 2: pincode 682001 serves ERNAKULAM, not Thrissur",
        ),
        (
            "pincode,police_station\n500032,A\n",
            "line 2: pincode 500032 spans HYDERABAD and RANGA REDDY: give the district",
        ),
        (
            "state,district,locality,police_station\nKERALA,THRISSUR,,A\n",
            "line 2: a row without a pincode needs state, district and locality",
        ),
        (
            "state,district,locality,police_station\nKERALA,Hyderabad,Ameerpet,A\n",
            "line 2: 'Hyderabad' is not a district of KERALA",
        ),
        (
            "state,district,locality,police_station\nAtlantis,X,Y,A\n",
            "line 2: 'Atlantis' is not an Indian state",
        ),
        (
            "pincode,police_station\n682001,A\n682001,B\n",
            "line 3: gives 'B' where line 2 gives 'A'",
        ),
    ],
)
def test_problems_are_named_by_line(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="SURAKSHA_STATIONS") as raised:
        load_stations(path)
    assert problem in str(raised.value)


def test_repeating_a_row_is_not_a_clash(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text("pincode,police_station\n682001,A\n682001,A\n\n", encoding="utf-8")
    assert len(load_stations(path)) == 2


def test_header_without_the_needed_columns(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text("pin,station\n682001,A\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="needs a header with police_station"):
        load_stations(path)


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"SURAKSHA_STATIONS names .* not a file"):
        load_stations(tmp_path / "kerala-stations.csv")


def test_many_problems_are_summarised(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text("pincode,police_station\n" + "68200,A\n" * 14, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"\(and 4 more\)"):
        load_stations(path)
