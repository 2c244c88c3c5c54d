"""A DRAFT certificate for electronic records under s.63(4) of the Bharatiya Sakshya Adhiniyam, 2023.

BSA s.63(4) makes a certificate, in the form of its Schedule, accompany an electronic record each
time it is offered in evidence: Part A is signed by the party producing the record (here, the
officer), Part B by an expert. Both state the device the record came from and the hash values of
the record with their algorithms, with the date and the time in IST.

Everything the scan knows is filled in from the stored scan, never retyped: the case, the device
label and the identifiers the examiner recorded with the scan (`scan --device-id`: IMEI, serial
number), the source (path, kind, size), the source image's digests taken before the scan (and an
E01's acquisition hashes), a summary of the scanned files' hashes, the tools and their versions,
and the scan's times in IST. What only a person can state (names, addresses, the device's make,
model and colour, identifiers not recorded, the tick boxes, place, signature) is left as a clearly
marked blank.

The hash report the form asks to be enclosed is a `sha256sum`-style list of every scanned file
(`write_hash_list`), written beside the certificate; its own SHA-256 is printed on the
certificate, so the list cannot be changed without it showing. For a folder source, which has no
single digest, that list's digest stands for the record. Nothing in the certificate names or
describes a victim: it carries hashes, paths and device facts only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suraksha.storage.base import utcnow
from suraksha.triage.models import ScannedFile
from suraksha.triage.report import Moment, render_html, write_pdf
from suraksha.triage.scanner import stored_scan

_BATCH: Final = 1000

DEVICE_KINDS: Final = (
    "Computer / Storage Media",
    "DVR",
    "Mobile",
    "Flash Drive",
    "CD / DVD",
    "Server",
    "Cloud",
    "Other",
)
"""The device kinds the Schedule's form offers to tick; the scan cannot tell which applies."""


@dataclass(frozen=True, slots=True)
class HashList:
    """The enclosed hash list: how many files it lists, how many had no digest, and its SHA-256."""

    name: str
    files: int
    without_digest: int
    sha256: str


@dataclass(frozen=True, slots=True)
class CertificateDraft:
    """What the draft certificate states (see the module docstring)."""

    scan_id: int
    case_ref: str
    device_label: str
    source_path: str
    source_kind: str
    source_size: int | None
    source_digests: dict[str, Any]
    scan_status: str
    started: Moment
    finished: Moment | None
    generated: Moment
    files: int
    hash_list: HashList
    tools: dict[str, str]
    device_ids: list[str] = field(default_factory=list)
    device_kinds: tuple[str, ...] = DEVICE_KINDS

    @property
    def serial_numbers(self) -> list[str]:
        """The serial numbers among the device ids the examiner recorded with the scan."""
        return [value for kind, value in self._ids() if "serial" in kind]

    @property
    def other_ids(self) -> list[str]:
        """The other device ids (IMEI, MAC, ICCID…), each as "TYPE value"."""
        return [f"{kind.upper()} {value}" for kind, value in self._ids() if "serial" not in kind]

    def _ids(self) -> list[tuple[str, str]]:
        return [(kind, value) for kind, _, value in (i.partition(":") for i in self.device_ids)]

    @property
    def libraries(self) -> list[tuple[str, str]]:
        """The versions recorded with the scan other than Suraksha's own, by name."""
        return sorted((name, version) for name, version in self.tools.items() if name != "suraksha")


def hash_list_name(scan_id: int) -> str:
    """The file name of a scan's enclosed hash list."""
    return f"scan-{scan_id}-sha256.txt"


def write_hash_list(session: Session, scan_id: int, out: IO[bytes]) -> HashList:
    """Write `sha256  path` for every file of the scan that has a digest; return the summary.

    The format is GNU `sha256sum`'s (a path with a backslash or line break is escaped and its line
    starts with a backslash), so `sha256sum -c` checks a folder source's files against it. Files
    with no digest (unreadable) are counted, not listed. Lines are in the database's path order;
    the summary's SHA-256 is that of the bytes written.
    """
    digest = hashlib.sha256()
    listed = missing = 0
    for path, sha256 in _digests(session, scan_id):
        if sha256 is None:
            missing += 1
            continue
        line = _sha256sum_line(sha256, path).encode("utf-8")
        out.write(line)
        digest.update(line)
        listed += 1
    return HashList(hash_list_name(scan_id), listed, missing, digest.hexdigest())


def build_certificate(session: Session, scan_id: int, hash_list: HashList) -> CertificateDraft:
    """The draft certificate of scan `scan_id` with its enclosed `hash_list` (see module docstring).

    Raises UserInputError when there is no such scan.
    """
    scan = stored_scan(session, scan_id)
    files = session.scalar(
        select(func.count()).select_from(ScannedFile).where(ScannedFile.scan_id == scan_id)
    )
    return CertificateDraft(
        scan_id=scan.id,
        case_ref=scan.case_ref,
        device_label=scan.device_label,
        source_path=scan.source_path,
        source_kind=scan.source_kind,
        source_size=scan.source_size,
        source_digests=dict(scan.source_digests),
        scan_status=scan.status,
        started=Moment.of(scan.started_at),
        finished=Moment.maybe(scan.finished_at),
        generated=Moment.of(utcnow()),
        files=int(files or 0),
        hash_list=hash_list,
        tools={str(name): str(version) for name, version in scan.scanner.items()},
        device_ids=[str(value) for value in scan.device_ids],
    )


@dataclass(frozen=True, slots=True)
class CertificateFiles:
    """What `write_certificate` wrote."""

    html: Path
    pdf: Path | None
    hash_list: Path
    draft: CertificateDraft


def write_certificate(
    session: Session, scan_id: int, out: Path, *, pdf: bool = True
) -> CertificateFiles:
    """Write the enclosed hash list, then the draft certificate as HTML (and PDF), into `out`."""
    stored_scan(session, scan_id)  # before anything is written
    list_path = out / hash_list_name(scan_id)
    with list_path.open("wb") as handle:
        hash_list = write_hash_list(session, scan_id, handle)
    draft = build_certificate(session, scan_id, hash_list)
    html = render_html("certificate.html", cert=draft)
    html_path = out / f"scan-{scan_id}-certificate-draft.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path: Path | None = None
    if pdf:
        pdf_path = out / f"scan-{scan_id}-certificate-draft.pdf"
        write_pdf(html, pdf_path)
    return CertificateFiles(html_path, pdf_path, list_path, draft)


def _digests(session: Session, scan_id: int) -> Iterator[tuple[str, str | None]]:
    after: tuple[str, str] | None = None
    while True:
        query = select(ScannedFile.path, ScannedFile.id, ScannedFile.sha256).where(
            ScannedFile.scan_id == scan_id
        )
        if after is not None:
            query = query.where(
                (ScannedFile.path > after[0])
                | ((ScannedFile.path == after[0]) & (ScannedFile.id > after[1]))
            )
        rows = list(session.execute(query.order_by(ScannedFile.path, ScannedFile.id).limit(_BATCH)))
        if not rows:
            return
        for path, _, sha256 in rows:
            yield path, sha256
        after = (rows[-1][0], rows[-1][1])


def _sha256sum_line(sha256: str, path: str) -> str:
    if any(char in path for char in "\\\n\r"):
        escaped = path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha256}  {escaped}\n"
    return f"{sha256}  {path}\n"
