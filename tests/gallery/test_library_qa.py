"""The Library tab as a designer meets it: whole at the window's usual sizes, a calm
details panel, the form's words instead of the API's, a compare view that reads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QToolButton, QWidget

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.ui.library.compare import CompareDialog
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.gallery_details import EMPTY_TEXT, param_text, timings_text
from fluxdesk.ui.library.gallery_view import MARGIN, TILE_W
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme.palette import apply_theme

from .conftest import COUNT

TIMEOUT = 10_000
CONTROLS = (QComboBox, QLineEdit, QToolButton, QPushButton)


def _problems(gallery: GalleryWidget) -> list[str]:
    """Controls of the toolbar and the details panel that are squeezed below their
    minimum size hint or reach past the right edge of what shows them."""
    out: list[str] = []
    viewport = gallery.details.viewport()
    for w in gallery.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or not w.isVisibleTo(gallery) or gallery.grid.isAncestorOf(w):
            continue
        name = w.objectName() or f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        need = max(w.minimumSizeHint().width(), w.minimumWidth())
        if w.width() < need:
            out.append(f"{name}: {w.width()} px wide, needs {need}")
        inside = gallery.details.isAncestorOf(w)
        frame: QWidget = viewport if inside else gallery
        right = w.mapTo(frame, QPoint(w.width(), 0)).x()
        if right > frame.width():
            out.append(f"{name}: right edge {right} beyond {frame.width()}")
    label = gallery.count_label
    if label.isVisibleTo(gallery) and label.width() < label.sizeHint().width():
        out.append(f"count label cut: {label.width()} < {label.sizeHint().width()}")
    if gallery.grid.viewport().width() < 2 * MARGIN + TILE_W:
        out.append(f"grid shows less than one tile column ({gallery.grid.viewport().width()} px)")
    return out


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    main_window.tabs.setCurrentIndex(1)
    return main_window


@pytest.mark.parametrize("size", [(900, 620), (1024, 700), (1280, 820)])
def test_library_tab_is_whole_in_the_main_window(qtbot, window: MainWindow, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    gallery = window.gallery_view
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=TIMEOUT)
    for state in ("nothing selected", "one selected", "three selected", "custom dates"):
        if state == "one selected":
            gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
        elif state == "three selected":
            gallery.select_ids([gallery.model.item(r).id for r in range(3)])  # type: ignore[union-attr]
        elif state == "custom dates":
            gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
            gallery.dates.setCurrentIndex(gallery.dates.findData("custom"))
        qtbot.wait(100)  # the layouts settle (posted layout requests)
        assert _problems(gallery) == [], f"{size[0]}×{size[1]}, {state}"
        assert gallery.width() + gallery.mapTo(window, QPoint(0, 0)).x() <= window.width()


def test_filters_move_beside_the_search_box_when_there_is_room(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.resize(1900, 800)
    qtbot.waitUntil(gallery.filters_inline, timeout=2000)
    qtbot.waitUntil(  # on the search box's line, once laid out
        lambda: abs(gallery.filter_bar.geometry().center().y() - gallery.search.geometry().center().y()) <= 3,
        timeout=2000,
    )
    assert _problems(gallery) == []
    gallery.resize(700, 800)
    qtbot.waitUntil(lambda: not gallery.filters_inline(), timeout=2000)
    qtbot.waitUntil(  # on lines of their own below the search box, once laid out
        lambda: gallery.filter_bar.geometry().top() > gallery.search.geometry().bottom(), timeout=2000
    )
    assert _problems(gallery) == []


def test_empty_details_is_a_calm_hint(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.select_ids([])
    details = gallery.details
    assert details.hint.isVisible() and details.hint.text() == EMPTY_TEXT
    assert not details.single.isVisible()  # no grid of empty labels, no Tags/Notes
    assert not details.copy_seed_button.isEnabled() and not details.tags.isEnabled()
    assert not details.notes.isEnabled()
    assert not any(b.isVisible() for b in details.action_buttons.values())

    gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
    assert details.single.isVisible() and not details.hint.isVisible()
    assert details.copy_seed_button.isEnabled() and details.tags.isEnabled()
    assert all(b.isVisible() and b.isEnabled() for b in details.action_buttons.values())


def test_delete_several_selected_then_undo(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    items = [gallery.model.item(r) for r in range(3)]
    paths = [i.path for i in items if i]
    gallery.select_ids([i.id for i in items if i])
    details = gallery.details
    assert "3 images selected" in details.title.text() and not details.single.isVisible()
    delete = details.action_buttons["delete"]
    assert delete.isVisible() and delete.isEnabled() and delete.text() == "Delete 3 images"
    assert details.action_buttons["copy"].isEnabled() and details.action_buttons["export"].isEnabled()
    assert not details.action_buttons["use"].isVisible()  # needs exactly one image
    assert gallery.delete_action.isEnabled()
    with qtbot.waitSignal(gallery.deleted, timeout=TIMEOUT):
        delete.click()
    assert gallery.model.total == COUNT - 3
    assert not any(p.exists() for p in paths)
    assert gallery.message_bar.primary.text() == "Undo"
    with qtbot.waitSignal(gallery.restored, timeout=TIMEOUT):
        gallery.message_bar.primary.click()
    assert gallery.model.total == COUNT and all(p.exists() for p in paths)
    assert {i.path for i in gallery.selected_items()} == set(paths)


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local time zone that is not UTC, so "local time" is visible in the text."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_details_speak_the_forms_language(qtbot, gallery: GalleryWidget, berlin: None) -> None:  # type: ignore[no-untyped-def]
    item = gallery.model.item(0)  # factory: landscape_4_3, JPEG, created 15:00 UTC
    assert item is not None and item.params["image_size"] == "landscape_4_3"
    gallery.select_ids([item.id])
    values = {k: v.text() for k, v in gallery.details.values.items()}
    assert values["image_size"] == "Landscape 4:3 (1024×768)"
    assert values["output_format"] == "JPEG"
    assert values["enable_safety_checker"] == "On"
    assert values["created"] == "25 Nov 2026, 16:00"  # 15:00 UTC in Berlin
    assert values["timings"].splitlines() == ["Inference 2.50 s", "Download 0.40 s"]
    assert "_" not in values["image_size"] and "+00:00" not in values["created"]
    assert timings_text({"api_roundtrip": 3.1, "total": 4.0}) == "API round trip 3.10 s\nTotal 4.00 s"
    assert param_text("guidance_scale", None) == "Auto"
    assert param_text("image_size", {"width": 768, "height": 512}) == "Custom (768×512)"
    assert param_text("output_format", "png") == "PNG"


def _item(gallery: GalleryWidget, row: int) -> ImageRecord:
    item = gallery.model.item(row)
    assert item is not None
    return item


def test_compare_table_speaks_the_forms_language(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    a = _item(gallery, 0)  # landscape_4_3, JPEG
    b = _item(gallery, 1)  # square_hd, PNG
    b = replace(b, request={**b.request, "guidance_scale": None})  # "server default"
    dialog = CompareDialog(a, b, gallery)
    qtbot.addWidget(dialog)
    rows = {r.key: r for r in dialog.rows}
    assert (rows["image_size"].left, rows["image_size"].right) == (
        "Landscape 4:3 (1024×768)",
        "Square HD (1024×1024)",
    )
    assert (rows["output_format"].left, rows["output_format"].right) == ("JPEG", "PNG")
    assert rows["guidance_scale"].right == "Auto" and rows["guidance_scale"].differs
    assert rows["seed"].left == str(a.seed)
    texts = [dialog.table.item(r, c).text() for r in range(dialog.table.rowCount()) for c in (1, 2)]
    assert not any(t in ("server default", "jpeg", "png", "landscape_4_3") for t in texts)


def test_compare_modes_show_their_own_controls_on_one_backdrop(qtbot, qapp, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    apply_theme(qapp, dark=False)  # the white swipe backdrop was a light-mode problem
    try:
        gallery.select_ids([_item(gallery, 0).id, _item(gallery, 2).id])  # landscape + portrait
        dialog = gallery.item_actions.compare_selected()
        assert dialog is not None
        qtbot.waitExposed(dialog)
        assert not dialog.slider.isVisible()  # it does nothing side by side
        assert dialog.fit_button.isVisible()
        dialog.set_mode(1)
        qtbot.waitUntil(dialog.swipe.isVisible, timeout=2000)
        assert dialog.slider.isVisible() and dialog.slider.isEnabled()
        assert not dialog.fit_button.isVisible()  # zooms the side-by-side viewers only
        swipe = dialog.swipe
        image = swipe.grab().toImage()
        a, b = swipe.image_rect(), swipe.image_rect(swipe.right)
        outside = next(
            QPoint(x, y)
            for y in range(2, swipe.height() - 2, 7)
            for x in range(2, swipe.width() - 2, 7)
            if not a.contains(QPointF(x, y)) and not b.contains(QPointF(x, y))
        )
        ratio = image.devicePixelRatio()
        backdrop = image.pixelColor(round(outside.x() * ratio), round(outside.y() * ratio))
        viewer = dialog.side_by_side.left.backgroundBrush().color()
        assert backdrop.name() == viewer.name() and backdrop.lightness() < 128
        assert backdrop != QColor("white")
        dialog.set_mode(0)
        assert not dialog.slider.isVisible() and dialog.fit_button.isVisible()
    finally:
        apply_theme(qapp)


def test_filter_and_button_words(gallery: GalleryWidget) -> None:
    firsts = [c.itemText(0) for c in (gallery.rating, gallery.format, gallery.size_filter, gallery.nsfw)]
    assert firsts == ["Any rating", "Any format", "Any size", "NSFW or not"]
    assert gallery.dates.itemText(0) == "Any time"
    texts = [b.text() for b in gallery.details.action_buttons.values()]
    assert not any(t.startswith(("…", "...")) for t in texts)
    assert gallery.details.action_buttons["use_noseed"].text() == "Use settings without seed"


def test_a_random_seed_is_shown_whole(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    """An 11-digit seed (a typical random one) must not be cut: its visible part would
    read as another number."""
    from dataclasses import replace

    item = gallery.model.item(0)
    assert item is not None
    details = gallery.details
    details.show_item(replace(item, seed=73089886680))
    gallery.splitter.setSizes([10_000, 1])  # the details panel as narrow as it goes
    qtbot.waitUntil(lambda: details.seed.width() < 200, timeout=3000)
    seed = details.seed
    needed = seed.fontMetrics().horizontalAdvance(seed.text())
    qtbot.waitUntil(lambda: seed.width() >= needed + 8, timeout=3000)
    assert seed.cursorPosition() == 0 and details.copy_seed_button.accessibleName() == "Copy the seed"


def test_compare_panes_say_a_and_b_and_table_cells_have_room(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    left, right = _item(gallery, 0), _item(gallery, 2)
    gallery.select_ids([left.id, right.id])
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    captions = dialog.side_by_side.left_caption, dialog.side_by_side.right_caption
    assert all(c.isVisible() for c in captions)
    assert captions[0].text().startswith("<b>A</b>") and left.path.name in captions[0].text()
    assert captions[1].text().startswith("<b>B</b>") and right.path.name in captions[1].text()
    assert captions[0].accessibleName().startswith("A: Seed ")
    # A caption sits above its own viewer.
    assert captions[0].geometry().bottom() <= dialog.side_by_side.left.geometry().top()
    assert captions[1].geometry().left() >= dialog.side_by_side.left.geometry().right()
    table = dialog.table
    cell = table.item(0, 0)
    text_width = table.fontMetrics().horizontalAdvance(cell.text())
    assert table.columnWidth(0) >= text_width + 16  # 8 px each side
    assert table.rowHeight(0) >= table.fontMetrics().height() + 8


def test_compare_fits_a_small_screen_whatever_the_file_names(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    gallery.select_ids([_item(gallery, 0).id, _item(gallery, 2).id])
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    long = "x" * 300
    dialog.side_by_side.set_captions(f"Seed 1 · {long}.png", f"Seed 2 · {long}.png")
    assert dialog.minimumSizeHint().width() <= 900  # the captions are cut, not demanded
