"""Making a case's documents: gather the values, render the template, write the PDF, record it.

    read_material ─► DocumentContext ─► values (JSON) ─► Jinja2 (autoescape, StrictUndefined)
                                           │               ─► HTML ─► WeasyPrint (no URL) ─► PDF
                                           └──────────────► CaseDocument row: kind, template
                                                            version and SHA-256, who, when, the
                                                            PDF's SHA-256, the values

The template is rendered from the stored values, not from live objects, so `render_values(kind,
values)` gives the same HTML again from the register. StrictUndefined makes a template that
names a value the context lacks fail loudly instead of printing a blank that looks deliberate.
As a last guard the HTML is checked with `victims.records.pseudonymise`: if a case victim's name
appears anywhere, the document is refused (documents carry victims' labels only: POCSO s.23).

Notices and the certificate are acts of the investigating unit and need `case.write`; the
prosecutor's summary needs `case.read`. Every document made is audited (`document.make`) with its
kind, template version and SHA-256; the register's read is audited as `document.list`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha import paper
from suraksha.cases.documents.context import (
    EVIDENCE_CLOCKS,
    CaseMaterial,
    account_lines,
    bank_lines,
    base_context,
    capture_clocks,
    charge_lines,
    choose_accounts,
    deadline_lines,
    exhibit_lines,
    ip_lines,
    one_platform,
    read_material,
    report_lines,
    victims_of,
)
from suraksha.cases.documents.models import CaseDocument
from suraksha.cases.documents.registry import (
    DOCUMENTS,
    STYLESHEET,
    DocumentKind,
    DocumentTemplate,
    template_for,
    template_text,
)
from suraksha.cases.documents.values import DocumentContext, Instant, MaterialCounts
from suraksha.cases.workflow import load_case, name_of
from suraksha.errors import AccessDenied, UserInputError
from suraksha.hashing.matcher import CONFIRM_ABOVE
from suraksha.identity.ips import NO_POOLS, CarrierPools
from suraksha.security.audit import Who, record
from suraksha.security.policy import Permission
from suraksha.storage.base import utcnow
from suraksha.triage.report import write_pdf
from suraksha.victims.records import pseudonymise

_MATERIAL_BANKS = frozenset({"known", "viral"})


@dataclass(frozen=True, slots=True)
class DocumentRequest:
    """What to make: the kind, and which of the case's accounts, platform, operator or exhibit."""

    kind: DocumentKind
    accounts: tuple[str, ...] = ()
    platform: str | None = None
    operator: str | None = None
    exhibit: str | None = None
    pools: CarrierPools = NO_POOLS


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A document in the case's register."""

    id: int
    case_id: str
    kind: str
    template: str
    template_version: int
    template_sha256: str
    made_by: str
    made_at: datetime
    file_name: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (`documents list --format json`)."""
        return {
            "id": self.id,
            "case_id": self.case_id,
            "kind": self.kind,
            "template": self.template,
            "template_version": self.template_version,
            "template_sha256": self.template_sha256,
            "made_by": self.made_by,
            "made_at": Instant.of(self.made_at).iso,
            "file_name": self.file_name,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True, slots=True)
class MadeDocument:
    """A document just made: its register entry, the PDF, the HTML it was printed from, and the
    enclosures written beside it (a certificate's hash lists)."""

    view: DocumentView
    pdf: Path
    html: str
    values: dict[str, Any]
    enclosures: tuple[Path, ...]


def make_document(
    session: Session,
    who: Who,
    ref: str,
    request: DocumentRequest,
    out: Path,
    *,
    now: datetime | None = None,
) -> MadeDocument:
    """Make the document `request` asks for about case `ref` as a PDF in folder `out`, record it
    in the case's register and the audit log (`document.make`), and return it.

    UserInputError when the case lacks what the document needs (no account on the platform, no
    exhibit), when the output file exists, or when a victim's name would appear in it.
    """
    entry = template_for(request.kind)
    case = load_case(session, who, ref, permission_for(entry.kind))
    out.mkdir(parents=True, exist_ok=True)
    number = 1 + (
        session.scalar(
            select(func.count())
            .select_from(CaseDocument)
            .where(CaseDocument.case_id == case.id, CaseDocument.kind == entry.kind.value)
        )
        or 0
    )
    target = out / f"{case.id}-{entry.kind.value}-{number}.pdf"
    if target.exists():
        raise UserInputError(f"{target} exists: give another --out folder, or move that file.")
    moment = now or utcnow()
    material = read_material(session, who, case.id, now=moment)
    enclosures = out if entry.kind is DocumentKind.CERTIFICATE_63 else None
    context = build_context(session, who, material, entry, request, moment, enclosures)
    values = asdict(context)
    html = render_values(entry.kind, values)
    if pseudonymise(session, case.id, html) != html:
        raise UserInputError(
            "The document would name a victim of the case (a name recorded in the victim record "
            "appears in it): nothing was written. Documents carry victims' labels only (POCSO "
            "s.23); find the value that holds the name and correct it at its source."
        )
    write_pdf(html, target)
    data = target.read_bytes()
    row = CaseDocument(
        case_id=case.id,
        kind=entry.kind.value,
        template=entry.template,
        template_version=entry.version,
        template_sha256=template_digest(entry),
        made_by=name_of(who),
        made_at=moment,
        file_name=target.name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        values_used=values,
    )
    session.add(row)
    session.flush()
    record(
        session,
        who,
        "document.make",
        "case",
        case.id,
        {
            "document_id": row.id,
            "kind": row.kind,
            "template_version": row.template_version,
            "sha256": row.sha256,
            "file_name": row.file_name,
        },
    )
    written = tuple(
        out / exhibit.scan.hash_list_name
        for exhibit in context.exhibits
        if exhibit.scan is not None and enclosures is not None
    )
    return MadeDocument(document_view(row), target, html, values, written)


def permission_for(kind: DocumentKind) -> Permission:
    """What making a document of `kind` needs: `case.read` for the prosecutor's summary (an
    internal brief), `case.write` for the notices, requests and certificate (acts of the unit)."""
    return Permission.CASE_READ if kind is DocumentKind.CASE_SUMMARY else Permission.CASE_WRITE


def kinds_for(session: Session, who: Who, ref: str) -> list[DocumentTemplate]:
    """The document kinds `who` may make for case `ref`, in the registry's order (none when they
    may not read it: AccessDenied or UserInputError from `load_case`). Not audited: it reads no
    value of the case beyond where it is."""
    case = load_case(session, who, ref, Permission.CASE_READ)
    allowed: list[DocumentTemplate] = []
    for entry in DOCUMENTS:
        try:
            load_case(session, who, case.id, permission_for(entry.kind))
        except AccessDenied:
            continue
        allowed.append(entry)
    return allowed


def list_documents(session: Session, who: Who, ref: str) -> list[DocumentView]:
    """The case's document register, oldest first (audited as `document.list`)."""
    case = load_case(session, who, ref, Permission.CASE_READ)
    rows = list(
        session.scalars(
            select(CaseDocument)
            .where(CaseDocument.case_id == case.id)
            .order_by(CaseDocument.made_at, CaseDocument.id)
        )
    )
    record(session, who, "document.list", "case", case.id, {"documents": len(rows)})
    return [document_view(row) for row in rows]


def stored_values(session: Session, who: Who, ref: str, document_id: int) -> dict[str, Any]:
    """The values a document of case `ref` was made from (to render it again and compare)."""
    case = load_case(session, who, ref, Permission.CASE_READ)
    row = session.get(CaseDocument, document_id)
    if row is None or row.case_id != case.id:
        raise UserInputError(
            f"Case {case.id} has no document {document_id}: `suraksha documents list --case "
            f"{case.id}` lists them."
        )
    return dict(row.values_used)


def render_values(kind: DocumentKind | str, values: Mapping[str, Any]) -> str:
    """The HTML of a document of `kind` from its values (StrictUndefined: a value the template
    names and `values` lacks raises jinja2.UndefinedError)."""
    entry = template_for(kind)
    return _environment().get_template(entry.template).render(doc=values)


def template_digest(entry: DocumentTemplate) -> str:
    """SHA-256 over the template and the stylesheets it includes: what printed the document."""
    digest = hashlib.sha256(entry.text.encode("utf-8"))
    digest.update(template_text(STYLESHEET).encode("utf-8"))
    digest.update(paper.stylesheet_text().encode("utf-8"))
    return digest.hexdigest()


def build_context(
    session: Session,
    who: Who,
    material: CaseMaterial,
    entry: DocumentTemplate,
    request: DocumentRequest,
    now: datetime,
    enclosures: Path | None = None,
) -> DocumentContext:
    """The values of the document `request` asks for (see `context` for where each comes from)."""
    base = base_context(
        material,
        kind=entry.kind.value,
        title=entry.title,
        basis=entry.basis,
        template=entry.template,
        version=entry.version,
        made_by=name_of(who),
        now=now,
    )
    kind = entry.kind
    if kind is DocumentKind.PRESERVATION and request.operator is not None:
        # To an operator: keep the session (IPDR / NAT) records of the case's IP captures.
        accounts = choose_accounts(material, request.accounts, request.platform)
        good, bad = ip_lines(
            accounts, material.all_tips, pools=request.pools, operator=request.operator
        )
        if not good and not bad:
            raise UserInputError(
                f"No IP capture of these accounts is in {request.operator}'s configured carrier "
                "pools (carrier-pools.toml): there is nothing to ask it to preserve."
            )
        return _replace(
            base,
            operator=request.operator,
            accounts=account_lines(accounts),
            reports=report_lines(material.all_tips, {a.report_id for a in accounts}),
            attributable=good,
            not_attributable=bad,
            deadlines=deadline_lines(material.file, ("platform_preservation",))
            + capture_clocks((*good, *bad), now),
        )
    if kind in (DocumentKind.NOTICE_94, DocumentKind.PRESERVATION):
        accounts = choose_accounts(material, request.accounts, request.platform)
        platform = one_platform(accounts)
        reports = {a.report_id for a in accounts}
        return _replace(
            base,
            platform=platform,
            accounts=account_lines(accounts),
            reports=report_lines(material.all_tips, reports),
            deadlines=(
                deadline_lines(material.file, EVIDENCE_CLOCKS)
                if kind is DocumentKind.PRESERVATION
                else ()
            ),
        )
    if kind is DocumentKind.SUBSCRIBER_REQUEST:
        accounts = choose_accounts(material, request.accounts, request.platform)
        good, bad = ip_lines(
            accounts, material.all_tips, pools=request.pools, operator=request.operator
        )
        if not good and not bad:
            raise UserInputError(
                "These accounts have no IP capture"
                + (f" in {request.operator}'s configured pools" if request.operator else "")
                + ": there is nothing to ask an operator."
            )
        return _replace(
            base,
            operator=request.operator,
            accounts=account_lines(accounts),
            reports=report_lines(material.all_tips, {a.report_id for a in accounts}),
            attributable=good,
            not_attributable=bad,
            deadlines=capture_clocks((*good, *bad), now),
        )
    if kind is DocumentKind.CERTIFICATE_63:
        items = [
            i for i in material.exhibits if request.exhibit is None or i.label == request.exhibit
        ]
        if not items:
            raise UserInputError(
                f"Case {base.case.case_id} has no exhibit"
                + (f" {request.exhibit!r}" if request.exhibit else "")
                + ": register it with `suraksha evidence add` (labels: "
                + (", ".join(i.label for i in material.exhibits) or "none")
                + ")."
            )
        return _replace(base, exhibits=exhibit_lines(session, items, enclosures))
    # the prosecutor's summary
    exhibits = exhibit_lines(session, material.exhibits, None)
    return _replace(
        base,
        victims=victims_of(session, base.case.case_id),
        reports=report_lines(material.all_tips),
        deadlines=deadline_lines(material.file),
        charges=charge_lines(material.file),
        exhibits=exhibits,
        banks=bank_lines(session),
        counts=_counts(material, exhibits),
    )


def _counts(material: CaseMaterial, exhibits: Sequence[Any]) -> MaterialCounts:
    files = {f.file_row_id for tip in material.all_tips for f in tip.files}
    matches = {
        file_id: views
        for dossier in material.dossiers
        for file_id, views in dossier.matches.items()
        if file_id in files
    }
    known = sum(
        1 for views in matches.values() if any(v.bank_kind in _MATERIAL_BANKS for v in views)
    )
    confirm = sum(
        1
        for views in matches.values()
        if any(v.algorithm == "pdq" and v.distance > CONFIRM_ABOVE for v in views)
    )
    totals: dict[str, int] = {}
    for exhibit in exhibits:
        if exhibit.scan is not None:
            for name, count in exhibit.scan.counts:
                totals[name] = totals.get(name, 0) + count
    return MaterialCounts(
        tip_files=len(files),
        tip_files_known=known,
        tip_files_needing_confirmation=confirm,
        scan_known=totals.get("known", 0),
        scan_near=totals.get("near", 0),
        scan_new=totals.get("new-media", 0),
        scan_ignorable=totals.get("ignorable", 0),
        scan_other=totals.get("other", 0),
    )


def _replace(base: DocumentContext, **changes: Any) -> DocumentContext:
    return replace(base, **changes)


def document_view(row: CaseDocument) -> DocumentView:
    """A register row as shown."""
    return DocumentView(
        row.id,
        row.case_id,
        row.kind,
        row.template,
        row.template_version,
        row.template_sha256,
        row.made_by,
        row.made_at,
        row.file_name,
        row.size,
        row.sha256,
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=paper.loader("suraksha.cases.documents"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
