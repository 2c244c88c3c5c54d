"""`suraksha demo`: the whole path on synthetic data, from tips to ranked, routed subjects."""

from __future__ import annotations

import typer
from rich.progress import Progress, TaskID

from suraksha.cli.console import console, progress, settings
from suraksha.cli.intake import print_result
from suraksha.cli.subjects import print_ranked
from suraksha.intake.tips import counts
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import reading
from suraksha.synthetic.demo import DEMO_CASE, STEPS, load_demo
from suraksha.synthetic.evaluation import load_truth, pairwise_score
from suraksha.workspace import open_engine


class _Bars:
    """The demo's progress as Rich bars, one per step (`synthetic.demo.DemoProgress`)."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def begin(self, step: str, total: int) -> None:
        number = STEPS.index(step) + 1
        self._task = self._bar.add_task(f"{number}/{len(STEPS)} {step.capitalize()}", total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)


def register(app: typer.Typer) -> None:
    """Add the demo command to the application."""
    app.command("demo")(demo)


def demo(
    persons: int = typer.Option(300, "--persons", min=1, max=100_000, help="Synthetic persons."),
    seed: int = typer.Option(1, "--seed", help="Random seed for the corpus."),
    top: int = typer.Option(10, "--top", min=1, help="How many subjects to show."),
) -> None:
    """Run the whole pipeline on a synthetic corpus in the workspace: generate tips and a bank
    of known hashes, ingest, match, link accounts into subjects, score and route them; then scan
    a synthetic seized device (benign generated pictures, some of them in demo banks by MD5 or
    PDQ) and print a summary. Uses only synthetic data. Running it again is safe: ingest is
    idempotent, and the device is scanned afresh.

    Example: `suraksha demo --persons 300 --seed 1`
    """
    current = settings()
    home = current.ensure_home()
    console.rule("[bold]Suraksha demo[/] — synthetic data only")
    console.print(f"Workspace {home}; database {current.redacted_database_url()}")
    db = open_engine(current, migrate=True)
    with progress() as bar:
        loaded = load_demo(db, current, persons=persons, seed=seed, progress=_Bars(bar))
    summary, result, scanned, device = (
        loaded.summary,
        loaded.ingested,
        loaded.scanned,
        loaded.device,
    )
    corpus = loaded.corpus
    assessed = loaded.assessed

    console.print(
        f"Corpus: {summary.reports:,} reports ({summary.xml_reports:,} ESP XML, "
        f"{summary.json_reports:,} JSON) about {summary.persons:,} synthetic persons → {corpus}"
    )
    print_result(result)
    with reading(db) as session:
        totals = counts(session)
        briefs = subject_briefs(session)
    score = pairwise_score((b.report_ids for b in briefs), load_truth(corpus))
    console.print(
        f"Workspace holds {totals.tips:,} tips, {totals.files:,} files, {totals.accounts:,} reported "
        f"accounts → {len(briefs):,} subjects; {assessed.routed:,} routed to a district."
    )
    console.print(
        f"Against the corpus truth: pairwise precision {score.precision:.3f}, "
        f"recall {score.recall:.3f} (deterministic linking on strong identifiers only)."
    )
    grouped = loaded.grouped
    console.print(
        f"Offender network: {grouped.groups:,} groups of {grouped.members:,} members from "
        f"{grouped.edges:,} edges (`suraksha groups`)."
    )
    by_class = ", ".join(f"{name} {count:,}" for name, count in scanned.counts.items())
    console.print(
        f"Seized-device triage (scan {scanned.scan_id}, case {DEMO_CASE}): {scanned.total:,} files → "
        f"{by_class}. {device.exact_known} pictures were listed by MD5 and {device.perceptual_known} "
        "by PDQ, and one video by vPDQ (only altered copies of those are on the device: a "
        "re-encoded video and a clip of it); the rest are never-seen media. "
        f"Report: `suraksha scans report {scanned.scan_id} --out DIR`."
    )
    console.rule(f"Top {min(top, len(briefs))} subjects (full profile: suraksha subject ID)")
    print_ranked(briefs[:top])
    console.print(
        "Next: `suraksha subjects --format jsonl`, `suraksha subject <id>`, `suraksha groups`."
    )
