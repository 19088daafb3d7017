"""Selecting many images in the gallery and acting on them at once (issue 18), in a real
window: Ctrl/Shift-click and rubber-band selection, Select all, the bulk actions with
progress, Cancel and one Undo; the index and the files checked after each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest

from fluxdesk.core import metadata as md
from fluxdesk.core.library import projects as pj
from fluxdesk.core.library.bulk import apply as bulk_apply
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library import gallery_actions, gallery_model
from fluxdesk.ui.library.gallery import GalleryWidget

from .conftest import COUNT

TIMEOUT = 20_000
Ctrl, Shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def centre(gallery: GalleryWidget, row: int) -> QPoint:
    return gallery.grid.visualRect(gallery.model.index(row)).center()


def click(qtbot, gallery: GalleryWidget, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(gallery.grid.viewport(), Qt.MouseButton.LeftButton, modifier, centre(gallery, row))


def selected_rows(gallery: GalleryWidget) -> list[int]:
    return sorted(i.row() for i in gallery.grid.selectionModel().selectedIndexes())


def review(record) -> tuple[bool, int, tuple[str, ...], str]:  # type: ignore[no-untyped-def]
    return (record.favourite, record.rating, tuple(record.tags), record.project)


def disagreements(library: Library) -> list[str]:
    """Images whose index row and file say different things (empty: consistent)."""
    wrong = []
    for item in library.items():
        on_disk = md.read_file(item.path)
        if on_disk is None or review(on_disk) != review(item):
            wrong.append(f"{item.id}: index {review(item)} file {on_disk and review(on_disk)}")
    return wrong


def run_bulk(qtbot, gallery: GalleryWidget, start) -> object:  # type: ignore[no-untyped-def]
    """Start a bulk action and wait for its result."""
    with qtbot.waitSignal(gallery.bulk.finished, timeout=TIMEOUT) as blocker:
        start()
    return blocker.args[0]


def test_ctrl_and_shift_click_select_what_they_should(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.grid.setFocus()
    click(qtbot, gallery, 1)
    click(qtbot, gallery, 3, Ctrl)
    click(qtbot, gallery, 5, Ctrl)
    assert selected_rows(gallery) == [1, 3, 5]
    assert "3 selected" in gallery.count_label.text()
    click(qtbot, gallery, 3, Ctrl)  # Ctrl-click again: out of the selection
    assert selected_rows(gallery) == [1, 5]
    click(qtbot, gallery, 2)  # a plain click: only that one
    assert selected_rows(gallery) == [2]
    assert "selected" not in gallery.count_label.text()
    click(qtbot, gallery, 7, Shift)  # Shift-click: the run from the last click
    assert selected_rows(gallery) == [2, 3, 4, 5, 6, 7]
    click(qtbot, gallery, 10, Shift | Ctrl)  # Ctrl+Shift: the run added
    assert selected_rows(gallery) == list(range(2, 11))
    assert "9 selected" in gallery.count_label.text()
    click(qtbot, gallery, 12)
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Right, Shift)  # Shift+arrows: the run too
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Right, Shift)
    assert selected_rows(gallery) == [12, 13, 14]
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Left, Shift)
    assert selected_rows(gallery) == [12, 13]


def test_a_rubber_band_selects_the_tiles_it_touches(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    grid, viewport = gallery.grid, gallery.grid.viewport()
    first = grid.visualRect(gallery.model.index(0))
    start = QPoint(first.left() - 6, first.top() + 4)  # the margin left of the first tile
    assert not grid.indexAt(start).isValid()
    # Down into the second line of tiles, about half way across.
    second_line = next(
        r for r in range(COUNT) if grid.visualRect(gallery.model.index(r)).top() > first.bottom()
    )
    end_row = second_line + 1
    end = centre(gallery, end_row)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + (end - start) * step / 5)
        qtbot.wait(10)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    band = QRect(start, end).normalized()
    touched = [r for r in range(COUNT) if grid.visualRect(gallery.model.index(r)).intersects(band)]
    assert 0 in touched and end_row in touched and second_line in touched
    assert len(touched) < COUNT
    assert selected_rows(gallery) == touched


def test_rate_a_selection_then_one_undo_puts_it_back(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    rows = [0, 2, 3, 6]
    gallery.select_ids([gallery.model.item(r).id for r in rows])  # type: ignore[union-attr]
    before = {i.id: review(i) for i in library.items()}
    result = run_bulk(qtbot, gallery, gallery.bulk.rating_actions[4].trigger)
    chosen = {gallery.model.item(r).id for r in rows}  # type: ignore[union-attr]
    assert {r.id for r in result.changed} == chosen  # type: ignore[attr-defined]
    assert all(gallery.model.item(r).rating == 4 for r in rows)  # type: ignore[union-attr]
    after = {i.id: i.rating for i in library.items()}
    assert {i for i, rating in after.items() if rating == 4} == chosen
    assert disagreements(library) == []
    assert gallery.message_bar.title.text() == "Rated 4 ★: 4 images"
    assert gallery.message_bar.primary.text() == "Undo" and gallery.message_bar.primary.isVisible()
    assert not gallery.bulk.strip.isVisible()
    run_bulk(qtbot, gallery, gallery.message_bar.primary.click)
    assert {i.id: review(i) for i in library.items()} == before
    assert all(gallery.model.item(r).rating == before[gallery.model.item(r).id][1] for r in rows)  # type: ignore[union-attr]
    assert disagreements(library) == []


def test_favourite_tags_and_move_to_project_from_the_menus(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    pj.create(library, "Picks")
    ids = [gallery.model.item(r).id for r in (1, 4, 5)]  # type: ignore[union-attr]
    gallery.select_ids(ids)
    gallery._context_menu(centre(gallery, 4))
    texts = [a.text() for a in gallery._menu.actions()]
    for wanted in ("Favourite", "Unfavourite", "Rating", "Add tag…", "Remove tag…", "Move to project"):
        assert wanted in texts
    gallery._menu.close()

    run_bulk(qtbot, gallery, gallery.bulk.favourite_on.trigger)
    dialog = gallery.bulk.ask_tag(add=True)
    dialog.setTextValue("keeper")
    run_bulk(qtbot, gallery, dialog.accept)
    dialog = gallery.bulk.ask_tag(add=False)
    assert "keeper" in dialog.comboBoxItems()  # the selection's tags are offered
    dialog.setTextValue("KEEPER")
    run_bulk(qtbot, gallery, dialog.accept)
    dialog = gallery.bulk.ask_tag(add=True)
    dialog.setTextValue("final")
    run_bulk(qtbot, gallery, dialog.accept)
    run_bulk(qtbot, gallery, lambda: gallery.bulk.move_to_project("picks"))  # names ignore case

    for item in library.items():
        if item.id in ids:
            assert review(item) == (True, 0, ("final",), "Picks")
        else:
            assert (item.favourite, item.tags, item.project) == (False, (), "")
    assert disagreements(library) == []
    assert [p.images for p in pj.projects(library)] == [3]
    # A move of given ids, back to no project.
    run_bulk(qtbot, gallery, lambda: gallery.bulk.move_to_project("none", ids=ids[:2]))
    assert sorted(i.id for i in library.items() if i.project == "Picks") == [ids[2]]


def test_select_all_means_every_matching_image_not_only_the_loaded(
    qtbot, gallery: GalleryWidget, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gallery_model, "PAGE", 2)
    gallery.resize(700, 420)  # a page or two fill the grid: the rest stays unloaded
    gallery.model.refresh()
    qtbot.wait(50)
    loaded = gallery.model.rowCount()
    assert loaded < COUNT - 2 and gallery.model.total == COUNT
    gallery.grid.setFocus()
    qtbot.keyClick(gallery.grid, Qt.Key.Key_A, Ctrl)
    assert gallery.bulk.scope.all_matching and selected_rows(gallery) == list(range(loaded))
    assert gallery.count_label.text() == f"{COUNT} images · {COUNT} selected"
    gallery.model.fetchMore()  # rows loaded later are part of "all"
    assert selected_rows(gallery) == list(range(loaded + 2))
    result = run_bulk(qtbot, gallery, gallery.bulk.rating_actions[2].trigger)
    assert len(result.changed) == COUNT  # type: ignore[attr-defined]
    assert [i.rating for i in library.items()] == [2] * COUNT
    assert disagreements(library) == []
    click(qtbot, gallery, 3)  # any other selection ends "all"
    assert not gallery.bulk.scope.all_matching and selected_rows(gallery) == [3]


def test_export_after_select_all_takes_every_matching_image_up_to_its_limit(
    qtbot, gallery: GalleryWidget, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gallery_model, "PAGE", 2)
    gallery.resize(700, 420)  # the rest stays unloaded
    gallery.model.refresh()
    qtbot.wait(50)
    assert gallery.model.rowCount() < COUNT - 2
    gallery.grid.setFocus()
    qtbot.keyClick(gallery.grid, Qt.Key.Key_A, Ctrl)
    dialog = gallery.item_actions.export_copy_dialog()
    assert dialog is not None
    assert [i.id for i in dialog.items] == [i.id for i in library.items()]  # all, newest first
    dialog.close()
    monkeypatch.setattr(gallery_actions, "EXPORT_MOST", COUNT - 1)
    assert gallery.item_actions.export_copy_dialog() is None
    message = gallery.message_bar.message
    assert message is not None and f"at most {COUNT - 1} images" in message.text


def test_cancel_half_way_leaves_index_and_files_agreeing(
    qtbot, gallery: GalleryWidget, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(bulk_apply, "BATCH", 4)  # six batches of the 24 images
    before = {i.id: review(i) for i in library.items()}
    strip = gallery.bulk.strip
    blocker: list[sqlite3.Connection] = []

    def cancel_after_first_batch(value: int) -> None:
        if value > 0 and not blocker:
            # Hold the index's write lock while pressing Cancel: the worker cannot finish
            # another batch meanwhile, so the cancel lands half way through the action.
            conn = sqlite3.connect(library.db_path, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            blocker.append(conn)
            qtbot.mouseClick(strip.cancel, Qt.MouseButton.LeftButton)
            conn.execute("ROLLBACK")
            conn.close()

    strip.bar.valueChanged.connect(cancel_after_first_batch)
    gallery.grid.setFocus()
    qtbot.keyClick(gallery.grid, Qt.Key.Key_A, Ctrl)
    result = run_bulk(qtbot, gallery, gallery.bulk.rating_actions[5].trigger)
    assert blocker and strip.cancel.text() == "Stopping…"
    assert result.cancelled and 0 < len(result.changed) < COUNT  # type: ignore[attr-defined]
    changed = {r.id for r in result.changed}  # type: ignore[attr-defined]
    for item in library.items():
        assert review(item) == (
            (before[item.id][0], 5, *before[item.id][2:]) if item.id in changed else before[item.id]
        )
    assert disagreements(library) == []
    assert gallery.message_bar.text.text().startswith("Stopped after")
    run_bulk(qtbot, gallery, gallery.message_bar.primary.click)  # Undo what was done
    assert {i.id: review(i) for i in library.items()} == before


def test_delete_everything_selected_then_one_undo(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    paths = [i.path for i in library.items()]
    gallery.grid.setFocus()
    qtbot.keyClick(gallery.grid, Qt.Key.Key_A, Ctrl)
    with qtbot.waitSignal(gallery.deleted, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(gallery.grid, Qt.Key.Key_Delete)
    assert len(blocker.args[0]) == COUNT
    assert library.count() == 0 and gallery.model.total == 0 and gallery.model.rowCount() == 0
    assert not any(Path(p).exists() for p in paths)
    assert gallery.message_bar.title.text() == f"Deleted {COUNT} images"
    with qtbot.waitSignal(gallery.restored, timeout=TIMEOUT):
        gallery.message_bar.primary.click()
    assert library.count() == COUNT and gallery.model.total == COUNT
    assert all(Path(p).exists() for p in paths)
    assert len(gallery.selected_items()) == COUNT
    assert disagreements(library) == []


def test_a_collapsed_stack_in_the_selection_stands_for_all_its_images(  # type: ignore[no-untyped-def]
    qtbot, gallery: GalleryWidget, library: Library
) -> None:
    from datetime import timedelta

    from .factory import NOW, add_batch

    batch = add_batch(library, 1, 4, created=NOW + timedelta(hours=1))
    gallery.refresh()
    assert gallery.model.row_of(batch[0].id) == 0 and gallery.model.row_of(batch[1].id) < 0  # collapsed
    single = gallery.model.item(1)
    assert single is not None
    gallery.select_ids([batch[0].id, single.id])
    assert "5 selected" in gallery.count_label.text()  # images, not tiles
    result = run_bulk(qtbot, gallery, gallery.bulk.favourite_on.trigger)
    assert sorted(r.id for r in result.changed) == sorted([*(b.id for b in batch), single.id])  # type: ignore[attr-defined]
    assert sorted(i.id for i in library.items() if i.favourite) == sorted([*(b.id for b in batch), single.id])
    assert disagreements(library) == []
