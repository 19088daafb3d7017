"""Write FluxDesk's own block and the standard blocks into an encoded image in one splice.

PNG: ``XML:com.adobe.xmp`` iTXt (XMP), ``parameters`` tEXt/iTXt (A1111) and ``fluxdesk``
iTXt (the full record), all before the first IDAT. JPEG: an Exif APP1 holding the A1111
text as ``UserComment`` (merged into an Exif block the file already has), an XMP APP1 and
FluxDesk's APP11 segment(s), after the JFIF header. Pixels and the encoded image data are
copied byte for byte; earlier copies of these blocks are replaced, never duplicated.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from fluxdesk.core.interop import a1111, containers, xmp
from fluxdesk.core.interop.containers import JpegSegment, PngChunk
from fluxdesk.core.interop.portable import Portable

FLUXDESK_PNG_KEYWORD = "fluxdesk"
FLUXDESK_JPEG_IDENTIFIER = b"FluxDesk\x00"
JPEG_APP11 = 0xEB
_OURS_PNG = {FLUXDESK_PNG_KEYWORD, a1111.PNG_KEYWORD, xmp.PNG_KEYWORD}
_EXIF_IFD = 0x8769
_USER_COMMENT = 0x9286


def embed_all(data: bytes, record: Mapping[str, Any], own_block: bytes) -> bytes:
    """``data`` with FluxDesk's block ``own_block`` (a ready PNG chunk or JPEG segment(s))
    and the standard blocks derived from ``record`` (FluxDesk's JSON document)."""
    portable = Portable.from_record(record)
    packet = xmp.build(portable.xmp())
    parameters = a1111.format_parameters(portable.a1111())
    kind = containers.kind_of(data)
    if kind == "png":
        new = [
            containers.png_itxt_chunk(xmp.PNG_KEYWORD, packet),
            containers.png_text_chunk(a1111.PNG_KEYWORD, parameters),
            own_block,
        ]
        return containers.png_splice(data, new, is_standard_png)
    if kind == "jpeg":
        segments, _ = containers.jpeg_segments(data)
        existing_exif = next((s for s in segments if containers.is_exif(s)), None)
        exif = _exif_with_comment(existing_exif, a1111.encode_user_comment(parameters))
        new_segments = [
            containers.jpeg_segment(containers.APP1, exif),
            containers.jpeg_segment(containers.APP1, containers.XMP_HEADER + packet),
            own_block,
        ]
        return containers.jpeg_splice(data, new_segments, is_standard_jpeg)
    raise ValueError("not a PNG or JPEG image")


def is_standard_png(chunk: PngChunk) -> bool:
    """FluxDesk's own and the standard text chunks FluxDesk writes (replaced on rewrite)."""
    return containers.png_keyword(chunk) in _OURS_PNG


def is_standard_jpeg(segment: JpegSegment) -> bool:
    return (
        containers.is_exif(segment)
        or containers.is_xmp(segment)
        or (segment.marker == JPEG_APP11 and segment.payload.startswith(FLUXDESK_JPEG_IDENTIFIER))
    )


def _exif_with_comment(existing: JpegSegment | None, comment: bytes) -> bytes:
    """An Exif APP1 payload: a new one holding UserComment (API images carry no Exif), or
    the file's own Exif with UserComment set (merged through Pillow)."""
    if existing is None or _is_minimal(existing.payload):
        return containers.EXIF_HEADER + _minimal_tiff(comment)
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(existing.payload)
    except Exception:  # Pillow raises many types for damaged Exif: write ours alone
        return containers.EXIF_HEADER + _minimal_tiff(comment)
    exif.get_ifd(_EXIF_IFD)[_USER_COMMENT] = comment
    payload = exif.tobytes()
    return payload if payload.startswith(containers.EXIF_HEADER) else containers.EXIF_HEADER + payload


def _is_minimal(payload: bytes) -> bool:
    """Is this the Exif block FluxDesk writes (replaced whole, so a rewrite is stable)?"""
    # Everything up to UserComment's count is the same for every comment.
    fixed = len(containers.EXIF_HEADER) + 8 + 18 + 2 + 12 + 4
    return payload[:fixed] == (containers.EXIF_HEADER + _minimal_tiff(b""))[:fixed]


def _minimal_tiff(comment: bytes) -> bytes:
    """Big-endian TIFF: IFD0 pointing at an Exif IFD with ExifVersion and UserComment
    (type UNDEFINED, as the Exif standard has it)."""
    undefined, long_type = 7, 4
    exif_ifd = 8 + 2 + 12 + 4
    comment_at = exif_ifd + 2 + 2 * 12 + 4
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", _EXIF_IFD, long_type, 1, exif_ifd) + b"\0" * 4
    exif = (
        struct.pack(">H", 2)
        + struct.pack(">HHI", 0x9000, undefined, 4)
        + b"0232"
        + struct.pack(">HHII", _USER_COMMENT, undefined, len(comment), comment_at)
        + b"\0" * 4
    )
    return b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + exif + comment
