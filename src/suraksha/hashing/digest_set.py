"""An in-memory set of MD5 digests for lookups by the million: sorted numpy columns, no objects.

A Python set of 10 million hex strings costs over a gigabyte and a minute to fill; this holds each
digest as two 64-bit integers (16 bytes), sorted, and answers a batch of lookups with two binary
searches. Lists load by parsing the file's bytes in large chunks with vectorised hex decoding.

    md5sum / bare / BSD list ──load──► hi[], lo[] (sorted by hi, then lo) ──contains──► bool[]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_Bools = np.ndarray[Any, np.dtype[np.bool_]]
_Bytes = np.ndarray[Any, np.dtype[np.uint8]]
_Words = np.ndarray[Any, np.dtype[np.uint64]]

_MD5 = re.compile(r"[0-9a-fA-F]{32}")
_CHUNK = 32 * 1024 * 1024  # bytes parsed at once: bounds the temporaries to a few hundred MB
_HEX_DIGITS = 32
_NIBBLE = np.full(256, 255, dtype=np.uint8)
for _digit, _char in enumerate(b"0123456789abcdef"):
    _NIBBLE[_char] = _digit
    _NIBBLE[ord(chr(_char).upper())] = _digit


class DigestSet:
    """An immutable set of MD5 digests (16 bytes each), built by `from_hex` or `load`."""

    def __init__(self, hi: _Words, lo: _Words) -> None:
        """Wrap digests split into big-endian halves, sorted by (hi, lo) and distinct; use
        `from_hex` or `load` rather than this."""
        self._hi = hi
        self._lo = lo

    @classmethod
    def _from_unsorted(cls, hi: _Words, lo: _Words) -> DigestSet:
        # Sorts `hi` in place and permutes `lo` once: the peak is four arrays of n 8-byte
        # values (320 MB at 10 million), not the five or six of a lexsort.
        order = np.argsort(hi, kind="stable")
        lo = lo[order]
        del order
        hi.sort(kind="stable")
        tied = np.flatnonzero(hi[1:] == hi[:-1])
        for position in tied.tolist():  # equal first halves: ~1 pair in 10^6 lists of 10^7
            end = position + 2
            while end < len(hi) and hi[end] == hi[position]:
                end += 1
            lo[position:end].sort()
        if len(tied):
            keep = np.ones(len(hi), dtype=bool)
            keep[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
            hi, lo = hi[keep], lo[keep]
        return cls(hi, lo)

    @classmethod
    def from_hex(cls, values: Sequence[str]) -> DigestSet:
        """A set of the given 32-hex digests (either case); raises ValueError for any other value."""
        for value in values:
            if not (isinstance(value, str) and _MD5.fullmatch(value)):
                raise ValueError(f"an MD5 digest is 32 hex digits, not {value!r}")
        hi, lo, _ = _parse_rows(_hex_rows(values))
        return cls._from_unsorted(hi, lo)

    @classmethod
    def load(cls, path: Path) -> tuple[DigestSet, int]:
        """The MD5s of an md5sum-style list, and the number of non-blank lines that held none.

        A line holds a digest when it starts with 32 hex digits followed by the end of the line
        or a space (md5sum `<hex>  name`, `<hex> *name`, bare hex), or ends with `= <32 hex>`
        (BSD `MD5 (name) = <hex>`). Other lines (headers, SHA-1s, garbage) are counted, not
        raised: this is a lookup structure, and `hashes import` is where lists are validated.
        The file is read in chunks of 32 MiB, so memory is the set (16 bytes a digest) plus one
        chunk's temporaries.
        """
        his: list[_Words] = []
        los: list[_Words] = []
        skipped = 0
        with path.open("rb") as stream:
            rest = b""
            while True:
                block = stream.read(_CHUNK)
                data = rest + block
                if not block and data and not data.endswith(b"\n"):
                    data += b"\n"  # a last line without its newline
                cut = data.rfind(b"\n") + 1
                rest = data[cut:]
                if cut:
                    hi, lo, lines = _parse_lines(np.frombuffer(data, np.uint8, cut))
                    his.append(hi)
                    los.append(lo)
                    skipped += lines - len(hi)
                if not block:
                    break
        hi = np.concatenate(his) if his else np.zeros(0, np.uint64)
        del his
        lo = np.concatenate(los) if los else np.zeros(0, np.uint64)
        del los
        return cls._from_unsorted(hi, lo), skipped

    def __len__(self) -> int:
        """The number of distinct digests."""
        return len(self._hi)

    def __contains__(self, value: object) -> bool:
        """Whether one 32-hex digest (either case) is in the set; False for anything else."""
        if not isinstance(value, str) or len(value) != _HEX_DIGITS or not value.isascii():
            return False
        hi, lo, valid = _parse_rows(_hex_rows([value]))
        return bool(valid[0]) and bool(self._contains(hi, lo)[0])

    def contains(self, values: Sequence[str]) -> _Bools:
        """For each value, whether it is a digest in the set (False for values that are not
        32 hex digits). Vectorised: about a million lookups in well under a second."""
        if not values:
            return np.zeros(0, dtype=bool)
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        sized = lengths == _HEX_DIGITS
        found = np.zeros(len(values), dtype=bool)
        chosen = [value for value, ok in zip(values, sized.tolist(), strict=True) if ok]
        if not chosen:
            return found
        try:
            rows = _hex_rows(chosen)
        except UnicodeEncodeError:  # a non-ASCII value: test one by one
            return np.array([value in self for value in values], dtype=bool)
        hi, lo, valid = _parse_rows(rows)
        found[np.flatnonzero(sized)] = valid & self._contains(hi, lo)
        return found

    def memory_bytes(self) -> int:
        """The bytes the set's arrays hold (16 a digest)."""
        return int(self._hi.nbytes + self._lo.nbytes)

    def _contains(self, hi: _Words, lo: _Words) -> _Bools:
        if not len(self._hi):
            return np.zeros(len(hi), dtype=bool)
        # Searching in sorted order walks the table forwards: ~4× faster than in query order.
        order = np.argsort(hi)
        hi, lo = hi[order], lo[order]
        start = np.minimum(np.searchsorted(self._hi, hi), len(self._hi) - 1)
        same_hi = self._hi[start] == hi
        found = same_hi & (self._lo[start] == lo)
        # Digests sharing their first 64 bits (about one pair in 10^12 at 10 million) sit
        # together, ordered by `lo`: look through the run for those not found at its start.
        after = np.minimum(start + 1, len(self._hi) - 1)
        for position in np.flatnonzero(~found & same_hi & (self._hi[after] == hi)).tolist():
            end = int(np.searchsorted(self._hi, hi[position], side="right"))
            run = self._lo[start[position] : end]
            found[position] = bool((run == lo[position]).any())
        result: _Bools = np.empty_like(found)
        result[order] = found
        return result


def _hex_rows(values: Sequence[str]) -> _Bytes:
    """32-character ASCII values as an (n, 32) uint8 array (UnicodeEncodeError for non-ASCII)."""
    return np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8).reshape(-1, _HEX_DIGITS)


def _parse_rows(rows: _Bytes) -> tuple[_Words, _Words, _Bools]:
    """(n, 32) ASCII hex rows as big-endian halves, and whether each row was all hex."""
    nibbles = _NIBBLE[rows]
    valid = (nibbles != 255).all(axis=1)
    packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    halves = np.ascontiguousarray(packed).view(">u8").astype(np.uint64)
    return halves[:, 0].copy(), halves[:, 1].copy(), valid


def _parse_lines(data: _Bytes) -> tuple[_Words, _Words, int]:
    """The digests of the complete lines in `data` (ending with a newline), and the number of
    non-blank lines."""
    ends = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], ends[:-1] + 1))
    stops = ends - (data[np.maximum(ends - 1, 0)] == ord("\r"))  # CRLF lists
    lengths = stops - starts
    lines = int(np.count_nonzero(lengths))
    if len(ends) and (lengths == _HEX_DIGITS).all() and len(data) == len(ends) * 33:
        # Bare digests, one a line (the common shape of big lists): no gathering at all.
        hi, lo, valid = _parse_rows(data.reshape(-1, _HEX_DIGITS + 1)[:, :_HEX_DIGITS])
        return hi[valid], lo[valid], lines
    padded = np.concatenate((data, np.zeros(_HEX_DIGITS + 1, np.uint8)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, _HEX_DIGITS)
    # md5sum and bare: 32 hex at the start, then the end of the line or a space.
    hi, lo, valid = _parse_rows(windows[starts])
    after = padded[starts + _HEX_DIGITS]
    valid &= (lengths == _HEX_DIGITS) | ((lengths > _HEX_DIGITS) & (after == ord(" ")))
    # BSD: `... = <32 hex>` at the end of the line.
    bsd = ~valid & (lengths > _HEX_DIGITS + 2)
    if bsd.any():
        tail_starts = stops[bsd] - _HEX_DIGITS
        t_hi, t_lo, t_valid = _parse_rows(windows[tail_starts])
        t_valid &= (padded[tail_starts - 1] == ord(" ")) & (padded[tail_starts - 2] == ord("="))
        hi[bsd], lo[bsd] = t_hi, t_lo
        valid[bsd] = t_valid
    return hi[valid], lo[valid], lines
