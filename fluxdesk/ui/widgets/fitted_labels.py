"""One-line labels that fit their width without cutting a value: ``ElidedLabel`` ends
in "…", ``SegmentLabel`` drops whole segments from its end."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """A one-line label that elides with "…" instead of growing or clipping."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


META_SEPARATOR = "  ·  "


class SegmentLabel(QLabel):
    """A one-line label of segments ("Seed N  ·  W × H  ·  …"), the most important first,
    that drops whole segments from its end where it is too narrow. Eliding would cut a
    value in the middle, and a cut one reads as another value ("· 0…" for "0.4 s"); the
    first segment is always shown whole (the layout gives the label at least its width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[str] = []
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_segments(self, segments: list[str]) -> None:
        self._segments = list(segments)
        self.setAccessibleName(self.full_text())
        self._keep_first()
        self._fit()

    def full_text(self) -> str:
        return META_SEPARATOR.join(self._segments)

    def prefix_width(self, count: int) -> int:
        """How wide the first ``count`` segments are in the label's font."""
        return self.fontMetrics().horizontalAdvance(META_SEPARATOR.join(self._segments[:count]))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._keep_first()
            self._fit()

    def _keep_first(self) -> None:
        margins = self.contentsMargins()
        self.setMinimumWidth(self.prefix_width(1) + margins.left() + margins.right() if self._segments else 0)

    def _fit(self) -> None:
        room = self.contentsRect().width()
        count = len(self._segments)
        while count > 1 and self.prefix_width(count) > room:
            count -= 1
        self.setText(META_SEPARATOR.join(self._segments[:count]))
