"""Routing: pincode beats city beats state beats the platform's guess, and says why."""

from __future__ import annotations

from suraksha.intake.accounts import AccountView, AddressView
from suraksha.intel.routing import route


def account(
    report: str, *addresses: AddressView, location: dict[str, str] | None = None
) -> AccountView:
    return AccountView(
        account_id=f"account-{report}",
        report_id=report,
        role="reported",
        service="instagram",
        addresses=list(addresses),
        estimated_location=location or {},
    )


def address(
    report: str,
    *,
    pin: str | None = None,
    city: str | None = None,
    state: str | None = None,
    country: str | None = "IN",
) -> AddressView:
    return AddressView(report, f"report.xml:/address[{report}]", None, city, state, pin, country)


def test_pincode_routes_to_its_district() -> None:
    decision = route([account("101", address("101", pin="682 001"))])
    assert (decision.state, decision.district) == ("KERALA", "ERNAKULAM")
    assert decision.confidence == 0.9
    assert "pincode 682001" in decision.reason and "report 101" in decision.reason


def test_city_and_state_route_when_no_pincode() -> None:
    decision = route([account("102", address("102", city="Thiruvananthapuram", state="Kerala"))])
    assert (decision.state, decision.district, decision.confidence) == (
        "KERALA",
        "THIRUVANANTHAPURAM",
        0.6,
    )


def test_majority_of_evidence_wins_and_disagreement_is_mentioned() -> None:
    decision = route(
        [
            account("201", address("201", pin="500001")),  # Hyderabad
            account("202", address("202", pin="500001")),
            account("203", address("203", pin="682001")),  # Ernakulam
        ]
    )
    assert (decision.state, decision.district) == ("TELANGANA", "HYDERABAD")
    assert "1 other district(s) also indicated" in decision.reason


def test_platform_estimate_gives_state_only_with_low_confidence() -> None:
    decision = route([account("301", location={"city": "", "region": "KL", "countryCode": "IN"})])
    assert (decision.state, decision.district, decision.confidence) == ("KERALA", None, 0.2)


def test_foreign_address_and_no_evidence_do_not_route() -> None:
    decision = route([account("401", address("401", pin="110001", country="US"))])
    assert (decision.state, decision.district, decision.confidence) == (None, None, 0.0)
    assert decision.reason == "no location evidence in the reports"
