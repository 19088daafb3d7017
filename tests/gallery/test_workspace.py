"""The Library as a full workspace (issue 15 item 1): the form folds away on its tab, the
grid keeps every image's shape in justified rows, and the details panel fits at 900×600,
also with a message bar showing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from fluxdesk.ui.library.gallery_view import MARGIN, justify
from fluxdesk.ui.main_window import MainWindow

TIMEOUT = 10_000


@pytest.fixture
def window(main_window: MainWindow) -> MainWindow:
    return main_window


def _visible_in(widget: QWidget, frame: QWidget) -> bool:
    """``widget`` shows whole inside ``frame`` (both on screen)."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(frame, QPoint(0, 0))
    return frame.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", [(900, 600), (1440, 900)])
def test_the_library_owns_the_window_and_its_details_fit(
    qtbot, window: MainWindow, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    gallery = window.gallery_view
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=TIMEOUT)
    form = window.findChild(QWidget, "leftPanel")
    assert form is not None and form.isVisible()
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: gallery.width() >= window.width() - 4, timeout=TIMEOUT)

    gallery.select_ids([gallery.model.item(0).id])  # type: ignore[union-attr]
    gallery.show_error("The library folder could not be read: a test message")
    qtbot.waitUntil(gallery.message_bar.isVisible, timeout=TIMEOUT)
    qtbot.wait(100)  # posted layout requests
    details = gallery.details
    viewport = details.viewport()
    assert viewport.mapTo(window, QPoint(viewport.width(), 0)).x() <= window.width()
    for name, widget in (
        ("title", details.title),
        ("seed", details.seed),
        ("copy seed", details.copy_seed_button),
        ("created", details.values["created"]),
        *((f"action {key}", button) for key, button in details.action_buttons.items()),
    ):
        assert _visible_in(widget, viewport), f"{name} outside the details at {size}"

    # Back on Generate the form is where it was.
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(form.isVisible, timeout=TIMEOUT)


def test_tiles_keep_their_images_shape_in_justified_rows(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    gallery = window.gallery_view
    window.resize(1440, 900)
    window.tabs.setCurrentIndex(1)
    # (Laid out at the wide size: the project list and the details beside the grid.)
    qtbot.waitUntil(lambda: gallery.grid.viewport().width() > 850, timeout=TIMEOUT)
    grid = gallery.grid
    right = grid.viewport().width() - MARGIN
    wide = 0
    for row in range(gallery.model.rowCount()):
        item = gallery.model.item(row)
        assert item is not None
        rect = grid.content_rect(row)
        line = grid._line_of(row)
        image_h = grid._line_h[line] - 48 - 12
        image_w = rect.width() - 12
        assert abs(image_w / image_h - item.width / item.height) < 0.05, (row, item.width, item.height)
        if item.width > item.height:  # landscape (4:3, 3:2): wider than tall
            wide += 1
            assert rect.width() > rect.height() - 48
        elif item.width * 16 == item.height * 9:  # portrait 16:9: taller than wide
            assert image_w < image_h
        last_of_line = row + 1 == len(grid._x) or grid._line_of(row + 1) != line
        last_of_day = (
            row + 1 == gallery.model.rowCount() or grid.content_rect(row + 1).top() > rect.bottom() + 40
        )
        if last_of_line and not last_of_day:
            assert rect.right() + 1 == right, f"line {line} ends at {rect.right()}, not {right}"
    assert wide > 0  # the library holds landscape images


def test_justify_fills_lines_and_keeps_the_last_at_the_target_height() -> None:
    lines = justify([16 / 9, 1.0, 3.0, 0.75, 1 / 3, 16 / 9, 1.0], 800)
    for height, widths in lines[:-1]:
        assert sum(widths) + 12 * (len(widths) - 1) == 800 and height <= 176
    assert lines[-1][0] == 176 or sum(lines[-1][1]) + 12 * (len(lines[-1][1]) - 1) == 800
    assert sum(len(w) for _h, w in lines) == 7


def test_several_selected_leave_no_empty_action_line(qtbot, gallery) -> None:  # type: ignore[no-untyped-def]
    ids = [item.id for item in (gallery.model.item(0), gallery.model.item(1)) if item is not None]
    gallery.select_ids(ids)
    details = gallery.details
    qtbot.waitUntil(lambda: details.selected_count == 2, timeout=TIMEOUT)
    lines = [line for line, _names in details._action_lines]
    shown = [line for line in lines if not line.isHidden()]
    assert len(shown) == 2  # open/reveal/copy's and export/delete's; the "use" line is gone
    assert all(any(not b.isHidden() for b in line.findChildren(QWidget)) for line in shown)
    gallery.select_ids(ids[:1])
    qtbot.waitUntil(lambda: details.selected_count == 1, timeout=TIMEOUT)
    assert all(not line.isHidden() for line in lines)
