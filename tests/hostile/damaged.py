"""Damaged and hostile library files, built from a real FluxDesk file.

``real_file`` saves an image through the library's own writer (reserve, download into the
temp file, commit), so the document it carries is exactly what FluxDesk writes; each
hostile copy has that document changed in one place (a width of 2**70, a time no clock
can convert, a huge number in the timings, JSON nested far deeper than Python recurses…)
and spliced back into the PNG with a correct chunk CRC, so only the metadata is wrong.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from PIL import Image

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.core.metadata import PNG_KEYWORD
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest

CREATED = datetime(2026, 11, 25, 14, 15, 30, tzinfo=timezone.utc)
DEEP = 100_000  # far past Python's recursion limit


def real_file(library: Library, prompt: str, seed: int, *, created: datetime = CREATED) -> ImageRecord:
    """A PNG saved by the library itself, as the generation code saves one."""
    request = GenerationRequest(prompt=prompt, guidance_scale=3.5, output_format=OutputFormat.PNG)
    record = ImageRecord.for_image(
        request,
        seed=seed,
        index=0,
        width=64,
        height=48,
        timings={"inference": 1.25},
        created=created.isoformat(),
    )
    final = library.reserve_path(created, prompt, seed, 0, OutputFormat.PNG)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 37 % 255, 90, 160)).save(out, "PNG")
    library.temp_path_for(final).write_bytes(out.getvalue())
    return library.commit(library.temp_path_for(final), final, record)


def _document_text(data: bytes) -> tuple[int, int, bytes]:
    """Where FluxDesk's (uncompressed) iTXt chunk is in ``data``, and its JSON text."""
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, payload = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        end = pos + 12 + length
        if kind == b"iTXt" and payload.startswith(PNG_KEYWORD + b"\x00"):
            header = len(PNG_KEYWORD) + 5  # keyword NUL, flag, method, language NUL, keyword NUL
            assert payload[len(PNG_KEYWORD) + 1] == 0, "the test expects an uncompressed chunk"
            return pos, end, payload[header:]
        pos = end
    raise AssertionError("no FluxDesk chunk")


def with_document(data: bytes, text: bytes) -> bytes:
    """``data`` with its FluxDesk JSON replaced by ``text`` (a valid chunk around it)."""
    start, end, _ = _document_text(data)
    payload = PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + text
    crc = zlib.crc32(payload, zlib.crc32(b"iTXt")) & 0xFFFFFFFF
    chunk = struct.pack(">I", len(payload)) + b"iTXt" + payload + struct.pack(">I", crc)
    return data[:start] + chunk + data[end:]


def only_own_block(data: bytes) -> bytes:
    """``data`` without the standard text blocks (XMP, A1111 ``parameters``) beside
    FluxDesk's: a file as earlier versions wrote it, whose only settings are FluxDesk's."""
    pos, out = 8, [data[:8]]
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, end = data[pos + 4 : pos + 8], pos + 12 + length
        ours = data[pos + 8 :].startswith(PNG_KEYWORD + b"\x00")
        if kind not in (b"tEXt", b"iTXt", b"zTXt") or ours:
            out.append(data[pos:end])
        pos = end
    return b"".join(out)


def document_of(data: bytes) -> dict[str, Any]:
    return json.loads(_document_text(data)[2])  # type: ignore[no-any-return]


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc[key] = value

    return change


def _set_request(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["request"][key] = value

    return change


# name -> (change to the document, words the error must contain)
HOSTILE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "huge-width": (_set("width", 2**70), "'width'"),
    "negative-height": (_set("height", -5), "'height'"),
    "huge-index": (_set("index", 2**70), "'index'"),
    "year-one-with-offset": (_set("created", "0001-01-01T00:00:00+05:00"), "'created'"),
    "impossible-date": (_set("created", "2026-02-30T10:00:00+00:00"), "'created'"),
    "huge-timing": (_set("timings", {"inference": 10**400}), "timing 'inference'"),
    "nan-timing": (_set("timings", {"inference": float("nan")}), "timing 'inference'"),
    "seed-past-64-bits": (_set("seed", 2**64), "'seed'"),
    "seed-zero": (_set("seed", 0), "'seed'"),
    "huge-steps": (_set_request("num_inference_steps", 2**70), "Steps"),
    "huge-custom-side": (_set_request("image_size", {"width": 2**70, "height": 512}), "Width"),
    "huge-rating": (_set("rating", 2**70), "'rating'"),
    "nested-tags": (_set("tags", [["deep"]]), "'tags'"),
}
DEEP_WORDS = "nested too deeply"


def hostile_bytes(good: bytes, name: str) -> bytes:
    """The good file's bytes with the named damage (``deep-json`` or a HOSTILE key)."""
    if name == "deep-json":
        text = json.dumps(document_of(good)).replace('"notes": ""', '"notes": ' + "[" * DEEP + "]" * DEEP)
        return with_document(good, text.encode("utf-8"))
    change, _ = HOSTILE[name]
    doc = document_of(good)
    change(doc)
    return with_document(good, json.dumps(doc).encode("utf-8"))


ALL_DAMAGE = ["deep-json", *HOSTILE]


def words_for(name: str) -> str:
    return DEEP_WORDS if name == "deep-json" else HOSTILE[name][1]


def write_hostile_files(good: Path, folder: Path) -> list[Path]:
    """One damaged copy of ``good`` per kind of damage, in ``folder``; their paths."""
    data = good.read_bytes()
    paths = []
    for name in ALL_DAMAGE:
        path = folder / f"damaged-{name}.png"
        path.write_bytes(hostile_bytes(data, name))
        paths.append(path)
    return paths
