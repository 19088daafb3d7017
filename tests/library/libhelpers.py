"""Shared helpers for the metadata and library tests: real images made with Pillow."""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import Image

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest

CREATED = "2026-11-25T14:15:30+00:00"


def image_bytes(fmt: str = "png", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: Any) -> bytes:
    """Noisy pixels (so any change to the pixel data would show) encoded by Pillow."""
    rng = random.Random(f"{fmt}{size}{mode}")
    bands = len(mode) if mode != "L" else 1
    im = Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * bands))
    buf = io.BytesIO()
    im.save(buf, "JPEG" if fmt == "jpeg" else "PNG", **save)
    return buf.getvalue()


def pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


def make_meta(
    prompt: str = "a red fox in snow",
    *,
    seed: int = 4134117142,
    index: int = 1,
    fmt: str = "png",
    size: tuple[int, int] = (64, 48),
    created: str = CREATED,
    nsfw: bool = False,
) -> ImageRecord:
    request = GenerationRequest(prompt=prompt, output_format=OutputFormat(fmt), guidance_scale=3.5)
    return ImageRecord.for_image(
        request,
        seed=seed,
        index=index,
        width=size[0],
        height=size[1],
        nsfw=nsfw,
        timings={"inference": 1.25},
        created=created,
    )
