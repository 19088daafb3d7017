"""Hostile files built from a real FluxDesk file: a metadata chunk that inflates far
beyond its size must be refused with bounded work, never inflated in full."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.limits import MAX_TEXT_CHUNK_BYTES, TooLargeError, inflate_bounded
from fluxdesk.core.metadata import PNG_KEYWORD, embed, read_bytes, read_file
from fluxdesk.core.request import validated_request

INFLATED = 64 * 1024 * 1024  # four times the limit; compresses to ~64 KB (a real attack: 1 GiB)


def real_fluxdesk_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 20, 30)).save(out, "PNG")
    meta = ImageRecord.for_image(validated_request({"prompt": "a fox"}), seed=7, index=0, width=64, height=64)
    return embed(out.getvalue(), meta)


def chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def bomb(size: int = INFLATED) -> bytes:
    packer = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


def with_own_chunk(data: bytes, kind: bytes, payload: bytes) -> bytes:
    """``data`` with its fluxdesk chunk replaced by ``kind``/``payload`` (before IEND)."""
    pos, out = 8, [data[:8]]
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind_here = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind_here == b"IEND":
            out.append(chunk(kind, payload))
        if not (kind_here == b"iTXt" and data[pos + 8 :].startswith(PNG_KEYWORD + b"\x00")):
            out.append(data[pos:end])
        pos = end
    return b"".join(out)


@pytest.mark.parametrize("kind", [b"zTXt", b"iTXt"])
def test_a_chunk_inflating_past_the_limit_is_refused_with_bounded_memory(kind: bytes, tmp_path: Path) -> None:
    compressed = bomb()
    assert len(compressed) < 200_000
    payload = (
        PNG_KEYWORD + b"\x00\x00" + compressed
        if kind == b"zTXt"
        else PNG_KEYWORD + b"\x00\x01\x00\x00\x00" + compressed
    )
    hostile = tmp_path / "hostile.png"
    hostile.write_bytes(with_own_chunk(real_fluxdesk_png(), kind, payload))
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError, match="too large: it inflates to more than 16 MiB"):
            read_file(hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # At most the limit was ever inflated (zlib's output buffer grows by doubling), never
    # the 64 MiB the chunk holds.
    assert peak < MAX_TEXT_CHUNK_BYTES * 2.5 < INFLATED


def test_a_compressed_chunk_within_the_limit_still_reads() -> None:
    original = real_fluxdesk_png()
    meta = read_bytes(original)
    assert meta is not None
    document = meta.dumps()
    payload = PNG_KEYWORD + b"\x00\x01\x00\x00\x00" + zlib.compress(document)
    again = read_bytes(with_own_chunk(original, b"iTXt", payload))
    assert again is not None and again.prompt == "a fox" and again.seed == 7


def test_inflate_bounded_at_the_edge() -> None:
    exactly = zlib.compress(b"a" * 1000)
    assert inflate_bounded(exactly, limit=1000) == b"a" * 1000
    with pytest.raises(TooLargeError):
        inflate_bounded(exactly, limit=999)
    with pytest.raises(zlib.error):
        inflate_bounded(b"not zlib", limit=1000)
