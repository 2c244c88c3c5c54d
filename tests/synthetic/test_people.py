"""Tests of synthetic persons: plausible identities and the traps planted for the linker."""

from __future__ import annotations

import random
from collections import defaultdict

import indian_pincode
import pytest

from suraksha.synthetic.people import Person, build_people


@pytest.fixture(scope="module")
def people() -> tuple[Person, ...]:
    """150 persons from a fixed seed."""
    return build_people(random.Random("people-test"), 150)[0]


def test_homes_are_real_pincodes_of_their_district(people: tuple[Person, ...]) -> None:
    for person in people:
        details = indian_pincode.get_details(person.place.pincode)
        assert details is not None
        assert details["state"] == person.place.state
        assert details["districts"] == [person.place.district]


def test_accounts_are_one_to_four_on_distinct_platforms(people: tuple[Person, ...]) -> None:
    for person in people:
        platforms = [a.platform.key for a in person.accounts]
        assert 1 <= len(platforms) <= 4
        assert len(set(platforms)) == len(platforms)
        for account in person.accounts:
            assert account.user_id.isdigit()
            if account.platform.key == "whatsapp":
                assert account.user_id == f"91{person.phones[0]}"


def test_user_ids_are_unique_per_service_but_collide_across_services(
    people: tuple[Person, ...],
) -> None:
    holders: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for person in people:
        for account in person.accounts:
            key = (account.platform.key, person.person_id)
            holders[account.user_id].add(key)
    for held in holders.values():
        services = [service for service, _ in held]
        assert len(services) == len(set(services))  # one holder per service
    collisions = [h for h in holders.values() if len({pid for _, pid in h}) >= 2]
    assert collisions


def test_households_share_a_home_and_line_and_sometimes_a_phone(
    people: tuple[Person, ...],
) -> None:
    by_id = {p.person_id: p for p in people}
    members = [p for p in people if p.household]
    assert members
    shared_phone = False
    for member in members:
        host = by_id[member.household or ""]
        assert member.place == host.place
        assert member.broadband is not None and member.broadband == host.broadband
        shared_phone |= host.phones[0] in member.phones
    assert shared_phone
    lines: dict[str, set[str]] = defaultdict(set)
    for person in people:
        if person.broadband:
            lines[person.broadband].add(person.place.pincode)
    assert all(len(pincodes) == 1 for pincodes in lines.values())  # a line never leaves its home


def test_groups_meet_on_one_platform_every_member_uses() -> None:
    people, groups = build_people(random.Random("groups-test"), 80)
    by_id = {p.person_id: p for p in people}
    assert groups
    for group in groups:
        assert 3 <= len(group.members) <= 12
        for member in group.members:
            person = by_id[member]
            assert person.group == group.group_id
            assert any(a.platform == group.platform for a in person.accounts)


def test_small_corpora_still_hold_namesakes_and_a_household() -> None:
    people, _ = build_people(random.Random(0), 6)
    names = [p.name.full for p in people]
    assert len(set(names)) < len(names)
    assert any(p.household for p in people)
