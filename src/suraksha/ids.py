"""Stable identifiers derived from the data, so that re-ingesting the same input is a no-op.

An id is a short prefix naming the record kind plus a digest of the record's natural key under that
namespace (in the manner of followthemoney's `make_entity_id`). The same natural key always gives the
same id, on every machine and in every run; different kinds never collide because the kind is hashed in.
"""

from __future__ import annotations

import hashlib

# 20 hex digits = 80 bits: collision odds stay negligible at national scale (10^8 records).
_DIGEST_HEX = 20


def make_id(kind: str, *parts: str | int | None) -> str:
    """Return `kind-<digest>` for a natural key; `None` parts are hashed as empty, in position."""
    hasher = hashlib.sha256(kind.encode("utf-8"))
    for part in parts:
        text = "" if part is None else str(part)
        # Length-prefix each part so that ("ab", "c") and ("a", "bc") differ.
        hasher.update(f"\x1f{len(text)}:".encode())
        hasher.update(text.encode("utf-8"))
    return f"{kind}-{hasher.hexdigest()[:_DIGEST_HEX]}"


def content_digest(data: bytes) -> str:
    """SHA-256 hex of a document's bytes: the identity of a raw input for idempotency."""
    return hashlib.sha256(data).hexdigest()
