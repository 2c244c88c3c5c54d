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
