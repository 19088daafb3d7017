"""Issue 15, item 3: typing into a number field is never altered. An out-of-range value
stays as typed, is shown as an inline problem under its field, and keeps Generate
disabled (nothing the user did not type is ever sent). Real keystrokes, real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from fluxdesk.core import params as P
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow


def error_text(window: QWidget, key: str) -> str:
    label = window.findChild(QLabel, f"{key}Error")  # made on the field's first problem
    return label.text() if label is not None and label.isVisible() else ""


def field(window: MainWindow, key: str) -> QWidget:
    panel = window.form_panel
    fields = {F.SEED: panel.seed_edit, F.WIDTH: panel.width_spin, F.HEIGHT: panel.height_spin}
    return fields.get(key) or panel.numbers[key]


def retype(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


SPEC = {
    F.GUIDANCE: P.GUIDANCE_SCALE,
    F.STEPS: P.NUM_INFERENCE_STEPS,
    F.NUM_IMAGES: P.NUM_IMAGES,
    F.SEED: P.SEED,
}
CASES = [
    (F.GUIDANCE, "25", "Guidance scale: must be a number from 1 to 20"),
    (F.STEPS, "99", "Steps: must be a whole number from 1 to 50"),
    (F.NUM_IMAGES, "7", "Images: must be a whole number from 1 to 4"),
    (F.NUM_IMAGES, "", "Images: must be a whole number from 1 to 4"),  # no silent default
    (F.SEED, str(P.SEED_MAX + 1), f"Seed: must be {P.SEED.range_text()}"),
    (F.SEED, "12abc", f"Seed: must be {P.SEED.range_text()}"),
    (F.GUIDANCE, "2,5x", "Guidance scale: must be a number from 1 to 20"),
    (F.WIDTH, "2000", "Width: must be a multiple of 32 from 512 to 1536"),
    (F.HEIGHT, "100", "Height: must be a multiple of 32 from 512 to 1536"),
]


@pytest.mark.parametrize(("key", "typed", "problem"), CASES)
def test_typing_is_never_altered_and_an_out_of_range_value_blocks_generate(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, key: str, typed: str, problem: str
) -> None:
    qtbot.keyClicks(window.form_panel.prompt, "a red fox")
    if key in (F.WIDTH, F.HEIGHT):
        combo = window.form_panel.size_combo
        combo.setCurrentIndex(combo.findData(F.CUSTOM_SIZE))
    assert window.generate_button.isEnabled()
    widget = field(window, key)
    retype(qtbot, widget, typed)
    assert widget.text() == typed  # every keystroke kept
    assert problem in error_text(window, key)
    assert not window.form.valid and not window.generate_button.isEnabled()
    assert problem in window.generate_button.toolTip()
    # Fixing it by typing makes the request valid again, with exactly what was typed.
    good = {
        F.GUIDANCE: "4.5",
        F.STEPS: "30",
        F.NUM_IMAGES: "3",
        F.SEED: "42",
        F.WIDTH: "640",
        F.HEIGHT: "640",
    }
    retype(qtbot, widget, good[key])
    assert widget.text() == good[key] and error_text(window, key) == ""
    assert window.generate_button.isEnabled() and window.form.request is not None
    body = window.form.request.to_api_json()
    if key in (F.WIDTH, F.HEIGHT):
        assert body["image_size"][key] == 640
    else:
        assert str(body[key]) == good[key]


def test_arrow_keys_step_from_what_is_typed_and_stay_in_range(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.form_panel
    steps = panel.steps_spin
    assert steps.text() == "" and steps.lineEdit().placeholderText() == P.AUTO_TEXT
    retype(qtbot, steps, "99")
    qtbot.keyClick(steps, Qt.Key.Key_Down)
    assert steps.text() == "50" and window.form.value(F.STEPS) == 50  # back into the range
    retype(qtbot, steps, "1")
    qtbot.keyClick(steps, Qt.Key.Key_Down)
    assert steps.text() == "" and window.form.value(F.STEPS) is None  # below the minimum: Auto
    qtbot.keyClick(steps, Qt.Key.Key_Up)
    assert steps.text() == "1"
    guidance = panel.guidance_spin
    retype(qtbot, guidance, "3.3")
    qtbot.keyClick(guidance, Qt.Key.Key_Up)
    assert guidance.text() == "3.5"  # onto the step's grid
    combo = panel.size_combo
    combo.setCurrentIndex(combo.findData(F.CUSTOM_SIZE))
    retype(qtbot, panel.width_spin, "1000")
    qtbot.keyClick(panel.width_spin, Qt.Key.Key_Up)
    assert panel.width_spin.text() == "1024" and window.form.value(F.WIDTH) == 1024
    images = panel.images_spin
    retype(qtbot, images, "4")
    qtbot.keyClick(images, Qt.Key.Key_Up)
    assert images.text() == "4"  # a required field stays within its limits
