"""The probabilistic layer: weak evidence links only when it is specific, and never on one value."""

from __future__ import annotations

from pathlib import Path

from suraksha.config import Settings
from suraksha.identity.linker import resolve
from suraksha.identity.names import clean_name, name_key
from suraksha.identity.probabilistic import (
    WeakRecord,
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
    )
    assert weak_record(view) == expected
    assert weak_record_of("acc1", names=["mohd rafi"], dates_of_birth=["1994-08-21"]) == WeakRecord(
        "acc1", "muhammad rafi", "1994-08-21", "1994", None, None, None, None, None
    )


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
