"""How the window words presets (ui/presets/describe.py, plain Python): a name to start
from, the one-line settings, a name in a menu."""

from __future__ import annotations

import pytest

from fluxdesk.core.presets import Preset
from fluxdesk.ui.presets.describe import menu_text, preset_text, settings_text, suggested_name


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("A lighthouse on a basalt cliff at dusk, long exposure", "A lighthouse on a basalt cliff"),
        ("studio portrait of {subject}, rim light", "studio portrait"),  # no slot, no dangling "of"
        ("a red fox in snow; golden hour", "a red fox in snow"),
        ("x" * 50, "x" * 32),  # one long word: cut
        ("", "My preset"),
        ("{subject}", "My preset"),
    ],
)
def test_a_suggested_name_is_the_prompts_first_clause(prompt: str, name: str) -> None:
    assert suggested_name(prompt) == name


def test_settings_read_in_the_forms_words_and_order() -> None:
    values = {
        "num_images": 1,
        "image_size": {"width": 1536, "height": 512},
        "guidance_scale": None,
        "num_inference_steps": 28,
        "seed": 42,
        "output_format": "png",
        "enable_safety_checker": False,
    }
    assert (
        settings_text(values) == "1536×512 · guidance Auto · 28 steps · 1 image · seed 42 · PNG · safety off"
    )
    assert settings_text({}) == "no settings"
    kept = Preset("Steps", {"num_inference_steps": 9})
    assert preset_text(kept) == "Keeps the prompt\n9 steps"
    assert menu_text("Salt & pepper") == "Salt && pepper"
