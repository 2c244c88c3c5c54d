"""The probabilistic linking layer: weak evidence (names, birth dates, handles, places, lines,
numbers one keystroke apart) scored by a Fellegi-Sunter model in Splink on DuckDB, with guards so
that popular values never link alone.

    account views ─► WeakRecord per account (name key, birth date, handle, pincode, city, street,
                     line, phone number)
                 ─► Splink (DuckDB): blocking rules ─► comparisons ─► match weight per pair
                 ─► guards: weight ≥ threshold, ≥ 2 agreeing kinds of evidence whose values are
                    not popular, one of them about the person (name, birth date, handle)
                 ─► WeakPair (weight, probability, agreeing features + values)

A strong identifier one typing error away (a phone number with one digit changed or two swapped)
is weak evidence here, never a deterministic link: alone it is not enough, and a household's
consecutive numbers never join two members unless a name, birth date or handle agrees too.

The model's m and u probabilities are fixed (below), not trained by EM on each run: a unit's
workspace can hold three accounts or three million, EM on a small or one-sided sample is unstable,
and a score that depends only on the two records compared keeps `resolve` reproducible and lets an
incremental run give what a full run gives. The values are reasoned from what real records look
like (the comments at `_comparisons` give the reasoning), checked against random pairs of the
synthetic corpus (`bench/identity`), and written here so that a reviewer can read them.

The model works on any table of `WeakRecord`s: `weak_record` builds one from an account, and
`weak_record_of` from cleaned values of any source, by the same rules (`bench/identity/febrl.py`
scores the FEBRL person records this way, against a default Splink model).

The linker applies these pairs after every deterministic rule, and refuses a union that would join
two sets holding conflicting strong identifiers (see `linker.py`) or both sides of a `different`
judgement.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

from suraksha.identity.ips import AddressClass, read_address
from suraksha.identity.names import fold, name_key
from suraksha.intake.accounts import AccountValues, AccountView, values_of_view

# Splink logs its progress at INFO; a resolve prints its own.
logging.getLogger("splink").setLevel(logging.WARNING)

RULE_PROBABILISTIC = "probabilistic"
# Bump when the features, the model or the guard change meaning: the features and pairs kept
# between runs (`weak_evidence`) are then thrown away by a full run.
MODEL_VERSION = 1
# Match weight (log2 Bayes factor, prior included) a pair needs to link. Chosen on the synthetic
# corpus (1,000 persons, seed 1; weights 4, 6, 8, 10, 12, 14 tried): at 6 one pair in 102 was wrong,
# at 8 all 66 were right (the same at 10). Checked on 3,600 persons by `scripts/bench identity`.
DEFAULT_THRESHOLD = 8.0
# A weak value (name key, handle stem, pincode, line) held by more accounts than this is popular:
# agreeing on it does not count as evidence (a common name, a shared office line).
DEFAULT_MAX_WEAK_ACCOUNTS = 8
# Signup forms default birth dates to the first of a month; such a date says nothing.
_PLACEHOLDER_DAY = "01"
_PRIOR = 1e-4  # probability that two random accounts are one person (≈ 1 / persons)
_U_SEED = 1  # random sampling of u (when asked for) is seeded: the same records, the same score

# Handles are reported as "<service>:<handle>"; a trailing number is often added when the stem is
# taken, so the stem without it is compared too.
_TRAILING_DIGITS = re.compile(r"[\d_.]+$")
_NOT_DIGIT = re.compile(r"\D")
NAME_KINDS = ("name", "display_name")
STRONG_CONFLICT_KINDS = ("email", "phone", "device_id")
# Identifiers compared for near-equality (a typing error), as weak evidence: phone numbers, which
# people key in by hand. Not e-mail local parts (built from names, so two namesakes' mailboxes are
# often one keystroke apart: "rahul.sharma1", "rahul.sharma2"), user ids (issued by platforms in
# sequence, never typed by the user) or device ids (a shop's handsets have consecutive serials).
NUMBER_KINDS = ("phone",)
# Every identifier kind the features are taken from.
WEAK_KINDS = (*NAME_KINDS, "date_of_birth", "screen_name", *NUMBER_KINDS, *STRONG_CONFLICT_KINDS)
_MIN_NUMBER_DIGITS = 6  # shorter numbers are extensions or fragments, near to far too many others


@dataclass(frozen=True, slots=True)
class WeakRecord:
    """The weak features of one account, one value each (None when unknown)."""

    account_id: str
    name_key: str | None
    dob: str | None
    dob_year: str | None
    handle: str | None
    handle_stem: str | None
    pincode: str | None
    city: str | None
    line: str | None
    strong: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    street: str | None = None  # the street address, folded (house number and street)
    number: str | None = None  # a number the person types: a phone's digits (see `NUMBER_KINDS`)


@dataclass(frozen=True, slots=True)
class WeakPair:
    """Two accounts the model says are one person, with why."""

    account_a: str
    account_b: str
    match_weight: float
    match_probability: float
    agreeing: dict[str, str]  # feature → the shared value

    @property
    def accounts(self) -> tuple[str, str]:
        return (self.account_a, self.account_b)


def _first(values: Iterable[str | None]) -> str | None:
    """The first of the values in sorted order (not in the order given: the same on every read)."""
    present = [value for value in values if value]
    return min(present) if present else None


def weak_record(view: AccountView) -> WeakRecord:
    """The weak features of one account view."""
    return weak_record_of_values(values_of_view(view, WEAK_KINDS))


def weak_record_of_values(values: AccountValues) -> WeakRecord:
    """The weak features of an account's values (`intake.accounts.every_account_values`, which a
    full resolution streams, or an account view's), sorted by kind in one pass."""
    names: list[str] = []
    dobs: list[str] = []
    handles: list[str] = []
    numbers: list[str] = []
    strong: list[tuple[str, str]] = []
    for kind, value in values.identifiers:
        if kind in NAME_KINDS:
            names.append(value)
        elif kind == "date_of_birth":
            dobs.append(value)
        elif kind == "screen_name":
            handles.append(value)
        if kind in NUMBER_KINDS:
            numbers.append(value)
        if kind in STRONG_CONFLICT_KINDS:
            strong.append((kind, value))
    places = values.places
    return weak_record_of(
        values.account_id,
        names=names,
        dates_of_birth=dobs,
        screen_names=handles,
        pincodes=[code for _street, _city, code in places],
        cities=[city for _street, city, _code in places if city],
        streets=[street for street, _city, _code in places],
        lines=[line for address in values.ip_addresses if (line := _public_line(address))],
        numbers=numbers,
        strong=strong,
    )


@lru_cache(maxsize=1 << 19)
def _public_line(address: str) -> str | None:
    """The line of a capture's address when it is a public one (a home's or a phone's), else
    None; once per address text (captures repeat their addresses)."""
    reading = read_address(address)
    if reading is not None and reading.address_class is AddressClass.PUBLIC:
        return reading.line
    return None


def weak_record_of(
    record_id: str,
    *,
    names: Iterable[str] = (),
    dates_of_birth: Iterable[str] = (),
    screen_names: Iterable[str] = (),
    pincodes: Iterable[str | None] = (),
    cities: Iterable[str] = (),
    streets: Iterable[str | None] = (),
    lines: Iterable[str] = (),
    numbers: Iterable[str] = (),
    strong: Iterable[tuple[str, str]] = (),
) -> WeakRecord:
    """The weak features of any record, from cleaned values (one record may carry several).

    `names` are cleaned names (`names.clean_name`), `dates_of_birth` ISO dates, `screen_names`
    "<service>:<handle>" or bare handles, `streets` street lines as reported (house number and
    street), `lines` one entry per capture on a public line (the most used line is kept),
    `numbers` cleaned numbers a person types (a phone in E.164; only its digits are compared).
    Tips go through `weak_record`; other sources (the FEBRL benchmark) call this directly, so
    both are reduced to features by the same rules.
    """
    keys = [name_key(value) for value in names if value]
    dob = _first([value for value in dates_of_birth if value and value[8:10] != _PLACEHOLDER_DAY])
    handle = _first([fold(value.split(":", 1)[-1]) for value in screen_names if value])
    stem = _TRAILING_DIGITS.sub("", handle) if handle else None
    used: Counter[str] = Counter(line for line in lines if line)
    digits = [_NOT_DIGIT.sub("", value) for value in numbers if value]
    return WeakRecord(
        account_id=record_id,
        name_key=_first([key for key in keys if " " in key]),  # one word is no name to link on
        dob=dob,
        dob_year=dob[:4] if dob else None,
        handle=handle,
        handle_stem=stem if stem and len(stem) >= 5 else None,
        pincode=_first(pincodes),
        city=_first([fold(city) for city in cities if city]),
        line=min(used, key=lambda line: (-used[line], line)) if used else None,
        strong=frozenset(strong),
        street=_first([street_key(street) for street in streets if street]),
        number=_first([value for value in digits if len(value) >= _MIN_NUMBER_DIGITS]),
    )


def street_key(street: str) -> str | None:
    """A street line folded for comparison: case, punctuation and spacing dropped, so that
    "No. 7/764, Station Road" and "no 7 764 station road" are one key. None without a digit
    (a street name alone is shared by a whole street, not a home)."""
    key = " ".join(re.sub(r"[^\w]+", " ", fold(street)).split())
    return key if key and any(char.isdigit() for char in key) else None


# Features compared, and the family each belongs to (two agreeing families are needed to link).
FAMILIES = {
    "name_key": "name",
    "dob": "dob",
    "handle": "handle",
    "handle_stem": "handle",
    "pincode": "place",
    "city": "place",
    "street": "place",
    "line": "line",
}
# Families that describe the person rather than the home: several people share a home (its
# address, pincode and line), so one of these must agree too.
PERSONAL_FAMILIES = frozenset({"name", "dob", "handle"})
# Pairs scored: those agreeing on every feature of one of these rules. The last five need no
# exact name, so that a misspelt name is still scored when the birth date or the home agree.
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("name_key", "dob_year"),
    ("handle",),
    ("handle_stem", "name_key"),
    ("name_key", "pincode"),
    ("name_key", "line"),
    ("handle_stem", "line"),
    ("dob", "line"),
    ("dob", "pincode"),
    ("dob", "city"),
    ("street", "pincode"),
    ("street", "dob"),
)
# Columns passed to Splink besides the features of `FAMILIES`.
_EXTRA_COLUMNS = ("dob_year", "number")
# Features whose popularity the guard counts.
_COUNTED = (*FAMILIES, "number")
# Numbers of at least this many digits are compared at Damerau-Levenshtein 2 too.
_LONG_NUMBER = 10


def _comparisons() -> list[Any]:
    """The Fellegi-Sunter comparisons with their fixed m and u probabilities.

    m is the share of one person's record pairs at a level, u the share of strangers' pairs.
    Each u is set at about two to four times what random pairs of strangers in the synthetic
    corpus give (3,600 persons, seed 1, 400,000 pairs a feature: name key equal 4.5e-4,
    Jaro-Winkler ≥ 0.92 4.1e-3, ≥ 0.85 1.2e-2; birth date equal 1.2e-4, one edit 2.4e-3, same
    year 3.1e-2; pincode equal 4.8e-4, one edit 4.9e-3; city equal 1.3e-2; street address equal
    2.5e-5; numbers one or two edits apart: none), because real people cluster more than a
    generator's (namesakes, families, neighbours), and an overstated u only costs recall.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return [
        # Names: a misspelling that survives the key's folding (Jaro-Winkler ≥ 0.85) is weak
        # evidence (m 0.08, u 0.03); it never counts as an agreeing kind for the guard.
        cl.CustomComparison(
            output_column_name="name_key",
            comparison_levels=[
                cll.NullLevel("name_key"),
                cll.ExactMatchLevel("name_key"),
                cll.JaroWinklerLevel("name_key", 0.92),
                cll.JaroWinklerLevel("name_key", 0.85),
                cll.ElseLevel(),
            ],
        ).configure(
            m_probabilities=[0.55, 0.2, 0.08, 0.17], u_probabilities=[0.002, 0.01, 0.03, 0.958]
        ),
        # Birth dates: one digit wrong or two swapped is a typing error (m 0.04); a date has about
        # 25 valid one-edit neighbours among the ~18,000 days of a population's birth years
        # (u ≈ 1.4e-3 by chance, 2.4e-3 in the corpus: 3e-3).
        cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob"),
                cll.DamerauLevenshteinLevel("dob", 1),
                cll.ExactMatchLevel("dob_year"),
                cll.ElseLevel(),
            ],
        ).configure(
            m_probabilities=[0.85, 0.04, 0.03, 0.08], u_probabilities=[0.0003, 0.003, 0.04, 0.9567]
        ),
        cl.CustomComparison(
            output_column_name="handle",
            comparison_levels=[
                cll.NullLevel("handle"),
                cll.ExactMatchLevel("handle"),
                cll.ExactMatchLevel("handle_stem"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.4, 0.2, 0.4], u_probabilities=[0.0005, 0.003, 0.9965]),
        # Place: null only when neither pincode nor city can be compared (one record without a
        # city still agrees on its pincode). The same street address (house number and street,
        # in the same pincode or city) is a home: reported for few accounts (m 0.1), shared by a
        # household (u 1e-4, corpus 2.5e-5). A pincode one edit off or a city spelt nearly the
        # same is a neighbouring area as often as a typo (m 0.05, u 0.01; corpus 4.9e-3).
        cl.CustomComparison(
            output_column_name="place",
            comparison_levels=[
                cll.CustomLevel(
                    "(pincode_l IS NULL OR pincode_r IS NULL) AND (city_l IS NULL OR city_r IS NULL)"
                ).configure(is_null_level=True),
                cll.CustomLevel(
                    "street_l = street_r AND (pincode_l = pincode_r OR city_l = city_r)",
                    label_for_charts="same street address",
                ),
                cll.ExactMatchLevel("pincode"),
                cll.ExactMatchLevel("city"),
                cll.CustomLevel(
                    "damerau_levenshtein(pincode_l, pincode_r) <= 1 "
                    "OR jaro_winkler_similarity(city_l, city_r) >= 0.9",
                    label_for_charts="pincode one edit apart, or city Jaro-Winkler >= 0.9",
                ),
                cll.ElseLevel(),
            ],
        ).configure(
            m_probabilities=[0.1, 0.5, 0.2, 0.05, 0.15],
            u_probabilities=[1e-4, 0.002, 0.03, 0.01, 0.958],
        ),
        cl.CustomComparison(
            output_column_name="line",
            comparison_levels=[
                cll.NullLevel("line"),
                cll.ExactMatchLevel("line"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.35, 0.65], u_probabilities=[0.004, 0.996]),
        # Numbers a person types (phones). By chance alone a 10-digit number has 99 numbers one
        # substitution or adjacent transposition away among ~4e9 valid mobile numbers (2.5e-8),
        # a 7-digit one 69 among 1e7 (7e-6), and ~3,600 two edits away from 10 digits (1e-6);
        # but numbers are issued in series and households and firms buy consecutive SIMs, so
        # strangers near one another are far closer than chance: u is set at 1e-4 (one edit)
        # and 2e-3 (two edits, 10 digits or more), and the guard needs a personal kind to agree.
        # m: among one person's record pairs whose numbers differ, a typing error is one in ten
        # (one edit) or one in thirty (two); the rest are a second number (two SIMs, work and
        # home), which is no evidence against (weight -0.2).
        cl.CustomComparison(
            output_column_name="number",
            comparison_levels=[
                # Equal numbers are the deterministic rules' to link (or a placeholder that links
                # nobody): here they say nothing, like a missing one.
                cll.CustomLevel(
                    "number_l IS NULL OR number_r IS NULL OR number_l = number_r"
                ).configure(is_null_level=True),
                cll.DamerauLevenshteinLevel("number", 1),
                cll.CustomLevel(
                    f"damerau_levenshtein(number_l, number_r) <= 2 "
                    f"AND least(length(number_l), length(number_r)) >= {_LONG_NUMBER}",
                    label_for_charts="Damerau-Levenshtein <= 2, long numbers",
                ),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.1, 0.03, 0.87], u_probabilities=[1e-4, 0.002, 0.9979]),
    ]


def edit_distance(left: str, right: str) -> int:
    """Damerau-Levenshtein distance: the fewest substitutions, insertions, deletions and
    transpositions of adjacent characters that turn one text into the other (a swapped pair of
    digits counts 1, as a typist makes it). The unrestricted form (Lowrance-Wagner), as DuckDB's
    `damerau_levenshtein`, which the model's levels use, computes it."""
    far = len(left) + len(right)
    # table[i + 1][j + 1]: distance between left[:i] and right[:j]; row and column 0 are "far".
    table = [[far] * (len(right) + 2) for _ in range(len(left) + 2)]
    for i in range(len(left) + 1):
        table[i + 1][1] = i
    for j in range(len(right) + 1):
        table[1][j + 1] = j
    last_row: dict[str, int] = {}  # character → last row of `left` holding it
    for i in range(1, len(left) + 1):
        last_match = 0  # last column of `right` matching left[i - 1]
        for j in range(1, len(right) + 1):
            k, m = last_row.get(right[j - 1], 0), last_match
            cost = 0 if left[i - 1] == right[j - 1] else 1
            if cost == 0:
                last_match = j
            table[i + 1][j + 1] = min(
                table[i][j] + cost,
                table[i + 1][j] + 1,
                table[i][j + 1] + 1,
                table[k][m] + (i - k - 1) + 1 + (j - m - 1),
            )
        last_row[left[i - 1]] = i
    return table[len(left) + 1][len(right) + 1]


def near_numbers(left: str | None, right: str | None) -> bool:
    """True when two numbers differ by a typing error: not equal, and at most one edit apart
    (two when both have `_LONG_NUMBER` digits or more), as the model's `number` levels compare."""
    if not left or not right or left == right:
        return False
    limit = 2 if min(len(left), len(right)) >= _LONG_NUMBER else 1
    return abs(len(left) - len(right)) <= limit and edit_distance(left, right) <= limit


def _candidates(records: Sequence[WeakRecord], blocking: Sequence[tuple[str, ...]]) -> bool:
    """True when some blocking rule pairs two records (Splink is not started for nothing)."""
    for rule in blocking:
        seen: set[tuple[str | None, ...]] = set()
        for record in records:
            key = tuple(getattr(record, column) for column in rule)
            if None in key:
                continue
            if key in seen:
                return True
            seen.add(key)
    return False


def score_pairs(
    records: Sequence[WeakRecord],
    *,
    min_weight: float = 0.0,
    u_sample_pairs: float | None = None,
    blocking: Sequence[tuple[str, ...]] = BLOCKING,
) -> list[tuple[str, str, float, float]]:
    """Splink's (account a, account b, match weight, probability) for every blocked pair.

    With `u_sample_pairs`, the u probabilities are first re-estimated from that many random
    pairs of these records (Splink's `estimate_u_using_random_sampling`, fixed seed) while the m
    probabilities and the prior stay fixed: how often strangers agree depends on the population
    (a name key is rarer among five thousand Australians than among a district's tips), how
    often one person's records agree does not. Off by default (see the module docstring).
    `blocking` replaces the rules choosing which pairs are scored (for experiments; the model
    and the guards do not change).
    """
    if len(records) < 2 or not _candidates(records, blocking):
        return []
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    columns = ["account_id", *FAMILIES, *_EXTRA_COLUMNS]
    values = attrgetter(*columns)
    rows = [dict(zip(columns, values(record), strict=True)) for record in records]
    # Splink infers column types from the values; an all-empty column must still be text.
    rows.append({column: "" if column == "account_id" else "\x00" for column in columns})
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="account_id",
        probability_two_random_records_match=_PRIOR,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in blocking],
        comparisons=_comparisons(),
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(rows), settings, log_level=logging.WARNING)
    if u_sample_pairs is not None:
        linker.training.estimate_u_using_random_sampling(max_pairs=u_sample_pairs, seed=_U_SEED)
    found = linker.inference.predict(threshold_match_weight=min_weight).as_record_list()
    pairs: list[tuple[str, str, float, float]] = []
    for row in found:
        a, b = sorted((str(row["account_id_l"]), str(row["account_id_r"])))
        if a and b:
            pairs.append((a, b, float(row["match_weight"]), float(row["match_probability"])))
    return sorted(pairs)


def feature_counts(records: Iterable[WeakRecord]) -> Counter[tuple[str, str]]:
    """How many records hold each (feature, value): what the guard calls popular."""
    counts: Counter[tuple[str, str]] = Counter()
    values = attrgetter(*_COUNTED)
    counts.update(
        pair
        for record in records
        for pair in zip(_COUNTED, values(record), strict=True)
        if pair[1] is not None
    )
    return counts


def blocked_with(
    records: Iterable[WeakRecord],
    others: Iterable[WeakRecord],
    blocking: Sequence[tuple[str, ...]] = BLOCKING,
) -> list[WeakRecord]:
    """The `others` that some blocking rule pairs with one of `records`: all the model can score
    a pair of when one side is in `records`."""
    getters = [attrgetter(*rule) if len(rule) > 1 else _one(rule[0]) for rule in blocking]
    keys: list[set[tuple[Any, ...]]] = [set() for _ in blocking]
    for record in records:
        for getter, found in zip(getters, keys, strict=True):
            key = getter(record)
            if None not in key:
                found.add(key)
    chosen: list[WeakRecord] = []
    for other in others:
        for getter, found in zip(getters, keys, strict=True):
            if found and getter(other) in found:
                chosen.append(other)
                break
    return chosen


def _one(column: str) -> Callable[[WeakRecord], tuple[Any, ...]]:
    """A key of one column, as a tuple like `attrgetter`'s of several."""

    def key(record: WeakRecord) -> tuple[Any, ...]:
        return (getattr(record, column),)

    return key


def guarded(
    left: WeakRecord,
    right: WeakRecord,
    weight: float,
    probability: float,
    counts: Counter[tuple[str, str]],
    max_weak_accounts: int = DEFAULT_MAX_WEAK_ACCOUNTS,
) -> WeakPair | None:
    """The pair if the guard lets it link (see `weak_pairs`), with the values that agree."""
    agreeing = {
        feature: getattr(left, feature)
        for feature in FAMILIES
        if getattr(left, feature) is not None
        and getattr(left, feature) == getattr(right, feature)
        and counts[(feature, getattr(left, feature))] <= max_weak_accounts
    }
    families = {FAMILIES[feature] for feature in agreeing}
    if near_numbers(left.number, right.number) and all(
        counts[("number", value)] <= max_weak_accounts
        for value in (left.number, right.number)
        if value is not None
    ):
        agreeing["number"] = f"{left.number}~{right.number}"
        families.add("number")
    if len(families) < 2 or not families & PERSONAL_FAMILIES:
        return None
    return WeakPair(left.account_id, right.account_id, weight, probability, agreeing)


def weak_pairs(
    records: Sequence[WeakRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_weak_accounts: int = DEFAULT_MAX_WEAK_ACCOUNTS,
    u_sample_pairs: float | None = None,
    blocking: Sequence[tuple[str, ...]] = BLOCKING,
    counts: Counter[tuple[str, str]] | None = None,
    touching: set[str] | None = None,
) -> list[WeakPair]:
    """Pairs of accounts whose weak evidence links them, strongest first.

    A pair links when its match weight reaches `threshold` and it agrees on at least two families
    of evidence (name, birth date, handle, place, line, a near-equal number) on values held by at
    most `max_weak_accounts` accounts, one of them about the person (name, birth date or handle):
    a popular name key, a shared office line or a town's pincode alone never links, nor does a
    home (address, pincode, line, a household's consecutive phone numbers) without the person,
    whatever weight the model gives it. For `u_sample_pairs` and `blocking` see `score_pairs`.

    `counts` are the value counts of the whole workspace when `records` are only part of it
    (default: counted over `records`); with `touching`, only pairs with an account in it are
    scored and returned (an incremental run's new accounts, `weak_evidence`).
    """
    by_id = {record.account_id: record for record in records}
    if counts is None:
        counts = feature_counts(records)
    pairs: list[WeakPair] = []
    for a, b, weight, probability in score_pairs(
        records, min_weight=threshold, u_sample_pairs=u_sample_pairs, blocking=blocking
    ):
        if touching is not None and a not in touching and b not in touching:
            continue
        pair = guarded(by_id[a], by_id[b], weight, probability, counts, max_weak_accounts)
        if pair is not None:
            pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.match_weight, pair.account_a, pair.account_b))
    return pairs


def strong_conflict(left: Iterable[tuple[str, str]], right: Iterable[tuple[str, str]]) -> bool:
    """True when two sets of strong identifiers say "two people": for at least two kinds (e-mail,
    phone, device id) both sides hold values of the kind and share none of them.

    One differing kind is ordinary (a person has a second phone); two together are what two
    people look like, so weak evidence must not join them.
    """
    left_by: dict[str, set[str]] = {}
    right_by: dict[str, set[str]] = {}
    for kind, value in left:
        left_by.setdefault(kind, set()).add(value)
    for kind, value in right:
        right_by.setdefault(kind, set()).add(value)
    differing = sum(
        1
        for kind in STRONG_CONFLICT_KINDS
        if left_by.get(kind) and right_by.get(kind) and not left_by[kind] & right_by[kind]
    )
    return differing >= 2
