"""Banks: each import a version, removals recorded, re-import a no-op, matches exact and explained."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list, list_banks
from suraksha.hashing.matcher import HashTarget, match_targets, matches_for
from suraksha.hashing.models import BankEntry
from suraksha.storage.session import transaction


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def write_list(path: Path, names: list[str]) -> Path:
    path.write_text("".join(f"{md5(name)}  {name}.jpg\n" for name in names))
    return path


def test_versions_record_additions_and_removals(db: Engine, tmp_path: Path) -> None:
    first = write_list(tmp_path / "v1.md5", ["a", "b", "c"])
    second = write_list(tmp_path / "v2.md5", ["b", "c", "d", "d"])
    with transaction(db) as session:
        one = import_list(session, first, bank="vic", kind=BankKind.KNOWN)
        two = import_list(session, second, bank="vic", kind=BankKind.KNOWN)
        again = import_list(session, second, bank="vic", kind=BankKind.KNOWN)
    assert (one.version, one.added, one.removed, one.unchanged) == (1, 3, 0, 0)
    assert (two.version, two.added, two.removed, two.unchanged) == (2, 1, 1, 2)
    assert again.already_imported and again.version == 2
    with transaction(db) as session:
        [summary] = list_banks(session)
        removed = session.scalars(
            select(BankEntry.label).where(BankEntry.removed_version.is_not(None))
        ).all()
    assert (summary.name, summary.kind, summary.version, summary.entries) == ("vic", "known", 2, 3)
    assert removed == ["a.jpg"]


def test_matching_is_exact_and_names_bank_and_version(db: Engine, tmp_path: Path) -> None:
    with transaction(db) as session:
        import_list(
            session, write_list(tmp_path / "k.md5", ["x", "y"]), bank="known", kind=BankKind.KNOWN
        )
        import_list(
            session, write_list(tmp_path / "v.md5", ["y"]), bank="viral", kind=BankKind.VIRAL
        )
        found = match_targets(
            session,
            [
                HashTarget("tip_file", "f1", {"md5": md5("y").upper()}),
                HashTarget("tip_file", "f2", {"md5": md5("z"), "sha1": None}),
            ],
        )
        assert sorted(
            (m.target_id, m.bank, m.bank_version, m.algorithm, m.distance) for m in found
        ) == [
            ("f1", "known", 1, "md5", 0),
            ("f1", "viral", 1, "md5", 0),
        ]
        # Matching again replaces, never duplicates.
        match_targets(session, [HashTarget("tip_file", "f1", {"md5": md5("y")})])
        stored = matches_for(session, "tip_file", ["f1", "f2"])
    assert list(stored) == ["f1"]
    assert [m.bank for m in stored["f1"]] == ["known", "viral"]


def test_a_removed_entry_no_longer_matches(db: Engine, tmp_path: Path) -> None:
    with transaction(db) as session:
        import_list(
            session, write_list(tmp_path / "1.md5", ["gone"]), bank="b", kind=BankKind.KNOWN
        )
        import_list(
            session, write_list(tmp_path / "2.md5", ["kept"]), bank="b", kind=BankKind.KNOWN
        )
        found = match_targets(session, [HashTarget("tip_file", "f", {"md5": md5("gone")})])
    assert found == []


def test_kind_conflict_and_unknown_format_are_user_errors(db: Engine, tmp_path: Path) -> None:
    listing = write_list(tmp_path / "l.md5", ["a"])
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("this is not a hash list\n")
    with transaction(db) as session:
        import_list(session, listing, bank="b", kind=BankKind.KNOWN)
        with pytest.raises(UserInputError, match="holds 'known' hashes"):
            import_list(session, listing, bank="b", kind=BankKind.IGNORABLE)
        with pytest.raises(UserInputError, match="Cannot tell the format"):
            import_list(session, garbage, bank="c", kind=BankKind.KNOWN)
        with pytest.raises(UserInputError, match="Unknown hash-list format"):
            import_list(session, listing, bank="c", kind=BankKind.KNOWN, format_name="vics")
        with pytest.raises(UserInputError, match="is not a file"):
            import_list(session, tmp_path / "missing.md5", bank="c", kind=BankKind.KNOWN)
