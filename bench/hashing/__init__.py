"""Benchmarks of the hashing domain."""
