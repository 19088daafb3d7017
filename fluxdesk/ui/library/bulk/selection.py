"""What the gallery's selection stands for when an action runs on it.

The grid loads its rows a page at a time, so at 100,000 images "Select all" cannot mean
"the rows loaded": it selects every loaded row (and each page loaded afterwards) and
marks the selection as *all images matching the search and filters*; an action then
takes their ids straight from the index, in the worker. Any other change of the
selection (a click, a new search) ends that. Otherwise the selection is the images of
the selected tiles, a collapsed stack's tile standing for all its images (as
``GalleryWidget.selected_items()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QObject, Signal

from fluxdesk.core.library.queries import ItemFilter

if TYPE_CHECKING:
    from fluxdesk.core.library.record import ImageRecord
    from fluxdesk.core.library.store import Library
    from fluxdesk.ui.library.gallery import GalleryWidget

IdSource = Callable[[], list[int]]  # called in the worker: the ids an action acts on


class SelectionScope(QObject):
    changed = Signal()  # the selection's meaning or count changed

    def __init__(self, gallery: GalleryWidget) -> None:
        super().__init__(gallery)
        self.gallery = gallery
        self.all_matching = False
        self._selecting = False
        model = gallery.model
        model.modelReset.connect(self._end_all)
        model.rowsInserted.connect(self._rows_added)
        gallery.grid.selectionModel().selectionChanged.connect(self._selection_changed)

    def select_all(self) -> None:
        """Select every image matching the search and filters (Ctrl+A)."""
        self._selecting = True
        try:
            self.gallery.grid.selectAll()
        finally:
            self._selecting = False
        self.all_matching = self.gallery.model.rowCount() > 0
        self.changed.emit()

    def count(self) -> int:
        """How many images the selection stands for (a collapsed stack's tile: all of it)."""
        if self.all_matching:
            return self.gallery.model.total
        return len(self.selected_ids())

    def selected_ids(self) -> list[int]:
        """The ids of the selected images in the gallery's order, a collapsed stack's
        tile giving all its images (as ``GalleryWidget.selected_items``), without
        reading their records: a selection may hold thousands."""
        model = self.gallery.model
        rows = sorted(i.row() for i in self.gallery.grid.selectionModel().selectedIndexes())
        ids = (item_id for r in rows for item_id in model.stacks.acted_on(model.id_at(r)))
        return list(dict.fromkeys(i for i in ids if i >= 0))

    def text(self) -> str:
        """'5,000 selected' for a selection of more than one image, else ''."""
        count = self.count()
        return f"{count:,} selected" if count > 1 else ""

    def source(self) -> tuple[IdSource, int]:
        """The ids the selection stands for (a function for the worker: Select all asks
        the index there) and how many there are now."""
        library: Library | None = self.gallery.library
        if self.all_matching and library is not None:
            from fluxdesk.core.library.bulk.apply import matching_ids

            flt: ItemFilter = self.gallery.model.filter
            return (lambda: matching_ids(library, flt)), self.gallery.model.total
        ids = self.selected_ids()
        return (lambda: ids), len(ids)

    def records(self, most: int) -> list[ImageRecord] | None:
        """The records of the images the selection stands for, in the gallery's order (what
        export and contact sheets take, whole, on the GUI thread). After Select all with
        rows still unloaded they are read from the index: None when that is over ``most``.
        Raises LibraryError."""
        gallery = self.gallery
        library = gallery.library
        if not (self.all_matching and library is not None and gallery.model.canFetchMore()):
            return gallery.selected_items()
        if gallery.model.total > most:
            return None
        from fluxdesk.core.library.bulk.apply import matching_ids

        ids = matching_ids(library, gallery.model.filter)
        found = library.get_many(ids)
        return [found[i] for i in ids if i in found]

    # --- keeping "all" up to date -------------------------------------------------------
    def _rows_added(self, _parent: QModelIndex, first: int, last: int) -> None:
        if not self.all_matching:
            return
        model = self.gallery.model
        selection = QItemSelection(model.index(first), model.index(last))
        self._selecting = True
        try:
            self.gallery.grid.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
        finally:
            self._selecting = False

    def _selection_changed(self, _selected: QItemSelection, deselected: QItemSelection) -> None:
        if self._selecting:
            return
        if self.all_matching and not deselected.isEmpty():
            self.all_matching = False
        self.changed.emit()

    def _end_all(self) -> None:
        if self.all_matching:
            self.all_matching = False
            self.changed.emit()
