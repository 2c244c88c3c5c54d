"""The contract every registered hash-list format passes (see `interface.py`); new formats get it free."""

from __future__ import annotations

import io
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suraksha.errors import FormatError
from suraksha.hashing.formats.interface import HashListFormat, HashListWarning, HashRecord
from suraksha.hashing.formats.values import ALGORITHMS, ENTRY_ID, MAX_ENTRY_ID
from suraksha.hashing.registry import FORMATS, SNIFF_BYTES, detect

FORMAT_IDS = [fmt.name for fmt in FORMATS]
by_format = pytest.mark.parametrize("fmt", FORMATS, ids=FORMAT_IDS)
LARGE_ITEMS = 20_000
MAX_PEAK_BYTES = 20 * 1024 * 1024
MAX_GROWTH_BYTES = 1024 * 1024
MAX_READ_BYTES = 1024 * 1024
_HEX = re.compile(r"[0-9a-f]+")
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def sample_of(fmt: HashListFormat, samples: dict[str, bytes]) -> bytes:
    # A format without a sample fails here: the contract is never skipped.
    assert fmt.name in samples, f"add a sample builder for {fmt.name} to conftest.py"
    return samples[fmt.name]


def check_item(item: object) -> None:
    """What every yielded item must be, whatever the input."""
    assert isinstance(item, HashRecord | HashListWarning), item
    if isinstance(item, HashListWarning):
        assert isinstance(item.line, int) and item.line >= 0
        assert isinstance(item.message, str) and item.message
        return
    if item.algorithm == ENTRY_ID:
        assert item.removed and 0 < len(item.value) <= MAX_ENTRY_ID
    else:
        assert item.algorithm in ALGORITHMS, item
        assert len(item.value) == ALGORITHMS[item.algorithm], item
        assert _HEX.fullmatch(item.value), item
    assert item.line >= 1
    assert item.quality is None or 0 <= item.quality <= 100
    for text in (item.category, item.label):
        assert text is None or (isinstance(text, str) and text)
    for key, value in item.extra.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key
        assert isinstance(value, str | int | bool | tuple), (key, value)
        if isinstance(value, tuple):
            assert all(isinstance(part, str) for part in value)


def read_all(fmt: HashListFormat, data: bytes) -> list[HashRecord | HashListWarning]:
    """Everything `fmt` yields from `data`, each item checked; `FormatError` is the one exception."""
    try:
        items = list(fmt.read(io.BytesIO(data)))
    except FormatError as err:
        assert str(err)
        return []
    for item in items:
        check_item(item)
    return items


def test_names_are_unique_identifiers_with_descriptions() -> None:
    assert len(set(FORMAT_IDS)) == len(FORMAT_IDS)
    for fmt in FORMATS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fmt.name)
        assert fmt.description and isinstance(fmt.snapshot, bool)


@by_format
def test_sample_is_recognised_by_this_format_only(
    fmt: HashListFormat, samples: dict[str, bytes]
) -> None:
    sample = sample_of(fmt, samples)
    assert [other.name for other in FORMATS if other.sniff(sample)] == [fmt.name]
    assert detect(sample[:SNIFF_BYTES]) is fmt


@by_format
def test_sample_reads_to_valid_records_without_warnings(
    fmt: HashListFormat, samples: dict[str, bytes]
) -> None:
    items = list(fmt.read(io.BytesIO(sample_of(fmt, samples))))
    assert len(items) >= 3
    assert all(isinstance(item, HashRecord) for item in items), items
    for item in items:
        check_item(item)
    lines = [item.line for item in items]
    assert lines == sorted(lines)


@by_format
def test_empty_input_yields_nothing_or_a_format_error(fmt: HashListFormat) -> None:
    assert fmt.sniff(b"") is False
    assert [item for item in read_all(fmt, b"") if isinstance(item, HashRecord)] == []


def peak_while_reading(fmt: HashListFormat, path: Path) -> tuple[int, int]:
    """(records read, peak bytes Python allocated meanwhile) for reading the list at `path`."""
    records = 0
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            for item in fmt.read(stream):
                records += isinstance(item, HashRecord)
        return records, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@by_format
def test_memory_stays_bounded_whatever_the_size_of_the_list(
    fmt: HashListFormat, write_list: Callable[[str, int], Path]
) -> None:
    # Two sizes rather than one huge list: a reader that keeps records, builds a tree or reads
    # the file whole peaks higher on the larger list, and tracing every allocation of a
    # 200,000-item read would take the whole time budget of the suite.
    small_records, small_peak = peak_while_reading(fmt, write_list(fmt.name, LARGE_ITEMS // 10))
    records, peak = peak_while_reading(fmt, write_list(fmt.name, LARGE_ITEMS))
    assert (small_records, records) >= (LARGE_ITEMS // 10, LARGE_ITEMS)
    assert peak < MAX_PEAK_BYTES, f"{fmt.name} peaked at {peak / 2**20:.1f} MiB"
    assert peak - small_peak < MAX_GROWTH_BYTES, (
        f"{fmt.name}: peak grew from {small_peak / 2**20:.2f} to {peak / 2**20:.2f} MiB "
        f"between {LARGE_ITEMS // 10:,} and {LARGE_ITEMS:,} items"
    )


class ReadSpy(io.BytesIO):
    """A stream that remembers the largest read asked of it; unbounded reads count as infinite."""

    largest = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self._note(size)
        return super().read(size)

    def read1(self, size: int | None = -1, /) -> bytes:
        self._note(size)
        return super().read1(size)

    def readline(self, size: int | None = -1, /) -> bytes:
        self._note(size)
        return super().readline(size)

    def readlines(self, hint: int | None = -1, /) -> list[bytes]:
        self._note(None)
        return super().readlines(hint)

    def __next__(self) -> bytes:
        self._note(None)
        return super().__next__()

    def getvalue(self) -> bytes:
        self._note(None)
        return super().getvalue()

    def _note(self, size: int | None) -> None:
        wanted = size if size is not None and size >= 0 else 2**63
        self.largest = max(self.largest, wanted)


@by_format
def test_reads_ask_for_bounded_amounts(
    fmt: HashListFormat, write_list: Callable[[str, int], Path]
) -> None:
    stream = ReadSpy(write_list(fmt.name, LARGE_ITEMS // 10).read_bytes())
    assert any(isinstance(item, HashRecord) for item in fmt.read(stream))
    assert 0 < stream.largest <= MAX_READ_BYTES


@by_format
@FUZZ
@given(data=st.binary(max_size=3000))
def test_any_bytes_give_valid_items_or_a_format_error(fmt: HashListFormat, data: bytes) -> None:
    assert fmt.sniff(data) in (True, False)
    read_all(fmt, data)


@by_format
@FUZZ
@given(data=st.data())
def test_damaged_samples_give_valid_items_or_a_format_error(
    fmt: HashListFormat, samples: dict[str, bytes], data: st.DataObject
) -> None:
    sample = bytearray(sample_of(fmt, samples))
    for _ in range(data.draw(st.integers(0, 6), label="changes")):
        at = data.draw(st.integers(0, len(sample) - 1))
        sample[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(sample)), label="cut")
    damaged = bytes(sample[:cut]) + data.draw(st.binary(max_size=200), label="tail")
    assert fmt.sniff(damaged) in (True, False)
    read_all(fmt, damaged)
