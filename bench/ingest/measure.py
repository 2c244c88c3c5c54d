"""One measured step of the ingest benchmark, run in its own process so its peak memory is its own.

`python bench/ingest/measure.py MODE CORPUS [DATABASE_URL]` prints one JSON object: mode, documents,
seconds, documents per second and peak resident memory (MiB). Modes:
- `raw-parse`: read every document and parse it with lxml / json only (the floor);
- `format-parse`: read and parse every document into tip records with Suraksha's formats;
- `ingest`: the full pipeline into the database URL given (records, identifiers, matching, commit).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from suraksha.config import Settings
from suraksha.intake.pipeline import ingest, plan
from suraksha.workspace import open_engine


def raw_parse(corpus: Path) -> int:
    documents = 0
    for unit in plan([corpus]):
        if unit.fmt is None:
            continue
        for document in unit.fmt.documents(unit.path):
            for name, data in document.parts:
                if name.endswith(".xml"):
                    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
                else:
                    json.loads(data)
            documents += 1
    return documents


def format_parse(corpus: Path) -> int:
    documents = 0
    for unit in plan([corpus]):
        if unit.fmt is None:
            continue
        for document in unit.fmt.documents(unit.path):
            unit.fmt.parse(document)
            documents += 1
    return documents


def full_ingest(corpus: Path, url: str, workers: int) -> int:
    with tempfile.TemporaryDirectory(prefix="suraksha-bench-home-") as home:
        engine = open_engine(Settings(home=Path(home), database_url=url), migrate=True)
        result = ingest(engine, plan([corpus]), workers=workers)
        engine.dispose()
    return result.seen


def peak_resident_mib() -> float:
    """This process's peak resident memory (VmHWM). Not getrusage's ru_maxrss: Linux carries that
    across exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: peak memory is measured on Linux only")


def main() -> None:
    mode, corpus = sys.argv[1], Path(sys.argv[2])
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if mode == "raw-parse":
        documents = raw_parse(corpus)
    elif mode == "format-parse":
        documents = format_parse(corpus)
    elif mode == "ingest":
        documents = full_ingest(corpus, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    seconds = time.perf_counter() - started
    peak_mib = peak_resident_mib()
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    writer_cpu = own.ru_utime + own.ru_stime - cpu_before
    workers_cpu = children.ru_utime + children.ru_stime
    print(
        json.dumps(
            {
                "mode": mode,
                "documents": documents,
                "seconds": round(seconds, 2),
                "per_second": round(documents / seconds, 1),
                "peak_mib": round(peak_mib, 1),
                "cpu_seconds": round(writer_cpu + workers_cpu, 2),
                "writer_cpu_seconds": round(writer_cpu, 2),
                "per_cpu_second": round(documents / (writer_cpu + workers_cpu), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
