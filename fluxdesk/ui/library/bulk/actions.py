"""The actions on the gallery's selection (``GalleryWidget.bulk``): Favourite /
Unfavourite, Rating ▸ 0–5, Add tag…, Remove tag…, Delete and Select all, in the grid's
context menu and the Actions menu (Move to project ▸ there is the project list's menu,
``ui/library/projects``).

One image changes at once, on the GUI thread, as the keyboard's F and 0–5 always did
(up to four, a stack, too, with one Undo); a larger selection runs in the gallery's
worker (``runner``), with progress, Cancel and one Undo.
:meth:`BulkActions.move_to_project` is a move to a project with progress, Cancel and Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QVBoxLayout

from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.library.bulk.review import ReviewChange
from fluxdesk.core.library.record import RATING_MAX
from fluxdesk.ui.library.bulk.progress import BulkProgress
from fluxdesk.ui.library.bulk.runner import BulkRunner
from fluxdesk.ui.library.bulk.selection import IdSource, SelectionScope
from fluxdesk.ui.messages import Severity

if TYPE_CHECKING:
    from fluxdesk.ui.library.gallery import GalleryWidget


class BulkActions(QObject):
    finished = Signal(object)  # the result of a bulk action or its undo (see BulkRunner)

    def __init__(self, gallery: GalleryWidget) -> None:
        super().__init__(gallery)
        self.gallery = gallery
        self.scope = SelectionScope(gallery)
        self.strip = BulkProgress(gallery)
        layout = gallery.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(gallery.message_bar) + 1, self.strip)
        self.runner = BulkRunner(gallery, self.strip)
        self.runner.finished.connect(self.finished)
        self.tag_dialog: QInputDialog | None = None
        self._build_actions()
        self.scope.changed.connect(self.update_enabled)
        self.scope.changed.connect(gallery.update_count)  # "5,000 selected"

    # --- actions and menus --------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.select_all_action = self._action("Select all", self.scope.select_all)
        self.select_all_action.setShortcut(QKeySequence(QKeySequence.StandardKey.SelectAll))
        self.select_all_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.gallery.grid.addAction(self.select_all_action)
        self.favourite_on = self._action("Favourite", lambda: self.set_favourite(True))
        self.favourite_off = self._action("Unfavourite", lambda: self.set_favourite(False))
        self.rating_menu = QMenu("Rating")
        self.rating_menu.setObjectName("bulkRatingMenu")
        self.rating_actions = []
        for n in range(RATING_MAX + 1):
            text = "No rating" if n == 0 else "★" * n
            self.rating_actions.append(self._action(f"{n}  {text}", lambda n=n: self.rate(n)))  # type: ignore[misc]
        self.rating_menu.addActions(self.rating_actions)
        self.add_tag_action = self._action("Add tag…", lambda: self.ask_tag(add=True))
        self.remove_tag_action = self._action("Remove tag…", lambda: self.ask_tag(add=False))
        self.update_enabled()

    def add_to_menu(self, menu: QMenu) -> None:
        """The selection's review actions, as a section of ``menu``."""
        menu.addActions([self.favourite_on, self.favourite_off])
        menu.addMenu(self.rating_menu)
        menu.addActions([self.add_tag_action, self.remove_tag_action])

    def update_enabled(self) -> None:
        some = self.scope.count() > 0
        for action in (self.favourite_on, self.favourite_off, self.add_tag_action, self.remove_tag_action):
            action.setEnabled(some)
        self.rating_menu.setEnabled(some)

    # --- what the selection gets --------------------------------------------------------
    def toggle_favourite(self) -> None:
        """F: favourite the selection, or unfavourite it when every image is one."""
        items = self.gallery.selected_items()
        self.set_favourite(not (items and all(i.favourite for i in items)))

    def set_favourite(self, on: bool) -> None:
        self.apply(ReviewChange(favourite=on), "Favouriting" if on else "Unfavouriting",
                   "Favourited" if on else "Unfavourited")  # fmt: skip

    def rate(self, rating: int) -> None:
        self.apply(ReviewChange(rating=rating), f"Rating {rating} ★:", f"Rated {rating} ★:")

    def add_tag(self, tag: str) -> None:
        self.apply(ReviewChange(add_tags=(tag,)), f"Tagging “{tag}”:", f"Tagged “{tag}”:")

    def remove_tag(self, tag: str) -> None:
        self.apply(ReviewChange(remove_tags=(tag,)), f"Untagging “{tag}”:", f"Removed “{tag}” from")

    def move_to_project(self, name: str, ids: list[int] | None = None) -> bool:
        """Move the selection (or the images ``ids``) into project ``name`` ("" or
        "none": into no project). What a drop onto the project list runs too."""
        from fluxdesk.core.library import projects as pj

        library = self.gallery.library
        if library is None:
            return False
        try:
            stored = pj.existing(library, name or pj.NO_PROJECT)
        except FluxDeskError as exc:
            self.gallery.show_error(str(exc))
            return False
        where = f"“{stored}”" if stored else "no project"
        chosen = None if ids is None else list(dict.fromkeys(ids))
        source = None if chosen is None else ((lambda: chosen), len(chosen))
        return self.apply(
            ReviewChange(project=stored), f"Moving into {where}:", f"Moved into {where}:", source=source
        )

    def apply(
        self,
        change: ReviewChange,
        verb: str,
        done_verb: str,
        *,
        source: tuple[IdSource, int] | None = None,
    ) -> bool:
        """Run ``change`` on the selection (or on ``source``: ids and how many)."""
        ids_of, total = source if source is not None else self.scope.source()
        if total == 0:
            return False
        if total == 1 and not self.runner.running:
            return self._apply_one(ids_of()[0], change)
        return self.runner.change(change, ids_of, total, verb, done_verb)

    def _apply_one(self, item_id: int, change: ReviewChange) -> bool:
        """One image: at once, on the GUI thread (a key press shows its stars at once)."""
        from fluxdesk.core.library.bulk.review import Review

        row = self.gallery.model.row_of(item_id)
        item = self.gallery.model.item(row) if row >= 0 else None
        if item is None and self.gallery.library is not None:
            item = self.gallery.library.get(item_id)
        if item is None:
            return False
        wanted = change.target(Review.of(item))
        changes = {"favourite": wanted.favourite, "rating": wanted.rating, "tags": wanted.tags,
                   "project": wanted.project}  # fmt: skip
        return self.gallery.save_review(item_id, changes) is not None

    def ask_tag(self, *, add: bool) -> QInputDialog:
        """Ask which tag to add or remove (the selection's tags offered for a removal)."""
        dialog = QInputDialog(self.gallery)
        dialog.setObjectName("bulkTagDialog")
        dialog.setWindowTitle("Add tag" if add else "Remove tag")
        count = self.scope.count()
        dialog.setLabelText(
            f"{'Add a tag to' if add else 'Remove a tag from'} {count:,} image{'s' * (count != 1)}:"
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        if not add:
            tags = sorted({t for i in self.gallery.selected_items() for t in i.tags}, key=str.casefold)
            if tags:
                dialog.setComboBoxItems(tags)
                dialog.setComboBoxEditable(True)

        def chosen(text: str) -> None:
            tag = " ".join(text.split())
            if not tag:
                self.gallery.show_note("Library", "A tag must not be empty.", Severity.INFO)
            elif add:
                self.add_tag(tag)
            else:
                self.remove_tag(tag)

        dialog.textValueSelected.connect(chosen)
        dialog.open()
        self.tag_dialog = dialog
        return dialog

    def delete(self) -> bool:
        """Delete the selection to the trash (one Undo puts it all back)."""
        ids_of, total = self.scope.source()
        if total == 0:
            return False
        return self.runner.delete(ids_of, total)

    def cancel(self) -> None:
        self.runner.cancel()
