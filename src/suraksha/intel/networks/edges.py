"""Edges between subjects: what two subjects hold in common, weighed by what it says.

A shared artefact is evidence that two people deal with each other only if few people hold it.
Widely circulated material, a viral file, a popular public group is held by strangers, so it joins
no one: an artefact held by more subjects than its kind's ceiling is set aside and reported as too
common. Below the ceiling each artefact scores a pair of its holders:

    platform group, device, connection, contact     `direct` (1.0): alone it makes an edge
    file                                             `file` (0.5): one rare file in common is chance
    file both hold in two or more reports each       `repeated_file` (1.0): a file kept and
                                                     re-shared by both sides is a trade

A pair's score is the sum over what it shares; an edge is kept when the score reaches
`min_edge_score` (1.0): a platform group, a device, a connection or a contact, two rare files, or
one rare file both sides kept. Every edge carries its evidence (kind, artefact, how many subjects
hold it, the reports on each side, the score it added), so a link in the network explains itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from suraksha.intel.networks.holdings import ArtefactKind, Holding, Holdings

EVIDENCE_KEPT = 25
"""Pieces of evidence stored per edge (the strongest first); the count of the rest is kept."""


@dataclass(frozen=True, slots=True)
class Method:
    """The grouping method's parameters, stored with every run so a group can say what made it."""

    version: str = "2026.11"
    max_file_holders: int = 12  # a file more subjects hold circulates: it joins no one
    max_group_holders: int = 250  # a platform group this large is public, not a circle
    max_direct_holders: int = 12  # a device, connection or contact shared this widely is a venue
    direct: float = 1.0
    file: float = 2.0  # × 1/(holders − 1): a file two subjects alone hold scores the most
    repeated_file: float = 2.0  # × a file's share when both sides hold it in ≥ 2 reports
    min_artefacts: int = 2  # files alone make an edge only when two or more are shared
    min_edge_score: float = 1.0
    resolution: float = 1.0  # Leiden modularity resolution: higher gives smaller groups
    iterations: int = 2  # Leiden passes (igraph's default); -1 runs to a stable partition
    min_group_size: int = 3
    attach_artefacts: int = 2  # a subject outside every group joins one it shares this many with
    attach_score: float = 1.5  # ... scoring this much together (communities.attach)
    seed: int = 20261126  # fixes Leiden's random order: the same network gives the same groups

    def as_dict(self) -> dict[str, Any]:
        """The parameters as stored on a run."""
        return asdict(self)

    def ceiling(self, kind: ArtefactKind) -> int:
        """How many subjects may hold an artefact of `kind` before it joins no one."""
        if kind is ArtefactKind.FILE:
            return self.max_file_holders
        if kind is ArtefactKind.PLATFORM_GROUP:
            return self.max_group_holders
        return self.max_direct_holders


class Evidence(NamedTuple):
    """One artefact two subjects share, and what it adds to their edge (a named tuple: a national
    network holds millions of them)."""

    kind: ArtefactKind
    key: str
    label: str
    holders: int  # subjects holding it across the workspace
    score: float
    reports_a: tuple[str, ...]
    reports_b: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The evidence as stored and exported."""
        return {
            "kind": self.kind.value,
            "artefact": self.label,
            "holders": self.holders,
            "score": self.score,
            "reports_a": list(self.reports_a),
            "reports_b": list(self.reports_b),
        }


@dataclass(slots=True)
class Edge:
    """Two subjects (`a` < `b`) and everything they share."""

    a: str
    b: str
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """The kinds of evidence on the edge, sorted."""
        return sorted({e.kind.value for e in self.evidence})

    def strongest(self) -> list[Evidence]:
        """The evidence, strongest and rarest first, as much as is stored."""
        ranked = sorted(self.evidence, key=lambda e: (-e.score, e.holders, e.kind.value, e.key))
        return ranked[:EVIDENCE_KEPT]


@dataclass(frozen=True, slots=True)
class TooCommon:
    """An artefact set aside because too many subjects hold it."""

    kind: ArtefactKind
    label: str
    holders: int


@dataclass(slots=True)
class Network:
    """The kept edges, and what was set aside."""

    edges: list[Edge]
    too_common: list[TooCommon]
    pairs_considered: int
    pairs_below_threshold: int


def build_network(holdings: Holdings, method: Method) -> Network:
    """Score every pair of subjects that share an artefact; keep the edges that reach the bar."""
    by_key: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, ArtefactKind] = {}
    for holding in holdings.holdings:
        by_key[holding.key][holding.subject_id].append(holding.report_id)
        kinds[holding.key] = holding.kind
    pairs: dict[tuple[str, str], Edge] = {}
    too_common: list[TooCommon] = []
    file_kind = ArtefactKind.FILE
    for key in sorted(by_key):
        holders = by_key[key]
        kind = kinds[key]
        count = len(holders)
        if count < 2:
            continue
        label = holdings.labels.get(key, key)
        if count > method.ceiling(kind):
            too_common.append(TooCommon(kind, label, count))
            continue
        subjects = sorted(holders)
        reports = {s: tuple(sorted(set(holders[s]))) for s in subjects}
        # A file's share, and the share when both sides kept it (see the module docstring).
        single = artefact_share(kind, count, method)
        kept_by_both = min(single * method.repeated_file, method.direct)
        for i, a in enumerate(subjects):
            reports_a = reports[a]
            repeated_a = kind is file_kind and len(reports_a) >= 2
            for b in subjects[i + 1 :]:
                reports_b = reports[b]
                score = kept_by_both if repeated_a and len(reports_b) >= 2 else single
                edge = pairs.get((a, b))
                if edge is None:
                    edge = pairs[(a, b)] = Edge(a, b)
                edge.score += score
                edge.evidence.append(Evidence(kind, key, label, count, score, reports_a, reports_b))
    bar = method.min_edge_score - 1e-9
    kept = [
        edge
        for edge in pairs.values()
        if edge.score >= bar
        and (
            len(edge.evidence) >= method.min_artefacts
            or any(e.kind is not file_kind for e in edge.evidence)
        )
    ]
    kept.sort(key=lambda e: (e.a, e.b))
    too_common.sort(key=lambda t: (-t.holders, t.kind.value, t.label))
    return Network(kept, too_common, len(pairs), len(pairs) - len(kept))


def artefact_share(kind: ArtefactKind, holders: int, method: Method) -> float:
    """What one artefact held by `holders` subjects adds to a pair of them (files by rarity)."""
    if kind is not ArtefactKind.FILE:
        return method.direct
    return min(method.file / (holders - 1), method.direct)


def holdings_by_subject(holdings: Iterable[Holding]) -> dict[str, list[Holding]]:
    """Each subject's holdings, in reading order."""
    found: dict[str, list[Holding]] = defaultdict(list)
    for holding in holdings:
        found[holding.subject_id].append(holding)
    return found
