"""PDQ perceptual hashes with one canonical, versioned preprocessing for banked and scanned images.

A PDQ hash only means something next to the preprocessing that produced it: a bank hashed one way
and a seized device scanned another drift apart by several bits before any edit is made. So every
image Suraksha hashes, whether it goes into a bank or is looked up against one, goes through
`canonicalize` (see `PREPROCESSING_VERSION` and docs/hashing.md), and the version is recorded with
the hash so a later change of the steps can be told apart.

    path ──load_canonical──► canonical RGB image ──► pdq_of_image / dihedral_hashes ──► PdqHash
"""

from __future__ import annotations

import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdqhash  # type: ignore[import-untyped]  # no stubs; used only through the wrappers below
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

from suraksha.errors import FormatError, HostileInputError

PREPROCESSING_VERSION = "pdq-canon-1"
"""Names the exact steps of `canonicalize`; change it whenever any step or its parameters change."""

MAX_SIDE = 512
"""The canonical image's longer side is at most this many pixels (PDQ itself works on 64×64)."""

RESAMPLING = Image.Resampling.BOX
"""The filter of the canonical downscale: area averaging, the same family as PDQ's own Jarosz
box filter, and cheap."""

MAX_IMAGE_PIXELS = 200_000_000
"""Images declaring more pixels than this are refused as possible decompression bombs.

The largest phone sensors are 200 MP (16,320 × 12,240 = 199.7 million), so no camera picture is
refused. JPEGs that large are decoded at 1/8 scale (draft mode); other formats are decoded whole,
at most 600 MB as RGB.
"""

ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP")
"""Pillow formats decoded (JPEG includes camera MPO files). Others count as non-images: some are
rare, and EPS would make Pillow run Ghostscript on untrusted input."""

MATCH_THRESHOLD = 31
"""Hamming distance at or under which two PDQ hashes match (the ThreatExchange default)."""

MIN_QUALITY = 50
"""Hashes of lower quality (flat, featureless images) match too much to be used."""

_HEX = re.compile(r"[0-9a-fA-F]{64}")
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error)


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A 256-bit PDQ hash as 64 lower-case hex digits, with its quality (0–100).

    Quality measures how much gradient the image has; under `MIN_QUALITY` the hash is not
    distinctive enough to match on, which is why it travels with the hash.
    """

    hex: str
    quality: int

    def __post_init__(self) -> None:
        if not (_HEX.fullmatch(self.hex) and self.hex == self.hex.lower()):
            raise ValueError(f"a PDQ hash is 64 lower-case hex digits, not {self.hex!r}")
        if not 0 <= self.quality <= 100:
            raise ValueError(f"PDQ quality is 0–100, not {self.quality}")

    @property
    def usable(self) -> bool:
        """Whether the quality is high enough (at least `MIN_QUALITY`) to match on."""
        return self.quality >= MIN_QUALITY


def canonicalize(image: Image.Image) -> Image.Image:
    """The canonical form of a decoded image that PDQ is computed on (`PREPROCESSING_VERSION`).

    Steps, in order:
    1. JPEG/MPO not yet loaded: draft mode asks the decoder for the largest 1/2, 1/4 or 1/8 DCT
       scale that keeps both sides at least `MAX_SIDE` (no-op once loaded);
    2. EXIF orientation applied (so a photo hashes as it is shown), tag removed;
    3. first frame, converted to RGB by Pillow's `convert("RGB")` (alpha is dropped, not blended);
    4. if the longer side exceeds `MAX_SIDE`, resized with `RESAMPLING` so that side is exactly
       `MAX_SIDE` and the other is `round(side × MAX_SIDE / longer)` (at least 1); never enlarged.

    The steps are idempotent: a canonical image is its own canonical form. A JPEG opened but not
    yet loaded is put in draft mode in place (so that `pdq_of_image(Image.open(p))` equals
    `pdq_of_file(p)`); other images are left unchanged.
    """
    if isinstance(image, JpegImageFile):  # MPO (camera multi-picture JPEG) is a subclass
        image.draft(None, (MAX_SIDE, MAX_SIDE))
    oriented = ImageOps.exif_transpose(image)
    rgb = oriented if oriented.mode == "RGB" else oriented.convert("RGB")
    width, height = rgb.size
    longer = max(width, height)
    if longer <= MAX_SIDE:
        return rgb
    size = (
        max(1, (width * MAX_SIDE + longer // 2) // longer),
        max(1, (height * MAX_SIDE + longer // 2) // longer),
    )
    return rgb.resize(size, RESAMPLING, reducing_gap=None)


def load_canonical(path: Path) -> Image.Image | None:
    """Decode the image at `path` and return its canonical form, or None if it is not an image.

    "Not an image" means Pillow does not recognise it as one of `ACCEPTED_FORMATS`. Raises
    HostileInputError for an image declaring more than `MAX_IMAGE_PIXELS`, FormatError for a
    recognised image that cannot be decoded (truncated or corrupt). Only `MAX_IMAGE_PIXELS` and the
    draft scale bound the memory used: nothing larger is ever decoded.
    """
    with path.open("rb") as stream, _bomb_guard(path):
        try:
            image = Image.open(stream, formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError:
            return None
        except _DECODE_ERRORS as err:
            raise FormatError(f"{path.name} looks like an image but cannot be read: {err}") from err
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _bomb(path, f"it declares {width} × {height} pixels")
            try:
                return canonicalize(image)
            except _DECODE_ERRORS as err:
                raise FormatError(
                    f"{path.name} is a {image.format} image that cannot be decoded: {err}. It may "
                    "be truncated or carved from unallocated space."
                ) from err


def pdq_of_image(image: Image.Image) -> PdqHash:
    """The PDQ hash of `image` after `canonicalize`.

    The caller opened the image, so the caller answers for its size; files go through
    `pdq_of_file`, which refuses decompression bombs.
    """
    bits, quality = _compute(_pixels(canonicalize(image)))
    return PdqHash(_hex_of_bits(bits), quality)


def pdq_of_file(path: Path) -> PdqHash | None:
    """The PDQ hash of the image at `path`, or None if it is not an image (see `load_canonical`)."""
    image = load_canonical(path)
    if image is None:
        return None
    bits, quality = _compute(_pixels(image))
    return PdqHash(_hex_of_bits(bits), quality)


def dihedral_hashes(image: Image.Image) -> list[PdqHash]:
    """The hashes of `image` and of its 7 rotations and flips, computed in one pass.

    Order (PDQ's own), as Pillow's `Image.Transpose` names the change that would give each:
    original, ROTATE_90, ROTATE_180, ROTATE_270 (counter-clockwise), FLIP_TOP_BOTTOM,
    FLIP_LEFT_RIGHT, TRANSPOSE, TRANSVERSE. Each is within a few bits of, not always equal to, the
    hash of the changed image. Matching a scanned image's 8 hashes against a bank finds rotated
    and mirrored copies, which a single hash misses.
    """
    vectors, quality = pdqhash.compute_dihedral(_pixels(canonicalize(image)))
    return [PdqHash(_hex_of_bits(vector), int(quality)) for vector in vectors]


def hamming(a: PdqHash | str, b: PdqHash | str) -> int:
    """The number of bits in which two PDQ hashes (objects or 64-hex strings, any case) differ."""
    return (_as_int(a) ^ _as_int(b)).bit_count()


def is_match(a: PdqHash | str, b: PdqHash | str, threshold: int = MATCH_THRESHOLD) -> bool:
    """Whether two PDQ hashes are within `threshold` bits (inclusive) of each other."""
    return hamming(a, b) <= threshold


def _as_int(value: PdqHash | str) -> int:
    text = value.hex if isinstance(value, PdqHash) else value
    if not _HEX.fullmatch(text):
        raise ValueError(f"a PDQ hash is 64 hex digits, not {text!r}")
    return int(text, 16)


def _pixels(image: Image.Image) -> np.ndarray[Any, np.dtype[np.uint8]]:
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def _compute(pixels: np.ndarray[Any, np.dtype[np.uint8]]) -> tuple[Any, int]:
    bits, quality = pdqhash.compute(pixels)
    return bits, int(quality)


def _hex_of_bits(bits: Any) -> str:
    # pdqhash gives 256 bits most significant first, as PDQ's hex form writes them.
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


@contextmanager
def _bomb_guard(path: Path) -> Iterator[None]:
    # Pillow reads its limit from a module global that any library may change; set it for every
    # open so that nothing can loosen ours. Over the limit Pillow warns, over twice it raises:
    # both are refusals here. catch_warnings is process-wide and not thread-safe, which is why
    # load_canonical also checks the declared size itself.
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
            raise _bomb(path, str(err)) from err


def _bomb(path: Path, detail: str) -> HostileInputError:
    return HostileInputError(
        f"{path.name} was not hashed: {detail}, over the limit of {MAX_IMAGE_PIXELS:,} pixels. "
        "It may be a decompression bomb; check it by hand on an isolated machine."
    )
