"""Benchmark: how well `resolve` recovers persons from a synthetic corpus (pairwise precision/recall).

Measures, in the same run and on the same ingested corpus:
- `suraksha resolve --no-probabilistic` (deterministic linking on cleaned strong identifiers);
- `suraksha resolve` (the same, then the probabilistic layer on weak evidence);
- baseline `raw-equality`: link accounts whose strong identifiers are equal as written, without
  cleaning (what a spreadsheet VLOOKUP would do), and without scoping user ids by service;
- baseline `no-linking`: every account its own subject.

Beside the measured recall it prints three **linkability ceilings**: the recall of an oracle that
joins two reports of one person only through a chain of shared cleaned values (`evaluation.
linkability_ceiling`), with
- the strong identifiers (e-mail, phone, user id, device id);
- any identity evidence: also names (and their keys), handles (without the service), birth dates,
  pincodes, and home lines (a public address, IPv6 /64, that at most `max_line_accounts` accounts
  use), whatever the time;
- any value: also every other public or CGNAT address at any time (a pool address thousands
  share: no evidence of identity, shown only to bound the rest).
The gap between a ceiling and the measured recall is what a linker could still find from that
evidence; what lies above the ceiling no linker can reach from it.

The default 3,600 persons give about 10,000 reports (issue #6 asks for ≥ 10k reports, ≥ 3k persons).
Run: `scripts/bench` or `.venv/bin/python bench/identity/run.py --persons 3600 --seed 1`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from suraksha.config import Settings
from suraksha.identity.ips import classify, parse_address, prefix64
from suraksha.identity.linker import DEFAULT_MAX_LINE_ACCOUNTS, STRONG_KINDS, resolve
from suraksha.identity.names import fold, name_key
from suraksha.identity.subjects import memberships
from suraksha.intake.accounts import AccountView, account_views
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction
from suraksha.synthetic.evaluation import (
    PairwiseScore,
    linkability_ceiling,
    load_truth,
    pairwise_score,
)
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine


def raw_equality_clusters(views: list[AccountView]) -> list[list[str]]:
    """Reports grouped by union-find over identical raw strong-identifier text."""
    strong = {kind.value for kind in STRONG_KINDS}
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            item = parent[item]
        return item

    holders: dict[str, list[str]] = defaultdict(list)
    for view in views:
        find(view.report_id)
        for kind, raw, _value in view.identifiers:
            if kind in strong:
                holders[raw.strip()].append(view.report_id)
    for reports in holders.values():
        for other in reports[1:]:
            parent[find(other)] = find(reports[0])
    clusters: dict[str, list[str]] = defaultdict(list)
    for report in parent:
        clusters[find(report)].append(report)
    return list(clusters.values())


# Kinds that say nothing about who holds an account: a group many share, a URL of the incident.
NOT_EVIDENCE = frozenset({"group", "url"})
NAME_KINDS = frozenset({"name", "display_name"})
UNLINKABLE_CLASSES = frozenset({"private", "loopback", "link_local", "documentation", "reserved"})


def report_values(views: list[AccountView]) -> dict[str, dict[str, set[str]]]:
    """Per evidence level (see the module docstring), each report number's cleaned values."""
    strong_kinds = {kind.value for kind in STRONG_KINDS}
    levels: dict[str, dict[str, set[str]]] = {
        "strong identifiers": defaultdict(set),
        "any identity evidence": defaultdict(set),
        "any value": defaultdict(set),
    }
    strong, evidence, every = levels.values()
    lines: dict[str, set[str]] = defaultdict(set)  # public address → accounts using it
    captured: dict[str, set[tuple[str, bool]]] = defaultdict(set)  # report → (address, public)
    for view in views:
        report = view.report_id
        for kind, _raw, value in view.identifiers:
            if not value or kind in NOT_EVIDENCE:
                continue
            found = {f"{kind}:{value}"}
            if kind in strong_kinds:
                strong[report] |= found
            if kind in NAME_KINDS:
                found.add(f"name_key:{name_key(value)}")
            if kind == "screen_name":
                found.add(f"handle:{fold(value.split(':', 1)[-1])}")
            evidence[report] |= found
        evidence[report].update(f"pincode:{a.postal_code}" for a in view.addresses if a.postal_code)
        for event in view.ip_events:
            address = parse_address(event.address)
            if address is None or classify(address).value in UNLINKABLE_CLASSES:
                continue
            line = f"ip:{prefix64(address) if address.version == 6 else address}"
            public = classify(address).value == "public" and not event.possible_proxy
            captured[report].add((line, public))
            if public:
                lines[line].add(view.account_id)
    for report, seen in captured.items():
        for line, public in seen:
            every[report].add(line)
            if public and len(lines[line]) <= DEFAULT_MAX_LINE_ACCOUNTS:
                evidence[report].add(line)
    for report, values in strong.items():
        evidence[report] |= values
    for report, values in evidence.items():
        every[report] |= values
    return {level: dict(values) for level, values in levels.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=3600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="suraksha-bench-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        summary = write_corpus(root / "corpus", persons=args.persons, seed=args.seed)
        generated = time.perf_counter()
        engine = open_engine(Settings.from_env({"SURAKSHA_HOME": str(root / "home")}), migrate=True)
        ingest(engine, plan([root / "corpus"]))
        ingested = time.perf_counter()
        with transaction(engine) as session:
            resolve(session, probabilistic=False)
        deterministic_at = time.perf_counter()
        with transaction(engine) as session:
            deterministic = [b.report_ids for b in subject_briefs(session)]
        checked = time.perf_counter()
        with transaction(engine) as session:
            resolve(session, full=True)
        resolved = time.perf_counter()
        with transaction(engine) as session:
            briefs = subject_briefs(session)
            members = memberships(session)
            views = account_views(session, [a for ids in members.values() for a in ids])
        truth = load_truth(root / "corpus")
        ceilings = {
            level: linkability_ceiling(values, truth)
            for level, values in report_values(views).items()
        }
        scores: dict[str, PairwiseScore] = {
            "suraksha resolve --no-probabilistic": pairwise_score(deterministic, truth),
            "suraksha resolve": pairwise_score((b.report_ids for b in briefs), truth),
            "baseline raw-equality": pairwise_score(raw_equality_clusters(views), truth),
            "baseline no-linking": pairwise_score(([r] for r in truth), truth),
        }
        engine.dispose()

    table = Table(
        "method", "precision", "recall", "F1", "predicted pairs", "true pairs",
        title=f"Identity resolution on {summary.reports:,} synthetic reports about "
        f"{summary.persons:,} persons (seed {args.seed})",
    )  # fmt: skip
    for name, score in scores.items():
        table.add_row(name, f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.3f}",
                      f"{score.predicted_pairs:,}", f"{score.true_pairs:,}")  # fmt: skip
    console.print(table)
    ours, raw = scores["suraksha resolve"], scores["baseline raw-equality"]
    for evidence, ceiling in ceilings.items():
        console.print(
            f"linkability ceiling, {evidence}: recall {ceiling.recall:.3f} "
            f"({ceiling.correct_pairs:,} of {ceiling.true_pairs:,} same-person pairs connected); "
            f"measured recall {ours.recall:.3f}"
        )
    console.print(
        f"recall ratio resolve / raw-equality: {ours.recall / raw.recall if raw.recall else float('inf'):.2f}x; "
        f"F1 ratio: {ours.f1 / raw.f1 if raw.f1 else float('inf'):.2f}x"
    )
    console.print(
        f"times: generate {generated - started:.1f}s, ingest {ingested - generated:.1f}s, "
        f"resolve --no-probabilistic {deterministic_at - ingested:.1f}s, "
        f"resolve {resolved - checked:.1f}s (2 noisy cores: compare ratios, not seconds)"
    )


if __name__ == "__main__":
    main()
