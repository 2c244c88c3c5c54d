"""Benchmarks of the triage domain."""
