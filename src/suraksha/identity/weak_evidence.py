"""Weak evidence kept between resolutions, so that an incremental run scores only new accounts.

    full run      every account's values ─► WeakRecord (streamed, one account at a time)
                  ─► the model over all records ─► both tables replaced
    incremental   stored records + records of the accounts new since the last run (the only
                  views read)
                  ─► pairs of two stored accounts: the stored pairs, guarded again with today's
                     value counts (a value only grows more popular, so a stored pair can only
                     drop or lose an agreeing value, never appear)
                  ─► pairs with a new account: the model on the new records and the stored
                     records that share a blocking key with one (`probabilistic.blocked_with`)
                  ─► the tables brought up to date

A full run's scoring (`score_everything`) reads and writes nothing else, so it can run in a worker
process while the linker works through the IP captures (`reads_apart`); the resolve's transaction
stores what it sends back.

The pairs equal a full run's: a pair's weight depends only on its two records (fixed m and u, no
term frequencies: `probabilistic`), the guard only on how many accounts hold each value, and an
incremental run only ever adds accounts (a vanished account, a changed parameter or a new model
version makes the linker run in full, `linker._why_full`). `tests/identity/test_weak_evidence.py`
compares both on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from suraksha.identity.models import WeakFeatures, WeakPairRow
from suraksha.identity.probabilistic import (
    DEFAULT_THRESHOLD,
    WEAK_KINDS,
    WeakPair,
    WeakRecord,
    blocked_with,
    feature_counts,
    guarded,
    weak_pairs,
    weak_record,
    weak_record_of_values,
)
from suraksha.intake.accounts import account_views, every_account_values
from suraksha.storage.bulk import bulk_insert, replace_rows

_VIEW_BATCH = 20_000  # account views held at once while features are taken from them
_DELETE_BATCH = 500

_FEATURE_COLUMNS = ("name_key", "dob", "handle", "handle_stem", "pincode", "city", "line",
                    "street", "number")  # fmt: skip
_STORED_COLUMNS = ("account_id", *_FEATURE_COLUMNS)
_stored_values = attrgetter(*_STORED_COLUMNS)


@dataclass(slots=True)
class WeakEvidence:
    """The pairs the probabilistic layer links in the whole workspace, and what this run did."""

    pairs: list[WeakPair] = field(default_factory=list)
    featured: int = 0  # accounts whose features were taken from their views in this run
    scored: int = 0  # records given to the model in this run
    dropped: int = 0  # stored pairs the guard refuses now (a value became popular)
    # Accounts of stored pairs that still link on fewer agreeing values: their link's evidence
    # must be written again, so an incremental run recomputes them.
    narrowed: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Scored:
    """A full run's scoring: every account's stored features (rows in `_STORED_COLUMNS` order) and
    the pairs the model links."""

    rows: list[tuple[str | None, ...]]
    pairs: list[WeakPair]


def score_everything(session: Session, accounts: Sequence[str], threshold: float) -> Scored:
    """Every account's weak features and the pairs the model links among `accounts`: a full run's
    scoring, which reads and writes nothing else (`reads_apart` may run it in a worker)."""
    wanted = set(accounts)
    every = every_account_values(session, WEAK_KINDS)
    records = [weak_record_of_values(values) for values in every if values.account_id in wanted]
    pairs = weak_pairs(records, threshold=threshold)
    return Scored([_stored_values(record) for record in records], pairs)


def weak_evidence(
    session: Session,
    accounts: Sequence[str],
    *,
    full: bool,
    threshold: float = DEFAULT_THRESHOLD,
    scored: Scored | None = None,
) -> WeakEvidence:
    """Every pair the probabilistic layer links among `accounts` (all reported accounts), with the
    stored features and pairs brought up to date; `full` recomputes and replaces both (from
    `scored`, when a worker scored them: `reads_apart`)."""
    if full:
        scored = scored or score_everything(session, accounts, threshold)
        session.execute(delete(WeakPairRow))
        # Most accounts' features are as the last full run stored them: only the others are written.
        replace_rows(
            session.connection(),
            WeakFeatures.__table__,  # type: ignore[arg-type]
            _STORED_COLUMNS,
            scored.rows,
        )
        _store_pairs(session, scored.pairs)
        return WeakEvidence(pairs=scored.pairs, featured=len(scored.rows), scored=len(scored.rows))
    return _incremental(session, accounts, threshold)


def _incremental(session: Session, accounts: Sequence[str], threshold: float) -> WeakEvidence:
    stored = {record.account_id: record for record in stored_records(session)}
    new = list(records_of(session, [account for account in accounts if account not in stored]))
    _store_records(session, new)
    counts = feature_counts(stored.values())
    counts.update(feature_counts(new))

    result = WeakEvidence(featured=len(new))
    gone: list[tuple[str, str]] = []  # stored pairs to delete: dropped, or stored again below
    narrowed: list[WeakPair] = []  # still linked, on fewer agreeing values
    for a, b, weight, probability, agreeing in session.execute(
        select(
            WeakPairRow.account_a,
            WeakPairRow.account_b,
            WeakPairRow.match_weight,
            WeakPairRow.match_probability,
            WeakPairRow.agreeing,
        )
    ):
        pair = guarded(stored[a], stored[b], weight, probability, counts)
        if pair is None:
            result.dropped += 1
            gone.append((a, b))
            continue
        if pair.agreeing != agreeing:
            gone.append((a, b))
            narrowed.append(pair)
        result.pairs.append(pair)
    _delete_pairs(session, gone)
    _store_pairs(session, narrowed)
    result.narrowed = {account for pair in narrowed for account in pair.accounts}

    if new:
        candidates = [*new, *blocked_with(new, stored.values())]
        result.scored = len(candidates)
        fresh = weak_pairs(
            candidates,
            threshold=threshold,
            counts=counts,
            touching={record.account_id for record in new},
        )
        _store_pairs(session, fresh)
        result.pairs.extend(fresh)
    result.pairs.sort(key=lambda pair: (-pair.match_weight, pair.account_a, pair.account_b))
    return result


def records_of(session: Session, accounts: Iterable[str]) -> Iterator[WeakRecord]:
    """The weak features of the given accounts, from their views (read a batch at a time)."""
    wanted = list(accounts)
    for start in range(0, len(wanted), _VIEW_BATCH):
        for view in account_views(session, wanted[start : start + _VIEW_BATCH]):
            yield weak_record(view)


def stored_records(session: Session) -> Iterator[WeakRecord]:
    """Every stored account's weak features, as `WeakRecord`s."""
    columns = [getattr(WeakFeatures, column) for column in _STORED_COLUMNS]
    for row in session.execute(select(*columns)):
        found = dict(zip(_STORED_COLUMNS, row, strict=True))
        dob = found["dob"]
        yield WeakRecord(**found, dob_year=dob[:4] if dob else None)


def _store_records(session: Session, records: Sequence[WeakRecord]) -> None:
    _insert_features(session, [_stored_values(record) for record in records])


def _insert_features(session: Session, rows: Sequence[tuple[str | None, ...]]) -> None:
    bulk_insert(
        session.connection(),
        WeakFeatures.__table__,  # type: ignore[arg-type]
        [dict(zip(_STORED_COLUMNS, row, strict=True)) for row in rows],
    )


def _store_pairs(session: Session, pairs: Sequence[WeakPair]) -> None:
    bulk_insert(
        session.connection(),
        WeakPairRow.__table__,  # type: ignore[arg-type]
        [
            {
                "account_a": pair.account_a,
                "account_b": pair.account_b,
                "match_weight": pair.match_weight,
                "match_probability": pair.match_probability,
                "agreeing": pair.agreeing,
            }
            for pair in pairs
        ],
    )


def _delete_pairs(session: Session, pairs: Sequence[tuple[str, str]]) -> None:
    for start in range(0, len(pairs), _DELETE_BATCH):
        batch = pairs[start : start + _DELETE_BATCH]
        session.execute(
            delete(WeakPairRow).where(
                tuple_(WeakPairRow.account_a, WeakPairRow.account_b).in_(batch)
            )
        )
