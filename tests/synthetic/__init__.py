"""Tests of the synthetic data generators."""
