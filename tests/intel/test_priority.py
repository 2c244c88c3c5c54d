"""Priority: every point comes from a named factor resting on named reports."""

from __future__ import annotations

from datetime import UTC, datetime

from suraksha.hashing.matcher import MatchView
from suraksha.intake.tips import FileFacts, TipFacts
from suraksha.intel.priority import assess

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def tip(
    report: str,
    *,
    incident: str = "Child Pornography (possession, manufacture, and distribution)",
    received: datetime = datetime(2026, 9, 1, tzinfo=UTC),
    roles: frozenset[str] = frozenset({"reported"}),
    files: list[FileFacts] | None = None,
    annotations: tuple[str, ...] = (),
    escalated: bool = False,
) -> TipFacts:
    return TipFacts(
        tip_id=f"tip-{report}",
        report_id=report,
        incident_type=incident,
        incident_at=None,
        received_at=received,
        reporting_platform="Instagram",
        annotations=annotations,
        escalated=escalated,
        roles=roles,
        account_ids=(f"account-{report}",),
        files=files or [],
    )


def known(file_id: str) -> MatchView:
    return MatchView("tip_file", file_id, "vic", "known", 1, "md5", 0, None, "0" * 32)


def test_possession_with_known_files_only() -> None:
    files = [FileFacts("f1", "a" * 32, "B2", ())]
    result = assess([tip("1", files=files)], {"f1": [known("f1")]}, as_of=AS_OF)
    names = [f.factor for f in result.factors]
    assert names == ["known_material", "severity", "platform_preservation_window"]
    assert result.score == sum(f.weight for f in result.factors)
    window = result.factors[-1]
    assert window.value == "304 days left" and window.source == ["1"]


def test_enticement_with_a_named_child_outranks_possession() -> None:
    possession = assess([tip("1")], {}, as_of=AS_OF)
    enticement = assess(
        [
            tip(
                "2",
                incident="Online Enticement of Children for Sexual Acts",
                roles=frozenset({"reported", "intended_recipient"}),
                annotations=("sextortion",),
            )
        ],
        {},
        as_of=AS_OF,
    )
    by_name = {f.factor: f for f in enticement.factors}
    assert by_name["contact_offence"].value == "online enticement"
    assert by_name["child_named_in_report"].source == ["2"]
    assert by_name["sextortion"].weight == 15.0
    assert enticement.score > possession.score


def test_unmatched_files_are_never_seen_material() -> None:
    files = [
        FileFacts("f1", "a" * 32, "A1", ("possibleSelfProduction",)),
        FileFacts("f2", "b" * 32, None, ()),
    ]
    result = assess([tip("1", files=files)], {"f2": [known("f2")]}, as_of=AS_OF)
    by_name = {f.factor: f for f in result.factors}
    assert by_name["never_seen_material"].value == 1
    assert by_name["possible_self_production"].value == 1
    assert by_name["severity"].value == "A1"


def test_expired_preservation_adds_nothing_and_score_is_the_sum() -> None:
    old = datetime(2024, 1, 1, tzinfo=UTC)
    tips = [
        tip(
            str(n),
            incident="Online Enticement of Children for Sexual Acts",
            received=old,
            roles=frozenset({"reported", "victim"}),
            annotations=("sextortion", "sadisticOnlineExploitation"),
            escalated=True,
            files=[FileFacts(f"f{n}", None, "A1", ("possibleSelfProduction",))],
        )
        for n in range(8)
    ]
    result = assess(tips, {}, as_of=AS_OF)
    window = {f.factor: f for f in result.factors}["platform_preservation_window"]
    assert (window.value, window.weight) == ("expired", 0.0)
    assert result.score == round(sum(f.weight for f in result.factors), 1) > 100


def test_viral_only_matches_lower_priority_and_ignorable_files_are_not_new() -> None:
    files = [FileFacts("f1", "a" * 32, None, ()), FileFacts("f2", "b" * 32, None, ())]
    viral = MatchView("tip_file", "f1", "memes", "viral", 3, "md5", 0, None, "a" * 32)
    ignorable = MatchView("tip_file", "f2", "nsrl", "ignorable", 1, "md5", 0, None, "b" * 32)
    result = assess([tip("1", files=files)], {"f1": [viral], "f2": [ignorable]}, as_of=AS_OF)
    by_name = {f.factor: f for f in result.factors}
    assert "never_seen_material" not in by_name  # both files are matched, neither is new
    assert "known_material" not in by_name
    assert (by_name["viral_material_only"].weight, by_name["viral_material_only"].source) == (
        -5.0,
        ["memes"],
    )
