"""The matcher's PDQ path: per-bank indexes cached by version, dihedral variants, thresholds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.hashing import matcher
from suraksha.hashing.banks import BankKind, import_list
from suraksha.hashing.matcher import HashTarget, bank_pdq_index, lookup, match_targets
from suraksha.hashing.models import HashBank, HashMatch
from suraksha.hashing.pdq import dihedral_hashes
from suraksha.storage.session import transaction
from suraksha.synthetic.images import scene

RNG = random.Random(4)
BANKED = [f"{RNG.getrandbits(256):064x}" for _ in range(6)]


def flip(value: str, bits: int, seed: int = 0) -> str:
    """`value` with `bits` distinct bits flipped."""
    chosen = random.Random(seed).sample(range(256), bits)
    return f"{int(value, 16) ^ sum(1 << bit for bit in chosen):064x}"


def pdq_list(path: Path, rows: list[tuple[str, int]]) -> Path:
    path.write_text(
        "".join(f"{value},{quality},item-{n}.jpg\n" for n, (value, quality) in enumerate(rows))
    )
    return path


def seen(found: list[matcher.MatchView]) -> list[tuple[str, str, int, int, bool]]:
    return sorted(
        (m.target_id, m.bank, m.bank_version, m.distance, m.needs_confirmation) for m in found
    )


@pytest.mark.parametrize("strategy_from", [matcher.FLAT_BELOW, 0])
def test_pdq_matches_each_bank_within_its_own_threshold(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy_from: int
) -> None:
    # Same results whichever index strategy a bank's size selects (0: every bank uses `mih`).
    monkeypatch.setattr(matcher, "FLAT_BELOW", strategy_from)
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "a.csv", [(v, 90) for v in BANKED]), bank="wide",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        import_list(
            session, pdq_list(tmp_path / "b.csv", [(BANKED[0], 90)]), bank="strict",
            kind=BankKind.VIRAL, format_name="pdq",
        )  # fmt: skip
        strict = session.scalar(select(HashBank).where(HashBank.name == "strict"))
        assert strict is not None
        strict.pdq_threshold = 10
        found = match_targets(
            session,
            [
                HashTarget("device_file", "d1", {"pdq": flip(BANKED[0], 8)}),
                HashTarget("device_file", "d2", {"pdq": flip(BANKED[0], 25).upper()}),
                HashTarget("device_file", "d3", {"pdq": flip(BANKED[1], 32)}),
                HashTarget("device_file", "d4", {"pdq": "not hex" * 9 + "z"}),
            ],
        )
        assert strategy_from or bank_pdq_index(session, strict, min_quality=50).strategy == "mih"
        stored = session.scalars(select(HashMatch).order_by(HashMatch.target_id)).all()
    assert seen(found) == [
        ("d1", "strict", 1, 8, False),
        ("d1", "wide", 1, 8, False),
        ("d2", "wide", 1, 25, True),  # within 31 of the wide bank, beyond 10 of the strict one
    ]
    assert [(m.target_kind, m.target_id, m.algorithm, m.distance) for m in stored] == [
        ("device_file", "d1", "pdq", 8),
        ("device_file", "d1", "pdq", 8),
        ("device_file", "d2", "pdq", 25),
    ]


def test_a_new_bank_version_replaces_the_cached_index(db: Engine, tmp_path: Path) -> None:
    probe = [HashTarget("tip_file", "t", {"pdq": BANKED[2]})]
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "1.csv", [(BANKED[2], 90)]), bank="b",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        assert [m.bank_version for m in match_targets(session, probe)] == [1]
        import_list(
            session, pdq_list(tmp_path / "2.csv", [(BANKED[3], 90)]), bank="b",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        assert match_targets(session, probe) == []  # withdrawn in version 2
        moved = match_targets(session, [HashTarget("tip_file", "t", {"pdq": BANKED[3]})])
    assert [(m.bank_version, m.distance) for m in moved] == [(2, 0)]


def test_a_rolled_back_import_leaves_no_stale_index(db: Engine, tmp_path: Path) -> None:
    # The rolled-back version 2 and the later real version 2 share a number (and on SQLite a
    # row id): the cache must still tell them apart.
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "1.csv", [(BANKED[0], 90)]), bank="b",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
    with pytest.raises(RuntimeError), transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "2.csv", [(BANKED[4], 90)]), bank="b",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        assert len(match_targets(session, [HashTarget("tip_file", "x", {"pdq": BANKED[4]})]))
        raise RuntimeError("abandon the import")
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "3.csv", [(BANKED[5], 90)]), bank="b",
            kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        gone = match_targets(session, [HashTarget("tip_file", "x", {"pdq": BANKED[4]})])
        here = match_targets(session, [HashTarget("tip_file", "y", {"pdq": BANKED[5]})])
    assert gone == []
    assert [(m.bank_version, m.distance) for m in here] == [(2, 0)]


def test_dihedral_variants_match_and_record_the_closest_distance(
    db: Engine, tmp_path: Path
) -> None:
    original = scene("matcher:dihedral:0")
    upright = dihedral_hashes(original)
    rotated = dihedral_hashes(original.rotate(90, expand=True))
    assert upright[0].usable
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "p.csv", [(upright[0].hex, upright[0].quality)]),
            bank="b", kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        plain = match_targets(session, [HashTarget("device_file", "r", {"pdq": rotated[0].hex})])
        found = match_targets(
            session,
            [
                HashTarget(
                    "device_file", "r", {"pdq": rotated[0].hex},
                    pdq_variants=tuple(h.hex for h in rotated[1:]),
                )
            ],
        )  # fmt: skip
    assert plain == []  # a rotated copy is ~128 bits away from a single hash
    closest = min((int(h.hex, 16) ^ int(upright[0].hex, 16)).bit_count() for h in rotated)
    assert [(m.target_id, m.distance) for m in found] == [("r", closest)]
    assert closest <= 31


def test_low_quality_entries_never_match_but_a_lookup_shows_them(
    db: Engine, tmp_path: Path
) -> None:
    with transaction(db) as session:
        import_list(
            session, pdq_list(tmp_path / "q.csv", [(BANKED[0], 30), (BANKED[1], 50)]),
            bank="b", kind=BankKind.KNOWN, format_name="pdq",
        )  # fmt: skip
        found = match_targets(
            session,
            [
                HashTarget("tip_file", "low", {"pdq": BANKED[0]}),
                HashTarget("tip_file", "edge", {"pdq": flip(BANKED[1], 31)}),
            ],
        )
        looked = lookup(session, flip(BANKED[0], 3))
    assert [(m.target_id, m.distance) for m in found] == [("edge", 31)]
    assert [(v.bank, v.distance, v.algorithm) for v in looked] == [("b", 3, "pdq")]
