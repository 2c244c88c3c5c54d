"""Readings that place a member abroad: each says which country, from what, in which report."""

from __future__ import annotations

from typing import Any

from suraksha.intake.accounts import AccountView, AddressView
from suraksha.intel.networks.abroad import readings_abroad


def account(
    report: str,
    *,
    identifiers: list[tuple[str, str, str | None]] | None = None,
    addresses: list[AddressView] | None = None,
    estimated_location: dict[str, Any] | None = None,
) -> AccountView:
    return AccountView(
        account_id=f"acc-{report}",
        report_id=report,
        role="reported",
        service="X",
        identifiers=identifiers or [],
        addresses=addresses or [],
        estimated_location=estimated_location or {},
    )


def test_each_kind_of_reading_abroad_is_kept_with_its_report() -> None:
    views = {
        "s1": [
            account("101", identifiers=[("phone", "+971 50 123 4567", "+971501234567")]),
            account("102", estimated_location={"city": "Dubai", "countryCode": "AE"}),
            account(
                "103",
                addresses=[
                    AddressView("103", "/a", "1 Road", "Riyadh", None, None, "Saudi Arabia")
                ],
            ),
        ],
        "s2": [
            account("201", identifiers=[("phone", "098470 12345", "+919847012345")]),
            account("202", estimated_location={"city": "Kochi", "countryCode": "IN"}),
            account(
                "203",
                addresses=[
                    AddressView("203", "/a", "2 Road", "Kochi", "Kerala", "682001", "India")
                ],
            ),
        ],
    }
    found = readings_abroad(views, geoip=None)
    assert set(found) == {"s1"}, "Indian numbers, estimates and addresses are not abroad"
    assert [(r.kind, r.country, r.report_id) for r in found["s1"]] == [
        ("address", "Saudi Arabia", "103"),
        ("phone", "AE", "101"),
        ("platform_estimate", "AE", "102"),
    ]


def test_an_unreadable_number_is_no_reading() -> None:
    views = {"s": [account("1", identifiers=[("phone", "+99", "+99"), ("phone", "masked", None)])]}
    assert readings_abroad(views, geoip=None) == {}
