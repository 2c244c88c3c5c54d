"""The one hardened XML parser every intake format uses for untrusted documents."""

from __future__ import annotations

import threading

from lxml import etree

from suraksha.errors import FormatError, HostileInputError

# Report documents nest about eight levels deep; anything past this is built to exhaust a parser
# or a recursive walker, not to carry a tip. (libxml2 itself stops at 256 without `huge_tree`.)
MAX_DEPTH = 64

# A DTD is never legitimate in a CyberTipline document: NCMEC's schema declares no entities, and a
# DTD is how billion-laughs bombs and external-entity file reads are delivered. These markers are
# only consulted to explain a parse failure (a DTD the parser itself choked on); a document that
# parses is judged on the DTD the parser actually saw, so a `<!DOCTYPE` quoted inside CDATA text is
# not refused.
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)

# libxml2 messages that mean the document tried to exhaust the parser, not that it is merely broken.
_HOSTILE_MESSAGES = (
    "amplification",
    "Excessive depth",
    "huge",
    "Detected an entity reference loop",
)


_parsers = threading.local()


def _hardened_parser() -> etree.XMLParser:
    # One parser per thread, reused: lxml parsers keep state between documents (which is why a
    # parser must never be shared between threads) but need not be rebuilt for each one.
    parser: etree.XMLParser | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,  # never substitute entities, internal or external
            no_network=True,  # never fetch anything
            load_dtd=False,  # never read an external DTD or external parameter entity
            dtd_validation=False,
            huge_tree=False,  # keep libxml2's limits on text size, depth and entity amplification
            remove_comments=True,
            remove_pis=True,
        )
        _parsers.parser = parser
    return parser


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse one untrusted XML part and return its root element.

    Contract: entities are never expanded and nothing outside `data` is ever read (no files, no
    network). A document with a DOCTYPE or any entity declaration, or nested deeper than
    `MAX_DEPTH`, raises `HostileInputError`; any other syntax problem (not well-formed, truncated,
    invalid UTF-8, unknown encoding, empty) raises `FormatError` naming `part`. Nothing else is
    raised, so callers can quarantine the unit with the message as it stands.
    """
    try:
        root = etree.fromstring(data, _hardened_parser())
    except etree.XMLSyntaxError as err:
        message = _describe(err)
        if any(marker in message for marker in _HOSTILE_MESSAGES):
            raise HostileInputError(
                f"{part} was refused: it tries to exhaust the XML parser ({message})."
            ) from None
        if any(marker in data for marker in _DTD_MARKERS):
            raise HostileInputError(
                f"{part} was refused: it declares a DTD or entities, which a CyberTipline "
                f"document never does ({message})."
            ) from None
        raise FormatError(f"{part} is not well-formed XML: {message}.") from None
    except (etree.LxmlError, ValueError) as err:
        raise FormatError(f"{part} could not be read as XML: {err}.") from None
    if root is None:
        raise FormatError(f"{part} is not well-formed XML: it has no root element.")
    docinfo = root.getroottree().docinfo
    doctype = getattr(docinfo, "doctype", "")  # in lxml, missing from lxml-stubs 0.5
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise HostileInputError(
            f"{part} was refused: it declares a DTD (DOCTYPE), which a CyberTipline document never "
            "does; DTDs carry entity-expansion bombs and external-file reads."
        )
    _check_tree(root, part)
    return root


def _describe(err: etree.XMLSyntaxError) -> str:
    """libxml2's message, which ends with the line and column, without lxml's '(<string>…)'."""
    return " ".join(str(err.msg or err).split())


# An element `MAX_DEPTH + 1` levels down exists exactly when the tree is too deep; libxml2 answers
# this in C, far faster than a walk in Python over every node.
_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")


def _check_tree(root: etree._Element, part: str) -> None:
    """Refuse over-deep trees and any node that is not an element (entity references)."""
    if _TOO_DEEP(root):
        raise HostileInputError(
            f"{part} was refused: elements are nested more than {MAX_DEPTH} levels deep."
        )
    # Comments and processing instructions are removed by the parser, so only an entity
    # reference can be a non-element node, and only entities can have been declared.
    if next(root.iter(etree.Entity), None) is not None:
        raise HostileInputError(f"{part} was refused: it contains an entity reference.")
