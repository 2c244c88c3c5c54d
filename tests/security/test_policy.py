"""Policy: the documented matrix is the enforced one, and `restrict` (SQL) agrees with `permits`
(Python) on real SQLite and PostgreSQL, so a list or an export never shows a row a profile page
would refuse."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import takewhile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, select

from suraksha.errors import AccessDenied
from suraksha.security import policy
from suraksha.security.policy import (
    MATRIX,
    Actor,
    Permission,
    Role,
    Scope,
    can_read_subject,
    can_read_victim,
    needs_district,
    needs_state,
    permits,
    require,
    restrict,
    scope_of,
)

REPO = Path(__file__).parent.parent.parent
STATES = ["KERALA", "BIHAR", "MAHARASHTRA"]
# AURANGABAD is a district of both BIHAR and MAHARASHTRA: the reason places are (state, district).
DISTRICTS = ["ERNAKULAM", "AURANGABAD", "PATNA"]
CASES = ["FIR-1/2026", "FIR-2/2026", "FIR-3/2026"]

OFFICER = Actor(1, "asha", Role.DISTRICT_OFFICER, "MAHARASHTRA", "AURANGABAD")
ANALYST = Actor(2, "ravi", Role.STATE_ANALYST, "KERALA")
IO = Actor(3, "si.rekha", Role.INVESTIGATING_OFFICER, "KERALA", "ERNAKULAM", frozenset(CASES[:1]))
SUPPORT = Actor(4, "meera", Role.VICTIM_SUPPORT, "KERALA", "ERNAKULAM")
ADMIN = Actor(5, "root", Role.ADMIN)
AUDITOR = Actor(6, "audit", Role.AUDITOR)


def documented_matrix(text: str) -> dict[Role, dict[Permission, Scope]]:
    """The role table as written in a document (the policy docstring or docs/security.md)."""
    lines = text.splitlines()
    start = next(
        n for n, line in enumerate(lines) if line.startswith("| role ") and "subject.read" in line
    )
    rows = list(takewhile(lambda line: line.startswith("|"), lines[start:]))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    permissions = [Permission(name) for name in header[1:]]
    table: dict[Role, dict[Permission, Scope]] = {}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in {role.value for role in Role}:
            table[Role(cells[0])] = {
                permission: Scope(cell)
                for permission, cell in zip(permissions, cells[1:], strict=True)
            }
    return table


def enforced_matrix() -> dict[Role, dict[Permission, Scope]]:
    return {role: {p: scope_of(role, p) for p in Permission} for role in Role}


def test_the_matrix_in_the_docstring_is_the_one_enforced() -> None:
    assert policy.__doc__ is not None
    assert documented_matrix(policy.__doc__) == enforced_matrix()


def test_the_matrix_in_docs_security_is_the_one_enforced() -> None:
    section = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    assert documented_matrix(section) == enforced_matrix()


def test_every_role_is_in_the_matrix() -> None:
    assert set(MATRIX) == set(Role)


def test_roles_bounded_by_a_place_need_one() -> None:
    assert [role for role in Role if needs_district(role)] == [
        Role.DISTRICT_OFFICER,
        Role.VICTIM_SUPPORT,
    ]
    assert {role for role in Role if needs_state(role)} == {
        Role.STATE_ANALYST,
        Role.DISTRICT_OFFICER,
        Role.VICTIM_SUPPORT,
    }
    with pytest.raises(ValueError, match="needs a district"):
        Actor(9, "x", Role.DISTRICT_OFFICER, "KERALA")
    with pytest.raises(ValueError, match="needs a state"):
        Actor(9, "x", Role.STATE_ANALYST)


@pytest.mark.parametrize(
    ("actor", "state", "district", "cases", "expected"),
    [
        (OFFICER, "MAHARASHTRA", "AURANGABAD", (), True),
        (OFFICER, "BIHAR", "AURANGABAD", (), False),  # same name, another state's district
        (OFFICER, "MAHARASHTRA", "PUNE", (), False),
        (OFFICER, None, None, (), False),  # not yet routed: no district's
        (OFFICER, "MAHARASHTRA", None, (), False),
        (ANALYST, "KERALA", "ERNAKULAM", (), True),
        (ANALYST, "KERALA", None, (), True),
        (ANALYST, "BIHAR", "PATNA", (), False),
        (ANALYST, None, None, (), False),
        (IO, "KERALA", "ERNAKULAM", (), False),  # their district, but not their case
        (IO, "BIHAR", "PATNA", ("FIR-1/2026",), True),  # their case, wherever it leads
        (IO, None, None, ("FIR-2/2026",), False),
        (SUPPORT, "KERALA", "ERNAKULAM", (), False),  # victim records only
        (ADMIN, None, None, (), True),
        (AUDITOR, "KERALA", "ERNAKULAM", (), False),
    ],
)
def test_who_may_read_a_subject(
    actor: Actor, state: str | None, district: str | None, cases: tuple[str, ...], expected: bool
) -> None:
    assert can_read_subject(actor, state=state, district=district, case_ids=cases) is expected


def test_victim_records_are_for_those_who_must_know_the_child() -> None:
    state, district = "KERALA", "ERNAKULAM"
    assert can_read_victim(SUPPORT, state=state, district=district)
    assert not can_read_victim(SUPPORT, state=state, district="THRISSUR")
    assert can_read_victim(IO, state=state, district=district, case_ids=["FIR-1/2026"])
    assert not can_read_victim(IO, state=state, district=district)
    officer = Actor(7, "d", Role.DISTRICT_OFFICER, state, district)
    for actor in (ADMIN, ANALYST, officer, AUDITOR):
        assert not can_read_victim(actor, state=state, district=district, case_ids=CASES)
    prosecutor = Actor(8, "pp", Role.PROSECUTOR, case_ids=frozenset(["FIR-1/2026"]))
    assert can_read_victim(prosecutor, state=None, district=None, case_ids=["FIR-1/2026"])
    assert not permits(prosecutor, Permission.VICTIM_WRITE, case_ids=["FIR-1/2026"])


def test_a_refusal_names_the_actors_scope_not_the_objects_place() -> None:
    with pytest.raises(AccessDenied) as refused:
        require(OFFICER, Permission.SUBJECT_READ, state="KERALA", district="ERNAKULAM")
    message = str(refused.value)
    assert "AURANGABAD" in message and "ERNAKULAM" not in message and "KERALA" not in message
    with pytest.raises(AccessDenied, match=r"does not allow user\.manage"):
        require(OFFICER, Permission.USER_MANAGE)
    require(ADMIN, Permission.USER_MANAGE)


# --- restrict: the same rule in SQL, on both databases ------------------------------------------

probe_metadata = MetaData()
PROBE = Table(
    "security_policy_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("state", String(100)),
    Column("district", String(100)),
    Column("case_id", String(40)),
)

places = (
    st.one_of(st.none(), st.sampled_from(STATES)),
    st.one_of(st.none(), st.sampled_from(DISTRICTS)),
)
rows_strategy = st.lists(
    st.tuples(*places, st.one_of(st.none(), st.sampled_from(CASES))), max_size=15
)


@st.composite
def actors(draw: st.DrawFn) -> Actor:
    role = draw(st.sampled_from(list(Role)))
    state = draw(st.sampled_from(STATES)) if needs_state(role) else draw(places[0])
    district = draw(st.sampled_from(DISTRICTS)) if needs_district(role) else None
    cases = draw(st.frozensets(st.sampled_from(CASES)))
    return Actor(1, "someone", role, state, district, cases)


@pytest.fixture
def probe(db: Engine) -> Iterator[Engine]:
    probe_metadata.create_all(db)
    try:
        yield db
    finally:
        probe_metadata.drop_all(db)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actor=actors(), rows=rows_strategy)
def test_lists_show_exactly_what_permits_allows(
    probe: Engine, actor: Actor, rows: list[tuple[str | None, str | None, str | None]]
) -> None:
    with probe.connect() as connection, connection.begin() as transaction:
        if rows:
            connection.execute(
                insert(PROBE),
                [
                    {"id": n, "state": s, "district": d, "case_id": c}
                    for n, (s, d, c) in enumerate(rows)
                ],
            )
        for permission in Permission:
            query = restrict(
                select(PROBE.c.id),
                actor,
                permission,
                state=PROBE.c.state,
                district=PROBE.c.district,
                case=PROBE.c.case_id,
            )
            shown = set(connection.scalars(query))
            allowed = {
                n
                for n, (s, d, c) in enumerate(rows)
                if permits(actor, permission, state=s, district=d, case_ids=[c] if c else [])
            }
            assert shown == allowed, permission
            if actor.role is Role.DISTRICT_OFFICER:
                # Whatever the data: never a row of another district, or of an unrouted subject.
                assert all(rows[n][:2] == (actor.state, actor.district) for n in shown)
        transaction.rollback()


def test_a_cases_scoped_list_without_a_case_column_shows_nothing(probe: Engine) -> None:
    with probe.connect() as connection:
        connection.execute(insert(PROBE), [{"id": 1, "state": "KERALA", "district": "ERNAKULAM"}])
        query = restrict(
            select(PROBE.c.id),
            IO,
            Permission.SUBJECT_READ,
            state=PROBE.c.state,
            district=PROBE.c.district,
        )
        assert list(connection.scalars(query)) == []
        query = restrict(
            select(PROBE.c.id),
            ADMIN,
            Permission.SUBJECT_READ,
            state=PROBE.c.state,
            district=PROBE.c.district,
        )
        assert list(connection.scalars(query)) == [1]
        connection.rollback()
