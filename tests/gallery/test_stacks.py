"""Stacks in the Library: a job's images as one tile with a count badge, expanded in
place; actions on a collapsed stack change all its images (the index and the files)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from fluxdesk.core import metadata as md
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library import gallery_model
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.gallery_model import StackRole
from fluxdesk.ui.library.stacks.tile import badge_rect

from .conftest import COUNT
from .factory import NOW, add_batch

TIMEOUT = 10_000


@pytest.fixture
def batch(library: Library) -> list[ImageRecord]:
    """A batch of 4, newest in the library (before the gallery opens)."""
    return add_batch(library, 1, 4, created=NOW + timedelta(hours=1))


def ids_shown(gallery: GalleryWidget) -> list[int]:
    return [gallery.model.item(r).id for r in range(gallery.model.rowCount())]  # type: ignore[union-attr]


def click_badge(qtbot, gallery: GalleryWidget, row: int) -> None:  # type: ignore[no-untyped-def]
    grid = gallery.grid
    index = gallery.model.index(row)
    rect = badge_rect(grid.visualRect(index), index.data(StackRole), grid.font())
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_batch_is_one_tile_with_a_count_badge(batch: list[ImageRecord], gallery: GalleryWidget) -> None:
    model = gallery.model
    assert model.rowCount() == COUNT + 1 and model.total == COUNT + 4
    assert gallery.count_label.text() == f"{COUNT + 4} images"  # images, not tiles
    leader = model.item(0)
    assert leader is not None and leader.id == batch[0].id and leader.job == batch[3].job != ""
    index = model.index(0)
    assert index.data(StackRole) == (1, 4, False)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).startswith("Stack of 4 images, ")
    assert "Stack of 4 images" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1).data(StackRole) is None  # a single image has no badge
    assert not model.index(1).data(Qt.ItemDataRole.AccessibleTextRole).startswith("Stack")


def test_badge_click_expands_in_place_and_collapses(  # type: ignore[no-untyped-def]
    qtbot, batch: list[ImageRecord], gallery: GalleryWidget, library: Library
) -> None:
    # The stack in the middle of the grid, selected, scrolled to.
    middle = add_batch(library, 2, 4, created=NOW - timedelta(hours=7 * 10 + 1))
    gallery.refresh()
    model, grid = gallery.model, gallery.grid
    gallery.resize(900, 500)
    qtbot.wait(20)
    before = ids_shown(gallery)
    row = model.row_of(middle[0].id)
    assert row > 0 and middle[1].id not in before
    gallery.select_ids([middle[0].id])
    bar = grid.verticalScrollBar()
    position = bar.value()
    assert position > 0
    index = model.index(row)
    badge = badge_rect(grid.visualRect(index), index.data(StackRole), grid.font())
    qtbot.mouseMove(grid.viewport(), badge.center())
    qtbot.waitUntil(lambda: grid.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor)
    click_badge(qtbot, gallery, row)
    after = ids_shown(gallery)
    assert after == before[: row + 1] + [m.id for m in middle[1:]] + before[row + 1 :]
    assert [model.index(row + n).data(StackRole) for n in range(4)] == [(n + 1, 4, True) for n in range(4)]
    assert model.index(row + 2).data(Qt.ItemDataRole.AccessibleTextRole).startswith("Image 3 of 4 in a stack")
    assert bar.value() == position  # what was on screen stays
    assert [i.id for i in gallery.selected_tiles()] == [middle[0].id]
    assert len(gallery.selected_items()) == 1  # an expanded stack: its tiles are chosen one by one
    assert gallery.details.action_buttons["delete"].text() == "Delete"  # (was "Delete 4 images")
    assert "Image 1 of a stack of 4" in gallery.stacks.note.text()
    # S on one of its images collapses it; the stack's tile is selected then.
    gallery.select_ids([middle[2].id])
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_S)
    assert ids_shown(gallery) == before
    assert [i.id for i in gallery.selected_tiles()] == [middle[0].id]
    assert model.index(row).data(StackRole) == (1, 4, False)
    # S again expands it; so does the context menu's action (same QAction).
    qtbot.keyClick(grid, Qt.Key.Key_S)
    assert model.rowCount() == len(before) + 3
    assert gallery.stacks.toggle_action.text() == "Collapse stack (4 images)"


def test_actions_on_a_collapsed_stack_change_all_its_images(  # type: ignore[no-untyped-def]
    qtbot, batch: list[ImageRecord], gallery: GalleryWidget, library: Library, tmp_path: Path
) -> None:
    grid = gallery.grid
    grid.setFocus()
    gallery.select_ids([batch[0].id])
    assert [i.id for i in gallery.selected_items()] == [b.id for b in batch]
    assert gallery.current_item().id == batch[0].id  # type: ignore[union-attr]
    assert gallery.details.item.id == batch[0].id  # type: ignore[union-attr]
    assert gallery.stacks.note.isVisible() and "Stack of 4 images" in gallery.stacks.note.text()
    assert gallery.details.action_buttons["delete"].text() == "Delete 4 images"
    # What a screen reader hears of the current tile (the grid's accessible description).
    spoken = QAccessible.queryAccessibleInterface(grid).text(QAccessible.Text.Description)
    assert spoken.startswith("Stack of 4 images, " + batch[0].prompt[:20])
    qtbot.keyClick(grid, Qt.Key.Key_F)
    qtbot.keyClick(grid, Qt.Key.Key_3)
    for b in batch:
        indexed, embedded = library.get(b.id), md.read_file(b.path)
        assert indexed is not None and embedded is not None
        assert (indexed.favourite, indexed.rating) == (True, 3) == (embedded.favourite, embedded.rating)
    # The details panel's stars on the stack's tile: all four as well.
    gallery.details.stars.buttons[4].click()
    assert gallery.details.action_buttons["delete"].text() == "Delete 4 images"
    assert {library.get(b.id).rating for b in batch} == {5}  # type: ignore[union-attr]
    assert {md.read_file(b.path).rating for b in batch} == {5}  # type: ignore[union-attr]
    # Hidden images keep what was written (expanding shows it).
    gallery.stacks.toggle(0)
    assert all(gallery.model.item(r).rating == 5 for r in range(4))  # type: ignore[union-attr]
    gallery.stacks.toggle(0)
    gallery.select_ids([batch[0].id])
    exported = gallery.item_actions.export_copies(gallery.selected_items(), tmp_path)
    assert sorted(p.name for p in exported) == sorted(b.path.name for b in batch)
    with qtbot.waitSignal(gallery.deleted):
        qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert library.count() == COUNT and gallery.model.total == COUNT
    assert not any(b.path.exists() for b in batch)
    assert not set(ids_shown(gallery)) & {b.id for b in batch}
    assert gallery.model.rowCount() == COUNT


def test_a_stack_of_two_is_compared(
    batch: list[ImageRecord], gallery: GalleryWidget, library: Library
) -> None:
    pair = add_batch(library, 3, 2, created=NOW + timedelta(hours=2))
    gallery.refresh()
    gallery.select_ids([pair[0].id])
    assert gallery.compare_action.isEnabled()
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None


def test_deleting_a_collapsed_stacks_first_image_alone_shows_the_next(
    batch: list[ImageRecord], gallery: GalleryWidget, library: Library
) -> None:
    library.remove(batch[0].id, delete_file=False)
    gallery.model.remove_ids({batch[0].id})
    assert gallery.model.item(0).id == batch[1].id  # type: ignore[union-attr]
    assert gallery.model.index(0).data(StackRole) == (1, 3, False)
    assert gallery.model.rowCount() == COUNT + 1 and gallery.model.total == COUNT + 3


def test_a_filter_shows_the_images_of_a_stack_that_match(
    batch: list[ImageRecord], gallery: GalleryWidget, library: Library
) -> None:
    for b in batch[1:3]:
        library.update_review(b.id, favourite=True)
    gallery.favourites.setChecked(True)
    model = gallery.model
    assert model.total == 2 and model.rowCount() == 1
    assert model.item(0).id == batch[1].id  # type: ignore[union-attr]
    assert model.index(0).data(StackRole) == (1, 2, False)
    gallery.select_ids([batch[1].id])
    assert [i.id for i in gallery.selected_items()] == [batch[1].id, batch[2].id]
    gallery.favourites.setChecked(False)
    assert model.index(0).data(StackRole) == (1, 4, False)


def test_a_page_ending_inside_a_stack_loads_the_whole_stack(  # type: ignore[no-untyped-def]
    qtbot, gallery: GalleryWidget, library: Library, monkeypatch
) -> None:
    # Images 0-4 are newer than the batch: a page of 6 ends on its first image.
    batch = add_batch(library, 4, 4, created=NOW - timedelta(hours=7 * 4 + 1))
    monkeypatch.setattr(gallery_model, "PAGE", 6)
    gallery.resize(700, 300)
    model = gallery.model
    model.refresh()
    assert model.rowCount() == 6 and model.item(5).id == batch[0].id  # type: ignore[union-attr]
    assert model.index(5).data(StackRole) == (1, 4, False)
    gallery.select_ids([batch[0].id])
    assert len(gallery.selected_items()) == 4
    bar = gallery.grid.verticalScrollBar()
    for _ in range(40):
        bar.setValue(bar.maximum())
        qtbot.wait(5)
    assert not model.canFetchMore()
    ids = ids_shown(gallery)
    assert len(ids) == len(set(ids)) == COUNT + 1  # the stack's images did not come twice
    assert model.index(5).data(StackRole) == (1, 4, False)


def test_expand_and_collapse_all_stacks(
    qtbot, batch: list[ImageRecord], gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    other = add_batch(library, 5, 3, created=NOW - timedelta(hours=30))
    gallery.refresh()
    gallery.select_ids([other[0].id])
    gallery.stacks.expand_all_action.trigger()
    assert gallery.model.rowCount() == COUNT + 7
    assert [i.id for i in gallery.selected_tiles()] == [other[0].id]
    # Stacks loaded later come expanded too, until "Collapse all stacks".
    gallery.refresh()
    assert gallery.model.rowCount() == COUNT + 7
    gallery.stacks.collapse_all_action.trigger()
    assert gallery.model.rowCount() == COUNT + 2
    assert [i.id for i in gallery.selected_tiles()] == [other[0].id]
    assert gallery.stacks.expand_all_action in gallery.more.menu().actions()


def test_a_sweeps_images_are_one_stack(qtbot, qapp, ctx, library: Library) -> None:  # type: ignore[no-untyped-def]
    """Its cells run as jobs of their own; their images share the sweep's stack id."""
    from fluxdesk.core.library.queries import ItemFilter
    from fluxdesk.core.request import GenerationRequest
    from fluxdesk.core.sweep import Axis, expand, parse_values
    from fluxdesk.ui.generate.sweep_dialog import SweepGridWindow
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.theme.palette import apply_theme

    apply_theme(qapp)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.built, timeout=TIMEOUT)
    base = GenerationRequest(prompt="a sweep of foxes", seed=7)
    sweep = expand(base, Axis("guidance_scale", parse_values("guidance_scale", "2, 3.5, 5")))
    grid = SweepGridWindow(sweep, win.queue, win)
    qtbot.addWidget(grid)
    with qtbot.waitSignal(grid.finished, timeout=60_000):
        jobs = grid.submit()
    assert len({job.stack for job in jobs}) == 1 and jobs[0].stack
    items = library.items(ItemFilter(search="sweep foxes"))
    assert len(items) == 3 and {i.job for i in items} == {jobs[0].stack}
    assert {md.read_file(i.path).job for i in items} == {jobs[0].stack}  # type: ignore[union-attr]
    gallery = win.gallery_view
    win.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: gallery.model.total == COUNT + 3, timeout=TIMEOUT)
    row = gallery.model.shown_row(items[0].id)
    assert gallery.model.index(row).data(StackRole) == (1, 3, False)
    grid.close()
    qtbot.waitUntil(lambda: gallery.io_pool.activeThreadCount() == 0, timeout=TIMEOUT)
    win.queue.shutdown(timeout_ms=5000)
    win.close()
