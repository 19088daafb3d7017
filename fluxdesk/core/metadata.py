"""FluxDesk metadata embedded in the saved image file itself.

Every image FluxDesk saves carries its record (:mod:`fluxdesk.core.library.record`: the full
request, the seed actually used, the model, timings and the user's review) as a JSON
document. The file is then self-describing: the library index can be rebuilt from the
files alone, and an image mailed to a colleague can be re-run from its own bytes.

Embedding never re-encodes pixels; we splice one container-level block into the byte
stream:

* PNG: an ``iTXt`` chunk, keyword ``fluxdesk``, UTF-8 JSON (uncompressed, or zlib when
  large), placed before the image data (older files have it before ``IEND``).
* JPEG: ``APP11`` segment(s) whose payload is ``b"FluxDesk\\0"`` + sequence number
  (1 byte, 1-based) + segment count (1 byte) + a slice of the UTF-8 JSON, placed after
  the leading APP0 (JFIF) / APP1 (Exif, XMP) headers. A segment holds at most 65533
  bytes, so big documents are split ICC-profile style; prompts of 4000 characters fit in
  one.

Readers parse only chunk/segment headers (seeking over pixel data), never decode pixels.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

from fluxdesk.core.interop.containers import (
    JPEG_MAX_PAYLOAD,
    JPEG_SOI,
    PNG_SIGNATURE,
    jpeg_markers,
    kind_of,
    png_itxt_chunk,
)
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.limits import MAX_TEXT_CHUNK_BYTES, TooLargeError, inflate_bounded

PNG_KEYWORD = b"fluxdesk"
JPEG_IDENTIFIER = b"FluxDesk\x00"
JPEG_APP11 = 0xEB

_JPEG_CHUNK_HEADER = len(JPEG_IDENTIFIER) + 2
_JPEG_MAX_CHUNK = JPEG_MAX_PAYLOAD - _JPEG_CHUNK_HEADER
# Compress PNG metadata only when it is big: uncompressed iTXt stays readable by
# exiftool/`strings` and our documents are usually a few KB.
_PNG_COMPRESS_ABOVE = 16 * 1024
# Refuse absurd documents when reading (a corrupt length must not make us allocate GBs).
_MAX_DOCUMENT = MAX_TEXT_CHUNK_BYTES


# --------------------------------------------------------------------------- embedding


def embed(data: bytes, record: ImageRecord) -> bytes:
    """The same encoded image with ``record`` embedded (any previous FluxDesk block replaced),
    together with the standard blocks other tools read (XMP, A1111 ``parameters``: see
    :mod:`fluxdesk.core.interop.write`), all before the image data."""
    from fluxdesk.core.interop.write import embed_all

    document = record.dumps()
    kind = kind_of(data)
    if kind == "png":
        return embed_all(data, record.to_document(), _png_itxt(document))
    if kind == "jpeg":
        return embed_all(data, record.to_document(), _jpeg_app11(document))
    raise ValueError("not a PNG or JPEG image")


def embed_file(path: str | os.PathLike[str], record: ImageRecord) -> int:
    """Embed ``record`` into the file at ``path`` in place, fsync it, return its new size.

    For a temp file the caller owns (not atomic). The blocks go before the image data,
    so the file is rewritten whole.
    """
    with open(path, "r+b") as fh:
        data = embed(fh.read(), record)
        fh.seek(0)
        fh.write(data)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())
        return fh.tell()


def read_bytes(data: bytes) -> ImageRecord | None:
    """Embedded metadata, or None if the image has none. ValueError if not PNG/JPEG or damaged."""
    return _read_stream(io.BytesIO(data))


def read_file(path: str | os.PathLike[str]) -> ImageRecord | None:
    with open(path, "rb") as stream:
        return _read_stream(stream)


def rewrite_file(path: str | os.PathLike[str], record: ImageRecord) -> None:
    """Replace the embedded metadata of ``path`` atomically (OSError on I/O failure)."""
    target = Path(path)
    data = embed(target.read_bytes(), record)
    write_atomic(target, data)


def write_atomic(target: Path, data: bytes) -> None:
    """Write via a temp file in the same folder + fsync + os.replace: all or nothing."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            # mkstemp makes the file 0600; keep the original's permissions.
            os.chmod(tmp_name, target.stat().st_mode & 0o777)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(target.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open directories, nothing to do."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _parse_document(raw: bytes) -> ImageRecord:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"metadata: not UTF-8 JSON ({exc})") from exc
    except RecursionError as exc:  # JSON nested deeper than Python's recursion limit
        raise ValueError("metadata: JSON nested too deeply") from exc
    return ImageRecord.from_document(data)


def _read_stream(stream: BinaryIO) -> ImageRecord | None:
    head = stream.read(8)
    if head == PNG_SIGNATURE:
        raw = _png_find(stream)
    elif head[:2] == JPEG_SOI:
        stream.seek(2)
        raw = _jpeg_find(stream)
    else:
        raise ValueError("not a PNG or JPEG image")
    return None if raw is None else _parse_document(raw)


# ------------------------------------------------------------------------------- PNG


def _png_itxt(document: bytes) -> bytes:
    compress = len(document) > _PNG_COMPRESS_ABOVE
    return png_itxt_chunk(PNG_KEYWORD.decode("latin-1"), document, compress=compress)


def _png_is_ours(kind: bytes, payload: bytes) -> bool:
    return kind in (b"iTXt", b"tEXt", b"zTXt") and payload.startswith(PNG_KEYWORD + b"\x00")


def _png_text_value(kind: bytes, payload: bytes) -> bytes:
    body = payload[len(PNG_KEYWORD) + 1 :]
    try:
        if kind == b"tEXt":
            return body
        if kind == b"zTXt":
            return inflate_bounded(body[1:])
        flag = body[0]
        rest = body[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        return inflate_bounded(text) if flag else text
    except TooLargeError as exc:  # (a ValueError: the file is skipped like a damaged one)
        raise TooLargeError(f"PNG: {kind.decode()} fluxdesk chunk too large: {exc}") from None
    except (IndexError, zlib.error) as exc:
        raise ValueError(f"PNG: damaged {kind.decode()} fluxdesk chunk") from exc


def _png_find(stream: BinaryIO) -> bytes | None:
    found: bytes | None = None
    while True:
        header = stream.read(8)
        if len(header) < 8:
            raise ValueError("PNG: truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IEND":
            return found
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            if length > _MAX_DOCUMENT:
                stream.seek(length + 4, io.SEEK_CUR)
                continue
            payload = stream.read(length)
            crc = stream.read(4)
            if len(payload) < length or len(crc) < 4:
                raise ValueError("PNG: truncated chunk")
            if _png_is_ours(kind, payload):
                if struct.unpack(">I", crc)[0] != zlib.crc32(payload, zlib.crc32(kind)) & 0xFFFFFFFF:
                    raise ValueError("PNG: fluxdesk chunk has a bad CRC")
                found = _png_text_value(kind, payload)
        else:
            stream.seek(length + 4, io.SEEK_CUR)  # skip pixels without reading them


# ------------------------------------------------------------------------------ JPEG


def _jpeg_app11(document: bytes) -> bytes:
    chunks = [document[i : i + _JPEG_MAX_CHUNK] for i in range(0, len(document), _JPEG_MAX_CHUNK)] or [b""]
    if len(chunks) > 255:
        raise ValueError(
            f"metadata too large for JPEG ({len(document)} bytes, at most {255 * _JPEG_MAX_CHUNK})"
        )
    out = []
    for seq, chunk in enumerate(chunks, start=1):
        body = JPEG_IDENTIFIER + bytes([seq, len(chunks)]) + chunk
        out.append(b"\xff" + bytes([JPEG_APP11]) + struct.pack(">H", len(body) + 2) + body)
    return b"".join(out)


def _jpeg_find(stream: BinaryIO) -> bytes | None:
    parts: dict[int, bytes] = {}
    total = 0
    for marker, length in jpeg_markers(stream):
        if marker != JPEG_APP11:
            stream.seek(length, io.SEEK_CUR)
            continue
        payload = stream.read(length)
        if len(payload) < length:
            raise ValueError("JPEG: truncated segment")
        if not payload.startswith(JPEG_IDENTIFIER):
            continue
        if len(payload) < _JPEG_CHUNK_HEADER:
            raise ValueError("JPEG: damaged FluxDesk segment")
        seq, count = payload[len(JPEG_IDENTIFIER)], payload[len(JPEG_IDENTIFIER) + 1]
        if not 1 <= seq <= count or (total and count != total):
            raise ValueError("JPEG: inconsistent FluxDesk segment numbering")
        total = count
        parts[seq] = payload[_JPEG_CHUNK_HEADER:]
    if not parts:
        return None
    if sorted(parts) != list(range(1, total + 1)):
        raise ValueError("JPEG: FluxDesk metadata segments missing")
    return b"".join(parts[i] for i in range(1, total + 1))
