"""A grid of thumbnail tiles under day headers: a real item view, painting only what shows.

``QListView`` cannot put a full-width header between groups without asking the delegate
for the size of every row on each relayout (slow at 10,000 rows in Python), so this view
lays out *sections* instead: given the column count, every tile's rectangle is
arithmetic, ``indexAt`` is a bisect, and a paint touches only the visible rows.
Selection, keyboard navigation and rubber-band selection come from
``QAbstractItemView``; the model's ``fetchMore`` is called when the scroll nears the end.
"""

from __future__ import annotations

import bisect
import math

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QRegion, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.ui.library.gallery_model import GalleryModel, ItemRole, MissingRole, PixmapRole

TILE_W = 188
TILE_H = 236
THUMB_H = 176
SPACING = 12
MARGIN = 16
HEADER_H = 36


class TileDelegate(QStyledItemDelegate):
    """Rounded tile: thumbnail (or a calm placeholder), one line of prompt, review marks."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(TILE_W, TILE_H)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        item = index.data(ItemRole)
        if not isinstance(item, ImageRecord):
            return
        pal = option.palette
        rect: QRect = option.rect
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hover = bool(state & QStyle.StateFlag.State_MouseOver)
        dark = pal.color(QPalette.ColorRole.Window).lightness() < 128
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        tile = rect.adjusted(1, 1, -1, -1)
        base = QColor("#25272c" if dark else "#ffffff")
        if selected:
            base = QColor(pal.color(QPalette.ColorRole.Highlight))
            base.setAlpha(60 if dark else 40)
        elif hover:
            base = QColor("#2d3036" if dark else "#f3f5f8")
        painter.setPen(
            QColor(pal.color(QPalette.ColorRole.Highlight))
            if selected
            else QColor("#33363c" if dark else "#dde1e6")
        )
        painter.setBrush(base)
        painter.drawRoundedRect(tile, 8, 8)

        box = QRect(tile.left() + 6, tile.top() + 6, tile.width() - 12, THUMB_H)
        pixmap = index.data(PixmapRole)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1b1c20" if dark else "#eceef1"))
        painter.drawRoundedRect(box, 5, 5)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.size().scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(QPoint(0, 0), size)
            target.moveCenter(box.center())
            painter.drawPixmap(target, pixmap)
        elif index.data(MissingRole):
            painter.setPen(muted)
            painter.setFont(small)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "File missing\nrescan the library")
        if item.favourite:
            painter.setPen(QColor("#f05a7e"))
            heart = QFont(option.font)
            heart.setPointSizeF(heart.pointSizeF() + 3)
            painter.setFont(heart)
            painter.drawText(
                box.adjusted(0, 2, -6, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, "♥"
            )

        text_rect = QRect(tile.left() + 8, box.bottom() + 6, tile.width() - 16, 18)
        painter.setFont(option.font)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        metrics = painter.fontMetrics()
        prompt = metrics.elidedText(
            " ".join(item.prompt.split()), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, prompt)
        meta_rect = text_rect.translated(0, 20)
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(
            meta_rect,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{item.width}×{item.height}",
        )
        if item.rating:
            painter.setPen(QColor("#e0a100"))
            painter.drawText(
                meta_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "★" * item.rating + "☆" * (5 - item.rating),
            )
        painter.restore()


class GalleryView(QAbstractItemView):
    def __init__(self, parent: QWidget | None = None) -> None:
        # Layout state first: Qt calls our virtuals (updateGeometries…) from setters below.
        self.empty_text = "No images yet. Generated images appear here."
        self._cols = 1
        self._firsts: list[int] = []
        self._counts: list[int] = []
        self._labels: list[str] = []
        self._sec_y: list[int] = []
        self._content_h = 0
        super().__init__(parent)
        self.setObjectName("galleryGrid")
        self.setAccessibleName("Library images")
        self.setItemDelegate(TileDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.verticalScrollBar().valueChanged.connect(self._maybe_fetch)

    # --- model --------------------------------------------------------------------------
    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if isinstance(old, GalleryModel):
            for signal in (old.rowsInserted, old.rowsRemoved, old.modelReset, old.layoutChanged):
                signal.disconnect(self._relayout)
        super().setModel(model)
        if isinstance(model, GalleryModel):
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
                signal.connect(self._relayout)
        self._relayout()

    def minimumSizeHint(self) -> QSize:
        """One whole column of tiles: a splitter squeezing the grid further clips them."""
        hint = super().minimumSizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = 2 * MARGIN + TILE_W + bar + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())

    def gallery_model(self) -> GalleryModel | None:
        model = self.model()
        return model if isinstance(model, GalleryModel) else None

    # --- layout -------------------------------------------------------------------------
    @property
    def row_height(self) -> int:
        return TILE_H + SPACING

    def _relayout(self, *_: object) -> None:
        model = self.gallery_model()
        width = self.viewport().width()
        self._cols = max(1, (width - 2 * MARGIN + SPACING) // (TILE_W + SPACING))
        self._firsts, self._counts, self._labels, self._sec_y = [], [], [], []
        y = MARGIN // 2
        for section in model.sections if model else []:
            self._firsts.append(section.first)
            self._counts.append(section.count)
            self._labels.append(section.label)
            self._sec_y.append(y)
            y += HEADER_H + math.ceil(section.count / self._cols) * self.row_height
        self._content_h = y + MARGIN
        self.updateGeometries()
        self.viewport().update()
        self._maybe_fetch()

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setRange(0, max(0, self._content_h - page))
        bar.setPageStep(page)
        bar.setSingleStep(self.row_height // 3)
        super().updateGeometries()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def _maybe_fetch(self, *_: object) -> None:
        model = self.gallery_model()
        if model is None or not model.canFetchMore():
            return
        bar = self.verticalScrollBar()
        left = bar.maximum() - bar.value()
        if left <= 2 * self.viewport().height():
            model.fetchMore()
        elif left <= 8 * self.viewport().height():
            model.prefetch()  # on a worker: the fetchMore above then finds the page ready

    def _x0(self) -> int:
        return MARGIN

    def content_rect(self, row: int) -> QRect:
        """The tile of ``row`` in content (unscrolled) coordinates."""
        s = bisect.bisect_right(self._firsts, row) - 1
        if s < 0:
            return QRect()
        r, c = divmod(row - self._firsts[s], self._cols)
        return QRect(
            self._x0() + c * (TILE_W + SPACING),
            self._sec_y[s] + HEADER_H + r * self.row_height,
            TILE_W,
            TILE_H,
        )

    def _row_at(self, x: int, y: int) -> int:
        s = bisect.bisect_right(self._sec_y, y) - 1
        if s < 0:
            return -1
        local = y - self._sec_y[s] - HEADER_H
        if local < 0 or local % self.row_height >= TILE_H:
            return -1
        cx = x - self._x0()
        if cx < 0 or cx % (TILE_W + SPACING) >= TILE_W:
            return -1
        c = cx // (TILE_W + SPACING)
        if c >= self._cols:
            return -1
        k = (local // self.row_height) * self._cols + c
        return self._firsts[s] + k if k < self._counts[s] else -1

    def _rows_in(self, top: int, bottom: int) -> list[tuple[int, int]]:
        """(section, row) pairs whose tile rows intersect content y in [top, bottom]."""
        out: list[tuple[int, int]] = []
        s = max(0, bisect.bisect_right(self._sec_y, top) - 1)
        while s < len(self._sec_y) and self._sec_y[s] <= bottom:
            base = self._sec_y[s] + HEADER_H
            nrows = math.ceil(self._counts[s] / self._cols)
            r0 = max(0, (top - base) // self.row_height)
            r1 = min(nrows - 1, (bottom - base) // self.row_height)
            for r in range(r0, r1 + 1):
                start = self._firsts[s] + r * self._cols
                end = min(self._firsts[s] + self._counts[s], start + self._cols)
                out.extend((s, row) for row in range(start, end))
            s += 1
        return out

    # --- QAbstractItemView API ------------------------------------------------------------
    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not index.isValid():
            return QRect()
        return self.content_rect(index.row()).translated(0, -self.verticalOffset())

    def indexAt(self, point: QPoint) -> QModelIndex:
        model = self.model()
        row = self._row_at(point.x(), point.y() + self.verticalOffset())
        return model.index(row, 0) if model is not None and row >= 0 else QModelIndex()

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        rect = self.content_rect(index.row()) if index.isValid() else QRect()
        if rect.isNull():
            return
        bar = self.verticalScrollBar()
        top, height = bar.value(), self.viewport().height()
        if hint == QAbstractItemView.ScrollHint.PositionAtTop or rect.top() < top:
            bar.setValue(rect.top() - HEADER_H)
        elif hint == QAbstractItemView.ScrollHint.PositionAtCenter:
            bar.setValue(rect.center().y() - height // 2)
        elif rect.bottom() > top + height:
            bar.setValue(rect.bottom() - height + MARGIN)

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return False

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return QModelIndex()
        current = self.currentIndex()
        row = current.row() if current.isValid() else 0
        last = model.rowCount() - 1
        A = QAbstractItemView.CursorAction
        s = max(0, bisect.bisect_right(self._firsts, row) - 1)
        k = row - self._firsts[s] if self._firsts else row
        col = k % self._cols
        target = row
        if cursorAction in (A.MoveLeft, A.MovePrevious):
            target = row - 1
        elif cursorAction in (A.MoveRight, A.MoveNext):
            target = row + 1
        elif cursorAction == A.MoveUp:
            if k >= self._cols:
                target = row - self._cols
            elif s > 0:
                count = self._counts[s - 1]
                target = self._firsts[s - 1] + min(((count - 1) // self._cols) * self._cols + col, count - 1)
        elif cursorAction == A.MoveDown:
            count = self._counts[s] if self._counts else 0
            if k + self._cols < count:
                target = row + self._cols
            elif k // self._cols < (count - 1) // self._cols:
                target = self._firsts[s] + count - 1
            elif s + 1 < len(self._firsts):
                target = self._firsts[s + 1] + min(col, self._counts[s + 1] - 1)
        elif cursorAction in (A.MovePageUp, A.MovePageDown):
            rect = self.content_rect(row)
            step = self.viewport().height() * (-1 if cursorAction == A.MovePageUp else 1)
            found = self._row_at(rect.center().x(), rect.center().y() + step)
            target = found if found >= 0 else (0 if step < 0 else last)
        elif cursorAction == A.MoveHome:
            target = 0
        elif cursorAction == A.MoveEnd:
            target = last
        return model.index(max(0, min(last, target)), 0)

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model = self.model()
        selection_model = self.selectionModel()
        if model is None or selection_model is None:
            return
        off = self.verticalOffset()
        area = rect.normalized().translated(0, off)
        rows = [
            row
            for _s, row in self._rows_in(area.top(), area.bottom())
            if self.content_rect(row).intersects(area)
        ]
        selection = QItemSelection()
        start = prev = None
        for row in [*rows, None]:
            if row is not None and prev is not None and row == prev + 1:
                prev = row
                continue
            if start is not None and prev is not None:
                selection.select(model.index(start, 0), model.index(prev, 0))
            start = prev = row
        selection_model.select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        # Selections may span thousands of rows; repainting the viewport is cheaper than
        # building a region of every selected tile.
        return QRegion(self.viewport().rect())

    # --- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        model = self.model()
        if model is None or model.rowCount() == 0:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        off = self.verticalOffset()
        clip = event.rect()
        top, bottom = clip.top() + off, clip.bottom() + off
        self._paint_headers(painter, top, bottom, off)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        selection = self.selectionModel()
        current = self.currentIndex()
        hover = self.viewport().mapFromGlobal(self.cursor().pos())
        delegate = self.itemDelegate()
        base_state = option.state
        for _s, row in self._rows_in(top - TILE_H, bottom):
            index = model.index(row, 0)
            rect = self.content_rect(row).translated(0, -off)
            if not rect.intersects(clip):
                continue
            option.rect = rect
            state = base_state
            if selection is not None and selection.isSelected(index):
                state |= QStyle.StateFlag.State_Selected
            if index == current and self.hasFocus():
                state |= QStyle.StateFlag.State_HasFocus
            if rect.contains(hover) and self.underMouse():
                state |= QStyle.StateFlag.State_MouseOver
            option.state = state
            delegate.paint(painter, option, index)

    def _paint_headers(self, painter: QPainter, top: int, bottom: int, off: int) -> None:
        pal = self.palette()
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 1)
        s = max(0, bisect.bisect_right(self._sec_y, top) - 1)
        while s < len(self._sec_y) and self._sec_y[s] <= bottom:
            y = self._sec_y[s] - off
            rect = QRect(MARGIN, y + 8, self.viewport().width() - 2 * MARGIN, HEADER_H - 12)
            painter.setFont(font)
            painter.setPen(pal.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._labels[s]
            )
            width = painter.fontMetrics().horizontalAdvance(self._labels[s])
            line = QColor(pal.color(QPalette.ColorRole.PlaceholderText))
            line.setAlpha(70)
            painter.setPen(line)
            mid = rect.center().y() + 1
            painter.drawLine(rect.left() + width + 12, mid, rect.right(), mid)
            s += 1
