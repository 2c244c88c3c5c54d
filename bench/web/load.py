"""Virtual users for the web benchmark: signed in through the real form, then reading subjects.

    Seat            who a virtual user is: an admin (every subject), a state analyst (a state),
                    or a district officer (a district) — created by `make_users`
    VirtualUser     one signed-in httpx client and its own random sequence of requests
    drive(...)      `concurrency` workers, each serving its users round-robin, for `seconds`:
                    with concurrency 1 one worker serves every user in turn (the same mix,
                    one request at a time: the baseline the concurrency cost is read against)
    Sample          latencies of one request kind, with p50 / p95 / p99

Every request kind is a page (`/subjects`, `/subjects/{id}`) or its JSON twin (`/api/subjects`,
`/api/subjects/{id}`); list requests take one of `LIST_VARIANTS` (default order, a district,
a minimum priority, a freshness window, sorted by deadline, a deep page). A user's subjects for
profiles are drawn from its own list, through the API, so each profile is one it may see.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import httpx
import pyotp
from sqlalchemy import func, select

from suraksha.config import Settings
from suraksha.intel.models import SubjectJurisdiction
from suraksha.security.policy import Role
from suraksha.security.secrets import SecretBox
from suraksha.security.users import add_user, enrol_totp
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine

PASSWORD: Final = "monsoon ferry tamarind bench"  # noqa: S105 (synthetic accounts')
_CSRF: Final = re.compile(r'name="csrf_token" value="([^"]+)"')
KINDS: Final = ("page list", "page profile", "api list", "api profile")
KIND_WEIGHTS: Final = (3, 3, 2, 2)
LIST_VARIANTS: Final = ("default", "district", "priority", "freshness", "deadline", "deep")
VARIANT_WEIGHTS: Final = (3, 2, 1, 1, 1, 2)
DEEP_PAGE: Final = 100  # subjects a deep page shows (the page cap)
MAX_OFFSET: Final = 100_000  # intel.worklist.MAX_OFFSET
PROFILE_POOL: Final = 400  # subject ids each user draws its profiles from


@dataclass(frozen=True, slots=True)
class Seat:
    """Who a virtual user signs in as."""

    name: str
    role: Role
    state: str | None = None
    district: str | None = None
    totp_secret: str | None = None

    @property
    def label(self) -> str:
        """The seat's role and reach, for the report."""
        reach = self.district or self.state or "all"
        return f"{self.role.value} ({reach.title() if reach != 'all' else reach})"


@dataclass(slots=True)
class Sample:
    """Latencies (seconds) of one request kind in one phase, and its failures."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    def percentile(self, share: float) -> float:
        """The `share` percentile (nearest rank), in milliseconds; NaN when empty."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(share * len(ordered)))
        return ordered[rank - 1] * 1000.0


@dataclass(slots=True)
class PhaseResult:
    """What one phase measured: samples per kind (and per list variant), and its wall time."""

    name: str
    concurrency: int
    seconds: float
    think: float = 0.0  # mean pause of a user between its requests, seconds
    kinds: dict[str, Sample] = field(default_factory=dict)
    variants: dict[str, Sample] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """Every completed request of the phase."""
        return sum(len(s.latencies) for s in self.kinds.values())

    def overall(self) -> Sample:
        """Every request of the phase as one sample."""
        return Sample([x for s in self.kinds.values() for x in s.latencies],
                      sum(s.failures for s in self.kinds.values()))  # fmt: skip


def places(settings: Settings, districts: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The two states and the `districts` districts routing gave the most subjects (the
    benchmark's heaviest jurisdictions after the whole country)."""
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            count = func.count()
            states = session.execute(
                select(SubjectJurisdiction.state, count)
                .where(SubjectJurisdiction.state.is_not(None))
                .group_by(SubjectJurisdiction.state)
                .order_by(count.desc(), SubjectJurisdiction.state)
                .limit(2)
            ).all()
            found = session.execute(
                select(SubjectJurisdiction.state, SubjectJurisdiction.district, count)
                .where(SubjectJurisdiction.district.is_not(None))
                .group_by(SubjectJurisdiction.state, SubjectJurisdiction.district)
                .order_by(count.desc(), SubjectJurisdiction.district)
                .limit(districts)
            ).all()
    finally:
        engine.dispose()
    return [str(s) for s, _ in states], [(str(s), str(d)) for s, d, _ in found]


def make_users(settings: Settings, run: str, count: int, *, districts: int = 7) -> list[Seat]:
    """`count` accounts for this run (names carry `run`; names are never reused), taking in turn
    the places of an admin, an analyst of each of the two largest states and an officer of each
    of the `districts` largest districts: one account a virtual user, since a TOTP code is
    accepted once. Admins and analysts get a TOTP secret (their roles require one), issued as
    `suraksha users add` issues it."""
    states, district_places = places(settings, districts)
    wanted: list[tuple[Role, str | None, str | None]] = [(Role.ADMIN, None, None)]
    wanted += [(Role.STATE_ANALYST, state, None) for state in states]
    wanted += [(Role.DISTRICT_OFFICER, state, district) for state, district in district_places]
    box = SecretBox.from_settings(settings)
    seats: list[Seat] = []
    engine = open_engine(settings)
    try:
        with transaction(engine) as session:
            for number in range(count):
                role, state, district = wanted[number % len(wanted)]
                name = f"bench-{run}-{number:02d}"
                user = add_user(session, name, role, by="cli:bench", state=state,
                                district=district, password=PASSWORD)  # fmt: skip
                secret = None
                if role in (Role.ADMIN, Role.STATE_ANALYST):
                    secret = enrol_totp(session, user, by="cli:bench", box=box).secret
                seats.append(Seat(name, role, state, district, secret))
    finally:
        engine.dispose()
    return seats


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of a page's first form."""
    found = _CSRF.search(page.text)
    if found is None:
        raise RuntimeError(f"no CSRF field on {page.url} ({page.status_code})")
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, seat: Seat) -> None:
    """Sign in through the form, answering the second-factor (or enrolment) step with a code."""
    page = await client.get("/signin")
    answer = await client.post(
        "/signin", data={"name": seat.name, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    location = answer.headers.get("location", "")
    if location.startswith(("/signin/code", "/signin/enrol")):
        if seat.totp_secret is None:
            raise RuntimeError(f"{seat.name} was asked for a code it has no secret for")
        step = await client.get(location)
        answer = await client.post(
            location.split("?")[0],
            data={"code": pyotp.TOTP(seat.totp_secret).now(), "csrf_token": csrf_of(step)},
        )
        location = answer.headers.get("location", "")
    if answer.status_code != 303 or location.startswith("/signin"):
        raise RuntimeError(f"{seat.name} could not sign in: {answer.status_code} → {location!r}")


class VirtualUser:
    """A signed-in person with a reproducible sequence of subject requests."""

    def __init__(
        self,
        seat: Seat,
        client: httpx.AsyncClient,
        seed: int,
        districts: Sequence[str],
        skip: Sequence[str] = (),
    ) -> None:
        self.seat = seat
        self.client = client
        self.rng = random.Random(seed)
        self.districts = districts  # what an admin or analyst filters by
        chosen = [(v, w) for v, w in zip(LIST_VARIANTS, VARIANT_WEIGHTS, strict=True)
                  if v not in skip]  # fmt: skip
        self.variants = [variant for variant, _ in chosen]
        self.variant_weights = [weight for _, weight in chosen]
        self.total = 0
        self.exact = True  # False: the reach is longer than `total` (past MAX_OFFSET)
        self.subjects: list[str] = []

    async def prepare(self) -> None:
        """Learn the size of the user's list and draw the subjects its profiles will read."""
        # The list counts exactly only as far as two pages past the one asked for (and at least
        # 1,000): asked at the deepest offset, it counts the whole reach, or says it is longer.
        first = (
            await self.client.get("/api/subjects", params={"limit": 1, "offset": MAX_OFFSET})
        ).json()
        self.total = int(first["total"])
        self.exact = bool(first["total_exact"])
        reachable = min(self.total, MAX_OFFSET)
        pages = max(1, PROFILE_POOL // DEEP_PAGE)
        for _ in range(pages):
            offset = self.rng.randrange(max(1, reachable - DEEP_PAGE + 1))
            found = await self.client.get("/api/subjects", params={"limit": DEEP_PAGE,
                                                                   "offset": offset})  # fmt: skip
            self.subjects += [item["subject_id"] for item in found.json()["items"]]
        self.subjects = sorted(set(self.subjects))
        if not self.subjects:
            raise RuntimeError(f"{self.seat.name} sees no subject: nothing to benchmark")

    def next_request(self) -> tuple[str, str, str, dict[str, str | int]]:
        """(kind, list variant or "", path, query) of the user's next request."""
        kind = self.rng.choices(KINDS, KIND_WEIGHTS)[0]
        api = kind.startswith("api")
        if kind.endswith("profile"):
            subject = self.rng.choice(self.subjects)
            return kind, "", f"/api/subjects/{subject}" if api else f"/subjects/{subject}", {}
        variant = self.rng.choices(self.variants, self.variant_weights)[0]
        if variant == "district" and not (self.seat.district or self.districts):
            variant = "default"  # no district has subjects yet (a tiny workspace)
        query: dict[str, str | int] = {}
        if variant == "district":
            query["district"] = self.seat.district or self.rng.choice(self.districts)
        elif variant == "priority":
            query["min_priority"] = self.rng.choice((20, 50, 100))
        elif variant == "freshness":
            query["due_within"] = self.rng.choice((30, 90, 365))
        elif variant == "deadline":
            query["order"] = "deadline"
        elif variant == "deep":
            reachable = min(self.total, MAX_OFFSET)
            query["limit"] = DEEP_PAGE
            query["offset"] = self.rng.randrange(max(1, reachable - DEEP_PAGE + 1))
        return kind, variant, "/api/subjects" if api else "/subjects", query


async def open_users(
    base: str, seats: Sequence[Seat], seed: int, skip: Sequence[str] = ()
) -> list[VirtualUser]:
    """A signed-in virtual user on each seat, each with its subjects drawn; list variants in
    `skip` are left out of their mix."""
    districts = sorted({s.district for s in seats if s.district})
    users: list[VirtualUser] = []
    for number, seat in enumerate(seats):
        limits = httpx.Limits(max_connections=1)
        client = httpx.AsyncClient(base_url=base, timeout=120.0, limits=limits)
        await sign_in(client, seat)
        user = VirtualUser(seat, client, seed * 1000 + number, districts, skip)
        await user.prepare()
        users.append(user)
    return users


async def drive(
    users: Sequence[VirtualUser],
    concurrency: int,
    seconds: float,
    name: str,
    *,
    think: float = 0.0,
) -> PhaseResult:
    """Run the users' request sequences with `concurrency` workers for `seconds`.

    With `think` 0 every worker sends its next request as soon as the last one is answered:
    `concurrency` requests always in flight. With `think` > 0 each user pauses between its
    requests (uniform from half to one and a half times `think` seconds), as a person reads a
    page before the next: fewer requests in flight, the same number of users.
    """
    result = PhaseResult(name, concurrency, seconds, think)
    deadline = time.perf_counter() + seconds

    async def worker(mine: Sequence[VirtualUser]) -> None:
        turn = 0
        while time.perf_counter() < deadline:
            user = mine[turn % len(mine)]
            turn += 1
            kind, variant, path, query = user.next_request()
            started = time.perf_counter()
            response = await user.client.get(path, params=query)
            elapsed = time.perf_counter() - started
            for bucket in (result.kinds, result.variants if variant else None):
                if bucket is None:
                    continue
                key = kind if bucket is result.kinds else f"{kind.split()[0]} {variant}"
                sample = bucket.setdefault(key, Sample())
                if response.status_code == 200:
                    sample.latencies.append(elapsed)
                else:
                    sample.failures += 1
            if think > 0:
                await asyncio.sleep(user.rng.uniform(think / 2, think * 1.5))

    started = time.perf_counter()
    await asyncio.gather(*(worker(users[i::concurrency]) for i in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


async def drive_static(base: str, concurrency: int, seconds: float, path: str) -> PhaseResult:
    """The server's floor: `concurrency` clients fetching one static file for `seconds`."""
    result = PhaseResult(f"static {path}", concurrency, seconds)
    sample = result.kinds.setdefault("static file", Sample())
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120.0) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                if response.status_code == 200:
                    sample.latencies.append(time.perf_counter() - started)
                else:
                    sample.failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result
