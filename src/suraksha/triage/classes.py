"""The class of a scanned file, from its type and its bank matches: what the examiner looks at first.

In order of precedence (the first that applies):

    known      an exact digest (MD5, SHA-1, SHA-256) in a `known` or `viral` bank
    near       a PDQ match (within the bank's threshold, any rotation or flip), or a video whose
               frames match (vPDQ), in such a bank
    ignorable  an exact digest in an `ignorable` bank (NSRL and the like)
    new-media  an image or video that matches nothing: the never-seen queue, possibly ongoing
               abuse, for victim identification
    other      everything else

Known wins over ignorable: a file in both is evidence before it is noise. A PDQ match against an
ignorable bank is kept with the file's matches but does not make it ignorable: "looks like a
known-good picture" is not "is one".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from suraksha.hashing.matcher import MatchView


class FileClass(StrEnum):
    """A scanned file's class (see the module docstring)."""

    KNOWN = "known"
    NEAR = "near"
    IGNORABLE = "ignorable"
    NEW_MEDIA = "new-media"
    OTHER = "other"


_EVIDENCE_BANKS = frozenset({"known", "viral"})


def classify(media: str | None, matches: Iterable[MatchView]) -> FileClass:
    """The class of a file whose type is `media` (`image`, `video` or None) given its matches."""
    exact_evidence = near_evidence = exact_ignorable = False
    for match in matches:
        exact = match.exact
        if match.bank_kind in _EVIDENCE_BANKS:
            exact_evidence |= exact
            near_evidence |= not exact
        elif match.bank_kind == "ignorable":
            exact_ignorable |= exact
    if exact_evidence:
        return FileClass.KNOWN
    if near_evidence:
        return FileClass.NEAR
    if exact_ignorable:
        return FileClass.IGNORABLE
    if media in ("image", "video"):
        return FileClass.NEW_MEDIA
    return FileClass.OTHER
