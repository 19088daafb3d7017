"""A line of hint text painted in an empty list view ("No jobs yet…"), so an empty list
says what will appear there instead of standing blank."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractItemView, QWidget

from fluxdesk.ui.theme.palette import hint_colour


class EmptyHint(QObject):
    """Paints ``text`` centred in ``view``'s viewport while its model has no rows."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        viewport = view.viewport()
        super().__init__(viewport)  # (lives and dies with the viewport it paints on)
        self.text = text
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        # The view is asked through the viewport: while it is being destroyed it is no
        # longer an item view, and its viewport may still paint.
        view = watched.parent()
        model = view.model() if isinstance(view, QAbstractItemView) else None
        if model is not None and model.rowCount() == 0 and isinstance(watched, QWidget):
            viewport = watched
            painter = QPainter(viewport)
            painter.setPen(hint_colour(viewport.palette()))
            painter.drawText(
                viewport.rect().adjusted(12, 8, -12, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.text,
            )
            painter.end()
            return True
        return False
