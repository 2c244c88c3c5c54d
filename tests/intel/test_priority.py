"""Priority: every point comes from a named factor resting on named reports.

Pure tests on the evidence `assess` reads (synthetic tips as intake's views present them); the
database path is in test_overrides.py. Clocks are tested at their boundaries by passing `as_of`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suraksha.hashing.matcher import MatchView
from suraksha.intake.tips import FileFacts, TipFacts
from suraksha.intel.priority import (
    AccountFacts,
    Factor,
    FileExtras,
    OfficerOverride,
    Priority,
    SubjectEvidence,
    assess,
)
from suraksha.intel.weights import default_weights

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
CSAM = "Child Pornography (possession, manufacture, and distribution)"
ENTICEMENT = "Online Enticement of Children for Sexual Acts"


def tip(
    report: str,
    *,
    incident: str = CSAM,
    received: datetime | None = datetime(2026, 9, 1, tzinfo=UTC),
    incident_at: datetime | None = None,
    roles: frozenset[str] = frozenset({"reported"}),
    files: list[FileFacts] | None = None,
    annotations: tuple[str, ...] = (),
    escalated: bool = False,
) -> TipFacts:
    return TipFacts(
        tip_id=f"tip-{report}",
        report_id=report,
        incident_type=incident,
        incident_at=incident_at,
        received_at=received,
        reporting_platform="Instagram",
        annotations=annotations,
        escalated=escalated,
        roles=roles,
        account_ids=(f"account-{report}",),
        files=files or [],
    )


def file(file_id: str, classification: str | None = None, *annotations: str) -> FileFacts:
    return FileFacts(file_id, file_id.ljust(32, "0"), classification, annotations)


def match(
    file_id: str,
    kind: str = "known",
    bank: str = "vic",
    *,
    category: str | None = None,
    scheme: str | None = None,
) -> MatchView:
    return MatchView(
        "tip_file", file_id, bank, kind, 1, "md5", 0, category, "0" * 32, category_scheme=scheme
    )


def account(report: str, **facts: object) -> AccountFacts:
    return AccountFacts(f"account-{report}", report, **facts)  # type: ignore[arg-type]


def run(
    *tips: TipFacts,
    matches: dict[str, list[MatchView]] | None = None,
    accounts: list[AccountFacts] | None = None,
    files: dict[str, FileExtras] | None = None,
    as_of: datetime = AS_OF,
) -> Priority:
    evidence = SubjectEvidence(list(tips), matches or {}, accounts or [], files or {})
    return assess(evidence, as_of=as_of)


def by_name(priority: Priority) -> dict[str, Factor]:
    return {f.factor: f for f in priority.factors}


# -- contact indicators -------------------------------------------------------------------------


def test_contact_offence_rests_on_the_reports_with_a_contact_incident_type() -> None:
    result = by_name(run(tip("11", incident=ENTICEMENT), tip("12")))
    factor = result["contact_offence"]
    assert (factor.value, factor.weight, factor.source) == ("online enticement", 30.0, ["11"])
    assert "contact_offence" not in by_name(run(tip("12")))


def test_child_in_report_counts_victims_and_intended_recipients() -> None:
    result = by_name(
        run(
            tip("21", roles=frozenset({"reported", "intended_recipient"})),
            tip("22", roles=frozenset({"reported", "victim"})),
            tip("23"),
        )
    )
    factor = result["child_in_report"]
    assert factor.value == "victim in 1, intended recipient in 1"
    assert (factor.weight, factor.source) == (20.0, ["21", "22"])
    assert "child_in_report" not in by_name(run(tip("23")))


@pytest.mark.parametrize(
    ("annotation", "name", "points"),
    [
        ("sextortion", "sextortion", 15.0),
        ("sadisticOnlineExploitation", "sadistic_online_exploitation", 15.0),
        ("csamSolicitation", "csam_solicitation", 10.0),
    ],
)
def test_report_annotations_of_contact(annotation: str, name: str, points: float) -> None:
    result = by_name(run(tip("31", annotations=(annotation,)), tip("32")))
    assert (result[name].value, result[name].weight, result[name].source) == (1, points, ["31"])
    assert name not in by_name(run(tip("32", annotations=("spam",))))


def test_access_to_children_reads_whole_words_of_the_platforms_text_about_the_person() -> None:
    accounts = [
        account("41", texts=(("profileBio", "Maths TUITION for classes 6-10, Kochi"),)),
        account("42", texts=(("additionalInfo", "Works as a schoolteacher's driver"),)),
        account("43", texts=(("profileBio", "Lives in Teachers Colony"),)),
    ]
    factor = by_name(run(tip("41"), tip("42"), tip("43"), accounts=accounts))["access_to_children"]
    # "schoolteacher's" and "Teachers" are not the word "teacher": whole words only.
    assert (factor.value, factor.weight, factor.source) == ("tuition", 15.0, ["41"])
    assert "profileBio" in factor.note and "verify" in factor.note
    assert "access_to_children" not in by_name(run(tip("43"), accounts=accounts[2:]))


def test_escalation_by_the_platform() -> None:
    factor = by_name(run(tip("51", escalated=True), tip("52")))["escalated_by_platform"]
    assert (factor.value, factor.weight, factor.source) == (1, 10.0, ["51"])


# -- material -----------------------------------------------------------------------------------


def test_never_seen_material_is_unmatched_files_not_flagged_viral() -> None:
    files = [file("f1"), file("f2"), file("f3", None, "potentialMeme")]
    result = by_name(run(tip("61", files=files), matches={"f2": [match("f2")]}))
    assert (result["never_seen_material"].value, result["never_seen_material"].source) == (
        1,
        ["61"],
    )
    assert "never_seen_material" not in by_name(
        run(tip("61", files=files[1:2]), matches={"f2": [match("f2")]})
    )


def test_possible_self_production_from_the_platforms_file_annotation() -> None:
    files = [file("f1", None, "possibleSelfProduction"), file("f2")]
    factor = by_name(run(tip("71", files=files)))["possible_self_production"]
    assert (factor.value, factor.weight, factor.source) == (1, 10.0, ["71"])


def test_camera_metadata_counts_only_on_never_seen_files() -> None:
    exif = FileExtras(exif=(("Make", "samsung"), ("Model", "SM-A515F"), ("Software", "x")))
    files = [file("f1"), file("f2")]
    result = by_name(
        run(
            tip("81", files=files),
            matches={"f2": [match("f2")]},
            files={"f1": exif, "f2": exif},
        )
    )
    factor = result["camera_metadata"]
    assert (factor.value, factor.weight, factor.source) == (1, 5.0, ["81"])
    assert "samsung SM-A515F" in factor.note
    known_only = run(
        tip("81", files=[file("f2")]), matches={"f2": [match("f2")]}, files={"f2": exif}
    )
    assert "camera_metadata" not in by_name(known_only)
    no_camera = FileExtras(exif=(("DateTimeOriginal", "2026:01:01 10:00:00"),))
    assert "camera_metadata" not in by_name(
        run(tip("81", files=[file("f1")]), files={"f1": no_camera})
    )


def test_known_material_names_its_banks_and_rests_on_reports() -> None:
    files = [file("f1"), file("f2")]
    matches = {"f1": [match("f1", bank="icse")], "f2": [match("f2", bank="vic")]}
    factor = by_name(run(tip("91", files=files), matches=matches))["known_material"]
    assert (factor.value, factor.weight, factor.source) == (2, 5.0, ["91"])
    assert "icse, vic" in factor.note


def test_severity_is_the_most_severe_of_platform_classes_and_bank_categories() -> None:
    a2 = by_name(run(tip("101", files=[file("f1", "A2"), file("f2", "b2")])))["severity"]
    assert (a2.value, a2.weight, a2.source) == ("A2 (platform classification)", 7.0, ["101"])
    category_a = match("f2", bank="caid", category="1", scheme="uk-caid")
    result = by_name(
        run(
            tip("101", files=[file("f1", "A2")]),
            tip("102", files=[file("f2")]),
            matches={"f2": [category_a]},
        )
    )["severity"]
    assert (result.value, result.weight, result.source) == ("Category A (bank caid)", 10.0, ["102"])
    industry_order = [
        by_name(run(tip("1", files=[file("f", c)])))["severity"].weight
        for c in ("A1", "A2", "B1", "B2")
    ]
    assert industry_order == sorted(industry_order, reverse=True) == [10.0, 7.0, 5.0, 3.0]
    assert "severity" not in by_name(run(tip("1", files=[file("f", "E")])))


def test_volume_grows_on_a_log_scale_of_material_files() -> None:
    def volume(n: int) -> float:
        files = [file(f"f{i}") for i in range(n)]
        return by_name(run(tip("111", files=files)))["volume"].weight

    assert [volume(1), volume(3), volume(7), volume(1023)] == [3.0, 6.0, 9.0, 30.0]
    viral = run(tip("111", files=[file("v")]), matches={"v": [match("v", "viral")]})
    assert "volume" not in by_name(viral)


def test_repeat_reports_grow_on_a_log_scale() -> None:
    assert "repeat_reports" not in by_name(run(tip("1")))
    two = by_name(run(tip("1"), tip("2")))["repeat_reports"]
    four = by_name(run(*(tip(str(n)) for n in range(4))))["repeat_reports"]
    assert (two.value, two.weight, two.source) == (2, 6.0, ["1", "2"])
    assert (four.value, four.weight) == (4, 12.0)


def test_prior_reports_count_only_reports_not_already_held() -> None:
    accounts = [account("121", prior_reports=("88012345", "88012346", "122"))]
    factor = by_name(run(tip("121"), tip("122"), accounts=accounts))["prior_reports"]
    assert (factor.value, factor.weight, factor.source) == (
        2,
        round(6 * 1.584962500721156, 1),
        ["121"],
    )
    assert "88012345, 88012346" in factor.note
    held = [account("121", prior_reports=("122",))]
    assert "prior_reports" not in by_name(run(tip("121"), tip("122"), accounts=held))


def test_group_membership_from_the_subjects_group_identifiers() -> None:
    accounts = [
        account("131", groups=("chatkaro:grp-7781",)),
        account("132", groups=("chatkaro:grp-7781",)),
    ]
    factor = by_name(run(tip("131"), tip("132"), accounts=accounts))["group_membership"]
    assert (factor.value, factor.weight, factor.source) == (1, 8.0, ["131", "132"])
    assert "grp-7781" in factor.note
    assert "group_membership" not in by_name(run(tip("131"), accounts=[account("131")]))


def test_viral_and_ignorable_only_material_lowers_priority() -> None:
    files = [file("f1"), file("f2")]
    viral = by_name(
        run(
            tip("141", files=files),
            matches={
                "f1": [match("f1", "viral", "memes")],
                "f2": [match("f2", "ignorable", "nsrl")],
            },
        )
    )
    assert (viral["viral_material_only"].weight, viral["viral_material_only"].source) == (
        -5.0,
        ["141"],
    )
    assert not {"never_seen_material", "known_material", "ignorable_material_only"} & set(viral)
    flagged = by_name(run(tip("142", files=[file("f3", None, "viral")])))
    assert flagged["viral_material_only"].value == 1
    ignorable = by_name(
        run(tip("143", files=[file("f2")]), matches={"f2": [match("f2", "ignorable", "nsrl")]})
    )
    assert ignorable["ignorable_material_only"].weight == -10.0
    # One never-seen file beside the viral one: there may be new material, so nothing is lowered.
    mixed = by_name(
        run(tip("144", files=[file("f1"), file("f4")]), matches={"f1": [match("f1", "viral")]})
    )
    assert "viral_material_only" not in mixed and "never_seen_material" in mixed


# -- freshness clocks ---------------------------------------------------------------------------

RECEIVED = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("as_of", "value", "points"),
    [
        (RECEIVED, "365 days left", 5.0),
        (RECEIVED + timedelta(days=200), "165 days left", 14.0),
        (RECEIVED + timedelta(days=300), "65 days left", 18.4),
        (RECEIVED + timedelta(days=335), "30 days left", 20.0),
        (RECEIVED + timedelta(days=365), "0 days left", 20.0),
        (RECEIVED + timedelta(days=365, seconds=1), "expired", 0.0),
    ],
)
def test_platform_preservation_at_its_boundaries(
    as_of: datetime, value: str, points: float
) -> None:
    factor = by_name(run(tip("151", received=RECEIVED), as_of=as_of))["platform_preservation"]
    assert (factor.value, factor.weight, factor.deadline) == (value, points, "2027-01-10")
    assert factor.source == ["151"]
    assert "2027-01-10" in factor.note
    assert ("2258A(h)" in factor.note) is (value != "expired")


def test_preservation_falls_back_to_the_incident_when_receipt_is_unknown() -> None:
    factor = by_name(run(tip("152", received=None, incident_at=RECEIVED)))["platform_preservation"]
    assert factor.deadline == "2027-01-10"
    assert "platform_preservation" not in by_name(run(tip("153", received=None)))


def test_preservation_shows_the_nearest_open_deadline_of_several_reports() -> None:
    old = tip("161", received=datetime(2025, 6, 1, tzinfo=UTC))  # expired by AS_OF
    near = tip("162", received=datetime(2025, 12, 1, tzinfo=UTC))
    far = tip("163", received=datetime(2026, 10, 1, tzinfo=UTC))
    factor = by_name(run(old, near, far))["platform_preservation"]
    assert (factor.value, factor.deadline, factor.weight) == ("30 days left", "2026-12-01", 20.0)
    assert factor.source == ["162", "163"]
    assert "2 of 3" in factor.note
    expired = by_name(run(old))["platform_preservation"]
    assert (expired.value, expired.weight, expired.deadline) == ("expired", 0.0, "2026-06-01")
    assert "closed on 2026-06-01" in expired.note


IP_AT = datetime(2025, 3, 14, 12, 31, 44, tzinfo=UTC)


@pytest.mark.parametrize(
    ("clock", "days", "open_points", "urgent_points"),
    [
        ("operator_ip_logs", 730, 2.0, 12.0),
        ("cert_in_logs", 180, 3.0, 12.0),
        ("device_wipe", 28, 8.0, 12.0),
    ],
)
def test_ip_clocks_at_their_boundaries(
    clock: str, days: int, open_points: float, urgent_points: float
) -> None:
    accounts = [account("171", ip_events=(IP_AT,))]
    subject = tip("171", received=None)

    def at(as_of: datetime) -> Factor:
        return by_name(run(subject, accounts=accounts, as_of=as_of))[clock]

    deadline = IP_AT + timedelta(days=days)
    opened, last, after = at(IP_AT), at(deadline), at(deadline + timedelta(seconds=1))
    assert (opened.value, opened.weight) == (f"{days} days left", open_points)
    assert (last.value, last.weight, last.deadline) == (
        "0 days left",
        urgent_points,
        str(deadline.date()),
    )
    assert (after.value, after.weight, after.source) == ("expired", 0.0, ["171"])
    assert clock not in by_name(run(subject, as_of=IP_AT))  # no IP capture, no incident: no clock


def test_upload_ip_captures_and_the_incident_run_the_log_clocks() -> None:
    incident = datetime(2026, 10, 20, tzinfo=UTC)
    subject = tip("181", received=None, incident_at=incident, files=[file("f1")])
    upload = FileExtras(ip_events=(datetime(2025, 1, 1, tzinfo=UTC),))
    result = by_name(run(subject, files={"f1": upload}))
    assert result["operator_ip_logs"].deadline == "2027-01-01"  # the upload capture, 730 days
    assert result["cert_in_logs"].deadline == "2027-04-18"  # the incident, 180 days
    assert result["device_wipe"].value == "16 days left"


# -- the score ----------------------------------------------------------------------------------


def test_enticement_with_a_child_outranks_possession_of_known_material() -> None:
    possession = run(tip("1", files=[file("f1", "B2")]), matches={"f1": [match("f1")]})
    enticement = run(
        tip(
            "2",
            incident=ENTICEMENT,
            roles=frozenset({"reported", "intended_recipient"}),
            annotations=("sextortion",),
        )
    )
    assert enticement.score > possession.score
    assert possession.score == round(sum(f.weight for f in possession.factors), 1)


def test_every_score_records_the_weights_that_made_it() -> None:
    result = run(tip("1"))
    weights = default_weights()
    assert (result.weights_label, result.weights_digest) == (weights.label, weights.digest)
    assert result.weights_label == "suraksha-default 2026.11"


def test_an_officer_override_is_a_factor_and_keeps_the_sum() -> None:
    evidence = SubjectEvidence([tip("1", incident=ENTICEMENT)])
    base = assess(evidence, as_of=AS_OF)
    at = datetime(2026, 11, 2, tzinfo=UTC)
    pinned = assess(
        evidence,
        as_of=AS_OF,
        override=OfficerOverride(3, "set", 90.0, "victim identified", "SI Rekha", at),
    )
    added = assess(
        evidence,
        as_of=AS_OF,
        override=OfficerOverride(4, "add", -12.5, "already in custody", "SI Rekha", at),
    )
    override = by_name(pinned)["officer_override"]
    assert pinned.score == 90.0 == round(sum(f.weight for f in pinned.factors), 1)
    assert (override.value, override.source) == ("set to 90", ["override 3"])
    assert override.note == "SI Rekha on 2026-11-02: victim identified"
    assert added.score == round(base.score - 12.5, 1)
    assert by_name(added)["officer_override"].value == "-12.5"


# -- properties ---------------------------------------------------------------------------------

_DAY = st.integers(min_value=-800, max_value=60).map(lambda d: AS_OF + timedelta(days=d))
_FILE = st.builds(
    lambda n, c, a, k: (FileFacts(f"f{n}", None, c, a), k),
    st.integers(0, 10_000),
    st.sampled_from([None, "A1", "A2", "B1", "B2", "E"]),
    st.sampled_from([(), ("possibleSelfProduction",), ("potentialMeme",)]),
    st.sampled_from([None, "known", "viral", "ignorable"]),
)


@st.composite
def subjects(
    draw: st.DrawFn, *, material: bool = True, prefix: str = ""
) -> tuple[list[TipFacts], dict[str, list[MatchView]], list[AccountFacts]]:
    """Synthetic subjects; with `material=False` every file is known or never seen (no viral or
    ignorable file, whose arrival may rightly lower a score)."""
    tips: list[TipFacts] = []
    matches: dict[str, list[MatchView]] = {}
    accounts: list[AccountFacts] = []
    for index in range(draw(st.integers(1, 4))):
        report = f"{prefix}{draw(st.integers(100, 999))}-{index}"
        files = []
        for facts, kind in draw(st.lists(_FILE, max_size=4)):
            if not material and kind in ("viral", "ignorable"):
                kind = "known"
            if not material and "potentialMeme" in facts.annotations:
                facts = replace(facts, annotations=())
            facts = replace(facts, file_row_id=f"{report}-{facts.file_row_id}")
            files.append(facts)
            if kind:
                matches[facts.file_row_id] = [match(facts.file_row_id, kind)]
        tips.append(
            tip(
                report,
                incident=draw(st.sampled_from([CSAM, ENTICEMENT, "Child Sexual Molestation"])),
                received=draw(st.none() | _DAY),
                incident_at=draw(st.none() | _DAY),
                roles=frozenset({"reported"})
                | draw(st.frozensets(st.sampled_from(["victim", "intended_recipient"]))),
                annotations=tuple(
                    draw(st.sets(st.sampled_from(["sextortion", "csamSolicitation", "spam"])))
                ),
                escalated=draw(st.booleans()),
                files=files,
            )
        )
        accounts.append(
            account(
                report,
                groups=tuple(draw(st.sets(st.sampled_from(["g1", "g2"])))),
                prior_reports=tuple(draw(st.sets(st.sampled_from(["7001", "7002", "7003"])))),
                ip_events=tuple(draw(st.lists(_DAY, max_size=2))),
                texts=(("profileBio", draw(st.sampled_from(["", "cricket coach", "engineer"]))),),
            )
        )
    return tips, matches, accounts


@settings(max_examples=150, deadline=None)
@given(subjects(), subjects())
def test_score_is_the_sum_of_its_factors(
    one: tuple[list[TipFacts], dict[str, list[MatchView]], list[AccountFacts]],
    two: tuple[list[TipFacts], dict[str, list[MatchView]], list[AccountFacts]],
) -> None:
    tips, matches, accounts = one
    result = assess(SubjectEvidence(tips, matches, accounts), as_of=AS_OF)
    assert result.score == round(sum(f.weight for f in result.factors), 1)
    assert all(f.source for f in result.factors)
    assert len({f.factor for f in result.factors}) == len(result.factors)


@settings(max_examples=150, deadline=None)
@given(subjects(), subjects(material=False, prefix="x"))
def test_more_evidence_of_harm_never_lowers_the_score(
    base: tuple[list[TipFacts], dict[str, list[MatchView]], list[AccountFacts]],
    extra: tuple[list[TipFacts], dict[str, list[MatchView]], list[AccountFacts]],
) -> None:
    tips, matches, accounts = base
    more_tips, more_matches, more_accounts = extra
    before = assess(SubjectEvidence(tips, matches, accounts), as_of=AS_OF)
    after = assess(
        SubjectEvidence(tips + more_tips, {**matches, **more_matches}, accounts + more_accounts),
        as_of=AS_OF,
    )
    assert after.score >= before.score
