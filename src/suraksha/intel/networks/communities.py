"""Communities: the groups the kept edges form, found by the Leiden algorithm.

Connected components alone would chain circles together through one member who trades with two of
them; modularity asks instead which subjects deal with each other more than their dealings overall
would lead one to expect (Traag, Waltman & van Eck 2019, "From Louvain to Leiden"). Leiden is run
by igraph on the weighted graph of kept edges for `Method.iterations` passes (2, igraph's default;
on 3 M edges, running it until no pass improves the partition took 95 s of CPU against 4 s, for
0.1% more modularity: docs/benchmarks.md), with its random order fixed by the method's seed and
the vertices in sorted order, so that the same network always gives the same groups. A community
smaller than `min_group_size` is not reported as a group (its edges stay on the subjects' profiles).

An edge needs two artefacts shared with *one* other subject. A member who shares one rare file with
one member and the platform group's file with another has no edge, yet the circle as a whole holds
what he holds: `attach` adds a subject outside every group to the group whose members together
share with him at least `attach_artefacts` artefacts (2) scoring at least `attach_score` (1.5).
On the synthetic corpus this added 3 points of recall at the same precision (docs/benchmarks.md).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

import igraph

from suraksha.intel.networks.edges import Edge, Method, artefact_share
from suraksha.intel.networks.holdings import ArtefactKind, Holdings


@dataclass(frozen=True, slots=True)
class Attachment:
    """A subject added to a group by what it shares with the group's members together."""

    subject_id: str
    group: int  # index into the groups given to `attach`
    score: float
    artefacts: tuple[str, ...]  # what it shares with them, as an analyst reads it


def find_communities(edges: list[Edge], method: Method) -> list[list[str]]:
    """Groups of subject ids (each sorted), ordered by their first member."""
    if not edges:
        return []
    nodes = sorted({e.a for e in edges} | {e.b for e in edges})
    index = {subject: i for i, subject in enumerate(nodes)}
    graph = igraph.Graph(
        n=len(nodes), edges=[(index[e.a], index[e.b]) for e in edges], directed=False
    )
    weights = [e.score for e in edges]
    igraph.set_random_number_generator(random.Random(method.seed))
    try:
        clusters = graph.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=method.resolution,
            n_iterations=method.iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    groups = [
        sorted(nodes[i] for i in members)
        for members in clusters
        if len(members) >= method.min_group_size
    ]
    groups.sort(key=lambda members: members[0])
    return groups


def attach(groups: list[list[str]], holdings: Holdings, method: Method) -> list[Attachment]:
    """Add subjects outside every group to the group their shared artefacts point to (see the
    module docstring); `groups` are extended in place and kept sorted. One pass: a subject added
    here does not pull others in."""
    member = {subject: index for index, members in enumerate(groups) for subject in members}
    holders: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, ArtefactKind] = {}
    for holding in holdings.holdings:
        holders[holding.key].add(holding.subject_id)
        kinds[holding.key] = holding.kind
    support: dict[tuple[str, int], list[str]] = defaultdict(list)
    scores: dict[tuple[str, int], float] = defaultdict(float)
    for key in sorted(holders):
        subjects = holders[key]
        if len(subjects) < 2 or len(subjects) > method.ceiling(kinds[key]):
            continue
        reached = {member[s] for s in subjects if s in member}
        if not reached:
            continue
        share = artefact_share(kinds[key], len(subjects), method)
        for subject in sorted(s for s in subjects if s not in member):
            for index in reached:
                support[(subject, index)].append(holdings.labels.get(key, key))
                scores[(subject, index)] += share
    best: dict[str, tuple[float, int]] = {}
    for (subject, index), labels in support.items():
        score = scores[(subject, index)]
        enough = len(labels) >= method.attach_artefacts and score >= method.attach_score - 1e-9
        better = subject not in best or (score, -index) > (best[subject][0], -best[subject][1])
        if enough and better:
            best[subject] = (score, index)
    found: list[Attachment] = []
    for subject, (score, index) in sorted(best.items()):
        groups[index].append(subject)
        found.append(Attachment(subject, index, round(score, 4), tuple(support[(subject, index)])))
    for members in groups:
        members.sort()
    return found
