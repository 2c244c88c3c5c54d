"""The document kinds Suraksha writes for a case, each with its template and legal basis.

    kind                 to                      template                    basis
                         (choices it takes)
    notice-94            the platform            notice-94.html              BNSS s.94 (CrPC s.91)
                         (account, platform)
    subscriber-request   the telecom operator    subscriber-request.html     BNSS s.94 (CrPC s.91)
                         (account, platform, operator)
    preservation         the platform, or an     preservation.html           IT Act s.79 with IT Rules
                         operator (--operator)                               2021 r.3(1)(g); 18 U.S.C.
                         (account, platform,                                 § 2258A(h) for US platforms
                         operator)
    certificate-63       the court               certificate-63.html         BSA s.63(4)(c), Schedule
                         (exhibit)
    case-summary         the prosecutor          case-summary.html           - (internal brief)

The registry is an explicit tuple, never filled by import side effects; a guard test checks that
every template file is listed once, that every kind has a template, and that each template's
first line is its `{# template-version: N #}` header. The version is read from that header, so
whoever edits a template bumps the number in the same file (docs/documents.md says how), and
every document stored records the version (and the template's SHA-256) that produced it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Final

from suraksha.errors import UserInputError

_HEADER: Final = re.compile(r"\{#\s*template-version:\s*(\d+)\s*#\}")
STYLESHEET: Final = "documents.css"
"""The stylesheet every template includes (inline: rendering fetches nothing)."""


class DocumentKind(StrEnum):
    """A kind of document (the `suraksha documents make KIND` argument)."""

    NOTICE_94 = "notice-94"
    SUBSCRIBER_REQUEST = "subscriber-request"
    PRESERVATION = "preservation"
    CERTIFICATE_63 = "certificate-63"
    CASE_SUMMARY = "case-summary"


class DocumentInput(StrEnum):
    """A choice a document of some kind takes (`DocumentRequest`'s fields; the command line's
    options and the web form's fields of the same names)."""

    ACCOUNT = "account"  # account ids of the case's subjects to name (default: all)
    PLATFORM = "platform"  # only the accounts on this platform
    OPERATOR = "operator"  # to this telecom operator, with the addresses of its carrier pools
    EXHIBIT = "exhibit"  # only this exhibit (default: every exhibit)


_ACCOUNTS: Final = (DocumentInput.ACCOUNT, DocumentInput.PLATFORM)


@dataclass(frozen=True, slots=True)
class DocumentTemplate:
    """One kind of document: its template file, who it goes to, the law it rests on, and the
    choices (`inputs`) a request for it takes; any other choice is not used by its kind."""

    kind: DocumentKind
    template: str
    title: str
    addressee: str
    basis: str
    inputs: tuple[DocumentInput, ...] = ()

    @property
    def text(self) -> str:
        """The template's source, as packaged."""
        return template_text(self.template)

    @property
    def version(self) -> int:
        """The number in the template's `{# template-version: N #}` header."""
        return template_version(self.text, self.template)

    @property
    def sha256(self) -> str:
        """SHA-256 of the template's source: shows an edit made without bumping the version."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


DOCUMENTS: Final[tuple[DocumentTemplate, ...]] = (
    DocumentTemplate(
        DocumentKind.NOTICE_94,
        "notice-94.html",
        "Notice to produce documents (BNSS s.94)",
        "the platform",
        "BNSS s.94 (formerly CrPC s.91)",
        _ACCOUNTS,
    ),
    DocumentTemplate(
        DocumentKind.SUBSCRIBER_REQUEST,
        "subscriber-request.html",
        "Request for subscriber details of IP addresses (BNSS s.94)",
        "the telecom operator",
        "BNSS s.94 (formerly CrPC s.91)",
        (*_ACCOUNTS, DocumentInput.OPERATOR),
    ),
    DocumentTemplate(
        DocumentKind.PRESERVATION,
        "preservation.html",
        "Request to preserve records",
        "the platform, or an operator",
        "IT Act s.79 and IT Rules 2021 r.3(1)(g); 18 U.S.C. § 2258A(h)",
        (*_ACCOUNTS, DocumentInput.OPERATOR),
    ),
    DocumentTemplate(
        DocumentKind.CERTIFICATE_63,
        "certificate-63.html",
        "DRAFT certificate under BSA s.63(4)(c), Parts A and B",
        "the court",
        "BSA s.63(4)(c) and its Schedule",
        (DocumentInput.EXHIBIT,),
    ),
    DocumentTemplate(
        DocumentKind.CASE_SUMMARY,
        "case-summary.html",
        "Case summary for the prosecutor",
        "the prosecutor",
        "internal brief (no media, no victim identity)",
    ),
)
"""Every document kind, in the order `documents make --help` lists them."""


def template_for(kind: DocumentKind | str) -> DocumentTemplate:
    """The registered template of `kind`; UserInputError naming the kinds otherwise."""
    for entry in DOCUMENTS:
        if entry.kind == kind:
            return entry
    raise UserInputError(
        f"{kind!r} is not a document kind: use one of {', '.join(d.kind for d in DOCUMENTS)}."
    )


def template_text(name: str) -> str:
    """The packaged source of template (or stylesheet) `name`."""
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def template_version(text: str, name: str = "template") -> int:
    """The version in a template's first line; ValueError when the header is missing."""
    first = text.split("\n", 1)[0]
    found = _HEADER.fullmatch(first.strip())
    if found is None:
        raise ValueError(f"{name} does not start with a {{# template-version: N #}} header")
    return int(found.group(1))
