"""The active project, beside the window's tabs (on both of them): every image saved
from now on goes into it, from this window and from the command line alike
(``fluxdesk project use`` sets the same value; a change made there shows here within a
second). Built after the first frame and filled once the library is open.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from fluxdesk.ui.library.projects import dialogs
from fluxdesk.ui.library.projects.state import ProjectsState

NEW = "\x00new"  # the "New project…" entry's data (no project name can hold NUL)
NO_PROJECT_TEXT = "No project"


class ActiveProjectBox(QWidget):
    def __init__(self, state: ProjectsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activeProjectBox")
        self.state = state
        self.dialog: dialogs.NameDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 10, 2)
        layout.setSpacing(6)
        label = QLabel("Pro&ject:")
        label.setObjectName("activeProjectLabel")
        self.combo = QComboBox()
        self.combo.setObjectName("activeProjectCombo")
        self.combo.setAccessibleName("Active project")
        self.combo.setToolTip("The active project: every new image goes into it")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(10)
        self.combo.setMaximumWidth(220)  # a long name is cut, not the tabs
        label.setBuddy(self.combo)  # Alt+J (Alt+P is the prompt); and the name a screen reader says (Linux)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        self.combo.activated.connect(self._activated)
        state.changed.connect(self._fill)
        self._fill()

    def active(self) -> str:
        """The project shown as active ("" for none)."""
        data = self.combo.currentData()
        return data if isinstance(data, str) and data != NEW else ""

    def _fill(self) -> None:
        combo, state = self.combo, self.state
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(NO_PROJECT_TEXT, "")
        for name in state.names():
            combo.addItem(name, name)
        combo.insertSeparator(combo.count())
        combo.addItem("New project…", NEW)
        active = state.overview.active
        index = combo.findData(active) if active else 0
        combo.setCurrentIndex(max(0, index))
        combo.setEnabled(state.ready)
        combo.blockSignals(False)

    def choose(self, name: str) -> None:
        """As if the user picked ``name`` ("" for no project) from the list."""
        index = self.combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.combo.setCurrentIndex(index)
        self._activated(index)

    def _activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if data == NEW:
            self._fill()  # back to the active one until a new one exists

            def made(name: str) -> None:
                stored = self.state.create(name)
                if stored is not None:
                    self.state.use(stored)

            self.dialog = dialogs.ask_name(
                self.window(),
                "New project",
                "Name of the new project (new images go into it):",
                self.state.names(),
                made,
                ok_text="Create",
            )
        elif isinstance(data, str) and data != self.state.overview.active:
            self.state.use(data)
