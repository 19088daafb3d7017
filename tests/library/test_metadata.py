"""Embedded metadata: real PNG/JPEG bytes from Pillow, spliced without re-encoding."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from libhelpers import CREATED, image_bytes, make_meta, pixels
from PIL import Image

from fluxdesk.core import metadata as md
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.params import OutputFormat


def exif_bytes() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "an Exif description"  # ImageDescription
    return exif.tobytes()


IMAGES = [
    ("png", (64, 48), "RGB", {}),
    ("png", (33, 17), "RGBA", {}),
    ("png", (512, 512), "L", {"optimize": True}),
    ("jpeg", (64, 48), "RGB", {"quality": 90}),
    ("jpeg", (77, 301), "L", {}),
    ("jpeg", (128, 96), "RGB", {"exif": exif_bytes(), "progressive": True}),
]


def png_chunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    out, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        payload = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        out.append((kind, payload, crc))
        pos += 12 + length
    return out


def jpeg_markers(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 2
    while data[pos + 1] != 0xDA:
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        out.append((marker, data[pos + 4 : pos + 2 + length]))
        pos += 2 + length
    return out


@pytest.mark.parametrize(("fmt", "size", "mode", "save"), IMAGES, ids=lambda v: str(v)[:20])
def test_roundtrip_keeps_pixels_identical(fmt: str, size: tuple[int, int], mode: str, save: dict) -> None:
    original = image_bytes(fmt, size, mode, **save)
    meta = make_meta(fmt=fmt, size=size)
    embedded = md.embed(original, meta)
    assert md.read_bytes(original) is None
    assert md.read_bytes(embedded) == meta
    assert pixels(embedded) == pixels(original)
    # Nothing but our block was added: the rest of the stream is byte-identical.
    assert len(embedded) > len(original)
    assert md.embed(embedded, make_meta(fmt=fmt, size=size)) == embedded


def keyword_of(payload: bytes) -> bytes:
    return payload.partition(b"\x00")[0]


def test_png_chunk_is_itxt_before_idat_with_valid_crc() -> None:
    data = md.embed(image_bytes("png"), make_meta())
    chunks = png_chunks(data)
    kinds = [c[0] for c in chunks]
    # FluxDesk's block and the standard ones (XMP, A1111 parameters), all before the image data.
    texts = [i for i, c in enumerate(chunks) if c[0] in (b"tEXt", b"iTXt")]
    assert [keyword_of(chunks[i][1]) for i in texts] == [b"XML:com.adobe.xmp", b"parameters", b"fluxdesk"]
    assert max(texts) < kinds.index(b"IDAT")
    kind, payload, crc = chunks[texts[-1]]
    assert crc == zlib.crc32(kind + payload)
    keyword, _, rest = payload.partition(b"\x00")
    assert keyword == b"fluxdesk" and rest[:2] == b"\x00\x00"  # uncompressed
    document = json.loads(rest[4:].decode("utf-8"))
    assert document["request"]["prompt"] == "a red fox in snow" and document["seed"] == 4134117142
    # Pillow (which checks CRCs) reads the same text back.
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert json.loads(im.text["fluxdesk"]) == document


def test_jpeg_segment_is_app11_after_app0_and_app1() -> None:
    data = md.embed(image_bytes("jpeg", exif=exif_bytes()), make_meta(fmt="jpeg"))
    markers = jpeg_markers(data)
    # JFIF, Exif (the file's own, with A1111's UserComment added), XMP, then ours.
    assert [m for m, _ in markers][:4] == [0xE0, 0xE1, 0xE1, 0xEB]
    assert markers[1][1].startswith(b"Exif\x00\x00") and markers[2][1].startswith(b"http://ns.adobe.com/")
    assert markers[3][1].startswith(b"FluxDesk\x00\x01\x01")
    assert json.loads(markers[3][1][11:].decode())["output_format"] == "jpeg"
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif()[0x010E] == "an Exif description"  # the file's own Exif kept


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_re_embed_replaces_previous_block(fmt: str) -> None:
    first = md.embed(image_bytes(fmt), make_meta(fmt=fmt))
    changed = make_meta(fmt=fmt).with_review(rating=4, notes="second", tags=["a", "b"])
    second = md.embed(first, changed)
    assert md.read_bytes(second) == changed
    if fmt == "png":
        keywords = [keyword_of(p) for kind, p, _ in png_chunks(second) if kind in (b"iTXt", b"tEXt")]
        assert sorted(keywords) == [b"XML:com.adobe.xmp", b"fluxdesk", b"parameters"]
    else:
        assert [m for m, _ in jpeg_markers(second)].count(0xEB) == 1
        assert [m for m, _ in jpeg_markers(second)].count(0xE1) == 2  # Exif + XMP, once each
    assert pixels(second) == pixels(first)


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_large_document_roundtrips(fmt: str) -> None:
    """Huge notes: JPEG splits over several APP11 segments, PNG compresses the iTXt."""
    original = image_bytes(fmt)
    meta = make_meta(fmt=fmt).with_review(notes="é" * 100_000 + "end")
    embedded = md.embed(original, meta)
    assert md.read_bytes(embedded) == meta
    assert pixels(embedded) == pixels(original)
    if fmt == "jpeg":
        ours = [payload for m, payload in jpeg_markers(embedded) if m == 0xEB]
        assert len(ours) == 4 and all(len(p) + 2 <= 0xFFFF for p in ours)
    else:
        payload = next(p for _, p, _ in png_chunks(embedded) if keyword_of(p) == b"fluxdesk")
        assert payload[len(b"fluxdesk\x00")] == 1  # compressed
        assert len(payload) < 100_000


def test_max_prompt_fits_one_jpeg_segment() -> None:
    meta = make_meta("ü" * 4000, fmt="jpeg")
    embedded = md.embed(image_bytes("jpeg"), meta)
    assert sum(1 for m, _ in jpeg_markers(embedded) if m == 0xEB) == 1
    assert md.read_bytes(embedded) == meta


def test_64_bit_seed_roundtrip() -> None:
    meta = make_meta(seed=2**63 - 1)
    assert md.read_bytes(md.embed(image_bytes(), meta)) == meta
    assert meta.to_request().seed == 2**63 - 1


def test_read_file_and_rewrite_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "img.jpg"
    path.write_bytes(md.embed(image_bytes("jpeg"), make_meta(fmt="jpeg")))
    before = pixels(path.read_bytes())
    updated = md.read_file(path)
    assert updated is not None
    updated = updated.with_review(favourite=True, rating=5, notes="keep", tags=("fox", " fox ", "Snow"))
    md.rewrite_file(path, updated)
    again = md.read_file(path)
    assert again == updated and again.tags == ("fox", "Snow")
    assert pixels(path.read_bytes()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["img.jpg"]  # no temp file left


def test_plain_files_without_metadata_return_none(tmp_path: Path) -> None:
    for fmt in ("png", "jpeg"):
        path = tmp_path / f"plain.{fmt}"
        path.write_bytes(image_bytes(fmt))
        assert md.read_file(path) is None


def test_reader_does_not_decode_pixels() -> None:
    """Garbage pixel data must not matter: only chunk headers are parsed."""
    data = md.embed(image_bytes("png"), make_meta())
    chunks = png_chunks(data)
    idat = next(i for i, c in enumerate(chunks) if c[0] == b"IDAT")
    out = [data[:8]]
    for i, (kind, payload, _) in enumerate(chunks):
        if i == idat:
            payload = b"\x00" * len(payload)
        out.append(
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )
    assert md.read_bytes(b"".join(out)) == make_meta()


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xd8\xff"],
    ids=["empty", "gif", "truncated-png", "truncated-jpeg"],
)
def test_not_an_image_or_truncated_raises_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        md.read_bytes(data)
    with pytest.raises(ValueError):
        md.embed(data, make_meta())


def test_damaged_document_raises_value_error() -> None:
    data = md.embed(image_bytes("png"), make_meta())
    broken = data.replace(b'"seed":4134117142', b'"seed":"x"       ')
    chunks = png_chunks(broken)
    with pytest.raises(ValueError, match="CRC"):
        md.read_bytes(broken)
    # Fix the CRC: now the JSON itself is rejected.
    fixed = [broken[:8]]
    for kind, payload, _ in chunks:
        fixed.append(
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )
    with pytest.raises(ValueError, match="seed"):
        md.read_bytes(b"".join(fixed))


def test_from_json_tolerates_missing_user_fields() -> None:
    doc = make_meta().to_document()
    for key in ("favourite", "rating", "notes", "tags"):
        del doc[key]
    meta = ImageRecord.from_document(doc)
    assert (meta.favourite, meta.rating, meta.notes, meta.tags) == (False, 0, "", ())
    assert meta.prompt == "a red fox in snow" and meta.created == CREATED


@pytest.mark.parametrize(
    "patch",
    [
        None,
        {"request": "x"},
        {"seed": "1"},
        {"seed": 2**64},
        {"seed": True},
        {"width": 1.5},
        {"output_format": "gif"},
        {"nsfw": "no"},
        {"timings": {"x": "slow"}},
        {"created": "yesterday"},
        {"rating": 6},
        {"tags": "a,b"},
    ],
)
def test_from_json_rejects_garbage(patch: dict | None) -> None:
    doc = None if patch is None else {**make_meta().to_document(), **patch}
    with pytest.raises(ValueError):
        ImageRecord.from_document(doc)


def test_to_request_with_and_without_seed() -> None:
    meta = make_meta(fmt="jpeg")
    request = meta.to_request()
    assert request.seed == 4134117142 and request.output_format is OutputFormat.JPEG
    assert request.guidance_scale == 3.5 and request.prompt == meta.prompt
    assert meta.to_request(with_seed=False).seed is None


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_embed_file_in_place_matches_embed(tmp_path: Path, fmt: str) -> None:
    data = image_bytes(fmt, size=(96, 64))
    meta = make_meta(fmt=fmt)
    path = tmp_path / f"a.{fmt}"
    path.write_bytes(data)
    size = md.embed_file(path, meta)
    assert path.read_bytes() == md.embed(data, meta)  # the PNG tail-only path gives the same bytes
    assert size == path.stat().st_size
    # Embedding again replaces the block (the whole-file path), still one block.
    again = make_meta(fmt=fmt).with_review(notes="second")
    md.embed_file(path, again)
    assert path.read_bytes() == md.embed(data, again)
    read = md.read_file(path)
    assert read is not None and read.notes == "second"
    assert pixels(path.read_bytes()) == pixels(data)
