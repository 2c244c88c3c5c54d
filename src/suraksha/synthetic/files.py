"""The synthetic file catalogue: hashes of random bytes standing in for reported files.

No media exist: each file is 64 random bytes whose MD5 and SHA-1 play the part of a reported file's
digests. Files come from pools that shape how hashes recur across reports:

    viral        a few files that many unrelated persons forward (a hash shared is not a link)
    circulating  older material that turns up now and then across the corpus
    group        each group's own set, passed around among its members
    stash        a person's own files, re-uploaded across his accounts and reports
    fresh        seen once

About 60% of distinct files are "known" (already in a hash bank) and go to `known-hashes.md5`.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

CLASSIFICATIONS = ("A1", "A2", "B1", "B2")

_KNOWN_SHARE = {"viral": 0.9, "circulating": 0.8, "group": 0.6, "stash": 0.58, "fresh": 0.58}


@dataclass(frozen=True, slots=True)
class FileItem:
    """One distinct synthetic file."""

    serial: int
    md5: str
    sha1: str
    video: bool
    pool: str  # viral | circulating | group | stash | fresh
    known: bool
    classification: str  # the industry category a platform would give it on review
    size: int

    @property
    def extension(self) -> str:
        """File extension for its names."""
        return "mp4" if self.video else "jpg"

    @property
    def bank_name(self) -> str:
        """The name under which a hash bank lists it."""
        return f"bank/{self.serial:06d}.{self.extension}"


@dataclass(slots=True)
class FileCatalogue:
    """Every distinct file, created on demand in a fixed order so the corpus is deterministic."""

    rng: random.Random
    items: list[FileItem]

    @classmethod
    def empty(cls, rng: random.Random) -> FileCatalogue:
        """A catalogue with nothing in it yet."""
        return cls(rng=rng, items=[])

    def new(self, pool: str) -> FileItem:
        """Create one file in the named pool."""
        data = self.rng.randbytes(64)
        video = self.rng.random() < 0.2
        item = FileItem(
            serial=len(self.items) + 1,
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            video=video,
            pool=pool,
            known=self.rng.random() < _KNOWN_SHARE[pool],
            classification=self.rng.choices(CLASSIFICATIONS, weights=(4, 3, 2, 2))[0],
            size=self.rng.randint(2_000_000, 60_000_000)
            if video
            else self.rng.randint(40_000, 900_000),
        )
        self.items.append(item)
        return item

    def batch(self, pool: str, count: int) -> tuple[FileItem, ...]:
        """Create `count` files in one pool."""
        return tuple(self.new(pool) for _ in range(count))


def original_name(rng: random.Random, item: FileItem, platform_key: str, stamp: str) -> str:
    """The name the file had on the user's phone; `stamp` is "YYYYMMDDhhmmss" of the upload.

    The same file carries different names in different reports (WhatsApp renames by date), so a
    name is never evidence that two files are the same.
    """
    day, clock = stamp[:8], stamp[8:]
    ext = item.extension
    kind = "VID" if item.video else "IMG"
    choices = [
        f"{kind}-{day}-WA{rng.randint(0, 199):04d}.{ext}",
        f"{kind}_{day}_{clock}.{ext}",
        f"{'video' if item.video else 'photo'}_{day[:4]}-{day[4:6]}-{day[6:]}_"
        f"{clock[:2]}-{clock[2:4]}-{clock[4:]}.{ext}",
        f"received_{rng.randint(10**14, 10**15 - 1)}.{'mp4' if item.video else 'jpeg'}",
        f"Snapchat-{rng.randint(10**8, 10**9 - 1)}.{ext}",
        f"download ({rng.randint(1, 40)}).{ext}",
    ]
    if platform_key == "whatsapp":
        return choices[0]
    if platform_key == "telegram":
        return choices[2]
    return rng.choice(choices)
