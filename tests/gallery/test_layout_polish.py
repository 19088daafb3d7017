"""Compare table without an empty band; contact-sheet detail lines wrap instead of eliding."""

from __future__ import annotations

from PIL import Image, ImageDraw

from fluxdesk.core.contact_sheet import DETAIL_SIZE, font, wrap_details
from fluxdesk.ui.gallery import GalleryWidget


def test_compare_table_is_as_tall_as_its_rows(qtbot, gallery: GalleryWidget) -> None:  # type: ignore[no-untyped-def]
    ids = [i.id for i in (gallery.model.item(r) for r in range(2)) if i]
    gallery.select_ids(ids)
    dialog = gallery.compare_selected()
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
