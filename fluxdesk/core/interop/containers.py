"""PNG chunks and JPEG header segments: split, filter and splice without touching pixels.

Writers put every text block before the image data (PNG: before the first ``IDAT``;
JPEG: among the APPn headers, before the tables and the scan), because some readers stop
at the image data. Readers seek over the image data and cap every block they keep.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, NamedTuple

from fluxdesk.core.limits import MAX_TEXT_CHUNK_BYTES, TooLargeError, inflate_bounded

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8"
PNG_TEXT_KINDS = (b"tEXt", b"iTXt", b"zTXt")
# The most one text block may hold when read, and a compressed one inflate to (the one
# limit on metadata documents, core/limits.py): a bigger chunk is skipped, not read.
MAX_BLOCK = MAX_TEXT_CHUNK_BYTES
# A JPEG segment's length field counts itself and tops out at 0xFFFF.
JPEG_MAX_PAYLOAD = 0xFFFF - 2
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RSTn: markers without a length field
APP1 = 0xE1
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"


def kind_of(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(JPEG_SOI):
        return "jpeg"
    return None


# ------------------------------------------------------------------------------- PNG


class PngChunk(NamedTuple):
    kind: bytes
    payload: bytes
    raw: bytes  # length + type + payload + CRC, as in the file


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_text_chunk(keyword: str, text: str, *, compress: bool = False) -> bytes:
    """``tEXt`` when the text is Latin-1 (what every reader takes), else ``iTXt`` (UTF-8)."""
    key = keyword.encode("latin-1")
    if not compress:
        try:
            return png_chunk(b"tEXt", key + b"\x00" + text.encode("latin-1"))
        except UnicodeEncodeError:
            pass
    return png_itxt_chunk(keyword, text.encode("utf-8"), compress=compress)


def png_itxt_chunk(keyword: str, text: bytes, *, compress: bool = False) -> bytes:
    body = zlib.compress(text, 9) if compress else text
    # keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, text
    payload = keyword.encode("latin-1") + b"\x00" + bytes([int(compress), 0]) + b"\x00\x00" + body
    return png_chunk(b"iTXt", payload)


def png_chunks(data: bytes) -> tuple[list[PngChunk], bytes]:
    """All chunks up to and including IEND, then whatever trails it (kept verbatim)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    chunks: list[PngChunk] = []
    pos = 8
    while True:
        if pos + 8 > len(data):
            raise ValueError("PNG: truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("PNG: truncated chunk")
        chunks.append(PngChunk(kind, data[pos + 8 : pos + 8 + length], data[pos:end]))
        pos = end
        if kind == b"IEND":
            return chunks, data[pos:]


def png_keyword(chunk: PngChunk) -> str | None:
    if chunk.kind not in PNG_TEXT_KINDS:
        return None
    key, sep, _ = chunk.payload[:80].partition(b"\x00")
    return key.decode("latin-1") if sep else None


def png_splice(data: bytes, new_chunks: Iterable[bytes], drop: Callable[[PngChunk], bool]) -> bytes:
    """The same PNG without the chunks ``drop`` selects and with ``new_chunks`` placed
    just before the first IDAT (image data and everything else byte for byte)."""
    chunks, trailing = png_chunks(data)
    if not any(c.kind == b"IDAT" for c in chunks):
        raise ValueError("PNG: no image data (IDAT)")
    out = [PNG_SIGNATURE]
    inserted = False
    for chunk in chunks:
        if chunk.kind == b"IDAT" and not inserted:
            out.extend(new_chunks)
            inserted = True
        if not drop(chunk):
            out.append(chunk.raw)
    out.append(trailing)
    return b"".join(out)


def png_text_value(chunk: PngChunk) -> str:
    """The text of a tEXt/zTXt/iTXt chunk (ValueError when damaged, not UTF-8, or a bomb)."""
    _, _, body = chunk.payload.partition(b"\x00")
    try:
        if chunk.kind == b"tEXt":
            return body.decode("latin-1")
        if chunk.kind == b"zTXt":
            return _inflate(body[1:]).decode("latin-1")
        flag = body[0]
        rest = body[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        return (_inflate(text) if flag else text).decode("utf-8")
    except (IndexError, zlib.error) as exc:
        raise ValueError(f"PNG: damaged {chunk.kind.decode()} chunk") from exc
    except TooLargeError as exc:
        raise ValueError(f"PNG: a compressed {chunk.kind.decode()} chunk is too large ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"PNG: {chunk.kind.decode()} chunk is not valid UTF-8") from exc


def _inflate(data: bytes) -> bytes:
    return inflate_bounded(data, MAX_BLOCK)


class PngHeader(NamedTuple):
    width: int
    height: int
    texts: dict[str, PngChunk]  # keyword -> last chunk with it (a capped size)
    skipped: list[str]  # text chunks too big to read


def png_scan(stream: BinaryIO) -> PngHeader:
    """Width, height and text chunks of a PNG stream, seeking over everything else."""
    if stream.read(8) != PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    width = height = 0
    texts: dict[str, PngChunk] = {}
    skipped: list[str] = []
    while True:
        header = stream.read(8)
        if len(header) < 8:
            raise ValueError("PNG: truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IEND":
            break  # anything after IEND is not part of the image: ignored
        if kind == b"IHDR" or (kind in PNG_TEXT_KINDS and length <= MAX_BLOCK):
            payload = stream.read(length)
            if len(payload) < length or len(stream.read(4)) < 4:
                raise ValueError("PNG: truncated chunk")
            if kind == b"IHDR":
                if length < 8:
                    raise ValueError("PNG: damaged IHDR chunk")
                width, height = struct.unpack(">II", payload[:8])
                continue
            chunk = PngChunk(kind, payload, b"")
            key = png_keyword(chunk)
            if key is not None:
                texts[key] = chunk
        else:
            if kind in PNG_TEXT_KINDS:
                skipped.append(f"{kind.decode()} chunk of {length / 2**20:.1f} MB")
            stream.seek(length + 4, io.SEEK_CUR)
    if not width or not height:
        raise ValueError("PNG: no image header (IHDR)")
    return PngHeader(width, height, texts, skipped)


# ------------------------------------------------------------------------------ JPEG


class JpegSegment(NamedTuple):
    marker: int
    payload: bytes  # after the length field
    raw: bytes  # fill bytes + marker + length + payload, as in the file


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > JPEG_MAX_PAYLOAD:
        raise ValueError(f"JPEG: a segment holds at most {JPEG_MAX_PAYLOAD} bytes (got {len(payload)})")
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_segments(data: bytes) -> tuple[list[JpegSegment], bytes]:
    """Header segments up to (excluding) SOS/EOI, then the rest of the file verbatim."""
    if not data.startswith(JPEG_SOI):
        raise ValueError("not a JPEG image")
    segments: list[JpegSegment] = []
    pos = 2
    while True:
        if pos >= len(data) or data[pos] != 0xFF:
            raise ValueError("JPEG: damaged header (marker expected)")
        start = pos
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            raise ValueError("JPEG: truncated header")
        marker = data[pos]
        pos += 1
        if marker in (0xDA, 0xD9):  # SOS or EOI: entropy-coded data follows, copy as is
            return segments, data[start:]
        if marker in _STANDALONE:
            segments.append(JpegSegment(marker, b"", data[start:pos]))
            continue
        if pos + 2 > len(data):
            raise ValueError("JPEG: truncated header")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > len(data):
            raise ValueError("JPEG: damaged segment length")
        segments.append(JpegSegment(marker, data[pos + 2 : pos + length], data[start : pos + length]))
        pos += length


def jpeg_splice(data: bytes, new_segments: Iterable[bytes], drop: Callable[[JpegSegment], bool]) -> bytes:
    """The same JPEG without the segments ``drop`` selects and with ``new_segments`` placed
    after the leading JFIF (APP0) header, before every other header and the scan."""
    segments, rest = jpeg_segments(data)
    kept = [s for s in segments if not drop(s)]
    at = 0
    while at < len(kept) and kept[at].marker == 0xE0:
        at += 1
    return b"".join([JPEG_SOI, *(s.raw for s in kept[:at]), *new_segments, *(s.raw for s in kept[at:]), rest])


def jpeg_scan(stream: BinaryIO) -> tuple[int, int, list[JpegSegment]]:
    """Width, height and the APPn/COM segments of a JPEG stream (no pixel data read)."""
    if stream.read(2) != JPEG_SOI:
        raise ValueError("not a JPEG image")
    width = height = 0
    apps: list[JpegSegment] = []
    for marker, length in jpeg_markers(stream):
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            payload = stream.read(length)
            if len(payload) < length:
                raise ValueError("JPEG: truncated segment")
            apps.append(JpegSegment(marker, payload, b""))
        elif marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            frame = stream.read(length)
            if len(frame) < 5:
                raise ValueError("JPEG: damaged frame header")
            height, width = struct.unpack(">HH", frame[1:5])
        else:
            stream.seek(length, io.SEEK_CUR)
    if not width or not height:
        raise ValueError("JPEG: no frame header (size unknown)")
    return width, height, apps


def jpeg_markers(stream: BinaryIO) -> Iterator[tuple[int, int]]:
    """(marker, payload length) of each header segment up to the scan; the stream is left
    at the segment's payload, which the caller reads or skips."""
    while True:
        byte = stream.read(1)
        if byte != b"\xff":
            raise ValueError("JPEG: damaged header (marker expected)")
        while byte == b"\xff":
            byte = stream.read(1)
        if not byte:
            raise ValueError("JPEG: truncated header")
        marker = byte[0]
        if marker in (0xDA, 0xD9):
            return
        if marker in _STANDALONE:
            continue
        size = stream.read(2)
        if len(size) < 2:
            raise ValueError("JPEG: truncated header")
        (length,) = struct.unpack(">H", size)
        if length < 2:
            raise ValueError("JPEG: damaged segment length")
        yield marker, length - 2


def is_exif(segment: JpegSegment) -> bool:
    return segment.marker == APP1 and segment.payload.startswith(EXIF_HEADER)


def is_xmp(segment: JpegSegment) -> bool:
    return segment.marker == APP1 and segment.payload.startswith(XMP_HEADER)
