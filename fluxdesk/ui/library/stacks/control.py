"""The gallery's stack actions: expand or collapse one stack (its badge, the S key, the
context menu), every stack (the Actions menu), and the details panel's stack line.

Expanding inserts the stack's other images right after its tile (the selection and the
scroll position stay); collapsing removes them again and selects the stack's tile if one
of them was selected. A collapsed stack's favourite and stars in the details panel, like
the F and 0–5 keys, change all its images.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout

from fluxdesk.ui.library.gallery_model import StackRole
from fluxdesk.ui.library.stacks.tile import StackTileDelegate, badge_rect
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from fluxdesk.ui.library.gallery import GalleryWidget

REVIEW_OF_STACK = ("favourite", "rating")  # the review a collapsed stack's panel sets for all


class StackControl(QObject):
    def __init__(self, gallery: GalleryWidget) -> None:
        super().__init__(gallery)
        self.gallery = gallery
        grid = gallery.grid
        grid.setItemDelegate(StackTileDelegate(grid))
        grid.viewport().installEventFilter(self)

        self.toggle_action = QAction("Expand stack", gallery)
        self.toggle_action.setShortcut(QKeySequence("S"))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.toggle_action.triggered.connect(self.toggle_current)
        grid.addAction(self.toggle_action)
        self.expand_all_action = QAction("Expand all stacks", gallery)
        self.expand_all_action.triggered.connect(lambda: self.set_all_expanded(True))
        self.collapse_all_action = QAction("Collapse all stacks", gallery)
        self.collapse_all_action.triggered.connect(lambda: self.set_all_expanded(False))

        self.note = QLabel()
        self.note.setObjectName("detailsStack")
        self.note.setWordWrap(True)
        set_role(self.note, "hint")
        self.note.hide()
        layout = gallery.details.single.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.note)
        gallery.details.review_changed.connect(self._review_changed)
        selection = grid.selectionModel()
        selection.selectionChanged.connect(self.update)
        selection.currentChanged.connect(self.update)
        gallery.model.modelReset.connect(self.update)
        gallery.review_saved.connect(self.update)  # the panel showed the saved image again
        self.update()

    # --- one stack ----------------------------------------------------------------------
    def current_row(self) -> int:
        tiles = self.gallery.grid.selectionModel().selectedIndexes()
        if len(tiles) == 1:
            return tiles[0].row()
        index = self.gallery.grid.currentIndex()
        return index.row() if index.isValid() else -1

    def toggle_current(self) -> None:
        row = self.current_row()
        if row >= 0:
            self.toggle(row)

    def toggle(self, row: int) -> None:
        """Expand the stack at ``row`` if collapsed, else collapse the stack it is in."""
        model, grid = self.gallery.model, self.gallery.grid
        if model.expand(row):
            self.update()
            return
        selection = grid.selectionModel()
        members = model.stacks.stack_ids(model.id_at(row))
        had = any(selection.isSelected(model.index(r)) for r in map(model.row_of, members) if r >= 0)
        leader = model.collapse(row)
        if leader >= 0:
            index = model.index(leader)
            flags = QItemSelectionModel.SelectionFlag
            selection.setCurrentIndex(index, flags.Select if had else flags.NoUpdate)
            grid.scrollTo(index)
        self.update()

    # --- every stack --------------------------------------------------------------------
    def set_all_expanded(self, expanded: bool) -> None:
        gallery = self.gallery
        ids = [i.id for i in gallery.selected_tiles()]
        position = gallery.grid.verticalScrollBar().value()
        gallery.model.set_all_expanded(expanded)
        if ids:
            gallery.select_ids(ids)
        else:
            gallery.grid.verticalScrollBar().setValue(position)
        self.update()

    # --- the badge ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        press = event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
        if (
            press
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers()
        ):
            row = self.badge_at(event.position().toPoint())
            if row >= 0:
                if event.type() == QEvent.Type.MouseButtonPress:
                    self.toggle(row)
                return True  # not a selection click, not a double-click opening the viewer
        elif event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent) and not event.buttons():
            # A pointing hand over a badge: it is a button.
            on_badge = self.badge_at(event.position().toPoint()) >= 0
            viewport = self.gallery.grid.viewport()
            if on_badge != (viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor):
                if on_badge:
                    viewport.setCursor(Qt.CursorShape.PointingHandCursor)
                else:
                    viewport.unsetCursor()
        return super().eventFilter(watched, event)

    def badge_at(self, pos: Any) -> int:
        """The row whose stack badge is at viewport point ``pos``, else -1."""
        grid = self.gallery.grid
        index = grid.indexAt(pos)
        stack = index.data(StackRole) if index.isValid() else None
        if not stack or not badge_rect(grid.visualRect(index), stack, grid.font()).contains(pos):
            return -1
        return index.row()

    # --- state --------------------------------------------------------------------------
    def update(self, *_: object) -> None:
        """The toggle action's text and the details panel's stack line follow the selection."""
        model = self.gallery.model
        row = self.current_row()
        item = model.item(row) if row >= 0 else None
        stack: tuple[int, int, bool] | None = (
            model.data(model.index(row), StackRole) if item is not None else None
        )
        one = len(self.gallery.grid.selectionModel().selectedIndexes()) <= 1
        # The grid paints its tiles itself and gives AT-SPI no item objects: a screen reader
        # hears the current tile through the grid's description ("Stack of 4 images, …").
        text = model.data(model.index(row), Qt.ItemDataRole.AccessibleTextRole) if item is not None else ""
        self.gallery.grid.setAccessibleDescription(text or "")
        self.toggle_action.setEnabled(stack is not None and one)
        self.note.setVisible(stack is not None and one)
        if stack is None:
            self.toggle_action.setText("Expand stack")
            return
        position, size, expanded = stack
        self.toggle_action.setText(f"{'Collapse' if expanded else 'Expand'} stack ({size} images)")
        if not one:
            return
        self.note.setText(
            f"Image {position} of a stack of {size} · S closes the stack"
            if expanded
            else f"Stack of {size} images · the heart, stars, Copy, Export and Delete act on all {size} "
            "· S opens the stack"
        )
        details = self.gallery.details
        if details.item is not None:  # one tile: a collapsed stack's buttons act on all of it
            details.action_buttons["delete"].setText("Delete" if expanded else f"Delete {size} images")
            details.action_buttons["copy"].setText("Copy image" if expanded else "Copy images")

    def _review_changed(self, item_id: int, changes: dict[str, Any]) -> None:
        """The gallery saved the leader; a collapsed stack's other images follow."""
        stacks = self.gallery.model.stacks
        shared = {k: v for k, v in changes.items() if k in REVIEW_OF_STACK}
        if shared and stacks.is_collapsed_stack(item_id):
            for member in stacks.stack_ids(item_id)[1:]:
                self.gallery.save_review(member, shared)
