"""The Library's project list, left of the grid: "All images", "No project" and each
project, each with its image count. Choosing one filters the gallery; images dragged from
the grid onto a project (or onto "No project") move there; its context menu (and F2,
Delete) creates, renames, deletes and makes a project the active one.

The list is narrow (190 px) and demands no width: a window too narrow for the list, a
column of tiles and the details narrows the list first; at 900×600 all three fit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.ui.library.projects import dialogs
from fluxdesk.ui.library.projects.drag import IMAGE_IDS_MIME, dropped_ids
from fluxdesk.ui.library.projects.state import ProjectsState
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from fluxdesk.ui.library.gallery import GalleryWidget

KeyRole = Qt.ItemDataRole.UserRole + 1  # None: all images; "": in no project; else a name
ALL_TEXT, NONE_TEXT = "All images", "No project"
PANEL_WIDTH = 190  # wide enough for "All images  100,000"; narrower only when squeezed
ROW_H = 26  # a comfortable target for a click and a drop


class ProjectTree(QTreeWidget):
    """Two columns (name, count); a drop target for the gallery's tiles."""

    images_dropped = Signal(list, str)  # image ids, the project's name ("" for none)

    def __init__(self, library_root: Any) -> None:
        super().__init__()
        self._library_root = library_root  # a callable: the open library's root, or None
        self._drop_item: QTreeWidgetItem | None = None
        self.setObjectName("projectList")
        self.setAccessibleName("Projects")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setIndentation(0)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setFrameShape(QTreeWidget.Shape.NoFrame)

    def _target(self, event: QDragMoveEvent | QDropEvent) -> QTreeWidgetItem | None:
        """The row under the drop: a project or "No project" ("All images" is no place)."""
        item = self.itemAt(event.position().toPoint())
        if item is None or item.data(0, KeyRole) is None:
            return None
        return item

    def _mark(self, item: QTreeWidgetItem | None) -> None:
        if item is self._drop_item:
            return
        for old in (self._drop_item,):
            if old is not None:
                for column in (0, 1):
                    old.setBackground(column, Qt.BrushStyle.NoBrush)
        self._drop_item = item
        if item is not None:
            tint = QColor(self.palette().color(self.palette().ColorRole.Highlight))
            tint.setAlpha(90)
            for column in (0, 1):
                item.setBackground(column, tint)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(IMAGE_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        target = self._target(event) if event.mimeData().hasFormat(IMAGE_IDS_MIME) else None
        self._mark(target)
        if target is None:
            event.ignore()
        else:
            event.setDropAction(Qt.DropAction.CopyAction)  # (a move would make the grid drop rows)
            event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._mark(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._mark(None)
        target = self._target(event)
        ids = dropped_ids(event.mimeData(), self._library_root())
        if target is None or not ids:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.images_dropped.emit(ids, target.data(0, KeyRole))


class ProjectPanel(QWidget):
    """The list with its heading and "+" button; placed into the gallery's splitter."""

    filter_changed = Signal()

    def __init__(self, gallery: GalleryWidget) -> None:
        super().__init__()
        self.setObjectName("projectPanel")
        self.gallery = gallery
        self.state = ProjectsState(gallery)
        self.dialog: QWidget | None = None  # the open name or delete dialog (tests use it)
        self._key: str | None = None  # the chosen row's key: None shows all images
        self._renamed: tuple[str, str] | None = None  # a rename under way: (old, new)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 4, 10)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.setContentsMargins(4, 0, 0, 0)
        title = QLabel("Projects")
        set_role(title, "heading")
        head.addWidget(title, 1)
        self.new_button = QToolButton()
        self.new_button.setObjectName("newProjectButton")
        self.new_button.setText("+")
        self.new_button.setAccessibleName("New project")
        self.new_button.setToolTip("New project…")
        self.new_button.setAutoRaise(True)
        self.new_button.clicked.connect(self.new_project)
        head.addWidget(self.new_button)
        layout.addLayout(head)
        self.tree = ProjectTree(lambda: gallery.library.root if gallery.library is not None else None)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(self._chosen)
        self.tree.images_dropped.connect(lambda ids, name: self.state.move(name, ids))
        layout.addWidget(self.tree, 1)
        self._build_actions()
        self.state.changed.connect(self._fill)
        self.state.done.connect(self._rewritten)
        self._fill()

        # Left of the grid, beside it in the splitter's first pane: a splitter handle of
        # its own would add its width to the Library's (and so the window's) minimum.
        splitter = gallery.splitter
        sizes = splitter.sizes()
        pane = QWidget()
        pane.setObjectName("galleryGridPane")
        splitter.insertWidget(0, pane)
        row = QHBoxLayout(pane)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self)
        row.addWidget(gallery.grid, 1)  # (taken out of the splitter)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes(sizes)
        # Tab: the toolbar's last button, the list's "+", the list, then the grid.
        QWidget.setTabOrder(gallery.more, self.new_button)
        QWidget.setTabOrder(self.new_button, self.tree)
        QWidget.setTabOrder(self.tree, gallery.grid)

    def _build_actions(self) -> None:
        def action(text: str, slot: Any, key: str | None = None) -> QAction:
            a = QAction(text, self)
            a.triggered.connect(slot)
            if key:
                a.setShortcut(QKeySequence(key))
                a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.tree.addAction(a)
            return a

        self.new_action = action("New project…", self.new_project, "Ctrl+N")
        self.rename_action = action("Rename…", self.rename_project, "F2")
        self.delete_action = action("Delete…", self.delete_project, "Delete")
        self.use_action = action("Set as active project", self.use_chosen)

    def minimumSizeHint(self) -> QSize:
        """No width of its own to demand: the Library's minimum (and through the tabs the
        window's, 900 px with the form) stays the grid's and the details'; a window too
        narrow for all three narrows the list first (its names elide), down to nothing."""
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(PANEL_WIDTH, super().sizeHint().height())

    # --- the list -----------------------------------------------------------------------
    def key(self) -> str | None:
        """The project the gallery shows: None for all images, "" for those in none."""
        return self._key

    def chosen_project(self) -> str:
        """The chosen row's project name ("" for the two rows that are none)."""
        return self._key or ""

    def _fill(self) -> None:
        state = self.state
        overview = state.overview
        tree = self.tree
        keep = self._key
        renamed = self._renamed
        if (
            renamed is not None
            and keep is not None
            and keep.casefold() == renamed[0].casefold()
            and renamed[1].casefold() in {name.casefold() for name in state.names()}
        ):
            keep = renamed[1]  # follow the shown project to its new name
        tree.blockSignals(True)
        tree.clear()
        rows: list[tuple[str | None, str, int]] = [(None, ALL_TEXT, overview.total)]
        rows.append(("", NONE_TEXT, overview.no_project))
        rows += [(p.name, p.name, p.images) for p in overview.projects]
        hint = QColor(self.palette().color(self.palette().ColorRole.PlaceholderText))
        chosen: QTreeWidgetItem | None = None
        for key, text, count in rows:
            item = QTreeWidgetItem([text, f"{count:,}" if state.ready else ""])
            item.setData(0, KeyRole, key)
            item.setSizeHint(0, QSize(0, ROW_H))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, hint)
            active = bool(key) and key == overview.active
            what = "all images" if key is None else ("in no project" if key == "" else "project")
            item.setToolTip(0, "The active project: new images go into it" if active else text)
            if active:
                font = QFont(tree.font())
                font.setBold(True)
                item.setFont(0, font)
            noun = "image" if count == 1 else "images"
            item.setData(
                0,
                Qt.ItemDataRole.AccessibleTextRole,
                f"{text}, {count:,} {noun}"
                + (", active project" if active else "")
                + ("" if key else f" ({what})"),
            )
            tree.addTopLevelItem(item)
            if key == keep or (keep is not None and key is not None and key.casefold() == keep.casefold()):
                chosen = item
        if chosen is None:  # the shown project was deleted (here or elsewhere): show all
            chosen = tree.topLevelItem(0)
        if chosen is not None:
            tree.setCurrentItem(chosen)
        tree.blockSignals(False)
        key = chosen.data(0, KeyRole) if chosen is not None else None
        if key != self._key:
            self._key = key
            self.filter_changed.emit()
        self._update_actions()

    def _rewritten(self, _said: str) -> None:
        self._renamed = None

    def _chosen(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        key = current.data(0, KeyRole) if current is not None else None
        changed, self._key = key != self._key, key
        self._update_actions()
        if changed:
            self.filter_changed.emit()

    def choose(self, key: str | None) -> None:
        """Show project ``key`` (None: all images; "": those in no project)."""
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None and item.data(0, KeyRole) == key:
                self.tree.setCurrentItem(item)
                return
        raise KeyError(key)

    def _update_actions(self) -> None:
        project = bool(self._key)
        self.rename_action.setEnabled(project)
        self.delete_action.setEnabled(project)
        self.use_action.setEnabled(self._key is not None and self._key != self.state.overview.active)
        self.new_action.setEnabled(self.state.ready)
        self.new_button.setEnabled(self.state.ready)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is not None:
            self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.addActions([self.new_action, self.rename_action, self.delete_action])
        menu.addSeparator()
        menu.addAction(self.use_action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))
        self._menu = menu

    # --- actions ------------------------------------------------------------------------
    def new_project(self) -> None:
        if not self.state.ready:
            return

        def made(name: str) -> None:
            stored = self.state.create(name)
            if stored is not None:
                self.choose(stored)

        self.dialog = dialogs.ask_name(
            self, "New project", "Name of the new project:", self.state.names(), made, ok_text="Create"
        )

    def rename_project(self) -> None:
        old = self.chosen_project()
        if not old or self.state.busy:
            return
        self.dialog = dialogs.ask_name(
            self,
            "Rename project",
            f"New name for “{old}” (its images are renamed with it):",
            self.state.names(),
            lambda new: self._rename(old, new),
            text=old,
            ok_text="Rename",
        )

    def _rename(self, old: str, new: str) -> None:
        if new == old:
            return
        self._renamed = (old, new)  # keep showing it, under its new name
        self.state.rename(old, new)

    def delete_project(self) -> None:
        name = self.chosen_project()
        if not name or self.state.busy:
            return
        self.dialog = dialogs.confirm_delete(
            self, name, self.state.count_of(name), lambda: self.state.delete(name)
        )

    def use_chosen(self) -> None:
        if self._key is not None:
            self.state.use(self._key)

    # --- the grid's "Move to project" menu ----------------------------------------------
    def move_menu(self, parent: QMenu) -> QMenu:
        """ "Move to project ▸" for the grid's selection: no project, each project, a new one."""
        items = self.gallery.selected_items()
        ids = [item.id for item in items]
        menu = QMenu("Move to project", parent)
        menu.setObjectName("moveToProjectMenu")
        menu.setEnabled(bool(ids) and self.state.ready and not self.state.busy)
        places = {item.project.casefold() for item in items}
        for name, text in [("", NONE_TEXT), *((n, n) for n in self.state.names())]:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(places == {name.casefold()})  # all of them are there already
            action.triggered.connect(lambda _checked=False, name=name: self.state.move(name))
            if name == "":
                menu.addSeparator()
        menu.addSeparator()

        def into_new() -> None:
            def made(name: str) -> None:
                stored = self.state.create(name)
                if stored is not None:
                    self.state.move(stored)  # (the dialog is modal: the selection is as it was)

            self.dialog = dialogs.ask_name(
                self,
                "Move to a new project",
                f"Name of the new project for the {len(ids):,} selected image{'s' if len(ids) != 1 else ''}:",
                self.state.names(),
                made,
                ok_text="Create and move",
            )

        menu.addAction("New project…").triggered.connect(into_new)
        return menu

    def empty_text(self, flt: ItemFilter) -> str:
        """What the grid says when a project shown alone holds no image ("" otherwise)."""
        if flt.project is None or replace(flt, project=None).active:
            return ""
        if flt.project == "":
            return "Every image is in a project."
        return (
            f"No images in “{flt.project}” yet. Drag images onto it in the list, "
            "or make it the active project: new images go into it."
        )
