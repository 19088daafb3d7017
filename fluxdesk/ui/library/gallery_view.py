"""Justified rows of thumbnail tiles under day headers: a real item view, painting only
what shows.

Each tile keeps its image's aspect ratio (the width×height stored in the index, never
the file): a day's images fill rows as wide as the grid, each row scaled to fit exactly
(the last one of a day at the target height). ``QListView`` cannot put a full-width
header between groups without asking the delegate for the size of every row on each
relayout, so this view lays out the loaded rows itself: arrays of tile x/width and of
line tops, computed once per width and, when a page is appended, only from the day it
continues; ``indexAt`` is a bisect, and a paint touches only the visible lines.
Selection, keyboard navigation and rubber-band selection come from
``QAbstractItemView``; the model's ``fetchMore`` is called when the scroll nears the end.
"""

from __future__ import annotations

import bisect

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
    QTimer,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.ui.library.gallery_model import GalleryModel, ItemRole, MissingRole, PixmapRole

THUMB_H = 176  # a row's target image height; rows shrink to fit the width exactly
MIN_THUMB_H = 110  # below this a row takes one image fewer and grows instead…
MAX_THUMB_H = THUMB_H * 3 // 2  # …up to this
CAPTION_H = 48  # prompt and size/rating lines under each image
PAD = 6  # the tile's frame around its image
TILE_H = THUMB_H + CAPTION_H + 2 * PAD  # a tile at the target height
TILE_W = 188  # the narrowest the grid gets: one tile of this width (see minimumSizeHint)
MIN_ASPECT, MAX_ASPECT = 1 / 3, 3.0  # the catalogue's extremes (512×1536, 1536×512)
SPACING = 12
MARGIN = 16
HEADER_H = 36


def aspect_of(width: int, height: int) -> float:
    """width / height from the index, bounded (a damaged record must not make a 1 px tile)."""
    if width <= 0 or height <= 0:
        return 1.0
    return min(MAX_ASPECT, max(MIN_ASPECT, width / height))


def _gaps(count: int) -> int:
    """What a line of ``count`` tiles needs besides its images: frames and spacing."""
    return count * (2 * PAD + SPACING) - SPACING


def justify(aspects: list[float], width: int) -> list[tuple[int, list[int]]]:
    """Lines of tiles for images of these aspect ratios in ``width`` pixels: for each
    line its image height and the tiles' widths (frame included). Full lines fill the
    width exactly; the last line keeps the target height."""
    lines: list[tuple[int, list[int]]] = []
    i, n = 0, len(aspects)
    while i < n:
        j, total = i, 0.0
        # Take images while the line at the target height is narrower than the width.
        while j < n:
            total += aspects[j]
            j += 1
            if total * THUMB_H + _gaps(j - i) >= width:
                break
        height = (width - _gaps(j - i)) / total
        if height < MIN_THUMB_H and j - i > 1:  # one image fewer, a little taller instead
            taller = (width - _gaps(j - i - 1)) / (total - aspects[j - 1])
            if taller <= MAX_THUMB_H:
                j, total, height = j - 1, total - aspects[j - 1], taller
        full = j < n or height <= THUMB_H
        h = round(height) if full else THUMB_H
        widths = [max(2 * PAD + 8, round(a * h) + 2 * PAD) for a in aspects[i:j]]
        if full and j - i > 1:  # rounding: the line ends exactly at the right edge
            widths[-1] += width - (sum(widths) + (j - i - 1) * SPACING)
        lines.append((h, widths))
        i = j
    return lines


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

        box = QRect(
            tile.left() + PAD - 1,
            tile.top() + PAD - 1,
            tile.width() - 2 * PAD + 2,
            rect.height() - CAPTION_H - 2 * PAD,
        )
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
        self._width = 0  # the width the lines below were laid out for
        self._firsts: list[int] = []
        self._counts: list[int] = []
        self._labels: list[str] = []
        self._sec_y: list[int] = []
        self._line_y: list[int] = []  # each line's top (content coordinates)
        self._line_h: list[int] = []  # its tiles' height
        self._line_first: list[int] = []  # its first row
        self._x: list[int] = []  # each row's tile left…
        self._w: list[int] = []  # …and width
        self._content_h = 0
        self._relayout_due = False  # rows were removed: a relayout is coming
        # Shift-click and Shift+arrows select the run of images between the anchor and
        # the click in the gallery's order (as a file manager does), not the rectangle
        # between two tiles of justified rows; a drag from empty space is a rubber band.
        self._anchor = QPersistentModelIndex()
        self._extending = False  # inside a Shift-click or Shift+arrow of Qt's own handling
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
        # Tiles drag out as files (to other applications) and onto the project list.
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.verticalScrollBar().valueChanged.connect(self._maybe_fetch)

    # --- model --------------------------------------------------------------------------
    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if isinstance(old, GalleryModel):
            for signal in (old.modelReset, old.layoutChanged):
                signal.disconnect(self._relayout)
            old.rowsInserted.disconnect(self._rows_inserted)
            old.rowsRemoved.disconnect(self._rows_removed)
        super().setModel(model)
        if isinstance(model, GalleryModel):
            for signal in (model.modelReset, model.layoutChanged):
                signal.connect(self._relayout)
            model.rowsInserted.connect(self._rows_inserted)
            model.rowsRemoved.connect(self._rows_removed)
        self._relayout()

    def minimumSizeHint(self) -> QSize:
        """One whole column of tiles: a splitter squeezing the grid further clips them."""
        hint = super().minimumSizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = 2 * MARGIN + TILE_W + bar + 2 * self.frameWidth()  # one narrow tile
        return QSize(max(hint.width(), width), hint.height())

    def gallery_model(self) -> GalleryModel | None:
        model = self.model()
        return model if isinstance(model, GalleryModel) else None

    # --- layout -------------------------------------------------------------------------
    @property
    def row_height(self) -> int:
        """A line's height at the target size (scroll steps)."""
        return TILE_H + SPACING

    def _rows_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        # A page appended: only the day it continues and the new ones are laid out again.
        self._relayout(from_row=first)

    def _rows_removed(self, *_: object) -> None:
        # Laid out once at the end of this event pass, not once per removed run: deleting
        # a selection of thousands of scattered images is thousands of runs (the model's
        # layoutChanged after its last run usually lays out sooner).
        if not self._relayout_due:
            self._relayout_due = True
            QTimer.singleShot(0, self, self._relayout_if_due)

    def _relayout_if_due(self) -> None:
        if self._relayout_due:
            self._relayout()

    def _relayout(self, *_: object, from_row: int = 0) -> None:
        self._relayout_due = False
        model = self.gallery_model()
        sections = model.sections if model else []
        width = max(TILE_W, self.viewport().width() - 2 * MARGIN)
        if width != self._width:
            from_row = 0
        self._width = width
        # Keep the days before the one holding from_row, lay out that one and the rest.
        s = max(0, bisect.bisect_right(self._firsts, from_row) - 1) if from_row > 0 else 0
        s = min(s, len(sections))
        y = self._sec_y[s] if s < len(self._sec_y) else MARGIN // 2
        keep_rows = sections[s].first if s < len(sections) else 0
        keep_lines = bisect.bisect_left(self._line_first, keep_rows)
        del self._firsts[s:], self._counts[s:], self._labels[s:], self._sec_y[s:]
        del self._line_y[keep_lines:], self._line_h[keep_lines:], self._line_first[keep_lines:]
        del self._x[keep_rows:], self._w[keep_rows:]
        for section in sections[s:]:
            self._firsts.append(section.first)
            self._counts.append(section.count)
            self._labels.append(section.label)
            self._sec_y.append(y)
            y += HEADER_H
            assert model is not None
            # Sizes from the model's light rows: laying out never reads a record.
            aspects = [
                aspect_of(*model.size_of(r)) for r in range(section.first, section.first + section.count)
            ]
            row = section.first
            for height, widths in justify(aspects, width):
                self._line_y.append(y)
                self._line_h.append(height + CAPTION_H + 2 * PAD)
                self._line_first.append(row)
                x = MARGIN
                for w in widths:
                    self._x.append(x)
                    self._w.append(w)
                    x += w + SPACING
                row += len(widths)
                y += height + CAPTION_H + 2 * PAD + SPACING
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

    def _line_of(self, row: int) -> int:
        return bisect.bisect_right(self._line_first, row) - 1

    def _line_rows(self, line: int) -> range:
        end = self._line_first[line + 1] if line + 1 < len(self._line_first) else len(self._x)
        return range(self._line_first[line], end)

    def content_rect(self, row: int) -> QRect:
        """The tile of ``row`` in content (unscrolled) coordinates."""
        line = self._line_of(row)
        if line < 0 or row >= len(self._x):
            return QRect()
        return QRect(self._x[row], self._line_y[line], self._w[row], self._line_h[line])

    def _row_at(self, x: int, y: int) -> int:
        line = bisect.bisect_right(self._line_y, y) - 1
        if line < 0 or y >= self._line_y[line] + self._line_h[line]:
            return -1
        for row in self._line_rows(line):
            if self._x[row] <= x < self._x[row] + self._w[row]:
                return row
        return -1

    def _rows_in(self, top: int, bottom: int) -> list[int]:
        """Rows whose tile lines intersect content y in [top, bottom]."""
        out: list[int] = []
        line = max(0, bisect.bisect_right(self._line_y, top) - 1)
        while line < len(self._line_y) and self._line_y[line] <= bottom:
            if self._line_y[line] + self._line_h[line] >= top:
                out.extend(self._line_rows(line))
            line += 1
        return out

    def _nearest_in_line(self, line: int, x: int) -> int:
        rows = self._line_rows(line)
        return min(rows, key=lambda r: abs(self._x[r] + self._w[r] // 2 - x))

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
        target = row
        line = self._line_of(row)
        if cursorAction in (A.MoveLeft, A.MovePrevious):
            target = row - 1
        elif cursorAction in (A.MoveRight, A.MoveNext):
            target = row + 1
        elif cursorAction in (A.MoveUp, A.MoveDown) and line >= 0:
            # The tile above/below: the nearest one on the next line (tiles vary in width).
            step = -1 if cursorAction == A.MoveUp else 1
            if 0 <= line + step < len(self._line_y):
                target = self._nearest_in_line(line + step, self._x[row] + self._w[row] // 2)
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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if index.isValid() and not shift:
            self._anchor = QPersistentModelIndex(index)
        self._extending = shift and index.isValid()
        try:
            super().mousePressEvent(event)
        finally:
            self._extending = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if not shift or not self._anchor.isValid():
            self._anchor = QPersistentModelIndex(self.currentIndex())
        self._extending = shift
        try:
            super().keyPressEvent(event)
        finally:
            self._extending = False
        if not shift:
            self._anchor = QPersistentModelIndex(self.currentIndex())

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        model = self.model()
        selection_model = self.selectionModel()
        if model is None or selection_model is None:
            return
        current = self.currentIndex()
        if self._extending and self._anchor.isValid() and current.isValid():
            first, last = sorted((self._anchor.row(), current.row()))
            selection_model.select(QItemSelection(model.index(first, 0), model.index(last, 0)), command)
            return
        off = self.verticalOffset()
        area = rect.normalized().translated(0, off)
        rows = [
            row for row in self._rows_in(area.top(), area.bottom()) if self.content_rect(row).intersects(area)
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
        # Asking where the cursor is goes to the display server (a round trip of ms on
        # X11): only when the pointer is over the grid at all.
        hover = self.viewport().mapFromGlobal(self.cursor().pos()) if self.underMouse() else None
        delegate = self.itemDelegate()
        base_state = option.state
        for row in self._rows_in(top, bottom):
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
            if hover is not None and rect.contains(hover):
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
