"""The contract every registered tip format passes (see `interface.py`); new formats get it free."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suraksha.errors import FormatError
from suraksha.intake.formats.interface import TipDocument, TipFormat
from suraksha.intake.records import IngestWarning, ParsedTip, TipRecord
from suraksha.intake.registry import FORMATS, detect

FORMAT_IDS = [tip_format.name for tip_format in FORMATS]


@pytest.fixture(params=FORMATS, ids=FORMAT_IDS)
def tip_format(request: pytest.FixtureRequest) -> TipFormat:
    chosen: TipFormat = request.param
    return chosen


@pytest.fixture
def sample(
    tip_format: TipFormat, tmp_path: Path, sample_units: dict[str, Callable[[Path], Path]]
) -> Path:
    # A format without a sample fails here: the contract is never skipped.
    assert tip_format.name in sample_units, f"add a sample unit for {tip_format.name} to conftest"
    return sample_units[tip_format.name](tmp_path)


def _values(value: object) -> Iterator[object]:
    """Every value reachable from a record, depth first."""
    yield value
    if is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from _values(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)


def test_sample_is_claimed_by_this_format_only(tip_format: TipFormat, sample: Path) -> None:
    assert tip_format.claims(sample)
    assert [other.name for other in FORMATS if other.claims(sample)] == [tip_format.name]
    assert detect(sample) is tip_format


def test_claims_never_raises(tip_format: TipFormat, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "noise.bin").write_bytes(os.urandom(64))
    (tmp_path / "123.json").mkdir()
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.json")
    candidates = [
        tmp_path / "missing",
        tmp_path / "empty",
        tmp_path / "noise.bin",
        tmp_path / "123.json",
        tmp_path / "dangling.json",
        Path("/proc/self/fd/999999"),
        Path("\x7f" * 300),
        Path("nul\x00.json"),
        tmp_path / ("9" * 300 + ".json"),
    ]

    for candidate in candidates:
        assert tip_format.claims(candidate) is False, candidate


def test_load_and_parse_the_sample(tip_format: TipFormat, sample: Path) -> None:
    document = tip_format.load(sample)
    parsed = tip_format.parse(document)

    assert isinstance(parsed, ParsedTip)
    assert document.origin == sample
    assert document.parts and all(name and data for name, data in document.parts)
    tip = parsed.tip
    assert isinstance(tip, TipRecord)
    assert tip.format_name == tip_format.name
    assert tip.source == "ncmec"
    assert tip.source_id.isascii() and tip.source_id.isdigit()
    assert tip.accounts
    assert all(isinstance(warning, IngestWarning) for warning in parsed.warnings)
    for value in _values(tip):
        if hasattr(value, "path"):
            assert isinstance(value.path, str) and value.path, value
        if isinstance(value, datetime):
            # Every instant is aware UTC: naive times were never guessed into a zone.
            assert value.tzinfo is UTC, value


def test_parse_is_deterministic(tip_format: TipFormat, sample: Path) -> None:
    first, second = tip_format.load(sample), tip_format.load(sample)

    assert first.digest == second.digest
    assert tip_format.parse(first) == tip_format.parse(second)


def test_load_of_a_missing_unit_is_a_format_error(tip_format: TipFormat, tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        tip_format.load(tmp_path / "missing")


def test_garbage_parts_are_format_errors(tip_format: TipFormat, sample: Path) -> None:
    document = tip_format.load(sample)
    garbage = TipDocument(
        origin=document.origin,
        parts=tuple((name, b"\x00\xff garbage \xfe") for name, _ in document.parts),
    )

    with pytest.raises(FormatError):
        tip_format.parse(garbage)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_parts_give_a_tip_or_a_format_error(
    tip_format: TipFormat, sample: Path, data: st.DataObject
) -> None:
    document = tip_format.load(sample)
    parts = []
    for name, original in document.parts:
        mutated = bytearray(original)
        for _ in range(data.draw(st.integers(0, 4))):
            if not mutated:
                break
            at = data.draw(st.integers(0, len(mutated) - 1))
            mutated[at] = data.draw(st.integers(0, 255))
        parts.append((name, bytes(mutated)))

    try:
        result = tip_format.parse(TipDocument(origin=document.origin, parts=tuple(parts)))
    except FormatError:
        return
    assert isinstance(result, ParsedTip)
