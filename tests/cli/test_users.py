"""`suraksha users` and `suraksha audit` as an administrator and an auditor run them."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from suraksha.config import Settings
from tests.commands import ok, suraksha

PASSWORD = "monsoon ferry tamarind"  # noqa: S105 (a synthetic account's)


@pytest.mark.slow
def test_an_admin_sets_up_accounts_and_the_log_shows_it(settings: Settings) -> None:
    ok(suraksha(settings, "init"))
    out = ok(
        suraksha(
            settings,
            "users",
            "add",
            "root",
            "--role",
            "admin",
            "--password-stdin",
            input=f"{PASSWORD}\n",
        )
    )
    assert "User root added as admin." in out
    assert "suraksha users totp root" in out
    added = suraksha(settings, "users", "add", "asha.nair", "--role", "district_officer", "--state", "KL", "--district", "Kochi", "--password-stdin", input=f"{PASSWORD}\n")  # fmt: skip
    assert "district ERNAKULAM, KERALA (also called Kochi)" in ok(added)

    no_terminal = suraksha(settings, "users", "add", "ravi", "--role", "auditor")
    assert no_terminal.returncode == 1 and "--password-stdin" in no_terminal.stderr
    enrol = suraksha(settings, "users", "totp", "root")
    uri = ok(enrol).strip()
    assert uri.startswith("otpauth://totp/Suraksha:root?secret=") and "Shown once" in enrol.stderr
    again = suraksha(settings, "users", "totp", "root")
    assert again.returncode == 1 and "--replace" in again.stderr

    ok(suraksha(settings, "users", "lock", "asha.nair", "--reason", "Transferred to Thrissur"))
    listing = ok(suraksha(settings, "users", "list"))
    assert "asha.nair" in listing and "locked" in listing and "issued, not yet used" in listing
    secret = uri.split("secret=")[1].split("&")[0]
    assert secret not in listing

    log = ok(suraksha(settings, "audit", "list", "--limit", "10"))
    for action in ("user.add", "user.totp_enrol", "user.lock"):
        assert action in log
    assert "Transferred to Thrissur" in log and secret not in log and PASSWORD not in log
    verified = ok(suraksha(settings, "audit", "verify"))
    assert "Audit chain intact: 4 events." in verified
    anchor = verified.split("outside the database): ")[1].split()[0]
    assert anchor.startswith("4:")
    assert "passes through the anchor" in ok(
        suraksha(settings, "audit", "verify", "--anchor", anchor)
    )


@pytest.mark.slow
def test_audit_verify_exits_2_at_the_first_edited_event(settings: Settings) -> None:
    ok(suraksha(settings, "init"))
    assert "empty" in ok(suraksha(settings, "audit", "verify"))
    ok(
        suraksha(settings, "users", "add", "audit", "--role", "auditor", "--password-stdin", input=f"{PASSWORD}\n")
    )  # fmt: skip
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE security_audit_events SET object_id = '99' WHERE seq = 1")
            )
    finally:
        engine.dispose()
    broken = suraksha(settings, "audit", "verify")
    assert broken.returncode == 2
    assert "Audit chain broken at event 1: event 1 does not match its hash: edited" in broken.stderr
    bad_anchor = suraksha(settings, "audit", "verify", "--anchor", "seven")
    assert bad_anchor.returncode == 1 and "SEQ:HASH" in bad_anchor.stderr
