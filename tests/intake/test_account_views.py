"""Account views read whole (`every_account_view`) equal those read by id (`account_views`)."""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter
from pathlib import Path

from sqlalchemy import Engine

from suraksha.intake.accounts import account_ids, account_views, every_account_view
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.records import AccountRole
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus

by_account = attrgetter("account_id")


def test_every_account_view_equals_views_by_id(db: Engine, tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", persons=40, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        for role in (AccountRole.REPORTED, AccountRole.INTENDED_RECIPIENT):
            ids = account_ids(session, role)
            whole = list(every_account_view(session, role))
            by_id = account_views(session, ids)
            assert [view.account_id for view in whole] == ids  # account order, each once
            assert sorted(whole, key=by_account) == sorted(by_id, key=by_account)
        # Without details: the same views, their JSON parts left empty.
        light = list(every_account_view(session, details=False))
        emptied = [
            replace(view, estimated_location={}, prior_reports=[], details={})
            for view in every_account_view(session)
        ]
        assert light == emptied
        # The corpus gives every part of a view somewhere, so the comparison covers them.
        reported = list(every_account_view(session))
        assert any(view.addresses for view in reported)
        assert any(view.details or view.estimated_location for view in reported)
        assert any(view.ip_events for view in reported)
        assert any(not view.ip_events and not view.addresses for view in reported)
