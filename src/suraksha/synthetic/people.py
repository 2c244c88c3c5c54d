"""Synthetic persons, their platform accounts, households and groups: the truth a corpus hides.

    Person ── name, birth date, home (state, district, pincode), phones, mailboxes, handsets,
     │        mobile operators, a broadband line
     ├── Account × 1–4 (one per platform: user id, screen names, registered phone and e-mail)
     └── Group? (about one person in four; members meet on one platform)

Traps planted for identity resolution, each with a known answer in `truth.json`:
- namesakes: unrelated persons with the same full name;
- households: two persons at one address sharing a broadband line and sometimes a phone number;
- user-id collisions: the same digits as user ids on two services, held by different persons.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from suraksha.synthetic import contacts, devices, names, network, places
from suraksha.synthetic.platforms import (
    COLLIDING,
    GROUP_PLATFORMS,
    PLATFORMS,
    Platform,
    by_key,
    make_group_id,
)


@dataclass(frozen=True, slots=True)
class Account:
    """A person's account on one platform."""

    platform: Platform
    user_id: str
    screen_names: tuple[str, ...]  # a second entry is the handle after a rename
    phone: str | None  # national number registered with the platform
    email: str | None  # mailbox registered with the platform, canonical lower case
    devices: tuple[str, ...]  # IMEIs the platform saw
    claimed_birth: date | None  # what the user told the platform, not always the truth


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic person: the ground truth behind the reports that name him."""

    person_id: str
    name: names.PersonName
    birth: date
    place: places.Place
    operators: tuple[str, ...]  # mobile operators, one per SIM
    phones: tuple[str, ...]  # national numbers; a shared household phone comes second
    emails: tuple[str, ...]
    imeis: tuple[str, ...]
    broadband: str | None
    ipv6_prefix: str | None
    accounts: tuple[Account, ...]
    household: str | None  # the person whose home (and line) this person shares
    group: str | None


@dataclass(frozen=True, slots=True)
class Group:
    """A set of persons who trade files in one platform group."""

    group_id: str  # "G01"
    platform: Platform
    platform_group_id: str
    members: tuple[str, ...]


@dataclass(slots=True)
class _Draft:
    person_id: str
    name: names.PersonName
    place: places.Place
    household: str | None
    birth: date = date(2000, 1, 1)
    operators: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    imeis: tuple[str, ...] = ()
    broadband: str | None = None
    ipv6_prefix: str | None = None
    accounts: list[Account] = field(default_factory=list)
    group: str | None = None


def _ensure_namesakes(drafts: list[_Draft]) -> None:
    """Make sure at least two unrelated persons share a full name (always true in real tips)."""
    seen: dict[str, str] = {}
    for draft in drafts:
        if draft.name.full in seen:
            return
        seen[draft.name.full] = draft.person_id
    by_community: dict[names.Community, list[_Draft]] = {}
    for draft in drafts:
        if draft.household is None:
            by_community.setdefault(draft.name.community, []).append(draft)
    for group in by_community.values():
        if len(group) >= 2:
            first, second = group[0], group[1]
            second.name = replace(second.name, given=first.name.given, surname=first.name.surname)
            return


def _draft_people(rng: random.Random, count: int) -> list[_Draft]:
    drafts: list[_Draft] = []
    for index in range(count):
        person_id = f"P{index + 1:04d}"
        hosts = [d for d in drafts[-12:] if d.household is None]
        if hosts and rng.random() < 0.05:
            # A brother or cousin at the same address: same house name and surname.
            host = rng.choice(hosts)
            fresh = names.make_name(rng, host.name.community)
            name = replace(host.name, given=fresh.given)
            drafts.append(_Draft(person_id, name, host.place, host.person_id))
            continue
        state = places.pick_state(rng)
        name = names.make_name(rng, places.pick_community(rng, state))
        drafts.append(_Draft(person_id, name, places.pick_place(rng, state), None))
    if count >= 2 and not any(d.household for d in drafts):
        host, guest = drafts[0], drafts[1]
        fresh = names.make_name(rng, host.name.community)
        guest.household, guest.place = host.person_id, host.place
        guest.name = replace(host.name, given=fresh.given)
    _ensure_namesakes(drafts)
    return drafts


def _contacts(rng: random.Random, drafts: list[_Draft]) -> None:
    taken_mail: set[str] = set()
    taken_phone: set[str] = set()
    taken_line: set[str] = set()
    by_id = {d.person_id: d for d in drafts}
    for draft in drafts:
        draft.birth = date(1976, 1, 1) + timedelta(days=rng.randint(0, 365 * 30))
        operators = [network.pick_operator(rng)]
        if rng.random() < 0.25:
            operators.append(network.pick_operator(rng))
        draft.operators = tuple(operators)
        phones: list[str] = []
        for operator in draft.operators:
            number = contacts.make_mobile(rng, operator)
            while number in taken_phone:
                number = contacts.make_mobile(rng, operator)
            taken_phone.add(number)
            phones.append(number)
        host = by_id[draft.household] if draft.household else None
        if host is not None and rng.random() < 0.5:
            phones = [phones[0], host.phones[0]]  # the family phone, registered to two people
        draft.phones = tuple(phones)
        words = (*draft.name.given, draft.name.surname or draft.name.house or "")
        emails = []
        if rng.random() < 0.95:
            emails.append(contacts.make_email(rng, words, taken_mail, gmail=True))
        if not emails or rng.random() < 0.3:
            emails.append(contacts.make_email(rng, words, taken_mail, gmail=False))
        draft.emails = tuple(emails)
        if rng.random() < 0.4:
            draft.imeis = tuple(devices.make_imei(rng) for _ in range(rng.choice((1, 1, 2))))
        if host is not None:
            draft.broadband = host.broadband or network.make_broadband(
                rng, draft.place.state, taken_line
            )
            host.broadband = draft.broadband
        elif rng.random() < 0.6:
            draft.broadband = network.make_broadband(rng, draft.place.state, taken_line)
        if rng.random() < 0.3:
            draft.ipv6_prefix = network.make_ipv6_prefix(rng, draft.operators[0])


def _screen_name(rng: random.Random, name: names.PersonName, taken: set[str]) -> str:
    stem = names.handle_stem(rng, name)
    # Up to 999 numbered handles a stem on a platform; beyond ~40,000 persons the popular stems
    # fill them and the draw would loop for ever, so after many misses numbers grow longer (as
    # platforms suggest). Small corpora never reach it: their handles are unchanged.
    for attempt in itertools.count():
        top = 999 if attempt < 200 else 10 ** (4 + attempt // 1000) - 1
        candidate = stem if rng.random() < 0.3 else f"{stem}{rng.randint(1, top)}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def _open_account(
    rng: random.Random,
    draft: _Draft,
    platform: Platform,
    taken_ids: dict[str, set[str]],
    taken_names: dict[str, set[str]],
) -> Account:
    ids = taken_ids.setdefault(platform.key, set())
    user_id = platform.make_user_id(rng, draft.phones[0])
    while user_id in ids:
        user_id = platform.make_user_id(rng, draft.phones[0])
    ids.add(user_id)
    handles = taken_names.setdefault(platform.key, set())
    screen_names = [_screen_name(rng, draft.name, handles)]
    if rng.random() < 0.15:
        screen_names.append(_screen_name(rng, draft.name, handles))
    gmail = [e for e in draft.emails if e.endswith("@gmail.com")]
    if platform.key == "google" and gmail:
        email: str | None = gmail[0]
    else:
        email = rng.choice(draft.emails) if rng.random() < 0.75 else None
    phone = draft.phones[0] if platform.key == "whatsapp" else rng.choice(draft.phones)
    shown_devices = draft.imeis if platform.reports_devices else ()
    roll = rng.random()
    if roll < 0.65:
        claimed: date | None = draft.birth
    elif roll < 0.85:
        claimed = date(rng.randint(1988, 2001), rng.choice((1, 1, 6, 12)), 1)  # made up at signup
    else:
        claimed = None
    return Account(platform, user_id, tuple(screen_names), phone, email, shown_devices, claimed)


@dataclass(slots=True)
class _Registry:
    """Values already handed out per platform, so user ids and handles stay unique."""

    ids: dict[str, set[str]]
    handles: dict[str, set[str]]


def _accounts(rng: random.Random, drafts: list[_Draft]) -> _Registry:
    taken_ids: dict[str, set[str]] = {}
    taken_names: dict[str, set[str]] = {}
    for draft in drafts:
        count = rng.choices((1, 2, 3, 4), weights=(35, 32, 21, 12))[0]
        chosen: list[Platform] = []
        while len(chosen) < count:
            platform = rng.choices(PLATFORMS, weights=[p.weight for p in PLATFORMS])[0]
            if platform not in chosen:
                chosen.append(platform)
        draft.accounts = [_open_account(rng, draft, p, taken_ids, taken_names) for p in chosen]
        if len(draft.phones) > 1 and draft.household:
            # The shared family phone is the one this person registered on some platform.
            for index, account in enumerate(draft.accounts):
                if account.platform.key != "whatsapp":
                    draft.accounts[index] = replace(account, phone=draft.phones[1])
                    break
    _plant_collisions(rng, drafts, taken_ids)
    return _Registry(taken_ids, taken_names)


def _plant_collisions(
    rng: random.Random, drafts: list[_Draft], taken_ids: dict[str, set[str]]
) -> None:
    """Give a few accounts on different services the same numeric id, held by different people."""
    pairs = [
        (d, i) for d in drafts for i, a in enumerate(d.accounts) if a.platform.key in COLLIDING
    ]
    wanted = max(2, len(drafts) // 60)
    for _ in range(wanted * 10):
        if wanted == 0 or len(pairs) < 2:
            return
        (d1, i1), (d2, i2) = rng.sample(pairs, 2)
        a1, a2 = d1.accounts[i1], d2.accounts[i2]
        if d1 is d2 or a1.platform == a2.platform or a1.user_id in taken_ids[a2.platform.key]:
            continue
        taken_ids[a2.platform.key].add(a1.user_id)
        d2.accounts[i2] = replace(a2, user_id=a1.user_id)
        wanted -= 1


def _groups(rng: random.Random, drafts: list[_Draft], registry: _Registry) -> list[Group]:
    """Put about a quarter of persons into groups of 3 to 12 members."""
    budget = round(len(drafts) * 0.25)
    candidates = list(drafts)
    rng.shuffle(candidates)
    keys = [key for key, _ in GROUP_PLATFORMS]
    weights = [weight for _, weight in GROUP_PLATFORMS]
    groups: list[Group] = []
    while budget >= 3 and len(candidates) >= 3:
        size = min(rng.randint(3, 12), budget, len(candidates))
        members, candidates = candidates[:size], candidates[size:]
        budget -= size
        platform = by_key(rng.choices(keys, weights=weights)[0])
        group_id = f"G{len(groups) + 1:02d}"
        for member in members:
            member.group = group_id
            if not any(a.platform == platform for a in member.accounts):
                account = _open_account(rng, member, platform, registry.ids, registry.handles)
                if len(member.accounts) >= 4:  # nobody holds more than four: trade one in
                    member.accounts.pop()
                member.accounts.append(account)
        ids = sorted(m.person_id for m in members)
        groups.append(Group(group_id, platform, make_group_id(rng, platform), tuple(ids)))
    return groups


def build_people(rng: random.Random, count: int) -> tuple[tuple[Person, ...], tuple[Group, ...]]:
    """Draw `count` persons with contacts, accounts, households and groups."""
    drafts = _draft_people(rng, count)
    _contacts(rng, drafts)
    registry = _accounts(rng, drafts)
    groups = _groups(rng, drafts, registry)
    persons = tuple(
        Person(
            person_id=d.person_id,
            name=d.name,
            birth=d.birth,
            place=d.place,
            operators=d.operators,
            phones=d.phones,
            emails=d.emails,
            imeis=d.imeis,
            broadband=d.broadband,
            ipv6_prefix=d.ipv6_prefix,
            accounts=tuple(d.accounts),
            household=d.household,
            group=d.group,
        )
        for d in drafts
    )
    return persons, tuple(groups)
