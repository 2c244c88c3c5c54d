"""Synthetic ESP XML reports for the intel tests, written as a platform files them.

Every name, number, address and hash is made up; the MD5s are digests of short strings, not of any
media. One `SyntheticReport` is one `<reportId>/report.xml` unit with its `files/*.xml`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

CSAM = "Child Pornography (possession, manufacture, and distribution)"
ENTICEMENT = "Online Enticement of Children for Sexual Acts"


def md5_of(text: str) -> str:
    """A synthetic MD5: the digest of a label, never of media."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class SyntheticFile:
    """A file a report names: its hash, the platform's classification, annotations and EXIF."""

    label: str
    classification: str | None = None
    annotations: tuple[str, ...] = ()
    exif: tuple[tuple[str, str], ...] = ()

    @property
    def md5(self) -> str:
        return md5_of(self.label)


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    """One report about one platform account (user id `user_id` on ChatKaro)."""

    report_id: str
    user_id: str
    incident_type: str = CSAM
    incident_at: str = "2026-10-20T10:00:00Z"
    annotations: tuple[str, ...] = ()
    escalated: bool = False
    group: str | None = None
    prior_reports: tuple[str, ...] = ()
    ip_events: tuple[tuple[str, str, int], ...] = ()  # (address, instant, port)
    intended_recipient: bool = False
    victim: bool = False
    bio: str | None = None
    files: tuple[SyntheticFile, ...] = field(default_factory=tuple)

    def write(self, root: Path) -> Path:
        """Write the unit under `root`; returns its folder."""
        unit = root / self.report_id
        (unit / "files").mkdir(parents=True, exist_ok=True)
        (unit / "report.xml").write_text(self._report(), encoding="utf-8")
        for index, item in enumerate(self.files):
            (unit / "files" / f"f{index}.xml").write_text(self._file(index, item), "utf-8")
        return unit

    def _report(self) -> str:
        flags = "".join(f"<{name}/>" for name in self.annotations)
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<report>\n  <incidentSummary>',
            f"    <incidentType>{escape(self.incident_type)}</incidentType>",
            "    <platform>ChatKaro</platform>",
        ]
        if self.escalated:
            parts.append("    <escalateToHighPriority>Child at risk.</escalateToHighPriority>")
        if flags:
            parts.append(f"    <reportAnnotations>{flags}</reportAnnotations>")
        parts += [
            f"    <incidentDateTime>{self.incident_at}</incidentDateTime>",
            "  </incidentSummary>",
            "  <reporter><reportingPerson><email>desk@chatkaro.example</email>"
            "</reportingPerson></reporter>",
            "  <personOrUserReported>",
        ]
        if self.bio:
            parts.append(f"    <profileBio>{escape(self.bio)}</profileBio>")
        parts += [
            f"    <espIdentifier>{self.user_id}</espIdentifier>",
            "    <espService>ChatKaro</espService>",
        ]
        for address, instant, port in self.ip_events:
            parts.append(
                f"    <ipCaptureEvent><ipAddress>{address}</ipAddress><eventName>Login"
                f"</eventName><dateTime>{instant}</dateTime><port>{port}</port></ipCaptureEvent>"
            )
        parts += [f"    <priorCTReports>{p}</priorCTReports>" for p in self.prior_reports]
        if self.group:
            parts.append(f"    <groupIdentifier>{self.group}</groupIdentifier>")
        parts.append("  </personOrUserReported>")
        if self.intended_recipient:
            parts.append(
                "  <intendedRecipient><intendedRecipientPerson><age>13</age>"
                "</intendedRecipientPerson><espIdentifier>555000111</espIdentifier>"
                "<espService>ChatKaro</espService></intendedRecipient>"
            )
        if self.victim:
            parts.append(
                "  <victim><victimPerson><firstName>Synthetic</firstName><age>12</age>"
                "</victimPerson></victim>"
            )
        parts.append("</report>\n")
        return "\n".join(parts)

    def _file(self, index: int, item: SyntheticFile) -> str:
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<fileDetails>',
            f"  <reportId>{self.report_id}</reportId>",
            f"  <fileId>{self.report_id}-{index}</fileId>",
            f"  <fileName>{self.report_id}-{index}.jpg</fileName>",
        ]
        if item.annotations:
            flags = "".join(f"<{name}/>" for name in item.annotations)
            parts.append(f"  <fileAnnotations>{flags}</fileAnnotations>")
        if item.classification:
            parts.append(
                f"  <industryClassification>{item.classification}</industryClassification>"
            )
        parts.append(f'  <originalFileHash hashType="MD5">{item.md5}</originalFileHash>')
        if item.exif:
            pairs = "".join(
                f"<nameValuePair><name>{n}</name><value>{escape(v)}</value></nameValuePair>"
                for n, v in item.exif
            )
            parts.append(f'  <details type="EXIF">{pairs}</details>')
        parts.append("</fileDetails>\n")
        return "\n".join(parts)
