"""Tests of the tip formats in `suraksha.intake.formats`."""
