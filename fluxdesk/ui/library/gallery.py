"""The Library tab: search and filters, the thumbnail grid, details, and review actions.

Everything slow runs on the gallery's own pools: opening the library (its folder may be
on a slow or sleeping disk), rescans, contact-sheet rendering, undo; thumbnails have a
separate pool in :class:`ThumbnailLoader`. Queries of the SQLite index stay on the GUI
thread: a page of 240 rows or an FTS5 prefix search takes a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError, LibraryError
from fluxdesk.core.library import thumbnail_cache
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library, ReindexReport
from fluxdesk.ui.library import trash
from fluxdesk.ui.library.bulk.actions import BulkActions
from fluxdesk.ui.library.gallery_actions import GalleryActions
from fluxdesk.ui.library.gallery_details import DetailsPanel
from fluxdesk.ui.library.gallery_filters import FilterControls, SearchField
from fluxdesk.ui.library.gallery_model import GalleryModel, ItemRole
from fluxdesk.ui.library.gallery_view import THUMB_H, GalleryView
from fluxdesk.ui.library.interop_actions import InteropActions
from fluxdesk.ui.library.live_index import IndexWatcher
from fluxdesk.ui.library.projects.panel import ProjectPanel
from fluxdesk.ui.library.stacks.control import StackControl
from fluxdesk.ui.library.thumbnails import ThumbnailLoader
from fluxdesk.ui.messages import Severity, UserMessage, user_message
from fluxdesk.ui.tasks import run_task
from fluxdesk.ui.theme.palette import set_role
from fluxdesk.ui.widgets.message_bar import MessageBar
from fluxdesk.ui.widgets.screen_reader import name_clear_button
from fluxdesk.ui.widgets.wrap_rows import WrapRows

SLOW_OPEN_MS = 4000  # after this, say the library disk is slow instead of showing nothing
SEARCH_COMFORT_W = 260  # the search box's width beside the filters before they wrap below it


class GalleryWidget(QWidget):
    use_request = Signal(object, str)  # GenerationRequest to put in the form, status text
    library_ready = Signal()
    review_saved = Signal(object)  # ImageRecord after a review edit
    rescanned = Signal(object)  # ReindexReport
    sheet_exported = Signal(object, int)  # Path, pages
    imported = Signal(object)  # ImportReport
    deleted = Signal(list)  # trash.Trashed entries
    restored = Signal()
    failed = Signal(str)  # a message shown in the bar (tests listen to it)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        library: Library | None = None,
        rescan_on_open: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("galleryView")
        self.ctx = ctx
        self.library: Library | None = None
        self.rescan_on_open = rescan_on_open
        self.io_pool = QThreadPool(self)
        self.io_pool.setMaxThreadCount(1)  # one writer at a time: rescans, undo, sheets
        # Thumbnails as sharp as the sharpest screen shows a tile (bigger on HiDPI screens).
        ratio = max((screen.devicePixelRatio() for screen in QGuiApplication.screens()), default=1.0)
        # The row height's side: wider tiles (16:9 at 176 px is 313 px) scale up a little;
        # 320 px thumbnails tripled first paint and search in benchmarks/library_scale.py.
        side = thumbnail_cache.side_for(THUMB_H, ratio)
        self.loader = ThumbnailLoader(ctx.paths.thumbnails, side=side, parent=self)
        self.model = GalleryModel(self.loader, self)
        # Images saved elsewhere (the command line, a second window) appear within a second.
        self.watcher = IndexWatcher(lambda: self.library, self)
        self.watcher.changed.connect(self.refresh)
        self._opening = False
        self._stale = False
        self._build()
        self.item_actions = GalleryActions(self)
        self.interop_actions = InteropActions(self)
        self.stacks = StackControl(self)
        self.bulk = BulkActions(self)  # the selection's favourite, rating, tags, project, delete
        self._build_actions()
        self.project_panel = ProjectPanel(self)  # left of the grid; filters it by project
        self.project_panel.filter_changed.connect(self.apply_filter)
        self.model.error.connect(self.show_error)
        self.model.loaded.connect(self.update_count)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        if library is not None:
            self._on_opened(library)
        else:
            QTimer.singleShot(0, self, self.open_library)  # (dropped if self is deleted first)

    # --- construction -------------------------------------------------------------------
    def _build(self) -> None:
        self.search = SearchField()
        self.search.setObjectName("gallerySearch")
        self.search.setPlaceholderText("Search prompts, notes, tags…")
        self.search.setAccessibleName("Search the library")
        self.search.setClearButtonEnabled(True)
        name_clear_button(self.search, "Clear the search")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)  # coalesce keystrokes of one event-loop pass
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)

        f = self.filter_controls = FilterControls(self.apply_filter)
        self.favourites, self.rating, self.format, self.size_filter = (
            f.favourites,
            f.rating,
            f.format,
            f.size_filter,
        )
        self.nsfw, self.dates, self.date_from, self.date_to = f.nsfw, f.dates, f.date_from, f.date_to
        self.count_label = QLabel()
        self.count_label.setObjectName("galleryCount")
        set_role(self.count_label, "hint")
        # A push button: its menu arrow gets room of its own (a tool button's arrow is
        # drawn over the end of its text).
        self.more = QPushButton("Actions")
        self.more.setObjectName("galleryMenuButton")
        self.more.setAutoDefault(False)

        # The filters (and the count after them) go beside the search box when the tab
        # is wide enough for one line, else on rows of their own below it.
        layout = QVBoxLayout(self)  # first: every row below is in place before it is filled
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.search_row = QHBoxLayout()
        self.search_row.setContentsMargins(14, 10, 14, 4)
        self.search_row.setSpacing(6)
        layout.addLayout(self.search_row)
        self.filter_row = QHBoxLayout()
        self.filter_row.setContentsMargins(14, 2, 14, 4)
        layout.addLayout(self.filter_row)
        self.filter_bar = QWidget(self)
        self.filter_bar.setObjectName("galleryFilters")
        self.filters = WrapRows(self.filter_bar, (*self.filter_controls.widgets, self.count_label))
        self.search_row.addWidget(self.search, 1)
        self.search_row.addWidget(self.filter_bar)
        self.search_row.addWidget(self.more)
        # Tab as the row reads, left to right: the search box first (the filters, placed
        # into their bar first, would otherwise come before it).
        row: list[QWidget] = [self.search, *self.filter_controls.widgets, self.more]
        for before, after in pairwise(row):
            QWidget.setTabOrder(before, after)

        self.message_bar = MessageBar()
        self.message_bar.setObjectName("galleryMessageBar")

        self.grid = GalleryView()
        self.grid.setModel(self.model)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._context_menu)
        self.grid.activated.connect(lambda _i: self.item_actions.open_in_viewer())
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.selectionModel().currentChanged.connect(self._selection_changed)
        self.details = DetailsPanel()  # its minimum width is its content's (it wraps)
        self.details.review_changed.connect(self.save_review)
        self.details.action_requested.connect(self._details_action)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("gallerySplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([900, 340])

        layout.addWidget(self.message_bar)  # its gap is its own margin (theme role)
        layout.addWidget(self.splitter, 1)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], keys: list[str] | None = None) -> QAction:
            a = QAction(text, self)
            if keys:
                a.setShortcuts([QKeySequence(k) for k in keys])
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.grid.addAction(a)
            a.triggered.connect(slot)
            return a

        self.open_action = action("Open in viewer", self.item_actions.open_in_viewer, ["Space"])
        self.reveal_action = action("Show in folder", self.item_actions.reveal)
        self.copy_action = action("Copy image", self.item_actions.copy_image, ["Ctrl+C"])
        self.export_action = action("Export…", self.item_actions.export_copy_dialog)
        self.use_action = action("Use these settings", lambda: self.item_actions.use_settings(with_seed=True))
        self.use_noseed_action = action(
            "Use these settings without seed", lambda: self.item_actions.use_settings(with_seed=False)
        )
        self.vary_action = action("Vary seed", self.item_actions.vary_seed)
        self.preset_action = action("Save as preset…", self.item_actions.save_as_preset)
        self.compare_action = action("Compare the two selected", self.item_actions.compare_selected)
        self.sheet_action = action("Export contact sheet…", self.item_actions.export_sheet_dialog)
        self.delete_action = action("Delete (to trash)", self.item_actions.delete_selected, ["Delete"])
        self.rescan_action = action("Rescan library folder", self.rescan)
        self.import_action = action("Import images…", self.interop_actions.import_dialog)
        self.favourite_action = action("Toggle favourite", self.toggle_favourite, ["F"])
        for n in range(6):

            def rate(_checked: bool = False, n: int = n) -> None:
                self.rate_selected(n)

            action(f"Rate {n}", rate, [str(n)])
        menu = QMenu(self)
        menu.addAction(self.bulk.select_all_action)
        self.bulk.add_to_menu(menu)
        menu.addSeparator()
        menu.addActions([self.compare_action, self.sheet_action, self.export_action, self.delete_action])
        menu.addSeparator()
        menu.addActions([self.stacks.expand_all_action, self.stacks.collapse_all_action])
        menu.addSeparator()
        menu.addActions([self.import_action, self.rescan_action])
        self.more.setMenu(menu)
        self._selection_changed()

    # --- toolbar layout -------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_toolbar()

    def filters_inline(self) -> bool:
        return self.search_row.indexOf(self.filter_bar) >= 0

    def _arrange_toolbar(self) -> None:
        """Filters beside the search box if one line holds them all, else below it, on as
        many rows as the tab's width needs."""
        m, gap = self.search_row.contentsMargins(), self.search_row.spacing()
        search = max(SEARCH_COMFORT_W, self.search.minimumSizeHint().width())
        beside = self.width() - m.left() - m.right() - search - self.more.sizeHint().width() - 2 * gap
        inline = self.filters.one_line_width() <= beside
        if inline != self.filters_inline():
            (self.filter_row if inline else self.search_row).removeWidget(self.filter_bar)
            if inline:
                self.search_row.insertWidget(1, self.filter_bar)
            else:
                self.filter_row.addWidget(self.filter_bar, 1)
        below = self.filter_row.contentsMargins()
        self.filters.arrange(None if inline else self.width() - below.left() - below.right())

    def set_count_text(self, text: str) -> None:
        self.count_label.setText(text)
        self._arrange_toolbar()  # a longer text may no longer fit on the search line

    # --- library lifecycle ----------------------------------------------------------------
    def open_library(self) -> None:
        """Open (and recover) the library off the GUI thread; a slow disk only delays it."""
        if self._opening:
            return
        self._opening = True
        self.grid.empty_text = "Opening the library…"
        self.grid.viewport().update()
        root = self.ctx.library_root

        def slow() -> None:
            if self._opening:
                self.show_note(
                    "The library folder is slow to answer",
                    f"{root} has not responded for {SLOW_OPEN_MS // 1000} s (a sleeping, network or "
                    "removable disk?). The gallery appears as soon as it answers.",
                    Severity.WARNING,
                )

        QTimer.singleShot(SLOW_OPEN_MS, self, slow)
        run_task(self.io_pool, self.ctx.library, self._on_opened, self._on_open_failed)

    def _on_opened(self, library: Library) -> None:
        self._opening = False
        self.library = library
        self.grid.empty_text = "No images yet. Generated images appear here."
        if self.message_bar.message and self.message_bar.message.severity is Severity.WARNING:
            self.message_bar.dismiss()
        self.model.set_library(library)
        self.library_ready.emit()
        if self.rescan_on_open:
            QTimer.singleShot(0, self, self.rescan)
        self.interop_actions.offer_upgrade_once()

    def _on_open_failed(self, error: BaseException) -> None:
        self._opening = False
        self.grid.empty_text = "The library could not be opened."
        self.grid.viewport().update()
        text = str(error) if isinstance(error, FluxDeskError) else f"{type(error).__name__}: {error}"
        self.message_bar.show_message(
            UserMessage("Cannot open the library", text, Severity.ERROR),
            self.open_library,
            primary_label="Try again",
        )
        self.failed.emit(text)

    def rescan(self) -> None:
        """Notice files added, moved or deleted outside FluxDesk (Library.reindex in a
        worker); also empties what FluxDesk's own trash has kept long enough."""
        library = self.library
        if library is None:
            return
        self.set_count_text("Rescanning…")
        cache_dir = self.loader.cache_dir

        def work() -> ReindexReport:
            report = library.reindex()
            # Thumbnails of images that are gone would otherwise stay in the cache forever.
            thumbnail_cache.prune(cache_dir, library.ids())
            trash.purge_old(library.root)
            return report

        run_task(self.io_pool, work, self._on_rescanned, self.on_worker_error)

    def _on_rescanned(self, report: ReindexReport) -> None:
        # Always: the index may have changed without the files (another process saving).
        self.refresh()
        self.update_count()
        if report.unreadable:
            self.show_note(
                "Some images could not be read",
                f"{len(report.unreadable)} file(s) have damaged FluxDesk metadata and are not shown, "
                f"e.g. {report.unreadable[0]}.",
                Severity.WARNING,
            )
        self.rescanned.emit(report)

    def refresh(self) -> None:
        """Reload from the index, keeping the selection, the rows loaded so far and the
        scroll position (new images arrive at the top: what was on screen stays)."""
        current = self.current_item()
        bar = self.grid.verticalScrollBar()
        position, loaded = bar.value(), self.model.loaded_count()
        self.model.refresh(keep=loaded)
        if current is not None:
            self.select_ids([current.id])
        bar.setValue(position)
        self.watcher.mark_seen()

    def notify_saved(self) -> None:
        """New images were saved: show them now if visible, else on the next show."""
        if self.isVisible() and self.library is not None:
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.library is not None:
            self._stale = False
            self.refresh()
        self.watcher.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watcher.stop()

    def escape(self) -> None:
        """Esc in the Library: clear the search (the window routes Esc here when the focus
        is in the Library, instead of cancelling the running job)."""
        if self.search.text():
            self.search.clear()
        else:
            self.grid.setFocus()

    def shutdown(self) -> None:
        self.bulk.cancel()  # a bulk action stops at its next image (consistent: see bulk/journal)
        self.watcher.stop()
        self.details.flush_notes()
        self.loader.shutdown()
        self.model.shutdown()
        self.io_pool.waitForDone(5000)

    # --- filters ------------------------------------------------------------------------
    def current_filter(self) -> ItemFilter:
        flt = self.filter_controls.item_filter(self.search.text())
        return replace(flt, project=self.project_panel.key())

    def apply_filter(self, *_: object) -> None:
        flt = self.current_filter()
        self.grid.empty_text = self.project_panel.empty_text(flt) or (
            "No images match the search and filters."
            if flt.active
            else "No images yet. Generated images appear here."
        )
        self.model.set_filter(flt)
        self._arrange_toolbar()  # the date edits may have been shown or hidden
        self.grid.verticalScrollBar().setValue(0)
        self._selection_changed()

    def update_count(self) -> None:
        total = self.model.total
        noun = "image" if total == 1 else "images"
        text = f"{total:,} {noun}" + (" found" if self.model.filter.active else "")
        selected = self.bulk.scope.text()
        self.set_count_text(f"{text} · {selected}" if selected else text)

    # --- selection ----------------------------------------------------------------------
    def selected_items(self) -> list[ImageRecord]:
        """The selected images, what actions change: a collapsed stack's tile stands for
        every image in it (favourite, rating, delete, export, compare, contact sheet…)."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        return [item for r in rows for item in self.model.acted_on(r)]

    def selected_tiles(self) -> list[ImageRecord]:
        """The selected tiles' own images (a collapsed stack's first image only)."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        items = [self.model.item(r) for r in rows]
        return [i for i in items if i is not None]

    def current_item(self) -> ImageRecord | None:
        selected = self.selected_tiles()
        if len(selected) == 1:
            return selected[0]
        index = self.grid.currentIndex()
        item = index.data(ItemRole) if index.isValid() else None
        return item if isinstance(item, ImageRecord) and not selected else (selected[0] if selected else None)

    def select_ids(self, ids: list[int]) -> None:
        sel = self.grid.selectionModel()
        sel.clearSelection()
        first: QModelIndex | None = None
        for item_id in ids:
            row = self.model.shown_row(item_id)  # a collapsed stack's tile for its images
            if row >= 0:
                index = self.model.index(row)
                sel.select(index, sel.SelectionFlag.Select)
                first = first or index
        if first is not None:
            sel.setCurrentIndex(first, sel.SelectionFlag.NoUpdate)
            self.grid.scrollTo(first)

    def _selection_changed(self, *_: object) -> None:
        selected = self.selected_tiles() if self.grid.selectionModel() else []
        one = len(selected) == 1
        self.details.show_selection(selected)
        for a in (
            self.open_action,
            self.reveal_action,
            self.use_action,
            self.use_noseed_action,
            self.vary_action,
            self.preset_action,
        ):
            a.setEnabled(one)
        for a in (self.copy_action, self.export_action):
            a.setEnabled(bool(selected))
        rows = [i.row() for i in self.grid.selectionModel().selectedIndexes()] if selected else []
        self.compare_action.setEnabled(self.model.acted_count(rows) == 2)  # also a stack of two
        self.sheet_action.setEnabled(bool(selected))
        self.delete_action.setEnabled(bool(selected))

    def _context_menu(self, pos: Any) -> None:
        index = self.grid.indexAt(pos)
        if index.isValid() and not self.grid.selectionModel().isSelected(index):
            self.grid.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addActions([self.open_action, self.reveal_action, self.copy_action, self.export_action])
        menu.addSeparator()
        menu.addActions([self.use_action, self.use_noseed_action, self.vary_action, self.preset_action])
        menu.addSeparator()
        self.bulk.add_to_menu(menu)
        menu.addMenu(self.project_panel.move_menu(menu))
        menu.addSeparator()
        menu.addActions([self.compare_action, self.sheet_action])
        if self.stacks.toggle_action.isEnabled():
            menu.addAction(self.stacks.toggle_action)
        menu.addSeparator()
        menu.addActions([self.delete_action, self.rescan_action])
        menu.popup(self.grid.viewport().mapToGlobal(pos))
        self._menu = menu

    # --- review -------------------------------------------------------------------------
    def save_review(self, item_id: int, changes: dict[str, Any]) -> ImageRecord | None:
        if self.library is None:
            return None
        try:
            item = self.library.update_review(item_id, **changes)
        except (LibraryError, KeyError, ValueError) as exc:
            self.show_error(
                str(exc) if not isinstance(exc, KeyError) else "That image is no longer in the library."
            )
            return None
        self.model.replace_item(item)
        if self.details.item is not None and self.details.item.id == item.id:
            self.details.show_item(item)
        self.review_saved.emit(item)
        return item

    def toggle_favourite(self) -> None:
        self.bulk.toggle_favourite()

    def rate_selected(self, rating: int) -> None:
        self.bulk.rate(rating)

    # --- item actions -------------------------------------------------------------------
    def _details_action(self, name: str) -> None:
        {
            "open": self.item_actions.open_in_viewer,
            "reveal": self.item_actions.reveal,
            "copy": self.item_actions.copy_image,
            "export": self.item_actions.export_copy_dialog,
            "delete": self.item_actions.delete_selected,
            "use": lambda: self.item_actions.use_settings(with_seed=True),
            "use_noseed": lambda: self.item_actions.use_settings(with_seed=False),
            "vary": self.item_actions.vary_seed,
            "preset": self.item_actions.save_as_preset,
        }[name]()

    # --- messages -----------------------------------------------------------------------
    def show_note(self, title: str, text: str, severity: Severity) -> None:
        self.message_bar.show_message(UserMessage(title, text, severity))

    def show_error(self, text: str) -> None:
        self.message_bar.show_message(UserMessage("Library", text, Severity.ERROR))
        self.failed.emit(text)

    def on_worker_error(self, error: BaseException) -> None:
        self.update_count()
        message = user_message(error)
        self.show_error(message.text if isinstance(error, FluxDeskError) else f"{message.title}: {error}")
