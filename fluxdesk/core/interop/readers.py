"""One reader for every image FluxDesk meets: its own files and other tools'.

``read_image(path)`` looks, in this order, for FluxDesk's block, InvokeAI's, ComfyUI's
graph, Fooocus' JSON, the A1111/Forge/Fooocus ``parameters`` text (PNG text or JPEG Exif
UserComment), and finally XMP ``dc:description``. Only chunk/segment headers are read
(image data is seeked over), text blocks are capped (``containers.MAX_BLOCK``), and every
block is checked for type: a hostile file gives "no parameters" plus a note, never a
traceback or a hang. A file that is not a PNG/JPEG, or whose header is damaged, raises
``UnreadableImage`` (one line).

Why not sd-parsers (PyPI) at run time: it opens files through Pillow, which reads no
text chunk after IDAT (where FluxDesk's older files keep their block) and refuses text
chunks over 1 MB with an exception; its values come back as untyped strings, and it has
no notion of what maps onto a flux-realism request. The test suite uses it as the
independent judge of what FluxDesk writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluxdesk.core import params as P
from fluxdesk.core.interop import a1111, containers, foreign, xmp
from fluxdesk.core.interop.foreign import Found

SOURCES = ("fluxdesk", "a1111", "comfyui", "invokeai", "fooocus", "xmp")
SOURCE_NAMES = {
    "fluxdesk": "FluxDesk",
    "a1111": "A1111/Forge",
    "comfyui": "ComfyUI",
    "invokeai": "InvokeAI",
    "fooocus": "Fooocus",
    "xmp": "XMP description",
}


class UnreadableImage(ValueError):
    """Not a PNG/JPEG, or its header is damaged (the message is one line)."""


@dataclass
class Reading:
    """What one image file says about how it was made."""

    path: str
    width: int
    height: int
    source: str | None = None  # one of SOURCES, None: no parameters found
    prompt: str | None = None
    seed: int | None = None
    guidance_scale: float | None = None
    num_inference_steps: int | None = None
    request: dict[str, Any] | None = None  # FluxDesk request fields (build_request shape)
    unmapped: list[str] = field(default_factory=list)  # what has no place in a flux-realism request
    notes: list[str] = field(default_factory=list)  # blocks skipped or damaged
    record: Any = None  # FluxDesk's own ImageRecord, for its files

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source,
            "prompt": self.prompt,
            "seed": self.seed,
            "width": self.width,
            "height": self.height,
            "guidance_scale": self.guidance_scale,
            "num_inference_steps": self.num_inference_steps,
            "request": self.request,
        }


def read_image(path: str | os.PathLike[str]) -> Reading:
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            stream.seek(0)
            if head == containers.PNG_SIGNATURE:
                return _read_png(Path(path), stream)
            if head[:2] == containers.JPEG_SOI:
                return _read_jpeg(Path(path), stream)
    except UnreadableImage:
        raise
    except ValueError as exc:
        raise UnreadableImage(f"not a readable image ({exc})") from None
    except OSError as exc:
        raise UnreadableImage(f"cannot be read ({exc.strerror or exc})") from None
    raise UnreadableImage("not a readable image (neither PNG nor JPEG)")


def _read_png(path: Path, stream: Any) -> Reading:
    header = containers.png_scan(stream)
    reading = Reading(str(path), header.width, header.height)
    reading.notes.extend(f"skipped a {what}" for what in header.skipped)
    texts: dict[str, str] = {}
    for key, chunk in header.texts.items():
        try:
            texts[key] = containers.png_text_value(chunk)
        except ValueError as exc:
            reading.notes.append(f"{key!r}: {exc}")
    _fill(reading, path, texts)
    return reading


def _read_jpeg(path: Path, stream: Any) -> Reading:
    width, height, apps = containers.jpeg_scan(stream)
    reading = Reading(str(path), width, height)
    texts: dict[str, str] = {}
    for segment in apps:
        if containers.is_xmp(segment):
            texts[xmp.PNG_KEYWORD] = segment.payload[len(containers.XMP_HEADER) :].decode("utf-8", "replace")
        elif containers.is_exif(segment):
            comment = _user_comment(segment.payload, reading)
            if comment:
                texts[a1111.PNG_KEYWORD] = comment
    _fill(reading, path, texts)
    return reading


def _user_comment(payload: bytes, reading: Reading) -> str | None:
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(payload)
        raw = exif.get_ifd(0x8769).get(0x9286)
    except Exception as exc:  # Pillow raises many types for damaged Exif
        reading.notes.append(f"Exif: damaged ({type(exc).__name__})")
        return None
    return a1111.decode_user_comment(raw) if isinstance(raw, bytes | str) else None


def _fill(reading: Reading, path: Path, texts: dict[str, str]) -> None:
    if _fluxdesk(reading, path):
        return
    attempts: list[tuple[str, Callable[[str], Found | None]]] = [
        ("invokeai_metadata", foreign.from_invokeai),
        ("sd-metadata", foreign.from_invokeai_legacy),
        ("prompt", foreign.from_comfyui),
    ]
    parameters = texts.get(a1111.PNG_KEYWORD, "")
    if parameters.lstrip().startswith("{"):
        attempts.append((a1111.PNG_KEYWORD, foreign.from_fooocus_json))
    else:
        attempts.append((a1111.PNG_KEYWORD, foreign.from_a1111))
    for key, parse in attempts:
        if key not in texts:
            continue
        try:
            found = parse(texts[key])
        except ValueError as exc:
            reading.notes.append(f"{key!r}: {exc}")
            continue
        if found is not None:
            _apply(reading, found)
            return
    if xmp.PNG_KEYWORD in texts:
        try:
            packet = xmp.parse(texts[xmp.PNG_KEYWORD].encode("utf-8"))
        except ValueError as exc:
            reading.notes.append(str(exc))
            return
        if packet.description:
            _apply(reading, Found("xmp", prompt=packet.description))


def _fluxdesk(reading: Reading, path: Path) -> bool:
    from fluxdesk.core import metadata

    try:
        record = metadata.read_file(path)
    except ValueError as exc:
        reading.notes.append(f"FluxDesk block: {exc}")
        return False
    if record is None:
        return False
    reading.source = "fluxdesk"
    reading.record = record
    reading.prompt = record.prompt
    reading.seed = record.seed
    reading.guidance_scale = _float(record.request.get("guidance_scale"))
    steps = record.request.get("num_inference_steps")
    reading.num_inference_steps = steps if isinstance(steps, int) and not isinstance(steps, bool) else None
    request = dict(record.request)
    request["seed"] = record.seed
    request.pop("model", None)
    reading.request = request
    return True


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _apply(reading: Reading, found: Found) -> None:
    reading.source = found.source
    reading.prompt = found.prompt
    reading.seed = found.seed
    reading.guidance_scale = found.guidance
    reading.num_inference_steps = found.steps
    reading.unmapped = list(found.extra)
    reading.request, dropped = map_request(found)
    reading.unmapped.extend(dropped)


def map_request(found: Found) -> tuple[dict[str, Any] | None, list[str]]:
    """The flux-realism request fields ``found`` gives (values outside FluxDesk's limits
    left out, each named in the second list); None without a usable prompt."""
    from fluxdesk.core.request import build_request

    if not found.prompt:
        return None, []
    raw: dict[str, Any] = {"prompt": found.prompt}
    shown: dict[str, str] = {}
    values = ((P.SEED, found.seed), (P.GUIDANCE_SCALE, found.guidance), (P.NUM_INFERENCE_STEPS, found.steps))
    for spec, value in values:
        if value is not None:
            raw[spec.field], shown[spec.field] = value, spec.caption(value)
    if found.width is not None and found.height is not None:
        raw["image_size"] = {"width": found.width, "height": found.height}
        shown["image_size"] = f"size {found.width}×{found.height}"
    dropped: list[str] = []
    for _ in range(len(raw) + 1):
        request, problems = build_request(raw)
        if request is not None:
            return request.to_fields(), dropped
        fields = {"image_size" if p.field in ("width", "height") else p.field for p in problems}
        if "prompt" in fields or not fields & set(shown):
            dropped.extend(p.rule for p in problems)
            return None, dropped
        for name in sorted(fields & set(shown)):
            rule = next(p.rule for p in problems if name in (p.field, "image_size"))
            dropped.append(f"{shown.pop(name)} ({rule})")
            raw.pop(name, None)
    return None, dropped
