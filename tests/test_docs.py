"""Documentation guards: every command has help with an example, docs/cli.md is current, and every
setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import suraksha.config
from suraksha.cli.main import app
from suraksha.cli.reference import command_paths, render

REPO = Path(__file__).parent.parent
COMMANDS = [path for path in command_paths(app) if path]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="suraksha")
    assert result.exit_code == 0
    is_group = (
        bool(getattr(app, "registered_groups", None))
        and any(group.name == path[0] for group in app.registered_groups)
        and len(path) == 1
    )
    if not is_group:
        assert "Example:" in result.output, f"`suraksha {' '.join(path)} --help` has no example"


def test_cli_reference_is_current() -> None:
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == render(app), "docs/cli.md is stale: run scripts/docs"


def test_every_setting_is_documented() -> None:
    source = Path(suraksha.config.__file__).read_text(encoding="utf-8")
    settings = set(re.findall(r"SURAKSHA_[A-Z_]+", source))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings == {
        "SURAKSHA_HOME",
        "SURAKSHA_DATABASE_URL",
        "SURAKSHA_PRIORITY_WEIGHTS",
        "SURAKSHA_GEOIP_DB",
        "SURAKSHA_STATIONS",
        "SURAKSHA_COOKIE_SECURE",
        "SURAKSHA_SECRET_KEY",
    }
    assert all(f"`{name}`" in readme for name in settings)


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["scripts/demo", "scripts/test"]
    assert "scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
