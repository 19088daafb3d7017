"""What the window does with presets: apply one to the form, save the form (or a library
image's settings) as one, import, export and delete.

Applying goes through the form model (``RequestForm.load_fields``, the path "Use these
settings" takes): a setting the preset does not hold keeps the form's value. A template
(a prompt with a ``{subject}`` slot) goes into the prompt with the slot selected, so the
subject typed next replaces it; Generate refuses to send the slot itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxdesk.core import params as P
from fluxdesk.core.errors import InvalidRequestError, LibraryError
from fluxdesk.core.presets import SUBJECT_SLOT, Preset, PresetStore, read_preset_file, write_json
from fluxdesk.ui.generate.form_model import PROMPT
from fluxdesk.ui.messages import Severity, UserMessage

if TYPE_CHECKING:
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.presets.dialog import SavePresetDialog

FILE_FILTER = "FluxDesk preset (*.json)"


class PresetActions:
    """The window's presets (``MainWindow.presets``); the Presets menu calls these."""

    def __init__(self, win: MainWindow) -> None:
        self._win = win
        self.store = PresetStore(win.ctx.paths.presets_file)
        self.dialog: SavePresetDialog | None = None
        self._deleted: Preset | None = None
        self.template: Preset | None = None  # the template last applied, until its slot is filled

    def all(self) -> list[Preset]:
        """The saved presets; a presets file that cannot be read is said once, as none."""
        try:
            return self.store.all()
        except LibraryError as exc:
            self._error("Presets cannot be read", str(exc))
            return []

    # --- apply --------------------------------------------------------------------------
    def apply(self, preset: Preset) -> None:
        """Fill the form with what ``preset`` holds (the rest stays as it is)."""
        win = self._win
        win.form_panel.load_fields({k: v for k, v in preset.values.items() if k != P.PROMPT.field})
        prompt = preset.values.get(P.PROMPT.field)
        if isinstance(prompt, str):
            win.form.set_value(PROMPT, prompt)
        win.tabs.setCurrentIndex(0)
        edit = win.form_panel.prompt
        edit.setFocus()
        self.template = preset if preset.is_template else None
        if preset.is_template:
            select_slot(win)
            win.status_label.setText(f"Preset “{preset.name}” applied: type the subject over {SUBJECT_SLOT}")
        else:
            win.status_label.setText(f"Preset “{preset.name}” applied")

    def slot_unfilled(self) -> bool:
        """Whether the prompt still holds the ``{subject}`` of the template just applied
        (Generate then selects it instead of sending it)."""
        if self.template is None or SUBJECT_SLOT not in self._win.form.value(PROMPT):
            self.template = None
            return False
        select_slot(self._win)
        self._win.form_panel.prompt.setFocus()
        self._win.status_label.setText(
            f"Type the subject over {SUBJECT_SLOT} first (preset “{self.template.name}” is a template)"
        )
        return True

    # --- save ---------------------------------------------------------------------------
    def save_form(self) -> SavePresetDialog | None:
        """The save dialog for the form's settings; an invalid form shows its problem
        (inline, and in the status line) instead. An empty prompt is no problem here:
        the preset then holds the settings only."""
        win = self._win
        form = win.form
        others = [p for p in form.problems if p.field != P.PROMPT.field or form.value(PROMPT).strip()]
        if others:
            win.status_label.setText(f"Not saved as a preset: {others[0].message}")
            return None
        values: dict[str, Any] = form.request.to_fields() if form.request is not None else form.raw()
        return self.open_dialog(values, "the form")

    def open_dialog(self, values: dict[str, Any], source: str) -> SavePresetDialog | None:
        try:
            self.store.all()
        except LibraryError as exc:
            self._error("Presets cannot be read", str(exc))
            return None
        from fluxdesk.ui.presets.dialog import SavePresetDialog

        if self.dialog is not None:
            self.dialog.close()
        self.dialog = SavePresetDialog(values, self.store, self._win, source=source)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def _saved(self, preset: Preset) -> None:
        self._win.status_label.setText(f"Saved preset “{preset.name}”: apply it from the Presets menu")

    # --- share --------------------------------------------------------------------------
    def import_dialog(self) -> Preset | None:
        from PySide6.QtWidgets import QFileDialog

        start = self._win.ctx.settings.ui_state.get("preset_dir") or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self._win, "Import preset", start, FILE_FILTER)
        return self.import_file(Path(name)) if name else None

    def import_file(self, path: Path) -> Preset | None:
        """Add the preset in ``path`` (every value checked); a bad file is named with its
        field and allowed range, and nothing is saved. A taken name asks first."""
        win = self._win
        win.ctx.settings.ui_state["preset_dir"] = str(path.parent)
        try:
            preset = read_preset_file(path)
        except InvalidRequestError as exc:
            self._error(f"{path.name} was not imported", "; ".join(exc.messages))
            return None
        except LibraryError as exc:
            self._error(f"{path.name} was not imported", str(exc))
            return None
        taken = self.store.get(preset.name)
        if taken is not None and not self._confirm(
            "Replace preset",
            f"A preset called “{taken.name}” exists. Replace it with the one in {path.name}?",
            "Replace",
        ):
            return None
        try:
            self.store.save(preset)
        except LibraryError as exc:
            self._error("Preset not imported", str(exc))
            return None
        win.status_label.setText(f"Imported preset “{preset.name}” from {path.name}")
        return preset

    def export_dialog(self, preset: Preset) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        start = self._win.ctx.settings.ui_state.get("preset_dir") or str(Path.home())
        suggested = Path(start) / f"{file_name(preset.name)}.json"
        name, _ = QFileDialog.getSaveFileName(self._win, "Export preset", str(suggested), FILE_FILTER)
        return self.export_to(preset, Path(name)) if name else None

    def export_to(self, preset: Preset, path: Path) -> Path | None:
        if not path.suffix:
            path = path.with_suffix(".json")
        try:
            write_json(path, preset.to_file())
        except LibraryError as exc:
            self._error("Preset not exported", str(exc))
            return None
        self._win.ctx.settings.ui_state["preset_dir"] = str(path.parent)
        self._win.status_label.setText(f"Exported preset “{preset.name}” to {path}")
        return path

    # --- delete -------------------------------------------------------------------------
    def delete(self, preset: Preset) -> bool:
        """Forget ``preset`` at once; the message offers Undo."""
        try:
            if not self.store.delete(preset.name):
                return False
        except LibraryError as exc:
            self._error("Preset not deleted", str(exc))
            return False
        self._deleted = preset
        self._win.message_bar.show_message(
            UserMessage(
                "Preset deleted", f"“{preset.name}” is no longer in the Presets menu.", Severity.INFO
            ),
            self.undo_delete,
            primary_label="Undo",
        )
        return True

    def undo_delete(self) -> None:
        preset, self._deleted = self._deleted, None
        if preset is None:
            return
        try:
            self.store.save(preset)
        except LibraryError as exc:
            self._error("Preset not restored", str(exc))
            return
        self._win.message_bar.dismiss()
        self._win.status_label.setText(f"Preset “{preset.name}” restored")

    # --- helpers ------------------------------------------------------------------------
    def _error(self, title: str, text: str) -> None:
        self._win.show_message(UserMessage(title, text, Severity.ERROR))

    def _confirm(self, title: str, text: str, yes: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self._win)
        box.setObjectName("presetConfirm")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        replace = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        chosen = box.clickedButton() is replace
        box.deleteLater()  # (a child of the window: gone with the answer, not at close)
        return chosen


def select_slot(win: MainWindow) -> None:
    """Select the prompt's first ``{subject}``: what is typed next replaces it."""
    from PySide6.QtGui import QTextCursor

    edit = win.form_panel.prompt
    at = edit.toPlainText().find(SUBJECT_SLOT)
    if at < 0:
        return
    cursor = edit.textCursor()
    cursor.setPosition(at)
    cursor.setPosition(at + len(SUBJECT_SLOT), QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)


def file_name(name: str) -> str:
    """A preset's name as a file name: letters, digits, - and _ (others become -)."""
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.strip())
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "preset"
