"""The in-memory MD5 set: loading md5sum-style lists by chunks, and batch membership."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.hashing import digest_set
from suraksha.hashing.digest_set import DigestSet


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


digests = st.binary(min_size=16, max_size=16).map(bytes.hex)


def test_load_reads_every_md5sum_shape_and_counts_the_rest(tmp_path: Path) -> None:
    a, b, c, d, e = (md5(name) for name in "abcde")
    listing = tmp_path / "list.md5"
    listing.write_bytes(
        (
            f"{a}  a.jpg\n"
            f"{b.upper()} *b.jpg\r\n"  # binary-mode marker, upper case, CRLF
            f"{c}\n"  # bare
            f"MD5 (some file (1).jpg) = {d}\n"  # BSD
            "\n"  # blank: not counted
            "# a comment\n"
            f"{'0' * 40}  sha1.jpg\n"  # 40 hex: not an MD5
            f"{a}x  joined.jpg\n"  # hex run longer than 32
            f"{e}"  # the last line, without its newline
        ).encode()
    )
    found, skipped = DigestSet.load(listing)
    assert (len(found), skipped) == (5, 3)
    assert found.contains([a, b, c, d, e, md5("f")]).tolist() == [True] * 5 + [False]
    assert found.memory_bytes() == 5 * 16


def test_lines_across_chunk_boundaries_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digest_set, "_CHUNK", 50)  # every line straddles a chunk edge
    values = [md5(str(n)) for n in range(200)]
    listing = tmp_path / "bare.txt"
    listing.write_text("".join(f"{value}\n" for value in values))  # the bare fast path
    named = tmp_path / "named.md5"
    named.write_text("".join(f"{value}  file {n}.jpg\n" for n, value in enumerate(values)))
    for path in (listing, named):
        found, skipped = DigestSet.load(path)
        assert (len(found), skipped) == (200, 0)
        assert found.contains(values).all()


def test_empty_list_and_empty_queries(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md5"
    empty.write_bytes(b"")
    found, skipped = DigestSet.load(empty)
    assert (len(found), skipped) == (0, 0)
    assert found.contains([md5("a")]).tolist() == [False]
    assert found.contains([]).tolist() == []


def test_membership_refuses_what_is_not_an_md5_without_raising() -> None:
    found = DigestSet.from_hex([md5("a"), md5("a").upper(), md5("b")])
    assert len(found) == 2  # the same digest in two cases is one
    assert md5("a") in found and md5("a").upper() in found
    for other in ["", md5("a")[:31], md5("a") + "0", "g" * 32, "é" * 32, 5, None]:
        assert other not in found
    queries = [md5("b"), "x" * 32, "é" * 32, md5("c"), md5("a")[:-1]]
    assert found.contains(queries).tolist() == [True, False, False, False, False]
    with pytest.raises(ValueError, match="32 hex digits"):
        DigestSet.from_hex([md5("a"), "z" * 32])


def test_digests_sharing_their_first_half_are_told_apart() -> None:
    # Such pairs are astronomically rare in real lists; the binary search must still be exact.
    shared = "0123456789abcdef"
    values = [shared + f"{n:016x}" for n in (5, 1, 9, 3)]
    found = DigestSet.from_hex(values)
    probes = [shared + f"{n:016x}" for n in range(11)]
    assert found.contains(probes).tolist() == [n in (1, 3, 5, 9) for n in range(11)]


@settings(max_examples=60, deadline=None)
@given(members=st.lists(digests, max_size=60), others=st.lists(digests, max_size=30))
def test_contains_equals_a_python_set(members: list[str], others: list[str]) -> None:
    found = DigestSet.from_hex(members)
    reference = set(members)
    queries = members + others
    assert found.contains(queries).tolist() == [q in reference for q in queries]
    assert len(found) == len(reference)


@settings(max_examples=40, deadline=None)
@given(
    members=st.lists(digests, max_size=30),
    names=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12), max_size=30
    ),
)
def test_load_equals_parsing_line_by_line(
    tmp_path_factory: pytest.TempPathFactory, members: list[str], names: list[str]
) -> None:
    lines = [f"{value}  {name}" for value, name in zip(members, names + [""] * 30, strict=False)]
    path = tmp_path_factory.mktemp("lists") / "list.md5"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found, skipped = DigestSet.load(path)
    assert skipped == 0
    assert len(found) == len(set(members))
    assert np.all(found.contains(members))
