"""Hand-written synthetic ESP XML tips for the network tests: a small circle on one platform group.

Every name, number, address and hash is made up; the MD5s are digests of short labels, never of
media (tests/intel/reports.py's `md5_of`). `write_circle(root)` writes four reports whose reported
accounts share the ChatKaro group `ck-group-7731`: two place their account abroad (a +971 phone
and the platform's estimate in the UAE), one report also names a victim and a child intended
recipient (who must never leave the unit). `load_circle(settings, root)` ingests them, resolves,
assesses (routing) and groups, with the domain functions the commands use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import select

from suraksha.config import Settings
from suraksha.identity.linker import resolve
from suraksha.intake.pipeline import ingest, plan
from suraksha.intel.assessment import assess_configured
from suraksha.intel.models import SubjectJurisdiction
from suraksha.intel.networks.grouping import group_network
from suraksha.intel.networks.views import list_groups
from suraksha.security.policy import Actor, Role
from suraksha.storage.session import transaction
from suraksha.workspace import open_engine
from tests.intel.reports import md5_of

GROUP = "ck-group-7731"
VICTIM_NAME = "Meherunnisa"
RECIPIENT_ID = "ck-child-4410"


@dataclass(frozen=True, slots=True)
class CircleTip:
    """One report about one ChatKaro account in the circle."""

    report_id: str
    user_id: str
    screen_name: str
    phone: str | None = None
    email: str | None = None
    city: str | None = None
    pincode: str | None = None
    state: str | None = None
    country_estimate: str | None = None
    files: tuple[str, ...] = ()
    victim: bool = False

    def write(self, root: Path) -> Path:
        """Write `<report_id>/report.xml` and its `files/*.xml` under `root`."""
        unit = root / self.report_id
        (unit / "files").mkdir(parents=True, exist_ok=True)
        (unit / "report.xml").write_text(self._report(), encoding="utf-8")
        for index, label in enumerate(self.files):
            (unit / "files" / f"f{index}.xml").write_text(self._file(index, label), "utf-8")
        return unit

    def _report(self) -> str:
        person = []
        if self.phone:
            person.append(f'<phone type="Mobile">{escape(self.phone)}</phone>')
        if self.email:
            person.append(f"<email>{escape(self.email)}</email>")
        if self.city:
            person.append(
                f'<address type="Home"><address>12 Synthetic Road</address>'
                f"<city>{self.city}</city><zipCode>{self.pincode}</zipCode>"
                f"<nonUsaState>{self.state}</nonUsaState><country>India</country></address>"
            )
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<report>\n  <incidentSummary>',
            "    <incidentType>Child Pornography (possession, manufacture, and distribution)"
            "</incidentType>",
            "    <platform>ChatKaro</platform>",
            "    <incidentDateTime>2026-10-20T10:00:00Z</incidentDateTime>",
            "  </incidentSummary>",
            "  <reporter><reportingPerson><email>desk@chatkaro.example</email>"
            "</reportingPerson></reporter>",
            "  <personOrUserReported>",
        ]
        if person:
            parts.append(
                "    <personOrUserReportedPerson>"
                + "".join(person)
                + "</personOrUserReportedPerson>"
            )
        parts += [
            f"    <espIdentifier>{self.user_id}</espIdentifier>",
            "    <espService>ChatKaro</espService>",
            f"    <screenName>{self.screen_name}</screenName>",
            f"    <groupIdentifier>{GROUP}</groupIdentifier>",
        ]
        if self.country_estimate:
            parts.append(
                "    <estimatedLocation><city>Dubai</city><region>Dubai</region>"
                f"<countryCode>{self.country_estimate}</countryCode></estimatedLocation>"
            )
        parts.append("  </personOrUserReported>")
        if self.victim:
            parts.append(
                "  <intendedRecipient><intendedRecipientPerson><age>13</age>"
                f"</intendedRecipientPerson><espIdentifier>{RECIPIENT_ID}</espIdentifier>"
                "<espService>ChatKaro</espService></intendedRecipient>"
            )
            parts.append(
                f"  <victim><victimPerson><firstName>{VICTIM_NAME}</firstName><age>12</age>"
                "</victimPerson></victim>"
            )
        parts.append("</report>\n")
        return "\n".join(parts)

    def _file(self, index: int, label: str) -> str:
        return "\n".join(
            [
                '<?xml version="1.0" encoding="UTF-8"?>\n<fileDetails>',
                f"  <reportId>{self.report_id}</reportId>",
                f"  <fileId>{self.report_id}-{index}</fileId>",
                f"  <fileName>{self.report_id}-{index}.jpg</fileName>",
                f'  <originalFileHash hashType="MD5">{md5_of(label)}</originalFileHash>',
                "</fileDetails>\n",
            ]
        )


CIRCLE = (
    # Abroad by phone and estimate, but with a Bengaluru address: routed to Bengaluru Urban.
    CircleTip(
        "880001",
        "ck-5501",
        "desert_falcon",
        phone="+971501234567",
        email="falcon5501@mail.example",
        city="Bengaluru",
        pincode="560001",
        state="Karnataka",
        country_estimate="AE",
        files=("circle-a", "circle-b"),
        victim=True,
    ),
    CircleTip(
        "880002", "ck-5502", "night_owl", city="Bengaluru", pincode="560001", state="Karnataka",
        files=("circle-a",),
    ),
    # Abroad by the platform's estimate, routed to Uttara Kannada (Karwar).
    CircleTip(
        "880003", "ck-5503", "sea_gull", city="Karwar", pincode="581301", state="Karnataka",
        country_estimate="AE", files=("circle-b",),
    ),
    CircleTip(
        "880004", "ck-5504", "hill_myna", city="Karwar", pincode="581301", state="Karnataka",
    ),
)  # fmt: skip


def write_circle(root: Path) -> Path:
    """Write the circle's four reports into `root/circle`; returns that folder."""
    folder = root / "circle"
    for tip in CIRCLE:
        tip.write(folder)
    return folder


@dataclass(frozen=True, slots=True)
class Circle:
    """The grouped circle: its group id and each report's subject."""

    group_id: str
    subject_of: dict[str, str]  # report number → subject id
    district_of: dict[str, str | None]  # subject id → district routed to


def load_circle(settings: Settings, root: Path) -> Circle:
    """Ingest, resolve, assess and group the circle in the workspace of `settings`."""
    engine = open_engine(settings, migrate=True)
    try:
        ingest(engine, plan([write_circle(root)]))
        with transaction(engine) as session:
            resolve(session)
            assess_configured(session, settings)
        with transaction(engine) as session:
            result = group_network(session)
            assert result.groups == 1, result
        with transaction(engine) as session:
            (group,) = list_groups(session, Actor(0, "cli:test", Role.ADMIN))
            subject_of = {
                report: member.subject_id
                for member in group.members
                for report in member.report_ids
            }
            district_of: dict[str, str | None] = {
                subject: district
                for subject, district in session.execute(
                    select(SubjectJurisdiction.subject_id, SubjectJurisdiction.district)
                )
            }
    finally:
        engine.dispose()
    return Circle(group.group_id, subject_of, district_of)
