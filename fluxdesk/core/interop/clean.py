"""Share-safe copies: every text block removed without re-encoding, the AI label kept.

PNG: every ``tEXt``/``iTXt``/``zTXt`` chunk and ``eXIf`` go; JPEG: Exif/XMP (APP1),
IPTC/Photoshop (APP13), FluxDesk's APP11, any other APPn that is not needed to decode
the image, and comments (COM) go. What decoding needs stays: JFIF (APP0), the ICC colour
profile (APP2) and Adobe's colour-transform flag (APP14), the tables and the scan, byte
for byte, so the decoded pixels are identical. Unless ``ai_label`` is False, a minimal
XMP packet carrying only ``Iptc4xmpExt:DigitalSourceType`` = trainedAlgorithmicMedia is
added, so the copy stays marked as AI-generated.
"""

from __future__ import annotations

from fluxdesk.core.interop import containers, xmp
from fluxdesk.core.interop.containers import JpegSegment, PngChunk

_PNG_DROP = {b"tEXt", b"iTXt", b"zTXt", b"eXIf"}
# APPn segments decoding depends on: JFIF/JFXX (APP0), ICC profile (APP2), Adobe (APP14).
_JPEG_KEEP_APPS = {0xE0, 0xE2, 0xEE}


def clean_copy(data: bytes, *, ai_label: bool = True) -> bytes:
    packet = xmp.build(xmp.XmpFields(ai_label=True)) if ai_label else None
    kind = containers.kind_of(data)
    if kind == "png":
        new = [containers.png_itxt_chunk(xmp.PNG_KEYWORD, packet)] if packet else []
        return containers.png_splice(data, new, _png_metadata)
    if kind == "jpeg":
        new = [containers.jpeg_segment(containers.APP1, containers.XMP_HEADER + packet)] if packet else []
        return containers.jpeg_splice(data, new, _jpeg_metadata)
    raise ValueError("not a PNG or JPEG image")


def _png_metadata(chunk: PngChunk) -> bool:
    return chunk.kind in _PNG_DROP


def _jpeg_metadata(segment: JpegSegment) -> bool:
    is_app = 0xE0 <= segment.marker <= 0xEF
    return (is_app and segment.marker not in _JPEG_KEEP_APPS) or segment.marker == 0xFE
