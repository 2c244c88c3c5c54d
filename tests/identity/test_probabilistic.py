"""The probabilistic layer: weak evidence links only when it is specific, and never on one value."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.config import Settings
from suraksha.identity.ips import AddressClass, read_address
from suraksha.identity.linker import resolve
from suraksha.identity.names import clean_name, name_key
from suraksha.identity.probabilistic import (
    WeakRecord,
    edit_distance,
    near_numbers,
    street_key,
    strong_conflict,
    weak_pairs,
    weak_record,
    weak_record_of,
)
from suraksha.intake.accounts import AccountView, AddressView, IpEventView
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.briefing import subject_briefs
from suraksha.storage.session import transaction
from suraksha.synthetic.evaluation import load_truth, pairwise_score
from suraksha.synthetic.tips import write_corpus
from suraksha.workspace import open_engine


def record(
    account: str,
    name: str | None = None,
    dob: str | None = None,
    *,
    handle: str | None = None,
    pincode: str | None = None,
    city: str | None = None,
    line: str | None = None,
    street: str | None = None,
    number: str | None = None,
) -> WeakRecord:
    cleaned = clean_name(name) if name else None
    stem = handle.rstrip("0123456789_.") if handle else None
    return WeakRecord(
        account_id=account,
        name_key=name_key(cleaned) if cleaned else None,
        dob=dob,
        dob_year=dob[:4] if dob else None,
        handle=handle,
        handle_stem=stem,
        pincode=pincode,
        city=city,
        line=line,
        street=street,
        number=number,
    )


def test_transliterated_names_with_the_same_birth_date_and_city_link() -> None:
    pairs = weak_pairs(
        [
            record("a1", "Mohd. Rafi Shaikh", "1994-08-21", pincode="695610", city="trivandrum"),
            record("a2", "Mohammed Rafi Sheikh", "1994-08-21", pincode="695610", city="trivandrum"),
        ]
    )
    assert [(p.account_a, p.account_b) for p in pairs] == [("a1", "a2")]
    assert pairs[0].agreeing == {
        "name_key": "muhammad rafi shaikh",
        "dob": "1994-08-21",
        "pincode": "695610",
        "city": "trivandrum",
    }
    assert pairs[0].match_weight >= 8.0


def test_namesakes_with_different_birth_dates_are_not_linked() -> None:
    pairs = weak_pairs(
        [
            record("a1", "Arun Kumar Nair", "1990-03-14", city="kochi"),
            record("a2", "Arun Kumar Nair", "1987-11-02", city="kochi"),
        ]
    )
    assert pairs == []


def test_a_popular_name_key_alone_never_links() -> None:
    # Twelve accounts called Rahul Sharma with the same (placeholder-free) birth year and city:
    # the name key is popular, so only the shared birth date would count, and one kind is not enough.
    records = [record(f"a{i:02d}", "Rahul Sharma", "1995-05-17", city="pune") for i in range(12)]
    assert weak_pairs(records) == []


def test_placeholder_birth_dates_are_ignored() -> None:
    # Signup forms default to the first of a month: no evidence, so name + 01-01 does not link.
    pairs = weak_pairs(
        [record("a1", "Febin Joseph", "1995-01-01"), record("a2", "Febin Joseph", "1995-01-01")]
    )
    assert pairs == []


def test_an_account_view_gives_its_weak_features() -> None:
    def address(pincode: str | None, city: str | None) -> AddressView:
        return AddressView("r1", "/report", None, city, None, pincode, "IN")

    def capture(ip: str) -> IpEventView:
        return IpEventView(ip, None, None, None, "login")

    view = AccountView(
        "acc1",
        "r1",
        "reported",
        "instagram",
        identifiers=[
            ("name", "Rafi", "rafi"),  # one word: no name to link on
            ("display_name", "Mohd Rafi", "mohd rafi"),
            ("date_of_birth", "01/08/1994", "1994-08-01"),  # a signup-form default
            ("date_of_birth", "21/08/1994", "1994-08-21"),
            ("screen_name", "rafi_1994", "instagram:Rafi_1994"),
            ("phone", "98470 12345", "+919847012345"),
            ("email", "Rafi@Gmail.com", None),
        ],
        addresses=[address(None, "Kochi"), address("695610", "Trivandrum")],
        ip_events=[
            capture("49.36.1.2"),
            capture("49.36.1.2"),
            capture("2409:4073:1:2::5"),
            capture("10.0.0.1"),  # private: never a line
        ],
    )
    expected = WeakRecord(
        account_id="acc1",
        name_key="muhammad rafi",
        dob="1994-08-21",
        dob_year="1994",
        handle="rafi_1994",
        handle_stem=None,  # "rafi" once its digits go: under 5 letters
        pincode="695610",
        city="kochi",
        line="49.36.1.2",
        strong=frozenset({("phone", "+919847012345")}),
        number="919847012345",
    )
    assert weak_record(view) == expected
    assert weak_record_of("acc1", names=["mohd rafi"], dates_of_birth=["1994-08-21"]) == WeakRecord(
        "acc1", "muhammad rafi", "1994-08-21", "1994", None, None, None, None, None
    )


def _weak_record_by_kind(view: AccountView) -> WeakRecord:
    """`weak_record` as first written: each kind's values filtered from the view on their own."""
    lines = []
    for event in view.ip_events:
        reading = read_address(event.address)
        if reading is not None and reading.address_class is AddressClass.PUBLIC:
            lines.append(reading.line)

    def of(*kinds: str) -> list[str]:
        return [value for kind, _raw, value in view.identifiers if kind in kinds and value]

    return weak_record_of(
        view.account_id,
        names=of("name", "display_name"),
        dates_of_birth=of("date_of_birth"),
        screen_names=of("screen_name"),
        pincodes=[a.postal_code for a in view.addresses],
        cities=[a.city for a in view.addresses if a.city],
        streets=[a.street for a in view.addresses],
        lines=lines,
        numbers=of("phone"),
        strong=[
            (k, v) for k, _raw, v in view.identifiers if k in ("email", "phone", "device_id") and v
        ],
    )


_KINDS = ("name", "display_name", "date_of_birth", "screen_name", "phone", "email", "device_id",
          "platform_user_id")  # fmt: skip
_VALUES = st.sampled_from(
    [
        "",
        "ravi kumar",
        "k ravi",
        "1994-08-21",
        "1994-08-01",
        "instagram:ravi_1994",
        "+919847012345",
        "+919847012354",
        "ravi@example.in",
        "35-209900-176148-1",
        "ravi",
        "x",
    ]
)
_IPS = st.sampled_from(["49.36.1.2", "49.36.1.3", "2409:4073:1:2::5", "10.0.0.1", "100.64.0.9",
                        "not an address", "203.0.113.7:4455"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    identifiers=st.lists(st.tuples(st.sampled_from(_KINDS), st.just("raw"), _VALUES | st.none())),
    places=st.lists(
        st.tuples(
            st.sampled_from([None, "12 MG Road", "No. 7/764, Station Road", "Road"]),
            st.sampled_from([None, "", "Kochi", "Kochi ", "Trivandrum"]),
            st.sampled_from([None, "682001", "695610"]),
        ),
        max_size=3,
    ),
    ips=st.lists(_IPS, max_size=5),
)
def test_a_view_gives_the_features_its_values_give_kind_by_kind(
    identifiers: list[tuple[str, str, str | None]],
    places: list[tuple[str | None, str | None, str | None]],
    ips: list[str],
) -> None:
    view = AccountView(
        "acc",
        "r1",
        "reported",
        None,
        identifiers=identifiers,
        addresses=[AddressView("r1", "/x", s, c, None, p, "IN") for s, c, p in places],
        ip_events=[IpEventView(ip, None, None, None, None) for ip in ips],
    )
    assert weak_record(view) == _weak_record_by_kind(view)


def test_strong_identifiers_of_two_kinds_that_differ_are_a_conflict() -> None:
    left = {("phone", "+919847012345"), ("email", "raju@gmail.com")}
    assert strong_conflict(left, {("phone", "+919847000000"), ("email", "other@gmail.com")})
    assert not strong_conflict(left, {("phone", "+919847000000")})  # a second phone is ordinary
    assert not strong_conflict(left, {("phone", "+919847012345"), ("email", "x@gmail.com")})


def test_precision_on_a_small_generated_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, persons=300, seed=1)
    engine = open_engine(Settings.from_env({"SURAKSHA_HOME": str(tmp_path / "home")}), migrate=True)
    ingest(engine, plan([corpus]))
    truth = load_truth(corpus)
    with transaction(engine) as session:
        resolve(session, probabilistic=False)
        before = pairwise_score((b.report_ids for b in subject_briefs(session)), truth)
    with transaction(engine) as session:
        result = resolve(session, full=True)
        after = pairwise_score((b.report_ids for b in subject_briefs(session)), truth)
    engine.dispose()
    assert result.mode == "full"
    # The deterministic layer's own mistakes (household phones) are not this layer's: what the
    # probabilistic layer adds must be right at least 99 times in 100, and it must not lose links.
    added = after.predicted_pairs - before.predicted_pairs
    correct = after.correct_pairs - before.correct_pairs
    assert added >= 0 and correct >= 0
    assert correct >= 0.99 * added
    assert after.recall >= before.recall


# --- near-equal numbers ------------------------------------------------------------------------

DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=14)


@given(DIGITS, DIGITS)
def test_edit_distance_is_symmetric_and_bounded(left: str, right: str) -> None:
    distance = edit_distance(left, right)
    assert distance == edit_distance(right, left)
    assert abs(len(left) - len(right)) <= distance <= max(len(left), len(right))
    assert (distance == 0) == (left == right)


@given(st.text(alphabet="0123ab", max_size=9), st.text(alphabet="0123ab", max_size=9))
def test_edit_distance_is_the_one_the_model_compares_with(left: str, right: str) -> None:
    # The guard (`near_numbers`) and the model's levels (DuckDB) must call the same pairs near.
    import duckdb

    with duckdb.connect() as connection:
        rows = connection.execute("select damerau_levenshtein(?, ?)", [left, right]).fetchall()
    assert edit_distance(left, right) == rows[0][0]


@given(st.text(alphabet="0123456789", min_size=2, max_size=14), st.data())
def test_one_substitution_or_adjacent_transposition_is_one_edit(
    number: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(number) - 2))
    swapped = number[:at] + number[at + 1] + number[at] + number[at + 2 :]
    assert edit_distance(number, swapped) == (0 if swapped == number else 1)
    digit = data.draw(st.sampled_from("0123456789"))
    changed = number[:at] + digit + number[at + 1 :]
    assert edit_distance(number, changed) == (0 if changed == number else 1)


@given(DIGITS, DIGITS)
def test_near_numbers_is_symmetric_and_never_equal(left: str, right: str) -> None:
    assert near_numbers(left, right) == near_numbers(right, left)
    assert not near_numbers(left, left)
    if near_numbers(left, right):
        limit = 2 if min(len(left), len(right)) >= 10 else 1
        assert 0 < edit_distance(left, right) <= limit


def test_near_numbers_allows_two_edits_only_in_long_numbers() -> None:
    assert near_numbers("919847012345", "919847012354")  # last two digits swapped
    assert near_numbers("919847012345", "919847012399")  # two substitutions, 12 digits
    assert near_numbers("2694239", "2692439")  # "42" typed "24"
    assert not near_numbers("2694239", "2684139")  # two edits in 7 digits: too many near it
    assert near_numbers("2694239", "2694238")
    assert not near_numbers(None, "2694238")


def test_street_keys_fold_case_punctuation_and_spacing() -> None:
    assert street_key("No. 7/764,  Station Road") == "no 7 764 station road"
    assert street_key("no 7 764 station road") == "no 7 764 station road"
    assert street_key("Station Road") is None  # a street without a number is no home


def test_a_typo_in_the_phone_plus_the_same_name_and_birth_date_links() -> None:
    # Name and birth date alone weigh 6.3 (below 8); a phone one keystroke off is a typing error
    # far more often than a stranger, when the person's own name and birth date agree.
    left = record("a1", "Febin Joseph", "1995-03-17", number="919847012345")
    typo = record("a2", "Febin Joseph", "1995-03-17", number="919847012354")
    other = record("a3", "Febin Joseph", "1995-03-17", number="919447650081")
    assert [(p.account_a, p.account_b) for p in weak_pairs([left, typo])] == [("a1", "a2")]
    pair = weak_pairs([left, typo])[0]
    assert pair.agreeing["number"] == "919847012345~919847012354"
    assert weak_pairs([left, other]) == []
    assert weak_pairs([left, record("a4", "Febin Joseph", "1995-03-17")]) == []


def test_a_typo_in_the_phone_alone_or_with_only_a_shared_home_does_not_link() -> None:
    # Consecutive SIMs are sold to one household: a near phone with the same address and line
    # (two kinds of evidence, neither about the person) must not join two family members.
    home = {"pincode": "695610", "city": "trivandrum", "street": "no 7 764 station road"}
    father = record(
        "a1", "Joseph Mathew", "1968-04-12", number="919847012345", **home, line="49.36.1.2"
    )
    son = record(
        "a2", "Febin Joseph", "1995-03-17", number="919847012346", **home, line="49.36.1.2"
    )
    assert weak_pairs([father, son]) == []
    alone = [record("b1", number="919847012345"), record("b2", number="919847012346")]
    assert weak_pairs(alone) == []


def test_a_misspelt_name_is_scored_when_birth_date_and_home_agree() -> None:
    # No blocking rule on an exact name pairs these; birth date + pincode does.
    left = record(
        "a1", "Catherine Graue", "1971-06-23", pincode="2088", city="mosman", number="4424731"
    )
    right = record(
        "a2", "Cathwrine Graue", "1971-06-23", pincode="2088", city="mosman", number="4424371"
    )
    pairs = weak_pairs([left, right])
    assert [(p.account_a, p.account_b) for p in pairs] == [("a1", "a2")]
    assert set(pairs[0].agreeing) == {"dob", "pincode", "city", "number"}


def test_equal_pincodes_count_when_one_record_lacks_a_city() -> None:
    left = record("a1", "Anish Mathew", "1984-11-26", pincode="695312", city="trivandrum")
    right = record("a2", "Anish Mathew", "1984-11-26", pincode="695312")
    pairs = weak_pairs([left, right])
    assert [set(p.agreeing) for p in pairs] == [{"name_key", "dob", "pincode"}]


def test_a_home_and_a_line_without_the_person_do_not_link() -> None:
    # Twins aside, two people at one address share pincode, street and line, not name or birth.
    home = {"pincode": "695610", "city": "trivandrum", "street": "no 7 764 station road"}
    pairs = weak_pairs(
        [
            record("a1", "Arun Kumar", **home, line="49.36.1.2"),
            record("a2", "Varun Kumar", **home, line="49.36.1.2"),
        ]
    )
    assert pairs == []


def test_streets_and_numbers_become_features_by_the_same_rules() -> None:
    built = weak_record_of(
        "r1",
        streets=[None, "Church Road", "No. 7/764, Station Road"],
        numbers=["+91 98470-12345", "1234"],  # four digits: an extension, not compared
    )
    assert (built.street, built.number) == ("no 7 764 station road", "919847012345")


def test_a_near_number_held_by_many_is_no_evidence() -> None:
    # A placeholder typed by many ("9999999999") is one keystroke from "9999999998": not a kind.
    townsfolk = [record(f"c{i}", city="kochi") for i in range(9)]  # the city is popular
    left = record("a1", "Febin Joseph", "1995-03-17", city="kochi", number="919999999999")
    right = record("a2", "Febin Jozeph", "1995-03-17", city="kochi", number="919999999998")
    linked = weak_pairs([*townsfolk, left, right])
    assert [(p.account_a, p.account_b, set(p.agreeing)) for p in linked] == [
        ("a1", "a2", {"dob", "number"})
    ]
    holders = [record(f"p{i}", number="919999999999") for i in range(9)]
    assert weak_pairs([*townsfolk, *holders, left, right]) == []
