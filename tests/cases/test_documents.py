"""Case documents: every kind made from a synthetic case, its values traced to the database."""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from suraksha.cases.charges import suggest
from suraksha.cases.deadlines import IST
from suraksha.cases.documents.registry import DOCUMENTS, DocumentKind, template_for
from suraksha.cases.documents.render import (
    DocumentRequest,
    MadeDocument,
    list_documents,
    make_document,
    render_values,
    stored_values,
)
from suraksha.cases.documents.values import CaseHead, DocumentContext, Instant
from suraksha.cases.evidence import ItemKind, add_item, link_scan
from suraksha.cases.law import EvidenceKind
from suraksha.cases.workflow import open_case
from suraksha.config import Settings
from suraksha.errors import AccessDenied, UserInputError
from suraksha.hashing.banks import BankKind, import_list
from suraksha.identity.ips import NO_POOLS, CarrierPools
from suraksha.identity.linker import resolve
from suraksha.intake.accounts import AccountView, account_ids, account_views
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.records import AccountRole
from suraksha.intake.tips import TipFacts, tips_of_accounts
from suraksha.intel.assessment import assess_configured
from suraksha.intel.briefing import subject_briefs, subject_dossier
from suraksha.security.audit import events, verify
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus
from suraksha.triage.scanner import ScanRequest, class_counts, scan
from suraksha.victims.records import add_victim

CLI = "cli:tester"
IMEI = "490154203237518"  # a valid Luhn check digit; synthetic
VICTIM = "Kavya Raman Pillai"  # synthetic
HANDLER = "SI Anil Kumar"


@dataclass(frozen=True)
class Built:
    """A case opened on a synthetic subject, with an exhibit scanned and charges suggested."""

    case_id: str
    accounts: list[AccountView]  # the subject's reported accounts, from intake
    victim_names: set[str]  # names on the tips' victim accounts, and the victim record's
    image_sha256: str
    scan_id: int
    out: Path


def text_of(page: str) -> str:
    """The visible text of an HTML document, whitespace collapsed."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def section(page: str, heading: str, following: str | None = None) -> str:
    """The text of `page` from the heading `heading` up to `following` (or the end)."""
    text = text_of(page)
    start = text.index(heading)
    end = text.index(following, start) if following else len(text)
    return text[start:end]


@pytest.fixture
def built(db: Engine, settings: Settings, tmp_path: Path) -> Built:
    write_corpus(tmp_path / "corpus", persons=30, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        resolve(session)
        assess_configured(session, settings)
        subject = _subject_with_both_kinds_of_capture(session)
        accounts = [a for a in subject_dossier(session, subject).accounts if a.role == "reported"]
        victims = account_views(session, account_ids(session, AccountRole.VICTIM))
        names = {raw for v in victims for kind, raw, _ in v.identifiers if "name" in kind}
        opened = open_case(
            session, CLI, state="Kerala", district="Ernakulam", reason="synthetic", subjects=[subject]
        )  # fmt: skip
    case_id = opened.summary.case_id
    image = tmp_path / "exhibit.zip"
    with zipfile.ZipFile(image, "w") as archive:
        archive.writestr("notes/todo.txt", "buy milk\n")  # benign synthetic content
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    (tmp_path / "scratch").mkdir()
    result = scan(db, ScanRequest(image, case_id, "MO-1"), scratch=tmp_path / "scratch")
    bank = tmp_path / "bank.md5"
    bank.write_text(hashlib.md5(b"synthetic").hexdigest() + "\n")  # noqa: S324 (a list entry)
    with transaction(db) as session:
        import_list(session, bank, bank="synthetic-known", kind=BankKind.KNOWN)
        add_item(
            session,
            CLI,
            case_id,
            label="MO-1",
            kind=ItemKind.PHONE,
            seized_at=datetime(2026, 11, 20, 11, 15, tzinfo=IST),
            seized_place="Residence, Kakkanad",
            seized_by=HANDLER,
            make="Samsung",
            model="Galaxy M31",
            imeis=[IMEI],
            seal_numbers=["KL-ERN-S-101"],
            digest=digest,
        )
        link_scan(session, CLI, case_id, "MO-1", result.scan_id)
        suggest(session, CLI, case_id, [EvidenceKind.POSSESSION])
        add_victim(session, CLI, case_id, name=VICTIM)
    return Built(case_id, accounts, names | {VICTIM}, digest, result.scan_id, tmp_path / "out")


def _subject_with_both_kinds_of_capture(session: Session) -> str:
    """A subject on WhatsApp with IP captures that have a port and IPv4 ones that have none."""
    for brief in subject_briefs(session):
        accounts = subject_dossier(session, brief.subject_id).accounts
        captures = [e for a in accounts for e in a.ip_events]
        platforms = {a.service for a in accounts}
        if (
            "WhatsApp" in platforms
            and any(e.port is not None for e in captures)
            and any(e.port is None and "." in e.address for e in captures)
        ):
            return brief.subject_id
    raise AssertionError("the synthetic corpus has no such subject: change the seed")


def make(
    db: Engine,
    built: Built,
    kind: DocumentKind,
    *,
    platform: str | None = None,
    accounts: tuple[str, ...] = (),
    exhibit: str | None = None,
    operator: str | None = None,
    pools: CarrierPools = NO_POOLS,
) -> MadeDocument:
    request = DocumentRequest(
        kind, accounts, platform=platform, operator=operator, exhibit=exhibit, pools=pools
    )
    with transaction(db) as session:
        return make_document(session, CLI, built.case_id, request, built.out)


def test_every_kind_is_made_stored_and_audited(db: Engine, built: Built) -> None:
    made = [
        make(db, built, kind, platform="WhatsApp") if kind in _PLATFORM_KINDS else make(db, built, kind)
        for kind in DocumentKind
    ]  # fmt: skip
    with transaction(db) as session:
        register = list_documents(session, CLI, built.case_id)
        audited = events(session, action="document.make")
        assert verify(session).intact
        again = {m.view.id: stored_values(session, CLI, built.case_id, m.view.id) for m in made}
    assert [v.kind for v in register] == [k.value for k in DocumentKind]
    for document in made:
        pdf = document.pdf.read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert document.view.sha256 == hashlib.sha256(pdf).hexdigest()
        assert document.view.size == len(pdf)
        assert document.view.template_version == template_for(document.view.kind).version >= 1
        assert document.values["template_version"] == document.view.template_version
        # The register's values print the same document again.
        assert render_values(document.view.kind, again[document.view.id]) == document.html
        assert built.case_id in text_of(document.html)
    assert {(e.object_id, e.detail["kind"], e.detail["sha256"]) for e in audited} == {
        (built.case_id, m.view.kind, m.view.sha256) for m in made
    }


_PLATFORM_KINDS = (DocumentKind.NOTICE_94, DocumentKind.PRESERVATION)


def test_subscriber_request_lists_port_and_exact_times_and_flags_portless(
    db: Engine, built: Built
) -> None:
    page = make(db, built, DocumentKind.SUBSCRIBER_REQUEST).html
    asked = section(page, "Addresses to attribute", "Not attributable")
    apart = section(page, "Not attributable: a shared (CGNAT) address needs the source port")
    clocks = section(page, "Log retention clocks", "Produce the details")
    assert "operator ip logs (from the captures listed)" in clocks
    assert "cert in logs (from the captures listed)" in clocks
    captures = [e for a in built.accounts for e in a.ip_events]
    assert captures
    for event in captures:
        assert event.at is not None
        ist = event.at.astimezone(IST).strftime("%d/%m/%Y %H:%M:%S IST")
        utc = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        if event.port is not None:
            row = re.search(rf"{re.escape(event.address)} {event.port} {ist} {utc}", asked)
            assert row is not None, (event, asked)
        elif "." in event.address:  # IPv4 without a port: not attributable, said why
            row = re.search(
                rf"{re.escape(event.address)} none {ist} {utc} .*?no source port", apart
            )
            assert row is not None, (event, apart)
            assert not re.search(rf"{re.escape(event.address)} none", asked)
    # Nothing in the tables that the database does not hold.
    known = {e.address for e in captures}
    with transaction(db) as session:
        dossier_files = [
            e.address for tip in _tips(session, built) for f in tip.files for e in f.ip_events
        ]
    listed = set(re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", asked + apart))
    assert listed and listed <= known | set(dossier_files)


def _tips(session: Session, built: Built) -> list[TipFacts]:
    return tips_of_accounts(session, [a.account_id for a in built.accounts])


def test_an_operator_gets_only_the_addresses_of_its_pools(db: Engine, built: Built) -> None:
    captures = [e for a in built.accounts for e in a.ip_events]
    chosen = next(e for e in captures if e.port is not None and "." in e.address)
    others = {e.address for e in captures} - {chosen.address}
    pools = CarrierPools.from_mapping({"Synthetic Mobile": [f"{chosen.address}/32"]})
    for kind in (DocumentKind.SUBSCRIBER_REQUEST, DocumentKind.PRESERVATION):
        page = make(db, built, kind, operator="Synthetic Mobile", pools=pools).html
        text = text_of(page)
        assert "The nodal officer, Synthetic Mobile" in text
        assert f"{chosen.address} {chosen.port}" in text
        assert not any(re.search(rf"\b{re.escape(a)}\b", text) for a in others)
    with pytest.raises(UserInputError, match="configured"):
        make(db, built, DocumentKind.SUBSCRIBER_REQUEST, operator="Nobody", pools=pools)


def test_notice_names_the_platforms_accounts_and_their_reports(db: Engine, built: Built) -> None:
    whatsapp = [a for a in built.accounts if a.service == "WhatsApp"]
    others = [a for a in built.accounts if a.service != "WhatsApp"]
    page = make(db, built, DocumentKind.NOTICE_94, platform="WhatsApp").html
    text = text_of(page)
    assert "To The nodal officer for law-enforcement requests, WhatsApp" in text
    assert "section 94" in text and "Bharatiya Nagarik Suraksha Sanhita" in text
    accounts = section(page, "Accounts #", "Reports")
    for account in whatsapp:
        assert account.report_id in accounts
        for kind, raw, _ in account.identifiers:
            if kind in ("platform_user_id", "screen_name", "email", "phone"):
                assert raw in accounts
            if kind in ("name", "display_name"):
                assert raw not in text  # a notice names accounts, never people
    for account in others:
        assert account.report_id not in accounts
    reports = re.findall(r"\b1\d{8}\b", section(page, "Reports", "What is to be produced"))
    assert set(reports) == {a.report_id for a in whatsapp}
    if others:
        with pytest.raises(UserInputError, match="goes to one platform"):
            make(db, built, DocumentKind.NOTICE_94)
    with pytest.raises(UserInputError, match="not a reported account"):
        make(db, built, DocumentKind.NOTICE_94, accounts=("account-0000",))


def test_certificate_states_the_exhibit_and_its_hash_values(db: Engine, built: Built) -> None:
    document = make(db, built, DocumentKind.CERTIFICATE_63)
    text = text_of(document.html)
    assert (
        "PART A (to be filled by the Party)" in text
        and "PART B (to be filled by the Expert)" in text
    )
    assert "☑ Mobile" in text and "Samsung Galaxy M31" in text and f"IMEI {IMEI}" in text
    assert f"SHA-256 {built.image_sha256}" in text
    assert "20/11/2026 11:15:00 IST" in text
    [enclosure] = document.enclosures
    listed = hashlib.sha256(enclosure.read_bytes()).hexdigest()
    assert listed in text
    with pytest.raises(UserInputError, match="no exhibit 'MO-9'"):
        make(db, built, DocumentKind.CERTIFICATE_63, exhibit="MO-9")


def test_case_summary_has_method_banks_charges_and_no_identity(db: Engine, built: Built) -> None:
    text = text_of(make(db, built, DocumentKind.CASE_SUMMARY).html)
    assert "synthetic-known known 1 1 31" in text  # bank, kind, version, entries, PDQ threshold
    assert "IT Act s.67B(b)" in text or "67B" in text
    assert "IPC s.292" in text or "BNS s.294" in text  # the warning given with the charge
    assert f"V-{built.case_id}-1" in text
    with transaction(db) as session:
        counts = class_counts(session, built.scan_id)
    assert (
        f"known {counts['known']}, near (PDQ) {counts['near']}, new media {counts['new-media']}, "
        f"ignorable {counts['ignorable']}, other {counts['other']}"
    ) in text
    assert counts["other"] > 0


def test_no_document_names_a_victim(db: Engine, built: Built) -> None:
    pages = [
        make(db, built, kind, platform="WhatsApp").html
        if kind in _PLATFORM_KINDS
        else make(db, built, kind).html
        for kind in DocumentKind
    ]
    for page in pages:
        text = text_of(page).casefold()
        for name in built.victim_names:
            assert name.casefold() not in text, name
    # The last guard: a victim whose name is printed elsewhere stops the document.
    with transaction(db) as session:
        add_victim(session, CLI, built.case_id, name=HANDLER.removeprefix("SI "))
    with pytest.raises(UserInputError, match="would name a victim"):
        make(db, built, DocumentKind.CERTIFICATE_63)


def test_a_prosecutor_may_read_the_summary_but_not_send_notices(db: Engine, built: Built) -> None:
    prosecutor = Actor(7, "asha", Role.PROSECUTOR, case_ids=frozenset({built.case_id}))
    with transaction(db) as session:
        summary = make_document(
            session, prosecutor, built.case_id, DocumentRequest(DocumentKind.CASE_SUMMARY), built.out
        )  # fmt: skip
    assert summary.view.made_by == "asha"
    with transaction(db) as session, pytest.raises(AccessDenied):
        make_document(
            session,
            prosecutor,
            built.case_id,
            DocumentRequest(DocumentKind.NOTICE_94, platform="WhatsApp"),
            built.out,
        )


def test_a_missing_value_fails_loudly() -> None:
    head = CaseHead("KL-ERN-2026-0001", "KL-ERN-2026-0001", None, "KL-ERN", "KERALA",
                    "ERNAKULAM", "lead", None, "BNSS / BNS", ())  # fmt: skip
    context = DocumentContext(
        kind="notice-94",
        title="t",
        basis="b",
        template="notice-94.html",
        template_version=1,
        generated=Instant.of(datetime(2026, 11, 26, tzinfo=IST)),
        made_by=CLI,
        case=head,
        platform="WhatsApp",
    )
    values = asdict(context)
    assert "KL-ERN-2026-0001" in render_values(DocumentKind.NOTICE_94, values)
    del values["case"]["unit"]
    with pytest.raises(jinja2.UndefinedError, match="unit"):
        render_values(DocumentKind.NOTICE_94, values)


def test_an_investigation_pending_on_1_july_2024_cites_the_crpc() -> None:
    head = CaseHead("KL-ERN-2024-0001", "FIR 7/2024 (KL-ERN-2024-0001)", "7/2024", "KL-ERN",
                    "KERALA", "ERNAKULAM", "fir", "01/05/2024",
                    "CRPC / IPC: FIR registered before 01 Jul 2024", ())  # fmt: skip
    context = DocumentContext(
        kind="notice-94",
        title="t",
        basis="b",
        template="notice-94.html",
        template_version=1,
        generated=Instant.of(datetime(2026, 11, 26, tzinfo=IST)),
        made_by=CLI,
        case=head,
        platform="WhatsApp",
    )
    text = text_of(render_values(DocumentKind.NOTICE_94, asdict(context)))
    assert "Notice under section 91 of the Code of Criminal Procedure, 1973" in text
    assert "Nagarik" not in text  # no BNSS section for an investigation under the CrPC


def test_registry_lists_every_template_once_with_a_version() -> None:
    folder = Path(__file__).parents[2] / "src/suraksha/cases/documents/templates"
    files = sorted(p.name for p in folder.glob("*.html"))
    assert sorted(d.template for d in DOCUMENTS) == files
    assert len({d.kind for d in DOCUMENTS}) == len(DOCUMENTS) == len(DocumentKind)
    for entry in DOCUMENTS:
        assert entry.text.startswith(f"{{# template-version: {entry.version} #}}\n")
    docs = (Path(__file__).parents[2] / "docs" / "documents.md").read_text(encoding="utf-8")
    for entry in DOCUMENTS:
        assert f"`{entry.kind}`" in docs
