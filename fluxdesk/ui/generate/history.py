"""A searchable list of earlier prompts (Ctrl+H, or the "History…" button)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QListView, QVBoxLayout, QWidget

from fluxdesk.ui.theme.palette import plain_buttons
from fluxdesk.ui.widgets.screen_reader import name_clear_button


class HistoryDialog(QDialog):
    def __init__(self, prompts: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("Prompt history")
        self.chosen: str | None = None
        self.search = QLineEdit()
        self.search.setObjectName("historySearch")
        self.search.setPlaceholderText("Search earlier prompts…")
        self.search.setAccessibleName("Search prompt history")
        self.search.setClearButtonEnabled(True)
        name_clear_button(self.search, "Clear the search")
        self.model = QStringListModel(prompts, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.list = QListView()
        self.list.setObjectName("historyList")
        self.list.setAccessibleName("Earlier prompts")
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.activated.connect(self._choose)
        self.search.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(lambda: self._choose(self.list.currentIndex()))
        buttons.rejected.connect(self.reject)
        plain_buttons(buttons)
        self.list.setStyleSheet("QListView::item { padding: 5px 6px; }")  # rows with air
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.search.hasFocus():
            self.list.setFocus()
            self.list.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def _choose(self, index: QModelIndex) -> None:
        if index.isValid():
            self.chosen = str(index.data())
            self.accept()
