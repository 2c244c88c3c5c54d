"""`suraksha synth`: generate synthetic data (never real material) for demos, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import typer

from suraksha.cli.console import console, progress
from suraksha.errors import UserInputError
from suraksha.synthetic.images import write_images
from suraksha.synthetic.tips import count_reports, write_corpus

synth_app = typer.Typer(
    help="Generate synthetic data for demos, tests and benchmarks.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the `synth` command group to the application."""
    app.add_typer(synth_app, name="synth")


@synth_app.command("tips")
def tips(
    out: Path = typer.Argument(..., help="Folder to write the corpus into (created if missing)."),
    persons: int = typer.Option(
        200, "--persons", min=1, max=1_000_000, help="Synthetic persons to report."
    ),
    seed: int = typer.Option(
        1, "--seed", help="Random seed: the same seed writes the same corpus."
    ),
) -> None:
    """Write a synthetic tip corpus: ESP XML report folders, law-enforcement JSON reports,
    truth.json (report → person → group, state, district) and known-hashes.md5.

    Example: `suraksha synth tips ./corpus --persons 300 --seed 7`
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserInputError(
            f"{out} is not an empty folder. Give a new or empty folder, so that no stale tip "
            "from an earlier corpus is mixed in."
        )
    with progress() as bar:
        task = bar.add_task("Writing tips", total=count_reports(persons, seed))
        summary = write_corpus(out, persons=persons, seed=seed, on_report=lambda: bar.advance(task))
    console.print(
        f"Wrote {summary.reports} reports ({summary.xml_reports} ESP XML, {summary.json_reports} JSON) "
        f"for {summary.persons} persons in {summary.groups} groups, {summary.files} files, "
        f"{summary.known_hashes} known hashes → {summary.out}"
    )


@synth_app.command("images")
def images(
    out: Path = typer.Argument(..., help="Folder to write the images into (new or empty)."),
    count: int = typer.Option(50, "--count", min=1, max=100_000, help="Original scenes to draw."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed draws the same images."),
) -> None:
    """Draw benign generated scenes (gradients, stripes, shapes, text — never people) and, for
    each, transformed copies (resize, JPEG quality, crop, border, rotation, flip, watermark), with
    manifest.json naming each copy's original and transform. For testing hash matching only.

    Example: `suraksha synth images ./benign-images --count 100 --seed 3`
    """
    summary = write_images(out, count=count, seed=seed)
    console.print(
        f"Wrote {summary.originals:,} originals and {summary.copies:,} transformed copies "
        f"({len(summary.transforms)} transforms) → {summary.out}; manifest {summary.manifest.name}"
    )
