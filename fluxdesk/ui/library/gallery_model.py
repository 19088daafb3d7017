"""The gallery's list model: library items newest first, loaded a page at a time.

Built for 100,000 images (issue 18). Pages are keyset pages (core/library/paging.py):
``fetchMore`` reads the rows after the last one loaded, so the 400th page costs what the
first does, and an image added or removed meanwhile neither repeats a row nor skips one.
For each loaded row the model keeps only what the layout needs, in compact arrays: the
id, the size and the (local) day. The full ImageRecords (request, review, strings) of
the rows being looked at come from the index by id, a block of rows at a time, into a
bounded most-recently-used cache: a full scroll to the end holds 100,000 light rows and
a few hundred records, never 100,000 records (the memory and the garbage collector's
passes over them were the 400 MB and the 400 ms frames). A record is found by its id,
so a cached one is never shown in another row. Pages are small and the view also asks
for the next one ahead of time (:meth:`GalleryModel.prefetch`, on a worker). Rows are
grouped into day sections here (local time) so the view can draw headers without asking
per row.

The images of one job are one row, a stack (``stacks.state``): the others are loaded but
hidden under it (only their ids kept) until the stack is expanded in place (rows
inserted after it). A page that ends inside a stack loads the rest of the stack at once,
so a tile's count and an action on it always cover the whole stack.
"""

from __future__ import annotations

import bisect
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    Signal,
)

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.paging import PageKey, PageRow
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.projects.drag import IMAGE_IDS_MIME, image_mime
from fluxdesk.ui.library.stacks.state import StackState
from fluxdesk.ui.library.thumbnails import ThumbnailLoader
from fluxdesk.ui.tasks import run_task

PAGE = 240  # light rows a fetchMore appends
BLOCK = 48  # rows whose records are read together when one of them is asked for (a screen's worth)
RECORDS_KEPT = 1200  # records cached: several screens of the largest grid
ItemRole = Qt.ItemDataRole.UserRole + 1
PixmapRole = Qt.ItemDataRole.UserRole + 2
MissingRole = Qt.ItemDataRole.UserRole + 3
StackRole = Qt.ItemDataRole.UserRole + 4  # (position, size, expanded) of a stack's image, else None
STACK_MAX = 256  # a stack's images read at once when a page cuts it (a batch is 4, a sweep 64)


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


def day_of(created_ts: float) -> date:
    """The local day of a time stamp (the day section an image is under)."""
    try:
        return datetime.fromtimestamp(created_ts).date()
    except (OverflowError, OSError, ValueError):
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
        # The loaded rows, light (see the module's doc): row → id, width, height, day.
        self._ids = array("q")
        self._widths = array("l")
        self._heights = array("l")
        self._days = array("l")  # date.toordinal() of the local day
        self._rows_by_id: dict[int, int] = {}
        self._records: OrderedDict[int, ImageRecord] = OrderedDict()  # by id, least recent first
        self._gone: set[int] = set()  # ids asked for that the index no longer holds
        self._after: PageKey | None = None  # where the next page starts
        self._exhausted = False  # the last page came back short: nothing more to fetch
        self.sections: list[Section] = []
        self.stacks = StackState()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0  # bumped by refresh: a prefetch of an older list is dropped
        self._prefetching = False
        self._prefetched: tuple[int, PageKey | None, list[PageRow]] | None = None  # generation, after, page
        loader.ready.connect(self._thumb_changed)
        loader.missing.connect(self._thumb_changed)

    # --- loading ------------------------------------------------------------------------
    def set_library(self, library: Library | None) -> None:
        self.library = library
        self.refresh()

    def set_filter(self, flt: ItemFilter) -> None:
        self.filter = flt
        self.refresh()

    def refresh(self, keep: int = 0) -> None:
        """Reload from the index under the current filter: the first page, or as many rows
        as ``keep`` (the rows loaded before, so a refresh keeps the scroll position) in
        one read of light rows, not page by page."""
        self.beginResetModel()
        self._clear_rows()
        self._records.clear()
        self._gone.clear()
        self._after, self._exhausted = None, False
        self.stacks.reset()
        self.total = 0
        self._generation += 1
        self._prefetching = False
        self._prefetched = None
        self.loader.cancel_pending()
        if self.library is not None:
            try:
                limit = max(PAGE, keep)
                self._append_rows(self._take_page(self.library.page(self.filter, None, limit), limit)[0])
                # A short first page is the whole list: no count needed.
                self.total = self.loaded_count() if self._exhausted else self.library.count(self.filter)
            except LibraryError as exc:
                self.total = self.loaded_count()
                self._exhausted = True
                self.error.emit(str(exc))
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self.library is not None
            and not self._exhausted
            and self.loaded_count() < self.total
        )

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        assert self.library is not None
        ready, self._prefetched = self._prefetched, None
        try:
            if ready is not None and ready[:2] == (self._generation, self._after):
                page = ready[2]
            else:
                page = self.library.page(self.filter, self._after, PAGE)
            shown, grown = self._take_page(page, PAGE)
        except LibraryError as exc:
            self.total = self.loaded_count()
            self.error.emit(str(exc))
            return
        first = len(self._ids)
        if shown:
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._append_rows(shown)
            self.endInsertRows()
        if self._exhausted:  # the count was taken before images were added or removed
            self.total = self.loaded_count()
        for leader in grown:  # their count badges
            index = self.index(self.row_of(leader))
            self.dataChanged.emit(index, index, [StackRole])
        if shown or grown:
            self.loaded.emit()

    def prefetch(self) -> None:
        """Load the next page on a worker, so the coming ``fetchMore`` does not query."""
        if self._prefetching or not self.canFetchMore() or self.library is None:
            return
        after, generation = self._after, self._generation
        if self._prefetched is not None and self._prefetched[:2] == (generation, after):
            return
        library, flt, limit = self.library, self.filter, PAGE
        self._prefetching = True

        def done(page: list[PageRow]) -> None:
            if generation == self._generation:
                self._prefetching = False
                self._prefetched = (generation, after, page)

        def failed(_error: BaseException) -> None:  # fetchMore queries again and reports it
            if generation == self._generation:
                self._prefetching = False

        run_task(self.pool, lambda: library.page(flt, after, limit), done, failed, receiver=self)

    def shutdown(self, timeout_ms: int = 3000) -> None:
        self.pool.waitForDone(timeout_ms)

    def loaded_count(self) -> int:
        """Images loaded: the rows and the images hidden in collapsed stacks."""
        return len(self._ids) + len(self.stacks.hidden)

    def _take_page(self, page: list[PageRow], limit: int) -> tuple[list[PageRow], set[int]]:
        """Move the next page's start past ``page``; of its rows not loaded yet (and of
        the rest of a stack it ends in), those to show, and the leaders whose stack grew."""
        if page:
            self._after = page[-1].key
        if len(page) < limit:
            self._exhausted = True
        rows = page
        last = page[-1] if len(page) == limit else None
        if last is not None and last.job and self.library is not None:
            # The next page brings these again: they are loaded by then and skipped.
            rows = page + self.library.page(replace(self.filter, job=last.job), last.key, STACK_MAX)
        # (an image whose time changed since its page may come again)
        fresh = [r for r in rows if r.id not in self._rows_by_id and r.id not in self.stacks.hidden]
        return self.stacks.add(fresh)

    def _append_rows(self, rows: list[PageRow]) -> None:
        today = date.today()
        for row in rows:
            n = len(self._ids)
            day = day_of(row.created_ts)
            self._ids.append(row.id)
            self._widths.append(row.width)
            self._heights.append(row.height)
            self._days.append(day.toordinal())
            self._rows_by_id[row.id] = n
            if self.sections and self.sections[-1].day == day:
                self.sections[-1].count += 1
            else:
                self.sections.append(Section(day, n, 1, day_label(day, today)))

    def _clear_rows(self) -> None:
        for column in (self._ids, self._widths, self._heights, self._days):
            del column[:]
        self._rows_by_id, self.sections = {}, []

    def _rebuild_index(self) -> None:
        """Row numbers and day sections again, after rows were removed."""
        self._rows_by_id = {item_id: row for row, item_id in enumerate(self._ids)}
        today = date.today()
        self.sections = []
        first = 0
        for ordinal, run in groupby(self._days):
            count = sum(1 for _ in run)
            day = date.fromordinal(ordinal)
            self.sections.append(Section(day, first, count, day_label(day, today)))
            first += count

    # --- access -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def item(self, row: int) -> ImageRecord | None:
        """The full record of ``row`` (read from the index with its block when not cached);
        None past the end or when the image has left the index meanwhile."""
        if not 0 <= row < len(self._ids):
            return None
        item_id = self._ids[row]
        record = self._records.get(item_id)
        if record is not None:
            self._records.move_to_end(item_id)
            return record
        if item_id in self._gone or self.library is None:
            return None
        self._load_block(row)
        return self._records.get(item_id)

    def id_at(self, row: int) -> int:
        """The image id of ``row`` (-1 past the end), without reading its record."""
        return self._ids[row] if 0 <= row < len(self._ids) else -1

    def size_of(self, row: int) -> tuple[int, int]:
        """The width and height of ``row``'s image as the index has them ((0, 0) past the end)."""
        if not 0 <= row < len(self._ids):
            return 0, 0
        return self._widths[row], self._heights[row]

    def _load_block(self, row: int) -> None:
        assert self.library is not None
        start = row - row % BLOCK
        block = self._ids[start : start + BLOCK]
        wanted = [i for i in block if i not in self._records and i not in self._gone]
        try:
            found = self.library.get_many(wanted)
        except LibraryError as exc:
            self.error.emit(str(exc))
            return
        for item_id in wanted:
            record = found.get(item_id)
            if record is None:
                self._gone.add(item_id)
            else:
                self._records[item_id] = record
        while len(self._records) > RECORDS_KEPT:
            self._records.popitem(last=False)

    def row_of(self, item_id: int) -> int:
        return self._rows_by_id.get(item_id, -1)

    def shown_row(self, item_id: int) -> int:
        """The row of the image, or of the collapsed stack it is in; -1 if not loaded."""
        row = self.row_of(item_id)
        return (
            row if row >= 0 or item_id not in self.stacks.hidden else self.row_of(self.stacks.leader(item_id))
        )

    def acted_on(self, row: int) -> list[ImageRecord]:
        """The images an action on the tile of ``row`` changes: all of a collapsed stack."""
        ids = self.stacks.acted_on(self.id_at(row))
        if len(ids) == 1:
            item = self.item(row)
            return [item] if item is not None else []
        return self.records(ids)

    def acted_count(self, rows: list[int]) -> int:
        """How many images an action on these rows' tiles changes (no record is read)."""
        return sum(len(self.stacks.acted_on(self.id_at(row))) for row in rows)

    def records(self, ids: list[int]) -> list[ImageRecord]:
        """The records of these ids (cached or read), in this order; gone ones left out."""
        missing = [i for i in ids if i not in self._records and i not in self._gone]
        if missing and self.library is not None:
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                try:
                    found = self.library.get_many(chunk)
                except LibraryError as exc:
                    self.error.emit(str(exc))
                    break
                self._records.update(found)
                self._gone.update(i for i in chunk if i not in found)
        result = [self._records[i] for i in ids if i in self._records]
        while len(self._records) > RECORDS_KEPT:
            self._records.popitem(last=False)
        return result

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
        if role == StackRole:
            return self.stacks.info(item.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{item.prompt}\nSeed {item.seed} · {item.width}×{item.height} · {item.created[:16]}"
            return tip + stack_tip(self.stacks.info(item.id))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            stars = f", {item.rating} stars" if item.rating else ""
            fav = ", favourite" if item.favourite else ""
            return stack_text(self.stacks.info(item.id)) + f"{item.prompt[:80]}{fav}{stars}"
        return None

    # --- dragging tiles: file URLs for other applications, ids for the project list -----
    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list", IMAGE_IDS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        rows = sorted({index.row() for index in indexes if index.isValid()})
        items = [item for row in rows for item in self.acted_on(row)]  # a stack: all its images
        return image_mime(items, self.library.root if self.library is not None else None)

    # --- edits --------------------------------------------------------------------------
    def replace_item(self, item: ImageRecord) -> None:
        if item.id in self._records:  # also an image hidden in a collapsed stack
            self._records[item.id] = item
        row = self.row_of(item.id)
        if row >= 0:
            self._records[item.id] = item
            self._records.move_to_end(item.id)
            self._gone.discard(item.id)
            self._widths[row], self._heights[row] = item.width, item.height
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def remove_ids(self, ids: set[int]) -> None:
        rows = sorted((self.row_of(i) for i in ids if self.row_of(i) >= 0), reverse=True)
        leader_rows = {self.id_at(row): row for row in rows}
        hidden, heirs = self.stacks.forget(ids)
        # The total first: each removal makes the view relayout and maybe call fetchMore,
        # which (finding nothing new) sets the total to the rows left; subtracting after
        # that counted the deleted images twice ("22 images" after deleting 1 of 24).
        self.total -= len(rows) + hidden
        for item_id in ids:
            self._records.pop(item_id, None)
        # A collapsed stack that lost only its leader shows its next image in its place:
        # that row changes its image instead of going and coming back (an insertion per
        # stack renumbered and laid out every row after it: 77 s for 942 of 47,000 rows).
        heir_rows = {leader_rows[leader]: heir for leader, heir in heirs if leader in leader_rows}
        light = {row.id: row for row in self._light(list(heir_rows.values()))}
        swapped: list[int] = []
        for row, heir in heir_rows.items():
            if heir in light:
                r = light[heir]
                self._ids[row], self._widths[row], self._heights[row] = r.id, r.width, r.height
                self._days[row] = day_of(r.created_ts).toordinal()
                swapped.append(r.id)
        rows = [row for row in rows if self.id_at(row) in ids]
        # Runs of neighbouring rows go in one removal each, the last run first.
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1] = (row, runs[-1][1])
            else:
                runs.append((row, row))
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            for column in (self._ids, self._widths, self._heights, self._days):
                del column[first : last + 1]
            self.endRemoveRows()
        if rows or swapped:
            self._rebuild_index()
            self.layoutChanged.emit()
        for heir in swapped:
            index = self.index(self.row_of(heir))
            self.dataChanged.emit(index, index)

    # --- stacks ---------------------------------------------------------------------------
    def expand(self, row: int) -> bool:
        """Show a collapsed stack's other images right after its tile; False if none."""
        leader = self.id_at(row)
        if not self.stacks.is_collapsed_stack(leader):
            return False
        self._insert_rows(row + 1, self._light(self.stacks.set_open(leader, True)))
        return True

    def collapse(self, row: int) -> int:
        """Hide the other images of the open stack shown at ``row`` (any of its images)
        under its leader; the leader's row, or -1 if ``row`` is in no open stack."""
        info = self.stacks.info(self.id_at(row))
        if info is None or not info[2]:
            return -1
        leader = self.stacks.leader(self.id_at(row))
        rows = sorted(
            (r for r in map(self.row_of, self.stacks.set_open(leader, False)) if r >= 0), reverse=True
        )
        while rows:  # runs of neighbouring rows, the last first
            last = first = rows.pop(0)
            while rows and rows[0] == first - 1:
                first = rows.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            for column in (self._ids, self._widths, self._heights, self._days):
                del column[first : last + 1]
            self._rebuild_index()
            self.endRemoveRows()
        self.layoutChanged.emit()  # laid out now, not at the end of the event pass
        return self.row_of(leader)

    def set_all_expanded(self, expanded: bool) -> None:
        """Open (or close) every stack, also those loaded later. The rows are laid out
        again: the caller keeps the selection and the scroll position."""
        stacks = self.stacks
        stacks.set_all_open(expanded)
        have = {
            i: (w, h, d)
            for i, w, h, d in zip(self._ids, self._widths, self._heights, self._days, strict=True)
        }
        order: list[int] = []
        for item_id in self._ids:
            if stacks.leader(item_id) != item_id:
                continue  # an image of a stack: it follows its leader below
            order.extend(stacks.stack_ids(item_id) if expanded else [item_id])
        for row in self._light([i for i in order if i not in have]):
            have[row.id] = (row.width, row.height, day_of(row.created_ts).toordinal())
        self.beginResetModel()
        self._clear_rows()
        for item_id in order:
            if item_id in have:
                w, h, d = have[item_id]
                self._ids.append(item_id)
                self._widths.append(w)
                self._heights.append(h)
                self._days.append(d)
        self._rebuild_index()
        self.endResetModel()

    def _light(self, ids: list[int]) -> list[PageRow]:
        """The light rows of these ids from the index, in this order (gone ones left out)."""
        found: dict[int, PageRow] = {}
        if self.library is not None:
            try:
                for start in range(0, len(ids), 500):
                    found.update(self.library.page_rows(ids[start : start + 500]))
            except LibraryError as exc:
                self.error.emit(str(exc))
        return [found[i] for i in ids if i in found]

    def _insert_rows(self, row: int, rows: list[PageRow]) -> None:
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), row, row + len(rows) - 1)
        self._ids[row:row] = array("q", [r.id for r in rows])
        self._widths[row:row] = array("l", [r.width for r in rows])
        self._heights[row:row] = array("l", [r.height for r in rows])
        self._days[row:row] = array("l", [day_of(r.created_ts).toordinal() for r in rows])
        self._rebuild_index()
        self.endInsertRows()

    def _thumb_changed(self, item_id: int) -> None:
        row = self.row_of(item_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [PixmapRole, MissingRole])


def stack_text(stack: tuple[int, int, bool] | None) -> str:
    """What a screen reader says first about a tile in a stack."""
    if stack is None:
        return ""
    position, size, expanded = stack
    return f"Image {position} of {size} in a stack, " if expanded else f"Stack of {size} images, "


def stack_tip(stack: tuple[int, int, bool] | None) -> str:
    if stack is None:
        return ""
    size, expanded = stack[1], stack[2]
    if expanded:
        return f"\nStack of {size} images: click its badge or press S to collapse it"
    return f"\nStack of {size} images: click the badge or press S to show them all"
