"""The probabilistic linking layer: weak evidence (names, birth dates, handles, places, lines) scored
by a Fellegi-Sunter model in Splink on DuckDB, with guards so that popular values never link alone.

    account views ─► WeakRecord per account (name key, birth date, handle, pincode, city, line)
                 ─► Splink (DuckDB): blocking rules ─► comparisons ─► match weight per pair
                 ─► guards: weight ≥ threshold, ≥ 2 agreeing kinds of evidence whose values are
                    not popular ─► WeakPair (weight, probability, agreeing features + values)

The model's m and u probabilities are fixed (below), not trained by EM on each run: a unit's
workspace can hold three accounts or three million, EM on a small or one-sided sample is unstable,
and a score that depends only on the two records compared keeps `resolve` reproducible and lets an
incremental run give what a full run gives. The values were set from the synthetic corpus
(`bench/identity`) and are written here so that a reviewer can read them.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from suraksha.identity.ips import classify, parse_address, prefix64
from suraksha.identity.names import fold, name_key
from suraksha.intake.accounts import AccountView

# Splink logs its progress at INFO; a resolve prints its own.
logging.getLogger("splink").setLevel(logging.WARNING)

RULE_PROBABILISTIC = "probabilistic"
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
NAME_KINDS = ("name", "display_name")
STRONG_CONFLICT_KINDS = ("email", "phone", "device_id")


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


@dataclass(frozen=True, slots=True)
class WeakPair:
    """Two accounts the model says are one person, with why."""

    account_a: str
    account_b: str
    match_weight: float
    match_probability: float
    agreeing: dict[str, str]  # feature → the shared value


def _first(values: Iterable[str | None]) -> str | None:
    found = sorted(value for value in values if value)
    return found[0] if found else None


def weak_record(view: AccountView) -> WeakRecord:
    """The weak features of one account view."""
    lines: list[str] = []
    for event in view.ip_events:
        address = parse_address(event.address)
        if address is None or classify(address).value != "public":
            continue
        lines.append(str(prefix64(address)) if address.version == 6 else str(address))
    return weak_record_of(
        view.account_id,
        names=(value for kind, _raw, value in view.identifiers if kind in NAME_KINDS and value),
        dates_of_birth=(
            value for kind, _raw, value in view.identifiers if kind == "date_of_birth" and value
        ),
        screen_names=(
            value for kind, _raw, value in view.identifiers if kind == "screen_name" and value
        ),
        pincodes=(a.postal_code for a in view.addresses),
        cities=(a.city for a in view.addresses if a.city),
        lines=lines,
        strong=(
            (kind, value)
            for kind, _raw, value in view.identifiers
            if kind in STRONG_CONFLICT_KINDS and value
        ),
    )


def weak_record_of(
    record_id: str,
    *,
    names: Iterable[str] = (),
    dates_of_birth: Iterable[str] = (),
    screen_names: Iterable[str] = (),
    pincodes: Iterable[str | None] = (),
    cities: Iterable[str] = (),
    lines: Iterable[str] = (),
    strong: Iterable[tuple[str, str]] = (),
) -> WeakRecord:
    """The weak features of any record, from cleaned values (one record may carry several).

    `names` are cleaned names (`names.clean_name`), `dates_of_birth` ISO dates, `screen_names`
    "<service>:<handle>" or bare handles, `lines` one entry per capture on a public line (the most
    used line is kept). Tips go through `weak_record`; other sources (the FEBRL benchmark) call
    this directly, so both are reduced to features by the same rules.
    """
    keys = [name_key(value) for value in names if value]
    dobs = [value for value in dates_of_birth if value and value[8:10] != _PLACEHOLDER_DAY]
    handle = _first(fold(value.split(":", 1)[-1]) for value in screen_names if value)
    stem = _TRAILING_DIGITS.sub("", handle) if handle else None
    used: Counter[str] = Counter(line for line in lines if line)
    dob = _first(dobs)
    return WeakRecord(
        account_id=record_id,
        name_key=_first(key for key in keys if " " in key),  # one word is no name to link on
        dob=dob,
        dob_year=dob[:4] if dob else None,
        handle=handle,
        handle_stem=stem if stem and len(stem) >= 5 else None,
        pincode=_first(pincodes),
        city=_first(fold(city) for city in cities if city),
        line=min(used, key=lambda line: (-used[line], line)) if used else None,
        strong=frozenset(strong),
    )


# Features compared, and the family each belongs to (two agreeing families are needed to link).
FAMILIES = {
    "name_key": "name",
    "dob": "dob",
    "handle": "handle",
    "handle_stem": "handle",
    "pincode": "place",
    "city": "place",
    "line": "line",
}
# Pairs scored: those agreeing on every feature of one of these rules.
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("name_key", "dob_year"),
    ("handle",),
    ("handle_stem", "name_key"),
    ("name_key", "pincode"),
    ("name_key", "line"),
    ("handle_stem", "line"),
    ("dob", "line"),
)


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return [
        cl.CustomComparison(
            output_column_name="name_key",
            comparison_levels=[
                cll.NullLevel("name_key"),
                cll.ExactMatchLevel("name_key"),
                cll.JaroWinklerLevel("name_key", 0.92),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.55, 0.2, 0.25], u_probabilities=[0.002, 0.01, 0.988]),
        cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob"),
                cll.ExactMatchLevel("dob_year"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.85, 0.05, 0.1], u_probabilities=[0.0003, 0.04, 0.9597]),
        cl.CustomComparison(
            output_column_name="handle",
            comparison_levels=[
                cll.NullLevel("handle"),
                cll.ExactMatchLevel("handle"),
                cll.ExactMatchLevel("handle_stem"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.4, 0.2, 0.4], u_probabilities=[0.0005, 0.003, 0.9965]),
        cl.CustomComparison(
            output_column_name="place",
            comparison_levels=[
                cll.NullLevel("city"),
                cll.ExactMatchLevel("pincode"),
                cll.ExactMatchLevel("city"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.6, 0.2, 0.2], u_probabilities=[0.002, 0.03, 0.968]),
        cl.CustomComparison(
            output_column_name="line",
            comparison_levels=[
                cll.NullLevel("line"),
                cll.ExactMatchLevel("line"),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.35, 0.65], u_probabilities=[0.004, 0.996]),
    ]


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

    columns = ["account_id", *FAMILIES, "dob_year"]
    rows = [{column: getattr(record, column) for column in columns} for record in records]
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


def weak_pairs(
    records: Sequence[WeakRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    max_weak_accounts: int = DEFAULT_MAX_WEAK_ACCOUNTS,
    u_sample_pairs: float | None = None,
    blocking: Sequence[tuple[str, ...]] = BLOCKING,
) -> list[WeakPair]:
    """Pairs of accounts whose weak evidence links them, strongest first.

    A pair links when its match weight reaches `threshold` and it agrees on at least two families
    of evidence (name, birth date, handle, place, line) on values held by at most
    `max_weak_accounts` accounts: a popular name key, a shared office line or a town's pincode
    alone never links, whatever weight the model gives it. For `u_sample_pairs` and `blocking`
    see `score_pairs`.
    """
    by_id = {record.account_id: record for record in records}
    counts: Counter[tuple[str, str]] = Counter()
    for record in records:
        for feature in FAMILIES:
            value = getattr(record, feature)
            if value is not None:
                counts[(feature, value)] += 1
    pairs: list[WeakPair] = []
    for a, b, weight, probability in score_pairs(
        records, min_weight=threshold, u_sample_pairs=u_sample_pairs, blocking=blocking
    ):
        left, right = by_id[a], by_id[b]
        agreeing = {
            feature: getattr(left, feature)
            for feature in FAMILIES
            if getattr(left, feature) is not None
            and getattr(left, feature) == getattr(right, feature)
            and counts[(feature, getattr(left, feature))] <= max_weak_accounts
        }
        if len({FAMILIES[feature] for feature in agreeing}) < 2:
            continue
        pairs.append(WeakPair(a, b, weight, probability, agreeing))
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
