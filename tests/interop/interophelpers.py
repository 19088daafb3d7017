"""Shared helpers for the interop tests: real images (Pillow), real files, exiftool."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

from PIL import Image

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest

CREATED = "2026-11-25T14:15:30+00:00"


def image_bytes(fmt: str = "png", size: tuple[int, int] = (64, 48), **save: Any) -> bytes:
    """Noisy pixels (so any change to the pixel data would show) encoded by Pillow."""
    rng = random.Random(f"{fmt}{size}")
    im = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG" if fmt == "jpeg" else "PNG", **save)
    return buf.getvalue()


def pixels(data: bytes | Path) -> tuple[str, tuple[int, int], bytes]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with Image.open(source) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


def make_meta(
    prompt: str = "a red fox in snow",
    *,
    seed: int = 4134117142,
    fmt: str = "png",
    size: tuple[int, int] = (64, 48),
    steps: int | None = 28,
    guidance: float | None = 3.5,
) -> ImageRecord:
    request = GenerationRequest(
        prompt=prompt,
        seed=seed,
        output_format=OutputFormat(fmt),
        num_inference_steps=steps,
        guidance_scale=guidance,
    )
    return ImageRecord.for_image(request, seed=seed, index=0, width=size[0], height=size[1], created=CREATED)


def exiftool(path: Path, *tags: str) -> dict[str, Any]:
    """What exiftool reads (JSON, group-qualified names), warnings included as 'ExifTool:Warning'."""
    exe = shutil.which("exiftool")
    assert exe is not None, "exiftool is missing: tests/run.sh installs libimage-exiftool-perl"
    done = subprocess.run(
        [exe, "-j", "-G1", "-a", "-struct", *tags, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)[0]
    return result


def make_old_style(path: Path) -> None:
    """Make a FluxDesk file look as FluxDesk wrote it before issue 16: only its own block
    (PNG: after the image data; JPEG: no Exif or XMP)."""
    from fluxdesk.core import metadata as md
    from fluxdesk.core.interop import containers

    data = path.read_bytes()
    record = md.read_bytes(data)
    assert record is not None
    if data.startswith(containers.PNG_SIGNATURE):
        chunks, tail = containers.png_chunks(data)
        kept = [c.raw for c in chunks if c.kind not in (b"tEXt", b"iTXt")]
        ours = containers.png_itxt_chunk("fluxdesk", record.dumps())
        path.write_bytes(containers.PNG_SIGNATURE + b"".join(kept[:-1]) + ours + kept[-1] + tail)
    else:
        segments, rest = containers.jpeg_segments(data)
        kept = [s.raw for s in segments if not (containers.is_exif(s) or containers.is_xmp(s))]
        path.write_bytes(containers.JPEG_SOI + b"".join(kept) + rest)
