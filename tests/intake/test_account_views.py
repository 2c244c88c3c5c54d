"""Account values read whole (`every_account_values`) equal those of the views read by id
(`account_views`), in account order, for each role."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from suraksha.intake.accounts import (
    account_ids,
    account_views,
    every_account_values,
    values_of_view,
)
from suraksha.intake.pipeline import ingest, plan
from suraksha.intake.records import AccountRole
from suraksha.storage.session import transaction
from suraksha.synthetic.tips import write_corpus

KINDS = ("name", "date_of_birth", "phone", "email", "screen_name")


def test_every_account_values_equal_those_of_the_views_by_id(db: Engine, tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", persons=40, seed=3)
    ingest(db, plan([tmp_path / "corpus"]))
    with transaction(db) as session:
        for role in (AccountRole.REPORTED, AccountRole.INTENDED_RECIPIENT):
            ids = account_ids(session, role)
            whole = list(every_account_values(session, KINDS, role))
            assert [values.account_id for values in whole] == ids  # account order, each once
            views = {view.account_id: view for view in account_views(session, ids)}
            assert whole == [values_of_view(views[account], KINDS) for account in ids]
        # The corpus gives every part somewhere, so the comparison covers them.
        reported = list(every_account_values(session, KINDS))
        assert any(values.places for values in reported)
        assert any(values.ip_addresses for values in reported)
        assert {kind for values in reported for kind, _ in values.identifiers} == set(KINDS)
        assert any(not values.ip_addresses and not values.places for values in reported)
