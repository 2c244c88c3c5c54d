"""Oversized report parts are refused from their size alone: quickly, and without reading them."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from suraksha.errors import HostileInputError
from suraksha.intake.formats.interface import MAX_PART_BYTES, read_part
from suraksha.intake.registry import format_named

GIB = 1 << 30


def sparse(path: Path, size: int = GIB) -> Path:
    """A file of `size` bytes that takes no disk space: nothing but a hole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def refused_within_bounds(call: Callable[[], object]) -> str:
    """Run `call`, expecting `HostileInputError` in under 2 s with under 10 MB of memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(HostileInputError) as raised:
            call()
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2, f"took {elapsed:.1f} s"
    assert peak < 10_000_000, f"peak memory {peak:,} bytes"
    return str(raised.value)


def names_size_and_limit(message: str) -> bool:
    digits = re.sub(r"(?<=\d)[,_ ](?=\d)", "", message)  # 1,073,741,824 and 1073741824 alike
    return str(GIB) in digits and str(MAX_PART_BYTES) in digits


def test_read_part_refuses_a_sparse_gigabyte(tmp_path: Path) -> None:
    path = sparse(tmp_path / "999000001.json")

    message = refused_within_bounds(lambda: read_part(path, path.name))

    assert names_size_and_limit(message), message


def test_json_format_refuses_a_sparse_gigabyte_report(tmp_path: Path) -> None:
    path = sparse(tmp_path / "999000001.json")
    json_format = format_named("cybertip_json")
    assert json_format.claims(path)

    message = refused_within_bounds(lambda: json_format.load(path))

    assert names_size_and_limit(message), message


def test_xml_format_refuses_a_sparse_gigabyte_report_xml(tmp_path: Path) -> None:
    unit = tmp_path / "999000001"
    sparse(unit / "report.xml")
    xml_format = format_named("ncmec_xml")
    assert xml_format.claims(unit)

    message = refused_within_bounds(lambda: xml_format.load(unit))

    assert names_size_and_limit(message), message


def test_xml_format_refuses_a_sparse_gigabyte_file_document(
    tmp_path: Path, minimal_report_xml: str
) -> None:
    unit = tmp_path / "999000001"
    (unit / "files").mkdir(parents=True)
    (unit / "report.xml").write_text(minimal_report_xml, encoding="utf-8")
    sparse(unit / "files" / "f1.xml")

    message = refused_within_bounds(lambda: format_named("ncmec_xml").load(unit))

    assert names_size_and_limit(message), message
