"""Police stations: the unit's own mapping from a pincode, or a district and locality, to the
police station that must act there (`SURAKSHA_STATIONS`, a CSV file).

No public source maps Indian addresses to police station limits, and the limits change by state
notification, so the state supplies the table and Suraksha only reads it. Without one, routing
stops at the district and says so.

The file is UTF-8 CSV with a header; column names are case-insensitive, their order free, and
other columns are ignored:

    state,district,pincode,locality,police_station
    KERALA,ERNAKULAM,682030,,Infopark
    KERALA,ERNAKULAM,682030,Kakkanad,Thrikkakara
    KERALA,THRISSUR,,Irinjalakuda,Irinjalakuda

A row is either a pincode (optionally narrowed by a locality, for a pincode split between
stations) or a district with a locality. Lookup order for one address: its pincode with a
locality the address names, then its pincode alone, then its district with a locality the address
names. `state` and `district` use the names of `indian-pincode` (common spellings are accepted);
for a pincode row they may be left out, except the district of a pincode that spans two districts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from suraksha.errors import ConfigurationError
from suraksha.intel.gazetteer import districts_of, fold, pincode_place, state_named

_PINCODE = re.compile(r"[1-9][0-9]{5}")
_MAX_PROBLEMS = 10


@dataclass(frozen=True, slots=True)
class StationMatch:
    """A police station found for an address, and the row that says so."""

    police_station: str
    state: str
    district: str
    basis: str  # "kerala-stations.csv line 4: pincode 682030, locality Kakkanad"


@dataclass(frozen=True, slots=True)
class _Row:
    state: str
    district: str
    pincode: str | None
    locality: tuple[str, ...]  # folded words; () for none
    locality_text: str
    station: str
    line: int


class StationMap:
    """A loaded station mapping; see the module docstring for the file and the lookup order."""

    def __init__(self, name: str, rows: Iterable[_Row]) -> None:
        self.name = name
        self._by_pincode: dict[str, list[_Row]] = {}
        self._by_district: dict[tuple[str, str], list[_Row]] = {}
        states: set[str] = set()
        for row in rows:
            states.add(row.state)
            if row.pincode:
                self._by_pincode.setdefault(row.pincode, []).append(row)
            else:
                self._by_district.setdefault((row.state, row.district), []).append(row)
        self.states = frozenset(states)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._by_pincode.values()) + sum(
            len(rows) for rows in self._by_district.values()
        )

    def find(
        self, *, state: str, district: str, pincode: str | None, texts: Sequence[str]
    ) -> tuple[StationMatch, ...]:
        """Stations for an address in (state, district): none (not mapped), one, or several
        (the address names localities of different stations; routing shows them all).

        `texts` are the address's free text (city, street) where a locality may be named.
        """
        words = [_words(text) for text in texts if text]
        if pincode:
            rows = [r for r in self._by_pincode.get(pincode, []) if r.district == district]
            named = [r for r in rows if r.locality and _names(words, r.locality)]
            if named:
                return self._matches(named)
            plain = [r for r in rows if not r.locality]
            if plain:
                return self._matches(plain)
        rows = self._by_district.get((state, district), [])
        return self._matches([r for r in rows if _names(words, r.locality)])

    def _matches(self, rows: list[_Row]) -> tuple[StationMatch, ...]:
        found: dict[str, StationMatch] = {}
        for row in sorted(rows, key=lambda r: r.line):
            keys = [f"pincode {row.pincode}"] if row.pincode else [row.district]
            if row.locality_text:
                keys.append(f"locality {row.locality_text}")
            found.setdefault(
                row.station,
                StationMatch(
                    row.station,
                    row.state,
                    row.district,
                    f"{self.name} line {row.line}: " + ", ".join(keys),
                ),
            )
        return tuple(found.values())


def load_stations(path: Path) -> StationMap:
    """Read and check a station mapping, or raise ConfigurationError listing its problems by line."""
    if not path.is_file():
        raise ConfigurationError(
            f"SURAKSHA_STATIONS names {path}, which is not a file. Point it to the state's police "
            "station mapping (CSV; see docs/routing.md), or unset it to route to districts only."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigurationError(
            f"SURAKSHA_STATIONS: {path} cannot be read as UTF-8 text ({err})."
        ) from err
    reader = csv.DictReader(text.splitlines())
    columns = {fold(name): name for name in reader.fieldnames or []}
    if "policestation" not in columns or not ({"pincode", "district"} & set(columns)):
        raise ConfigurationError(
            f"SURAKSHA_STATIONS: {path} needs a header with police_station and pincode and/or "
            "district (and locality); see docs/routing.md."
        )
    rows: list[_Row] = []
    problems: list[str] = []
    for number, record in enumerate(reader, start=2):

        def cell(name: str, record: dict[str, str | None] = record) -> str:
            return (record.get(columns.get(name, "")) or "").strip()

        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        row = _row(
            number,
            cell("state"),
            cell("district"),
            cell("pincode"),
            cell("locality"),
            cell("policestation"),
        )
        if isinstance(row, str):
            problems.append(f"line {number}: {row}")
        else:
            rows.append(row)
    problems += _clashes(rows)
    if problems:
        shown = "; ".join(problems[:_MAX_PROBLEMS])
        more = (
            f" (and {len(problems) - _MAX_PROBLEMS} more)" if len(problems) > _MAX_PROBLEMS else ""
        )
        raise ConfigurationError(f"SURAKSHA_STATIONS: {path} has problems: {shown}{more}.")
    return StationMap(path.name, rows)


def _row(
    line: int, state_text: str, district_text: str, pincode: str, locality: str, station: str
) -> _Row | str:
    """A checked row, or what is wrong with it."""
    if not station:
        return "no police_station"
    state = state_named(state_text) if state_text else None
    if state_text and state is None:
        return f"{state_text!r} is not an Indian state"
    locality_words = _words(locality)
    if pincode:
        if not _PINCODE.fullmatch(pincode):
            return f"{pincode!r} is not a pincode (six digits)"
        place = pincode_place(pincode)
        if place is None:
            return f"pincode {pincode} is not known to indian-pincode"
        if state and state not in place.states:
            return f"pincode {pincode} is in {place.state}, not {state}"
        district = _district(place.state, district_text) if district_text else None
        if district_text and district not in place.districts:
            return f"pincode {pincode} serves {' and '.join(place.districts)}, not {district_text}"
        if district is None and len(place.districts) > 1:
            return f"pincode {pincode} spans {' and '.join(place.districts)}: give the district"
        return _Row(
            place.state,
            district or place.districts[0],
            pincode,
            locality_words,
            locality,
            station,
            line,
        )
    if not (state and district_text and locality_words):
        return "a row without a pincode needs state, district and locality"
    district = _district(state, district_text)
    if district is None:
        return f"{district_text!r} is not a district of {state}"
    return _Row(state, district, None, locality_words, locality, station, line)


def _district(state: str, text: str) -> str | None:
    wanted = fold(text)
    return next((name for name in districts_of(state) if fold(name) == wanted), None)


def _clashes(rows: list[_Row]) -> list[str]:
    """Two rows with the same key and different stations: the table contradicts itself."""
    seen: dict[tuple[str | None, str, str, tuple[str, ...]], _Row] = {}
    problems: list[str] = []
    for row in rows:
        key = (row.pincode, row.state, "" if row.pincode else row.district, row.locality)
        first = seen.setdefault(key, row)
        if first.station != row.station:
            problems.append(
                f"line {row.line}: gives {row.station!r} where line {first.line} gives "
                f"{first.station!r} for the same pincode or district and locality"
            )
    return problems


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.casefold()))


def _names(texts: list[tuple[str, ...]], locality: tuple[str, ...]) -> bool:
    """True when some text contains the locality's words in order, as whole words."""
    size = len(locality)
    return bool(size) and any(
        words[start : start + size] == locality
        for words in texts
        for start in range(len(words) - size + 1)
    )
