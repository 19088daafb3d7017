"""Reading the project list as a user sees it, and dragging tiles onto it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QTreeWidgetItem

from fluxdesk.core import metadata as md
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.projects.panel import KeyRole, ProjectPanel


def rows(panel: ProjectPanel) -> list[tuple[str, str]]:
    """(name, count) of every row, top to bottom."""
    tree = panel.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [(item.text(0), item.text(1)) for item in items if item is not None]


def row_of(panel: ProjectPanel, key: str | None) -> QTreeWidgetItem:
    tree = panel.tree
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None and item.data(0, KeyRole) == key:
            return item
    raise KeyError(key)


def file_project(library: Library, item_id: int) -> str:
    """The project written in the image file's own FluxDesk block."""
    item = library.get(item_id)
    assert item is not None
    record = md.read_file(item.path)
    assert record is not None
    return record.project


def drag_selection_onto(gallery: GalleryWidget, key: str | None) -> tuple[bool, bool]:
    """Drag the grid's selected tiles onto row ``key`` of the project list: the gallery
    model's own mime data in real drag-enter, drag-move and drop events sent to the
    list's viewport (QDrag.exec would block in a nested loop). Returns whether the
    move and the drop were accepted."""
    indexes = gallery.grid.selectionModel().selectedIndexes()
    mime = gallery.model.mimeData(indexes)
    tree = gallery.project_panel.tree
    pos: QPoint = tree.visualItemRect(row_of(gallery.project_panel, key)).center()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    viewport = tree.viewport()
    enter = QDragEnterEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    return move.isAccepted(), drop.isAccepted()
