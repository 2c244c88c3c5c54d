"""Generators of realistic synthetic tips, hash banks and benign data for demos, tests and benchmarks."""
