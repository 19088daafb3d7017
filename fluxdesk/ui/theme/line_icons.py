"""Small line icons for buttons, drawn with QPainter in the palette's button-text colour.

They are rendered at 1×, 2× and the screen's device pixel ratio, so they stay crisp.
A button given one by :func:`set_line_icon` gets it drawn again in the new colours when
the scheme changes (``theme.set_palette``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractButton, QWidget

# Dynamic properties of a button with a line icon: what to draw again on a scheme change.
ICON_PROPERTY = "lineIcon"
ICON_SIZE_PROPERTY = "lineIconSize"


def _view(p: QPainter, s: float) -> None:  # a magnifier
    p.drawEllipse(QRectF(s * 0.16, s * 0.16, s * 0.5, s * 0.5))
    p.drawLine(QPointF(s * 0.59, s * 0.59), QPointF(s * 0.84, s * 0.84))


def _save(p: QPainter, s: float) -> None:  # an arrow down into a tray
    p.drawLine(QPointF(s * 0.5, s * 0.14), QPointF(s * 0.5, s * 0.62))
    arrow = QPainterPath(QPointF(s * 0.3, s * 0.44))
    arrow.lineTo(QPointF(s * 0.5, s * 0.64))
    arrow.lineTo(QPointF(s * 0.7, s * 0.44))
    p.drawPath(arrow)
    tray = QPainterPath(QPointF(s * 0.16, s * 0.62))
    tray.lineTo(QPointF(s * 0.16, s * 0.84))
    tray.lineTo(QPointF(s * 0.84, s * 0.84))
    tray.lineTo(QPointF(s * 0.84, s * 0.62))
    p.drawPath(tray)


def _copy(p: QPainter, s: float) -> None:  # two overlapping sheets
    p.drawRoundedRect(QRectF(s * 0.34, s * 0.34, s * 0.5, s * 0.5), s * 0.06, s * 0.06)
    back = QPainterPath(QPointF(s * 0.22, s * 0.66))
    back.lineTo(QPointF(s * 0.16, s * 0.66))
    back.lineTo(QPointF(s * 0.16, s * 0.16))
    back.lineTo(QPointF(s * 0.66, s * 0.16))
    back.lineTo(QPointF(s * 0.66, s * 0.22))
    p.drawPath(back)


def _folder(p: QPainter, s: float) -> None:
    path = QPainterPath(QPointF(s * 0.12, s * 0.8))
    path.lineTo(QPointF(s * 0.12, s * 0.22))
    path.lineTo(QPointF(s * 0.4, s * 0.22))
    path.lineTo(QPointF(s * 0.5, s * 0.33))
    path.lineTo(QPointF(s * 0.88, s * 0.33))
    path.lineTo(QPointF(s * 0.88, s * 0.8))
    path.closeSubpath()
    p.drawPath(path)


def _reuse(p: QPainter, s: float) -> None:  # an arrow turning back (use again)
    p.drawArc(QRectF(s * 0.18, s * 0.2, s * 0.64, s * 0.6), 100 * 16, -280 * 16)
    head = QPainterPath(QPointF(s * 0.2, s * 0.16))
    head.lineTo(QPointF(s * 0.44, s * 0.2))
    head.lineTo(QPointF(s * 0.34, s * 0.42))
    p.drawPath(head)


def _close(p: QPainter, s: float) -> None:  # a cross
    p.drawLine(QPointF(s * 0.24, s * 0.24), QPointF(s * 0.76, s * 0.76))
    p.drawLine(QPointF(s * 0.76, s * 0.24), QPointF(s * 0.24, s * 0.76))


_DRAW: dict[str, Callable[[QPainter, float], None]] = {
    "view": _view,
    "save": _save,
    "copy": _copy,
    "folder": _folder,
    "reuse": _reuse,
    "close": _close,
}

NAMES = tuple(_DRAW)


def paint_line_icon(painter: QPainter, side: float, name: str, colour: QColor) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(colour, max(1.3, side * 0.09), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _DRAW[name](painter, side)
    painter.restore()


def line_icon(name: str, size: int = 16) -> QIcon:
    """The icon ``name`` (one of :data:`NAMES`) in the application's colours, normal and
    disabled, at several ratios."""
    palette = QGuiApplication.palette()
    screen = QGuiApplication.primaryScreen()
    ratios = sorted({1.0, 2.0, screen.devicePixelRatio() if screen else 1.0})
    icon = QIcon()
    for mode, group in (
        (QIcon.Mode.Normal, QPalette.ColorGroup.Normal),
        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
    ):
        colour = palette.color(group, QPalette.ColorRole.ButtonText)
        for ratio in ratios:
            pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            paint_line_icon(painter, size, name, colour)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon


def set_line_icon(button: QAbstractButton, name: str, size: int = 16) -> None:
    """Give ``button`` the line icon ``name`` in the application's colours, drawn again
    whenever the scheme changes."""
    button.setProperty(ICON_PROPERTY, name)
    button.setProperty(ICON_SIZE_PROPERTY, size)
    button.setIcon(line_icon(name, size=size))


def redraw_line_icons(widgets: list[QWidget]) -> None:
    """Draw the line icons of the buttons among ``widgets`` again, in the application's
    (new) colours."""
    for button in widgets:
        if isinstance(button, QAbstractButton):
            size = int(button.property(ICON_SIZE_PROPERTY))
            button.setIcon(line_icon(button.property(ICON_PROPERTY), size=size))
