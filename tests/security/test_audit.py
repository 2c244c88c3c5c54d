"""The audit chain on SQLite and PostgreSQL: what is recorded, and that every single-row edit,
deletion or insertion made behind Suraksha's back with raw SQL is found by `verify`."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, Engine, bindparam, text
from sqlalchemy.types import TypeEngine

from suraksha.errors import StorageError
from suraksha.security.audit import (
    GENESIS,
    Anchor,
    canonical,
    chain_hash,
    events,
    record,
    verify,
)
from suraksha.security.policy import Actor, Role
from suraksha.storage.base import UtcDateTime
from suraksha.storage.session import reading, transaction

OFFICER = Actor(7, "asha.nair", Role.DISTRICT_OFFICER, "KERALA", "ERNAKULAM")
AT = datetime(2026, 11, 1, 9, 30, 0, 123456, tzinfo=UTC)


def fill(db: Engine, count: int) -> None:
    with transaction(db) as session:
        for n in range(count):
            record(
                session,
                OFFICER if n % 2 else "cli:root",
                "subject.read",
                "subject",
                f"subject-{n:04d}",
                {"via": "web", "reports": n},
                at=AT + timedelta(seconds=n),
            )


def check(db: Engine, anchor: Anchor | None = None) -> tuple[int | None, str | None]:
    with reading(db) as session:
        result = verify(session, anchor=anchor)
    return result.broken_seq, result.reason


def execute(db: Engine, sql: str, **values: Any) -> None:
    statement = text(sql)
    typed: dict[str, TypeEngine[Any]] = {"at": UtcDateTime(), "detail": JSON()}
    statement = statement.bindparams(
        *(bindparam(name, type_=typed[name]) for name in values if name in typed)
    )
    with db.begin() as connection:
        connection.execute(statement, values)


def test_canonical_serialisation_is_frozen() -> None:
    """Changing these bytes would break every chain already written: a new format needs a new
    `FORMAT` number, not an edit here."""
    values = {
        "format": 1,
        "seq": 1,
        "at": AT,
        "actor": "asha.nair",
        "actor_role": "district_officer",
        "action": "subject.read",
        "object_kind": "subject",
        "object_id": "subject-0a1b",
        "detail": {"via": "web", "reports": 2, "नाम": "ok"},
        "prev_hash": GENESIS,
    }
    assert canonical(values) == (
        b'{"action":"subject.read","actor":"asha.nair","actor_role":"district_officer",'
        b'"at":"2026-11-01T09:30:00.123456Z","detail":{"reports":2,"via":"web",'
        b'"\\u0928\\u093e\\u092e":"ok"},"format":1,"object_id":"subject-0a1b",'
        b'"object_kind":"subject","prev_hash":"' + b"0" * 64 + b'","seq":1}'
    )
    assert chain_hash(values) == "802edeb1a119f67876596a45d70d6793a7c2d41cb82969e3db4fadcf53a4346c"


def test_events_are_chained_and_listed(db: Engine) -> None:
    assert check(db) == (None, None)
    fill(db, 3)
    with reading(db) as session:
        result = verify(session)
        listed = events(session, limit=2)
        mine = events(session, actor="asha.nair")
    assert result.intact and result.events == 3
    assert [event.seq for event in listed] == [3, 2]
    assert [(e.seq, e.actor_role, e.object_id) for e in mine] == [
        (2, "district_officer", "subject-0001")
    ]
    assert listed[1].detail == {"via": "web", "reports": 1}
    assert result.head is not None and listed[0].hash == result.head.hash
    assert listed[0].at == AT + timedelta(seconds=2)


def test_an_event_rolled_back_with_its_change_leaves_the_chain_intact(db: Engine) -> None:
    fill(db, 2)
    with pytest.raises(RuntimeError, match="boom"), transaction(db) as session:
        record(session, OFFICER, "subject.read", "subject", "x")
        raise RuntimeError("boom")
    fill(db, 1)
    assert check(db) == (None, None)
    with reading(db) as session:
        assert [event.seq for event in events(session)] == [3, 2, 1]


def test_a_read_only_session_is_refused(db: Engine) -> None:
    with reading(db) as session, pytest.raises(RuntimeError, match="read-only session"):
        record(session, OFFICER, "subject.read", "subject", "x")


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        ({"password": "x"}, "names a secret"),
        ({"new_totp_code": "123456"}, "names a secret"),
        ({"outer": [{"apiToken": "t"}]}, "names a secret"),
        ({"newPassword": "x"}, "names a secret"),
        ({"provisioning_uri": "otpauth://"}, "names a secret"),
        ({"when": datetime(2026, 1, 1, tzinfo=UTC)}, "plain JSON"),
        ({"ratio": float("nan")}, "plain JSON"),
        ({"blob": "x" * 5000}, "over 4096 bytes"),
    ],
)
def test_details_carry_no_secrets_and_no_data(
    db: Engine, detail: dict[str, Any], message: str
) -> None:
    with transaction(db) as session, pytest.raises(ValueError, match=message):
        record(session, OFFICER, "subject.read", "subject", "x", detail)


def test_ordinary_keys_are_not_mistaken_for_secrets(db: Engine) -> None:
    detail = {"offence_code": "POCSO s.14", "reports": [1, 2], "routing": {"district": "x"}}
    with transaction(db) as session:
        event = record(session, OFFICER, "case.update", "case", "FIR-1/2026", detail)
    assert (event.seq, event.detail) == (1, detail)


@pytest.mark.parametrize(
    ("action", "kind", "object_id"),
    [("read", "subject", "x"), ("Subject.Read", "subject", "x"), ("subject.read", "Subject", "x"),
     ("subject.read", "subject", " "), ("subject.read", "subject", "x" * 201)],
)  # fmt: skip
def test_malformed_events_are_refused(db: Engine, action: str, kind: str, object_id: str) -> None:
    with transaction(db) as session, pytest.raises(ValueError):
        record(session, OFFICER, action, kind, object_id)


# --- tampering with raw SQL ---------------------------------------------------------------------

EDITS: dict[str, tuple[str, dict[str, Any]]] = {
    "actor": ("UPDATE security_audit_events SET actor = 'someone.else' WHERE seq = :seq", {}),
    "actor_role": ("UPDATE security_audit_events SET actor_role = 'auditor' WHERE seq = :seq", {}),
    "action": ("UPDATE security_audit_events SET action = 'subject.export' WHERE seq = :seq", {}),
    "object_id": ("UPDATE security_audit_events SET object_id = 'subject-9' WHERE seq = :seq", {}),
    "format": ("UPDATE security_audit_events SET format = 2 WHERE seq = :seq", {}),
    "hash": ("UPDATE security_audit_events SET hash = :fake WHERE seq = :seq", {"fake": "f" * 64}),
    "prev_hash": (
        "UPDATE security_audit_events SET prev_hash = :fake WHERE seq = :seq",
        {"fake": "e" * 64},
    ),
    "at": (
        "UPDATE security_audit_events SET at = :at WHERE seq = :seq",
        {"at": AT - timedelta(days=1)},
    ),
    "detail": (
        "UPDATE security_audit_events SET detail = :detail WHERE seq = :seq",
        {"detail": {"via": "web", "reports": 0}},
    ),
}
TAMPERS = [*EDITS, "rehash", "delete", "append", "append_valid", "head", "delete_head"]

fuzz = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("tamper", TAMPERS)
@fuzz
@given(count=st.integers(1, 6), data=st.data())
def test_any_single_row_tamper_is_detected(
    db: Engine, count: int, tamper: str, data: st.DataObject
) -> None:
    execute(db, "DELETE FROM security_audit_events")
    execute(db, "DELETE FROM security_audit_head")
    fill(db, count)
    assert check(db) == (None, None)
    seq = data.draw(st.integers(1, count), label="seq")
    expected = seq
    if tamper in EDITS:
        sql, values = EDITS[tamper]
        if tamper == "detail" and seq == 1:
            values = {"detail": {"via": "web", "reports": 99}}
        execute(db, sql, seq=seq, **values)
    elif tamper == "rehash":
        # A careful editor re-hashes the row they changed: the next row (or the head) gives it away.
        row = _row(db, seq)
        row["actor"] = "someone.else"
        execute(
            db,
            "UPDATE security_audit_events SET actor = :actor, hash = :hash WHERE seq = :seq",
            actor=row["actor"],
            hash=chain_hash(row),
            seq=seq,
        )
        expected = seq + 1 if seq < count else count
    elif tamper == "delete":
        execute(db, "DELETE FROM security_audit_events WHERE seq = :seq", seq=seq)
    elif tamper in ("append", "append_valid"):
        last = _row(db, count)
        row = {**last, "seq": count + 1, "object_id": "subject-planted", "prev_hash": last["hash"]}
        row["hash"] = chain_hash(row) if tamper == "append_valid" else "a" * 64
        execute(
            db,
            "INSERT INTO security_audit_events (seq, format, at, actor, actor_role, action, "
            "object_kind, object_id, detail, prev_hash, hash) VALUES (:seq, :format, :at, :actor, "
            ":actor_role, :action, :object_kind, :object_id, :detail, :prev_hash, :hash)",
            **row,
        )
        expected = count + 1
    elif tamper == "head":
        execute(db, "UPDATE security_audit_head SET hash = :fake", fake="d" * 64)
        expected = count
    else:
        execute(db, "DELETE FROM security_audit_head")
        expected = count
    broken, reason = check(db)
    assert broken == expected, (tamper, reason)
    assert reason


def test_deleting_the_newest_events_is_detected(db: Engine) -> None:
    fill(db, 4)
    execute(db, "DELETE FROM security_audit_events WHERE seq >= 3")
    assert check(db) == (3, "events 3–4 missing at the end: deleted")


def test_deleting_everything_but_the_head_is_detected(db: Engine) -> None:
    fill(db, 2)
    execute(db, "DELETE FROM security_audit_events")
    assert check(db) == (1, "events 1–2 missing at the end: deleted")


def test_an_anchor_catches_a_consistently_rewritten_chain(db: Engine) -> None:
    fill(db, 3)
    with reading(db) as session:
        head = verify(session).head
    assert head is not None and Anchor.parse(str(head)) == head
    # Rewrite event 2 and everything after it, head included, as only a careful insider could.
    prev = _row(db, 1)["hash"]
    for seq in (2, 3):
        row = _row(db, seq)
        row.update(prev_hash=prev, object_id="subject-rewritten")
        row["hash"] = prev = chain_hash(row)
        execute(
            db,
            "UPDATE security_audit_events SET object_id = :object_id, prev_hash = :prev_hash, "
            "hash = :hash WHERE seq = :seq",
            object_id=row["object_id"],
            prev_hash=row["prev_hash"],
            hash=row["hash"],
            seq=seq,
        )
    execute(db, "UPDATE security_audit_head SET hash = :hash", hash=prev)
    assert check(db) == (None, None)  # the chain alone cannot tell
    broken, reason = check(db, anchor=head)
    assert broken == 3 and reason and "anchor" in reason
    assert check(db, anchor=Anchor(9, head.hash))[0] == 4


def test_a_log_without_its_head_is_not_extended(db: Engine) -> None:
    fill(db, 2)
    execute(db, "DELETE FROM security_audit_head")
    with pytest.raises(StorageError, match="no head record"), transaction(db) as session:
        record(session, OFFICER, "subject.read", "subject", "x")


def test_two_writers_queue_instead_of_forking_the_chain(db: Engine) -> None:
    """The first writer holds its transaction open after appending; the second must wait for
    it (PostgreSQL: the head's row lock; SQLite: BEGIN IMMEDIATE) and then extend its event."""
    fill(db, 1)
    appended = threading.Event()
    failures: list[BaseException] = []
    seqs: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction(db) as session:
                seqs["first"] = record(session, OFFICER, "subject.read", "subject", "a").seq
                appended.set()
                time.sleep(0.5)
        except BaseException as err:
            failures.append(err)
            appended.set()

    def second() -> None:
        try:
            appended.wait(30)
            with transaction(db) as session:
                seqs["second"] = record(session, OFFICER, "subject.read", "subject", "b").seq
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert seqs == {"first": 2, "second": 3}
    assert check(db) == (None, None)


def _row(db: Engine, seq: int) -> dict[str, Any]:
    with reading(db) as session:
        row = session.execute(
            text(
                "SELECT seq, format, at, actor, actor_role, action, object_kind, object_id, "
                "detail, prev_hash, hash FROM security_audit_events WHERE seq = :seq"
            ).columns(at=UtcDateTime(), detail=JSON()),
            {"seq": seq},
        ).one()
    return dict(row._mapping)
