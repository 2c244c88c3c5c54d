"""Banks: each import a version, removals recorded, re-import a no-op, matches exact and explained."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list, list_banks
from suraksha.hashing.matcher import HashTarget, lookup, match_targets, matches_for
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
            import_list(
                session, listing, bank="c", kind=BankKind.KNOWN, format_name="no-such-format"
            )
        with pytest.raises(UserInputError, match="is not a file"):
            import_list(session, tmp_path / "missing.md5", bank="c", kind=BankKind.KNOWN)


def ncmec_page(path: Path, images: list[tuple[str, str]], deleted: list[str]) -> Path:
    body = "".join(
        f"<image><id>{image_id}</id><classification>A2</classification>"
        f"<fingerprints><md5>{value}</md5><pdna>AAEC</pdna></fingerprints></image>"
        for image_id, value in images
    )
    body += "".join(f"<deletedImage><id>{image_id}</id></deletedImage>" for image_id in deleted)
    path.write_text(f"<queryResult><images>{body}</images></queryResult>")
    return path


def test_ncmec_pages_are_deltas_and_withdraw_by_id(db: Engine, tmp_path: Path) -> None:
    first = ncmec_page(tmp_path / "p1.xml", [("img-1", md5("one")), ("img-2", md5("two"))], [])
    second = ncmec_page(tmp_path / "p2.xml", [("img-3", md5("three"))], ["img-1"])
    with transaction(db) as session:
        one = import_list(session, first, bank="ncmec", kind=BankKind.KNOWN)
        two = import_list(session, second, bank="ncmec", kind=BankKind.KNOWN)
        active = session.execute(
            select(BankEntry.label, BankEntry.category, BankEntry.extra)
            .where(BankEntry.removed_version.is_(None))
            .order_by(BankEntry.label)
        ).all()
    assert (one.format_name, one.added, one.removed) == ("ncmec_xml", 2, 0)
    # A delta page neither removes what it does not list nor re-adds anything.
    assert (two.added, two.removed) == (1, 1)
    assert [(label, category) for label, category, _ in active] == [
        ("img-2", "A2"),
        ("img-3", "A2"),
    ]
    assert active[0][2]["photodna"] == "AAEC"


def test_a_hash_listed_again_after_removal_gets_a_new_window(db: Engine, tmp_path: Path) -> None:
    with transaction(db) as session:
        for number, names in enumerate((["a", "b"], ["b"], ["a", "b"]), 1):
            import_list(
                session,
                write_list(tmp_path / f"{number}.md5", names),
                bank="b",
                kind=BankKind.KNOWN,
            )
        windows = session.execute(
            select(BankEntry.added_version, BankEntry.removed_version)
            .where(BankEntry.value == md5("a"))
            .order_by(BankEntry.added_version)
        ).all()
    assert [tuple(w) for w in windows] == [(1, 2), (3, None)]


def test_pdq_lists_keep_quality_and_match_within_the_threshold(db: Engine, tmp_path: Path) -> None:
    banked = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    near = f"{int(banked, 16) ^ 0b1111:064x}"  # 4 bits away
    listing = tmp_path / "pdq.csv"
    listing.write_text(f"hash,quality,filename\n{banked},90,IMG_0001.jpg\n")
    with transaction(db) as session:
        imported = import_list(session, listing, bank="pdq-bank", kind=BankKind.KNOWN)
        [entry] = session.scalars(select(BankEntry)).all()
        found = lookup(session, near)
    assert (imported.format_name, entry.algorithm, entry.quality) == ("pdq", "pdq", 90)
    assert [(view.bank, view.algorithm, view.distance) for view in found] == [
        ("pdq-bank", "pdq", 4)
    ]


def test_tip_files_match_pdq_entries_and_far_ones_need_confirmation(
    db: Engine, tmp_path: Path
) -> None:
    good = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    flat = "0" * 63 + "1"
    listing = tmp_path / "pdq.csv"
    listing.write_text(f"{good},90,scene.jpg\n{flat},30,flat.png\n")
    far = f"{int(good, 16) ^ ((1 << 25) - 1):064x}"  # 25 bits away
    with transaction(db) as session:
        import_list(session, listing, bank="pdq-bank", kind=BankKind.KNOWN, format_name="pdq")
        found = match_targets(
            session,
            [
                HashTarget("tip_file", "near", {"pdq": far}),
                HashTarget("tip_file", "flat-twin", {"pdq": flat}),
            ],
        )
    assert [(m.target_id, m.distance, m.needs_confirmation) for m in found] == [("near", 25, True)]
