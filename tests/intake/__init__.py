"""Tests of `suraksha.intake`."""
