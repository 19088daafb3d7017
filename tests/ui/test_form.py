"""The form: bound to the one request model, limits from the catalogue, inline problems."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from fluxdesk.core import params as P
from fluxdesk.core.params import SizePreset
from fluxdesk.core.request import CustomSize
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.generate.form import SEED_EDIT_EXTRA, FormPanel, RequestForm


def make_panel(qtbot) -> FormPanel:  # type: ignore[no-untyped-def]
    form = RequestForm()
    panel = FormPanel(form)
    qtbot.addWidget(panel)
    panel.show()
    panel.finish_after_first_frame()  # as the main window does right after its first frame
    return panel


def error_text(panel: QWidget, key: str) -> str:
    label = panel.findChild(QLabel, f"{key}Error")  # made on the field's first problem
    return label.text() if label is not None and label.isVisible() else ""


def test_limits_and_defaults_come_from_the_catalogue(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    assert (panel.width_spin.minimum(), panel.width_spin.maximum()) == (P.SIDE_MIN, P.SIDE_MAX)
    assert panel.width_spin.singleStep() == P.SIDE_STEP
    assert panel.images_spin.maximum() == P.NUM_IMAGES.maximum
    assert panel.images_spin.value() == P.NUM_IMAGES.default
    assert panel.steps_spin.maximum() == P.NUM_INFERENCE_STEPS.maximum
    assert panel.guidance_spin.maximum() == P.GUIDANCE_SCALE.maximum
    assert panel.steps_spin.text() == "" and panel.form.value(F.STEPS) is None
    assert panel.steps_spin.lineEdit().placeholderText() == "Auto"
    assert panel.size_combo.currentData() == P.DEFAULT_SIZE.value
    assert panel.format_combo.currentData() == P.DEFAULT_FORMAT.value
    assert panel.safety_check.isChecked() is P.DEFAULT_SAFETY_CHECKER
    assert panel.seed_edit.placeholderText() == "New each time"


def test_prompt_problems_inline_and_char_count(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    # Empty (as every session starts): invalid, but not marked as a mistake.
    assert not panel.form.valid and error_text(panel, F.PROMPT) == ""
    qtbot.keyClicks(panel.prompt, "   ")
    assert not panel.form.valid and "Prompt" in error_text(panel, F.PROMPT)
    panel.prompt.clear()
    assert not panel.form.valid and error_text(panel, F.PROMPT) == ""
    qtbot.keyClicks(panel.prompt, "a red fox")
    assert panel.form.valid and error_text(panel, F.PROMPT) == ""
    assert panel.char_count.text() == f"9 / {P.PROMPT_MAX_CHARS}"
    panel.form.set_value(F.PROMPT, "x" * (P.PROMPT_MAX_CHARS + 1))
    assert not panel.form.valid
    assert f"at most {P.PROMPT_MAX_CHARS}" in error_text(panel, F.PROMPT)


def test_problems_appear_where_their_field_is(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The labels are made on a field's first problem: each still lands under its field
    (the prompt's beside the character count), in the field's column."""
    panel = make_panel(qtbot)
    panel.form.set_value(F.PROMPT, "x" * (P.PROMPT_MAX_CHARS + 1))
    panel.form.set_value(F.SEED, str(P.SEED_MAX + 1))
    panel.size_combo.setCurrentIndex(panel.size_combo.findData(F.CUSTOM_SIZE))
    panel.height_spin.setValue(1000)  # not a multiple of the step
    qtbot.waitUntil(lambda: all(error_text(panel, key) for key in (F.PROMPT, F.SEED, F.HEIGHT)))

    def box(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())

    prompt_error = box(panel.findChild(QLabel, "promptError"))
    assert prompt_error.top() >= box(panel.prompt).bottom()
    assert prompt_error.right() < box(panel.char_count).left()
    for key, field in ((F.SEED, panel.seed_edit), (F.HEIGHT, panel.width_spin)):
        error = box(panel.findChild(QLabel, f"{key}Error"))
        assert error.top() >= box(field).bottom(), key
        assert error.left() == box(field).left(), key
    assert error_text(panel, F.WIDTH) == ""  # its label was never needed
    assert panel.findChild(QLabel, "widthError") is None


def test_custom_size_step_aspect_lock_and_swap(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    panel.form.set_value(F.PROMPT, "p")
    assert not panel.width_spin.isEnabled()
    panel.size_combo.setCurrentIndex(panel.size_combo.findData(F.CUSTOM_SIZE))
    assert panel.width_spin.isEnabled()
    panel.width_spin.setValue(1000)  # not a multiple of the step
    assert not panel.form.valid
    assert f"multiple of {P.SIDE_STEP}" in error_text(panel, F.WIDTH)
    panel.width_spin.setValue(1024)
    panel.height_spin.setValue(512)
    assert panel.form.valid
    panel.lock_ratio.setChecked(True)
    panel.width_spin.setValue(1536)
    assert panel.form.value(F.HEIGHT) == 768
    qtbot.mouseClick(panel.swap_button, Qt.MouseButton.LeftButton)
    assert (panel.width_spin.value(), panel.height_spin.value()) == (768, 1536)
    assert panel.form.request is not None and panel.form.request.image_size == CustomSize(768, 1536)


def test_seed_accepts_64_bit_and_flags_overflow(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    panel.form.set_value(F.PROMPT, "p")
    qtbot.keyClicks(panel.seed_edit, str(P.SEED_MAX))
    assert panel.form.request is not None and panel.form.request.seed == P.SEED_MAX
    panel.seed_edit.clear()
    qtbot.keyClicks(panel.seed_edit, str(P.SEED_MAX + 1))
    # The rule alone: the value it would quote is in the field right above (the CLI quotes it).
    assert not panel.form.valid and error_text(panel, F.SEED) == f"Seed: must be {P.SEED.range_text()}"
    assert "(got" in panel.form.problems[0].message
    panel.seed_edit.clear()
    qtbot.keyClicks(panel.seed_edit, "12abc")  # kept as typed, and named as a problem
    assert panel.seed_edit.text() == "12abc" and not panel.form.valid
    assert error_text(panel, F.SEED) == f"Seed: must be {P.SEED.range_text()}"
    panel.set_last_seed(4242)
    qtbot.mouseClick(panel.random_seed, Qt.MouseButton.LeftButton)
    assert panel.seed_edit.text() == ""
    qtbot.mouseClick(panel.reuse_seed, Qt.MouseButton.LeftButton)
    assert panel.form.request is not None and panel.form.request.seed == 4242


def test_load_restores_and_ignores_wrong_types(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    panel.form.load(
        {
            F.PROMPT: "saved",
            F.SIZE: SizePreset.SQUARE.value,
            F.STEPS: 30,
            F.GUIDANCE: 4,
            F.NUM_IMAGES: "three",
            F.FORMAT: "gif",
        }
    )
    assert panel.prompt.toPlainText() == "saved"
    assert panel.size_combo.currentData() == SizePreset.SQUARE.value
    assert panel.steps_spin.value() == 30 and panel.guidance_spin.value() == 4.0
    assert panel.images_spin.value() == P.NUM_IMAGES.default
    assert panel.format_combo.currentData() == P.DEFAULT_FORMAT.value


def test_the_longest_seed_is_shown_whole(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    panel.form.set_value(F.SEED, str(P.SEED_MAX))
    edit = panel.seed_edit
    edit.setCursorPosition(0)
    # All 20 digits fit beside the clear button: none scrolled out at either end.
    needed = edit.fontMetrics().horizontalAdvance(edit.text())
    assert edit.width() >= needed + SEED_EDIT_EXTRA - 1


def test_text_from_the_model_puts_the_cursor_after_it_with_nothing_to_undo(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(qtbot)
    qtbot.keyClicks(panel.prompt, "typed first")
    panel.form.set_value(F.PROMPT, "a lighthouse\non a cliff")  # e.g. a history step
    assert panel.prompt.toPlainText() == "a lighthouse\non a cliff"
    cursor = panel.prompt.textCursor()
    assert cursor.atEnd() and not cursor.hasSelection()
    assert not panel.prompt.document().isUndoAvailable()  # Ctrl+Z cannot bring back "typed first"
    qtbot.keyClicks(panel.prompt, ", dusk")  # typing goes on at the end, and can be undone
    assert panel.form.value(F.PROMPT) == "a lighthouse\non a cliff, dusk"
    assert panel.prompt.document().isUndoAvailable()


def test_every_catalogue_field_has_its_row_named_and_explained(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The rows are made from the catalogue: each field's widget carries its label (for
    screen readers) and its help, and the row's text is its short label."""
    panel = make_panel(qtbot)
    widgets: dict[str, QWidget] = {
        P.PROMPT.field: panel.prompt,
        P.IMAGE_SIZE.field: panel.size_combo,
        P.SEED.field: panel.seed_edit,
        **panel.numbers,
        **panel.combos,
        **panel.switches,
    }
    assert set(widgets) == {spec.field for spec in P.FIELDS}
    row_texts = {label.text().replace("&", "") for label in panel.findChildren(QLabel)}
    for spec in P.FIELDS:
        widget = widgets[spec.field]
        assert spec.help.rstrip(".") in widget.toolTip(), spec.field
        if spec.kind in (P.WHOLE, P.NUMBER):
            assert spec.range_text() in widget.toolTip(), spec.field
        if spec.kind != P.SIZE:
            assert widget.accessibleName() == spec.label, spec.field
        if spec.kind != P.SWITCH:
            assert spec.short in row_texts, spec.field
