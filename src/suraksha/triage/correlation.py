"""Correlation: what a scan found that tips already in the database reported, and the reverse.

    scanned file ── MD5 / SHA-1 / SHA-256 ──► tip files (intake) ──► reports ──► subjects (identity)
    scanned device ── --device-id (IMEI…), EXIF body serials ──► device ids in tips ──► subjects

Nothing is stored: links are found by query when they are read, in both directions, so a tip
ingested after the scan shows on the scan's files at once, and a tip's files can ask which seized
devices held them (`seen_on_devices`). A subject is found through the tip's *reported* accounts;
being named in a report is a lead to verify, not a finding about the person.

A camera's body serial number is looked up as a device id of the kinds platforms use for serials
(`serialnumber:`, `serial:`, `bodyserialnumber:`, `cameraserialnumber:`; see identity.devices).
PDQ (near-duplicate) correlation with tip files is not done here: tip PDQs would need an index of
every tip file (issue 5 follow-up).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.identity.devices import clean_device_id
from suraksha.identity.subjects import subjects_of_accounts
from suraksha.intake.tips import ReportedDevice, ReportedFile, files_with_digests
from suraksha.intake.tips import tips_with_device_ids as tips_with_devices
from suraksha.triage.models import Scan, ScannedFile

SERIAL_QUALIFIERS: Final = ("Serial Number", "Serial", "Body Serial Number", "Camera Serial Number")
"""How platforms qualify a serial number in a tip's device ids; an EXIF body serial is looked up
under each (their canonical prefixes differ, see identity.devices.id_type)."""

_BATCH: Final = 500
_DIGESTS: Final = ("md5", "sha1", "sha256")


@dataclass(frozen=True, slots=True)
class Report:
    """A tip report in which something found on the device was also reported.

    `matched_on` says how ("md5", "sha1", "sha256", or "device_id"); `subject_ids` are the subjects
    the report's reported accounts belong to (empty until `suraksha resolve` has run);
    `classification` is the platform's classification of the matching tip file, if it gave one;
    `roles` whose device ids matched (`reported`, `file`, …).
    """

    source: str
    report_id: str
    tip_id: str
    matched_on: tuple[str, ...]
    subject_ids: tuple[str, ...]
    classification: str | None = None
    roles: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The report as the `reported_in` entries of `scan --json` show it."""
        document: dict[str, Any] = {
            "source": self.source,
            "report_id": self.report_id,
            "matched_on": list(self.matched_on),
            "subject_ids": list(self.subject_ids),
        }
        if self.classification is not None:
            document["classification"] = self.classification
        if self.roles:
            document["roles"] = list(self.roles)
        return document


@dataclass(frozen=True, slots=True)
class DeviceLink:
    """A device identifier of the scan and the reports that also name it.

    `found_as` is `examiner` (given with `--device-id`) or `exif body serial`; `files` counts the
    pictures whose EXIF carried the serial (0 for an examiner's id).
    """

    value: str
    found_as: str
    files: int
    reports: tuple[Report, ...]

    def as_json(self) -> dict[str, Any]:
        """The link as one JSON object."""
        return {
            "device_id": self.value,
            "found_as": self.found_as,
            "files": self.files,
            "reported_in": [report.as_json() for report in self.reports],
        }


@dataclass(frozen=True, slots=True)
class SeenOnDevice:
    """A scanned file that has a given digest: where a tip's file was found on a seized device."""

    algorithm: str
    value: str
    scan_id: int
    case_ref: str
    device_label: str
    file_id: str
    path: str


@dataclass(frozen=True, slots=True)
class Correlation:
    """A scan's links to tips: files by id with their reports, and device identifiers."""

    files: dict[str, list[Report]]
    devices: list[DeviceLink]
    paths: dict[str, str]  # the path of each linked file, by id

    @property
    def report_ids(self) -> list[str]:
        """Every report number linked, by files or devices, sorted."""
        found = {r.report_id for reports in self.files.values() for r in reports}
        found |= {r.report_id for link in self.devices for r in link.reports}
        return sorted(found)

    @property
    def subject_ids(self) -> list[str]:
        """Every subject linked, sorted."""
        found = {s for reports in self.files.values() for r in reports for s in r.subject_ids}
        found |= {s for link in self.devices for r in link.reports for s in r.subject_ids}
        return sorted(found)


def reported_in(
    session: Session, files: Sequence[tuple[str, str | None, str | None, str | None]]
) -> dict[str, list[Report]]:
    """The reports naming each file, by file id, for files given as (id, md5, sha1, sha256).

    Files no report names are absent. One `Report` per file and tip, listing every digest that
    matched. Any domain may call this with its own ids (they are only keys here).
    """
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for file_id, md5, sha1, sha256 in files:
        for algorithm, value in zip(_DIGESTS, (md5, sha1, sha256), strict=True):
            if value:
                owners[(algorithm, value.lower())].append(file_id)
    found = files_with_digests(session, owners)
    subjects = subjects_of_accounts(session, [a for f in found for a in f.account_ids])
    merged: dict[tuple[str, str], list[ReportedFile]] = defaultdict(list)
    for reported in found:
        for file_id in owners[(reported.algorithm, reported.value)]:
            merged[(file_id, reported.tip_id)].append(reported)
    result: dict[str, list[Report]] = defaultdict(list)
    for (file_id, _), matches in sorted(merged.items()):
        first = matches[0]
        classification = next((m.classification for m in matches if m.classification), None)
        result[file_id].append(
            Report(
                source=first.source,
                report_id=first.report_id,
                tip_id=first.tip_id,
                matched_on=tuple(a for a in _DIGESTS if any(m.algorithm == a for m in matches)),
                subject_ids=_subjects(first.account_ids, subjects),
                classification=classification,
            )
        )
    for reports in result.values():
        reports.sort(key=lambda r: (r.report_id, r.source))
    return dict(result)


def correlate(session: Session, scan_id: int) -> Correlation:
    """Every link of scan `scan_id` to tips: its files by digest and its device identifiers."""
    files: dict[str, list[Report]] = {}
    paths: dict[str, str] = {}
    after = ""
    while True:
        rows = list(
            session.execute(
                select(
                    ScannedFile.id,
                    ScannedFile.md5,
                    ScannedFile.sha1,
                    ScannedFile.sha256,
                    ScannedFile.path,
                )
                .where(
                    ScannedFile.scan_id == scan_id,
                    ScannedFile.id > after,
                    ScannedFile.md5.is_not(None),
                )
                .order_by(ScannedFile.id)
                .limit(_BATCH)
            )
        )
        if not rows:
            break
        found = reported_in(
            session, [(id_, md5, sha1, sha256) for id_, md5, sha1, sha256, _ in rows]
        )
        files.update(found)
        paths.update({row[0]: row[4] for row in rows if row[0] in found})
        after = rows[-1][0]
    return Correlation(files, device_links(session, scan_id), paths)


def device_ids_of(session: Session, scan_id: int) -> list[tuple[str, str, int]]:
    """The scan's device identifiers: (canonical value, how it was found, pictures carrying it)."""
    scan = session.get(Scan, scan_id)
    found: list[tuple[str, str, int]] = [
        (value, "examiner", 0) for value in (scan.device_ids if scan else [])
    ]
    serials: Counter[str] = Counter()
    rows = session.scalars(
        select(ScannedFile.exif).where(ScannedFile.scan_id == scan_id, ScannedFile.media == "image")
    )
    for exif in rows:
        serial = (exif or {}).get("body_serial")
        if isinstance(serial, str) and serial.strip():
            serials[serial.strip()] += 1
    for serial, count in sorted(serials.items()):
        values = {clean_device_id(serial, qualifier) for qualifier in SERIAL_QUALIFIERS}
        found += [(value, "exif body serial", count) for value in sorted(v for v in values if v)]
    return found


def device_links(session: Session, scan_id: int) -> list[DeviceLink]:
    """The scan's device identifiers that tips also name (those no tip names are left out)."""
    ids = device_ids_of(session, scan_id)
    reported = tips_with_devices(session, [value for value, _, _ in ids])
    subjects = subjects_of_accounts(session, [a for d in reported for a in d.account_ids])
    by_value: dict[str, list[ReportedDevice]] = defaultdict(list)
    for device in reported:
        by_value[device.value].append(device)
    links: list[DeviceLink] = []
    for value, found_as, count in ids:
        tips: dict[str, list[ReportedDevice]] = defaultdict(list)
        for device in by_value.get(value, []):
            tips[device.tip_id].append(device)
        if not tips:
            continue
        reports = tuple(
            Report(
                source=devices[0].source,
                report_id=devices[0].report_id,
                tip_id=tip_id,
                matched_on=("device_id",),
                subject_ids=_subjects(devices[0].account_ids, subjects),
                roles=tuple(sorted({d.role for d in devices})),
            )
            for tip_id, devices in sorted(tips.items(), key=lambda item: item[1][0].report_id)
        )
        links.append(DeviceLink(value, found_as, count, reports))
    return links


def seen_on_devices(session: Session, digests: Iterable[tuple[str, str]]) -> list[SeenOnDevice]:
    """Scanned files having one of `digests` ((algorithm, hex) pairs): the way back from a tip.

    For other domains (a tip's file found on a seized device raises its priority). Read-only;
    sorted by scan and path.
    """
    columns = {"md5": ScannedFile.md5, "sha1": ScannedFile.sha1, "sha256": ScannedFile.sha256}
    wanted: dict[str, set[str]] = defaultdict(set)
    for algorithm, value in digests:
        if algorithm in columns and value:
            wanted[algorithm].add(value.lower())
    found: list[SeenOnDevice] = []
    for algorithm, values in sorted(wanted.items()):
        ordered = sorted(values)
        for start in range(0, len(ordered), _BATCH):
            rows = session.execute(
                select(ScannedFile, Scan)
                .join(Scan, Scan.id == ScannedFile.scan_id)
                .where(columns[algorithm].in_(ordered[start : start + _BATCH]))
            )
            found += [
                SeenOnDevice(
                    algorithm,
                    str(getattr(row, algorithm)),
                    scan.id,
                    scan.case_ref,
                    scan.device_label,
                    row.id,
                    row.path,
                )
                for row, scan in rows
            ]
    found.sort(key=lambda seen: (seen.scan_id, seen.path, seen.algorithm))
    return found


def _subjects(account_ids: Iterable[str], subjects: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({subjects[a] for a in account_ids if a in subjects}))
