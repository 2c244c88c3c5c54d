"""Tipline intake: formats produce records, the pipeline alone persists them."""
