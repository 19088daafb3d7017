"""Drop-to-fill reads other tools' images through the one reader: a ComfyUI or A1111 image
fills the form with what maps onto flux-realism and names what it could not map."""

from __future__ import annotations

from pathlib import Path

import pytest
import samples

from fluxdesk.core.request import CustomSize, GenerationRequest
from fluxdesk.ui.generate.image_drop import ImageDropFilter, request_from_file


def test_comfyui_image_fills_and_names_what_it_could_not_map(tmp_path: Path) -> None:
    request, message = request_from_file(samples.comfyui_png(tmp_path / "comfy.png"))
    assert request is not None
    assert request.prompt == "beautiful scenery nature glass bottle landscape"
    assert (request.seed, request.num_inference_steps, request.guidance_scale) == (156680208700286, 20, 8.0)
    assert request.image_size == CustomSize(512, 512)
    assert message.title == "Settings loaded from a ComfyUI image"
    assert "sampler: euler_ancestral" in message.text and "negative prompt: text, watermark" in message.text
    assert "model: v1-5-pruned-emaonly.safetensors" in message.text


def test_a1111_image_fills_the_form_through_the_drop_filter(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    target = QWidget()
    qtbot.addWidget(target)
    got: list[tuple[GenerationRequest, str]] = []
    messages: list[str] = []
    drop = ImageDropFilter(target, lambda r, m: got.append((r, m.text)), lambda m: messages.append(m.text))
    jpeg = samples.jpeg_with_user_comment(tmp_path / "a1111.jpg", samples.A1111_PARAMETERS)
    request = drop.handle(jpeg)
    assert request is not None and got and not messages
    assert request.prompt == "a lighthouse on a cliff, golden hour" and request.seed == 1234567890
    assert request.num_inference_steps == 30 and request.guidance_scale == 7.0
    assert request.image_size == CustomSize(768, 512)
    assert "negative prompt: blurry, lowres" in got[0][1] and "sampler: DPM++ 2M Karras" in got[0][1]


@pytest.mark.parametrize("key", ["invokeai_metadata", "prompt"])
def test_hostile_blocks_leave_the_form_alone(tmp_path: Path, key: str) -> None:
    path = samples.png_with_text(tmp_path / "h.png", {key: "{" * 50_000})
    request, message = request_from_file(path)
    assert request is None and message.title == "No FluxDesk settings in this image"


def test_invokeai_image_fills_the_form(tmp_path: Path) -> None:
    request, message = request_from_file(samples.invokeai_png(tmp_path / "invoke.png"))
    assert request is not None and request.prompt == "a watercolor fox in the forest"
    assert (request.seed, request.num_inference_steps, request.guidance_scale) == (3155939370, 30, 4.5)
    assert request.image_size == CustomSize(1024, 1024)
    assert message.title == "Settings loaded from an InvokeAI image"
    assert "model: Juggernaut XL v9" in message.text and "negative prompt: photo" in message.text
