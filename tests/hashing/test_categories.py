"""Category schemes: codes, labels and the common severity order; schemes settled on import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from suraksha.errors import UserInputError
from suraksha.hashing.banks import BankKind, import_list, list_banks
from suraksha.hashing.categories import (
    SCHEMES,
    Severity,
    describe,
    scheme_named,
    scheme_of_list,
    severity,
)
from suraksha.hashing.exports import ExportFormat, export_bank
from suraksha.hashing.matcher import HashTarget, match_targets
from suraksha.storage.session import transaction


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def vics(path: Path, region: str | None, categories: list[object]) -> Path:
    """A VICS hash set (2.0 with `region`, or 1.x without) of one Media per category."""
    if region is None:
        head = {
            "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Media"
        }
    else:
        head = {
            "@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"
            f"{region}/$metadata#Media"
        }
    media = [
        {"MediaID": n, "Category": category, "MD5": md5(f"{region}{n}").upper()}
        for n, category in enumerate(categories, 1)
    ]
    path.write_text(json.dumps({**head, "value": media}))
    return path


@pytest.mark.parametrize(
    ("scheme", "code", "label", "level"),
    [
        ("vics-us", "0", "non-pertinent", Severity.NOT_RELEVANT),
        ("vics-us", "1", "child abuse material", Severity.ABUSE),
        ("vics-us", "4", "comparison", Severity.RELATED),
        ("vics-dhs", "CAT-5", "non-pertinent", Severity.NOT_RELEVANT),
        ("vics-dhs", "cat 0", "uncategorised", Severity.UNCATEGORISED),
        ("uk-caid", "1", "Category A", Severity.MOST_SERIOUS),
        ("uk-caid", "Category B", "Category B", Severity.SERIOUS),
        ("uk-caid", " c ", "Category C", Severity.ABUSE),
        ("uk-caid", "0", "not relevant", Severity.NOT_RELEVANT),
        ("industry", "a1", "prepubescent minor, sex act", Severity.MOST_SERIOUS),
        ("industry", "B2", "pubescent minor, lascivious exhibition", Severity.ABUSE),
    ],
)
def test_codes_have_labels_and_a_common_severity(
    scheme: str, code: str, label: str, level: Severity
) -> None:
    found = describe(scheme, code)
    assert found is not None
    assert (found.scheme, found.label, found.severity) == (scheme, label, level)
    assert severity(scheme, code) is level


def test_unknown_codes_and_schemes_are_uncategorised() -> None:
    assert describe("vics-us", "5") is None
    assert describe("industry", "C1") is None
    assert describe("no-such-scheme", "1") is None
    assert describe(None, "1") is None
    assert describe("uk-caid", None) is None
    assert severity("vics-us", "9") is Severity.UNCATEGORISED
    # The same code means different things in different schemes: that is why banks store one.
    assert severity("vics-us", "1") < severity("uk-caid", "1")


def test_every_scheme_is_well_formed() -> None:
    assert len({scheme.name for scheme in SCHEMES}) == len(SCHEMES)
    for scheme in SCHEMES:
        assert scheme_named(scheme.name) is scheme
        codes = [category.code for category in scheme.categories]
        assert len(set(codes)) == len(codes)
        for category in scheme.categories:
            assert scheme.find(category.code) is category
        for alias, code in scheme.aliases:
            assert scheme.find(alias) == scheme.find(code) is not None


@given(
    name=st.sampled_from(["vics-us", "us", "uk-caid", "caid", "uk", "vics-dhs", "dhs", "industry"]),
    upper=st.booleans(),
    pad=st.sampled_from(["", " ", "\t"]),
)
def test_scheme_names_are_normalised(name: str, upper: bool, pad: str) -> None:
    written = pad + (name.upper() if upper else name).replace("-", "_") + pad
    found = scheme_named(written)
    assert found is not None and found is scheme_named(name)


@given(st.text(max_size=20))
def test_scheme_named_never_raises(text: str) -> None:
    found = scheme_named(text)
    assert found is None or found in SCHEMES


@given(st.text(max_size=12), st.sampled_from([s.name for s in SCHEMES]))
def test_find_never_raises_and_is_case_blind(code: str, scheme: str) -> None:
    found = describe(scheme, code)
    assert found is None or found.scheme == scheme
    assert describe(scheme, code.upper()) == found or not code.isascii()


def test_lists_declare_their_scheme() -> None:
    assert scheme_of_list("vics", {"vics_version": "2.0", "region": "US"}) == "vics-us"
    assert scheme_of_list("vics", {"vics_version": "2.0", "region": "UK"}) == "uk-caid"
    assert scheme_of_list("vics", {"vics_version": "2.0", "region": "Default"}) is None
    assert scheme_of_list("vics", {"vics_version": "1.3"}) == "vics-dhs"
    assert scheme_of_list("ncmec_xml", {}) == "industry"
    assert scheme_of_list("md5sum", {}) is None


def test_import_takes_the_list_scheme_and_keeps_unknown_categories(
    db: Engine, tmp_path: Path
) -> None:
    listing = vics(tmp_path / "uk.json", "UK", [1, "2", 3, 0, 7])
    with transaction(db) as session:
        result = import_list(session, listing, bank="caid", kind=BankKind.KNOWN)
        [summary] = list_banks(session)
        found = match_targets(session, [HashTarget("tip_file", "f", {"md5": md5("UK1")})])
        unknown = match_targets(session, [HashTarget("tip_file", "g", {"md5": md5("UK5")})])
    assert (result.category_scheme, summary.category_scheme) == ("uk-caid", "uk-caid")
    # Category 7 is not CAID's: the hash is still imported (a snapshot must not drop it), and
    # the import says so.
    assert (result.added, result.unknown_categories, len(result.warnings)) == (5, 1, 0)
    [warning] = result.category_warnings
    assert warning.line == 5 and "'7' is not in the uk-caid scheme" in warning.message
    [view] = found
    assert (view.category, view.category_label, view.severity) == (
        "1",
        "Category A",
        Severity.MOST_SERIOUS,
    )
    [odd] = unknown
    assert (odd.category_label, odd.severity) == ("7", Severity.UNCATEGORISED)


def test_conflicting_schemes_are_refused(db: Engine, tmp_path: Path) -> None:
    us = vics(tmp_path / "us.json", "US", [1])
    uk = vics(tmp_path / "uk.json", "UK", [1])
    legacy = vics(tmp_path / "old.json", None, [5])
    with transaction(db) as session:
        assert import_list(session, us, bank="vic", kind=BankKind.KNOWN).category_scheme == (
            "vics-us"
        )
        with pytest.raises(UserInputError, match="'vics-us' category scheme, but the list"):
            import_list(session, uk, bank="vic", kind=BankKind.KNOWN)
        with pytest.raises(UserInputError, match="but --scheme says 'uk-caid'"):
            import_list(session, us, bank="vic", kind=BankKind.KNOWN, category_scheme="UK")
        with pytest.raises(UserInputError, match="Unknown category scheme 'pegi'"):
            import_list(session, us, bank="new", kind=BankKind.KNOWN, category_scheme="pegi")
        assert import_list(session, legacy, bank="dhs", kind=BankKind.KNOWN).category_scheme == (
            "vics-dhs"
        )


def test_a_scheme_given_for_a_plain_list_is_kept_and_exported_as_the_vics_region(
    db: Engine, tmp_path: Path
) -> None:
    listing = tmp_path / "plain.md5"
    listing.write_text(f"{md5('x')}  x.jpg\n")
    with transaction(db) as session:
        result = import_list(
            session, listing, bank="uk", kind=BankKind.KNOWN, category_scheme="caid"
        )
        out = tmp_path / "out.json"
        with out.open("w") as handle:
            export_bank(session, "uk", ExportFormat.VICS, handle)
    assert result.category_scheme == "uk-caid"
    assert "/2.0.xml/UK/$metadata#Media" in json.loads(out.read_text())["@odata.context"]
