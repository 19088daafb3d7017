"""Save settings as a named preset: the form's, or a library image's.

The dialog shows what will be held (the prompt, editable and optionally a template with
a ``{subject}`` slot; every other setting; the seed only when ticked) and checks it with
:func:`fluxdesk.core.presets.checked_preset`, the request model's own rules: a problem
is named under the name or the prompt it concerns, and nothing is saved. A name that is
taken says so as it is typed, and the button then reads "Replace".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.errors import InvalidRequestError, LibraryError
from fluxdesk.core.presets import NAME_MAX_CHARS, SUBJECT_SLOT, Preset, PresetStore, checked_preset
from fluxdesk.ui.generate.form_widgets import ErrorLabel
from fluxdesk.ui.presets.describe import settings_text, suggested_name
from fluxdesk.ui.theme.palette import plain_buttons, set_role

PROMPT_LINES = 4
NAME_PREFIX = "Preset name"  # how checked_preset starts a problem with the name


class SavePresetDialog(QDialog):
    """Name the settings ``values`` (request fields: a form's raw values or a request's
    ``to_fields()``) and save them in ``store``; ``saved`` carries the preset."""

    saved = Signal(object)  # Preset

    def __init__(
        self,
        values: Mapping[str, Any],
        store: PresetStore,
        parent: QWidget | None = None,
        *,
        source: str = "the form",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("savePresetDialog")
        self.setWindowTitle("Save as preset")
        self._values = dict(values)
        self._store = store
        self._taken = {p.name.casefold(): p for p in store.all()}
        prompt = str(values.get(P.PROMPT.field) or "")
        seed = values.get(P.SEED.field)
        seed_text = str(seed).strip() if seed is not None else ""

        intro = QLabel(f"Every setting of {source}, under a name to apply again from the Presets menu.")
        intro.setWordWrap(True)
        set_role(intro, "hint")

        name_label = QLabel("&Name")
        self.name_edit = QLineEdit(suggested_name(prompt))
        self.name_edit.setObjectName("presetNameEdit")
        self.name_edit.setAccessibleName("Preset name")
        self.name_edit.setMaxLength(NAME_MAX_CHARS + 20)  # (longer is named as a problem)
        self.name_edit.selectAll()
        name_label.setBuddy(self.name_edit)
        self.name_error = ErrorLabel("presetName", self)
        self.replace_hint = QLabel()
        self.replace_hint.setObjectName("presetReplaceHint")
        self.replace_hint.setWordWrap(True)
        set_role(self.replace_hint, "hint")
        self.replace_hint.hide()

        self.prompt_check = QCheckBox("Include the &prompt")
        self.prompt_check.setObjectName("presetPromptCheck")
        self.prompt_edit = QPlainTextEdit(prompt)
        self.prompt_edit.setObjectName("presetPromptEdit")
        self.prompt_edit.setAccessibleName("Prompt of the preset")
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setPlaceholderText(f"studio portrait of {SUBJECT_SLOT}, rim light, 85mm")
        lines = self.prompt_edit.fontMetrics().lineSpacing() * PROMPT_LINES
        self.prompt_edit.setFixedHeight(lines + 2 * self.prompt_edit.frameWidth() + 10)
        self.slot_button = QPushButton(f"Make the selection the {SUBJECT_SLOT}")
        self.slot_button.setObjectName("presetSlotButton")
        self.slot_button.setToolTip(
            f"Replace the selected words (the subject) with {SUBJECT_SLOT}: the preset becomes a template"
        )
        self.slot_button.clicked.connect(self.make_slot)
        self.template_hint = QLabel(
            f"A {SUBJECT_SLOT} in the prompt makes a template: applying the preset selects it, "
            "ready for you to type the subject."
        )
        self.template_hint.setObjectName("presetTemplateHint")
        self.template_hint.setWordWrap(True)
        set_role(self.template_hint, "hint")
        self.prompt_error = ErrorLabel("presetPrompt", self)
        has_prompt = bool(prompt.strip())
        self.prompt_check.setChecked(has_prompt)
        self.prompt_check.toggled.connect(self._prompt_toggled)
        self.prompt_check.setToolTip("Off: applying the preset keeps the form's prompt")
        if not has_prompt:
            self.prompt_check.setText("Include a &prompt")

        self.seed_check = QCheckBox()
        self.seed_check.setObjectName("presetSeedCheck")
        if seed_text:
            self.seed_check.setText(f"Include the &seed {seed_text} (the same image each time)")
        else:
            self.seed_check.setText("Include the &seed (none: a new random seed each time)")
            self.seed_check.setEnabled(False)
        self.seed_check.setToolTip("Off: the preset leaves the seed as the form has it")

        heading = QLabel("Settings")
        set_role(heading, "heading")
        held = {k: v for k, v in self._values.items() if k not in (P.PROMPT.field, P.SEED.field)}
        self.settings_label = QLabel(settings_text(_shown_values(held)))
        self.settings_label.setObjectName("presetSettingsText")
        self.settings_label.setWordWrap(True)
        self.error = ErrorLabel("preset", self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        plain_buttons(self.buttons)

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.name_error)
        layout.addWidget(self.replace_hint)
        layout.addSpacing(6)
        prompt_row = QHBoxLayout()  # the slot button beside what it acts on
        prompt_row.addWidget(self.prompt_check)
        prompt_row.addStretch(1)
        prompt_row.addWidget(self.slot_button)
        layout.addLayout(prompt_row)
        layout.addWidget(self.prompt_edit)
        layout.addWidget(self.template_hint)
        layout.addWidget(self.prompt_error)
        layout.addSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.settings_label)
        layout.addWidget(self.seed_check)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)  # (its height: what the wrapped hints need at this width)

        self.name_edit.textChanged.connect(self._name_changed)
        self._name_changed(self.name_edit.text())
        self._prompt_toggled(has_prompt)

    # --- behaviour ----------------------------------------------------------------------
    def _prompt_toggled(self, on: bool) -> None:
        for widget in (self.prompt_edit, self.slot_button, self.template_hint):
            widget.setEnabled(on)
        if not on:
            self.prompt_error.show_problems([])

    def _name_changed(self, text: str) -> None:
        taken = self._taken.get(text.strip().casefold())
        if taken is not None:
            self.replace_hint.setText(
                f"A preset called “{taken.name}” exists: saving replaces it ({settings_text(taken.values)})."
            )
        self.replace_hint.setVisible(taken is not None)
        self.save_button.setText("Replace" if taken is not None else "Save")
        self.name_error.show_problems([])

    def make_slot(self) -> None:
        """The selected words become the ``{subject}`` slot (or the slot goes in at the
        cursor), and the slot stays selected."""
        cursor = self.prompt_edit.textCursor()
        start = cursor.selectionStart()
        cursor.insertText(SUBJECT_SLOT)
        cursor.setPosition(start)
        from PySide6.QtGui import QTextCursor

        cursor.setPosition(start + len(SUBJECT_SLOT), QTextCursor.MoveMode.KeepAnchor)
        self.prompt_edit.setTextCursor(cursor)
        self.prompt_edit.setFocus()

    def preset_values(self) -> dict[str, Any]:
        """What the preset will hold, before its check: the settings, the prompt when
        included, the seed when ticked."""
        values = {k: v for k, v in self._values.items() if k not in (P.PROMPT.field, P.SEED.field)}
        if self.prompt_check.isChecked():
            values[P.PROMPT.field] = self.prompt_edit.toPlainText()
        seed = self._values.get(P.SEED.field)
        if self.seed_check.isChecked() and seed is not None:
            values[P.SEED.field] = seed
        return values

    def try_save(self) -> Preset | None:
        """Check, save and close; a problem is named where it belongs and nothing is saved."""
        for label in (self.name_error, self.prompt_error, self.error):
            label.show_problems([])
        try:
            preset = checked_preset(self.name_edit.text(), self.preset_values(), strict=False)
        except InvalidRequestError as exc:
            self._show_problems(exc.messages)
            return None
        try:
            self._store.save(preset)
        except LibraryError as exc:
            self.error.show_problems([str(exc)])
            return None
        self.saved.emit(preset)
        self.accept()
        return preset

    def _show_problems(self, messages: list[str]) -> None:
        by_place: dict[ErrorLabel, list[str]] = {}
        for message in messages:
            if message.startswith(NAME_PREFIX):
                place = self.name_error
            elif message.startswith(P.PROMPT.label):
                place = self.prompt_error
            else:
                place = self.error
            by_place.setdefault(place, []).append(message)
        for place, found in by_place.items():
            place.show_problems(found)
        first = self.name_edit if self.name_error in by_place else self.prompt_edit
        first.setFocus()


def _shown_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the settings line words them: a number typed as text read as one."""
    shown = dict(values)
    for spec in P.NUMBER_SPECS:
        value = shown.get(spec.field)
        if isinstance(value, str):
            from fluxdesk.ui.generate.form_model import typed_value

            shown[spec.field] = typed_value(value)
    return shown
