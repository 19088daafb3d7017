"""The Library tab: search and filters, the thumbnail grid, details, and review actions.

Everything slow runs on the gallery's own pools: opening the library (its folder may be
on a slow or sleeping disk), rescans, contact-sheet rendering, undo; thumbnails have a
separate pool in :class:`ThumbnailLoader`. Queries of the SQLite index stay on the GUI
thread: a page of 240 rows or an FTS5 prefix search takes a few milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QMimeData,
    QModelIndex,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QGuiApplication,
    QImage,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError, LibraryError
from fluxdesk.core.library import contact_sheet as cs
from fluxdesk.core.library import thumbnail_cache
from fluxdesk.core.library.store import ItemFilter, Library, LibraryItem, ReindexReport
from fluxdesk.core.params import PRESET_DIMENSIONS, random_seed
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.library import trash
from fluxdesk.ui.library.compare import CompareDialog
from fluxdesk.ui.library.gallery_details import DetailsPanel
from fluxdesk.ui.library.gallery_model import GalleryModel, ItemRole
from fluxdesk.ui.library.gallery_view import THUMB_H, GalleryView
from fluxdesk.ui.library.thumbnails import ThumbnailLoader
from fluxdesk.ui.messages import Severity, UserMessage, user_message
from fluxdesk.ui.tasks import run_task
from fluxdesk.ui.theme.palette import set_role
from fluxdesk.ui.widgets.image_viewer import ViewerWindow
from fluxdesk.ui.widgets.message_bar import MessageBar
from fluxdesk.ui.widgets.wrap_rows import WrapRows

SLOW_OPEN_MS = 4000  # after this, say the library disk is slow instead of showing nothing
ANY = "any"
SEARCH_COMFORT_W = 260  # the search box's width beside the filters before they wrap below it


class SearchField(QLineEdit):
    """A line edit never narrower than its placeholder: a cut-off hint reads as a bug."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        # What sizeHint() adds around its 17 "x" (frame, text margins), plus the clear
        # button's room, which is kept even while the button is hidden.
        frame = super().sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        clear = self.style().pixelMetric(self.style().PixelMetric.PM_SmallIconSize) + 8
        width = metrics.horizontalAdvance(self.placeholderText()) + frame + clear
        return QSize(max(hint.width(), width), hint.height())


class GalleryWidget(QWidget):
    use_request = Signal(object, str)  # GenerationRequest to put in the form, status text
    library_ready = Signal()
    review_saved = Signal(object)  # LibraryItem after a review edit
    rescanned = Signal(object)  # ReindexReport
    sheet_exported = Signal(object, int)  # Path, pages
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
        side = thumbnail_cache.side_for(THUMB_H, ratio)
        self.loader = ThumbnailLoader(ctx.paths.thumbnails, side=side, parent=self)
        self.model = GalleryModel(self.loader, self)
        self.viewer: ViewerWindow | None = None
        self.compare_dialog: CompareDialog | None = None
        self._last_trashed: list[trash.Trashed] = []
        self._opening = False
        self._stale = False
        self._build()
        self._build_actions()
        self.model.error.connect(self._show_error)
        self.model.loaded.connect(self._update_count)
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
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)  # coalesce keystrokes of one event-loop pass
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)

        self.favourites = QToolButton()
        self.favourites.setObjectName("filterFavourites")
        self.favourites.setText("♥ Favourites")
        self.favourites.setCheckable(True)
        self.favourites.toggled.connect(self.apply_filter)
        self.rating = self._combo(
            "filterRating", [(ANY, "Any rating"), *((str(n), "★" * n + "+") for n in range(1, 6))]
        )
        self.format = self._combo("filterFormat", [(ANY, "Any format"), ("png", "PNG"), ("jpeg", "JPEG")])
        sizes = sorted(set(PRESET_DIMENSIONS.values()))
        self.size_filter = self._combo(
            "filterSize", [(ANY, "Any size"), *((f"{w}x{h}", f"{w}×{h}") for w, h in sizes)]
        )
        self.nsfw = self._combo(
            "filterNsfw", [(ANY, "NSFW or not"), ("hide", "Hide NSFW"), ("only", "NSFW only")]
        )
        self.dates = self._combo(
            "filterDates",
            [
                (ANY, "Any time"),
                ("today", "Today"),
                ("7", "Last 7 days"),
                ("30", "Last 30 days"),
                ("custom", "Dates…"),
            ],
        )
        self.date_from = QDateEdit()
        self.date_from.setObjectName("filterDateFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("filterDateTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.hide()
            edit.dateChanged.connect(self.apply_filter)
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
        self.filters = WrapRows(
            self.filter_bar,
            (
                self.favourites,
                self.rating,
                self.format,
                self.size_filter,
                self.nsfw,
                self.dates,
                self.date_from,
                self.date_to,
                self.count_label,
            ),
        )
        self.search_row.addWidget(self.search, 1)
        self.search_row.addWidget(self.filter_bar)
        self.search_row.addWidget(self.more)

        self.message_bar = MessageBar()
        self.message_bar.setObjectName("galleryMessageBar")

        self.grid = GalleryView()
        self.grid.setModel(self.model)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._context_menu)
        self.grid.activated.connect(lambda _i: self.open_in_viewer())
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

    def _combo(self, name: str, entries: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for value, text in entries:
            combo.addItem(text, value)
        # As wide as the longest entry, whichever is chosen: a flowing row never squeezes it.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], keys: list[str] | None = None) -> QAction:
            a = QAction(text, self)
            if keys:
                a.setShortcuts([QKeySequence(k) for k in keys])
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.grid.addAction(a)
            a.triggered.connect(slot)
            return a

        self.open_action = action("Open in viewer", self.open_in_viewer, ["Space"])
        self.reveal_action = action("Show in folder", self.reveal)
        self.copy_action = action("Copy image", self.copy_image, ["Ctrl+C"])
        self.export_action = action("Export copy…", self.export_copy_dialog)
        self.use_action = action("Use these settings", lambda: self.use_settings(with_seed=True))
        self.use_noseed_action = action(
            "Use these settings without seed", lambda: self.use_settings(with_seed=False)
        )
        self.vary_action = action("Vary seed", self.vary_seed)
        self.compare_action = action("Compare the two selected", self.compare_selected)
        self.sheet_action = action("Export contact sheet…", self.export_sheet_dialog)
        self.delete_action = action("Delete (to trash)", self.delete_selected, ["Delete"])
        self.rescan_action = action("Rescan library folder", self.rescan)
        self.favourite_action = action("Toggle favourite", self.toggle_favourite, ["F"])
        for n in range(6):

            def rate(_checked: bool = False, n: int = n) -> None:
                self.rate_selected(n)

            action(f"Rate {n}", rate, [str(n)])
        menu = QMenu(self)
        menu.addActions([self.compare_action, self.sheet_action])
        menu.addSeparator()
        menu.addAction(self.rescan_action)
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

    def _set_count_text(self, text: str) -> None:
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
                self._message(
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
        self._set_count_text("Rescanning…")
        cache_dir = self.loader.cache_dir

        def work() -> ReindexReport:
            report = library.reindex()
            # Thumbnails of images that are gone would otherwise stay in the cache forever.
            thumbnail_cache.prune(cache_dir, library.ids())
            trash.purge_old(library.root)
            return report

        run_task(self.io_pool, work, self._on_rescanned, self._on_worker_error)

    def _on_rescanned(self, report: ReindexReport) -> None:
        if report.added or report.removed or report.updated:
            self.refresh()
        self._update_count()
        if report.unreadable:
            self._message(
                "Some images could not be read",
                f"{len(report.unreadable)} file(s) have damaged FluxDesk metadata and are not shown, "
                f"e.g. {report.unreadable[0]}.",
                Severity.WARNING,
            )
        self.rescanned.emit(report)

    def refresh(self) -> None:
        current = self.current_item()
        self.model.refresh()
        if current is not None:
            self.select_ids([current.id])

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

    def escape(self) -> None:
        """Esc in the Library: clear the search (the window routes Esc here when the focus
        is in the Library, instead of cancelling the running job)."""
        if self.search.text():
            self.search.clear()
        else:
            self.grid.setFocus()

    def shutdown(self) -> None:
        self.details.flush_notes()
        self.loader.shutdown()
        self.model.shutdown()
        self.io_pool.waitForDone(5000)

    # --- filters ------------------------------------------------------------------------
    def current_filter(self) -> ItemFilter:
        rating = self.rating.currentData()
        fmt = self.format.currentData()
        size = self.size_filter.currentData()
        nsfw = self.nsfw.currentData()
        dates = self.dates.currentData()
        today = date.today()
        date_from: date | None = None
        date_to: date | None = None
        custom = dates == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        if dates == "today":
            date_from = today
        elif dates in ("7", "30"):
            date_from = today - timedelta(days=int(dates) - 1)
        elif custom:
            date_from = self.date_from.date().toPython()  # type: ignore[assignment]
            date_to = self.date_to.date().toPython()  # type: ignore[assignment]
        width = height = None
        if size != ANY:
            width, height = (int(v) for v in size.split("x"))
        # Local calendar days → UTC bounds: pass aware datetimes, not bare (UTC) dates.
        from datetime import datetime, time

        local = datetime.now().astimezone().tzinfo
        start = datetime.combine(date_from, time.min, local) if date_from else None
        end = datetime.combine(date_to, time.max, local) if date_to else None
        return ItemFilter(
            search=self.search.text().strip() or None,
            date_from=start,
            date_to=end,
            width=width,
            height=height,
            output_format=None if fmt == ANY else fmt,
            favourite=True if self.favourites.isChecked() else None,
            min_rating=None if rating == ANY else int(rating),
            nsfw={"hide": False, "only": True}.get(nsfw),
        )

    def apply_filter(self, *_: object) -> None:
        flt = self.current_filter()
        self.grid.empty_text = (
            "No images match the search and filters."
            if flt.active
            else "No images yet. Generated images appear here."
        )
        self.model.set_filter(flt)
        self._arrange_toolbar()  # the date edits may have been shown or hidden
        self.grid.verticalScrollBar().setValue(0)
        self._selection_changed()

    def _update_count(self) -> None:
        total = self.model.total
        noun = "image" if total == 1 else "images"
        self._set_count_text(f"{total:,} {noun}" + (" found" if self.model.filter.active else ""))

    # --- selection ----------------------------------------------------------------------
    def selected_items(self) -> list[LibraryItem]:
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        items = [self.model.item(r) for r in rows]
        return [i for i in items if i is not None]

    def current_item(self) -> LibraryItem | None:
        selected = self.selected_items()
        if len(selected) == 1:
            return selected[0]
        index = self.grid.currentIndex()
        item = index.data(ItemRole) if index.isValid() else None
        return item if isinstance(item, LibraryItem) and not selected else (selected[0] if selected else None)

    def select_ids(self, ids: list[int]) -> None:
        sel = self.grid.selectionModel()
        sel.clearSelection()
        first: QModelIndex | None = None
        for item_id in ids:
            row = self.model.row_of(item_id)
            if row >= 0:
                index = self.model.index(row)
                sel.select(index, sel.SelectionFlag.Select)
                first = first or index
        if first is not None:
            sel.setCurrentIndex(first, sel.SelectionFlag.NoUpdate)
            self.grid.scrollTo(first)

    def _selection_changed(self, *_: object) -> None:
        selected = self.selected_items() if self.grid.selectionModel() else []
        one = len(selected) == 1
        self.details.show_selection(selected)
        for a in (
            self.open_action,
            self.reveal_action,
            self.use_action,
            self.use_noseed_action,
            self.vary_action,
        ):
            a.setEnabled(one)
        for a in (self.copy_action, self.export_action):
            a.setEnabled(bool(selected))
        self.compare_action.setEnabled(len(selected) == 2)
        self.sheet_action.setEnabled(bool(selected))
        self.delete_action.setEnabled(bool(selected))

    def _context_menu(self, pos: Any) -> None:
        index = self.grid.indexAt(pos)
        if index.isValid() and not self.grid.selectionModel().isSelected(index):
            self.grid.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addActions([self.open_action, self.reveal_action, self.copy_action, self.export_action])
        menu.addSeparator()
        menu.addActions([self.use_action, self.use_noseed_action, self.vary_action])
        menu.addSeparator()
        menu.addActions([self.compare_action, self.sheet_action])
        menu.addSeparator()
        menu.addActions([self.delete_action, self.rescan_action])
        menu.popup(self.grid.viewport().mapToGlobal(pos))
        self._menu = menu

    # --- review -------------------------------------------------------------------------
    def save_review(self, item_id: int, changes: dict[str, Any]) -> LibraryItem | None:
        if self.library is None:
            return None
        try:
            item = self.library.update_review(item_id, **changes)
        except (LibraryError, KeyError, ValueError) as exc:
            self._show_error(
                str(exc) if not isinstance(exc, KeyError) else "That image is no longer in the library."
            )
            return None
        self.model.replace_item(item)
        if self.details.item is not None and self.details.item.id == item.id:
            self.details.show_item(item)
        self.review_saved.emit(item)
        return item

    def toggle_favourite(self) -> None:
        items = self.selected_items()
        on = not all(i.favourite for i in items)
        for item in items:
            self.save_review(item.id, {"favourite": on})

    def rate_selected(self, rating: int) -> None:
        for item in self.selected_items():
            self.save_review(item.id, {"rating": rating})

    # --- item actions -------------------------------------------------------------------
    def _details_action(self, name: str) -> None:
        {
            "open": self.open_in_viewer,
            "reveal": self.reveal,
            "copy": self.copy_image,
            "export": self.export_copy_dialog,
            "delete": self.delete_selected,
            "use": lambda: self.use_settings(with_seed=True),
            "use_noseed": lambda: self.use_settings(with_seed=False),
            "vary": self.vary_seed,
        }[name]()

    def open_in_viewer(self) -> ViewerWindow | None:
        item = self.current_item()
        if item is None:
            return None
        image = QImage(str(item.path))
        if image.isNull():
            self._show_error(
                f"{item.path.name} cannot be shown: the file is missing or damaged. Rescan the library."
            )
            return None
        if self.viewer is None:
            self.viewer = ViewerWindow()
            self.viewer.setWindowIcon(self.window().windowIcon())
        self.viewer.show_image(image, item.path.name, item.path)
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        return self.viewer

    def reveal(self) -> None:
        item = self.current_item()
        if item is not None:
            from fluxdesk.ui.reveal import show_in_folder

            show_in_folder(item.path, self)

    def copy_image(self) -> None:
        items = self.selected_items()
        if not items:
            return
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(i.path)) for i in items])
        image = QImage(str(items[0].path))
        if not image.isNull():
            mime.setImageData(image)
        QGuiApplication.clipboard().setMimeData(mime)

    def export_copy_dialog(self) -> None:
        items = self.selected_items()
        if not items:
            return
        start = self.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        if len(items) == 1:
            target, _ = QFileDialog.getSaveFileName(
                self, "Export a copy", str(Path(start) / items[0].path.name)
            )
            if target:
                self.export_copies(items, Path(target))
        else:
            folder = QFileDialog.getExistingDirectory(self, f"Export {len(items)} copies to", start)
            if folder:
                self.export_copies(items, Path(folder))

    def export_copies(self, items: list[LibraryItem], target: Path) -> list[Path]:
        """Copy files (metadata included) to ``target`` (a file for one, else a folder)."""
        written = []
        try:
            for item in items:
                dest = target / item.path.name if target.is_dir() else target
                shutil.copy2(item.path, dest)
                written.append(dest)
        except OSError as exc:
            self._show_error(f"Cannot export {item.path.name}: {exc.strerror or exc}.")
            return written
        self.ctx.settings.ui_state["save_dir"] = str(written[0].parent)
        self._message("Exported", f"{len(written)} file(s) copied to {written[0].parent}.", Severity.INFO)
        return written

    def use_settings(self, *, with_seed: bool) -> GenerationRequest | None:
        item = self.current_item()
        if item is None:
            return None
        try:
            request = item.to_request(with_seed=with_seed)
        except ValueError as exc:
            self._show_error(f"These settings cannot be reused: {exc}")
            return None
        text = (
            f"Settings restored (seed {item.seed} locked)" if with_seed else "Settings restored (random seed)"
        )
        self.use_request.emit(request, text)
        return request

    def vary_seed(self) -> GenerationRequest | None:
        item = self.current_item()
        if item is None:
            return None
        try:
            base = item.to_request(with_seed=False)
        except ValueError as exc:
            self._show_error(f"These settings cannot be reused: {exc}")
            return None
        seed = random_seed()
        while seed == item.seed:
            seed = random_seed()
        request = replace(base, seed=seed)
        self.use_request.emit(request, f"Same settings, new seed {seed}: press Generate")
        return request

    # --- compare, contact sheet ---------------------------------------------------------
    def compare_selected(self) -> CompareDialog | None:
        items = self.selected_items()
        if len(items) != 2:
            self._message("Compare", "Select exactly two images to compare.", Severity.INFO)
            return None
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.compare_dialog = CompareDialog(items[0], items[1], self)
        self.compare_dialog.show()
        return self.compare_dialog

    def export_sheet_dialog(self) -> None:
        items = self.selected_items()
        if not items:
            return
        start = self.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        target, chosen = QFileDialog.getSaveFileName(
            self,
            "Export contact sheet",
            str(Path(start) / "contact-sheet.pdf"),
            "PDF document (*.pdf);;PNG image (*.png)",
        )
        if target:
            path = Path(target)
            if path.suffix.lower() not in cs.FORMATS:
                path = path.with_suffix(".png" if "PNG" in chosen else ".pdf")
            self.export_contact_sheet(items, path)

    def export_contact_sheet(self, items: list[LibraryItem], path: Path, title: str = "") -> None:
        entries = [cs.entry_for_item(i) for i in items]
        plural = "s" if len(items) != 1 else ""
        title = title or f"FluxDesk review · {len(items)} image{plural} · {date.today():%Y-%m-%d}"
        self._set_count_text("Rendering contact sheet…")

        def done(pages: int) -> None:
            self._update_count()
            self.ctx.settings.ui_state["save_dir"] = str(path.parent)
            self.message_bar.show_message(
                UserMessage(
                    "Contact sheet saved", f"{path} ({pages} page{'s' if pages != 1 else ''}).", Severity.INFO
                ),
                lambda: self._open_url(path),
                primary_label="Open",
            )
            self.sheet_exported.emit(path, pages)

        run_task(
            self.io_pool,
            lambda: cs.export_sheet(entries, path, title=title),
            done,
            self._on_worker_error,
            receiver=self,
        )

    @staticmethod
    def _open_url(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- delete / undo ------------------------------------------------------------------
    def delete_selected(self) -> list[trash.Trashed]:
        items = self.selected_items()
        if self.library is None or not items:
            return []
        moved: list[trash.Trashed] = []
        try:
            for item in items:
                entry = trash.move_to_trash(item.path, self.library.root) if item.path.exists() else None
                self.library.remove(item.id, delete_file=False)
                self.loader.forget(item.id)
                if entry is not None:
                    moved.append(entry)
        except (LibraryError, KeyError) as exc:
            self._show_error(str(exc))
        self.model.remove_ids({i.id for i in items})
        self._update_count()
        self._last_trashed = moved
        where = "the trash" if all(m.system for m in moved) else "FluxDesk's trash (library/.trash)"
        n = len(items)
        self.message_bar.show_message(
            UserMessage(f"Deleted {n} image{'s' if n != 1 else ''}", f"Moved to {where}.", Severity.INFO),
            self.undo_delete,
            primary_label="Undo",
        )
        self.deleted.emit(moved)
        return moved

    def undo_delete(self) -> None:
        entries, self._last_trashed = self._last_trashed, []
        library = self.library
        if not entries or library is None:
            return

        def work() -> ReindexReport:
            for entry in entries:
                trash.restore(entry)
            return library.reindex()

        def done(report: ReindexReport) -> None:
            self.message_bar.dismiss()
            self.refresh()
            paths = {e.original for e in entries}
            ids = [
                i.id
                for i in (self.model.item(r) for r in range(self.model.rowCount()))
                if i and i.path in paths
            ]
            self.select_ids(ids)
            self.restored.emit()

        run_task(self.io_pool, work, done, self._on_worker_error, receiver=self)

    # --- messages -----------------------------------------------------------------------
    def _message(self, title: str, text: str, severity: Severity) -> None:
        self.message_bar.show_message(UserMessage(title, text, severity))

    def _show_error(self, text: str) -> None:
        self.message_bar.show_message(UserMessage("Library", text, Severity.ERROR))
        self.failed.emit(text)

    def _on_worker_error(self, error: BaseException) -> None:
        self._update_count()
        message = user_message(error)
        self._show_error(message.text if isinstance(error, FluxDeskError) else f"{message.title}: {error}")
