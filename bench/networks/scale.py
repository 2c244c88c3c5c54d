"""Benchmark: grouping 300k subjects joined by 3 M edges, in time and memory.

Builds holdings in memory (no database: this measures the grouping, which runs after the
workspace is read) shaped like a national network: circles of 8 to 24 subjects who share a
platform group and trade a few rare files, each subject in one or two circles, plus widely
circulated files that many strangers hold. Then times, on one core:
- `build_network` (scoring every pair that shares an artefact; too-common artefacts set aside),
- `find_communities` and `attach` (Leiden on the kept edges; subjects joined to a group by what
  they share with its members together),
- `measure_roles` (distributors, bridges, producers),
against the named baseline measured in the same run: igraph's connected components on the same
kept edges (the least any grouping must do). Peak memory is the process's maximum resident size.

Run: `scripts/bench networks-scale` or
`.venv/bin/python bench/networks/scale.py --subjects 300000 --edges 3000000`.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import UTC, datetime, timedelta

import igraph
from rich.console import Console

from suraksha.intel.networks.communities import attach, find_communities
from suraksha.intel.networks.edges import Method, build_network
from suraksha.intel.networks.holdings import ArtefactKind, FileFacts, Holding, Holdings
from suraksha.intel.networks.identities import assign_ids
from suraksha.intel.networks.roles import measure_roles

_START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic_holdings(subjects: int, edges: int, seed: int) -> Holdings:
    """Circles sized so that their platform groups give about `edges` pairs in all."""
    rng = random.Random(seed)
    found = Holdings()
    ids = [f"subject-{i:08d}" for i in range(subjects)]
    found.subjects.update(ids)
    pairs = 0
    circle = 0
    order = ids[:]
    rng.shuffle(order)
    position = 0
    while pairs < edges:
        size = rng.randint(8, 24)
        if position + size > len(order):  # every subject placed once: second circles now
            rng.shuffle(order)
            position = 0
        members = order[position : position + size]
        position += size
        circle += 1
        pairs += size * (size - 1) // 2
        group_key = f"platform_group:svc:{circle}"
        for index, subject in enumerate(members):
            report = f"{circle:07d}{index:03d}"
            at = _START + timedelta(days=rng.randint(0, 700))
            found.holdings.append(
                Holding(ArtefactKind.PLATFORM_GROUP, group_key, subject, report, at)
            )
            for file_index in rng.sample(range(6), 2):
                key = f"file:c{circle}-{file_index}"
                found.holdings.append(Holding(ArtefactKind.FILE, key, subject, report, at))
                found.files.setdefault(key, FileFacts(key, frozenset(), False))
    for file_index in range(subjects // 20):  # circulating material: joins no one
        key = f"file:circulating-{file_index}"
        found.files[key] = FileFacts(key, frozenset({"known"}), False)
        for subject in rng.sample(ids, 40):
            found.holdings.append(Holding(ArtefactKind.FILE, key, subject, "0", _START))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=300_000)
    parser.add_argument("--edges", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    console = Console()
    started = time.perf_counter()
    holdings = synthetic_holdings(args.subjects, args.edges, args.seed)
    built = time.perf_counter()
    method = Method(max_file_holders=30)
    cpu = time.process_time()
    network = build_network(holdings, method)
    scored = time.perf_counter()
    groups = find_communities(network.edges, method)
    attach(groups, holdings, method)
    found = time.perf_counter()
    ids = assign_ids(groups, {})
    named = dict(zip(ids, groups, strict=True))
    measure_roles(named, network.edges, holdings, method)
    measured = time.perf_counter()
    ours_cpu = time.process_time() - cpu
    nodes = sorted({e.a for e in network.edges} | {e.b for e in network.edges})
    index = {s: i for i, s in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(index[e.a], index[e.b]) for e in network.edges])
    base_started = time.perf_counter()
    parts = graph.connected_components()
    baseline = time.perf_counter() - base_started
    leiden = found - scored
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"{args.subjects:,} subjects, {len(holdings.holdings):,} holdings → "
        f"{len(network.edges):,} kept edges ({network.pairs_considered:,} pairs scored, "
        f"{len(network.too_common):,} artefacts too common) → {len(groups):,} groups "
        f"({len(parts):,} connected components)"
    )
    console.print(
        f"holdings built in {built - started:.1f}s (not counted); grouping "
        f"{measured - built:.1f}s wall, {ours_cpu:.1f}s CPU: edges {scored - built:.1f}s, "
        f"Leiden and attachment {leiden:.1f}s, roles {measured - found:.1f}s"
    )
    console.print(
        f"baseline: igraph connected components on the same edges {baseline:.2f}s; Leiden "
        f"{leiden / baseline:.1f}× that; the whole grouping {(measured - built) / baseline:.0f}×"
    )
    console.print(f"peak memory (max RSS) {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
