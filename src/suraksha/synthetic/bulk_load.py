"""Ingesting planned synthetic reports straight from memory: `ingest`'s own path, without files.

Benchmarks at a million reports cannot afford to write a corpus to disk, walk it and read it back
(writing alone takes longer than resolving). `planned_units` turns reports of a `CorpusPlan` into
the input units `intake.pipeline.plan` would find had `synthetic.tips.write_corpus` written them
under `root`: same paths, same format. Each unit's format is the real intake format (a subclass
that only changes `documents`), serialising its one report in memory exactly as the writer does,
so `ingest` parses, flattens, cleans, stores, matches and counts it as it would the file:

    ReportPlan ─► InputUnit(root/<id>, planned format) ─► intake.pipeline.ingest
                                 │ documents(): bytes from esp_xml / cybertip_json, no disk
                                 └ parse, name, record_kind: the real format's

`load_reports` is `ingest` over those units, with its workers. A test compares every stored row
with `write_corpus` + `ingest` on SQLite and PostgreSQL (only the ingest runs' paths and times
differ, as between any two runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sqlalchemy import Engine

from suraksha.intake.discovery import InputUnit
from suraksha.intake.formats.cybertip_json import CybertipJsonFormat
from suraksha.intake.formats.interface import TipDocument
from suraksha.intake.formats.ncmec_xml import NcmecXmlFormat
from suraksha.intake.pipeline import IngestResult, ingest
from suraksha.synthetic import cybertip_json, esp_xml
from suraksha.synthetic.plan import ReportFormat, ReportPlan


class PlannedEspXml(NcmecXmlFormat):
    """The ESP XML format reading one planned report's folder from memory instead of disk."""

    def __init__(self, report: ReportPlan) -> None:
        self.report = report

    def documents(self, path: Path) -> Iterator[TipDocument]:
        """report.xml and files/<fileId>.xml, in the order `NcmecXmlFormat.load` reads them."""
        report = self.report
        # Written as files/<fileId>.xml and read back in name order; a repeated file id would
        # overwrite the earlier file, so the last one wins here too.
        files = {
            f"files/{view.file_id}.xml": esp_xml.file_document(
                report.report_id, view, report.platform
            )
            for view in report.files
        }
        parts = [("report.xml", esp_xml.report_document(report)), *sorted(files.items())]
        yield TipDocument(origin=path, parts=tuple(parts))


class PlannedJson(CybertipJsonFormat):
    """The law-enforcement JSON format reading one planned report from memory instead of disk."""

    def __init__(self, report: ReportPlan) -> None:
        self.report = report

    def documents(self, path: Path) -> Iterator[TipDocument]:
        """The file's bytes as `cybertip_json.write_report` writes them."""
        document = cybertip_json.report_document(self.report)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        yield TipDocument(origin=path, parts=((path.name, text.encode("utf-8")),))


def planned_units(reports: Iterable[ReportPlan], root: Path) -> Iterator[InputUnit]:
    """The units `plan([root])` would yield for these reports written under `root`, in order."""
    for report in reports:
        if report.format is ReportFormat.ESP_XML:
            yield InputUnit(root / str(report.report_id), PlannedEspXml(report))
        else:
            yield InputUnit(root / f"{report.report_id}.json", PlannedJson(report))


def load_reports(
    engine: Engine,
    reports: Iterable[ReportPlan],
    *,
    root: Path,
    workers: int = 0,
    on_unit: Callable[[InputUnit], None] | None = None,
) -> IngestResult:
    """`ingest` the reports as if written under `root`; `workers` as for `ingest`."""
    return ingest(engine, planned_units(reports, root), workers=workers, on_unit=on_unit)
