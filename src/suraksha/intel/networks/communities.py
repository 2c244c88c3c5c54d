"""Communities: the groups the kept edges form, found by the Leiden algorithm.

Connected components alone would chain circles together through one member who trades with two of
them; modularity asks instead which subjects deal with each other more than their dealings overall
would lead one to expect (Traag, Waltman & van Eck 2019, "From Louvain to Leiden"). Leiden is run
by igraph on the weighted graph of kept edges for `Method.iterations` passes (2, igraph's default;
on 3 M edges, running it until no pass improves the partition took 95 s of CPU against 4 s, for
0.1% more modularity: docs/benchmarks.md), with its random order fixed by the method's seed and
the vertices in sorted order, so that the same network always gives the same groups. A community
smaller than `min_group_size` is not reported as a group (its edges stay on the subjects' profiles).
"""

from __future__ import annotations

import random

import igraph

from suraksha.intel.networks.edges import Edge, Method


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
