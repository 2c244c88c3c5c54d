"""security.sessions: only a token's hash is stored; idle and absolute expiry; locks end them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from suraksha.security.sessions import (
    ABSOLUTE,
    IDLE,
    PENDING,
    Stage,
    WebSession,
    close_session,
    close_sessions_of,
    csrf_token_of,
    find_session,
    open_session,
    purge_expired,
    token_hash,
)
from suraksha.security.users import add_user, lock_user
from suraksha.storage.session import transaction

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _count(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(WebSession)) or 0)


def test_a_session_lives_until_idle_or_absolute_expiry(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "asha.nair", "auditor", by="cli:test")
        opened = open_session(session, user.id, Stage.SIGNED_IN, address="10.0.0.7", at=T0)
        row = session.get(WebSession, opened.session_id)
        assert row is not None and row.token_hash == token_hash(opened.token)
        assert opened.token not in (row.token_hash, repr(row))
        assert len(opened.token) >= 43 and csrf_token_of(opened.token) != opened.token

        # Each request within the idle limit keeps it alive, up to the absolute limit.
        moment = T0
        while moment + IDLE - timedelta(minutes=1) < T0 + ABSOLUTE:
            moment += IDLE - timedelta(minutes=1)
            found = find_session(session, opened.token, at=moment)
            assert found is not None and found[1].name == "asha.nair"
        assert find_session(session, opened.token, at=T0 + ABSOLUTE) is None
        assert find_session(session, "not a token", at=T0) is None
        assert find_session(session, None) is None

        idle = open_session(session, user.id, Stage.SIGNED_IN, address=None, at=T0)
        assert find_session(session, idle.token, at=T0 + IDLE) is None

        pending = open_session(session, user.id, Stage.SECOND_FACTOR, address=None, at=T0)
        assert find_session(session, pending.token, at=T0 + PENDING - timedelta(seconds=1))
        assert find_session(session, pending.token, at=T0 + 2 * PENDING) is None
    assert _count(db) == 0


def test_signing_out_a_lock_and_purging_end_sessions(db: Engine) -> None:
    with transaction(db) as session:
        user = add_user(session, "asha.nair", "auditor", by="cli:test")
        first = open_session(session, user.id, Stage.SIGNED_IN, address=None)
        second = open_session(session, user.id, Stage.SIGNED_IN, address=None)
        old = open_session(session, user.id, Stage.SIGNED_IN, address=None, at=T0)
        assert first.token != second.token
        assert close_session(session, first.token) is True
        assert close_session(session, first.token) is False
        assert purge_expired(session) == 1  # `old` is past its absolute limit
        assert find_session(session, old.token) is None
        lock_user(session, user, by="cli:test")
        assert find_session(session, second.token) is None  # a locked account's sessions end
        open_session(session, user.id, Stage.SIGNED_IN, address=None)
        assert close_sessions_of(session, user.id) == 1
    assert _count(db) == 0
