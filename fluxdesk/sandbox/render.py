"""Procedural stand-in images for the offline sandbox, and the hostile files its faults serve.

Every picture is a pure function of (seed, prompt, width, height, format): the same inputs
give the same bytes, which is what lets tests and designers check that a stored seed really
reproduces an image. Speed matters more than beauty (a 1536×1536 PNG must render and encode
in well under 150 ms), so all pixel work is done by Pillow's C operations: the soft
background is painted at a quarter of the size and scaled up (blur for free), and only the
crisp shapes and the caption are drawn at full size. Nothing here loops over pixels.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import math
import random
import struct
import zlib

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from fluxdesk.core.params import OutputFormat

RGB = tuple[int, int, int]

# PNG: level 1 is several times faster than the default 6 and these smooth images still
# compress well; the sandbox runs on loopback, so size hardly matters.
PNG_COMPRESS_LEVEL = 1
JPEG_QUALITY = 90
# The soft layers are painted this many times smaller than the output, then upscaled.
_SOFT_SCALE = 4


def render_image(
    *,
    seed: int,
    prompt: str,
    width: int,
    height: int,
    fmt: OutputFormat,
    blank: bool = False,
    index: int = 0,
) -> bytes:
    """Encode a deterministic picture of exactly ``width``×``height`` in ``fmt``: image
    ``index`` (from 0) of the batch made with ``seed``.

    ``blank`` gives a black frame, which is what the real service returns for an image
    its safety checker flagged.
    """
    if blank:
        image = Image.new("RGB", (width, height), (0, 0, 0))
    else:
        image = paint(seed=seed, prompt=prompt, width=width, height=height, index=index)
    return encode(image, fmt)


def encode(image: Image.Image, fmt: OutputFormat) -> bytes:
    buffer = io.BytesIO()
    if fmt is OutputFormat.PNG:
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def paint(*, seed: int, prompt: str, width: int, height: int, index: int = 0) -> Image.Image:
    # A seeded Random drawn only through random() keeps the picture stable across Python
    # versions (randrange's algorithm has changed before; random() has not). The API
    # returns one seed per batch, so a batch's later images come from (seed, index), not
    # from seed + index: the sandbox must not suggest they can be had on their own.
    key = f"{seed}\x00{prompt}" if index == 0 else f"{seed}\x00{index}\x00{prompt}"
    digest = hashlib.sha256(key.encode()).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    palette = _palette(rng)

    small = (max(8, width // _SOFT_SCALE), max(8, height // _SOFT_SCALE))
    soft = _background(rng, palette, small)
    _glows(rng, palette, soft)
    image = soft.resize((width, height), Image.Resampling.BICUBIC)

    if rng.random() < 0.5:
        _landscape(rng, palette, image)
    else:
        _orbs(rng, palette, image)
    _caption(image, seed, index)
    return _grain(rng, image)


# Rows of grain per strip: a multiple of 4, so the strips' random bytes are exactly the
# bytes one call for the whole image would give (getrandbits fills 32-bit words in order).
_GRAIN_ROWS = 128


def _grain(rng: random.Random, image: Image.Image) -> Image.Image:
    """Film grain, as photographs have: it gives the files a realistic size (a 1536² PNG
    of ~3 MB, not ~200 kB), which the download and GUI benchmarks depend on.

    Done in strips: randbytes, merge and add hold the GIL for their whole call, and four
    sandbox threads doing that on whole 1536² images starved the in-process GUI thread
    for 50–170 ms at a time. Strips keep each call around a millisecond; same bytes.
    """
    width, height = image.size
    out = Image.new("RGB", image.size)
    for top in range(0, height, _GRAIN_ROWS):
        box = (0, top, width, min(height, top + _GRAIN_ROWS))
        rows = box[3] - top
        noise = Image.frombytes("L", (width, rows), rng.randbytes(width * rows))
        noise = noise.point(_GRAIN_LUT)
        out.paste(ImageChops.add(image.crop(box), Image.merge("RGB", (noise, noise, noise))), box)
    return out


_GRAIN_LUT = [v // 12 for v in range(256)]


def _palette(rng: random.Random) -> list[RGB]:
    """Five colours from one harmony (analogous, complementary or triadic), dark to light."""
    base = rng.random()
    offsets = [
        (0.0, 0.06, -0.06, 0.12, -0.12),
        (0.0, 0.5, 0.04, 0.54, -0.04),
        (0.0, 1 / 3, 2 / 3, 0.05, 0.38),
    ]
    scheme = offsets[int(rng.random() * len(offsets))]
    saturation = 0.35 + 0.45 * rng.random()
    colours: list[RGB] = []
    for i, offset in enumerate(scheme):
        value = 0.18 + 0.18 * i + 0.05 * rng.random()
        r, g, b = colorsys.hsv_to_rgb((base + offset) % 1.0, saturation, min(value, 0.98))
        colours.append((round(r * 255), round(g * 255), round(b * 255)))
    return colours


def _background(rng: random.Random, palette: list[RGB], size: tuple[int, int]) -> Image.Image:
    # Mixing a vertical and a horizontal ramp tilts the gradient by a seed-chosen angle.
    vertical = Image.linear_gradient("L")
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90)
    ramp = Image.blend(vertical, horizontal, rng.random() * 0.8)
    if rng.random() < 0.5:
        ramp = ImageOps.mirror(ramp)
    ramp = ramp.resize(size, Image.Resampling.BILINEAR)
    dark, mid, light = palette[0], palette[2], palette[4]
    if rng.random() < 0.5:
        dark, light = light, dark
    return ImageOps.colorize(ramp, black=dark, white=light, mid=mid).convert("RGB")


def _glows(rng: random.Random, palette: list[RGB], canvas: Image.Image) -> None:
    """Soft light blobs; cheap because the canvas is the quarter-size one."""
    w, h = canvas.size
    # radial_gradient grows from 0 in the centre to 181 at the middle of each edge (255 in
    # the corners), so a lookup table turns it into a glow that fades to nothing inside
    # its box; otherwise the box edges would show as rectangles.
    radial = Image.radial_gradient("L")
    for _ in range(3 + int(rng.random() * 4)):
        diameter = max(4, int(min(w, h) * (0.3 + 0.9 * rng.random())))
        strength = 0.25 + 0.45 * rng.random()
        falloff = [int(255 * strength * max(0.0, 1.0 - v / 181) ** 2) for v in range(256)]
        mask = radial.resize((diameter, diameter), Image.Resampling.BILINEAR).point(falloff)
        x = int(rng.random() * w) - diameter // 2
        y = int(rng.random() * h) - diameter // 2
        colour = palette[1 + int(rng.random() * 4)]
        canvas.paste(colour, (x, y, x + diameter, y + diameter), mask)


def _landscape(rng: random.Random, palette: list[RGB], image: Image.Image) -> None:
    """A sun and three layers of hills, darker towards the viewer."""
    w, h = image.size
    draw = ImageDraw.Draw(image)
    radius = min(w, h) * (0.08 + 0.1 * rng.random())
    cx, cy = w * (0.2 + 0.6 * rng.random()), h * (0.15 + 0.3 * rng.random())
    draw.ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), fill=_mix(palette[4], (255, 255, 255), 0.5)
    )
    for layer in range(3):
        horizon = h * (0.55 + 0.13 * layer)
        amplitude = h * (0.08 - 0.015 * layer)
        waves = [(1 + rng.random() * 3, rng.random() * math.tau, rng.random()) for _ in range(3)]
        points: list[tuple[float, float]] = [(0, h)]
        steps = 48
        for i in range(steps + 1):
            t = i / steps
            y = horizon - amplitude * sum(a * math.sin(t * f * math.tau + p) for f, p, a in waves)
            points.append((t * w, y))
        points.append((w, h))
        draw.polygon(points, fill=_mix(palette[2 - layer], (0, 0, 0), 0.15 + 0.2 * layer))


def _orbs(rng: random.Random, palette: list[RGB], image: Image.Image) -> None:
    """Filled discs and thin rings, like bokeh over the gradient."""
    w, h = image.size
    draw = ImageDraw.Draw(image)
    side = min(w, h)
    for _ in range(5 + int(rng.random() * 6)):
        r = side * (0.03 + 0.15 * rng.random())
        cx, cy = w * rng.random(), h * rng.random()
        colour = palette[1 + int(rng.random() * 4)]
        if rng.random() < 0.6:
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_mix(colour, (255, 255, 255), 0.25))
        else:
            width = max(2, int(side * 0.006))
            draw.ellipse(
                (cx - r, cy - r, cx + r, cy + r), outline=_mix(colour, (255, 255, 255), 0.5), width=width
            )


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _caption(image: Image.Image, seed: int, index: int) -> None:
    # The seed on the picture makes "same seed, same image" visible to a person at a glance;
    # later images of a batch say which they are (the API has one seed per batch).
    w, h = image.size
    size = max(12, min(w, h) // 48)
    draw = ImageDraw.Draw(image)
    margin = size
    draw.text(
        (margin, h - margin),
        f"FluxDesk sandbox · seed {seed}" + (f" · image {index + 1}" if index else ""),
        fill=(255, 255, 255),
        font=_font(size),
        anchor="ls",
        stroke_width=max(1, size // 12),
        stroke_fill=(0, 0, 0),
    )


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


# --- hostile files for the CDN faults ---------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.lru_cache(maxsize=4)
def bomb_png(width: int = 40000, height: int = 40000) -> bytes:
    """A complete, valid 1-bit grey PNG of ``width``×``height`` that is only a few hundred KB.

    A 40000×40000 image inflates to 200 MB of scanlines (1.6 G pixels once decoded), yet
    deflate squeezes runs of zeros about 1000:1. Compressing 200 MB would take most of a
    second, so one block of rows is compressed with a full flush (which resets the
    dictionary and byte-aligns the output) and that identical block is repeated; the
    Adler-32 of all-zero data is computed in closed form.
    """
    row = 1 + (width + 7) // 8  # filter byte (0 = none) + packed 1-bit pixels, all zero
    rows_per_block = max(1, (1 << 20) // row)
    full_blocks, rest_rows = divmod(height, rows_per_block)

    parts: list[bytes] = []
    if full_blocks:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
        block = packer.compress(bytes(row * rows_per_block)) + packer.flush(zlib.Z_FULL_FLUSH)
        parts.extend([block] * full_blocks)
    finisher = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    parts.append(finisher.compress(bytes(row * rest_rows)) + finisher.flush())

    total = row * height
    adler = ((total % 65521) << 16) | 1  # a stays 1 over zero bytes; b grows by 1 per byte
    stream = b"\x78\xda" + b"".join(parts) + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", stream)
        + _png_chunk(b"IEND", b"")
    )
