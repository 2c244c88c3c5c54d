"""People in an ESP XML report: reported users, intended recipients, victims, associated accounts.

Also the reporter's and the officer's contacts, which are read as plain values and never as
identifiers: the platform's safety desk appears on every report it files, and as an identifier it
would link every reported user of that platform into one subject.

    personOrUserReported | intendedRecipient | victim   → AccountRecord (REPORTED | ... | VICTIM)
     ├── <role>Person (schema type `person`)           → NAME, PHONE, EMAIL, DATE_OF_BIRTH, ...
     ├── espIdentifier, screenName, groupIdentifier    → identifiers scoped by espService
     ├── flags and free text                           → AccountRecord.details
     └── associatedAccount                             → AccountRecord (ASSOCIATED), after its owner

`AccountRecord.details` keys are the schema's own names: `compromisedAccount`,
`thirdPartyUserReported`, `allEmailsReported` (booleans); `profileBio`, `vehicleDescription`,
`schoolName` (text); `additionalInfo` (list of texts); `accountTemporarilyDisabled` and
`accountPermanentlyDisabled` ({"value": bool, "disabledDate", "userNotified", ...});
`estimatedLocation` ({"verified", "timestamp"}); `verificationDate` (identifier locator → text);
`deviceEvents` ([{"path", "eventName", "dateTime"}]); for associated accounts `platform` when it is
not the service, and `thirdPartyUser`.

An account associated with a victim (a parent or guardian, a second account of the child) can
identify the child as well as the victim's own record can, so it must be restricted like the victim
(POCSO s.23): its `associated_with` names the victim's index in `TipRecord.accounts`.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any, Final

from suraksha.intake.formats.ncmec_xml_reader import XmlChild, XmlReader
from suraksha.intake.records import (
    AccountRecord,
    AccountRole,
    AddressRecord,
    IdentifierKind,
    IdentifierRecord,
)

# Account block → (role, the element holding its person).
ROLES: Final = {
    "personOrUserReported": (AccountRole.REPORTED, "personOrUserReportedPerson"),
    "intendedRecipient": (AccountRole.INTENDED_RECIPIENT, "intendedRecipientPerson"),
    "victim": (AccountRole.VICTIM, "victimPerson"),
}

_REPORT_NUMBER = re.compile(r"[0-9]+")
_FLAGS: Final = frozenset({"compromisedAccount", "thirdPartyUserReported", "allEmailsReported"})
_TEXTS: Final = frozenset({"profileBio", "vehicleDescription", "schoolName"})
_NAME_PARTS: Final = ("firstName", "middleName", "lastName")


def _name(names: dict[str, str], path: str) -> list[IdentifierRecord]:
    """The one NAME identifier the name parts add up to (none when there are none)."""
    full = " ".join(names[key] for key in _NAME_PARTS if key in names)
    return [IdentifierRecord(IdentifierKind.NAME, full, path)] if full else []


def read_account(reader: XmlReader, block: XmlChild) -> tuple[AccountRecord, list[AccountRecord]]:
    """An account block as (its account, the accounts associated with it, in document order).

    The caller places the associated accounts after their owner in `TipRecord.accounts` and sets
    their `associated_with` to the owner's index.
    """
    role, person_name = ROLES[block.name]
    children = reader.fields(block, block.name)
    service = _text_of(reader, children, "espService")
    account = AccountRecord(role=role, path=block.path, service=service)
    associated: list[AccountRecord] = []
    for child in children:
        if child.name == person_name:
            read_person(reader, child, account)
        elif child.name == "associatedAccount":
            associated.append(read_associated(reader, child))
        else:
            _account_field(reader, child, account)
    return account, associated


def read_associated(reader: XmlReader, block: XmlChild) -> AccountRecord:
    """An `associatedAccount`: another account the platform ties to the owner (`@type`).

    Its identifiers are its own, never the owner's. The service is `espService`, else `platform`.
    """
    children = reader.fields(block, "associatedAccount")
    service = _text_of(reader, children, "espService")
    platform = _text_of(reader, children, "platform")
    account = AccountRecord(
        role=AccountRole.ASSOCIATED,
        path=block.path,
        service=service or platform,
        relation=reader.attribute(block, "type"),
    )
    if platform and service and platform != service:
        account.details["platform"] = platform
    if block.element.get("type") is None:
        reader.warn(block.path, "An <associatedAccount> without its type attribute was read.")
    names: dict[str, str] = {}
    for child in children:
        if child.name == "platform":
            third_party = reader.attribute_boolean(child, "thirdPartyUser")
            if third_party is not None:
                account.details["thirdPartyUser"] = third_party
        elif child.name == "approximateAge":
            account.age = reader.integer(child, 0, 150)
        elif not _person_field(reader, child, account, names):
            _account_field(reader, child, account)
    account.identifiers[:0] = _name(names, block.path)
    return account


def read_person(reader: XmlReader, block: XmlChild, account: AccountRecord) -> None:
    """A block of the schema type `person` into the account's identifiers, addresses and age."""
    start = len(account.identifiers)
    names: dict[str, str] = {}
    for child in reader.fields(block, "person"):
        if child.name == "age":
            account.age = reader.integer(child, 0, 150)
        else:
            _person_field(reader, child, account, names)
    account.identifiers[start:start] = _name(names, block.path)


def _person_field(
    reader: XmlReader, child: XmlChild, account: AccountRecord, names: dict[str, str]
) -> bool:
    """Read a name part, phone, e-mail, address or date of birth; False for any other element."""
    match child.name:
        case "firstName" | "middleName" | "lastName":
            value = reader.text(child)
            if value is not None:
                names[child.name] = value
        case "phone" | "email":
            kind = IdentifierKind.PHONE if child.name == "phone" else IdentifierKind.EMAIL
            identifier = reader.contact(child, kind)
            if identifier is not None:
                account.identifiers.append(identifier)
                _verification_date(reader, child, account.details)
        case "address":
            account.addresses.append(reader.address(child))
        case "dateOfBirth":
            _identifier(reader, child, account, IdentifierKind.DATE_OF_BIRTH, None)
        case _:
            return False
    return True


def _account_field(reader: XmlReader, child: XmlChild, account: AccountRecord) -> None:
    """Read one of the elements every account shape shares into the account."""
    service = account.service
    match child.name:
        case "espService" | "platform":
            pass  # read first: the service scopes the user id, screen name and group
        case "espIdentifier" | "screenName" | "groupIdentifier":
            kinds = {
                "espIdentifier": IdentifierKind.PLATFORM_USER_ID,
                "screenName": IdentifierKind.SCREEN_NAME,
                "groupIdentifier": IdentifierKind.GROUP,
            }
            _identifier(reader, child, account, kinds[child.name], service)
        case "displayName":
            _identifier(reader, child, account, IdentifierKind.DISPLAY_NAME, None)
        case "profileUrl":
            _identifier(reader, child, account, IdentifierKind.PROFILE_URL, None)
        case "ipCaptureEvent":
            event = reader.ip_event(child)
            if event is not None:
                account.ip_events.append(event)
        case "deviceId":
            identifier, sighting = reader.device(child)
            if identifier is not None:
                account.identifiers.append(identifier)
            if sighting:
                account.details.setdefault("deviceEvents", []).append(sighting)
        case "priorCTReports" | "priorCTReport":
            number = reader.text(child)
            if number is not None and _REPORT_NUMBER.fullmatch(number):
                account.prior_reports.append(number)
            elif number is not None:
                reader.keep(child, f"{number!r} is not a CyberTipline report number.")
        case "estimatedLocation":
            account.estimated_location, attributes = reader.location(child)
            if attributes:
                account.details["estimatedLocation"] = attributes
        case "accountTemporarilyDisabled" | "accountPermanentlyDisabled":
            state: dict[str, Any] = {"value": reader.boolean(child)}
            state |= reader.attributes(
                child,
                booleans="userNotified",
                instants="disabledDate userNotifiedDate reenabledDate",
            )
            account.details[child.name] = {k: v for k, v in state.items() if v is not None}
        case "additionalInfo":
            value = reader.text(child)
            if value is not None:
                account.details.setdefault("additionalInfo", []).append(value)
        case name if name in _FLAGS:
            flag = reader.boolean(child)
            if flag is not None:
                account.details[name] = flag
        case name if name in _TEXTS:
            value = reader.text(child)
            if value is not None:
                account.details[name] = value
        case _:  # unreachable while every vocabulary name has a case; kept rather than lost
            reader.unknown(child, "account")


def _identifier(
    reader: XmlReader,
    child: XmlChild,
    account: AccountRecord,
    kind: IdentifierKind,
    service: str | None,
) -> None:
    value = reader.text(child)
    if value is not None:
        account.identifiers.append(IdentifierRecord(kind, value, child.path, service=service))


def _text_of(reader: XmlReader, children: list[XmlChild], name: str) -> str | None:
    """The text of the (single) child called `name`, or None."""
    for child in children:
        if child.name == name:
            return reader.text(child)
    return None


def _verification_date(reader: XmlReader, child: XmlChild, details: dict[str, Any]) -> None:
    """Store a contact's `verificationDate` by the contact's locator: identifiers have no field."""
    date = reader.attribute_instant(child, "verificationDate")
    if date is not None:
        details.setdefault("verificationDate", {})[child.path] = date


def read_contact(reader: XmlReader, block: XmlChild, context: str) -> dict[str, Any]:
    """A `person` or `contactPerson` block as plain values, never as identifiers.

    For the reporter and the officer: {"firstName", "lastName", "phone": [{"value", "type",
    "verified", "verificationDate"}], "email": [...], "address": [{"street", "city", ...}],
    "age", "dateOfBirth"}, with only what the document gives.
    """
    result: dict[str, Any] = {}
    for child in reader.fields(block, context):
        match child.name:
            case "phone" | "email":
                kind = IdentifierKind.PHONE if child.name == "phone" else IdentifierKind.EMAIL
                identifier = reader.contact(child, kind)
                if identifier is not None:
                    entry = {
                        "value": identifier.raw,
                        "type": identifier.qualifier,
                        "verified": identifier.verified,
                        "verificationDate": reader.attribute_instant(child, "verificationDate"),
                    }
                    result.setdefault(child.name, []).append(_present(entry))
            case "address":
                result.setdefault("address", []).append(address_values(reader.address(child)))
            case "age":
                age = reader.integer(child, 0, 150)
                if age is not None:
                    result["age"] = age
            case _:  # firstName, lastName, dateOfBirth
                value = reader.text(child)
                if value is not None:
                    result[child.name] = value
    return result


def address_values(address: AddressRecord) -> dict[str, Any]:
    """An address as plain values (its `AddressRecord` fields that are set, without the path)."""
    return _present({key: value for key, value in asdict(address).items() if key != "path"})


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
