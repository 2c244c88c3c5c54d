"""Where an ESP XML report's incident happened: `internetDetails` into `IncidentDetailRecord`s.

Each `internetDetails` holds one of eight incident kinds; each becomes one record whose `kind` is the
element name. What the kind involved becomes identifiers (`url` → URL, `emailAddress` → EMAIL,
`phoneNumber` → PHONE), IP captures (`ipCaptureEvent`, P2P) and addresses (`incidentAddress`); the
rest goes into `values` under the schema's names: `chatClient`, `chatRoomName`, `gameName`,
`console`, `content`, `client`, `fileNames`, `locationName`, `name` (text); `latitude`,
`longitude` (numbers); `thirdPartyHostedContent` (boolean attribute); `additionalInfo` (list of
texts); `verificationDate` (identifier locator → text).

These identifiers belong to the incident, not to any account: a URL where content was found or an
e-mail address a message went through names no person by itself.
"""

from __future__ import annotations

from suraksha.intake.formats.ncmec_xml_reader import XmlChild, XmlReader
from suraksha.intake.records import IdentifierKind, IdentifierRecord, IncidentDetailRecord

_CONTACTS = {"emailAddress": IdentifierKind.EMAIL, "phoneNumber": IdentifierKind.PHONE}
_COORDINATES = {"latitude": 90.0, "longitude": 180.0}


def read_internet_details(reader: XmlReader, block: XmlChild) -> list[IncidentDetailRecord]:
    """One record per incident kind inside `internetDetails` (the schema allows one; all are read)."""
    return [read_incident(reader, child) for child in reader.fields(block, "internetDetails")]


def read_incident(reader: XmlReader, block: XmlChild) -> IncidentDetailRecord:
    """One incident-kind element (`webPageIncident`, `chatImIncident`, ...) into its record.

    `block.name` must be one of the eight kinds: it is also the vocabulary context of the children.
    """
    incident = IncidentDetailRecord(kind=block.name, path=block.path)
    third_party = reader.attribute_boolean(block, "thirdPartyHostedContent")
    if third_party is not None:
        incident.values["thirdPartyHostedContent"] = third_party
    for child in reader.fields(block, block.name):
        match child.name:
            case "url":
                url = reader.text(child)
                if url is not None:
                    incident.identifiers.append(
                        IdentifierRecord(IdentifierKind.URL, url, child.path)
                    )
            case "emailAddress" | "phoneNumber":
                identifier = reader.contact(child, _CONTACTS[child.name])
                if identifier is not None:
                    incident.identifiers.append(identifier)
                    date = reader.attribute_instant(child, "verificationDate")
                    if date is not None:
                        incident.values.setdefault("verificationDate", {})[child.path] = date
            case "ipCaptureEvent":
                event = reader.ip_event(child)
                if event is not None:
                    incident.ip_events.append(event)
            case "incidentAddress":
                incident.addresses.append(reader.address(child))
            case "latitude" | "longitude":
                limit = _COORDINATES[child.name]
                coordinate = reader.number(child, -limit, limit)
                if coordinate is not None:
                    incident.values[child.name] = coordinate
            case "additionalInfo":
                text = reader.text(child)
                if text is not None:
                    incident.values.setdefault("additionalInfo", []).append(text)
            case _:  # chatClient, chatRoomName, gameName, console, content, client, fileNames, ...
                text = reader.text(child)
                if text is not None:
                    incident.values[child.name] = text
    return incident
