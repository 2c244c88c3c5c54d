"""Members whose evidence places them outside India, for a referral to Interpol or a foreign agency.

Each reading says which country and why, with its report: a phone number's country calling code
(not +91), the platform's estimated location (its `countryCode`), a postal address's country, and,
where the unit has supplied a GeoIP database (SURAKSHA_GEOIP_DB), a public IP address the database
places abroad. Readings are kept as they are, never reconciled: a member with an Indian phone and a
Dubai IP capture shows both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers

from suraksha.intake.accounts import AccountView
from suraksha.intel.geoip import GeoIpDatabase, address_scope

INDIA = frozenset({"in", "ind", "india", "bharat"})


@dataclass(frozen=True, slots=True)
class AbroadReading:
    """One piece of evidence placing a subject in another country."""

    kind: str  # phone | platform_estimate | address | geoip
    country: str  # ISO 3166-1 alpha-2 where known, else as written
    value: str
    report_id: str

    def as_dict(self) -> dict[str, Any]:
        """The reading as stored and exported."""
        return {
            "kind": self.kind,
            "country": self.country,
            "value": self.value,
            "report": self.report_id,
        }


def readings_abroad(
    accounts_by_subject: Mapping[str, Sequence[AccountView]], geoip: GeoIpDatabase | None
) -> dict[str, list[AbroadReading]]:
    """Subject id → its readings abroad (subjects with none are absent), each list sorted."""
    found: dict[str, set[AbroadReading]] = defaultdict(set)
    for subject, accounts in accounts_by_subject.items():
        for account in accounts:
            found[subject].update(_account(account, geoip))
    return {
        subject: sorted(readings, key=lambda r: (r.kind, r.country, r.value, r.report_id))
        for subject, readings in found.items()
        if readings
    }


def _account(account: AccountView, geoip: GeoIpDatabase | None) -> Iterable[AbroadReading]:
    report = account.report_id
    for kind, _raw, value in account.identifiers:
        if kind == "phone" and value:
            country = _phone_country(value)
            if country is not None:
                yield AbroadReading("phone", country, value, report)
    country = str(account.estimated_location.get("countryCode") or "").strip()
    if country and country.casefold() not in INDIA:
        where = ", ".join(
            str(account.estimated_location[part])
            for part in ("city", "region", "countryCode")
            if account.estimated_location.get(part)
        )
        yield AbroadReading("platform_estimate", country.upper(), where, report)
    for address in account.addresses:
        if address.country and address.country.strip().casefold() not in INDIA:
            text = ", ".join(
                part for part in (address.city, address.state, address.country) if part
            )
            yield AbroadReading("address", address.country.strip(), text, report)
    if geoip is not None:
        for event in account.ip_events:
            scope = address_scope(event.address)
            if not scope.public:
                continue
            record = geoip.lookup(scope.address)
            code = (record.country_code or "") if record else ""
            if code and code.casefold() not in INDIA:
                yield AbroadReading("geoip", code.upper(), scope.address, report)


def _phone_country(value: str) -> str | None:
    """The region of a +E.164 number outside India; None for India or an unreadable number."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 91:
        return None
    return phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
