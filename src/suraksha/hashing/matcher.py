"""The one matcher: looks up the hashes of tip files (and, later, device files) in every bank.

Exact matching on MD5, SHA-1 and SHA-256 against each bank's active entries. A match records the bank,
the bank version current when it was made, the algorithm and the distance (0 for exact), so that a
match can always say what it matched and when. Matching a target again replaces its earlier matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from suraksha.hashing.models import BankEntry, HashBank, HashMatch
from suraksha.hashing.pdq import MIN_QUALITY

EXACT_ALGORITHMS = ("md5", "sha1", "sha256")
# Bound on values per IN (...) query: SQLite's default host-parameter limit is 32,766.
_LOOKUP_BATCH = 500


@dataclass(frozen=True, slots=True)
class HashTarget:
    """Something with hashes to match: its kind (`tip_file`), id, and digests by algorithm."""

    kind: str
    target_id: str
    hashes: Mapping[str, str | None]


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

    @property
    def needs_confirmation(self) -> bool:
        """A PDQ match far enough from exact that a person should confirm it before it is used."""
        return self.algorithm == "pdq" and self.distance > CONFIRM_ABOVE


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
                session.add(
                    HashMatch(
                        target_kind=target.kind,
                        target_id=target.target_id,
                        bank_id=bank.id,
                        entry_id=entry.id,
                        bank_version=bank.current_version,
                        algorithm=entry.algorithm,
                        distance=0,
                    )
                )
                found.append(
                    _view(target.kind, target.target_id, bank, entry, bank.current_version, 0)
                )
    found += _match_pdq(session, targets)
    session.flush()
    return found


# PDQ matches farther than this are shown as needing a person's confirmation (issue 4).
CONFIRM_ABOVE = 20


def _match_pdq(session: Session, targets: Sequence[HashTarget]) -> list[MatchView]:
    """PDQ targets against every bank's PDQ entries within the bank's threshold.

    Entries of quality under 50 are skipped: featureless images match too much.
    """
    probes = [(t, int(v, 16)) for t in targets if (v := t.hashes.get("pdq")) and len(v) == 64]
    found: list[MatchView] = []
    near = _pdq_near(session, [probe for _, probe in probes], min_quality=MIN_QUALITY)
    for position, entry, bank, distance in near:
        target = probes[position][0]
        session.add(
            HashMatch(
                target_kind=target.kind,
                target_id=target.target_id,
                bank_id=bank.id,
                entry_id=entry.id,
                bank_version=bank.current_version,
                algorithm="pdq",
                distance=distance,
            )
        )
        found.append(
            _view(target.kind, target.target_id, bank, entry, bank.current_version, distance)
        )
    return found


def _pdq_near(
    session: Session, probes: Sequence[int], *, min_quality: int | None
) -> Iterator[tuple[int, BankEntry, HashBank, int]]:
    """(probe position, entry, bank, distance) for active PDQ entries within each bank's threshold.

    A linear scan: fine for the banks a unit holds today; `pdq_index.PdqIndex` replaces it (#4).
    """
    if not probes:
        return
    query = (
        select(BankEntry, HashBank)
        .join(HashBank, HashBank.id == BankEntry.bank_id)
        .where(BankEntry.algorithm == "pdq", BankEntry.removed_version.is_(None))
    )
    if min_quality is not None:
        query = query.where(BankEntry.quality.is_(None) | (BankEntry.quality >= min_quality))
    for entry, bank in session.execute(query).all():
        banked = int(entry.value, 16)
        for position, probe in enumerate(probes):
            distance = (banked ^ probe).bit_count()
            if distance <= bank.pdq_threshold:
                yield position, entry, bank, distance


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
    kind: str, target_id: str, bank: HashBank, entry: BankEntry, version: int, distance: int
) -> MatchView:
    return MatchView(
        target_kind=kind,
        target_id=target_id,
        bank=bank.name,
        bank_kind=bank.kind,
        bank_version=version,
        algorithm=entry.algorithm,
        distance=distance,
        category=entry.category,
        value=entry.value,
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
        for _, entry, bank, distance in _pdq_near(session, [int(text, 16)], min_quality=None):
            found.append(_view("lookup", text, bank, entry, bank.current_version, distance))
    return sorted(found, key=lambda view: (view.distance, view.bank))
