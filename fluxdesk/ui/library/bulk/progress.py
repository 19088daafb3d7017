"""The strip under the gallery's message bar while a bulk action runs: what it does, a
bar with how far it is, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fluxdesk.ui.widgets.status_progress import StatusProgress


class BulkProgress(QFrame):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkProgress")
        self.setAccessibleName("Bulk action progress")
        self.label = QLabel()
        self.label.setObjectName("bulkProgressText")
        self.bar = StatusProgress()
        self.bar.setObjectName("bulkProgressBar")
        self.bar.setFixedHeight(6)
        self.bar.setMinimumWidth(160)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("bulkCancel")
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self._cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 4, 14, 4)
        row.setSpacing(10)
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        self._verb = ""
        self.hide()

    def start(self, verb: str, total: int) -> None:
        """Show ``verb`` ("Rating") for ``total`` images, nothing done yet."""
        self._verb = verb
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")
        self.bar.setRange(0, max(1, total))
        self.set_done(0, total)
        self.show()

    def set_done(self, done: int, total: int) -> None:
        self.bar.setValue(done)
        self.label.setText(f"{self._verb} {done:,} of {total:,} image{'s' if total != 1 else ''}…")

    def finish(self) -> None:
        self.hide()

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.cancel.setText("Stopping…")
        self.cancel_requested.emit()
