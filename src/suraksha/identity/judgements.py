"""Analysts' judgements: two accounts (or two subjects) are the same person, different, or unsure.

A judgement is a person's decision and outranks every rule of the linker: on every `resolve`,
`same` joins the two sides into one subject and `different` keeps them apart (the linker refuses
any link that would join them, and records the refusal). `unsure` is kept and shown and changes
nothing, except that, like any later judgement on the same pair, it supersedes the earlier one.
Nothing is ever updated or deleted, so the history of a pair (who merged, who split, and why) is
never lost.

The durable unit is the account: subject ids may change as evidence arrives, an account id never
does (it is derived from the tip and the account's place in it, and survives a tip's new version).
So a judgement stores accounts. Given a subject id, it stores all of the subject's accounts at that
moment as that side, and names the pair by the subject's smallest account id:

    judge A B same|different|unsure
      A = account id   → side A = {A}                           pair = (min, max) of the
      A = subject id   → side A = the subject's accounts now    two representative accounts

When one side is an account of the other side's subject (`judge ACCOUNT SUBJECT different`), that
account is taken out of the other side: "this account is not the rest of that subject".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.identity.models import Judgement
from suraksha.identity.subjects import members_of
from suraksha.intake.accounts import account_views
from suraksha.intake.records import AccountRole


class Decision(StrEnum):
    """What an analyst decided about two accounts."""

    SAME = "same"  # one person: the linker joins them whatever the evidence
    DIFFERENT = "different"  # two persons: the linker never puts them in one subject
    UNSURE = "unsure"  # recorded and shown; changes nothing (and lifts an earlier decision)


@dataclass(frozen=True, slots=True)
class JudgementView:
    """One judgement as stored, and whether a later one on the same pair superseded it."""

    id: int
    account_a: str
    account_b: str
    accounts_a: tuple[str, ...]
    accounts_b: tuple[str, ...]
    given_a: str
    given_b: str
    decision: Decision
    reason: str
    analyst: str
    created_at: datetime
    superseded_by: int | None = None

    @property
    def current(self) -> bool:
        """True when no later judgement on the same pair replaced this one."""
        return self.superseded_by is None

    @property
    def accounts(self) -> frozenset[str]:
        """Every account either side stood for."""
        return frozenset(self.accounts_a) | frozenset(self.accounts_b)

    def describe(self) -> str:
        """One line for listings: `judgement 7: A different B (by asha, 2026-10-01)`."""
        return (
            f"judgement {self.id}: {self.given_a} {self.decision.value} {self.given_b} "
            f"(by {self.analyst}, {self.created_at:%Y-%m-%d %H:%M} UTC)"
        )


@dataclass(frozen=True, slots=True)
class _Side:
    given: str
    representative: str
    accounts: tuple[str, ...]


def record_judgement(
    session: Session,
    first: str,
    second: str,
    decision: Decision,
    *,
    reason: str,
    analyst: str,
) -> JudgementView:
    """Store a judgement on two account or subject ids; a UserInputError says what is wrong.

    Only reported accounts can be judged: intended recipients and victims never become subjects.
    It takes effect at the next `resolve`.
    """
    if not reason.strip():
        raise UserInputError(
            "A judgement needs a reason (--reason TEXT): it is what a later reader, or a court, "
            "will ask for."
        )
    if not analyst.strip():
        raise UserInputError("A judgement needs the analyst's name: pass --analyst NAME.")
    if first.strip() == second.strip():
        raise UserInputError(f"Both ids are {first!r}: judge two different accounts or subjects.")
    a, b = _side(session, first.strip()), _side(session, second.strip())
    if set(a.accounts) <= set(b.accounts) or set(b.accounts) <= set(a.accounts):
        small, large = (a, b) if len(a.accounts) <= len(b.accounts) else (b, a)
        rest = tuple(x for x in large.accounts if x not in small.accounts)
        if not rest:
            raise UserInputError(
                f"{small.given} and {large.given} are the same single account: nothing to judge."
            )
        # "This account is not (or is) the rest of that subject."
        large = _Side(large.given, min(rest), rest)
        a, b = (small, large) if small is a else (large, small)
    elif set(a.accounts) & set(b.accounts):
        shared = set(a.accounts) & set(b.accounts)
        a = _Side(a.given, a.representative, tuple(x for x in a.accounts if x not in shared))
        b = _Side(b.given, b.representative, tuple(x for x in b.accounts if x not in shared))
    if a.representative > b.representative:
        a, b = b, a
    row = Judgement(
        account_a=a.representative,
        account_b=b.representative,
        accounts_a=list(a.accounts),
        accounts_b=list(b.accounts),
        given_a=a.given,
        given_b=b.given,
        decision=decision.value,
        reason=reason.strip(),
        analyst=analyst.strip(),
    )
    session.add(row)
    session.flush()
    return _view(row, None)


def _side(session: Session, given: str) -> _Side:
    """The accounts an id stands for: a reported account, or every account of a subject."""
    members = members_of(session, given)
    if members:
        return _Side(given, members[0], tuple(members))
    views = account_views(session, [given])
    if views and views[0].role == AccountRole.REPORTED.value:
        return _Side(given, given, (given,))
    if views:
        raise UserInputError(
            f"{given} is an account in the role {views[0].role!r}; only reported accounts become "
            "subjects, so only they can be judged."
        )
    raise UserInputError(
        f"No account or subject {given!r}. Subject ids come from `suraksha subjects`; account ids "
        "are listed by `suraksha subject SUBJECT_ID`."
    )


def all_judgements(session: Session) -> list[JudgementView]:
    """Every judgement ever made, oldest first, each marked with what superseded it.

    Judgements are made by people one at a time (thousands, not millions), so they are read whole.
    """
    rows = list(session.scalars(select(Judgement).order_by(Judgement.id)))
    latest: dict[tuple[str, str], int] = {}
    for row in rows:
        latest[(row.account_a, row.account_b)] = row.id
    views: list[JudgementView] = []
    for row in rows:
        newest = latest[(row.account_a, row.account_b)]
        views.append(_view(row, newest if newest != row.id else None))
    return views


def current_judgements(session: Session) -> list[JudgementView]:
    """The judgement in force on each pair (the latest), oldest first."""
    return [view for view in all_judgements(session) if view.current]


def judgements_touching(session: Session, account_ids: Iterable[str]) -> list[JudgementView]:
    """Every judgement (current or superseded) whose sides include any of the accounts."""
    wanted = set(account_ids)
    return [view for view in all_judgements(session) if view.accounts & wanted]


def pair_history(session: Session, judgement: JudgementView) -> list[JudgementView]:
    """Every judgement on the same pair as this one, oldest first (this one included)."""
    pair = (judgement.account_a, judgement.account_b)
    return [view for view in all_judgements(session) if (view.account_a, view.account_b) == pair]


def latest_judgement_id(session: Session) -> int | None:
    """The id of the newest judgement, or None when there is none."""
    return session.scalar(select(func.max(Judgement.id)))


def _view(row: Judgement, superseded_by: int | None) -> JudgementView:
    return JudgementView(
        id=row.id,
        account_a=row.account_a,
        account_b=row.account_b,
        accounts_a=tuple(str(x) for x in row.accounts_a),
        accounts_b=tuple(str(x) for x in row.accounts_b),
        given_a=row.given_a,
        given_b=row.given_b,
        decision=Decision(row.decision),
        reason=row.reason,
        analyst=row.analyst,
        created_at=row.created_at,
        superseded_by=superseded_by,
    )
