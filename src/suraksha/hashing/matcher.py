"""The one matcher: looks up the hashes of tip files and device files in every bank.

Exact matching on MD5, SHA-1 and SHA-256 against each bank's active entries; PDQ matching within
each bank's threshold through a per-bank `PdqIndex` kept in memory (rebuilt when the bank gets a new
version), over the image's hash and its rotations and flips; vPDQ matching of a video's frame
hashes against the same PDQ entries, grouped into the bank's pictures and videos (see
`_match_frames`). A match records the bank, the bank version current when it was made, the
algorithm and the distance (0 for exact), and for a video how many frames matched and where, so
that a match can always say what it matched and when. Matching a target again replaces its
earlier matches.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, select, tuple_
from sqlalchemy.orm import Session

from suraksha.hashing.categories import Severity, describe, severity
from suraksha.hashing.models import BankEntry, BankVersion, HashBank, HashMatch
from suraksha.hashing.pdq import MIN_QUALITY
from suraksha.hashing.pdq_index import PdqIndex, codes_of
from suraksha.hashing.video import same_material

EXACT_ALGORITHMS = ("md5", "sha1", "sha256")
PERCEPTUAL_ALGORITHMS = ("pdq", "vpdq")
"""Matches by likeness rather than identity: a picture's PDQ, a video's frames (vPDQ)."""
AT_SECONDS_KEPT = 20
"""How many of the times at which a video's frames matched a match keeps (the first ones)."""
# Bound on values per IN (...) query: SQLite's default host-parameter limit is 32,766.
_LOOKUP_BATCH = 500


@dataclass(frozen=True, slots=True)
class HashTarget:
    """Something with hashes to match: its kind (`tip_file`, `device_file`), id, and digests by
    algorithm (`md5`, `sha1`, `sha256`, `pdq`; missing or None when unknown).

    `pdq_variants` are the PDQ hashes of the image's 7 rotations and flips, as
    `pdq.dihedral_hashes` gives them after the hash itself; when present, a bank entry near any
    of them matches, and the closest distance is recorded. Tip files carry none (a tip gives one
    hash); scanned images do.

    `frames` are a video's usable vPDQ frame hashes as (seconds into the video, 64-hex PDQ):
    quality at least 50, each distinct hash once (`video.VideoHash.usable`).
    """

    kind: str
    target_id: str
    hashes: Mapping[str, str | None]
    pdq_variants: tuple[str, ...] = ()
    frames: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class MatchView:
    """A recorded match, as other domains and the command line see it."""

    target_kind: str
    target_id: str
    bank: str
    bank_kind: str
    bank_version: int
    algorithm: str
    distance: int
    category: str | None
    value: str
    category_scheme: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    """For `vpdq`: `frames` (the video's usable frames), `frames_matched`, `video_percent`, `at_seconds`,
    `item` (`picture` or `video`) and, for a banked video, `bank_video`, `bank_frames`,
    `bank_frames_matched` and `bank_percent`."""

    @property
    def exact(self) -> bool:
        """Matched on identity (a digest), not on likeness."""
        return self.algorithm not in PERCEPTUAL_ALGORITHMS

    @property
    def category_label(self) -> str | None:
        """The category as its scheme names it ("Category A", "child abuse material"), or the
        code as listed when the bank's scheme does not define it; None without a category."""
        found = describe(self.category_scheme, self.category)
        return found.label if found is not None else self.category

    @property
    def severity(self) -> Severity:
        """The category on the order common to every scheme, to compare matches across banks."""
        return severity(self.category_scheme, self.category)

    @property
    def needs_confirmation(self) -> bool:
        """A match by likeness that a person should confirm before it is used: a PDQ match farther
        than `CONFIRM_ABOVE` bits, or a video whose best frame is, or of which too little matches
        (`video.same_material` fails: under 80 % of the video and of the banked video alike, a
        few frames of a compilation, say)."""
        if self.algorithm == "pdq":
            return self.distance > CONFIRM_ABOVE
        if self.algorithm == "vpdq":
            shares = (
                float(self.detail.get("video_percent", 0.0)),
                float(self.detail.get("bank_percent", 0.0)),
            )
            return self.distance > CONFIRM_ABOVE or not same_material(*shares)
        return False


def match_targets(session: Session, targets: Sequence[HashTarget]) -> list[MatchView]:
    """Match every target against every bank, store the matches, and return them."""
    if not targets:
        return []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for target in targets:
        by_kind[target.kind].append(target.target_id)
    for kind, ids in by_kind.items():
        forget_targets(session, kind, ids)
    wanted: dict[tuple[str, str], list[HashTarget]] = defaultdict(list)
    for target in targets:
        for algorithm in EXACT_ALGORITHMS:
            value = target.hashes.get(algorithm)
            if value:
                wanted[(algorithm, value.lower())].append(target)
    keys = sorted(wanted)
    found: list[MatchView] = []
    for start in range(0, len(keys), _LOOKUP_BATCH):
        batch = keys[start : start + _LOOKUP_BATCH]
        rows = session.execute(
            select(BankEntry, HashBank)
            .join(HashBank, HashBank.id == BankEntry.bank_id)
            .where(
                tuple_(BankEntry.algorithm, BankEntry.value).in_(batch),
                BankEntry.removed_version.is_(None),
            )
            .order_by(HashBank.name, BankEntry.algorithm)
        )
        for entry, bank in rows:
            for target in wanted[(entry.algorithm, entry.value)]:
                found.append(_record(session, target, bank, entry, entry.algorithm, 0))
    found += _match_pdq(session, targets)
    found += _match_frames(session, targets)
    session.flush()
    return found


# PDQ matches farther than this are shown as needing a person's confirmation (issue 4).
CONFIRM_ABOVE = 20

FLAT_BELOW = 100_000
"""Banks with fewer usable PDQ entries than this are searched with the ``flat`` strategy of
`PdqIndex` (a full SIMD scan: built in a copy, fast enough below this size), larger ones with
``mih`` (multi-index hashing: ~120 bytes an entry, faster than a scan from about 100,000
entries, about 2,000 queries a second at 10 million; see docs/benchmarks.md)."""

_PDQ_HEX = re.compile(r"[0-9a-f]{64}")


def _match_pdq(session: Session, targets: Sequence[HashTarget]) -> list[MatchView]:
    """PDQ targets against every bank's PDQ entries within the bank's threshold.

    Entries of quality under 50 are skipped: featureless images match too much. A target's
    `pdq_variants` (its rotations and flips) are compared too, and the closest distance is the
    one recorded.
    """
    probes: list[tuple[HashTarget, list[str]]] = []
    for target in targets:
        values = [target.hashes.get("pdq"), *target.pdq_variants]
        usable = list(dict.fromkeys(v.lower() for v in values if v and _is_pdq(v)))
        if usable:
            probes.append((target, usable))
    found: list[MatchView] = []
    near = _pdq_near(session, [values for _, values in probes], min_quality=MIN_QUALITY)
    for position, entry, bank, distance in near:
        target = probes[position][0]
        found.append(_record(session, target, bank, entry, "pdq", distance))
    return found


def _match_frames(session: Session, targets: Sequence[HashTarget]) -> list[MatchView]:
    """vPDQ: each video's frame hashes against every bank's PDQ entries, as one match per item.

    Bank entries are pictures, or frames of a banked video (entries carrying `extra["video"]`,
    from a vPDQ list). Every frame near an entry counts; a video gets one `vpdq` match per picture
    and per banked video it came near, recorded on the closest entry, with the closest distance
    and how much of each side matched (`MatchView.detail`). A single frame near a banked picture
    is kept (a still of known material edited into a video is evidence) but needs confirmation.
    """
    probes: list[tuple[int, float, str]] = []  # (target position, seconds, hex)
    for position, target in enumerate(targets):
        for seconds, value in target.frames:
            if _is_pdq(value):
                probes.append((position, seconds, value.lower()))
    if not probes:
        return []
    near = _pdq_near(session, [[value] for _, _, value in probes], min_quality=MIN_QUALITY)
    # (target, bank id, item) → frames near it: (seconds, entry, distance)
    hits: dict[tuple[int, int, str], list[tuple[float, BankEntry, int]]] = defaultdict(list)
    banks: dict[int, HashBank] = {}
    for probe, entry, bank, distance in near:
        position, seconds, _ = probes[probe]
        banks[bank.id] = bank
        video = entry.extra.get("video") if isinstance(entry.extra, dict) else None
        item = f"video:{video}" if isinstance(video, str) else f"entry:{entry.id}"
        hits[(position, bank.id, item)].append((seconds, entry, distance))
    frames_of = [len(target.frames) for target in targets]
    banked_frames: dict[tuple[int, str], int] = {}  # a banked video's usable frames, read once
    found: list[MatchView] = []
    for (position, bank_id, item), frames in sorted(hits.items(), key=lambda kv: kv[0]):
        target, bank = targets[position], banks[bank_id]
        seconds_matched = sorted({seconds for seconds, _, _ in frames})
        _, best_entry, best = min(frames, key=lambda hit: (hit[2], hit[1].id))
        detail: dict[str, Any] = {
            "item": "video" if item.startswith("video:") else "picture",
            "frames": frames_of[position],
            "frames_matched": len(seconds_matched),
            "video_percent": round(100.0 * len(seconds_matched) / frames_of[position], 1),
            "at_seconds": seconds_matched[:AT_SECONDS_KEPT],
        }
        if item.startswith("video:"):
            name = item.removeprefix("video:")
            if (bank_id, name) not in banked_frames:
                banked_frames[(bank_id, name)] = _banked_video_frames(session, bank_id, name)
            total = banked_frames[(bank_id, name)]
            matched = len({entry.id for _, entry, _ in frames})
            detail |= {
                "bank_video": name,
                "bank_frames": total,
                "bank_frames_matched": matched,
                "bank_percent": round(100.0 * matched / total, 1) if total else 0.0,
            }
        found.append(_record(session, target, bank, best_entry, "vpdq", best, detail))
    return found


def _record(
    session: Session,
    target: HashTarget,
    bank: HashBank,
    entry: BankEntry,
    algorithm: str,
    distance: int,
    detail: dict[str, Any] | None = None,
) -> MatchView:
    """Store one match of `target` on `entry` (at the bank's current version) and return it."""
    session.add(
        HashMatch(
            target_kind=target.kind,
            target_id=target.target_id,
            bank_id=bank.id,
            entry_id=entry.id,
            bank_version=bank.current_version,
            algorithm=algorithm,
            distance=distance,
            detail=detail or {},
        )
    )
    return _view(
        target.kind,
        target.target_id,
        bank,
        entry,
        bank.current_version,
        distance,
        algorithm=algorithm,
        detail=detail,
    )


def _banked_video_frames(session: Session, bank_id: int, video: str) -> int:
    """How many usable frame entries the bank holds for banked video `video` (by its label)."""
    rows = session.execute(
        select(BankEntry.extra).where(
            BankEntry.bank_id == bank_id,
            BankEntry.label == video,
            BankEntry.algorithm == "pdq",
            BankEntry.removed_version.is_(None),
            BankEntry.quality.is_(None) | (BankEntry.quality >= MIN_QUALITY),
        )
    )
    return sum(1 for (extra,) in rows if isinstance(extra, dict) and extra.get("video") == video)


def _is_pdq(value: str) -> bool:
    return _PDQ_HEX.fullmatch(value.lower()) is not None


def _pdq_near(
    session: Session, probes: Sequence[Sequence[str]], *, min_quality: int | None
) -> Iterator[tuple[int, BankEntry, HashBank, int]]:
    """(probe position, entry, bank, distance) for active PDQ entries within each bank's threshold.

    Each probe is one or more 64-hex hashes of one image (the hash and its dihedral variants); an
    entry near several of them is yielded once, with the smallest distance. Banks are searched
    through their cached `PdqIndex` (see `bank_pdq_index`), in bank name order.
    """
    if not probes:
        return
    hashes = [value for values in probes for value in values]
    owner = np.repeat(np.arange(len(probes)), [len(values) for values in probes])
    codes = codes_of(hashes)
    for bank in session.scalars(select(HashBank).order_by(HashBank.name)):
        index = bank_pdq_index(session, bank, min_quality=min_quality)
        if not len(index):
            continue
        query, entry_ids, distances = index.search_codes(codes, bank.pdq_threshold)
        best: dict[tuple[int, int], int] = {}
        for probe, entry_id, distance in zip(
            owner[query].tolist(), entry_ids.tolist(), distances.tolist(), strict=True
        ):
            key = (probe, entry_id)
            if distance < best.get(key, distance + 1):
                best[key] = distance
        entries = _entries_by_id(session, sorted({entry_id for _, entry_id in best}))
        for (probe, entry_id), distance in sorted(best.items()):
            yield probe, entries[entry_id], bank, distance


def _entries_by_id(session: Session, ids: Sequence[int]) -> dict[int, BankEntry]:
    entries: dict[int, BankEntry] = {}
    for start in range(0, len(ids), _LOOKUP_BATCH):
        for entry in session.scalars(
            select(BankEntry).where(BankEntry.id.in_(ids[start : start + _LOOKUP_BATCH]))
        ):
            entries[entry.id] = entry
    return entries


@dataclass(frozen=True, slots=True)
class _CachedIndex:
    version: tuple[int, int, str, str]  # (number, row id, imported at, file digest): see below
    index: PdqIndex


_INDEXES: dict[tuple[str, int, int | None], _CachedIndex] = {}
_INDEXES_LOCK = threading.Lock()


def bank_pdq_index(session: Session, bank: HashBank, *, min_quality: int | None) -> PdqIndex:
    """The `PdqIndex` of `bank`'s active PDQ entries (of quality ≥ `min_quality`, or all).

    Built on first use and kept in this process, keyed by database, bank and bank version, so a
    new import (a new version) replaces it; only the newest version of each bank is kept. The
    version is identified by its `BankVersion` row id, import time and file digest as well as
    its number, because a rolled-back import can give the next import the same number (and, on
    SQLite, the same row id) with other entries, and an emptied database starts counting again. Entries never change within a version: imports are the
    only writers, and each writes a new version.
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = (engine.url.render_as_string(hide_password=True), bank.id, min_quality)
    row = session.execute(
        select(BankVersion.id, BankVersion.imported_at, BankVersion.source_digest).where(
            BankVersion.bank_id == bank.id, BankVersion.version == bank.current_version
        )
    ).first()
    version = (bank.current_version, row[0], str(row[1]), row[2]) if row else (0, 0, "", "")
    with _INDEXES_LOCK:
        cached = _INDEXES.get(key)
    if cached is not None and cached.version == version:
        return cached.index
    query = select(BankEntry.id, BankEntry.value).where(
        BankEntry.bank_id == bank.id,
        BankEntry.algorithm == "pdq",
        BankEntry.removed_version.is_(None),
    )
    if min_quality is not None:
        query = query.where(BankEntry.quality.is_(None) | (BankEntry.quality >= min_quality))
    entries = [(entry_id, value) for entry_id, value in session.execute(query)]
    index = PdqIndex.build(entries, "flat" if len(entries) < FLAT_BELOW else "mih")
    with _INDEXES_LOCK:
        _INDEXES[key] = _CachedIndex(version, index)
    return index


def matches_for(
    session: Session, target_kind: str, target_ids: Iterable[str]
) -> dict[str, list[MatchView]]:
    """Recorded matches of the given targets, by target id (targets without matches are absent)."""
    ids = sorted(set(target_ids))
    result: dict[str, list[MatchView]] = defaultdict(list)
    for start in range(0, len(ids), _LOOKUP_BATCH):
        rows = session.execute(
            select(HashMatch, BankEntry, HashBank)
            .join(BankEntry, BankEntry.id == HashMatch.entry_id)
            .join(HashBank, HashBank.id == HashMatch.bank_id)
            .where(
                HashMatch.target_kind == target_kind,
                HashMatch.target_id.in_(ids[start : start + _LOOKUP_BATCH]),
            )
            .order_by(HashMatch.target_id, HashBank.name, HashMatch.algorithm)
        )
        for match, entry, bank in rows:
            result[match.target_id].append(
                _view(
                    match.target_kind,
                    match.target_id,
                    bank,
                    entry,
                    match.bank_version,
                    match.distance,
                    algorithm=match.algorithm,
                    detail=match.detail,
                )
            )
    return dict(result)


def forget_targets(session: Session, target_kind: str, target_ids: Sequence[str]) -> None:
    """Delete the recorded matches of these targets (their file rows are being replaced)."""
    for start in range(0, len(target_ids), _LOOKUP_BATCH):
        session.execute(
            delete(HashMatch).where(
                HashMatch.target_kind == target_kind,
                HashMatch.target_id.in_(target_ids[start : start + _LOOKUP_BATCH]),
            )
        )


def _view(
    kind: str,
    target_id: str,
    bank: HashBank,
    entry: BankEntry,
    version: int,
    distance: int,
    *,
    algorithm: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> MatchView:
    return MatchView(
        target_kind=kind,
        target_id=target_id,
        bank=bank.name,
        bank_kind=bank.kind,
        bank_version=version,
        algorithm=algorithm or entry.algorithm,
        distance=distance,
        category=entry.category,
        value=entry.value,
        category_scheme=bank.category_scheme,
        detail=detail or {},
    )


def lookup(session: Session, value: str) -> list[MatchView]:
    """Bank entries matching one hash value given by an analyst (`suraksha hashes lookup`).

    The algorithm is read from the length (32 MD5, 40 SHA-1, 64 SHA-256 or PDQ). A 64-digit value
    is tried as both; a PDQ value also matches entries within each bank's PDQ threshold, with the
    distance.
    """
    text = value.strip().lower()
    algorithms = {32: ["md5"], 40: ["sha1"], 64: ["sha256", "pdq"]}.get(len(text), [])
    if not algorithms or any(c not in "0123456789abcdef" for c in text):
        return []
    found: list[MatchView] = []
    rows = session.execute(
        select(BankEntry, HashBank)
        .join(HashBank, HashBank.id == BankEntry.bank_id)
        .where(
            BankEntry.algorithm.in_([a for a in algorithms if a != "pdq"]),
            BankEntry.value == text,
            BankEntry.removed_version.is_(None),
        )
        .order_by(HashBank.name)
    )
    for entry, bank in rows:
        found.append(_view("lookup", text, bank, entry, bank.current_version, 0))
    if "pdq" in algorithms:
        # An analyst asking about a value sees low-quality entries too, unlike automatic matching.
        for _, entry, bank, distance in _pdq_near(session, [[text]], min_quality=None):
            found.append(_view("lookup", text, bank, entry, bank.current_version, distance))
    return sorted(found, key=lambda view: (view.distance, view.bank))


def bank_kinds(session: Session, target_kind: str) -> dict[str, set[str]]:
    """Target id → the kinds of bank (`known`, `viral`, `ignorable`) its recorded matches are in,
    for every matched target of the kind (one pass: the offender network reads them all)."""
    found: dict[str, set[str]] = defaultdict(set)
    for target_id, kind in session.execute(
        select(HashMatch.target_id, HashBank.kind)
        .join(HashBank, HashBank.id == HashMatch.bank_id)
        .where(HashMatch.target_kind == target_kind)
    ):
        found[target_id].add(kind)
    return dict(found)
