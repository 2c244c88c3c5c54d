"""Correlation: what a scan found that tips already in the database reported, and the reverse.

    scanned file ── MD5 / SHA-1 / SHA-256 (equal) ──► tip files (intake) ──► reports ──► subjects (identity)
    scanned picture ── PDQ within 31 bits ──────────► tip files' PDQ ───────┘
    scanned video ──── any usable frame's PDQ ───────► tip files' PDQ ───────┘
    scanned device ── --device-id (IMEI…), EXIF body serials ──► device ids in tips ──► subjects

Nothing is stored: links are found by query when they are read, in both directions, so a tip
ingested after the scan shows on the scan's files at once, and a tip's files can ask which seized
devices held them (`seen_on_devices`). A subject is found through the tip's *reported* accounts;
being named in a report is a lead to verify, not a finding about the person.

A camera's body serial number is looked up as a device id of the kinds platforms use for serials
(`serialnumber:`, `serial:`, `bodyserialnumber:`, `cameraserialnumber:`; see identity.devices).

PDQ (near duplicates). A scanned picture whose PDQ has quality ≥ `MIN_QUALITY` is linked to every
tip file whose PDQ is within `PDQ_RADIUS` bits (the banks' default threshold) of the picture's
hash, or of one of its rotations and flips when those are known; a `Report` then lists "pdq" in
`matched_on` with the closest distance over the tip's files (`pdq_distance`). As with bank
matches, a link farther than `CONFIRM_ABOVE` bits needs a person's confirmation, unless an exact
digest links the same file to the same tip: the report then lists both ("md5", …, "pdq"), and the
exact match stands on its own. Tips record no PDQ quality, so every tip PDQ of the right form is
used except degenerate ones (more than `DEGENERATE_BITS` bits from the 128 set bits of a PDQ, such
as all zeros): placeholders and flat pictures, near one another and nothing real.

Scale. Tips may name millions of files with a PDQ, and a scan hold tens of thousands of pictures
(eight hashes each when rotations and flips are compared). A radius search costs per query
(multi-index hashing probes 2,000–3,000 buckets a query, whatever the index holds) and about a
microsecond per indexed hash, so the larger side, the tips, is indexed, and the scan queries it:
tip PDQs are read in keyset pages (`intake.tips.tip_file_pdqs`) into chunks of up to `PDQ_CHUNK`
hashes; each chunk is indexed (`hashing.pdq_index`), searched with every hash of the scan, and
dropped. Memory holds one chunk (~250 MB at a million: index, hashes and row ids) and the scan's
hashes. Measured on 2 cores, per million tip files: ~6 s to read them (PostgreSQL), 1.3 s to index
them, and 6 s for 50,000 queries (46 s for 400,000); the reverse, indexing the scan and querying
it with each tip PDQ, holds less but took 71 s (50,000 pictures) to 115 s (400,000 hashes) per
million tip files. Either way, showing a scan's PDQ links reads every tip PDQ once, so they are
found for the whole scan at once (`scan_near_reported_in`), and readers that go through a scan's
files in batches pass them to `reported_in`. The way back (`seen_on_devices` with a PDQ) reads
every scanned picture's PDQ once the same way, the tip's few hashes querying chunks of them.

Videos: a platform often reports a still of a video rather than the video. A scanned video's
usable frames (vPDQ's, `hashing.video.usable_frames`) are compared like pictures, both ways: the
video is "also reported in" a tip whose picture is within `PDQ_RADIUS` bits of any of its
frames, at the closest distance, and `seen_on_devices` finds the video from the tip's PDQ.

Rotations and flips: a scanned picture's PDQ of its 7 rotations and flips (stored with it,
`ScannedFile.pdq_variants`) is compared too, both ways, so a turned or mirrored copy of a tip's
picture is linked, at the closest distance. Limits: PDQ does not survive crops, borders or
small-angle rotations (docs/hashing.md), and the platform's PDQ implementation may differ from
Suraksha's canonical one by a few bits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from suraksha.hashing.matcher import CONFIRM_ABOVE, FLAT_BELOW
from suraksha.hashing.pdq import MATCH_THRESHOLD, MIN_QUALITY
from suraksha.hashing.pdq_index import BITS, PdqIndex, Strategy, codes_of
from suraksha.hashing.video import usable_stored_hashes
from suraksha.identity.devices import clean_device_id
from suraksha.identity.subjects import subjects_of_accounts
from suraksha.intake.tips import (
    ReportedDevice,
    ReportedFile,
    files_with_digests,
    files_with_row_ids,
    tip_file_pdqs,
)
from suraksha.intake.tips import tips_with_device_ids as tips_with_devices
from suraksha.triage.models import Scan, ScannedFile

SERIAL_QUALIFIERS: Final = ("Serial Number", "Serial", "Body Serial Number", "Camera Serial Number")
"""How platforms qualify a serial number in a tip's device ids; an EXIF body serial is looked up
under each (their canonical prefixes differ, see identity.devices.id_type)."""

PDQ_RADIUS: Final = MATCH_THRESHOLD
"""Bits within which a scanned picture and a tip file's PDQ are linked: the banks' default."""

PDQ_CHUNK: Final = 1_000_000
"""Most PDQ hashes indexed at once while streaming the other side of a search (see the module
docstring): ~250 MB held. Smaller chunks hold less but repeat every query once more a chunk."""

DEGENERATE_BITS: Final = 64
"""A PDQ hash sets the bits of the 128 coefficients above their median (fewer only when many tie,
as in a flat picture); one with more than this many bits more or fewer than 128 set is a
placeholder or a flat picture's, and is never compared."""

_BATCH: Final = 500
_PAGE: Final = 10_000  # scanned pictures read a query by `_scanned_pdqs`
_DIGESTS: Final = ("md5", "sha1", "sha256")
_PDQ_HEX = re.compile(r"[0-9a-fA-F]{64}")
_Codes = np.ndarray[Any, np.dtype[np.uint8]]
_Key = TypeVar("_Key")


@dataclass(frozen=True, slots=True)
class Report:
    """A tip report in which something found on the device was also reported.

    `matched_on` says how ("md5", "sha1", "sha256", "pdq", or "device_id"); `subject_ids` are the
    subjects the report's reported accounts belong to (empty until `suraksha resolve` has run);
    `classification` is the platform's classification of the matching tip file, if it gave one;
    `roles` whose device ids matched (`reported`, `file`, …); `pdq_distance` the closest PDQ
    distance in bits between the file and the report's files, when "pdq" is in `matched_on`.
    """

    source: str
    report_id: str
    tip_id: str
    matched_on: tuple[str, ...]
    subject_ids: tuple[str, ...]
    classification: str | None = None
    roles: tuple[str, ...] = ()
    pdq_distance: int | None = None

    @property
    def needs_confirmation(self) -> bool:
        """A PDQ link farther than `CONFIRM_ABOVE` bits, with no exact digest linking the same
        file to the same report: a person should confirm it before it is relied on."""
        exact = any(algorithm in _DIGESTS for algorithm in self.matched_on)
        return self.pdq_distance is not None and self.pdq_distance > CONFIRM_ABOVE and not exact

    @property
    def matched_text(self) -> str:
        """`matched_on` for people: "md5, sha1, pdq (25 bits)", "device id"."""
        return ", ".join(
            f"pdq ({self.pdq_distance} bits)"
            if algorithm == "pdq" and self.pdq_distance is not None
            else algorithm.replace("_", " ")
            for algorithm in self.matched_on
        )

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
        if self.pdq_distance is not None:
            document["pdq_distance"] = self.pdq_distance
            document["needs_confirmation"] = self.needs_confirmation
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
    """A scanned file that has a given digest, or a PDQ near a given one: where a tip's file was
    found on a seized device. `pdq_distance` is set for "pdq" (bits from `value`)."""

    algorithm: str
    value: str
    scan_id: int
    case_ref: str
    device_label: str
    file_id: str
    path: str
    pdq_distance: int | None = None

    @property
    def needs_confirmation(self) -> bool:
        """A PDQ find farther than `CONFIRM_ABOVE` bits: a person should confirm it."""
        return self.pdq_distance is not None and self.pdq_distance > CONFIRM_ABOVE


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
    session: Session,
    files: Sequence[tuple[str, str | None, str | None, str | None]],
    near: Mapping[str, Sequence[Report]] | None = None,
) -> dict[str, list[Report]]:
    """The reports naming each file, by file id, for files given as (id, md5, sha1, sha256).

    Files no report names are absent. One `Report` per file and tip, listing every digest that
    matched. `near` are PDQ links already found (`near_reported_in`, `scan_near_reported_in`;
    they take a search over every tip, too slow for each batch): those of the files given are
    merged in, a tip linked both ways giving one report with both. Any domain may call this with
    its own ids (they are only keys here).
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
    for file_id in dict.fromkeys(file_id for file_id, *_ in files):
        if near and file_id in near:
            result[file_id] = _with_near(result.get(file_id, []), near[file_id])
    for reports in result.values():
        reports.sort(key=lambda r: (r.report_id, r.source))
    return dict(result)


def near_reported_in(
    session: Session, images: Sequence[tuple[str, Sequence[str]]], *, radius: int = PDQ_RADIUS
) -> dict[str, list[Report]]:
    """The reports with a file whose PDQ is within `radius` bits of each image, by image id.

    Images are given as (id, PDQ hashes): the image's hash and, when known, those of its 7
    rotations and flips (`hashing.pdq.dihedral_hashes`); the closest distance to any of them
    counts. Callers leave out images whose PDQ quality is under `MIN_QUALITY` (quality is not
    given here); malformed and degenerate hashes are skipped on both sides. One `Report` per image and tip (matched on
    "pdq", with the closest distance over the tip's files and that file's classification); images
    no tip file is near are absent. Reads every tip PDQ once (see the module docstring), so give
    all the images at once. Read-only; any domain may call this with its own ids.
    """
    owners: list[int] = []
    hashes: list[str] = []
    for position, (_, values) in enumerate(images):
        for value in dict.fromkeys(v.lower() for v in values if v):
            owners.append(position)
            hashes.append(value)
    usable, queries = _usable(hashes)
    owner = np.asarray(owners, dtype=np.int64)[np.asarray(usable, dtype=np.intp)]
    if not len(queries):
        return {}
    best: dict[tuple[int, str], int] = {}  # (image position, tip file row id) → distance
    for query, file_row_id, distance in _near_pairs(queries, tip_file_pdqs(session), radius):
        key = (int(owner[query]), file_row_id)
        if distance < best.get(key, distance + 1):
            best[key] = distance
    tip_files = {f.file_row_id: f for f in files_with_row_ids(session, {k[1] for k in best})}
    subjects = subjects_of_accounts(session, [a for f in tip_files.values() for a in f.account_ids])
    closest: dict[tuple[int, str], tuple[int, ReportedFile]] = {}  # (image, tip id) → nearest
    for (position, file_row_id), distance in sorted(best.items()):
        near = tip_files.get(file_row_id)
        if near is None:  # deleted since it was read
            continue
        key = (position, near.tip_id)
        if key not in closest or distance < closest[key][0]:
            closest[key] = (distance, near)
    result: dict[str, list[Report]] = defaultdict(list)
    for (position, _), (distance, near) in sorted(closest.items()):
        result[images[position][0]].append(
            Report(
                source=near.source,
                report_id=near.report_id,
                tip_id=near.tip_id,
                matched_on=("pdq",),
                subject_ids=_subjects(near.account_ids, subjects),
                classification=near.classification,
                pdq_distance=distance,
            )
        )
    for reports in result.values():
        reports.sort(key=lambda r: (r.report_id, r.source))
    return dict(result)


def scan_near_reported_in(session: Session, scan_id: int) -> dict[str, list[Report]]:
    """`near_reported_in` for every picture of scan `scan_id` with a PDQ of quality at least
    `MIN_QUALITY`, with its rotations and flips."""
    images: dict[str, list[str]] = defaultdict(list)
    for page in _scanned_pdqs(session, scan_id, variants=True):
        for file_id, pdq in page:
            images[file_id].append(pdq)
    return near_reported_in(session, list(images.items()))


def correlate(
    session: Session, scan_id: int, *, near: dict[str, list[Report]] | None = None
) -> Correlation:
    """Every link of scan `scan_id` to tips: its files by digest and PDQ, and its device ids.

    `near` are the scan's PDQ links (`scan_near_reported_in`) when the caller has them already."""
    if near is None:
        near = scan_near_reported_in(session, scan_id)
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
                    ScannedFile.md5.is_not(None) | ScannedFile.pdq.is_not(None),
                )
                .order_by(ScannedFile.id)
                .limit(_BATCH)
            )
        )
        if not rows:
            break
        found = reported_in(
            session, [(id_, md5, sha1, sha256) for id_, md5, sha1, sha256, _ in rows], near
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


def seen_on_devices(
    session: Session, digests: Iterable[tuple[str, str]], *, radius: int = PDQ_RADIUS
) -> list[SeenOnDevice]:
    """Scanned files having one of `digests` ((algorithm, hex) pairs): the way back from a tip.

    For other domains (a tip's file found on a seized device raises its priority). MD5, SHA-1 and
    SHA-256 are looked up exactly; a ("pdq", hex) pair finds the scanned pictures (of quality at
    least `MIN_QUALITY`, in every scan) within `radius` bits of it, with the distance: one read
    of every scanned picture's PDQ, in pages, indexed in chunks (see the module docstring), so
    give all of a tip's hashes at once. Malformed and degenerate PDQs find nothing. Read-only;
    sorted by scan and path.
    """
    columns = {"md5": ScannedFile.md5, "sha1": ScannedFile.sha1, "sha256": ScannedFile.sha256}
    wanted: dict[str, set[str]] = defaultdict(set)
    for algorithm, value in digests:
        if (algorithm in columns or algorithm == "pdq") and value:
            wanted[algorithm].add(value.lower())
    found: list[SeenOnDevice] = []
    for algorithm, values in sorted(wanted.items()):
        if algorithm == "pdq":
            found += _seen_near(session, sorted(values), radius)
            continue
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
    found.sort(key=lambda seen: (seen.scan_id, seen.path, seen.algorithm, seen.value))
    return found


def _seen_near(session: Session, values: Sequence[str], radius: int) -> list[SeenOnDevice]:
    """The scanned pictures within `radius` of each PDQ of `values` (one per value and file)."""
    usable, queries = _usable(values)
    if not len(queries):
        return []
    closest: dict[tuple[str, str], int] = {}  # (value, file) → distance, over the file's variants
    pages = _scanned_pdqs(session, variants=True)
    for query, file_id, distance in _near_pairs(queries, pages, radius):
        key = (values[usable[query]], file_id)
        closest[key] = min(distance, closest.get(key, distance))
    hits = [(value, file_id, distance) for (value, file_id), distance in closest.items()]
    ids = sorted({file_id for _, file_id, _ in hits})
    rows: dict[str, tuple[ScannedFile, Scan]] = {}
    for start in range(0, len(ids), _BATCH):
        for row, scan in session.execute(
            select(ScannedFile, Scan)
            .join(Scan, Scan.id == ScannedFile.scan_id)
            .where(ScannedFile.id.in_(ids[start : start + _BATCH]))
        ):
            rows[row.id] = (row, scan)
    return [
        SeenOnDevice(
            "pdq",
            value,
            scan.id,
            scan.case_ref,
            scan.device_label,
            row.id,
            row.path,
            pdq_distance=distance,
        )
        for value, file_id, distance in hits
        if file_id in rows
        for row, scan in [rows[file_id]]
    ]


def _scanned_pdqs(
    session: Session, scan_id: int | None = None, *, variants: bool = False
) -> Iterator[list[tuple[str, str]]]:
    """Scanned pictures with a PDQ of quality at least `MIN_QUALITY`, and scanned videos with
    their usable frames (`hashing.video.usable_frames`: a still of a video may be what a tip
    reported), of one scan or of all, as pages of (file id, PDQ) in id order (keyset pagination
    on the primary key). A video gives one pair per usable frame; with `variants`, each picture's
    rotations and flips follow its own hash as more pairs of the same id."""
    after = ""
    while True:
        query = select(
            ScannedFile.id, ScannedFile.pdq, ScannedFile.pdq_variants, ScannedFile.video
        ).where(
            ScannedFile.id > after,
            (ScannedFile.pdq.is_not(None) & (ScannedFile.quality >= MIN_QUALITY))
            | (ScannedFile.media == "video"),
        )
        if scan_id is not None:
            query = query.where(ScannedFile.scan_id == scan_id)
        rows = list(session.execute(query.order_by(ScannedFile.id).limit(_PAGE)))
        if not rows:
            return
        page = [
            (str(file_id), str(value))
            for file_id, pdq, turned, video in rows
            for value in _hashes_of(pdq, turned if variants else None, video)
        ]
        if page:
            yield page
        after = str(rows[-1][0])


def _hashes_of(
    pdq: str | None, turned: Sequence[str] | None, video: Mapping[str, Any] | None
) -> list[str]:
    """A scanned file's hashes to compare: a picture's PDQ (and its turns), a video's frames."""
    if video:
        return list(usable_stored_hashes(video))
    return [pdq, *(turned or [])] if pdq else []


def _usable(values: Sequence[str]) -> tuple[list[int], _Codes]:
    """The positions of the values that are well-formed, non-degenerate PDQ hashes, and those
    hashes as an (n, 32) array (`hashing.pdq_index.codes_of`)."""
    positions = [i for i, value in enumerate(values) if _PDQ_HEX.fullmatch(value)]
    codes = codes_of([values[i] for i in positions])
    bits = np.bitwise_count(codes).sum(axis=1, dtype=np.int64)
    keep = np.abs(bits - BITS // 2) <= DEGENERATE_BITS
    return [p for p, kept in zip(positions, keep.tolist(), strict=True) if kept], codes[keep]


def _near_pairs(
    queries: _Codes, pages: Iterable[Sequence[tuple[_Key, str]]], radius: int
) -> Iterator[tuple[int, _Key, int]]:
    """(query position, key, distance) for every streamed (key, PDQ) within `radius` of a query.

    The streamed hashes are indexed in chunks of up to `PDQ_CHUNK` and each chunk is searched
    with every query (see the module docstring); malformed and degenerate ones are skipped.
    """
    keys: list[_Key] = []
    parts: list[_Codes] = []
    held = 0
    for page in pages:
        usable, codes = _usable([value for _, value in page])
        keys += [page[position][0] for position in usable]
        parts.append(codes)
        held += len(codes)
        if held >= PDQ_CHUNK:
            yield from _search(queries, keys, parts, radius)
            keys, parts, held = [], [], 0
    if held:
        yield from _search(queries, keys, parts, radius)


def _search(
    queries: _Codes, keys: Sequence[_Key], parts: Sequence[_Codes], radius: int
) -> Iterator[tuple[int, _Key, int]]:
    codes = np.concatenate(parts)
    strategy: Strategy = "flat" if len(codes) < FLAT_BELOW else "mih"
    index = PdqIndex.from_codes(np.arange(len(codes), dtype=np.int64), codes, strategy)
    query, entry, distance = index.search_codes(queries, radius)
    for position, found, bits in zip(
        query.tolist(), entry.tolist(), distance.tolist(), strict=True
    ):
        yield position, keys[found], bits


def _with_near(exact: Sequence[Report], near: Sequence[Report]) -> list[Report]:
    """A file's digest reports with its PDQ reports merged in, one report per tip."""
    by_tip = {report.tip_id: report for report in near}
    merged = [
        replace(
            report,
            matched_on=(*report.matched_on, "pdq"),
            pdq_distance=by_tip[report.tip_id].pdq_distance,
            classification=report.classification or by_tip[report.tip_id].classification,
        )
        if report.tip_id in by_tip
        else report
        for report in exact
    ]
    linked = {report.tip_id for report in exact}
    return merged + [report for report in near if report.tip_id not in linked]


def _subjects(account_ids: Iterable[str], subjects: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({subjects[a] for a in account_ids if a in subjects}))
