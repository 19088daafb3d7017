"""The Library tab on a generated library: search, filters, review, actions, delete/undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from fluxdesk.core import metadata as md
from fluxdesk.core.context import AppContext
from fluxdesk.core.library import thumbnail_cache as tc
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.core.library.thumbnail_cache import ThumbKey, cache_path
from fluxdesk.ui.library.gallery import GalleryWidget

from .conftest import COUNT
from .factory import add_image

TIMEOUT = 10_000


def test_lists_newest_first_grouped_by_day(gallery: GalleryWidget, library: Library) -> None:
    model = gallery.model
    assert model.rowCount() == COUNT == model.total
    created = [model.item(r).created for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert created == sorted(created, reverse=True)
    assert len(model.sections) > 1
    assert sum(s.count for s in model.sections) == COUNT
    assert gallery.count_label.text() == f"{COUNT} images"
    # Tiles do not overlap and indexAt finds each tile at its own rectangle.
    for row in range(8):
        rect = gallery.grid.visualRect(model.index(row))
        assert gallery.grid.indexAt(rect.center()).row() == row


def test_thumbnails_load_off_thread_and_are_cached_on_disk(
    qtbot, gallery: GalleryWidget, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    item = gallery.model.item(0)
    assert item is not None
    qtbot.waitUntil(lambda: gallery.loader.pixmap(item.id) is not None, timeout=TIMEOUT)
    key = ThumbKey.for_file(item.id, item.path, gallery.loader.side)
    cached = cache_path(ctx.paths.thumbnails, key)
    assert cached.is_file()
    # A review edit rewrites the file: the key changes, the old thumbnail is replaced.
    gallery.save_review(item.id, {"rating": 4})
    gallery.loader.forget(item.id)
    gallery.model.data(gallery.model.index(0), Qt.ItemDataRole.UserRole + 2)
    new_key = ThumbKey.for_file(item.id, item.path, gallery.loader.side)
    assert new_key != key
    qtbot.waitUntil(lambda: cache_path(ctx.paths.thumbnails, new_key).is_file(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not cached.exists(), timeout=TIMEOUT)


def test_search_as_you_type_and_filters(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(gallery.search, "lighth")
    qtbot.waitUntil(lambda: gallery.model.filter.search == "lighth", timeout=2000)
    rows = [gallery.model.item(r) for r in range(gallery.model.rowCount())]
    assert rows and all("lighthouse" in i.prompt for i in rows if i)
    assert gallery.count_label.text().endswith("found")
    gallery.search.clear()
    qtbot.waitUntil(lambda: gallery.model.rowCount() == COUNT, timeout=2000)

    gallery.format.setCurrentIndex(gallery.format.findData("jpeg"))
    assert gallery.model.rowCount() == library.count(ItemFilter(output_format="jpeg")) > 0
    assert all(gallery.model.item(r).output_format == "jpeg" for r in range(gallery.model.rowCount()))  # type: ignore[union-attr]
    gallery.format.setCurrentIndex(0)

    gallery.size_filter.setCurrentIndex(gallery.size_filter.findData("1024x1024"))
    assert gallery.model.rowCount() == library.count(ItemFilter(width=1024, height=1024)) > 0
    gallery.size_filter.setCurrentIndex(0)

    gallery.nsfw.setCurrentIndex(gallery.nsfw.findData("only"))
    assert gallery.model.rowCount() == 1
    gallery.nsfw.setCurrentIndex(gallery.nsfw.findData("hide"))
    assert gallery.model.rowCount() == COUNT - 1
    gallery.nsfw.setCurrentIndex(0)

    first = gallery.model.item(0)
    assert first is not None
    gallery.save_review(first.id, {"favourite": True, "rating": 5})
    gallery.favourites.setChecked(True)
    assert [gallery.model.item(0).id] == [first.id] and gallery.model.rowCount() == 1  # type: ignore[union-attr]
    gallery.favourites.setChecked(False)
    gallery.rating.setCurrentIndex(gallery.rating.findData("5"))
    assert gallery.model.rowCount() == 1
    gallery.rating.setCurrentIndex(0)

    gallery.dates.setCurrentIndex(gallery.dates.findData("custom"))
    day = parse_iso(first.created).astimezone().date()
    gallery.date_from.setDate(day)
    gallery.date_to.setDate(day)
    shown = [gallery.model.item(r) for r in range(gallery.model.rowCount())]
    days = {parse_iso(i.created).astimezone().date() for i in shown if i}
    assert days == {day}
    gallery.search.setText("no-such-word-anywhere")
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 0, timeout=2000)
    assert "No images match" in gallery.grid.empty_text


def test_review_is_written_to_file_and_survives_reindex(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    index = gallery.model.index(2)
    rect = gallery.grid.visualRect(index)
    qtbot.mouseClick(gallery.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    item = gallery.details.item
    assert item is not None and item.id == gallery.model.item(2).id  # type: ignore[union-attr]
    assert gallery.details.seed.text() == str(item.seed)
    assert str(item.path.name) in gallery.details.values["file"].text().replace("\u200b", "")
    qtbot.mouseClick(gallery.details.stars.buttons[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(gallery.details.favourite, Qt.MouseButton.LeftButton)
    gallery.details.tags.setText("keeper, client A")
    gallery.details.tags.editingFinished.emit()
    gallery.details.notes.setPlainText("warmer light please")
    gallery.details.flush_notes()
    embedded = md.read_file(item.path)
    assert embedded is not None
    assert (embedded.rating, embedded.favourite, embedded.tags, embedded.notes) == (
        3,
        True,
        ("keeper", "client A"),
        "warmer light please",
    )
    # Rebuild the index from nothing: the review comes back from the file.
    library.close()
    library.db_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(library.db_path) + suffix).unlink(missing_ok=True)
    fresh = Library(library.root)
    fresh.reindex()
    again = next(i for i in fresh.items() if i.path == item.path)
    review = (again.rating, again.favourite, again.tags, again.notes)
    assert review == (3, True, ("keeper", "client A"), "warmer light please")
    assert fresh.count("warmer") == 1  # notes are searchable
    fresh.close()


def test_keyboard_rating_and_seed_copy(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.grid.setFocus()
    gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
    qtbot.keyClick(gallery.grid, Qt.Key.Key_4)
    assert gallery.model.item(0).rating == 4  # type: ignore[union-attr]
    qtbot.keyClick(gallery.grid, Qt.Key.Key_F)
    assert gallery.model.item(0).favourite  # type: ignore[union-attr]
    gallery.details.copy_seed()
    assert QGuiApplication.clipboard().text() == str(gallery.model.item(0).seed)  # type: ignore[union-attr]
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Right)
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Down)
    assert gallery.grid.currentIndex().row() > 1


def test_use_settings_and_vary_seed(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    item = gallery.model.item(1)
    assert item is not None
    gallery.select_ids([item.id])
    with qtbot.waitSignal(gallery.use_request) as blocker:
        gallery.item_actions.use_settings(with_seed=True)
    request = blocker.args[0]
    assert request.seed == item.seed and request.prompt == item.prompt
    assert request.guidance_scale == item.params["guidance_scale"]
    with qtbot.waitSignal(gallery.use_request) as blocker:
        gallery.item_actions.use_settings(with_seed=False)
    assert blocker.args[0].seed is None
    with qtbot.waitSignal(gallery.use_request) as blocker:
        gallery.item_actions.vary_seed()
    varied = blocker.args[0]
    assert varied.seed not in (None, item.seed) and varied.prompt == item.prompt


def test_delete_to_trash_and_undo(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    items = [gallery.model.item(0), gallery.model.item(3)]
    gallery.save_review(items[0].id, {"rating": 2, "notes": "keep?"})  # type: ignore[union-attr]
    gallery.select_ids([i.id for i in items])  # type: ignore[union-attr]
    with qtbot.waitSignal(gallery.deleted) as blocker:
        gallery.item_actions.delete_selected()
    trashed = blocker.args[0]
    assert len(trashed) == 2 and all(not t.original.exists() and t.location.exists() for t in trashed)
    assert gallery.model.rowCount() == COUNT - 2 and library.count() == COUNT - 2
    assert gallery.message_bar.primary.text() == "Undo" and gallery.message_bar.primary.isVisible()
    # The library's own scan never resurrects a trashed file.
    assert library.reindex().added == 0
    with qtbot.waitSignal(gallery.restored, timeout=TIMEOUT):
        qtbot.mouseClick(gallery.message_bar.primary, Qt.MouseButton.LeftButton)
    assert gallery.model.rowCount() == COUNT and library.count() == COUNT
    restored = next(i for i in library.items() if i.path == items[0].path)  # type: ignore[union-attr]
    assert (restored.rating, restored.notes) == (2, "keep?")
    assert len(gallery.selected_items()) == 2


def test_external_changes_are_noticed_by_rescan(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    gone = gallery.model.item(0)
    assert gone is not None
    gallery.save_review(gone.id, {"rating": 5})
    moved_target = library.root / "moved-by-hand" / gone.path.name
    moved_target.parent.mkdir()
    gone.path.rename(moved_target)  # moved outside FluxDesk
    deleted = gallery.model.item(1)
    deleted.path.unlink()  # type: ignore[union-attr]
    other = Library(library.root)  # another process adds one
    add_image(other, 99, prompt="added by the CLI while the window was open")
    other.close()
    # Before the rescan the deleted file shows a calm "missing" tile, not a broken one.
    gallery.loader.forget(deleted.id)  # type: ignore[union-attr]
    gallery.model.data(gallery.model.index(1), Qt.ItemDataRole.UserRole + 2)
    qtbot.waitUntil(lambda: deleted.id in gallery.loader.missing_ids, timeout=TIMEOUT)  # type: ignore[union-attr]
    # A cached thumbnail of the deleted image, as an earlier session would have left it.
    stale_thumb = tc.cache_path(gallery.loader.cache_dir, tc.ThumbKey(deleted.id, 1, 1))  # type: ignore[union-attr]
    stale_thumb.parent.mkdir(parents=True, exist_ok=True)
    stale_thumb.write_bytes(b"old thumbnail")
    with qtbot.waitSignal(gallery.rescanned, timeout=TIMEOUT) as blocker:
        gallery.rescan()
    report = blocker.args[0]
    assert not stale_thumb.exists()  # the rescan also cleans the thumbnail cache
    # The moved file is re-added, the moved and deleted paths removed; the image the other
    # process saved was indexed by it and shows up with the refresh.
    assert (report.added, report.removed) == (1, 2)
    assert gallery.model.total == COUNT
    assert any("added by the CLI" in gallery.model.item(r).prompt for r in range(gallery.model.rowCount()))  # type: ignore[union-attr]
    paths = {gallery.model.item(r).path for r in range(gallery.model.rowCount())}  # type: ignore[union-attr]
    assert moved_target in paths and deleted.path not in paths  # type: ignore[union-attr]
    moved = next(i for i in library.items() if i.path == moved_target)
    assert moved.rating == 5  # the review travelled inside the file


def test_library_that_cannot_open_shows_a_message(qtbot, qapp, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.core.errors import LibraryError

    def broken() -> Library:
        raise LibraryError("Cannot write the library index /mnt/photos/index.sqlite3: read-only folder.")

    monkeypatch.setattr(ctx, "library", broken)
    widget = GalleryWidget(ctx)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.failed, timeout=TIMEOUT) as blocker:
        pass
    assert "read-only" in blocker.args[0]
    assert widget.message_bar.isVisible() and widget.message_bar.primary.text() == "Try again"
    assert widget.message_bar.primary.isVisible()
    assert "could not be opened" in widget.grid.empty_text
    widget.shutdown()


def test_model_pages_lazily(qtbot, gallery: GalleryWidget, library: Library, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.ui.library import gallery_model

    monkeypatch.setattr(gallery_model, "PAGE", 5)
    gallery.resize(700, 300)
    qtbot.wait(10)
    gallery.model.refresh()
    # Only enough pages to fill the viewport (plus a margin) are loaded up front.
    assert gallery.model.rowCount() < COUNT and gallery.model.canFetchMore()
    bar = gallery.grid.verticalScrollBar()
    for _ in range(40):
        bar.setValue(bar.maximum())
        qtbot.wait(5)
    assert gallery.model.rowCount() == COUNT and not gallery.model.canFetchMore()
    ids = [gallery.model.item(r).id for r in range(COUNT)]  # type: ignore[union-attr]
    assert len(set(ids)) == COUNT
    assert gallery.grid.indexAt(QPoint(-5, -5)).isValid() is False


def test_filter_bar_shows_what_the_library_query_returns(
    qtbot, gallery: GalleryWidget, library: Library
) -> None:  # type: ignore[no-untyped-def]
    """The filter bar's controls, combined, give the rows the library's own query gives
    for the same filter, and an empty bar is no filter at all."""
    ids = [gallery.model.item(r).id for r in range(6)]  # type: ignore[union-attr]
    for n, image_id in enumerate(ids):
        gallery.save_review(image_id, {"favourite": n % 2 == 0, "rating": n})
    assert not gallery.current_filter().active
    gallery.favourites.setChecked(True)
    gallery.rating.setCurrentIndex(gallery.rating.findData("2"))
    flt = gallery.current_filter()
    assert flt.active and flt.favourite is True and flt.min_rating == 2
    expected = [item.id for item in library.items(ItemFilter(favourite=True, min_rating=2))]
    qtbot.waitUntil(lambda: gallery.model.rowCount() == len(expected), timeout=2000)
    shown = [gallery.model.item(r).id for r in range(gallery.model.rowCount())]  # type: ignore[union-attr]
    assert shown == expected and sorted(shown) == sorted(ids[2::2])
