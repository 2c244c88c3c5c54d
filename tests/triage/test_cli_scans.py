"""`suraksha scans list|report|certificate` as an examiner runs them, on both databases."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from suraksha.config import Settings
from suraksha.storage.session import reading
from suraksha.triage.audit import preview_events
from suraksha.workspace import open_engine
from tests.commands import ok, suraksha
from tests.intake.conftest import REPORT_XML, XML_REPORT_NUMBER
from tests.triage.conftest import write_scene
from tests.triage.test_correlation import flipped, pdq_file_xml, stored


def events(settings: Settings, scan_id: int) -> list[tuple[str, str, int]]:
    engine: Engine = open_engine(settings)
    try:
        with reading(engine) as session:
            return [
                (e.requested_by, e.reason, e.previews) for e in preview_events(session, scan_id)
            ]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_report_preview_certificate_and_mistakes_from_the_command_line(
    settings: Settings, tmp_path: Path
) -> None:
    device = tmp_path / "device"
    write_scene(device / "DCIM" / "IMG_0001.JPG", 501)
    write_scene(device / "DCIM" / "IMG_0002.PNG", 502, "PNG")
    ok(suraksha(settings, "init"))
    scanned = ok(
        suraksha(settings, "scan", str(device), "--case", "FIR-5/2026", "--device", "EX-5")
    )
    scan_id = int(re.search(r"Scan (\d+):", scanned).group(1))  # type: ignore[union-attr]
    assert re.search(
        rf"│\s+{scan_id} │ FIR-5/2026 │ EX-5 ", ok(suraksha(settings, "scans", "list"))
    )
    out = tmp_path / "reports"

    plain = ok(suraksha(settings, "scans", "report", str(scan_id), "--out", str(out), "--no-pdf"))
    html = (out / f"scan-{scan_id}-report.html").read_text(encoding="utf-8")
    assert "report.html" in plain and "<img" not in html and "new-media" in html

    refused = suraksha(settings, "scans", "report", str(scan_id), "--out", str(out), "--preview")
    assert refused.returncode == 1 and "--reason" in refused.stderr
    stray = suraksha(settings, "scans", "report", str(scan_id), "--out", str(out), "--reason", "x")
    assert stray.returncode == 1 and "--preview" in stray.stderr
    missing = suraksha(settings, "scans", "certificate", str(scan_id + 1), "--out", str(out))
    assert missing.returncode == 1 and "scans list" in missing.stderr
    assert events(settings, scan_id) == []

    reason = "identify the location for victim identification"
    previewed = suraksha(
        settings, "scans", "report", str(scan_id), "--out", str(out), "--no-pdf",
        "--preview", "--reason", reason, "--user", "insp.rao",
    )  # fmt: skip
    ok(previewed)
    assert "audit event" in previewed.stderr
    preview_html = (out / f"scan-{scan_id}-report-preview.html").read_text(encoding="utf-8")
    thumbnails = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', preview_html)
    assert len(thumbnails) == preview_html.count("<img") == 2
    for data in thumbnails:
        with Image.open(io.BytesIO(base64.b64decode(data))) as thumbnail:
            assert thumbnail.mode == "L" and max(thumbnail.size) <= 64
    assert events(settings, scan_id) == [("insp.rao", reason, 2)]

    certified = ok(suraksha(settings, "scans", "certificate", str(scan_id), "--out", str(out)))
    assert "Enclosed hash list" in certified
    certificate = (out / f"scan-{scan_id}-certificate-draft.html").read_text(encoding="utf-8")
    assert "DRAFT" in certificate and " IST" in certificate
    assert (out / f"scan-{scan_id}-certificate-draft.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_scans_reported_shows_pdq_links_with_their_distance(
    settings: Settings, tmp_path: Path
) -> None:
    device = tmp_path / "device"
    write_scene(device / "DCIM" / "near.jpg", 401)
    write_scene(device / "DCIM" / "far.jpg", 402)
    ok(suraksha(settings, "init"))
    scanned = ok(
        suraksha(settings, "scan", str(device), "--case", "FIR-6/2026", "--device", "EX-6")
    )
    scan_id = int(re.search(r"Scan (\d+):", scanned).group(1))  # type: ignore[union-attr]
    engine: Engine = open_engine(settings)
    try:
        pdq = {path: value for path, (value, _) in stored(engine, scan_id).items()}
    finally:
        engine.dispose()
    unit = tmp_path / "tips" / XML_REPORT_NUMBER
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(REPORT_XML, encoding="utf-8")
    for name, bits in (("near", 3), ("far", 25)):
        xml = pdq_file_xml(f"{name}01", flipped(pdq[f"DCIM/{name}.jpg"], bits))
        (unit / "files" / f"{name}.xml").write_text(xml, encoding="utf-8")
    ok(suraksha(settings, "ingest", str(tmp_path / "tips")))

    lines = ok(suraksha(settings, "scans", "reported", str(scan_id), "--format", "jsonl"))
    table = ok(suraksha(settings, "scans", "reported", str(scan_id)))

    links = {link["path"]: link["reported_in"] for link in map(json.loads, lines.splitlines())}
    assert {path: [(r["pdq_distance"], r["needs_confirmation"]) for r in reports]
            for path, reports in links.items()} == {
        "DCIM/far.jpg": [(25, True)],
        "DCIM/near.jpg": [(3, False)],
    }  # fmt: skip
    assert re.search(r"DCIM/far\.jpg .*pdq \(25 bits\), needs confirmation", table)
    assert re.search(r"DCIM/near\.jpg .*pdq \(3 bits\) ", table)
