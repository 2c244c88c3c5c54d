"""Exports round-trip: a bank exported as VICS 2.0 or md5sum imports back to the same entries."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, diff_versions, import_list
from suraksha.hashing.exports import ExportFormat, export_bank
from suraksha.hashing.models import BankEntry, HashBank
from suraksha.storage.session import transaction


def digest(name: str, algorithm: str) -> str:
    return hashlib.new(algorithm, name.encode(), usedforsecurity=False).hexdigest()


def vics_set(path: Path, count: int) -> Path:
    media = [
        {
            "MediaID": 100 + n,
            "Category": n % 3,
            "MD5": digest(f"benign-{n}", "md5").upper(),
            "SHA1": digest(f"benign-{n}", "sha1").upper(),
            "Series": f"synthetic-series-{n % 2}",
            "PhotoDNA": "AAEC" * 4,
        }
        for n in range(count)
    ]
    context = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media"
    path.write_text(json.dumps({"@odata.context": context, "value": media}))
    return path


def entries(engine: Engine, bank: str) -> list[tuple[str, str, str | None, str | None]]:
    with transaction(engine) as session:
        rows = session.execute(
            select(BankEntry.algorithm, BankEntry.value, BankEntry.category, BankEntry.label)
            .join(HashBank, HashBank.id == BankEntry.bank_id)
            .where(HashBank.name == bank, BankEntry.removed_version.is_(None))
        ).all()
    return sorted((a, v, c, lbl) for a, v, c, lbl in rows)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_then_import_gives_the_same_entries(
    db: Engine, tmp_path: Path, fmt: ExportFormat
) -> None:
    with transaction(db) as session:
        import_list(session, vics_set(tmp_path / "set.json", 25), bank="vic", kind=BankKind.KNOWN)
        out = io.StringIO()
        result = export_bank(session, "vic", fmt, out)
    exported = tmp_path / f"export.{fmt}"
    exported.write_text(out.getvalue())
    with transaction(db) as session:
        again = import_list(session, exported, bank="copy", kind=BankKind.KNOWN)
    assert (result.written, result.left_out, again.added) == (50, 0, 50)
    original, copy = entries(db, "vic"), entries(db, "copy")
    if fmt is ExportFormat.VICS:
        assert copy == original  # hashes, categories and media ids
    else:
        assert [(a, v) for a, v, _, _ in copy] == [(a, v) for a, v, _, _ in original]


def test_vics_export_keeps_photodna_and_series(db: Engine, tmp_path: Path) -> None:
    with transaction(db) as session:
        import_list(session, vics_set(tmp_path / "set.json", 1), bank="vic", kind=BankKind.KNOWN)
        out = io.StringIO()
        export_bank(session, "vic", ExportFormat.VICS, out)
    document = json.loads(out.getvalue())
    assert "2.0.xml" in document["@odata.context"]
    assert {m["PhotoDNA"] for m in document["value"]} == {"AAEC" * 4}
    assert {m["Series"] for m in document["value"]} == {"synthetic-series-0"}


def test_diff_lists_additions_and_removals(db: Engine, tmp_path: Path) -> None:
    first, second = tmp_path / "1.md5", tmp_path / "2.md5"
    first.write_text(f"{digest('a', 'md5')}  a.jpg\n{digest('b', 'md5')}  b.jpg\n")
    second.write_text(f"{digest('b', 'md5')}  b.jpg\n{digest('c', 'md5')}  c.jpg\n")
    with transaction(db) as session:
        import_list(session, first, bank="b", kind=BankKind.KNOWN)
        import_list(session, second, bank="b", kind=BankKind.KNOWN)
        changes = diff_versions(session, "b")
        everything = diff_versions(session, "b", since=0)
        with pytest.raises(UserInputError, match="versions 1 to 2"):
            diff_versions(session, "b", since=3)
    assert [(c.change, c.version, c.label) for c in changes] == [
        ("added", 2, "c.jpg"),
        ("removed", 2, "a.jpg"),
    ]
    assert len(everything) == 4
