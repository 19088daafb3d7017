"""Compare table without an empty band; contact-sheet detail lines wrap instead of eliding;
opening the Library tab leaves the form where it is."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw
from PySide6.QtWidgets import QApplication, QWidget

from fluxdesk.core.context import AppContext
from fluxdesk.core.library.contact_sheet import DETAIL_SIZE, font, wrap_details
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme.palette import apply_theme

from .conftest import COUNT
from .test_library_qa import TIMEOUT, _problems


def test_compare_table_is_as_tall_as_its_rows(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    ids = [i.id for i in (gallery.model.item(r) for r in range(2)) if i]
    gallery.select_ids(ids)
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    table = dialog.table
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    qtbot.waitUntil(lambda: table.viewport().height() >= rows, timeout=5000)
    assert table.viewport().height() - rows <= 2  # no empty row below the last one
    assert table.verticalScrollBar().maximum() == 0  # every row shows
    qtbot.waitUntil(lambda: not table.verticalScrollBar().isVisible(), timeout=5000)


def test_detail_lines_wrap_at_separators() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    line = "1024×1024 · PNG · guidance 3.5 · 28 steps"
    face = font(DETAIL_SIZE)
    wide = wrap_details(draw, line, face, 2000)
    assert wide == [line]
    narrow = wrap_details(draw, line, face, draw.textlength("1024×1024 · PNG · guidance 3.5", font=face) + 1)
    assert narrow == ["1024×1024 · PNG · guidance 3.5", "28 steps"]
    assert not any(t.endswith("…") for t in narrow)


# The window sizes a designer checks; heights as the other window tests use them.
WINDOW_SIZES = [(900, 620), (1024, 700), (1280, 820), (1920, 820)]


def _layout(window: MainWindow) -> tuple[list[int], int, int]:
    """The main splitter's sizes, the left panel's width and the form's width."""
    left = window.findChild(QWidget, "leftPanel")
    assert left is not None
    return window.splitter.sizes(), left.width(), window.form_panel.width()


@pytest.mark.parametrize("form", ["default", "wider"])
@pytest.mark.parametrize("size", WINDOW_SIZES, ids=[f"{w}px" for w, _ in WINDOW_SIZES])
def test_opening_the_library_keeps_the_form_where_it_is(  # type: ignore[no-untyped-def]
    qtbot, qapp: QApplication, ctx: AppContext, library: Library, size: tuple[int, int], form: str
) -> None:
    """The Library page is filled after the first frame but laid out only when its tab is
    first opened: opening it (and switching back and forth) may not move the splitter or
    change the form's width. "wider": the form panel wider than its minimum, as a restored
    splitter state leaves it (or the default 400 px where the form's minimum is narrower,
    e.g. with a smaller font)."""
    apply_theme(qapp)
    window = MainWindow(ctx, check_key=False)
    qtbot.addWidget(window)
    window.resize(*size)
    if form == "wider":
        left = window.findChild(QWidget, "leftPanel")
        assert left is not None
        window.splitter.setSizes([left.minimumSizeHint().width() + 40, size[0]])
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.built and window.width() == size[0], timeout=TIMEOUT)
    gallery = window.gallery_view
    # The library opened and rescanned (its count shown): the Library page is complete.
    qtbot.waitUntil(lambda: gallery.model.rowCount() == COUNT, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: gallery.io_pool.activeThreadCount() == 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: gallery.count_label.text() == f"{COUNT} images", timeout=TIMEOUT)
    qtbot.wait(100)  # the layouts settle (posted layout requests)
    before = _layout(window)
    try:
        for tab in (1, 0, 1):
            window.tabs.setCurrentIndex(tab)
            page = window.tabs.currentWidget()
            qtbot.waitUntil(page.isVisible, timeout=TIMEOUT)
            qtbot.wait(100)  # laid out for its first show (posted layout requests)
            if tab == 0:
                assert _layout(window) == before, f"{size[0]} px, {form} form, tab {tab}"
            else:  # the form folds away: the Library owns the window's width
                assert not window.findChild(QWidget, "leftPanel").isVisible()
                assert window.tabs.width() >= window.width() - 4
        assert _problems(gallery) == [], f"{size[0]} px, {form} form"
    finally:
        qtbot.waitUntil(lambda: gallery.io_pool.activeThreadCount() == 0, timeout=TIMEOUT)
        window.queue.shutdown(timeout_ms=5000)
        window.close()
