"""Reading groups under the subject policy: out-of-reach members counted, never named."""

from __future__ import annotations

from pathlib import Path

import pytest

from suraksha.config import Settings
from suraksha.intel.networks.views import GroupNotFound, list_groups, read_group
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.intel.networks.circle import load_circle


def test_a_district_officer_sees_only_members_of_the_district(
    settings: Settings, tmp_path: Path
) -> None:
    circle = load_circle(settings, tmp_path)
    bengaluru = Actor(1, "officer.blr", Role.DISTRICT_OFFICER, "KARNATAKA", "BENGALURU URBAN")
    elsewhere = Actor(2, "officer.tvm", Role.DISTRICT_OFFICER, "KERALA", "THIRUVANANTHAPURAM")
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            whole = read_group(session, "cli:test", circle.group_id)
            [listed] = list_groups(session, bengaluru)
            seen = read_group(session, bengaluru, circle.group_id, channel="test")
            with pytest.raises(GroupNotFound):
                read_group(session, elsewhere, circle.group_id)
            assert list_groups(session, elsewhere) == []
    finally:
        engine.dispose()
    mine = {s for s, d in circle.district_of.items() if d == "BENGALURU URBAN"}
    assert mine and set(seen.subject_ids) == mine == set(listed.subject_ids)
    assert seen.hidden_members == whole.size - len(mine) > 0
    assert {e.subject_a for e in seen.edges} | {e.subject_b for e in seen.edges} <= mine
    others = set(whole.subject_ids) - mine
    others_reports = {r for m in whole.members if m.subject_id in others for r in m.report_ids}
    text = repr(seen.as_record()) + repr(seen.summary) + repr(listed.summary)
    assert not any(s in text for s in others), "an out-of-reach member is named"
    assert not any(r in text for r in others_reports), "an out-of-reach member's report is named"
    assert "platform_groups" in whole.summary and "platform_groups" not in seen.summary
