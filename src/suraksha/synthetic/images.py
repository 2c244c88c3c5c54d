"""Benign generated images (shapes, gradients, stripes, text, noise) and transformed copies of them.

Nothing here depicts a person. Each scene is drawn from its seed alone, so the same seed gives the
same pixels and, with the same Pillow, the same file bytes. `write_images` lays out a set that tests
and benchmarks use to see how perceptual hashes survive ordinary edits:

    out/
      originals/000001.jpg                 the scene, JPEG quality 95
      copies/000001-jpeg_q30.jpg           one copy per transform, made from the decoded original
      manifest.json                        every file → its original and the transform applied
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from suraksha.errors import UserInputError

SCENE_SIZES = (
    (640, 480),
    (480, 640),
    (800, 600),
    (600, 600),
    (720, 405),
    (1024, 768),
    (1280, 960),
    (960, 1280),
)
"""Width × height of scenes; the larger ones exercise JPEG draft decoding in the PDQ path."""

ORIGINAL_QUALITY = 95
"""JPEG quality of originals and of copies whose transform does not set its own."""

MANIFEST_VERSION = 1

_WORDS = (
    "SURAKSHA", "TEST", "SAMPLE", "ALPHA", "DELTA", "OMEGA", "KILO", "SIGMA",
    "NORTH", "RIVER", "ORBIT", "PRISM", "42", "2024", "7B", "XY-9",
)  # fmt: skip
_ORIENTATION_TAG = 0x0112  # EXIF Orientation

Pixels = np.ndarray[Any, np.dtype[np.uint8]]


@dataclass(frozen=True, slots=True)
class Transform:
    """An edit that makes a copy of an original, and how the copy is saved.

    `exif_orientation`, when set, is written in the copy's EXIF: the pixels are stored turned and
    the tag tells a viewer (and the canonical PDQ preprocessing) to turn them back.
    """

    name: str
    description: str
    apply: Callable[[Image.Image], Image.Image]
    file_format: str = "JPEG"
    quality: int = ORIGINAL_QUALITY
    exif_orientation: int | None = None

    @property
    def extension(self) -> str:
        """File extension of copies made by this transform."""
        return {"JPEG": "jpg", "PNG": "png"}[self.file_format]


@dataclass(frozen=True, slots=True)
class ImageSetSummary:
    """What `write_images` wrote."""

    out: Path
    originals: int
    copies: int
    manifest: Path
    transforms: tuple[str, ...]


def scene(seed: int | str) -> Image.Image:
    """A deterministic benign RGB scene: a gradient, stripe or noise ground, shapes and text."""
    rng = random.Random(f"scene:{seed}")
    width, height = rng.choice(SCENE_SIZES)
    painter = rng.choice((_linear_gradient, _radial_gradient, _stripes, _value_noise))
    image = Image.fromarray(painter(rng, width, height), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 8)):
        _shape(rng, draw, width, height)
    if rng.random() < 0.5:
        patch_w, patch_h = (
            rng.randint(width // 6, width // 2),
            rng.randint(height // 6, height // 2),
        )
        patch = Image.fromarray(_stripes(rng, patch_w, patch_h), "RGB")
        image.paste(patch, (rng.randint(0, width - patch_w), rng.randint(0, height - patch_h)))
    for _ in range(rng.randint(1, 2)):
        size = max(12, int(height * rng.uniform(0.06, 0.14)))
        font = ImageFont.load_default(size)
        position = (rng.randint(0, width * 2 // 3), rng.randint(0, height - size - 4))
        draw.text(position, " ".join(rng.sample(_WORDS, 2)), fill=_colour(rng), font=font)
    return image


def _resize(scale: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return image.resize(size, Image.Resampling.BICUBIC)

    return apply


def _crop(fraction: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        dx, dy = round(image.width * fraction / 2), round(image.height * fraction / 2)
        return image.crop((dx, dy, image.width - dx, image.height - dy))

    return apply


def _border(fraction: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        pad = round(max(image.size) * fraction)
        framed = Image.new("RGB", (image.width + 2 * pad, image.height + 2 * pad), (0, 0, 0))
        framed.paste(image, (pad, pad))
        return framed

    return apply


def _rotate(degrees: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        return image.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=(0, 0, 0))

    return apply


def _transpose(method: Image.Transpose) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        return image.transpose(method)

    return apply


def _watermark(image: Image.Image) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    text = "© SAMPLE NEWS 2024"
    size = max(12, image.height // 12)
    font = ImageFont.load_default(size)
    left, top, right, bottom = ImageDraw.Draw(overlay).textbbox((0, 0), text, font=font)
    if right - left > image.width * 0.6:  # narrow (portrait) images: keep the caption inside
        size = max(8, int(size * image.width * 0.6 / (right - left)))
        font = ImageFont.load_default(size)
        left, top, right, bottom = ImageDraw.Draw(overlay).textbbox((0, 0), text, font=font)
    position = (image.width - (right - left) - size // 2, image.height - (bottom - top) - size)
    ImageDraw.Draw(overlay).text(position, text, fill=(255, 255, 255, 170), font=font)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _grayscale(image: Image.Image) -> Image.Image:
    return image.convert("L").convert("RGB")


def _identity(image: Image.Image) -> Image.Image:
    return image.copy()


TRANSFORMS: tuple[Transform, ...] = (
    Transform("png", "the same pixels saved as lossless PNG", _identity, file_format="PNG"),
    Transform("jpeg_q70", "re-encoded as JPEG quality 70", _identity, quality=70),
    Transform("jpeg_q30", "re-encoded as JPEG quality 30", _identity, quality=30),
    Transform("resize_50", "scaled to 50% (bicubic)", _resize(0.5)),
    Transform("resize_25", "scaled to 25% (bicubic), a thumbnail", _resize(0.25)),
    Transform("resize_150", "scaled to 150% (bicubic)", _resize(1.5)),
    Transform("grayscale", "converted to grey", _grayscale),
    Transform("crop_10", "central crop keeping 90% of width and height", _crop(0.10)),
    Transform("crop_20", "central crop keeping 80% of width and height", _crop(0.20)),
    Transform("border_5", "black border of 5% of the longer side on every edge", _border(0.05)),
    Transform("rotate_2", "rotated 2° counter-clockwise, corners black", _rotate(2)),
    Transform("rotate_5", "rotated 5° counter-clockwise, corners black", _rotate(5)),
    Transform("rotate_90", "rotated 90° counter-clockwise", _transpose(Image.Transpose.ROTATE_90)),
    Transform("rotate_180", "rotated 180°", _transpose(Image.Transpose.ROTATE_180)),
    Transform(
        "rotate_270", "rotated 270° counter-clockwise", _transpose(Image.Transpose.ROTATE_270)
    ),
    Transform("flip_h", "mirrored left–right", _transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
    Transform("flip_v", "flipped top–bottom", _transpose(Image.Transpose.FLIP_TOP_BOTTOM)),
    Transform("watermark", "semi-transparent caption in the lower right", _watermark),
    Transform(
        "exif_orientation",
        "pixels stored turned 90° counter-clockwise, EXIF Orientation 6 says to turn them back",
        _transpose(Image.Transpose.ROTATE_90),
        exif_orientation=6,
    ),
)
"""Every transform `write_images` applies, in order; names are unique."""


def transformed(image: Image.Image, transform: Transform) -> Image.Image:
    """A copy of `image` (RGB) with `transform` applied; `image` is left unchanged."""
    return transform.apply(image.convert("RGB"))


def write_images(out: Path, *, count: int, seed: int) -> ImageSetSummary:
    """Write `count` original scenes, one copy of each per transform, and `manifest.json`.

    `out` must be missing or empty, so that a set is never mixed with a stale one. The manifest
    maps every written file (relative to `out`, `/`-separated) to its original and the transform
    (`original` for the originals themselves).
    """
    if count < 1:
        raise UserInputError(f"Give a positive number of images, not {count}.")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserInputError(f"{out} is not an empty directory. Give a new directory to write to.")
    (out / "originals").mkdir(parents=True, exist_ok=True)
    (out / "copies").mkdir(exist_ok=True)
    files: dict[str, dict[str, str]] = {}
    for index in range(1, count + 1):
        original = f"originals/{index:06d}.jpg"
        scene(f"{seed}:{index}").save(out / original, "JPEG", quality=ORIGINAL_QUALITY)
        files[original] = {"original": original, "transform": "original"}
        with Image.open(out / original) as decoded:
            decoded.load()
            for transform in TRANSFORMS:
                name = f"copies/{index:06d}-{transform.name}.{transform.extension}"
                _save(transformed(decoded, transform), out / name, transform)
                files[name] = {"original": original, "transform": transform.name}
    manifest = out / "manifest.json"
    document: dict[str, Any] = {
        "generator": __name__,
        "version": MANIFEST_VERSION,
        "seed": seed,
        "count": count,
        "transforms": {transform.name: transform.description for transform in TRANSFORMS},
        "files": files,
    }
    manifest.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return ImageSetSummary(
        out=out,
        originals=count,
        copies=count * len(TRANSFORMS),
        manifest=manifest,
        transforms=tuple(transform.name for transform in TRANSFORMS),
    )


def _save(image: Image.Image, path: Path, transform: Transform) -> None:
    options: dict[str, Any] = {}
    if transform.file_format == "JPEG":
        options["quality"] = transform.quality
    if transform.exif_orientation is not None:
        exif = Image.Exif()
        exif[_ORIENTATION_TAG] = transform.exif_orientation
        options["exif"] = exif
    image.save(path, transform.file_format, **options)


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _blend(
    weight: np.ndarray[Any, np.dtype[np.float64]], a: tuple[int, ...], b: tuple[int, ...]
) -> Pixels:
    """Per-pixel mix of two colours by `weight` in [0, 1]."""
    first = np.array(a, dtype=np.float64)
    second = np.array(b, dtype=np.float64)
    mixed = first + weight[..., None] * (second - first)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def _grid(width: int, height: int) -> tuple[np.ndarray[Any, np.dtype[np.float64]], ...]:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    return xs / max(1, width - 1), ys / max(1, height - 1)


def _linear_gradient(rng: random.Random, width: int, height: int) -> Pixels:
    xs, ys = _grid(width, height)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = xs * math.cos(angle) + ys * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(1e-9, float(ramp.max() - ramp.min()))
    return _blend(ramp, _colour(rng), _colour(rng))


def _radial_gradient(rng: random.Random, width: int, height: int) -> Pixels:
    xs, ys = _grid(width, height)
    cx, cy = rng.uniform(0, 1), rng.uniform(0, 1)
    distance = np.hypot(xs - cx, ys - cy)
    return _blend(distance / float(distance.max()), _colour(rng), _colour(rng))


def _stripes(rng: random.Random, width: int, height: int) -> Pixels:
    xs, ys = _grid(width, height)
    angle = rng.uniform(0, math.pi)
    periods = rng.uniform(2, 9)
    phase = rng.uniform(0, 2 * math.pi)
    wave = np.sin((xs * math.cos(angle) + ys * math.sin(angle)) * 2 * math.pi * periods + phase)
    return _blend((wave + 1) / 2, _colour(rng), _colour(rng))


def _value_noise(rng: random.Random, width: int, height: int) -> Pixels:
    # Octaves of random grids enlarged bicubically: a cloudy texture whose coarse structure, the
    # part PDQ sees, differs from seed to seed.
    total = np.zeros((height, width), dtype=np.float64)
    for cells, weight in ((3, 1.0), (6, 0.5), (12, 0.25), (24, 0.125)):
        grid = Image.frombytes("L", (cells, cells), rng.randbytes(cells * cells))
        total += weight * np.asarray(grid.resize((width, height), Image.Resampling.BICUBIC))
    total = (total - total.min()) / max(1e-9, float(total.max() - total.min()))
    return _blend(total, _colour(rng), _colour(rng))


def _shape(rng: random.Random, draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    w = rng.randint(width // 10, width // 2)
    h = rng.randint(height // 10, height // 2)
    x, y = rng.randint(-w // 4, width - w * 3 // 4), rng.randint(-h // 4, height - h * 3 // 4)
    box = (x, y, x + w, y + h)
    outline = _colour(rng) if rng.random() < 0.5 else None
    kind = rng.choice(("rectangle", "ellipse", "polygon", "line"))
    if kind == "rectangle":
        draw.rectangle(box, fill=_colour(rng), outline=outline, width=rng.randint(1, 8))
    elif kind == "ellipse":
        draw.ellipse(box, fill=_colour(rng), outline=outline, width=rng.randint(1, 8))
    elif kind == "polygon":
        points = [(rng.randint(x, x + w), rng.randint(y, y + h)) for _ in range(rng.randint(3, 6))]
        draw.polygon(points, fill=_colour(rng), outline=outline)
    else:
        draw.line(
            [(x, y), (x + w, y + h)], fill=_colour(rng), width=max(2, min(width, height) // 40)
        )
