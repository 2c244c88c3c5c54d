"""The corpus plan: every report decided in memory, before a byte is written.

Planning is cheap (no I/O), so a caller can learn how many reports a corpus will hold before writing
it, and writers stay pure functions of one `ReportPlan`. All randomness comes from generators seeded
by `(seed, topic)`, so one seed gives one corpus on every machine.

    plan_corpus(persons, seed)
      people ── build_people ─────────► persons, groups (the truth)
      drafts ── per person 1–8 reports: account, incident time, type, files
      ids    ── CyberTipline-like numbers in order of receipt
      views  ── per report: what it shows of the account and its files
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from suraksha.errors import UserInputError
from suraksha.synthetic import files, network, views
from suraksha.synthetic.people import Account, Group, Person, build_people
from suraksha.synthetic.platforms import Platform
from suraksha.synthetic.timestamps import CORPUS_SPAN, REFERENCE_INSTANT

INCIDENT_CSAM = "Child Pornography (possession, manufacture, and distribution)"
INCIDENT_ENTICEMENT = "Online Enticement of Children for Sexual Acts"
INCIDENT_UNSOLICITED = "Unsolicited Obscene Material Sent to a Child"

_START = REFERENCE_INSTANT - CORPUS_SPAN
_END = REFERENCE_INSTANT - timedelta(days=31)  # so that receipt (1–3 months on) is before the end


class ReportFormat(StrEnum):
    """How a report is written to disk."""

    ESP_XML = "esp-xml"  # OUT/<reportId>/report.xml + files/<fileId>.xml
    LE_JSON = "le-json"  # OUT/<reportId>.json


@dataclass(frozen=True, slots=True)
class ReportPlan:
    """Everything one report says, decided; writers only serialise it."""

    report_id: int
    person_id: str
    format: ReportFormat
    platform: Platform
    incident_type: str
    incident_at: datetime
    received_at: datetime
    escalation: str | None
    annotations: tuple[str, ...]  # reportAnnotations element names
    reported: views.AccountView
    recipients: tuple[views.AccountView, ...]
    files: tuple[views.FileView, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class CorpusPlan:
    """A whole corpus: the truth (persons, groups) and the reports that hide it."""

    seed: int
    persons: tuple[Person, ...]
    groups: tuple[Group, ...]
    reports: tuple[ReportPlan, ...]
    catalogue: tuple[files.FileItem, ...]

    @property
    def known_files(self) -> tuple[files.FileItem, ...]:
        """Files already in hash banks, in catalogue order."""
        return tuple(item for item in self.catalogue if item.known)


@dataclass(slots=True)
class _Draft:
    person: Person
    account: Account
    incident_at: datetime
    received_at: datetime
    incident_type: str
    in_group: bool
    items: tuple[files.FileItem, ...]
    order: int


def _rng(seed: int, topic: str) -> random.Random:
    return random.Random(f"suraksha-synthetic:{seed}:{topic}")


@dataclass(slots=True)
class _Pools:
    catalogue: files.FileCatalogue
    viral: tuple[files.FileItem, ...]
    circulating: tuple[files.FileItem, ...]
    groups: dict[str, tuple[files.FileItem, ...]]
    stashes: dict[str, tuple[files.FileItem, ...]]

    def pick(
        self, rng: random.Random, person: Person, in_group: bool
    ) -> tuple[files.FileItem, ...]:
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(30, 25, 18, 12, 8, 7))[0]
        chosen: list[files.FileItem] = []
        if person.person_id not in self.stashes:
            self.stashes[person.person_id] = self.catalogue.batch("stash", rng.randint(2, 6))
        for _ in range(count):
            roll = rng.random()
            if in_group and person.group and roll < 0.65:
                item = rng.choice(self.groups[person.group])
            elif roll < 0.1:
                item = rng.choice(self.viral)
            elif roll < 0.35:
                item = rng.choice(self.circulating)
            elif roll < 0.6:
                item = rng.choice(self.stashes[person.person_id])
            else:
                item = self.catalogue.new("fresh")
            if item not in chosen:
                chosen.append(item)
        return tuple(chosen)


def _contact_offenders(rng: random.Random, persons: tuple[Person, ...]) -> set[str]:
    """Persons who also approach children (about 4%, at least one)."""
    able = [p for p in persons if any(a.platform.messaging for a in p.accounts)]
    chosen = {p.person_id for p in able if rng.random() < 0.045}
    if not chosen and able:
        chosen.add(able[len(able) // 2].person_id)
    return chosen


def _draft_reports(
    rng: random.Random, persons: tuple[Person, ...], groups: tuple[Group, ...], pools: _Pools
) -> list[_Draft]:
    by_group = {g.group_id: g for g in groups}
    contact = _contact_offenders(rng, persons)
    span = (_END - _START).total_seconds()
    drafts: list[_Draft] = []
    for person in persons:
        count = rng.choices(range(1, 9), weights=(34, 22, 14, 10, 7, 5, 4, 4))[0]
        favourite = rng.choice(person.accounts)
        group = by_group.get(person.group or "")
        group_account = next(
            (a for a in person.accounts if group and a.platform == group.platform), None
        )
        messaging = [a for a in person.accounts if a.platform.messaging]
        centre = rng.uniform(0, span)
        width = rng.uniform(20, 330) * 86400
        for index in range(count):
            if index == 0 and group_account is not None:
                account = group_account
            elif index == 0 and person.person_id in contact:
                account = rng.choice(messaging)
            else:
                account = favourite if rng.random() < 0.55 else rng.choice(person.accounts)
            offset = centre + rng.uniform(-width / 2, width / 2)
            if not 0.0 <= offset <= span:
                offset = rng.uniform(0, span)
            incident = (_START + timedelta(seconds=offset)).replace(microsecond=0)
            received = incident + timedelta(seconds=rng.randint(30 * 86400, 90 * 86400))
            received = min(received, REFERENCE_INSTANT)
            kind = INCIDENT_CSAM
            if person.person_id in contact and account.platform.messaging:
                forced = index == 0 and group_account is None
                if forced or rng.random() < 0.7:
                    kind = INCIDENT_UNSOLICITED if rng.random() < 0.15 else INCIDENT_ENTICEMENT
            in_group = account is group_account and (index == 0 or rng.random() < 0.85)
            items = pools.pick(rng, person, in_group)
            drafts.append(
                _Draft(person, account, incident, received, kind, in_group, items, len(drafts))
            )
    if not any(d.incident_type == INCIDENT_ENTICEMENT for d in drafts):
        for draft in drafts:
            if draft.person.person_id in contact and draft.account.platform.messaging:
                draft.incident_type = INCIDENT_ENTICEMENT
                break
    return drafts


def _escalation(rng: random.Random, kind: str, annotations: tuple[str, ...]) -> str | None:
    if "sextortion" in annotations and rng.random() < 0.8:
        return "User threatened to distribute the child's images unless paid or sent more."
    if kind == INCIDENT_ENTICEMENT and rng.random() < 0.4:
        return "User attempted to arrange an in-person meeting with the child."
    if kind == INCIDENT_CSAM and rng.random() < 0.02:
        return "Apparent first-generation material; possible ongoing abuse."
    return None


def _linked(rng: random.Random, person: Person, account: Account) -> tuple[views.Linked, ...]:
    """Meta links a user's Instagram and Facebook accounts in its reports, sometimes."""
    pair = {"instagram": "facebook", "facebook": "instagram"}.get(account.platform.key)
    other = next((a for a in person.accounts if a.platform.key == pair), None)
    if other is None or rng.random() >= 0.3:
        return ()
    return (views.Linked(other.platform.service, other.user_id, other.screen_names[-1]),)


def plan_corpus(persons: int, seed: int) -> CorpusPlan:
    """Decide a corpus of reports about `persons` synthetic persons, reproducibly from `seed`."""
    if persons < 1:
        raise UserInputError(f"a corpus needs at least one person, not {persons}: pass 1 or more")
    people, groups = build_people(_rng(seed, "people"), persons)
    rng = _rng(seed, "reports")
    cgnat = network.CgnatPools.build(_rng(seed, "network"), _START - timedelta(days=30), _END)
    catalogue = files.FileCatalogue.empty(_rng(seed, "files"))
    pools = _Pools(
        catalogue=catalogue,
        viral=catalogue.batch("viral", max(5, persons // 30)),
        circulating=catalogue.batch("circulating", max(10, persons // 3)),
        groups={g.group_id: catalogue.batch("group", rng.randint(6, 16)) for g in groups},
        stashes={},
    )
    drafts = _draft_reports(rng, people, groups, pools)
    drafts.sort(key=lambda d: (d.received_at, d.order))
    next_id = rng.randint(182_000_000, 186_000_000)
    ids: list[int] = []
    for _ in drafts:
        next_id += rng.randint(1, 25_000)
        ids.append(next_id)

    group_ids = {g.group_id: g.platform_group_id for g in groups}
    earlier: dict[tuple[str, str], list[int]] = {}
    adult_ids = {(a.platform.key, a.user_id) for p in people for a in p.accounts}
    reports: list[ReportPlan] = []
    for report_id, draft in zip(ids, drafts, strict=True):
        person, account = draft.person, draft.account
        key = (person.person_id, account.platform.key)
        prior = tuple(earlier.get(key, ())) if rng.random() < 0.5 else ()
        earlier.setdefault(key, []).append(report_id)
        reported = views.view_account(
            rng,
            person,
            account,
            incident=draft.incident_at,
            pools=cgnat,
            group_id=group_ids[person.group] if draft.in_group and person.group else None,
            prior_reports=prior[-3:],
            linked=_linked(rng, person, account),
        )
        annotations: tuple[str, ...] = ()
        recipients: tuple[views.AccountView, ...] = ()
        if draft.incident_type != INCIDENT_CSAM:
            if draft.incident_type == INCIDENT_ENTICEMENT and rng.random() < 0.4:
                annotations = ("sextortion",)
            user_id = account.platform.make_user_id(
                rng, f"{rng.randint(6, 9)}{rng.randrange(10**9):09d}"
            )
            while (account.platform.key, user_id) in adult_ids:
                user_id = account.platform.make_user_id(
                    rng, f"{rng.randint(6, 9)}{rng.randrange(10**9):09d}"
                )
            recipients = (views.view_minor(rng, account.platform, user_id, rng.randint(12, 16)),)
        note = None
        if draft.in_group:
            note = "Content was shared in a group conversation with other users."
        elif rng.random() < 0.05:
            note = "Account was reported by another user before automated detection."
        reports.append(
            ReportPlan(
                report_id=report_id,
                person_id=person.person_id,
                format=ReportFormat.ESP_XML if rng.random() < 0.5 else ReportFormat.LE_JSON,
                platform=account.platform,
                incident_type=draft.incident_type,
                incident_at=draft.incident_at,
                received_at=draft.received_at,
                escalation=_escalation(rng, draft.incident_type, annotations),
                annotations=annotations,
                reported=reported,
                recipients=recipients,
                files=views.view_files(
                    rng,
                    draft.items,
                    person=person,
                    platform=account.platform,
                    incident=draft.incident_at,
                    pools=cgnat,
                ),
                note=note,
            )
        )
    return CorpusPlan(seed, people, groups, tuple(reports), tuple(catalogue.items))
