"""The ESP XML vocabulary against NCMEC's XSD: every element of the schema is read into the records.

Four guards together: the vocabulary names exactly what the XSD allows in each context; every
complex element reachable from `<report>` and `<fileDetails>` has a context; the complete sample is
valid against the XSD and holds every element of every context; and it parses with no warning and
nothing kept (the expected-values tests of each `ncmec_xml_*` module check where each lands).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files as package_files

import pytest
from lxml import etree

from suraksha.intake.formats.ncmec_xml_vocabulary import VOCABULARY
from suraksha.intake.formats.xml_safety import parse_xml
from suraksha.intake.records import ParsedTip

XS = "{http://www.w3.org/2001/XMLSchema}"
_Context = tuple[str, str]  # ("element" | "type", name) where the XSD declares the children

# Format context → where its children are declared in the XSD.
SCHEMA_CONTEXTS: dict[str, _Context] = {
    "report": ("element", "report"),
    "incidentSummary": ("element", "incidentSummary"),
    "reportAnnotations": ("type", "reportAnnotations"),
    "internetDetails": ("element", "internetDetails"),
    **{
        kind: ("element", kind)
        for kind in (
            "webPageIncident",
            "emailIncident",
            "newsgroupIncident",
            "chatImIncident",
            "onlineGamingIncident",
            "cellPhoneIncident",
            "nonInternetIncident",
            "peer2peerIncident",
        )
    },
    "lawEnforcement": ("element", "lawEnforcement"),
    "reporter": ("element", "reporter"),
    "personOrUserReported": ("element", "personOrUserReported"),
    "intendedRecipient": ("element", "intendedRecipient"),
    "victim": ("element", "victim"),
    "associatedAccount": ("type", "associatedAccount"),
    "person": ("type", "person"),
    "contactPerson": ("type", "contactPerson"),
    "address": ("type", "address"),
    "ipCaptureEvent": ("type", "ipCaptureEvent"),
    "deviceId": ("type", "deviceId"),
    "estimatedLocation": ("type", "estimatedLocation"),
    "fileDetails": ("element", "fileDetails"),
    "fileAnnotations": ("type", "fileAnnotations"),
    "details": ("element", "details"),
    "nameValue": ("type", "nameValue"),
}
ROOTS: tuple[_Context, ...] = (("element", "report"), ("element", "fileDetails"))


def _schema_root() -> etree._Element:
    xsd = package_files("suraksha.intake.formats") / "schemas" / "cyber_tipline.xsd"
    return parse_xml(xsd.read_bytes(), "cyber_tipline.xsd")


SCHEMA = _schema_root()


def _complex_type(context: _Context) -> etree._Element | None:
    kind, name = context
    if kind == "element":
        declaration = SCHEMA.find(f"{XS}element[@name='{name}']")
        assert declaration is not None, name
        return declaration.find(f"{XS}complexType")
    return SCHEMA.find(f"{XS}complexType[@name='{name}']")


def _child_context(parent: _Context, declaration: etree._Element) -> _Context | None:
    """Where the children of a particle are declared, or None for a leaf (simple content)."""
    reference = declaration.get("ref")
    if reference is not None:
        context: _Context = ("element", reference)
    elif declaration.find(f"{XS}complexType") is not None:
        # An inline type: in this schema only simple content with attributes (no children).
        inline = declaration.find(f"{XS}complexType")
        assert inline is not None and not _particles(inline), (parent, declaration.get("name"))
        return None
    else:
        type_name = declaration.get("type") or ""
        if SCHEMA.find(f"{XS}complexType[@name='{type_name}']") is None:
            return None  # xs:string, a simple type
        context = ("type", type_name)
    complex_type = _complex_type(context)
    return context if complex_type is not None and _particles(complex_type) else None


def _particles(node: etree._Element) -> list[etree._Element]:
    """The element declarations a complex type allows as children (through sequence/choice/all)."""
    found: list[etree._Element] = []
    for child in node:
        if child.tag == f"{XS}element":
            found.append(child)
        elif child.tag in {f"{XS}sequence", f"{XS}choice", f"{XS}all"}:
            found += _particles(child)
    return found


def _children(context: _Context) -> dict[str, _Context | None]:
    """Child name → the child's own context (None for a leaf), as the XSD declares them."""
    complex_type = _complex_type(context)
    assert complex_type is not None, context
    return {
        (declaration.get("name") or declaration.get("ref") or ""): _child_context(
            context, declaration
        )
        for declaration in _particles(complex_type)
    }


def _reachable() -> set[_Context]:
    seen: set[_Context] = set()
    todo = list(ROOTS)
    while todo:
        context = todo.pop()
        if context in seen:
            continue
        seen.add(context)
        todo += [child for child in _children(context).values() if child is not None]
    return seen


def test_schema_contexts_cover_the_vocabulary() -> None:
    assert set(SCHEMA_CONTEXTS) == set(VOCABULARY)


def test_every_complex_element_of_the_schema_has_a_context() -> None:
    assert _reachable() == set(SCHEMA_CONTEXTS.values())


@pytest.mark.parametrize("context", sorted(SCHEMA_CONTEXTS))
def test_vocabulary_matches_schema(context: str) -> None:
    assert VOCABULARY[context] == set(_children(SCHEMA_CONTEXTS[context]))


# -- the complete sample ----------------------------------------------------------------------------


def _pairs(element: etree._Element, context: _Context, found: set[tuple[_Context, str]]) -> None:
    """Collect (context, child name) for every element of a document, following the XSD."""
    children = _children(context)
    for child in element:
        name = str(child.tag)
        found.add((context, name))
        child_context = children.get(name)
        if child_context is not None:
            _pairs(child, child_context, found)


def test_complete_sample_is_valid_against_the_schema(
    complete_documents: tuple[str, dict[str, str]],
) -> None:
    schema = etree.XMLSchema(SCHEMA)
    report, files = complete_documents

    for text in (report, *files.values()):
        document = etree.fromstring(text.encode())
        assert schema.validate(document), schema.error_log


def test_complete_sample_holds_every_element_of_the_schema(
    complete_documents: tuple[str, dict[str, str]],
) -> None:
    report, files = complete_documents
    found: set[tuple[_Context, str]] = set()
    _pairs(etree.fromstring(report.encode()), ("element", "report"), found)
    for text in files.values():
        _pairs(etree.fromstring(text.encode()), ("element", "fileDetails"), found)
    # The file annotation flags are tested below from the schema itself, and the recipient and
    # victim shapes in test_ncmec_xml_people from the complete reported account.
    expected = {
        (SCHEMA_CONTEXTS[context], name)
        for context, names in VOCABULARY.items()
        if context not in {"fileAnnotations", "intendedRecipient", "victim"}
        for name in names
    }

    assert expected - found == set()


def test_complete_sample_reads_without_a_warning_or_a_kept_element(
    complete_tip: ParsedTip,
) -> None:
    assert complete_tip.warnings == []
    assert complete_tip.tip.kept == []


def test_all_schema_annotations_and_newer_ones_are_kept(
    esp_parser: Callable[..., ParsedTip],
) -> None:
    report_flags = sorted(_children(("type", "reportAnnotations")))
    file_flags = sorted(_children(("type", "fileAnnotations")))
    report = (
        "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
        "<reportAnnotations>"
        + "".join(f"<{flag}>true</{flag}>" for flag in [*report_flags, "informational"])
        + "</reportAnnotations><incidentDateTime>2025-01-02T03:04:05Z</incidentDateTime>"
        "</incidentSummary></report>"
    )
    details = (
        "<fileDetails><reportId>90412347</reportId><fileId>f</fileId><fileAnnotations>"
        + "".join(f"<{flag}/>" for flag in file_flags)
        + "</fileAnnotations></fileDetails>"
    )

    parsed = esp_parser(report, {"a.xml": details})

    assert parsed.tip.annotations == [*report_flags, "informational"]
    assert parsed.tip.files[0].annotations == file_flags
    assert parsed.warnings == []
