"""The stack's look on a tile: cards peeking out above a collapsed stack, a count badge
("4") on its image, and "2/4" badges with an accent line on an expanded stack's tiles.

A subclass of the gallery's tile delegate: the tile itself is painted as ever (a
collapsed stack's a few pixels lower, to make room for the cards behind it).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyleOptionViewItem

from fluxdesk.ui.library.gallery_model import StackRole
from fluxdesk.ui.library.gallery_view import PAD, TileDelegate

CARDS_H = 8  # how far the cards behind a collapsed stack peek out above it
BADGE_H = 22
ICON_W = 12  # the badge's little two-cards icon


def badge_text(stack: tuple[int, int, bool]) -> str:
    position, size, expanded = stack
    return f"{position}/{size}" if expanded else str(size)


def badge_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
    small.setBold(True)
    return small


def badge_rect(rect: QRect, stack: tuple[int, int, bool], font: QFont) -> QRect:
    """Where the badge of a tile drawn in ``rect`` goes (also what a click hits)."""
    top = rect.top() + (0 if stack[2] else CARDS_H)
    width = QFontMetrics(badge_font(font)).horizontalAdvance(badge_text(stack)) + ICON_W + 18
    return QRect(rect.left() + PAD + 5, top + PAD + 5, width, BADGE_H)


class StackTileDelegate(TileDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        stack = index.data(StackRole)
        if not stack:
            super().paint(painter, option, index)
            return
        rect = QRect(option.rect)
        dark = option.palette.color(QPalette.ColorRole.Window).lightness() < 128
        accent = QColor(option.palette.color(QPalette.ColorRole.Highlight))
        expanded = stack[2]
        if not expanded:
            self._paint_cards(painter, rect, dark)
            option.rect = rect.adjusted(0, CARDS_H, 0, 0)
        super().paint(painter, option, index)
        option.rect = rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if expanded:  # the stack's tiles share an accent line along their top
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawRoundedRect(QRectF(rect.left() + 10, rect.top() + 1, rect.width() - 20, 3), 1.5, 1.5)
        self._paint_badge(painter, badge_rect(rect, stack, option.font), stack, option.font, accent)
        painter.restore()

    @staticmethod
    def _paint_cards(painter: QPainter, rect: QRect, dark: bool) -> None:
        """Two cards behind the tile, each a little narrower: a pile of images."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        edge = QColor("#454a52" if dark else "#c3c9d0")
        cards = ((18, 0, "#2b2e34" if dark else "#e6e9ed"), (9, 4, "#30333a" if dark else "#f2f4f6"))
        for inset, top, fill in cards:
            painter.setPen(QPen(edge, 1))
            painter.setBrush(QColor(fill))
            card = QRectF(rect.left() + inset + 0.5, rect.top() + top + 0.5, rect.width() - 2 * inset - 1, 30)
            painter.drawRoundedRect(card, 7, 7)
        painter.restore()

    @staticmethod
    def _paint_badge(
        painter: QPainter, box: QRect, stack: tuple[int, int, bool], font: QFont, accent: QColor
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent if stack[2] else QColor(18, 20, 24, 200))
        painter.drawRoundedRect(QRectF(box), BADGE_H / 2, BADGE_H / 2)
        # The icon: two overlapping card outlines.
        white = QColor("#ffffff")
        painter.setPen(QPen(white, 1.3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        x, y = box.left() + 8.5, box.top() + 6.5
        painter.drawRoundedRect(QRectF(x + 3, y, 8, 7), 1.5, 1.5)
        painter.setBrush(QColor(18, 20, 24) if not stack[2] else accent)
        painter.drawRoundedRect(QRectF(x, y + 3, 8, 7), 1.5, 1.5)
        painter.setFont(badge_font(font))
        painter.setPen(white)
        text_rect = box.adjusted(8 + ICON_W + 3, 0, -7, 0)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, badge_text(stack)
        )
