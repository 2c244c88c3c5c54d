"""Scoring a resolution against a synthetic corpus's truth.json: pairwise precision and recall.

Two reports form a pair when the same subject (predicted) or the same person (truth) holds them.
Precision is the share of predicted pairs that are true; recall, the share of true pairs found.
Counting goes through the contingency table, so a corpus of any size is scored in linear time.

`linkability_ceiling` bounds recall from the evidence itself: the recall of an oracle that links two
reports of one person only when a chain of shared values connects them, so that a reader can tell
how much of a recall gap no linker could close from what the reports carry.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    """Pairwise precision, recall and F1 of a clustering of reports."""

    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int
    reports: int


def load_truth(corpus: Path) -> dict[str, str]:
    """Report number → person id, from a corpus's truth.json."""
    data = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    return {str(report): str(person) for report, person in data["reports"].items()}


def pairwise_score(clusters: Iterable[Iterable[str]], truth: Mapping[str, str]) -> PairwiseScore:
    """Score predicted clusters of report numbers against report → person truth.

    Reports absent from the prediction count as singletons; a report predicted in several clusters
    is taken in the first (the prediction is then already wrong about it, and recall shows it).
    """
    predicted: dict[str, int] = {}
    for index, cluster in enumerate(clusters):
        for report in cluster:
            predicted.setdefault(report, index)
    next_index = len(predicted) + 1_000_000
    for offset, report in enumerate(sorted(set(truth) - set(predicted))):
        predicted[report] = next_index + offset
    reports = sorted(set(truth))
    cells = Counter((predicted[r], truth[r]) for r in reports)
    by_predicted = Counter(predicted[r] for r in reports)
    by_truth = Counter(truth[r] for r in reports)
    correct = sum(_pairs(n) for n in cells.values())
    predicted_pairs = sum(_pairs(n) for n in by_predicted.values())
    true_pairs = sum(_pairs(n) for n in by_truth.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(precision, recall, f1, predicted_pairs, true_pairs, correct, len(reports))


def linkability_ceiling(
    values: Mapping[str, Iterable[str]], truth: Mapping[str, str]
) -> PairwiseScore:
    """The score of an oracle that joins two reports of one person when they share a value.

    `values` maps each report number to the (kind-prefixed) cleaned values it carries. The oracle
    knows the truth, so it never joins two persons (precision 1): it joins the reports of each
    person that a chain of shared values connects, and its recall is the most any linker using
    those values could reach.
    """
    parent: dict[str, str] = {report: report for report in truth}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    holders: dict[tuple[str, str], list[str]] = {}
    for report, carried in values.items():
        if report in truth:
            for value in set(carried):
                holders.setdefault((truth[report], value), []).append(report)
    for reports in holders.values():
        for other in reports[1:]:
            parent[find(other)] = find(reports[0])
    clusters: dict[str, list[str]] = {}
    for report in truth:
        clusters.setdefault(find(report), []).append(report)
    return pairwise_score(clusters.values(), truth)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def load_truth_groups(corpus: Path) -> dict[str, str]:
    """Person id → the group id truth.json puts the person in (persons in no group are absent)."""
    data = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    return {
        str(person): str(group)
        for group, entry in data["groups"].items()
        for person in entry["members"]
    }


def subject_persons(
    subject_reports: Mapping[str, Iterable[str]], report_person: Mapping[str, str]
) -> dict[str, str]:
    """Subject id → the person most of its reports are about (ties to the smallest id).

    A subject the linker wrongly merged is scored as its majority person.
    """
    persons: dict[str, str] = {}
    for subject, reports in subject_reports.items():
        counts = Counter(report_person[r] for r in reports if r in report_person)
        if counts:
            persons[subject] = min(counts, key=lambda p: (-counts[p], p))
    return persons


def group_pairwise_score(
    groups: Iterable[Iterable[str]],
    subject_person: Mapping[str, str],
    person_group: Mapping[str, str],
) -> PairwiseScore:
    """Pairwise precision and recall of predicted groups of subjects against true groups.

    Two subjects form a true pair when their persons are distinct members of one true group, and a
    predicted pair when one predicted group holds both. A pair of two subjects of one person is
    neither: whether they are one person is identity's question, scored by `pairwise_score`.
    Subjects in no predicted group count as alone. Counted through contingency tables, in linear
    time; a subject predicted in several groups is taken in the first.
    """
    predicted: dict[str, int] = {}
    for index, members in enumerate(groups):
        for subject in members:
            if subject in subject_person:
                predicted.setdefault(subject, index)
    in_cluster = Counter(predicted.values())
    person_in_cluster = Counter((c, subject_person[s]) for s, c in predicted.items())
    group_in_cluster = Counter(
        (c, person_group[subject_person[s]])
        for s, c in predicted.items()
        if subject_person[s] in person_group
    )
    grouped = [s for s, p in subject_person.items() if p in person_group]
    in_group = Counter(person_group[subject_person[s]] for s in grouped)
    same_person = Counter(subject_person[s] for s in grouped)
    person_pairs_in_groups = sum(
        _pairs(n) for (c, p), n in person_in_cluster.items() if p in person_group
    )
    predicted_pairs = sum(_pairs(n) for n in in_cluster.values()) - sum(
        _pairs(n) for n in person_in_cluster.values()
    )
    correct = sum(_pairs(n) for n in group_in_cluster.values()) - person_pairs_in_groups
    true_pairs = sum(_pairs(n) for n in in_group.values()) - sum(
        _pairs(n) for n in same_person.values()
    )
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScore(
        precision, recall, f1, predicted_pairs, true_pairs, correct, len(subject_person)
    )
