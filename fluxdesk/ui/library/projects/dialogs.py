"""The project dialogs: a name (new project, rename) checked as it is typed, with the
rule named the way the command line names it; and the confirmation of a delete.

Both open window-modal with ``open()`` (not ``exec()``): the caller gets ``accepted``
and the event loop keeps running (tests drive them like a user would).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.library.projects import ProjectError, valid_name
from fluxdesk.ui.theme.palette import set_role


class NameDialog(QDialog):
    """Asks for a project name; OK only for a valid one that no other project has."""

    def __init__(
        self,
        title: str,
        prompt: str,
        taken: list[str],
        parent: QWidget | None,
        *,
        text: str = "",
        ok_text: str = "OK",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("projectNameDialog")
        self.setWindowTitle(title)
        self._taken = {name.casefold() for name in taken}
        self._own = text.casefold()  # a rename may change only the spelling
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QLineEdit(text)
        self.edit.setObjectName("projectNameEdit")
        self.edit.setAccessibleName("Project name")
        self.edit.setPlaceholderText("e.g. Logo work")
        label.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.problem = QLabel()
        self.problem.setObjectName("projectNameProblem")
        self.problem.setWordWrap(True)
        set_role(self.problem, "error")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("projectNameOk")
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._check)
        self.edit.selectAll()
        self.setMinimumWidth(360)
        self._check()

    def name(self) -> str:
        return " ".join(self.edit.text().split())

    def problem_text(self) -> str:
        """Why the name cannot be used, naming the field and the rule; "" when it can."""
        text = self.edit.text()
        if not text.strip():
            return ""  # nothing typed yet: OK is off, no scolding
        try:
            name = valid_name(text)
        except ProjectError as exc:
            message = str(exc)
            return message[:1].upper() + message[1:]
        if name.casefold() in self._taken and name.casefold() != self._own:
            return f"Project name: a project named “{name}” exists already"
        return ""

    def _check(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.ok.setEnabled(bool(self.edit.text().strip()) and not problem)

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()


def ask_name(
    parent: QWidget,
    title: str,
    prompt: str,
    taken: list[str],
    then: Callable[[str], None],
    *,
    text: str = "",
    ok_text: str = "OK",
) -> NameDialog:
    dialog = NameDialog(title, prompt, taken, parent, text=text, ok_text=ok_text)
    dialog.accepted.connect(lambda: then(dialog.name()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def confirm_delete(parent: QWidget, name: str, images: int, then: Callable[[], None]) -> QMessageBox:
    """Asks before deleting project ``name``; its images stay, in no project."""
    noun = "image stays" if images == 1 else "images stay"
    box = QMessageBox(parent)
    box.setObjectName("deleteProjectDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Delete project")
    box.setText(f"Delete the project “{name}”?")
    box.setInformativeText(
        f"Its {images:,} {noun} in the library, in no project." if images else "It holds no images."
    )
    delete = QPushButton("Delete project")
    delete.setObjectName("confirmDeleteProject")
    box.addButton(delete, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def finished() -> None:
        if box.clickedButton() is delete:
            then()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box
