"""Suraksha: from tipline reports and seized-device hashes to explained, routed subjects."""

__version__ = "0.1.0"
