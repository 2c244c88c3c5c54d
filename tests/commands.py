"""Running `python -m suraksha` as a real process on a test workspace, as an analyst would."""

from __future__ import annotations

import os
import subprocess
import sys

from suraksha.config import Settings


def suraksha(
    settings: Settings, *args: str, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line with `args` on the workspace and database of `settings`, with `input`
    as standard input when given (`--password-stdin`)."""
    env = {
        **os.environ,
        "SURAKSHA_HOME": str(settings.home),
        "SURAKSHA_DATABASE_URL": settings.database_url,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "suraksha", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a run that must have succeeded (its output is shown when it did not)."""
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
