"""Identifier types: one `clean`/`validate`/`compare` per `IdentifierKind`, and their registry.

In the manner of followthemoney's `types/`, every identifying value an account carries is normalised
here and nowhere else, so that the linker, the pivots and the exports agree on what "the same phone
number" means.

    IdentifierType               clean → canonical str | None · validate · compare → 0..1
     ├── EmailType               matchable   "raju@gmail.com"
     ├── PhoneType               matchable   "+919847012345" (E.164)
     ├── PlatformUserIdType      matchable   "instagram:1784012345"
     ├── DeviceIdType            matchable   "imei:490154203237518"   (rules in `devices`)
     ├── ScreenNameType          weak        "instagram:raju_kochi"
     ├── NameType                weak        "mohd rafi"              (rules in `names`)
     ├── DisplayNameType         weak        "raju kochi"
     ├── DateOfBirthType         weak        "1998-05-17"
     ├── ProfileUrlType          weak        "https://instagram.com/raju_kochi"
     ├── UrlType                 weak        "https://example.in/share/abc"
     └── GroupType               weak        "whatsapp:120363025@g.us"

`matchable` types are the ones where equal cleaned values are strong evidence that two accounts are
one person; the rest only add weight to a link that something else proposes. A value that is masked
("ra*****@gmail.com"), a placeholder or malformed cleans to None: it is kept as reported text but
never linked on.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import ClassVar

from suraksha.identity.devices import clean_device_id
from suraksha.identity.names import (
    clean_name,
    compare_names,
    fold,
    is_masked,
    is_placeholder,
    similarity,
)
from suraksha.identity.phones import clean_phone
from suraksha.identity.services import normalise_service
from suraksha.identity.urls import clean_profile_url
from suraksha.intake.records import IdentifierKind

__all__ = [
    "TYPES",
    "DateOfBirthType",
    "DeviceIdType",
    "DisplayNameType",
    "EmailType",
    "GroupType",
    "IdentifierType",
    "NameType",
    "PhoneType",
    "PlatformUserIdType",
    "ProfileUrlType",
    "ScreenNameType",
    "UrlType",
    "clean_identifier",
    "normalise_service",
]


def _unscope(value: str, scope: str) -> str:
    """Drop a leading `<scope>:` so that cleaning a cleaned value changes nothing."""
    prefix = f"{scope}:"
    matches = fold(value[: len(prefix)]) == fold(prefix)
    return value[len(prefix) :].strip() if matches else value


class IdentifierType(ABC):
    """One kind of identifying value: how it is cleaned, validated and compared.

    Attributes:
        kind: the `IdentifierKind` this type handles; `TYPES` holds exactly one type per kind.
        matchable: True when equal cleaned values are strong evidence that two accounts are one
            person (an e-mail address, a phone number, a platform user id, a device id). False when
            they are weak evidence only (names, screen names, dates of birth, URLs, groups).
        pivot: True when investigators should be offered the value as a pivot ("other tips with
            this …").

    `clean` never raises on any text: it returns the canonical form, or None when the value is empty,
    masked, a placeholder or malformed. Cleaning a cleaned value (with the same scope) returns it
    unchanged. `compare` takes two cleaned values.
    """

    kind: ClassVar[IdentifierKind]
    matchable: ClassVar[bool]
    pivot: ClassVar[bool]

    @abstractmethod
    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The canonical form of `raw`, or None when it cannot identify anything."""

    def validate(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> bool:
        """True when `raw` cleans to a usable value."""
        return self.clean(raw, service=service, qualifier=qualifier) is not None

    def compare(self, left: str, right: str) -> float:
        """Similarity in 0..1 of two cleaned values; exact equality unless a type knows better."""
        return 1.0 if left == right else 0.0


class EmailType(IdentifierType):
    """E-mail addresses, folded to the mailbox they deliver to.

    NFKC, trimmed and lower-cased (providers treat addresses case-insensitively). `googlemail.com` is
    `gmail.com`, and Gmail ignores dots in the local part. A `+tag` is dropped for every provider:
    Gmail, Outlook/Hotmail/Live, iCloud, Proton and most hosted domains deliver `raju+x@` to `raju@`,
    and offenders use tags to open several platform accounts on one mailbox. Masked addresses
    ("ra*****@gmail.com") and anything that is not `local@domain.tld` clean to None.
    """

    kind = IdentifierKind.EMAIL
    matchable = True
    pivot = True

    _LOCAL = re.compile(r"[\w!#$%&'+/=?^`{|}~\-]+(?:\.[\w!#$%&'+/=?^`{|}~\-]+)*")
    _LABEL = re.compile(r"[^\W_](?:[\w\-]*[^\W_])?")
    _GMAIL = frozenset({"gmail.com", "googlemail.com"})

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The canonical address, or None; see the class docstring."""
        text = fold(raw).strip().removeprefix("mailto:").strip("<> ")
        if is_masked(raw) or text.count("@") != 1:
            return None
        local, domain = text.split("@")
        local = local.split("+", 1)[0]
        domain = domain.removesuffix(".")
        if domain in self._GMAIL:
            domain = "gmail.com"
            local = local.replace(".", "")
        labels = domain.split(".")
        if (
            not self._LOCAL.fullmatch(local)
            or len(local) > 64
            or len(labels) < 2
            or not all(self._LABEL.fullmatch(label) for label in labels)
            or not (labels[-1].isalpha() or labels[-1].startswith("xn--"))
        ):
            return None
        address = f"{local}@{domain}"
        return address if len(address) <= 254 else None


class PhoneType(IdentifierType):
    """Phone numbers in E.164 ("+919847012345"); see `suraksha.identity.phones`.

    The operator or circle `phonenumbers` could give is first allocation only (numbers are
    ported), so it is not derived here.
    """

    kind = IdentifierKind.PHONE
    matchable = True
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The E.164 form, or None; see `suraksha.identity.phones.clean_phone`."""
        return clean_phone(raw, qualifier)


class _ScopedIdType(IdentifierType):
    """`<service>:<id>` values: an id means something only on the platform that issued it."""

    matchable = True
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """`<normalised service>:<id as written, trimmed>`, or None without a service."""
        scope = normalise_service(service)
        if scope is None:
            return None  # an unscoped id cannot link: user 12345 exists on every platform
        text = _unscope(unicodedata.normalize("NFKC", raw).strip(), scope)
        if not text or is_masked(raw) or is_placeholder(text):
            return None
        return f"{scope}:{text}"


class PlatformUserIdType(_ScopedIdType):
    """A platform's own user id (NCMEC `espIdentifier`), scoped by the normalised service.

    Kept exactly as issued apart from surrounding spaces and NFKC: ids are opaque and may be
    case-sensitive or carry leading zeros. The same number on two services is two accounts, and an id
    whose service is unknown cleans to None.
    """

    kind = IdentifierKind.PLATFORM_USER_ID


class GroupType(_ScopedIdType):
    """A platform group the account was reported in, scoped like a user id.

    Not matchable: two accounts in one group are members of it, not one person. A pivot all the same,
    since a group links the tips of its members.
    """

    kind = IdentifierKind.GROUP
    matchable = False


class ScreenNameType(IdentifierType):
    """Handles ("@Raju_Kochi"), folded and, when the service is known, scoped ("instagram:raju_kochi").

    Folded (NFKC + casefold) because platforms treat handles case-insensitively; the leading "@" is
    dropped and spaces are collapsed. Not matchable: handles are renamed and reused, and people pick look-alikes,
    so a similar handle is evidence, not proof. `compare` uses edit similarity.
    """

    kind = IdentifierKind.SCREEN_NAME
    matchable = False
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The folded handle, prefixed with the service when there is one; None if empty or masked."""
        scope = normalise_service(service)
        text = fold(raw).strip()
        if scope is not None:
            text = _unscope(text, scope)
        handle = " ".join(re.sub(r"^[@\s]+", "", text).split())
        if not handle or is_masked(raw):
            return None
        return f"{scope}:{handle}" if scope else handle

    @staticmethod
    def _split(cleaned: str) -> tuple[str, str]:
        """(service, handle) of a cleaned value; a service never contains ":", handles rarely do."""
        scope, colon, handle = cleaned.partition(":")
        return (scope, handle) if colon else ("", cleaned)

    def compare(self, left: str, right: str) -> float:
        """Edit similarity of the handles (also with `._-` removed); 10% less across services."""
        if left == right:
            return 1.0
        left_scope, left_handle = self._split(left)
        right_scope, right_handle = self._split(right)
        score = max(
            similarity(left_handle, right_handle),
            similarity(re.sub(r"[._\-]", "", left_handle), re.sub(r"[._\-]", "", right_handle)),
        )
        if left_scope and right_scope and left_scope != right_scope:
            score *= 0.9
        return score


class DeviceIdType(IdentifierType):
    """Hardware and advertising ids, typed by the qualifier: "imei:490154203237518".

    IMEIs and ICCIDs must pass their Luhn check; an IMEISV becomes its IMEI; MACs use lower-case
    colon form; placeholder values that many devices report (all zeros, Android's 02:00:00:00:00:00
    MAC, the Android 2.2 shared ANDROID_ID) clean to None. See `suraksha.identity.devices`.
    """

    kind = IdentifierKind.DEVICE_ID
    matchable = True
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """`<id type>:<value>`, or None; see `suraksha.identity.devices.clean_device_id`."""
        return clean_device_id(raw, qualifier)


class NameType(IdentifierType):
    """Personal names: folded, honorifics and punctuation removed ("Mr. MOHD. Rafi" → "mohd rafi").

    Neither matchable nor a pivot: many people share a name. `compare` folds the ways Indian names are romanised
    (Mohd/Muhammad, Sree/Sri, Siva/Shiva) and ignores token order, so "K. Rajesh" and "Rajesh K"
    agree. See `suraksha.identity.names`.
    """

    kind = IdentifierKind.NAME
    matchable = False
    pivot = False

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The display form of the name, or None; see `suraksha.identity.names.clean_name`."""
        return clean_name(raw)

    def compare(self, left: str, right: str) -> float:
        """Order-free, spelling-tolerant similarity; see `suraksha.identity.names.compare_names`."""
        return compare_names(left, right)


class DisplayNameType(NameType):
    """The name an account shows, cleaned like a personal name (emoji and symbols removed).

    Not a pivot: display names are chosen freely and change often.
    """

    kind = IdentifierKind.DISPLAY_NAME


class DateOfBirthType(IdentifierType):
    """Dates of birth as ISO `YYYY-MM-DD`.

    Accepts ISO dates (with or without a time part) and the Indian day-first `DD/MM/YYYY`,
    `DD-MM-YYYY` and `DD.MM.YYYY`. Two-digit years are ambiguous and dates before 1900 or after today
    are implausible; both clean to None. Neither matchable nor a pivot: about 40,000 Indians share
    each birthday, and platforms' dates of birth are self-declared.
    """

    kind = IdentifierKind.DATE_OF_BIRTH
    matchable = False
    pivot = False

    _ISO = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:[T ].*)?", re.DOTALL)
    _DAY_FIRST = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """The ISO date, or None; see the class docstring."""
        text = unicodedata.normalize("NFKC", raw).strip()
        if match := self._ISO.fullmatch(text):
            year, month, day = match.groups()
        elif match := self._DAY_FIRST.fullmatch(text):
            day, month, year = match.groups()
        else:
            return None
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            return None
        if born.year < 1900 or born > date.today():
            return None
        return born.isoformat()

    def compare(self, left: str, right: str) -> float:
        """1 when equal; 0.5 when day and month are swapped (a US month-first reading); else 0."""
        if left == right:
            return 1.0
        left_parts, right_parts = left.split("-"), right.split("-")
        swapped = (
            len(left_parts) == len(right_parts) == 3
            and left_parts[0] == right_parts[0]
            and left_parts[1:] == right_parts[2:0:-1]
        )
        return 0.5 if swapped else 0.0


class ProfileUrlType(IdentifierType):
    """Profile links: https, bare lower-case host, no tracking parameters (see `urls`).

    Not matchable, for safety: a URL may name a page, group or post rather than the account, vanity
    names are released on rename and taken by someone else, and the platform user id (matchable)
    already carries what a stable profile URL would. A pivot all the same.
    """

    kind = IdentifierKind.PROFILE_URL
    matchable = False
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """`https://<host>[:port]<path>[?query]`; see `suraksha.identity.urls.clean_profile_url`."""
        return clean_profile_url(raw)


class UrlType(IdentifierType):
    """A URL involved in an incident (the web page, a shared link), cleaned like a profile URL.

    Not matchable: a page or a link names content, not a person, and many unrelated people visit or
    share the same one. A pivot, because the same page across tips is how investigators find the
    other reports about one piece of content or one site.
    """

    kind = IdentifierKind.URL
    matchable = False
    pivot = True

    def clean(
        self, raw: str, *, service: str | None = None, qualifier: str | None = None
    ) -> str | None:
        """`https://<host>[:port]<path>[?query]`; see `suraksha.identity.urls.clean_profile_url`."""
        return clean_profile_url(raw)


_REGISTRY: tuple[IdentifierType, ...] = (
    EmailType(),
    PhoneType(),
    PlatformUserIdType(),
    ScreenNameType(),
    DisplayNameType(),
    DeviceIdType(),
    NameType(),
    DateOfBirthType(),
    ProfileUrlType(),
    UrlType(),
    GroupType(),
)

TYPES: Mapping[IdentifierKind, IdentifierType] = MappingProxyType(
    {identifier_type.kind: identifier_type for identifier_type in _REGISTRY}
)
"""The one `IdentifierType` for each `IdentifierKind` (read-only; a guard test checks coverage)."""


def clean_identifier(
    kind: IdentifierKind, raw: str, *, service: str | None = None, qualifier: str | None = None
) -> str | None:
    """Clean `raw` as an identifier of `kind`: the canonical form, or None when it is unusable."""
    return TYPES[kind].clean(raw, service=service, qualifier=qualifier)
