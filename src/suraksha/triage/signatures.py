"""puremagic's signature search, indexed: the same answers as `puremagic.magic_string`, far faster.

puremagic compares every one of its ~1,400 header signatures with every file (about 2.5 ms a file,
more than digesting a 100 KB file three times over). Here its header signatures are indexed once
by (offset, first byte), so a file is compared only with the signatures whose first byte it has at
that offset; footers and multi-part signatures, few, are checked as puremagic checks them. The
result list is built in puremagic's own order and scored by its own `_confidence`, so ties sort
the same way; `tests/triage/test_filetypes.py` checks that both agree.

This reads puremagic's module-level tables (`puremagic.main`, pinned in requirements/lock.txt); a
puremagic upgrade is checked by that test.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import puremagic
from puremagic import main as _puremagic

_Row = Any  # puremagic.main.PureMagic (a NamedTuple without type hints)


@cache
def _index() -> tuple[dict[int, dict[int, list[tuple[int, _Row]]]], list[tuple[int, _Row]]]:
    """Header rows by offset and first byte, and the rows that cannot be indexed (kept in order)."""
    indexed: dict[int, dict[int, list[tuple[int, _Row]]]] = defaultdict(lambda: defaultdict(list))
    always: list[tuple[int, _Row]] = []
    for position, row in enumerate(_puremagic.magic_header_array):
        if row.offset >= 0 and row.byte_match:
            indexed[row.offset][row.byte_match[0]].append((position, row))
        else:
            always.append((position, row))
    return {offset: dict(by_byte) for offset, by_byte in indexed.items()}, always


def magic_string(data: bytes) -> list[puremagic.PureMagicWithConfidence]:
    """What `puremagic.magic_string(data)` returns (highest confidence first), for non-empty data.

    Raises `puremagic.PureError` when nothing matches, as puremagic does.
    """
    header, footer = data[: _puremagic.max_head], data[-_puremagic.max_foot :]
    indexed, always = _index()
    candidates = list(always)
    for offset, by_byte in indexed.items():
        if offset < len(header):
            candidates += by_byte.get(header[offset], ())
    candidates.sort(key=lambda pair: pair[0])
    matches = []
    for _, row in candidates:
        end = row.offset + len(row.byte_match)
        if end <= len(header) and header[row.offset : end] == row.byte_match:
            matches.append(row)
    for row in _puremagic.magic_footer_array:
        end = row.offset + len(row.byte_match)
        area = footer[row.offset : end] if end != 0 else footer[row.offset :]
        if area == row.byte_match:
            matches.append(row)
    matches.extend(_multi_part(matches, header, footer))
    info: list[puremagic.PureMagicWithConfidence] = _puremagic._confidence(matches, None)
    info.sort(key=lambda x: x.confidence, reverse=True)
    return info


def _multi_part(matches: list[_Row], header: bytes, footer: bytes) -> list[_Row]:
    """Signatures in two parts whose first part matched (puremagic's own rules, unchanged)."""
    found = set()
    for matched in matches:
        for row in _puremagic.multi_part_dict.get(matched.byte_match, ()):
            start, end = row.offset, row.offset + len(row.byte_match)
            if row.offset < 0:
                area = footer[start:end] if end != 0 else footer[start:]
                if area == row.byte_match:
                    found.add(row._replace(byte_match=matched.byte_match + row.byte_match))
            elif end <= len(header) and header[start:end] == row.byte_match:
                found.add(row._replace(byte_match=header[matched.offset : end]))
    return list(found)
