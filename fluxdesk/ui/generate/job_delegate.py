"""How a job row looks: a small vector state icon, the prompt, and a status line.

The icons are drawn with QPainter (crisp at any device pixel ratio) in colours that
read on light and dark palettes: a grey clock for queued, an accent arc for running,
a green tick for done, a red "!" for failed and a grey slashed ring for cancelled.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from fluxdesk.ui.generate.jobs import Job, JobRole, JobState
from fluxdesk.ui.theme.palette import ERROR_DARK, ERROR_LIGHT, HINT_DARK, HINT_LIGHT, is_dark

ICON = 18
PAD_X = 10
PAD_Y = 6
LINE_GAP = 2

# (light, dark) per state; the grey ones are the theme's hint colour.
_COLOURS: dict[JobState, tuple[str, str]] = {
    JobState.WAITING: ("#b45309", "#fbbf24"),
    JobState.QUEUED: (HINT_LIGHT, HINT_DARK),
    JobState.RUNNING: ("#2563eb", "#60a5fa"),
    JobState.DONE: ("#15803d", "#4ade80"),
    JobState.FAILED: (ERROR_LIGHT, ERROR_DARK),
    JobState.CANCELLED: (HINT_LIGHT, HINT_DARK),
}


def state_colour(state: JobState, palette: QPalette | None = None) -> QColor:
    light, dark = _COLOURS[state]
    return QColor(dark if is_dark(palette) else light)


def paint_state_icon(painter: QPainter, rect: QRectF, state: JobState, palette: QPalette) -> None:
    """Draw the icon of ``state`` into ``rect`` (a square), in vector strokes."""
    colour = state_colour(state, palette)
    side = min(rect.width(), rect.height())
    c = rect.center()
    r = side / 2 - side * 0.06
    stroke = max(1.2, side * 0.1)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(colour, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    ring = QRectF(c.x() - r + stroke / 2, c.y() - r + stroke / 2, 2 * r - stroke, 2 * r - stroke)
    if state in (JobState.DONE, JobState.FAILED):
        # A filled disc with the glyph cut out in the base colour.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
        glyph = QPen(palette.color(QPalette.ColorRole.Base), stroke * 1.05)
        glyph.setCapStyle(Qt.PenCapStyle.RoundCap)
        glyph.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(glyph)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if state is JobState.DONE:
            tick = QPainterPath(QPointF(c.x() - r * 0.45, c.y() + r * 0.02))
            tick.lineTo(QPointF(c.x() - r * 0.1, c.y() + r * 0.36))
            tick.lineTo(QPointF(c.x() + r * 0.48, c.y() - r * 0.32))
            painter.drawPath(tick)
        else:
            painter.drawLine(QPointF(c.x(), c.y() - r * 0.5), QPointF(c.x(), c.y() + r * 0.12))
            painter.drawPoint(QPointF(c.x(), c.y() + r * 0.48))
    elif state is JobState.RUNNING:
        faint = QColor(colour)
        faint.setAlphaF(0.25)
        painter.setPen(QPen(faint, stroke))
        painter.drawEllipse(ring)
        painter.setPen(pen)
        painter.drawArc(ring, 90 * 16, -270 * 16)
    else:
        painter.setPen(pen)
        painter.drawEllipse(ring)
        if state in (JobState.QUEUED, JobState.WAITING):  # clock hands
            hands = QPainterPath(QPointF(c.x(), c.y() - r * 0.5))
            hands.lineTo(c)
            hands.lineTo(QPointF(c.x() + r * 0.38, c.y() + r * 0.2))
            painter.drawPath(hands)
        else:  # cancelled: a slashed ring
            d = (r - stroke) * 0.7071
            painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    painter.restore()


def state_icon(state: JobState, palette: QPalette | None = None, size: int = 16) -> QIcon:
    """The state icon as a QIcon, with pixmaps at 1×, 2× and the screen's ratio."""
    palette = palette or QGuiApplication.palette()
    screen = QGuiApplication.primaryScreen()
    ratios = {1.0, 2.0, screen.devicePixelRatio() if screen else 1.0}
    icon = QIcon()
    for ratio in sorted(ratios):
        pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint_state_icon(painter, QRectF(0, 0, size, size), state, palette)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def state_icons(palette: QPalette | None = None) -> dict[JobState, QIcon]:
    return {state: state_icon(state, palette) for state in JobState}


class JobDelegate(QStyledItemDelegate):
    """Two lines per job: the prompt, then "State · details" (the state word coloured)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(200, 2 * PAD_Y + 2 * fm.height() + LINE_GAP)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        job: Job | None = index.data(JobRole)
        if job is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state_flags = option.state
        dark = is_dark(palette)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # A calm selection: an accent tint and a bar on the left, text keeps its colours.
        if state_flags & QStyle.StateFlag.State_Selected:
            tint = QColor(palette.color(QPalette.ColorRole.Highlight))
            tint.setAlphaF(0.28 if dark else 0.14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 5, 3, rect.height() - 10), 1.5, 1.5)
        elif state_flags & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(QPalette.ColorRole.Text))
            hover.setAlphaF(0.06)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)

        icon_rect = QRectF(rect.left() + PAD_X, rect.center().y() - ICON / 2 + 1, ICON, ICON)
        paint_state_icon(painter, icon_rect, job.state, palette)

        x = int(icon_rect.right()) + PAD_X
        width = max(0, rect.right() - PAD_X - x)
        fm = option.fontMetrics
        line = fm.height()
        top = rect.top() + (rect.height() - 2 * line - LINE_GAP) // 2
        enabled = bool(state_flags & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        text = palette.color(group, QPalette.ColorRole.Text)
        hint = QColor(text)
        hint.setAlphaF(0.68)

        prompt = job.title()
        painter.setFont(option.font)
        painter.setPen(text)
        painter.drawText(
            QRect(x, top, width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(prompt, Qt.TextElideMode.ElideRight, width),
        )

        status = job.status_text()
        word, sep, rest = status.partition(" · ")
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(state_colour(job.state, palette) if job.state is not JobState.QUEUED else hint)
        word_rect = QRect(x, top + line + LINE_GAP, width, line)
        word = painter.fontMetrics().elidedText(word, Qt.TextElideMode.ElideRight, width)
        painter.drawText(word_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, word)
        used = painter.fontMetrics().horizontalAdvance(word)
        if sep:
            painter.setFont(option.font)
            painter.setPen(hint)
            rest_rect = word_rect.adjusted(used, 0, 0, 0)
            painter.drawText(
                rest_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(sep + rest, Qt.TextElideMode.ElideRight, max(0, rest_rect.width())),
            )
        if state_flags & QStyle.StateFlag.State_HasFocus and option.widget is not None:
            widget: QWidget = option.widget
            if widget.hasFocus():
                focus = QColor(palette.color(QPalette.ColorRole.Highlight))
                painter.setPen(QPen(focus, 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        painter.restore()
