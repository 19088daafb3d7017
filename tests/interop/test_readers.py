"""The one reader: FluxDesk's own files and other tools' (A1111/Forge, ComfyUI, InvokeAI,
Fooocus, plain XMP), each sample made in its tool's documented format, and hostile files."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
import samples
from interophelpers import image_bytes, make_meta

from fluxdesk.cli.main import main
from fluxdesk.core import metadata as md
from fluxdesk.core.interop import containers, xmp
from fluxdesk.core.interop.readers import UnreadableImage, read_image
from fluxdesk.core.limits import MAX_TEXT_CHUNK_BYTES


def test_fluxdesk_file_gives_its_full_request(tmp_path: Path) -> None:
    path = tmp_path / "own.jpg"
    path.write_bytes(md.embed(image_bytes("jpeg"), make_meta(fmt="jpeg", seed=2**63 - 1)))
    reading = read_image(path)
    assert reading.source == "fluxdesk" and reading.seed == 2**63 - 1
    assert reading.prompt == "a red fox in snow" and reading.num_inference_steps == 28
    assert reading.request is not None and reading.request["seed"] == 2**63 - 1
    assert (reading.width, reading.height) == (64, 48)


def test_older_fluxdesk_file_with_its_block_after_the_image_data(tmp_path: Path) -> None:
    data = image_bytes("png")
    document = make_meta().dumps()
    chunk = containers.png_itxt_chunk("fluxdesk", document)
    iend = data.rindex(b"IEND") - 4
    path = tmp_path / "old.png"
    path.write_bytes(data[:iend] + chunk + data[iend:])
    assert read_image(path).source == "fluxdesk"


def test_a1111_png(tmp_path: Path) -> None:
    reading = read_image(samples.a1111_png(tmp_path / "a.png"))
    assert reading.source == "a1111"
    assert reading.prompt == "a lighthouse on a cliff, golden hour"
    assert (reading.seed, reading.num_inference_steps, reading.guidance_scale) == (1234567890, 30, 7.0)
    assert reading.request is not None
    assert reading.request["image_size"] == {"width": 768, "height": 512}
    assert reading.request["seed"] == 1234567890 and reading.request["guidance_scale"] == 7.0
    assert "negative prompt: blurry, lowres" in reading.unmapped
    assert "sampler: DPM++ 2M Karras" in reading.unmapped
    assert "model: v1-5-pruned-emaonly" in reading.unmapped


def test_a1111_jpeg_user_comment(tmp_path: Path) -> None:
    reading = read_image(samples.jpeg_with_user_comment(tmp_path / "a.jpg", samples.A1111_PARAMETERS))
    assert reading.source == "a1111" and reading.seed == 1234567890 and reading.num_inference_steps == 30


def test_forge_flux_uses_distilled_guidance(tmp_path: Path) -> None:
    path = samples.png_with_text(tmp_path / "f.png", {"parameters": samples.FORGE_FLUX_PARAMETERS})
    reading = read_image(path)
    assert reading.guidance_scale == 3.5 and reading.seed == 42 and reading.num_inference_steps == 20
    assert not any(u.startswith("sampler") for u in reading.unmapped)  # Euler is FLUX's own
    assert reading.request is not None and reading.request["image_size"] == {"width": 1024, "height": 1024}


def test_comfyui_graph(tmp_path: Path) -> None:
    reading = read_image(samples.comfyui_png(tmp_path / "c.png"))
    assert reading.source == "comfyui"
    assert reading.prompt == "beautiful scenery nature glass bottle landscape"
    assert (reading.seed, reading.num_inference_steps, reading.guidance_scale) == (156680208700286, 20, 8.0)
    assert reading.request is not None and reading.request["image_size"] == {"width": 512, "height": 512}
    assert set(reading.unmapped) == {
        "sampler: euler_ancestral",
        "negative prompt: text, watermark",
        "model: v1-5-pruned-emaonly.safetensors",
    }


def test_comfyui_flux_graph(tmp_path: Path) -> None:
    reading = read_image(samples.comfyui_png(tmp_path / "c.png", samples.COMFYUI_FLUX_PROMPT))
    assert reading.prompt == "a cat wearing a hat"
    assert (reading.seed, reading.num_inference_steps, reading.guidance_scale) == (219670278747233, 25, 3.5)
    assert reading.request is not None and reading.request["image_size"] == {"width": 1024, "height": 768}


def test_invokeai(tmp_path: Path) -> None:
    reading = read_image(samples.invokeai_png(tmp_path / "i.png"))
    assert reading.source == "invokeai" and reading.prompt == "a watercolor fox in the forest"
    assert (reading.seed, reading.num_inference_steps, reading.guidance_scale) == (3155939370, 30, 4.5)
    assert "model: Juggernaut XL v9" in reading.unmapped and "sampler: dpmpp_3m_k" in reading.unmapped


def test_fooocus(tmp_path: Path) -> None:
    reading = read_image(samples.fooocus_png(tmp_path / "f.png"))
    assert reading.source == "fooocus" and reading.prompt == "a red bicycle leaning on a wall"
    assert (reading.seed, reading.num_inference_steps, reading.guidance_scale) == (
        8230597377813016016,
        30,
        4.0,
    )
    # 1152x896: both multiples of 32 within 512-1536, so the size maps as it is.
    assert reading.request is not None and reading.request["image_size"] == {"width": 1152, "height": 896}


def test_plain_xmp_description_is_the_last_resort(tmp_path: Path) -> None:
    packet = xmp.build(xmp.XmpFields(description="a quiet harbour", ai_label=False))
    segment = containers.jpeg_segment(containers.APP1, containers.XMP_HEADER + packet)
    data = image_bytes("jpeg")
    path = tmp_path / "x.jpg"
    path.write_bytes(containers.jpeg_splice(data, [segment], lambda s: False))
    reading = read_image(path)
    assert reading.source == "xmp" and reading.prompt == "a quiet harbour" and reading.seed is None
    assert reading.request is not None and reading.request["prompt"] == "a quiet harbour"


def test_values_outside_flux_realism_limits_are_named_not_mapped(tmp_path: Path) -> None:
    text = "a tall tower\nSteps: 150, Sampler: Euler, CFG scale: 30, Seed: -1, Size: 500x700"
    reading = read_image(samples.png_with_text(tmp_path / "t.png", {"parameters": text}))
    assert reading.num_inference_steps == 150 and reading.request is not None
    assert reading.request["num_inference_steps"] is None and reading.request["guidance_scale"] is None
    assert reading.request["seed"] is None and reading.request["prompt"] == "a tall tower"
    dropped = " | ".join(reading.unmapped)
    assert "steps 150 (Steps: must be a whole number from 1 to 50)" in dropped
    assert "guidance 30" in dropped and "seed -1" in dropped and "size 500×700" in dropped


def test_image_without_parameters(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    path.write_bytes(image_bytes("png"))
    reading = read_image(path)
    assert reading.source is None and reading.request is None and reading.notes == []


# ------------------------------------------------------------------------ hostile files


def _png_with_chunk(kind: bytes, payload: bytes, trailing: bytes = b"") -> bytes:
    data = image_bytes("png")
    first_idat = data.index(b"IDAT") - 4
    return data[:first_idat] + containers.png_chunk(kind, payload) + data[first_idat:] + trailing


@pytest.mark.parametrize(
    "text",
    [b"A" * (12 * 2**20), b"a: " * (4 * 2**20), b'x\nk: "' + b"\\," * (5 * 2**20), b"," * (12 * 2**20)],
    ids=["letters", "colons", "open-quote", "commas"],
)
def test_a_12_mb_text_chunk_gives_no_parameters(tmp_path: Path, text: bytes) -> None:
    """Read and parsed in linear time (a backtracking regex would take hours on these)."""
    path = tmp_path / "big.png"
    path.write_bytes(_png_with_chunk(b"tEXt", b"parameters\x00" + text))
    reading = read_image(path)
    assert reading.source is None and reading.request is None


def test_a_text_chunk_over_the_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_with_chunk(b"tEXt", b"parameters\x00" + b"A" * (MAX_TEXT_CHUNK_BYTES + 1)))
    reading = read_image(path)
    assert reading.source is None and reading.notes == ["skipped a tEXt chunk of 16.0 MB"]


def test_a_compressed_bomb_is_refused(tmp_path: Path) -> None:
    bomb = zlib.compress(b"{" * (64 * 2**20), 9)  # 64 MB of JSON-ish text in ~64 KB
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_with_chunk(b"iTXt", b"prompt\x00\x01\x00\x00\x00" + bomb))
    reading = read_image(path)
    assert reading.source is None and "too large" in reading.notes[0]


def test_invalid_utf8_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "utf8.png"
    path.write_bytes(_png_with_chunk(b"iTXt", b"parameters\x00\x00\x00\x00\x00\xff\xfe bad"))
    reading = read_image(path)
    assert reading.source is None and reading.notes == ["'parameters': PNG: iTXt chunk is not valid UTF-8"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("prompt", "[1, 2, 3]"),
        (
            "prompt",
            '{"3": {"class_type": "KSampler", "inputs": {"seed": "x", "steps": [], "positive": ["3", 0]}}}',
        ),
        ("prompt", '{"1": {"class_type": "CLIPTextEncode", "inputs": {"text": ["1", 0]}}}'),
        ("invokeai_metadata", '{"positive_prompt": 5, "seed": "no"}'),
        ("invokeai_metadata", "[" * 100_000),
        ("parameters", '{"prompt": ["not", "text"]}'),
        ("sd-metadata", '{"image": {"prompt": [{"prompt": 1}]}}'),
    ],
)
def test_json_of_the_wrong_types_gives_no_parameters(tmp_path: Path, key: str, value: str) -> None:
    path = samples.png_with_text(tmp_path / "wrong.png", {key: value})
    reading = read_image(path)
    assert reading.source is None and reading.request is None


def test_garbage_after_iend_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "tail.png"
    path.write_bytes(md.embed(image_bytes("png"), make_meta()) + b"\x00garbage" * 1000)
    assert read_image(path).source == "fluxdesk"


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR", b"\xff\xd8\xff\xe0\x00"],
    ids=["empty", "gif", "truncated-png", "truncated-jpeg"],
)
def test_not_a_readable_image_is_one_line(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(data)
    with pytest.raises(UnreadableImage) as caught:
        read_image(path)
    assert "\n" not in str(caught.value) and "image" in str(caught.value)


# ----------------------------------------------------------------------------- the CLI


def test_inspect_json_one_object_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        samples.a1111_png(tmp_path / "a.png"),
        samples.comfyui_png(tmp_path / "c.png"),
        samples.invokeai_png(tmp_path / "i.png"),
    ]
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(image_bytes("jpeg"))
    assert main(["inspect", "--json", *map(str, files), str(plain)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["source"] for o in out] == ["a1111", "comfyui", "invokeai", None]
    assert set(out[0]) == {
        "path",
        "source",
        "prompt",
        "seed",
        "width",
        "height",
        "guidance_scale",
        "num_inference_steps",
        "request",
    }
    assert out[1]["seed"] == 156680208700286 and out[3]["request"] is None and out[3]["width"] == 64


def test_inspect_text_and_exit_2_for_a_non_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = samples.png_with_text(
        tmp_path / "h.png", {"parameters": "x\x1b]0;pwned\x07\nSteps: 2, Sampler: a, Seed: 3"}
    )
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert main(["inspect", str(hostile), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "source: A1111/Forge" in captured.out and "\x1b" not in captured.out
    assert (
        "x\\u001b]0;pwned\\u0007" in captured.out and "not used by flux-realism: sampler: a" in captured.out
    )
    assert captured.err == f"fluxdesk inspect: {bad}: not a readable image (neither PNG nor JPEG)\n"
