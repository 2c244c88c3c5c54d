"""The Interpol / foreign-agency referral packet of one group: its members placed abroad, as JSON
and as a PDF.

    read_group (policy; `group.read`) ─► members with readings abroad
        └─► each member's reports: read_tip (policy; `tip.read`) ─► the member's own reported
            accounts (identifiers) and the report's files (digests, bank matches)
    ─► ReferralPacket ─► JSON (keys in a fixed order) + referral.html ─► WeasyPrint ─► PDF
    `group.referral` audited with the members and the template version

What a packet holds, and why nothing else: for each member within the actor's reach whom a
reading places outside India, the readings (kind, country, value, report), the member's own
reported accounts on those reports (service; user ids, screen names, e-mails, phones, profile
URLs, device ids), the report numbers, and the reports' files by digest (MD5, SHA-1, SHA-256,
PDQ) with any hash-bank match. Never media (a packet has no content, only digests), never victim
identity (only accounts of the member itself in the `reported` role are read: victims, intended
recipients and every account hanging off a victim are left out; POCSO s.23, IT Act s.67B), never
names of the actor's unseen members (read_group counts them; the packet says how many). Names
and dates of birth are left out too: a foreign agency is sent what finds an account, and the
unit adds a name by its own letter if the law it acts under allows.

The template's version is its first line's `{# template-version: N #}`, recorded in the JSON and
printed on the PDF; whoever edits the template bumps it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jinja2
from sqlalchemy.orm import Session

from suraksha import paper
from suraksha.errors import UserInputError
from suraksha.hashing.matcher import MatchView
from suraksha.identity.subjects import members_of
from suraksha.intake.accounts import AccountView
from suraksha.intake.inbox import FileView, read_tip
from suraksha.intake.records import AccountRole, IdentifierKind
from suraksha.intake.tips import tips_of_accounts
from suraksha.intel.networks.views import MemberView, read_group
from suraksha.security import audit
from suraksha.security.audit import Who
from suraksha.security.policy import Actor
from suraksha.storage.base import utcnow
from suraksha.triage.report import write_pdf

TEMPLATE: Final = "referral.html"
STYLESHEET: Final = "referral.css"
PACKET_FORMAT: Final = "suraksha.referral/1"
REFERRED_KINDS: Final = (
    IdentifierKind.PLATFORM_USER_ID.value,
    IdentifierKind.SCREEN_NAME.value,
    IdentifierKind.EMAIL.value,
    IdentifierKind.PHONE.value,
    IdentifierKind.PROFILE_URL.value,
    IdentifierKind.DEVICE_ID.value,
)
"""Identifier kinds a packet carries: what finds an account (see the module docstring)."""
_HEADER: Final = re.compile(r"\{#\s*template-version:\s*(\d+)\s*#\}")


@dataclass(frozen=True, slots=True)
class ReferralAccount:
    """One of the member's own reported accounts, on one report."""

    report_id: str
    service: str | None
    identifiers: tuple[tuple[str, str], ...]  # (kind, value), in the report's order

    def as_dict(self) -> dict[str, Any]:
        """The account as the JSON holds it."""
        return {
            "report": self.report_id,
            "service": self.service,
            "identifiers": [{"kind": k, "value": v} for k, v in self.identifiers],
        }


@dataclass(frozen=True, slots=True)
class ReferralFile:
    """A file one of the member's reports names: digests and bank matches only."""

    report_id: str
    file_id: str
    md5: str | None
    sha1: str | None
    sha256: str | None
    pdq: str | None
    classification: str | None
    matches: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        """The file as the JSON holds it."""
        return {
            "report": self.report_id,
            "file_id": self.file_id,
            "md5": self.md5,
            "sha1": self.sha1,
            "sha256": self.sha256,
            "pdq": self.pdq,
            "classification": self.classification,
            "bank_matches": list(self.matches),
        }


@dataclass(frozen=True, slots=True)
class ReferralMember:
    """A member placed abroad, with what a foreign agency needs to find the accounts."""

    subject_id: str
    countries: tuple[str, ...]
    readings: tuple[dict[str, Any], ...]
    report_ids: tuple[str, ...]
    accounts: tuple[ReferralAccount, ...]
    files: tuple[ReferralFile, ...]
    roles: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The member as the JSON holds it."""
        return {
            "subject_id": self.subject_id,
            "countries": list(self.countries),
            "roles": list(self.roles),
            "readings_abroad": [dict(r) for r in self.readings],
            "report_ids": list(self.report_ids),
            "accounts": [a.as_dict() for a in self.accounts],
            "files": [f.as_dict() for f in self.files],
        }


@dataclass(frozen=True, slots=True)
class ReferralPacket:
    """One group's referral: its members abroad within the actor's reach."""

    group_id: str
    prepared_at: datetime
    prepared_by: str
    template: str
    template_version: int
    reasons: tuple[str, ...]
    members_in_reach: int
    hidden_members: int
    members: tuple[ReferralMember, ...]

    def as_dict(self) -> dict[str, Any]:
        """The packet as JSON values, keys in a fixed order."""
        return {
            "format": PACKET_FORMAT,
            "group_id": self.group_id,
            "prepared_at": self.prepared_at.isoformat(),
            "prepared_by": self.prepared_by,
            "template": self.template,
            "template_version": self.template_version,
            "reasons": list(self.reasons),
            "members_in_reach": self.members_in_reach,
            "members_outside_reach": self.hidden_members,
            "members_abroad": [m.as_dict() for m in self.members],
            "withheld": "media, victims and intended recipients, names and dates of birth",
        }


@dataclass(frozen=True, slots=True)
class ReferralFiles:
    """What `write_referral` wrote."""

    json: Path
    pdf: Path


def referral_packet(session: Session, actor: Who, group_id: str) -> ReferralPacket:
    """The referral packet of `group_id` as `actor` may see it (see the module docstring).

    GroupNotFound when the group is out of reach; UserInputError when no member within reach is
    placed abroad (there is nothing to refer). The group, each report and the packet are
    audited (`group.read`, `tip.read`, `group.referral`) in the session, which must write.
    """
    view = read_group(session, actor, group_id, channel="referral")
    abroad = [member for member in view.members if member.abroad]
    if not abroad:
        raise UserInputError(
            f"no member of group {group_id} within your reach is placed abroad: nothing to refer"
        )
    members = tuple(_member(session, actor, member) for member in abroad)
    packet = ReferralPacket(
        group_id=view.group_id,
        prepared_at=utcnow(),
        prepared_by=actor.name if isinstance(actor, Actor) else actor,
        template=TEMPLATE,
        template_version=template_version(),
        reasons=tuple(view.reasons),
        members_in_reach=len(view.members),
        hidden_members=view.hidden_members,
        members=members,
    )
    audit.record(
        session,
        actor,
        "group.referral",
        "group",
        group_id,
        {
            "subjects": [m.subject_id for m in members],
            "reports": sum(len(m.report_ids) for m in members),
            "files": sum(len(m.files) for m in members),
            "template_version": packet.template_version,
            "hidden": view.hidden_members,
        },
    )
    return packet


def write_referral(packet: ReferralPacket, out_dir: Path) -> ReferralFiles:
    """Write `referral-<group>.json` and `referral-<group>.pdf` into `out_dir` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"referral-{packet.group_id}"
    target_json, target_pdf = out_dir / f"{stem}.json", out_dir / f"{stem}.pdf"
    target_json.write_text(referral_json(packet), encoding="utf-8")
    write_pdf(referral_html(packet), target_pdf)
    return ReferralFiles(target_json, target_pdf)


def referral_json(packet: ReferralPacket) -> str:
    """The packet as indented JSON, its keys in the order `as_dict` gives them."""
    return json.dumps(packet.as_dict(), indent=2, ensure_ascii=False) + "\n"


def referral_html(packet: ReferralPacket) -> str:
    """The packet's printable HTML (what the PDF is made from)."""
    environment = jinja2.Environment(
        loader=paper.loader("suraksha.intel.networks"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(TEMPLATE).render(packet=packet.as_dict())


def template_version() -> int:
    """The version in the template's first line (ValueError when the header is missing)."""
    text = resources.files(__package__).joinpath("templates", TEMPLATE).read_text("utf-8")
    found = _HEADER.fullmatch(text.split("\n", 1)[0].strip())
    if found is None:
        raise ValueError(f"{TEMPLATE} does not start with a {{# template-version: N #}} header")
    return int(found.group(1))


def _member(session: Session, actor: Who, member: MemberView) -> ReferralMember:
    own = set(members_of(session, member.subject_id))
    wanted = set(member.report_ids)
    accounts: list[ReferralAccount] = []
    files: list[ReferralFile] = []
    for facts in tips_of_accounts(session, own):
        if facts.report_id not in wanted:
            continue
        detail = read_tip(session, actor, facts.tip_id, channel="referral")
        accounts += [_account(view) for view in detail.accounts if _own_reported(view, own)]
        files += [_file(detail.report_id, item) for item in detail.files]
    return ReferralMember(
        subject_id=member.subject_id,
        countries=tuple(sorted({str(r.get("country", "")) for r in member.abroad} - {""})),
        readings=tuple(member.abroad),
        report_ids=tuple(member.report_ids),
        accounts=tuple(sorted(accounts, key=lambda a: (a.report_id, a.service or ""))),
        files=tuple(sorted(files, key=lambda f: (f.report_id, f.file_id))),
        roles=tuple(member.role_names),
    )


def _own_reported(view: AccountView, own: set[str]) -> bool:
    """Only the member's own accounts in the `reported` role: never a victim, an intended
    recipient or an associated account, whoever may read them."""
    return view.account_id in own and view.role == AccountRole.REPORTED.value


def _account(view: AccountView) -> ReferralAccount:
    seen: dict[tuple[str, str], None] = {}
    for kind, raw, value in view.identifiers:
        if kind in REFERRED_KINDS:
            seen.setdefault((kind, value or raw), None)
    return ReferralAccount(view.report_id, view.service, tuple(seen))


def _file(report_id: str, item: FileView) -> ReferralFile:
    return ReferralFile(
        report_id=report_id,
        file_id=item.file_id,
        md5=item.md5,
        sha1=item.sha1,
        sha256=item.sha256,
        pdq=item.pdq,
        classification=item.classification,
        matches=tuple(_match(m) for m in item.matches),
    )


def _match(match: MatchView) -> dict[str, Any]:
    return {
        "bank": match.bank,
        "bank_kind": match.bank_kind,
        "bank_version": match.bank_version,
        "algorithm": match.algorithm,
        "distance": match.distance,
        "category": match.category,
    }
