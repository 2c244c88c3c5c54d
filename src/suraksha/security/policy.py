"""Who may do what, and where: roles, the permission matrix, and the checks domains call.

Policy is checked in the domain layer (DESIGN.md, "Security model"), so a page, an API call, a
command and an export all pass through the same functions: `permits` / `require` for one object,
`restrict` for a query that lists or exports many. Each permission has a *scope* per role:

    all       every object
    state     objects whose state is the actor's state
    district  objects whose (state, district) is the actor's (state, district)
    cases     objects of a case assigned to the actor
    -         nothing

| role                  | subject.read | subject.write | subject.export | victim.read | victim.write | case.read | case.write | case.advise | user.manage | audit.read |
|-----------------------|--------------|---------------|----------------|-------------|--------------|-----------|------------|-------------|-------------|------------|
| admin                 | all          | all           | all            | -           | -            | all       | all        | all         | all         | all        |
| state_analyst         | state        | state         | state          | -           | -            | state     | state      | state       | -           | -          |
| district_officer      | district     | district      | district       | -           | -            | district  | district   | district    | -           | -          |
| investigating_officer | cases        | cases         | cases          | cases       | cases        | cases     | cases      | cases       | -           | -          |
| prosecutor            | cases        | -             | -              | cases       | -            | cases     | -          | cases       | -           | -          |
| victim_support        | -            | -             | -              | district    | district     | -         | -          | -           | -           | -          |
| auditor               | -            | -             | -              | -           | -            | -         | -          | -           | -           | all        |

`case.advise` is the prosecutor's say on a case: today, settling the charge-sheet period at 60 or
90 days (BNSS s.187(3), CrPC s.167(2); cases/deadlines.py), which the deadline alert waits
for. Officers who may write the case may record it too, with the prosecutor's reason.

Why victims are so narrow: a child victim's identity may not be disclosed "at any time during
the course of investigation or trial" (POCSO Act 2012 s.33(7); s.23 for media; JJ Act 2015 s.74;
BNS s.72 / IPC s.228A), and the Supreme Court told police to keep it in sealed cover (Nipun
Saxena v. Union of India, 2018). So only the people who must know who the child is see victim
records: the support person of the child's district (appointed under the POCSO Rules 2020), the
investigating officer and the prosecutor of the child's case. The admin manages accounts, not
children: an admin who made themselves a victim_support account would do it through
`user.manage`, which is audited. State analysts and district officers work on subjects; they learn *that* a report names
a child (a priority factor), never who.

Jurisdiction compares (state, district) together: district names recur across states
(Aurangabad is in Bihar and in Maharashtra; Bilaspur, Hamirpur and Pratapgarh likewise). Names
are compared exactly, in routing's vocabulary ("KERALA", "ERNAKULAM"); `suraksha users add`
spells them that way. An object with no state or district (not yet routed) is outside every
state and district scope: only `all` reaches it, so an unrouted subject never falls into a
district by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, false

from suraksha.errors import AccessDenied


class Role(StrEnum):
    """The roles of DESIGN.md; a user has exactly one."""

    ADMIN = "admin"
    STATE_ANALYST = "state_analyst"
    DISTRICT_OFFICER = "district_officer"
    INVESTIGATING_OFFICER = "investigating_officer"
    PROSECUTOR = "prosecutor"
    VICTIM_SUPPORT = "victim_support"
    AUDITOR = "auditor"


class Permission(StrEnum):
    """What an actor asks to do; the matrix gives each role a scope for each."""

    SUBJECT_READ = "subject.read"  # a profile, a list, a search result
    SUBJECT_WRITE = "subject.write"  # judgements, priority overrides
    SUBJECT_EXPORT = "subject.export"  # lists and files that leave the application
    VICTIM_READ = "victim.read"
    VICTIM_WRITE = "victim.write"
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    CASE_ADVISE = "case.advise"  # a prosecutor's decisions on a case (the charge-sheet period)
    USER_MANAGE = "user.manage"
    AUDIT_READ = "audit.read"  # list and verify the audit log


class Scope(StrEnum):
    """How far a role's permission reaches (see the module docstring)."""

    ALL = "all"
    STATE = "state"
    DISTRICT = "district"
    CASES = "cases"
    NONE = "-"


_P = Permission
_S = Scope

MATRIX: Final[Mapping[Role, Mapping[Permission, Scope]]] = {
    Role.ADMIN: {
        _P.SUBJECT_READ: _S.ALL,
        _P.SUBJECT_WRITE: _S.ALL,
        _P.SUBJECT_EXPORT: _S.ALL,
        _P.CASE_READ: _S.ALL,
        _P.CASE_WRITE: _S.ALL,
        _P.CASE_ADVISE: _S.ALL,
        _P.USER_MANAGE: _S.ALL,
        _P.AUDIT_READ: _S.ALL,
    },
    Role.STATE_ANALYST: {
        _P.SUBJECT_READ: _S.STATE,
        _P.SUBJECT_WRITE: _S.STATE,
        _P.SUBJECT_EXPORT: _S.STATE,
        _P.CASE_READ: _S.STATE,
        _P.CASE_WRITE: _S.STATE,
        _P.CASE_ADVISE: _S.STATE,
    },
    Role.DISTRICT_OFFICER: {
        _P.SUBJECT_READ: _S.DISTRICT,
        _P.SUBJECT_WRITE: _S.DISTRICT,
        _P.SUBJECT_EXPORT: _S.DISTRICT,
        _P.CASE_READ: _S.DISTRICT,
        _P.CASE_WRITE: _S.DISTRICT,
        _P.CASE_ADVISE: _S.DISTRICT,
    },
    Role.INVESTIGATING_OFFICER: {
        _P.SUBJECT_READ: _S.CASES,
        _P.SUBJECT_WRITE: _S.CASES,
        _P.SUBJECT_EXPORT: _S.CASES,
        _P.VICTIM_READ: _S.CASES,
        _P.VICTIM_WRITE: _S.CASES,
        _P.CASE_READ: _S.CASES,
        _P.CASE_WRITE: _S.CASES,
        _P.CASE_ADVISE: _S.CASES,
    },
    Role.PROSECUTOR: {
        _P.SUBJECT_READ: _S.CASES,
        _P.VICTIM_READ: _S.CASES,
        _P.CASE_READ: _S.CASES,
        _P.CASE_ADVISE: _S.CASES,
    },
    Role.VICTIM_SUPPORT: {
        _P.VICTIM_READ: _S.DISTRICT,
        _P.VICTIM_WRITE: _S.DISTRICT,
    },
    Role.AUDITOR: {
        _P.AUDIT_READ: _S.ALL,
    },
}
"""Role → permission → scope; a permission a role does not list is `Scope.NONE`."""


def scope_of(role: Role, permission: Permission) -> Scope:
    """The scope of `permission` for `role` (NONE when the matrix does not grant it)."""
    return MATRIX[role].get(permission, Scope.NONE)


def needs_state(role: Role) -> bool:
    """True when some permission of the role is bounded by a state (so the user must have one)."""
    return any(scope in (Scope.STATE, Scope.DISTRICT) for scope in MATRIX[role].values())


def needs_district(role: Role) -> bool:
    """True when some permission of the role is bounded by a district."""
    return Scope.DISTRICT in MATRIX[role].values()


@dataclass(frozen=True, slots=True)
class Actor:
    """The person a domain function acts for: built from a signed-in user (`users.actor_of`).

    `case_ids` are the cases assigned to the person (investigating officer, prosecutor); the
    cases domain supplies them at sign-in. An actor whose role needs a state or district and
    lacks it cannot be built: with `district=None`, a district check would otherwise match every
    unrouted object.
    """

    user_id: int
    name: str
    role: Role
    state: str | None = None
    district: str | None = None
    case_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if needs_state(self.role) and not self.state:
            raise ValueError(f"a {self.role} needs a state")
        if needs_district(self.role) and not self.district:
            raise ValueError(f"a {self.role} needs a district")

    def describe_scope(self, permission: Permission) -> str:
        """The actor's own reach for `permission`, in words (for refusals and the web page)."""
        scope = scope_of(self.role, permission)
        if scope is Scope.ALL:
            return "everywhere"
        if scope is Scope.STATE:
            return f"state {self.state}"
        if scope is Scope.DISTRICT:
            return f"district {self.district}, {self.state}"
        if scope is Scope.CASES:
            return "the cases assigned to you"
        return "nowhere"


def permits(
    actor: Actor,
    permission: Permission,
    *,
    state: str | None = None,
    district: str | None = None,
    case_ids: Iterable[str] = (),
) -> bool:
    """True when `actor` may do `permission` on an object in (`state`, `district`) or of `case_ids`.

    Give the object's place as routing stored it (None when unknown) and the cases it belongs
    to. The same rule, as SQL, is `restrict`; a property test holds the two together.
    """
    scope = scope_of(actor.role, permission)
    if scope is Scope.ALL:
        return True
    if scope is Scope.STATE:
        return actor.state is not None and state == actor.state
    if scope is Scope.DISTRICT:
        return (
            actor.state is not None
            and actor.district is not None
            and state == actor.state
            and district == actor.district
        )
    if scope is Scope.CASES:
        return not actor.case_ids.isdisjoint(case_ids)
    return False


def can_read_subject(
    actor: Actor,
    *,
    state: str | None,
    district: str | None,
    case_ids: Iterable[str] = (),
) -> bool:
    """True when `actor` may see the subject routed to (`state`, `district`) / of `case_ids`."""
    return permits(
        actor, Permission.SUBJECT_READ, state=state, district=district, case_ids=case_ids
    )


def can_read_victim(
    actor: Actor,
    *,
    state: str | None,
    district: str | None,
    case_ids: Iterable[str] = (),
) -> bool:
    """True when `actor` may see a victim record (POCSO s.33(7): need to know only)."""
    return permits(actor, Permission.VICTIM_READ, state=state, district=district, case_ids=case_ids)


def require(
    actor: Actor,
    permission: Permission,
    *,
    state: str | None = None,
    district: str | None = None,
    case_ids: Iterable[str] = (),
) -> None:
    """Raise `AccessDenied` unless `permits(...)`; the message tells the actor their own scope.

    It never repeats the object's state or district: a refusal must not reveal where an object
    the actor may not see lies.
    """
    if permits(actor, permission, state=state, district=district, case_ids=case_ids):
        return
    scope = scope_of(actor.role, permission)
    if scope is Scope.NONE:
        raise AccessDenied(f"The role {actor.role} does not allow {permission}.")
    raise AccessDenied(
        f"{permission} is outside your jurisdiction: as {actor.role} you may act on "
        f"{actor.describe_scope(permission)} only."
    )


_Columns = TypeVarTuple("_Columns")


def restrict(
    query: Select[*_Columns],
    actor: Actor,
    permission: Permission,
    *,
    state: ColumnElement[Any],
    district: ColumnElement[Any],
    case: ColumnElement[Any] | None = None,
) -> Select[*_Columns]:
    """`query` limited to the rows `actor` may reach for `permission`: the filter lists use.

    `state` and `district` are the columns that hold each row's place (for subjects, routing's
    `subject_jurisdictions.state` / `.district`, joined in by the caller); `case` is a column
    holding the row's case id, when the query has one. A cases-scoped actor with no such column,
    or with no cases, gets no rows. Rows whose place is NULL match no state or district scope
    (SQL `NULL = 'X'` is not true), exactly as `permits` treats None.
    """
    scope = scope_of(actor.role, permission)
    if scope is Scope.ALL:
        return query
    if scope is Scope.STATE and actor.state is not None:
        return query.where(state == actor.state)
    if scope is Scope.DISTRICT and actor.state is not None and actor.district is not None:
        return query.where(and_(state == actor.state, district == actor.district))
    if scope is Scope.CASES and case is not None and actor.case_ids:
        return query.where(case.in_(sorted(actor.case_ids)))
    return query.where(false())
