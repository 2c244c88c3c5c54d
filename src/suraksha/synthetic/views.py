"""What one report shows of an account and its files: a random, partial, differently-written view.

No report shows everything a platform knows. Each view draws a subset of the account's identifiers
(user id almost always; phone, e-mail, name, birth date only sometimes), writes each in one of its
textual forms or masks it, and adds IP captures that follow the CGNAT model of `network`. Linking a
person's reports therefore needs chains through shared values across reports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from suraksha.synthetic import contacts, devices, files, names, network, places
from suraksha.synthetic.people import Account, Person
from suraksha.synthetic.platforms import Platform
from suraksha.synthetic.timestamps import REFERENCE_INSTANT

# A renamed account shows its old handle before this instant and the new one after.
_RENAME_AT = REFERENCE_INSTANT - timedelta(days=270)


@dataclass(frozen=True, slots=True)
class IpCapture:
    """An IP capture event as the platform logged it (instants are UTC; renderers add zones)."""

    address: str
    event: str  # Login | Registration | Upload | Other
    at: datetime
    port: int | None
    possible_proxy: bool | None = None


@dataclass(frozen=True, slots=True)
class DeviceSighting:
    """A device identifier the platform saw on the account."""

    id_type: str
    value: str
    event: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Shown:
    """A phone number or e-mail address as written in one report (maybe masked)."""

    value: str
    verified: bool | None


@dataclass(frozen=True, slots=True)
class ShownAddress:
    """A postal address as written in one report; parts may be missing or respelled."""

    street: str
    city: str
    state: str
    postal_code: str | None
    country: str


@dataclass(frozen=True, slots=True)
class Linked:
    """Another account the platform links to the reported one (Meta's Facebook ↔ Instagram)."""

    service: str
    user_id: str
    screen_name: str | None


@dataclass(frozen=True, slots=True)
class AccountView:
    """One report's picture of an account (reported person or intended recipient)."""

    service: str
    user_id: str | None
    screen_name: str | None
    display_name: str | None
    first_name: str | None
    middle_name: str | None
    last_name: str | None
    birth: date | None
    age: int | None
    phones: tuple[Shown, ...] = ()
    emails: tuple[Shown, ...] = ()
    addresses: tuple[ShownAddress, ...] = ()
    profile_url: str | None = None
    ip_captures: tuple[IpCapture, ...] = ()
    devices: tuple[DeviceSighting, ...] = ()
    group_id: str | None = None
    estimated_location: tuple[str, str] | None = None  # (city, region); country is IN
    prior_reports: tuple[int, ...] = ()
    linked: tuple[Linked, ...] = ()


@dataclass(frozen=True, slots=True)
class FileView:
    """One file as one report names it."""

    file_id: str
    item: files.FileItem
    file_name: str
    original_name: str
    uploaded_at: datetime
    viewed: bool | None
    classification: str | None
    with_sha1: bool
    annotations: tuple[str, ...]  # fileAnnotations element names, in schema order
    ip_capture: IpCapture | None
    public: bool | None
    exif: tuple[tuple[str, str], ...]
    url: str | None


def _verified(rng: random.Random) -> bool | None:
    return rng.choice((True, True, False, None))


def _show_phone(rng: random.Random, number: str) -> Shown:
    if rng.random() < 0.08:
        return Shown(contacts.mask_phone(rng, number), None)
    return Shown(contacts.phone_form(rng, number), _verified(rng))


def _show_email(rng: random.Random, address: str) -> Shown:
    if rng.random() < 0.08:
        return Shown(contacts.mask_email(rng, address), None)
    return Shown(contacts.email_form(rng, address), _verified(rng))


def _address(rng: random.Random, place: places.Place) -> ShownAddress:
    city = rng.choice(places.CITY_SPELLINGS.get(place.city, (place.city,)))
    state = rng.choice(places.STATE_SPELLINGS.get(place.state, (place.state.title(),)))
    postal = place.pincode if rng.random() < 0.75 else None
    street = place.street if rng.random() < 0.8 else place.street.split(", ")[-1]
    return ShownAddress(street, city, state, postal, "IN")


def capture(
    rng: random.Random,
    person: Person,
    pools: network.CgnatPools,
    event: str,
    at: datetime,
) -> IpCapture:
    """One IP capture of the person at about `at`: mostly a shared CGNAT address with a port."""
    roll = rng.random()
    if person.broadband and roll < 0.28:
        return IpCapture(person.broadband, event, at, None)
    if person.ipv6_prefix and roll < 0.4:
        return IpCapture(network.ipv6_address(rng, person.ipv6_prefix), event, at, None)
    if roll > 0.975:
        exit_port = network.cgnat_port(rng)
        return IpCapture(rng.choice(network.VPN_EXITS), event, at, exit_port, True)
    address = rng.choice(pools.pool(rng.choice(person.operators), person.place.state))
    # A login may be pulled to a busy moment on its address; an upload stays at its file's time.
    busy = [a for a in pools.anchors[address] if abs((a - at).total_seconds()) < 12 * 86400]
    if event != "Upload" and busy and rng.random() < 0.5:
        at = rng.choice(busy) + timedelta(seconds=rng.randint(-600, 600))
    port = network.cgnat_port(rng) if rng.random() < 0.92 else None
    proxy = False if rng.random() < 0.1 else None
    return IpCapture(address, event, at, port, proxy)


def _captures(
    rng: random.Random, person: Person, pools: network.CgnatPools, incident: datetime
) -> tuple[IpCapture, ...]:
    if rng.random() < 0.15:
        return ()
    out: list[IpCapture] = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(40, 30, 20, 10))[0]):
        roll = rng.random()
        if roll < 0.1:
            event, at = "Registration", incident - timedelta(days=rng.uniform(100, 700))
        elif roll < 0.25:
            event, at = "Upload", incident - timedelta(seconds=rng.randint(0, 7200))
        elif roll < 0.28:
            event, at = "Other", incident - timedelta(days=rng.uniform(0, 5))
        else:
            event, at = "Login", incident - timedelta(seconds=rng.randint(0, 20 * 86400))
        out.append(capture(rng, person, pools, event, at.replace(microsecond=0)))
    return tuple(sorted(out, key=lambda c: c.at))


def view_account(
    rng: random.Random,
    person: Person,
    account: Account,
    *,
    incident: datetime,
    pools: network.CgnatPools,
    group_id: str | None,
    prior_reports: tuple[int, ...],
    linked: tuple[Linked, ...],
) -> AccountView:
    """The reported account as one report shows it."""
    platform = account.platform
    handle = account.screen_names[0] if incident < _RENAME_AT else account.screen_names[-1]
    display = names.render_name(rng, person.name) if rng.random() < 0.6 else None
    first = middle = last = None
    if display and rng.random() < 0.75:
        first, middle, last = names.split_name(display)
    phones: list[Shown] = []
    if account.phone and rng.random() < (0.7 if platform.key == "whatsapp" else 0.42):
        phones.append(_show_phone(rng, account.phone))
    others = [p for p in person.phones if p != account.phone]
    if others and rng.random() < 0.1:
        phones.append(_show_phone(rng, rng.choice(others)))
    emails: list[Shown] = []
    if account.email and rng.random() < (0.9 if platform.key == "google" else 0.45):
        emails.append(_show_email(rng, account.email))
    spare = [e for e in person.emails if e != account.email]
    if spare and rng.random() < 0.06:
        emails.append(_show_email(rng, rng.choice(spare)))
    billing = platform.key in ("facebook", "google", "microsoft")
    addresses = (_address(rng, person.place),) if rng.random() < (0.14 if billing else 0.03) else ()
    birth = account.claimed_birth if rng.random() < 0.2 else None
    age = None
    if birth is None and rng.random() < 0.08:
        age = (incident.date() - (account.claimed_birth or person.birth)).days // 365
    sightings = tuple(
        DeviceSighting("IMEI", imei, "Login", incident - timedelta(seconds=rng.randint(60, 86400)))
        for imei in account.devices
        if rng.random() < 0.45
    )
    location = None
    if rng.random() < 0.3:
        own = (person.place.city, person.place.state.title())
        location = own if rng.random() < 0.55 else places.hub_city(person.place.state)
    return AccountView(
        service=platform.service,
        user_id=account.user_id if rng.random() < 0.96 else None,
        screen_name=handle if rng.random() < 0.75 else None,
        display_name=display,
        first_name=first,
        middle_name=middle,
        last_name=last,
        birth=birth,
        age=age,
        phones=tuple(phones),
        emails=tuple(emails),
        addresses=addresses,
        profile_url=platform.url_for(handle, account.user_id) if rng.random() < 0.5 else None,
        ip_captures=_captures(rng, person, pools, incident),
        devices=sightings,
        group_id=group_id,
        estimated_location=location,
        prior_reports=prior_reports,
        linked=linked,
    )


def view_minor(rng: random.Random, platform: Platform, user_id: str, age: int) -> AccountView:
    """A synthetic child account an enticement report names as intended recipient."""
    first = names.minor_first_name(rng)
    handle = f"{first.lower()}_{rng.randint(1, 999)}" if rng.random() < 0.7 else None
    return AccountView(
        service=platform.service,
        user_id=user_id if rng.random() < 0.9 else None,
        screen_name=handle,
        display_name=first if rng.random() < 0.5 else None,
        first_name=first if rng.random() < 0.6 else None,
        middle_name=None,
        last_name=None,
        birth=None,
        age=age if rng.random() < 0.75 else None,
    )


def _file_id(rng: random.Random) -> str:
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def view_files(
    rng: random.Random,
    items: tuple[files.FileItem, ...],
    *,
    person: Person,
    platform: Platform,
    incident: datetime,
    pools: network.CgnatPools,
) -> tuple[FileView, ...]:
    """The report's files with what the platform said about each."""
    out: list[FileView] = []
    for index, item in enumerate(items, start=1):
        uploaded = (incident - timedelta(seconds=rng.randint(0, 6 * 3600))).replace(microsecond=0)
        viewed = rng.choices((True, False, None), weights=(7, 2, 1))[0]
        annotations: tuple[str, ...] = ()
        if item.pool == "viral" and rng.random() < 0.7:
            annotations = ("potentialMeme", "viral")
        elif rng.random() < 0.05:
            annotations = ("possibleSelfProduction",)
        elif rng.random() < 0.02:
            annotations = ("generativeAi",)
        exif: tuple[tuple[str, str], ...] = ()
        if not item.video and rng.random() < 0.15:
            make, model = rng.choice(devices.HANDSETS)
            exif = (
                ("Make", make),
                ("Model", model),
                ("DateTimeOriginal", f"{uploaded:%Y:%m:%d %H:%M:%S}"),
            )
        file_id = _file_id(rng)
        upload_ip = None
        if rng.random() < 0.3:
            upload_ip = capture(rng, person, pools, "Upload", uploaded)
        out.append(
            FileView(
                file_id=file_id,
                item=item,
                file_name=f"{platform.key}_{int(uploaded.timestamp())}_{index}.{item.extension}",
                original_name=files.original_name(
                    rng, item, platform.key, f"{uploaded:%Y%m%d%H%M%S}"
                ),
                uploaded_at=uploaded,
                viewed=viewed,
                classification=item.classification if viewed and rng.random() < 0.7 else None,
                with_sha1=rng.random() < 0.4,
                annotations=annotations,
                ip_capture=upload_ip,
                public=False if rng.random() < 0.4 else None,
                exif=exif,
                url=f"https://media.{platform.domain}/f/{file_id}" if rng.random() < 0.25 else None,
            )
        )
    return tuple(out)
