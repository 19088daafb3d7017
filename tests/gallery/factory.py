"""A generated library for the gallery tests, screenshots and benchmark: real Pillow
images with FluxDesk metadata, saved through ``Library.commit`` like the app does."""

from __future__ import annotations

import colorsys
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat, SizePreset
from fluxdesk.core.request import CustomSize, GenerationRequest

PROMPTS = (
    "a red fox in snow, golden hour",
    "lighthouse on a cliff at dusk, long exposure",
    "portrait of an astronaut in a sunflower field",
    "isometric cozy coffee shop, soft pastel colors",
    "macro photo of a dew drop on a leaf",
    "brutalist concrete library interior, morning light",
    "a koi pond from above, ukiyo-e style",
    "neon street market in the rain at night",
)
SIZES = (SizePreset.LANDSCAPE_4_3, SizePreset.SQUARE_HD, SizePreset.PORTRAIT_16_9, CustomSize(768, 512))
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)


def picture(n: int, size: tuple[int, int], fmt: str) -> bytes:
    """A small, distinct, pleasant picture: a gradient sky, a sun and hills."""
    w, h = size
    scale = 160 / max(w, h)
    w, h = max(16, int(w * scale)), max(16, int(h * scale))
    hue = (n * 0.137) % 1.0
    top = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.95))
    bottom = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.08) % 1, 0.8, 0.45))
    im = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(im)
    for y in range(h):
        t = y / max(1, h - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (w, y)], fill=colour)
    r = h // 6
    cx, cy = int(w * (0.2 + 0.6 * ((n * 0.31) % 1))), h // 3
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 236, 180))
    hill = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.45) % 1, 0.5, 0.35))
    draw.polygon([(0, h), (0, int(h * 0.7)), (w // 3, int(h * 0.55)), (w, int(h * 0.75)), (w, h)], fill=hill)
    buf = io.BytesIO()
    im.save(buf, "JPEG" if fmt == "jpeg" else "PNG", quality=85)
    return buf.getvalue()


def add_image(
    library: Library,
    n: int,
    *,
    prompt: str | None = None,
    created: datetime | None = None,
    size: SizePreset | CustomSize | None = None,
    fmt: str | None = None,
    guidance: float | None = None,
    steps: int | None = None,
    seed: int | None = None,
    nsfw: bool = False,
) -> ImageRecord:
    fmt = fmt or ("png" if n % 3 else "jpeg")
    request = GenerationRequest(
        prompt=prompt or f"{PROMPTS[n % len(PROMPTS)]} #{n}",
        image_size=size or SIZES[n % len(SIZES)],
        guidance_scale=guidance if guidance is not None else (3.5 if n % 2 else 5.0),
        num_inference_steps=steps if steps is not None else (28 if n % 4 else 40),
        output_format=OutputFormat(fmt),
    )
    width, height = request.dimensions
    when = created or NOW - timedelta(hours=7 * n)
    seed = seed if seed is not None else 1000 + n * 7919
    meta = ImageRecord.for_image(
        request,
        seed=seed,
        index=0,
        width=width,
        height=height,
        nsfw=nsfw,
        timings={"inference": 2.5 + n % 3, "download": 0.4},
        created=when.isoformat(timespec="seconds"),
    )
    final = library.reserve_path(when, request.prompt, seed, 0, fmt)
    temp = Library.temp_path_for(final)
    temp.write_bytes(picture(n, (width, height), fmt))
    return library.commit(temp, final, meta)


def add_batch(
    library: Library, n: int, count: int = 4, *, created: datetime | None = None
) -> list[ImageRecord]:
    """A job's ``count`` images (index 0…), saved like a batch: one time stamp, one seed,
    one request, so one job id (one stack in the gallery)."""
    when = created or NOW + timedelta(minutes=n)
    request = GenerationRequest(
        prompt=f"{PROMPTS[n % len(PROMPTS)]}, batch #{n}",
        image_size=SIZES[n % len(SIZES)],
        num_images=count,
        output_format=OutputFormat.PNG,
    )
    width, height = request.dimensions
    seed = 5000 + n * 7919
    saved = []
    for index in range(count):
        meta = ImageRecord.for_image(
            request,
            seed=seed,
            index=index,
            width=width,
            height=height,
            created=when.isoformat(timespec="seconds"),
        )
        final = library.reserve_path(when, request.prompt, seed, index, "png")
        temp = Library.temp_path_for(final)
        temp.write_bytes(picture(n * 5 + index, (width, height), "png"))
        saved.append(library.commit(temp, final, meta))
    return saved


def build_library(root: Path, count: int = 24) -> Library:
    library = Library(root)
    for n in range(count):
        add_image(library, n, nsfw=n == 5)
    return library
