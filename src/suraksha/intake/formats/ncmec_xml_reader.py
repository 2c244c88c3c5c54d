"""The warning-collecting reader of ESP XML elements and of the schema's shared types.

Every module of the ESP XML format reads through one `XmlReader` per tip. It turns leaves into typed
values and the types the schema shares between blocks (phone, e-mail, address, IP capture, device
id, estimated location) into records. Nothing is dropped silently:

- a value that cannot be read (a port of 99999, an age of "thirty") warns, and its element is kept
  verbatim in `kept`;
- an element the schema does not allow where it stands (newer than our copy, misspelt or misplaced)
  warns and is kept verbatim, subtree and all;
- a second copy of an element the schema allows once warns and is kept verbatim.

Locators are XPath-like and prefixed by the part: `report.xml:/report/personOrUserReported[1]/...`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import NamedTuple

from lxml import etree

from suraksha.intake.formats.instants import parse_instant
from suraksha.intake.formats.ncmec_xml_vocabulary import REPEATABLE, VOCABULARY
from suraksha.intake.records import (
    AddressRecord,
    IdentifierKind,
    IdentifierRecord,
    IngestWarning,
    IpEventRecord,
    KeptElement,
)

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace: documents are read by local names."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class XmlChild(NamedTuple):
    """An element with its local name and its locator (a tuple: built for every element read)."""

    name: str
    element: etree._Element
    path: str


class XmlReader:
    """Reads one tip's parts, collecting warnings and kept elements; one instance per `parse` call.

    No method raises for any element, whatever it holds: see the module docstring for what happens
    to what cannot be read.
    """

    def __init__(self) -> None:
        self.warnings: list[IngestWarning] = []
        self.kept: list[KeptElement] = []
        self._kept_paths: set[str] = set()

    def warn(self, path: str, message: str) -> None:
        """Record something the format read past."""
        self.warnings.append(IngestWarning(path=path, message=message))

    def keep(self, child: XmlChild, message: str) -> None:
        """Warn, and keep the element verbatim (once, however many problems it has)."""
        self.warn(child.path, message)
        if child.path not in self._kept_paths:
            self._kept_paths.add(child.path)
            text = etree.tostring(child.element, encoding="unicode", with_tail=False)
            self.kept.append(KeptElement(path=child.path, text=text))

    # -- structure -------------------------------------------------------------------------------

    def children(self, element: etree._Element, path: str) -> list[XmlChild]:
        """Element children with their locators (comments and PIs were removed by the parser)."""
        if len(element) == 0:  # most calls are on leaves: answer without building anything
            return []
        named: list[tuple[str, etree._Element]] = []
        totals: dict[str, int] = {}
        for child in element:
            tag = child.tag
            if isinstance(tag, str):
                name = tag.rpartition("}")[2]
                totals[name] = totals.get(name, 0) + 1
                named.append((name, child))
        seen: dict[str, int] = {}
        result = []
        for name, child in named:
            if name in REPEATABLE or totals[name] > 1:
                seen[name] = position = seen.get(name, 0) + 1
                result.append(XmlChild(name, child, f"{path}/{name}[{position}]"))
            else:
                result.append(XmlChild(name, child, f"{path}/{name}"))
        return result

    def fields(self, parent: XmlChild, context: str) -> list[XmlChild]:
        """The children of `parent` that `context` allows, each single-valued one once.

        Children the schema does not allow in `context` are kept as unknown; repeats of elements the
        schema allows once are kept too, so the caller reads exactly what it may.
        """
        allowed = VOCABULARY[context]
        result: list[XmlChild] = []
        seen: set[str] = set()
        for child in self.children(parent.element, parent.path):
            if child.name not in allowed:
                self.unknown(child, context)
            elif child.name in seen and child.name not in REPEATABLE:
                self.keep(
                    child,
                    f"Only one <{child.name}> is expected here; this one is kept verbatim with "
                    "the tip.",
                )
            else:
                seen.add(child.name)
                result.append(child)
        return result

    def unknown(self, child: XmlChild, context: str) -> None:
        """Keep an element the schema does not allow in `context`, with a warning."""
        self.keep(
            child,
            f"Unknown element <{child.name}> in <{context}> (newer than the schema copy, or "
            "misspelt); it is kept verbatim with the tip.",
        )

    # -- leaves ----------------------------------------------------------------------------------

    def text(self, child: XmlChild) -> str | None:
        """The stripped text of a leaf element, or None when empty; nested elements are kept."""
        if len(child.element):  # a leaf has no children: skip the call for the common case
            for nested in self.children(child.element, child.path):
                self.unknown(nested, child.name)
        value = (child.element.text or "").strip()
        return value or None

    def boolean(self, child: XmlChild) -> bool | None:
        """An xs:boolean; anything else is kept and reads as unknown."""
        value = self.text(child)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.keep(child, f"<{child.name}> should be true or false, not {value!r}.")
        return None

    def integer(self, child: XmlChild, low: int, high: int) -> int | None:
        """An integer within [low, high]; anything else is kept and reads as unknown."""
        value = self.text(child)
        if value is None:
            return None
        if _INTEGER.fullmatch(value) and low <= int(value) <= high:
            return int(value)
        self.keep(child, f"<{child.name}> should be a whole number {low}–{high}, not {value!r}.")
        return None

    def number(self, child: XmlChild, low: float, high: float) -> float | None:
        """An xs:double within [low, high] (a coordinate); anything else is kept."""
        value = self.text(child)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if low <= number <= high:  # False for NaN
            return number
        self.keep(child, f"<{child.name}> should be a number {low:g} to {high:g}, not {value!r}.")
        return None

    def instant(
        self, child: XmlChild, *, text_kept: bool = False
    ) -> tuple[datetime | None, str | None]:
        """An xs:dateTime as (aware UTC instant, original text).

        A time without a zone cannot be placed on the timeline: under carrier-grade NAT an IP
        capture is attributable only with the exact instant, and guessing IST or UTC would name the
        wrong subscriber. Such a time reads as no instant and warns; unless the caller stores the
        text itself (`text_kept`), the element is kept verbatim.
        """
        value = self.text(child)
        if value is None:
            return None, None
        at, problem = parse_instant(value)
        if problem and text_kept:
            self.warn(child.path, f"<{child.name}> {value!r} {problem}.")
        elif problem:
            self.keep(child, f"<{child.name}> {value!r} {problem}.")
        return at, value

    def flags(self, container: XmlChild) -> list[str]:
        """Names of the annotation elements that are set (schema: fixed true; newer names kept)."""
        names = []
        for child in self.children(container.element, container.path):
            if self.boolean(child) is not False and child.name not in names:
                names.append(child.name)
        return names

    # -- attributes ------------------------------------------------------------------------------

    @staticmethod
    def attribute(child: XmlChild, name: str) -> str | None:
        """The stripped value of an attribute, or None when absent or empty."""
        return (child.element.get(name) or "").strip() or None

    def attribute_boolean(self, child: XmlChild, name: str) -> bool | None:
        """An xs:boolean attribute; another value keeps the element and reads as unknown."""
        value = self.attribute(child, name)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.keep(child, f"{name}={value!r} on <{child.name}> should be true or false.")
        return None

    def attribute_instant(self, child: XmlChild, name: str) -> str | None:
        """An xs:dateTime attribute as its text (stored as given); a zoneless time warns."""
        value = self.attribute(child, name)
        if value is not None:
            _, problem = parse_instant(value)
            if problem:
                self.warn(child.path, f"{name}={value!r} on <{child.name}> {problem}.")
        return value

    def attributes(
        self, child: XmlChild, booleans: str = "", instants: str = ""
    ) -> dict[str, object]:
        """The named attributes that are present, booleans read as such, instants as text."""
        values: dict[str, object] = {}
        for name in booleans.split():
            flag = self.attribute_boolean(child, name)
            if flag is not None:
                values[name] = flag
        for name in instants.split():
            text = self.attribute_instant(child, name)
            if text is not None:
                values[name] = text
        return values

    # -- the schema's shared types ---------------------------------------------------------------

    def contact(self, child: XmlChild, kind: IdentifierKind) -> IdentifierRecord | None:
        """A phone or e-mail element (schema types `phone`, `email`) with its attributes.

        A phone's `countryCallingCode` is put in front of a number written without one, and its
        `extension` after it ("… ext. 12"), so the raw text says all the platform did; cleaning
        drops the extension again (it reaches a desk, not a person). `verificationDate` has no
        place in an identifier: callers store it from `attribute_instant`.
        """
        value = self.text(child)
        if value is None:
            return None
        calling_code = self.attribute(child, "countryCallingCode")
        if kind is IdentifierKind.PHONE and calling_code and not value.startswith("+"):
            value = f"{calling_code} {value}"
        extension = self.attribute(child, "extension")
        if kind is IdentifierKind.PHONE and extension:
            value = f"{value} ext. {extension}"
        verified_text = (self.attribute(child, "verified") or "").lower()
        verified = True if verified_text in _TRUE else False if verified_text in _FALSE else None
        if verified_text and verified is None:
            self.keep(child, f"verified={verified_text!r} should be true or false.")
        qualifier = self.attribute(child, "type")
        return IdentifierRecord(kind, value, child.path, qualifier=qualifier, verified=verified)

    def address(self, block: XmlChild) -> AddressRecord:
        """An element of the schema type `address`; its `type` attribute is the address kind."""
        values: dict[str, XmlChild] = {}
        texts: dict[str, str] = {}
        for child in self.fields(block, "address"):
            value = self.text(child)
            if value is not None:
                values[child.name], texts[child.name] = child, value
        # Addresses in India come as nonUsaState; `state` is a US two-letter code. A document that
        # gives both, differently, has its `state` kept rather than lost.
        us_state, other_state = texts.get("state"), texts.get("nonUsaState")
        if us_state and other_state and us_state != other_state:
            self.keep(
                values["state"],
                f"<state> {us_state!r} differs from <nonUsaState> {other_state!r}, which was read.",
            )
        return AddressRecord(
            path=block.path,
            street=texts.get("address"),
            city=texts.get("city"),
            state=other_state or us_state,
            postal_code=texts.get("zipCode"),
            country=texts.get("country"),
            kind=self.attribute(block, "type"),
        )

    def ip_event(self, block: XmlChild) -> IpEventRecord | None:
        """An `ipCaptureEvent`: address, port and instant kept together, with the original text."""
        address: str | None = None
        port: int | None = None
        at: datetime | None = None
        at_text: str | None = None
        event: str | None = None
        proxy: bool | None = None
        for child in self.fields(block, "ipCaptureEvent"):
            match child.name:
                case "ipAddress":
                    address = self.text(child)
                case "port":
                    port = self.integer(child, 0, 65535)
                case "dateTime":
                    at, at_text = self.instant(child, text_kept=True)
                case "eventName":
                    event = self.text(child)
                case _:  # possibleProxy
                    proxy = self.boolean(child)
        if address is None:
            self.keep(block, "An IP capture without <ipAddress> is kept verbatim, not read.")
            return None
        return IpEventRecord(
            address=address,
            path=block.path,
            port=port,
            at=at,
            at_text=at_text,
            event=event,
            possible_proxy=proxy,
        )

    def device(self, block: XmlChild) -> tuple[IdentifierRecord | None, dict[str, str]]:
        """A `deviceId` as a DEVICE_ID identifier (qualifier = idType) and its sighting.

        The sighting (`eventName`, `dateTime` as given, and the locator of the identifier) is empty
        when the document gives neither: identifiers have no field for when a device was seen.
        """
        values: dict[str, str] = {}
        for child in self.fields(block, "deviceId"):
            text = (
                self.instant(child, text_kept=True)[1]
                if child.name == "dateTime"
                else self.text(child)
            )
            if text is not None:
                values[child.name] = text
        if "idValue" not in values:
            self.keep(block, "A <deviceId> without <idValue> is kept verbatim, not read.")
            return None, {}
        identifier = IdentifierRecord(
            IdentifierKind.DEVICE_ID, values["idValue"], block.path, qualifier=values.get("idType")
        )
        sighting: dict[str, str] = {
            key: values[key] for key in ("eventName", "dateTime") if key in values
        }
        return identifier, ({"path": block.path, **sighting} if sighting else {})

    def location(self, block: XmlChild) -> tuple[dict[str, str], dict[str, object]]:
        """An `estimatedLocation`: (city, region, countryCode) and its `verified`/`timestamp`."""
        location: dict[str, str] = {}
        for child in self.fields(block, "estimatedLocation"):
            value = self.text(child)
            if value is not None:
                location[child.name] = value
        return location, self.attributes(block, booleans="verified", instants="timestamp")
