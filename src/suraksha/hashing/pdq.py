"""PDQ perceptual hashes with one canonical, versioned preprocessing for banked and scanned images.

A PDQ hash only means something next to the preprocessing that produced it: a bank hashed one way
and a seized device scanned another drift apart by several bits before any edit is made. So every
image Suraksha hashes, whether it goes into a bank or is looked up against one, goes through
`canonicalize` (see `PREPROCESSING_VERSION` and docs/hashing.md), and the version is recorded with
the hash so a later change of the steps can be told apart.

The canonical image is small (at most 512 px), but its hash is meant to stay close to the hash
other tools compute on the whole image (ThreatExchange, banks hashed at full resolution): PDQ's box
windows and sample positions depend on the size of the image it is given, so the canonical image
records the size it was made from and PDQ samples it as it would sample the source.

    path ──load_canonical──► canonical RGB image, source size ──► pdq_of_image / dihedral_hashes
                                                                   ──► PdqHash
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.JpegImagePlugin import JpegImageFile

from suraksha.errors import FormatError, HostileInputError

PREPROCESSING_VERSION = "pdq-canon-3"
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
_Floats = np.ndarray[Any, np.dtype[np.float32]]
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error)
_SOURCE_KEY = "suraksha.pdq.source"  # where a canonical image keeps its `_Source`, in `info`


@dataclass(frozen=True, slots=True)
class _Source:
    """What a canonical image was made from: `size`, the source's width and height after EXIF
    orientation; `span`, the source pixels its pixels stand for along each side (more than `size`
    when a JPEG decoded at 1/d scale had sides that are not multiples of d, whose last decoded
    pixels stand for fewer real ones); `canonical`, the canonical image's own size.

    Kept in the image's `info` so that every path that hashes it (a bank's `pdq_of_file`, a scan's
    `load_canonical` then `dihedral_hashes`) samples it alike. Pillow copies `info` through
    resizes, crops and turns, so the record is believed only while the image keeps `canonical` as
    its size; a file's metadata cannot forge it (Pillow reads it as text, never as this class).
    """

    size: tuple[int, int]
    span: tuple[int, int]
    canonical: tuple[int, int]


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
       scale that keeps the longer side at least `MAX_SIDE` (no-op once loaded);
    2. EXIF orientation applied (so a photo hashes as it is shown), tag removed;
    3. first frame, converted to RGB by Pillow's `convert("RGB")` (alpha is dropped, not blended);
    4. if the longer side exceeds `MAX_SIDE`, resized with `RESAMPLING` so that side is exactly
       `MAX_SIDE` and the other is `round(side × MAX_SIDE / longer)` (at least 1); never enlarged;
    5. the source's size (after orientation, and the span its decoded pixels cover) recorded in
       the canonical image's `info`. PDQ is then computed with the box windows and sample
       positions it uses on the source, each source pixel's weight carried by area onto the
       canonical pixels that cover it (`_sampler`); an image that is its own source gets plain PDQ.

    Why step 5 (new in pdq-canon-3): PDQ's box window is ⌈side / 128⌉ pixels of the image it is
    given, its samples sit on that image's pixel grid, and each pass of an even-width box moves
    them half a pixel. Plain PDQ on the 512 × 384 canonical form of a 1024 × 768 photo samples
    1.5 source pixels (a tenth of a cell) to the right of where PDQ on the photo samples, which
    put pdq-canon-2 hashes a median 6 bits, at most 12, from the full-resolution hash of the same
    file; the shift, and so the fix, depends on the source size (docs/hashing.md).

    The steps are idempotent: a canonical image is its own canonical form, source included. A JPEG
    opened but not yet loaded is put in draft mode in place (so that `pdq_of_image(Image.open(p))`
    equals `pdq_of_file(p)`); other images are left unchanged.
    """
    recorded = _recorded_source(image)
    width, height = image.size
    if isinstance(image, JpegImageFile):  # MPO (camera multi-picture JPEG) is a subclass
        # Pillow picks the scale from the smaller of the two ratios: asking for 1 pixel on the
        # shorter side makes the longer side decide. (pdq-canon-1 asked for MAX_SIDE on both,
        # so a 1024 × 768 photo was decoded whole and cost 2–3× more.)
        image.draft(None, (MAX_SIDE, 1) if width >= height else (1, MAX_SIDE))
    decoded = image.size
    # The draft scale d (1, 2, 4 or 8): each decoded pixel stands for d × d source pixels.
    scale = max(1, round(max(width, height) / max(decoded)))
    size, span = (width, height), (scale * decoded[0], scale * decoded[1])
    if recorded is not None:
        size, span = recorded.size, recorded.span
    oriented = ImageOps.exif_transpose(image)
    if oriented.size != decoded:  # turned a quarter: the source's sides swap too
        size, span = size[::-1], span[::-1]
    rgb = oriented if oriented.mode == "RGB" else oriented.convert("RGB")
    width, height = rgb.size
    longer = max(width, height)
    if longer > MAX_SIDE:
        rgb = rgb.resize(
            (
                max(1, (width * MAX_SIDE + longer // 2) // longer),
                max(1, (height * MAX_SIDE + longer // 2) // longer),
            ),
            RESAMPLING,
            reducing_gap=None,
        )
    elif rgb is image:  # never mark the caller's image (exif_transpose copies today)
        rgb = rgb.copy()
    rgb.info[_SOURCE_KEY] = _Source(size, span, rgb.size)
    return rgb


def load_canonical(path: Path) -> Image.Image | None:
    """Decode the image at `path` and return its canonical form, or None if it is not an image.

    "Not an image" means Pillow does not recognise it as one of `ACCEPTED_FORMATS`. Raises
    HostileInputError for an image declaring more than `MAX_IMAGE_PIXELS`, FormatError for a
    recognised image that cannot be decoded (truncated or corrupt). Only `MAX_IMAGE_PIXELS` and the
    draft scale bound the memory used: nothing larger is ever decoded.
    """
    with path.open("rb") as stream:
        return _load_canonical(stream, path)


def pdq_of_bytes(data: bytes, name: str = "image") -> PdqHash | None:
    """The canonical PDQ hash of an image file's bytes (read from a disk image, an archive or a
    network store), or None if they are not an image; raises as `load_canonical` does, naming
    the image `name`."""
    image = _load_canonical(io.BytesIO(data), Path(name))
    if image is None:
        return None
    coefficients, quality = _pdq(image)
    return PdqHash(_hex_of(coefficients), quality)


def _load_canonical(stream: BinaryIO, path: Path) -> Image.Image | None:
    with _bomb_guard(path):
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
    coefficients, quality = _pdq(canonicalize(image))
    return PdqHash(_hex_of(coefficients), quality)


def pdq_of_file(path: Path) -> PdqHash | None:
    """The PDQ hash of the image at `path`, or None if it is not an image (see `load_canonical`)."""
    image = load_canonical(path)
    if image is None:
        return None
    coefficients, quality = _pdq(image)
    return PdqHash(_hex_of(coefficients), quality)


def dihedral_hashes(image: Image.Image) -> list[PdqHash]:
    """The hashes of `image` and of its 7 rotations and flips, computed in one pass.

    Order (PDQ's own), as Pillow's `Image.Transpose` names the change that would give each:
    original, ROTATE_90, ROTATE_180, ROTATE_270 (counter-clockwise), FLIP_TOP_BOTTOM,
    FLIP_LEFT_RIGHT, TRANSPOSE, TRANSVERSE. Each is within a few bits of, not always equal to, the
    hash of the changed image. Matching a scanned image's 8 hashes against a bank finds rotated
    and mirrored copies, which a single hash misses.
    """
    coefficients, quality = _pdq(canonicalize(image))
    return [PdqHash(_hex_of(variant), quality) for variant in _dihedral(coefficients)]


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


def _recorded_source(image: Image.Image) -> _Source | None:
    """The source `canonicalize` recorded on `image`, if it still describes it."""
    found = image.info.get(_SOURCE_KEY)
    return found if isinstance(found, _Source) and found.canonical == image.size else None


def _pdq(canonical: Image.Image) -> tuple[_Floats, int]:
    """PDQ's DCT coefficients and quality of a canonical image, sampled as on its source."""
    pixels = np.ascontiguousarray(np.asarray(canonical, dtype=np.uint8))
    return _dct16(pixels, _recorded_source(canonical))


# The PDQ algorithm (Meta's pdqhashing.cpp, as the `pdqhash` package wraps it), in numpy. On an
# image that is its own source, same arithmetic and same results (tests compare hash and quality
# with `pdqhash` on generated images), ~6× faster: the reference filters every pixel, twice each
# way, with running box sums, then keeps 64 × 64 samples; here each of the 64 sample rows and
# columns is one weighted sum over the few pixels its two box passes reach, and luma is taken after
# the row sums. On a canonical image made smaller than its source, the weights are those of PDQ on
# the source, carried onto the canonical pixels (`_sampler`).
_DOWNSAMPLE = 64
_MIN_HASHABLE = 5  # pdqhashing.cpp MIN_HASHABLE_DIM: smaller images hash to zero, quality 0
_LUMA = (np.float32(0.299), np.float32(0.587), np.float32(0.114))
_DCT = np.array(
    [
        [math.sqrt(2 / 64) * math.cos(math.pi / 2 / 64 * (i + 1) * (2 * j + 1)) for j in range(64)]
        for i in range(16)
    ],
    dtype=np.float32,
)


@lru_cache(maxsize=1024)
def _sampler(
    size: int, source: int, span: int
) -> tuple[np.ndarray[Any, np.dtype[np.intp]], _Floats]:
    """Pixel indices and weights giving, for each of the 64 samples along a side of `size`
    canonical pixels, PDQ's value at that sample on the side of `source` pixels it was made from:
    two Jarosz box passes (pdqhashing.cpp `box1DFloat`, window ⌈source / 128⌉) then decimation.

    Canonical pixel i stands for source pixels [i × span / size, (i + 1) × span / size) (`span` ≥
    `source`, see `_Source`), as Pillow's box resize and the JPEG decoder's DCT scaling make it, so
    each source pixel's weight goes to the canonical pixels covering it, by length. The canonical
    pixel is not the source pixels' exact average (JPEG's scaled DCT is not a box), which is why
    hashes stay a few bits, not zero, from the source's. With `span == size` (an image that is its
    own source) these are PDQ's own weights, as pdq-canon-2 used them on every image.
    """
    full = (source + 2 * _DOWNSAMPLE - 1) // (2 * _DOWNSAMPLE)  # computeJaroszFilterWindowSize
    half = (full + 2) // 2  # a box centred (as PDQ centres it) on `at` averages [at - full + half,
    # at + half - 1], cut at the edges: an even window reaches one pixel further right than left
    rows: list[
        tuple[np.ndarray[Any, np.dtype[np.intp]], np.ndarray[Any, np.dtype[np.float64]]]
    ] = []
    for sample in range(_DOWNSAMPLE):
        at = int(((sample + 0.5) * source) / _DOWNSAMPLE)  # decimateFloat
        middles = np.arange(max(0, at - full + half), min(source - 1, at + half - 1) + 1)
        starts = np.maximum(0, middles - full + half)
        stops = np.minimum(source, middles + half)
        first, stop = int(starts[0]), int(stops[-1])
        pixels = np.arange(first, stop)
        inside = (pixels >= starts[:, None]) & (pixels < stops[:, None])
        weights = (inside / (len(middles) * (stops - starts))[:, None]).sum(axis=0)
        if span == size:
            rows.append((pixels, weights))
            continue
        # Canonical pixels from the one holding source position `first` to the one holding `stop`
        # (ceil, minus 1); their footprints, cut to [first, stop], take the weight under them.
        low, high = first * size // span, min(size - 1, -(-stop * size // span) - 1)
        bounds = np.clip(np.arange(low, high + 2) * span / size, first, stop)
        under = np.interp(
            bounds, np.arange(first, stop + 1), np.concatenate(([0.0], weights.cumsum()))
        )
        rows.append((np.arange(low, high + 1), np.diff(under)))
    width = max(len(reached) for reached, _ in rows)
    indices = np.zeros((_DOWNSAMPLE, width), dtype=np.intp)
    values = np.zeros((_DOWNSAMPLE, width), dtype=np.float32)
    for sample, (reached, weights) in enumerate(rows):
        indices[sample, : len(reached)] = reached
        values[sample, : len(reached)] = weights
    return indices, values


def _dct16(
    pixels: np.ndarray[Any, np.dtype[np.uint8]], source: _Source | None = None
) -> tuple[_Floats, int]:
    """PDQ's 16 × 16 DCT coefficients of an RGB image, and its quality (0–100), as PDQ computes
    them on `source` (by default the image itself)."""
    height, width, _ = pixels.shape
    if source is None:
        source = _Source((width, height), (width, height), (width, height))
    if min(source.size) < _MIN_HASHABLE:
        return np.zeros((16, 16), dtype=np.float32), 0
    row_at, row_weight = _sampler(height, source.size[1], source.span[1])
    column_at, column_weight = _sampler(width, source.size[0], source.span[0])
    rows = np.einsum("sk,skwc->swc", row_weight, pixels[row_at].astype(np.float32))
    luma = rows[:, :, 0] * _LUMA[0] + rows[:, :, 1] * _LUMA[1] + rows[:, :, 2] * _LUMA[2]
    samples = np.einsum("tk,stk->st", column_weight, luma[:, column_at])
    # computePDQImageDomainQualityMetric: truncated per-step gradients, summed, / 90, at most 100
    down = ((samples[:-1, :] - samples[1:, :]) * 100 / 255).astype(np.int32)
    across = ((samples[:, :-1] - samples[:, 1:]) * 100 / 255).astype(np.int32)
    quality = min(100, int(np.abs(down).sum() + np.abs(across).sum()) // 90)
    coefficients: _Floats = _DCT @ samples @ _DCT.T
    return coefficients, quality


def _dihedral(c: _Floats) -> list[_Floats]:
    """The coefficients of the 8 rotations and flips, in `dihedral_hashes` order: the DCT of a
    rotated or mirrored image is the original's, transposed and/or with alternating signs
    (pdqhashing.cpp `dct16OriginalTo…`)."""
    i, j = np.indices(c.shape)
    return [
        c,
        np.where(j & 1, c, -c).T,  # rotate 90
        np.where((i + j) & 1, -c, c),  # rotate 180
        np.where(i & 1, c, -c).T,  # rotate 270
        np.where(i & 1, c, -c),  # flip top-bottom
        np.where(j & 1, c, -c),  # flip left-right
        c.T,  # transpose
        np.where((i + j) & 1, -c, c).T,  # transverse
    ]


def _hex_of(coefficients: _Floats) -> str:
    """Bit k = i × 16 + j is set when coefficient (i, j) exceeds the median (the 128th smallest,
    as Torben's method gives it); written most significant bit first, as PDQ's hex is."""
    values = coefficients.ravel()
    median = np.partition(values, 127)[127]
    bits = (values > median).astype(np.uint8)
    return bytes(np.packbits(bits[::-1])).hex()


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
