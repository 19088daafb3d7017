"""The gallery's list model: library items newest first, loaded a page at a time.

Only the rows scrolled into view exist in memory: ``fetchMore`` pulls the next page from
the SQLite index (offset pagination over the ``created_ts DESC`` index), so a 10,000-image
library opens as fast as a 10-image one. Building a page of items costs ~10 ms of Python,
so the view asks for the next page ahead of time (:meth:`GalleryModel.prefetch`, on a
worker) and ``fetchMore`` usually just appends it; it queries itself only when the page
is not there yet. Rows are grouped into day
sections here (local time) so the view can draw headers without asking per row.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    Signal,
)

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord, parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.thumbnails import ThumbnailLoader
from fluxdesk.ui.tasks import run_task

PAGE = 240
ItemRole = Qt.ItemDataRole.UserRole + 1
PixmapRole = Qt.ItemDataRole.UserRole + 2
MissingRole = Qt.ItemDataRole.UserRole + 3


@dataclass
class Section:
    """A day's run of items in the gallery grid."""

    day: date
    first: int
    count: int
    label: str = field(default="")


def day_label(day: date, today: date | None = None) -> str:
    today = today or date.today()
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if day.year == today.year:
        return f"{day:%A} {day.day} {day:%B}"
    return f"{day:%A} {day.day} {day:%B %Y}"


def local_day(created: str) -> date:
    try:
        return parse_iso(created).astimezone().date()
    except ValueError:
        return datetime.fromtimestamp(0).date()


class GalleryModel(QAbstractListModel):
    error = Signal(str)  # a LibraryError while loading (shown by the gallery, never raised)
    loaded = Signal()  # rows were reset or appended

    def __init__(self, loader: ThumbnailLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.library: Library | None = None
        self.filter = ItemFilter()
        self.total = 0
        self._items: list[ImageRecord] = []
        self._days: list[date] = []
        self._rows_by_id: dict[int, int] = {}
        self.sections: list[Section] = []
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0  # bumped by refresh: a prefetch of an older list is dropped
        self._prefetching = False
        self._prefetched: tuple[int, int, list[ImageRecord]] | None = None  # generation, offset, page
        loader.ready.connect(self._thumb_changed)
        loader.missing.connect(self._thumb_changed)

    # --- loading ------------------------------------------------------------------------
    def set_library(self, library: Library | None) -> None:
        self.library = library
        self.refresh()

    def set_filter(self, flt: ItemFilter) -> None:
        self.filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Reload from the index (first page only) under the current filter."""
        self.beginResetModel()
        self._items, self._days, self._rows_by_id, self.sections = [], [], {}, []
        self.total = 0
        self._generation += 1
        self._prefetching = False
        self._prefetched = None
        self.loader.cancel_pending()
        if self.library is not None:
            try:
                self.total = self.library.count(self.filter)
                self._append(self.library.items(self.filter, limit=PAGE, offset=0))
            except LibraryError as exc:
                self.total = len(self._items)
                self.error.emit(str(exc))
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.library is not None and len(self._items) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        assert self.library is not None
        ready, self._prefetched = self._prefetched, None
        try:
            if ready is not None and ready[:2] == (self._generation, len(self._items)):
                page = ready[2]
            else:
                page = self.library.items(self.filter, limit=PAGE, offset=len(self._items))
        except LibraryError as exc:
            self.total = len(self._items)
            self.error.emit(str(exc))
            return
        # Offsets shift when images were added or removed since the first page: skip rows
        # we already have instead of showing them twice.
        page = [item for item in page if item.id not in self._rows_by_id]
        if not page:
            self.total = len(self._items)
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._append(page)
        self.endInsertRows()
        self.loaded.emit()

    def prefetch(self) -> None:
        """Load the next page on a worker, so the coming ``fetchMore`` does not query."""
        if self._prefetching or not self.canFetchMore() or self.library is None:
            return
        offset, generation = len(self._items), self._generation
        if self._prefetched is not None and self._prefetched[:2] == (generation, offset):
            return
        library, flt, limit = self.library, self.filter, PAGE
        self._prefetching = True

        def done(page: list[ImageRecord]) -> None:
            if generation == self._generation:
                self._prefetching = False
                self._prefetched = (generation, offset, page)

        def failed(_error: BaseException) -> None:  # fetchMore queries again and reports it
            if generation == self._generation:
                self._prefetching = False

        run_task(
            self.pool, lambda: library.items(flt, limit=limit, offset=offset), done, failed, receiver=self
        )

    def shutdown(self, timeout_ms: int = 3000) -> None:
        self.pool.waitForDone(timeout_ms)

    def _append(self, items: list[ImageRecord]) -> None:
        today = date.today()
        for item in items:
            row = len(self._items)
            day = local_day(item.created)
            self._items.append(item)
            self._days.append(day)
            self._rows_by_id[item.id] = row
            if self.sections and self.sections[-1].day == day:
                self.sections[-1].count += 1
            else:
                self.sections.append(Section(day, row, 1, day_label(day, today)))

    def _rebuild_index(self) -> None:
        items = self._items
        self._items, self._days, self._rows_by_id, self.sections = [], [], {}, []
        self._append(items)

    # --- access -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def item(self, row: int) -> ImageRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        return self._rows_by_id.get(item_id, -1)

    def section_of(self, row: int) -> int:
        firsts = [s.first for s in self.sections]
        return max(0, bisect.bisect_right(firsts, row) - 1)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return item.prompt
        if role == ItemRole:
            return item
        if role == PixmapRole:
            pixmap = self.loader.pixmap(item.id)
            if pixmap is None:
                self.loader.request(item.id, item.path)
            return pixmap
        if role == MissingRole:
            return item.id in self.loader.missing_ids
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.prompt}\nSeed {item.seed} · {item.width}×{item.height} · {item.created[:16]}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            stars = f", {item.rating} stars" if item.rating else ""
            fav = ", favourite" if item.favourite else ""
            return f"{item.prompt[:80]}{fav}{stars}"
        return None

    # --- edits --------------------------------------------------------------------------
    def replace_item(self, item: ImageRecord) -> None:
        row = self.row_of(item.id)
        if row >= 0:
            self._items[row] = item
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def remove_ids(self, ids: set[int]) -> None:
        rows = sorted((self.row_of(i) for i in ids if self.row_of(i) >= 0), reverse=True)
        # The total first: each removal makes the view relayout and maybe call fetchMore,
        # which (finding nothing new) sets the total to the rows left; subtracting after
        # that counted the deleted images twice ("22 images" after deleting 1 of 24).
        self.total -= len(rows)
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
        if rows:
            self._rebuild_index()
            self.layoutChanged.emit()

    def _thumb_changed(self, item_id: int) -> None:
        row = self.row_of(item_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [PixmapRole, MissingRole])
