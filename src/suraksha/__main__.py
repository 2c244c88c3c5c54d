"""`python -m suraksha` runs the command line."""

from suraksha.cli.main import run

run()
