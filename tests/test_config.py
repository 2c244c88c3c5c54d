"""Settings come from the environment; an unusable workspace is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from suraksha.config import Settings
from suraksha.errors import ConfigurationError


def test_defaults_put_sqlite_in_the_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.home == tmp_path / "suraksha-data"
    assert settings.database_url == f"sqlite:///{tmp_path / 'suraksha-data' / 'suraksha.sqlite3'}"
    assert settings.is_sqlite


def test_database_url_overrides_and_password_is_hidden() -> None:
    settings = Settings.from_env(
        {"SURAKSHA_HOME": "/srv/s", "SURAKSHA_DATABASE_URL": "postgresql://cpu:secret@db/suraksha"}
    )
    assert settings.home == Path("/srv/s")
    assert not settings.is_sqlite
    assert "secret" not in settings.redacted_database_url()
    assert settings.redacted_database_url() == "postgresql://cpu:***@db/suraksha"


def test_home_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigurationError, match=r"not writable.*SURAKSHA_HOME"):
        Settings(home=blocker / "home", database_url="sqlite://").ensure_home()
