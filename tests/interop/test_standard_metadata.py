"""Every new image carries metadata other tools read: XMP (exiftool) and the A1111
``parameters`` text (sd-parsers, the library A1111-style readers share), with the
original image data untouched and every text block before the image data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from interophelpers import exiftool, image_bytes, make_meta, pixels
from sd_parsers import ParserManager

from fluxdesk import __version__
from fluxdesk.core import metadata as md
from fluxdesk.core.interop import a1111, containers
from fluxdesk.core.interop.xmp import TRAINED_ALGORITHMIC_MEDIA
from fluxdesk.sandbox.server import Sandbox

XMP_FIELDS = ("-XMP-dc:Description", "-XMP-xmp:CreatorTool", "-XMP-xmp:CreateDate", "-XMP-iptcExt:all")


def generate(home: Path, sandbox: Sandbox, *args: str) -> Path:
    """``fluxdesk generate`` as a real process against the loopback sandbox; the saved file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env.update(FLUXDESK_HOME=str(home), FLUXDESK_BASE_URL=sandbox.base_url, FLUXDESK_API_KEY=sandbox.api_key)
    done = subprocess.run(
        [sys.executable, "-m", "fluxdesk", "generate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A JPEG (the default format) and a PNG, steps and guidance left on "Auto"."""
    home = tmp_path_factory.mktemp("standard") / "home"
    with Sandbox() as sandbox:
        return {
            "jpeg": generate(home, sandbox, "a red fox, in snow: dusk", "--seed", "9223372036854775807"),
            "png": generate(home, sandbox, "ein Fuchs – im Schnee", "--format", "png", "--seed", "7"),
        }


@pytest.mark.subprocess
@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_exiftool_reads_the_xmp_fields_without_warning(generated: dict[str, Path], fmt: str) -> None:
    path = generated[fmt]
    found = exiftool(path, *XMP_FIELDS, "-ExifTool:Warning")
    prompt = "a red fox, in snow: dusk" if fmt == "jpeg" else "ein Fuchs – im Schnee"
    assert found["XMP-dc:Description"] == prompt
    assert found["XMP-xmp:CreatorTool"] == f"FluxDesk {__version__}"
    assert found["XMP-xmp:CreateDate"].startswith("20")
    assert found["XMP-iptcExt:DigitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert "ExifTool:Warning" not in found
    # Nothing exiftool reads at all warns (e.g. text after IDAT).
    assert not [k for k in exiftool(path) if "Warning" in k]


@pytest.mark.subprocess
@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_sd_parsers_reads_prompt_seed_steps_and_guidance(generated: dict[str, Path], fmt: str) -> None:
    info = ParserManager().parse(generated[fmt])
    assert info is not None
    sampler = info.samplers[0]
    prompt = "a red fox, in snow: dusk" if fmt == "jpeg" else "ein Fuchs – im Schnee"
    assert [p.value for p in info.prompts] == [prompt]
    assert sampler.name == a1111.FLUX_SAMPLER
    seed = "9223372036854775807" if fmt == "jpeg" else "7"
    # "Auto" steps and guidance were sent as the API's defaults, so they are known.
    assert sampler.parameters == {"seed": seed, "steps": "28", "cfg_scale": "3.5"}


@pytest.mark.subprocess
def test_a1111_line_layout_and_user_comment_encoding(generated: dict[str, Path]) -> None:
    with generated["jpeg"].open("rb") as fh:
        _, _, apps = containers.jpeg_scan(fh)
    exif = next(s for s in apps if s.payload.startswith(b"Exif\x00\x00"))
    raw = b"UNICODE\x00" + (
        "a red fox, in snow: dusk\nSteps: 28, Sampler: Euler, CFG scale: 3.5, "
        "Seed: 9223372036854775807, Size: 1024x768, Model: flux-realism"
    ).encode("utf-16-be")
    assert raw in exif.payload  # A1111's encoding: the 8-byte prefix, then UTF-16BE


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_original_image_data_is_untouched(fmt: str) -> None:
    original = image_bytes(fmt)
    embedded = md.embed(original, make_meta(fmt=fmt))
    assert pixels(embedded) == pixels(original)
    if fmt == "png":
        ours = {b"tEXt", b"iTXt"}
        kept = [c.raw for c in containers.png_chunks(embedded)[0] if c.kind not in ours]
        assert kept == [c.raw for c in containers.png_chunks(original)[0]]
        kinds = [c.kind for c in containers.png_chunks(embedded)[0]]
        assert max(i for i, k in enumerate(kinds) if k in ours) < kinds.index(b"IDAT")
    else:
        # The scan (entropy-coded data) and every table are byte for byte the original's.
        assert containers.jpeg_segments(embedded)[1] == containers.jpeg_segments(original)[1]
        tables = [s.raw for s in containers.jpeg_segments(original)[0] if not 0xE0 <= s.marker <= 0xEF]
        assert [s.raw for s in containers.jpeg_segments(embedded)[0] if s.raw in tables] == tables


def test_rewriting_a_reviewed_file_keeps_one_of_each_block(tmp_path: Path) -> None:
    path = tmp_path / "img.png"
    path.write_bytes(md.embed(image_bytes("png"), make_meta()))
    md.rewrite_file(path, make_meta().with_review(rating=5, notes="keep", tags=["a"]))
    keywords = [containers.png_keyword(c) for c in containers.png_chunks(path.read_bytes())[0]]
    assert sorted(k for k in keywords if k) == ["XML:com.adobe.xmp", "fluxdesk", "parameters"]
    assert exiftool(path, "-XMP-dc:Description")["XMP-dc:Description"] == "a red fox in snow"
    assert md.read_file(path) == make_meta().with_review(rating=5, notes="keep", tags=["a"])


def test_xml_special_characters_and_long_prompts_survive(tmp_path: Path) -> None:
    prompt = 'a <b>"fox"</b> & a hound\n' + "ü" * 3900
    path = tmp_path / "img.jpg"
    path.write_bytes(md.embed(image_bytes("jpeg"), make_meta(prompt, fmt="jpeg")))
    assert exiftool(path, "-XMP-dc:Description")["XMP-dc:Description"] == prompt
    info = ParserManager().parse(path)
    assert info is not None and [p.value for p in info.prompts] == [prompt.strip()]


def test_unknown_values_are_left_out_of_the_a1111_line() -> None:
    meta = make_meta(steps=None, guidance=None)  # an older file made with "Auto"
    data = md.embed(image_bytes("png"), meta)
    text = next(
        containers.png_text_value(c)
        for c in containers.png_chunks(data)[0]
        if containers.png_keyword(c) == "parameters"
    )
    assert text == "a red fox in snow\nSampler: Euler, Seed: 4134117142, Size: 64x48, Model: flux-realism"
