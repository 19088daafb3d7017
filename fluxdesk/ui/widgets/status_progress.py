"""The status bar's progress: a thin bar drawn in the theme's colours.

Fusion drew an indeterminate QProgressBar (range 0..0: the API is generating and nobody
knows for how long) as an empty white box. This one draws a track in the palette's mid
tone and, while busy, a segment that sweeps across it; with a range, the filled part. It
stays a QProgressBar, so screen readers still meet a progress bar with its value.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QTimerEvent
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QProgressBar, QWidget

from fluxdesk.ui.theme.palette import ACCENT

FRAME_MS = 33  # ~30 frames a second while busy, only while shown
SWEEP_S = 1.4  # one pass of the busy segment across the track
SEGMENT = 0.3  # the busy segment's share of the track


class StatusProgress(QProgressBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextVisible(False)
        self._timer_id = 0
        self._phase = 0.0

    @property
    def busy(self) -> bool:
        return self.minimum() == self.maximum() == 0

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(110)
        painter.setPen(QColor(0, 0, 0, 0))
        painter.setBrush(track)
        painter.drawRoundedRect(rect, radius, radius)
        if self.busy:
            width = rect.width() * SEGMENT
            # From fully left of the track to fully right of it, clipped to the track.
            left = rect.left() - width + (rect.width() + width) * self._phase
            fill = QRectF(left, rect.top(), width, rect.height()).intersected(rect)
        else:
            span = max(1, self.maximum() - self.minimum())
            share = min(1.0, max(0.0, (self.value() - self.minimum()) / span))
            fill = QRectF(rect.left(), rect.top(), rect.width() * share, rect.height())
        if fill.width() > 0:
            painter.setBrush(ACCENT)
            painter.drawRoundedRect(fill, radius, radius)

    def _sync_timer(self) -> None:
        running = self.busy and self.isVisible()
        if running and not self._timer_id:
            self._timer_id = self.startTimer(FRAME_MS)
        elif not running and self._timer_id:
            self.killTimer(self._timer_id)
            self._timer_id = 0

    def timerEvent(self, event: QTimerEvent) -> None:
        if event.timerId() != self._timer_id:
            super().timerEvent(event)
            return
        self._phase = (self._phase + FRAME_MS / 1000 / SWEEP_S) % 1.0
        self.update()

    def setRange(self, minimum: int, maximum: int) -> None:
        super().setRange(minimum, maximum)
        self._sync_timer()

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        self._sync_timer()
