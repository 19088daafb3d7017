"""The gallery model at scale (issue 18): keyset pages, light rows, a bounded record cache."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from fluxdesk.core.library.store import Library
from fluxdesk.ui.library import gallery_model
from fluxdesk.ui.library.gallery import GalleryWidget

from .conftest import COUNT
from .factory import NOW, add_batch, add_image


@pytest.fixture
def small_pages(qtbot, gallery: GalleryWidget, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Pages of 5 rows, records read 4 at a time, 6 kept, a small grid: the 24-image
    library is many pages and many times the cache."""
    monkeypatch.setattr(gallery_model, "PAGE", 5)
    monkeypatch.setattr(gallery_model, "BLOCK", 4)
    monkeypatch.setattr(gallery_model, "RECORDS_KEPT", 6)
    gallery.resize(700, 300)
    qtbot.wait(10)


def load_all(model: gallery_model.GalleryModel) -> None:
    while model.canFetchMore():
        model.fetchMore()


def test_pages_give_every_image_once_and_the_cache_never_shows_another_row(
    gallery: GalleryWidget, library: Library, small_pages: None
) -> None:
    model = gallery.model
    model.refresh()
    assert model.rowCount() < COUNT and model.total == COUNT
    load_all(model)
    expected = [item.id for item in library.items()]
    assert [model.id_at(r) for r in range(model.rowCount())] == expected
    by_id = {item.id: item for item in library.items()}
    rows = list(range(COUNT)) * 3
    random.Random(4).shuffle(rows)
    for row in rows:  # far more rows than the cache keeps, in any order
        item = model.item(row)
        assert item is not None and item == by_id[expected[row]]
        assert model.size_of(row) == (item.width, item.height)
        assert len(model._records) <= gallery_model.RECORDS_KEPT
    assert model.item(COUNT) is None and model.id_at(COUNT) == -1
    assert sum(s.count for s in model.sections) == COUNT


def test_images_saved_or_deleted_mid_scroll_neither_repeat_nor_vanish(
    gallery: GalleryWidget, library: Library, small_pages: None
) -> None:
    model = gallery.model
    model.refresh()
    assert model.rowCount() < COUNT - 3
    newest = add_image(library, 90, created=NOW + timedelta(hours=1))
    oldest = add_image(library, 91, created=NOW - timedelta(days=400))
    gone = library.items()[-2]
    library.remove(gone.id, delete_file=True)
    load_all(model)
    ids = [model.id_at(r) for r in range(model.rowCount())]
    assert len(ids) == len(set(ids)) == model.total
    assert oldest.id in ids and gone.id not in ids and newest.id not in ids  # newest: above the top
    model.refresh()
    load_all(model)
    assert [model.id_at(r) for r in range(model.rowCount())] == [item.id for item in library.items()]


def test_an_image_gone_from_the_index_is_no_record(
    gallery: GalleryWidget, library: Library, small_pages: None
) -> None:
    model = gallery.model
    model.refresh()
    load_all(model)
    row = COUNT - 1
    library.remove(model.id_at(row), delete_file=True)  # by another process: the model still lists it
    assert model.item(row) is None
    assert model.item(row - 1) is not None and model.item(row - 1).id == model.id_at(row - 1)  # type: ignore[union-attr]


def test_removing_scattered_rows_keeps_rows_days_and_tiles_consistent(
    qtbot, gallery: GalleryWidget, library: Library, small_pages: None
) -> None:  # type: ignore[no-untyped-def]
    model = gallery.model
    model.refresh()
    load_all(model)
    ids = [model.id_at(r) for r in range(COUNT)]
    removed = {ids[r] for r in (0, 1, 2, 7, 11, 12, 20, 23)}
    model.remove_ids(removed)
    left = [i for i in ids if i not in removed]
    assert [model.id_at(r) for r in range(model.rowCount())] == left
    assert model.total == len(left) and all(model.row_of(i) == n for n, i in enumerate(left))
    assert [model.item(r).id for r in range(len(left))] == left  # type: ignore[union-attr]
    assert sum(s.count for s in model.sections) == len(left)
    assert all(s.first == sum(x.count for x in model.sections[:n]) for n, s in enumerate(model.sections))
    qtbot.wait(10)  # the view lays out again at the end of the event pass
    grid = gallery.grid
    rects = [grid.content_rect(r) for r in range(len(left))]
    assert all(not r.isNull() for r in rects) and grid.content_rect(len(left)).isNull()


def test_a_review_edit_replaces_the_cached_record(
    gallery: GalleryWidget, library: Library, small_pages: None
) -> None:
    model = gallery.model
    model.refresh()
    load_all(model)
    item = model.item(3)
    assert item is not None
    saved = gallery.save_review(item.id, {"rating": 5})
    assert saved is not None and model.item(3) == saved and model.item(3).rating == 5  # type: ignore[union-attr]
    for row in range(COUNT):  # pushed out of the cache and read again: still the edit
        model.item(row)
    assert model.item(3).rating == 5  # type: ignore[union-attr]


def test_a_refresh_deep_in_the_list_reads_the_loaded_rows_at_once(
    gallery: GalleryWidget, library: Library, small_pages: None
) -> None:
    model = gallery.model
    model.refresh()
    for _ in range(3):
        model.fetchMore()
    loaded = model.rowCount()
    assert 5 < loaded < COUNT
    added = add_image(library, 92, created=NOW + timedelta(hours=1))
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    gallery.refresh()  # what a saved image or another process's change does
    assert inserted == []  # one reset, not a page at a time
    assert model.rowCount() >= loaded and model.id_at(0) == added.id
    expected = [item.id for item in library.items()]
    assert [model.id_at(r) for r in range(model.rowCount())] == expected[: model.rowCount()]


def test_stacks_losing_their_first_image_show_the_next_in_place(
    library: Library, gallery: GalleryWidget
) -> None:
    """Deleting the shown image of many collapsed stacks at once changes those rows'
    images (no removal and insertion per stack) and lists what a fresh load lists."""
    batches = [add_batch(library, n, 3, created=NOW + timedelta(hours=n)) for n in range(1, 7)]
    gallery.refresh()
    model = gallery.model
    load_all(model)
    rows = model.rowCount()
    gone = {batch[0].id for batch in batches} | {model.id_at(rows - 1)}  # and one single image
    for item_id in gone:
        library.remove(item_id, delete_file=False)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(first))
    model.remove_ids(gone)
    assert inserted == [] and model.rowCount() == rows - 1
    shown = [model.id_at(r) for r in range(model.rowCount())]
    assert [model.item(r).id for r in range(model.rowCount())] == shown  # type: ignore[union-attr]
    total = model.total
    model.refresh()
    load_all(model)
    assert [model.id_at(r) for r in range(model.rowCount())] == shown and model.total == total
