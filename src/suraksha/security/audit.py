"""The audit log: every read of a subject or victim and every change, hash-chained and verifiable.

    event 1            event 2            event 3             head (one row)
    prev = 0…0   ┌──►  prev = h1    ┌──►  prev = h2     ┌──►  seq = 3, hash = h3
    h1 = H(1)  ──┘     h2 = H(2)  ──┘     h3 = H(3)   ──┘

`H(n)` is SHA-256 of the *canonical serialisation* of event n: a JSON object of the format
version, seq, instant (UTC, microseconds, `…Z`), actor, actor's role, action, object kind and id,
detail and the previous event's hash, with sorted keys, no spaces and ASCII only (so the bytes do
not depend on the database, the driver or the platform's encoding). Each event therefore commits
to every event before it.

What `verify` detects, and how:
- an edited event: its contents no longer give its hash (or, if the editor re-hashed it, the next
  event's `prev_hash` no longer matches);
- a deleted event: a gap in `seq` (seqs are assigned here, 1, 2, 3…, never by the database), or
  the head naming a seq past the last event when the newest ones were deleted;
- an inserted event: in the middle it needs renumbering and breaks the chain; at the end it runs
  past the head.
Someone who can write the database can still rewrite the whole tail *and* the head consistently.
Against that, take an **anchor**: `suraksha audit verify` prints the head (seq and hash); keep it
outside the database (a register, a signed note), and later `verify --anchor SEQ:HASH` proves the
chain still passes through it.

Concurrency: an append locks the head row (`SELECT … FOR UPDATE`) and the new event and the new
head are written in the caller's transaction, so two writers queue instead of both extending the
same head (a fork). On PostgreSQL the row lock makes the second writer wait until the first
commits and then read the new head; SQLite ignores FOR UPDATE, but there every writing
transaction begins with `BEGIN IMMEDIATE` (storage/engine.py), so writers are serialised anyway.
The primary key on `seq` is the last guard: a fork would be a duplicate key, never a stored fork.

An event is recorded in the same transaction as what it records: a change rolled back leaves no
event, and an event that cannot be written rolls the change back. A read-only session
(`storage.session.reading`) is refused, because its transaction is always rolled back: a read
that must be audited runs in a writing transaction.

`detail` holds ids, counts and reasons, never secrets or a victim's identity: keys naming a
password, secret, token, one-time code, cookie or URI are refused (a guard against mistakes, not a
proof), and the whole detail is limited to `MAX_DETAIL_BYTES`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from suraksha.errors import StorageError
from suraksha.security.models import AuditEvent, AuditHead
from suraksha.security.policy import Actor
from suraksha.storage.base import utcnow
from suraksha.storage.engine import READ_ONLY_OPTION

FORMAT: Final = 1
"""Version of the canonical serialisation; stored in each event so that a new one can coexist."""
GENESIS: Final = "0" * 64
"""The `prev_hash` of event 1."""
HEAD_ID: Final = 1
MAX_DETAIL_BYTES: Final = 4096
"""An event says what happened to which object; data belongs in the domain's own tables."""
SENSITIVE_PARTS: Final = ("password", "passwd", "passphrase", "secret", "token")
"""A detail key containing one of these anywhere ("newPassword", "api_token") is refused."""
SENSITIVE_WORDS: Final = frozenset({"otp", "totp", "uri", "cookie"})
"""A detail key with one of these as a word ("totp_code", "provisioning-uri") is refused."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_LIMITS: Final = {"actor": 200, "action": 64, "object_kind": 32, "object_id": 200}
_STREAM_ROWS: Final = 1000


class Action(StrEnum):
    """The actions the security domain itself records. Other domains name theirs alike,
    `<kind>.<verb>`: `subject.read`, `victim.read`, `subject.export`."""

    USER_ADD = "user.add"
    USER_PASSWORD = "user.password"  # noqa: S105 (an action's name, not a password)
    USER_PASSWORD_REHASH = "user.password_rehash"  # noqa: S105
    USER_LOCK = "user.lock"
    USER_UNLOCK = "user.unlock"
    USER_TOTP_ENROL = "user.totp_enrol"
    USER_TOTP_CONFIRM = "user.totp_confirm"
    SIGN_IN = "user.sign_in"
    SIGN_IN_REFUSED = "user.sign_in_refused"
    LOCKOUT = "user.lockout"


Who = Actor | str
"""Who acted: a signed-in `Actor`, or a label for a trusted channel such as "cli:asha"."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """A (seq, hash) pair kept outside the database; `verify` checks the chain still has it."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """Read `SEQ:HASH` as `suraksha audit verify` prints it."""
        seq, _, digest = text.strip().partition(":")
        if not seq.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"an anchor is SEQ:HASH (64 hex digits), not {text!r}")
        return cls(int(seq), digest)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True, slots=True)
class EventView:
    """An audit event as shown to an auditor (readable after its session has ended)."""

    seq: int
    at: datetime
    actor: str
    actor_role: str | None
    action: str
    object_kind: str
    object_id: str
    detail: dict[str, Any]
    hash: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What `verify` found: how far the chain is intact, and where and why it breaks."""

    events: int  # events read before the first break (all of them when intact)
    head: Anchor | None  # the stored head; None on a database where nothing was recorded
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        """True when every event, the sequence and the head agree (and the anchor, if given)."""
        return self.broken_seq is None


def record(
    session: Session,
    actor: Who,
    action: str,
    kind: str,
    object_id: str | int,
    detail: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> AuditEvent:
    """Append an event to the chain in the session's transaction and return it.

    `action` is `<kind>.<verb>` (`subject.read`), `kind` the object kind (`subject`), `object_id`
    its id; `detail` JSON values without secrets (see the module docstring). Raises ValueError for
    a malformed event and RuntimeError in a read-only session.
    """
    _require_writing(session)
    name, role = (actor.name, actor.role.value) if isinstance(actor, Actor) else (actor, None)
    values: dict[str, Any] = {
        "format": FORMAT,
        "at": _instant(at or utcnow()),
        "actor": name,
        "actor_role": role,
        "action": str(action),
        "object_kind": str(kind),
        "object_id": str(object_id),
        "detail": _clean_detail(detail or {}),
    }
    _check(values)
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
    ).one_or_none()
    seq, prev = (head.seq, head.hash) if head is not None else _start_chain(session)
    values.update(seq=seq + 1, prev_hash=prev)
    values["hash"] = chain_hash(values)
    event = AuditEvent(**values)
    session.add(event)
    session.flush()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=event.seq, hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    return event


def chain_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an event's canonical serialisation; `values` are its columns by name."""
    return hashlib.sha256(canonical(values)).hexdigest()


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes an event's hash covers (format 1): see the module docstring."""
    payload = {
        "format": values["format"],
        "seq": values["seq"],
        "at": _stamp(values["at"]),
        "actor": values["actor"],
        "actor_role": values["actor_role"],
        "action": values["action"],
        "object_kind": values["object_kind"],
        "object_id": values["object_id"],
        "detail": values["detail"],
        "prev_hash": values["prev_hash"],
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def verify(session: Session, *, anchor: Anchor | None = None) -> ChainCheck:
    """Re-check the whole chain from event 1 and the head; stops at the first break.

    Reads the rows as the database holds them (not objects this session may have cached), in
    batches, so it runs in constant memory on a long log.
    """
    stored = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).one_or_none()
    head = Anchor(stored.seq, stored.hash) if stored is not None else None
    query = select(*AuditEvent.__table__.columns).order_by(AuditEvent.seq)
    with session.execute(query.execution_options(yield_per=_STREAM_ROWS)) as result:
        last, prev, broken = _walk(result.mappings(), anchor)
    if broken is None:
        broken = _head_break(head, last, prev, anchor)
    if broken is None:
        return ChainCheck(events=last, head=head)
    seq, reason = broken
    return ChainCheck(events=min(last, seq - 1), head=head, broken_seq=seq, reason=reason)


def _walk(
    rows: Iterable[Mapping[Any, Any]], anchor: Anchor | None
) -> tuple[int, str, tuple[int, str] | None]:
    """Follow the chain: (last intact seq, its hash, the first break as (seq, reason) or None)."""
    last, prev = 0, GENESIS
    for row in rows:
        seq = row["seq"]
        if seq != last + 1:
            missing = f"event {last + 1}" if seq == last + 2 else f"events {last + 1}–{seq - 1}"
            return last, prev, (last + 1, f"{missing} missing: deleted")
        if row["prev_hash"] != prev:
            reason = (
                f"event {seq} does not follow event {seq - 1}: an event before it was edited "
                "and re-hashed, inserted or deleted"
            )
            return last, prev, (seq, reason)
        if row["format"] != FORMAT or chain_hash(row) != row["hash"]:
            return last, prev, (seq, f"event {seq} does not match its hash: edited")
        if anchor is not None and seq == anchor.seq and row["hash"] != anchor.hash:
            return (
                last,
                prev,
                (seq, f"event {seq} differs from the anchor: the chain was rewritten"),
            )
        last, prev = seq, row["hash"]
    return last, prev, None


def _head_break(
    head: Anchor | None, last: int, prev: str, anchor: Anchor | None
) -> tuple[int, str] | None:
    """Where the intact chain ending at (`last`, `prev`) disagrees with the head or the anchor."""
    if head is None:
        return (last, "the head record is missing: deleted") if last else None
    if head.seq > last:
        return last + 1, f"events {last + 1}–{head.seq} missing at the end: deleted"
    if head.seq < last:
        return head.seq + 1, f"events after {head.seq} are past the head: inserted"
    if head.hash != prev:
        return last, f"the head does not match event {last}: edited"
    if anchor is not None and anchor.seq > last:
        return last + 1, f"the anchor names event {anchor.seq}, which is missing: deleted"
    return None


def events(
    session: Session,
    *,
    limit: int = 50,
    actor: str | None = None,
    action: str | None = None,
    kind: str | None = None,
    object_id: str | None = None,
) -> list[EventView]:
    """The newest events first, optionally only one actor's, action's or object's."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if kind is not None:
        query = query.where(AuditEvent.object_kind == kind)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    return [
        EventView(
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            actor_role=event.actor_role,
            action=event.action,
            object_kind=event.object_kind,
            object_id=event.object_id,
            detail=dict(event.detail),
            hash=event.hash,
        )
        for event in session.scalars(query)
    ]


def _start_chain(session: Session) -> tuple[int, str]:
    """Create the head of an empty log (migration 0008 does it; this covers an emptied table)."""
    if session.scalar(select(func.count()).select_from(AuditEvent)):
        raise StorageError(
            "The audit log has events but no head record, so it cannot be extended safely. "
            "Run `suraksha audit verify` and report the result to the unit's auditor."
        )
    session.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS))
    return 0, GENESIS


def _require_writing(session: Session) -> None:
    if session.connection().get_execution_options().get(READ_ONLY_OPTION):
        raise RuntimeError(
            "audit.record in a read-only session: its transaction is rolled back, and the event "
            "with it; audit the read in a writing transaction (storage.session.transaction)"
        )


def _instant(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: audit instants are timezone-aware")
    return at.astimezone(UTC)


def _stamp(at: datetime) -> str:
    return _instant(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _clean_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail as JSON gives it back, so that what is hashed is exactly what is stored."""
    _refuse_secrets(detail)
    try:
        text = json.dumps(detail, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"audit detail must be plain JSON values: {err}") from err
    if len(text.encode("utf-8")) > MAX_DETAIL_BYTES:
        raise ValueError(f"audit detail is over {MAX_DETAIL_BYTES} bytes; record ids, not data")
    cleaned: dict[str, Any] = json.loads(text)
    return cleaned


def _refuse_secrets(value: object) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            folded = str(key).casefold()
            words = set(re.split(r"[^a-z]+", folded))
            if words & SENSITIVE_WORDS or any(part in folded for part in SENSITIVE_PARTS):
                raise ValueError(f"audit detail key {key!r} names a secret; never record it")
            _refuse_secrets(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_secrets(item)


def _check(values: Mapping[str, Any]) -> None:
    for column, limit in _LIMITS.items():
        text = values[column]
        if not text or not text.strip() or len(text) > limit:
            raise ValueError(f"audit {column} must be 1–{limit} characters, not {text!r}")
    if not _ACTION.fullmatch(values["action"]):
        raise ValueError(f"audit action {values['action']!r} is not <kind>.<verb>")
    if not _NAME.fullmatch(values["object_kind"]):
        raise ValueError(f"audit object kind {values['object_kind']!r} is not a lower-case word")
