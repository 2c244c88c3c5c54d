"""The synthetic CyberTipline corpus: `write_corpus` lays out tips, truth and a known-hash list.

    OUT/<reportId>/report.xml           ESP XML tip (valid against cyber_tipline.xsd)
    OUT/<reportId>/files/<fileId>.xml   one <fileDetails> per file of that tip
    OUT/<reportId>.json                 law-enforcement JSON tip
    OUT/truth.json                      who is who: persons, groups, and each report's person
    OUT/known-hashes.md5                md5sum list of files already in hash banks

The same `(persons, seed)` gives byte-identical output on every run: nothing reads the clock, and
nothing iterates an unordered collection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suraksha.synthetic import cybertip_json, esp_xml
from suraksha.synthetic.plan import CorpusPlan, ReportFormat, plan_corpus

__all__ = ["CorpusSummary", "count_reports", "plan_corpus", "write_corpus"]


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    """What `write_corpus` wrote; `files` counts file entries over all reports (one per tip file)."""

    out: Path
    persons: int
    groups: int
    reports: int
    xml_reports: int
    json_reports: int
    files: int
    known_hashes: int


def count_reports(persons: int, seed: int) -> int:
    """How many reports `write_corpus` will write for these arguments (plans, writes nothing)."""
    return len(plan_corpus(persons, seed).reports)


def truth_document(plan: CorpusPlan) -> dict[str, Any]:
    """The answer key: persons with their home district, each report's reported person, groups."""
    return {
        "seed": plan.seed,
        "persons": {
            p.person_id: {
                "name": p.name.full,
                "group": p.group,
                "state": p.place.state,
                "district": p.place.district,
                "pincode": p.place.pincode,
            }
            for p in plan.persons
        },
        "reports": {str(r.report_id): r.person_id for r in plan.reports},
        "groups": {g.group_id: {"members": list(g.members)} for g in plan.groups},
    }


def known_hashes_text(plan: CorpusPlan) -> str:
    """md5sum lines (`<md5>  <name>`) for the files already in hash banks."""
    return "".join(f"{item.md5}  {item.bank_name}\n" for item in plan.known_files)


def write_corpus(
    out: Path,
    *,
    persons: int = 200,
    seed: int = 1,
    on_report: Callable[[], None] | None = None,
) -> CorpusSummary:
    """Plan and write a corpus into `out` (created if missing); `on_report` is called per report.

    Files already in `out` with other names are left alone, so write into an empty folder when the
    folder is to hold exactly one corpus.
    """
    plan = plan_corpus(persons, seed)
    out.mkdir(parents=True, exist_ok=True)
    for report in plan.reports:
        if report.format is ReportFormat.ESP_XML:
            esp_xml.write_report(out, report)
        else:
            cybertip_json.write_report(out, report)
        if on_report is not None:
            on_report()
    truth = json.dumps(truth_document(plan), indent=2, ensure_ascii=False) + "\n"
    (out / "truth.json").write_bytes(truth.encode("utf-8"))
    (out / "known-hashes.md5").write_bytes(known_hashes_text(plan).encode("ascii"))
    xml_reports = sum(1 for r in plan.reports if r.format is ReportFormat.ESP_XML)
    return CorpusSummary(
        out=out,
        persons=len(plan.persons),
        groups=len(plan.groups),
        reports=len(plan.reports),
        xml_reports=xml_reports,
        json_reports=len(plan.reports) - xml_reports,
        files=sum(len(r.files) for r in plan.reports),
        known_hashes=len(plan.known_files),
    )
