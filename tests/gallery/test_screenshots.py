"""Screenshots of the Library tab under Xvfb for a designer's eye: ``screenshots/`` (gitignored).

Opt-in (``pytest --screenshots``); each picture is checked not to be blank."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from fluxdesk.ui.library.gallery import GalleryWidget

OUT = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.mark.screenshots
def test_screenshots(qtbot, gallery: GalleryWidget, picture_check) -> None:  # type: ignore[no-untyped-def]
    OUT.mkdir(exist_ok=True)
    items = [gallery.model.item(r) for r in range(12)]
    ids = [i.id for i in items if i]
    gallery.save_review(ids[1], {"favourite": True, "rating": 4, "notes": "warmer", "tags": ["client A"]})
    gallery.save_review(ids[4], {"rating": 2})
    for r in range(12):
        gallery.model.data(gallery.model.index(r), Qt.ItemDataRole.UserRole + 2)  # asks for thumbnails
    qtbot.waitUntil(lambda: all(gallery.loader.pixmap(i) for i in ids), timeout=10_000)
    gallery.select_ids([ids[1]])
    qtbot.wait(50)
    assert gallery.grab().save(str(OUT / "gallery.png"))
    picture_check(OUT / "gallery.png")
    assert gallery.details.grab().save(str(OUT / "gallery-details.png"))
    picture_check(OUT / "gallery-details.png")

    gallery.select_ids([ids[1], ids[2]])
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    assert dialog.grab().save(str(OUT / "compare.png"))
    picture_check(OUT / "compare.png")
    dialog.set_mode(1)
    dialog.slider.setValue(380)
    qtbot.wait(50)
    assert dialog.grab().save(str(OUT / "compare-swipe.png"))
    picture_check(OUT / "compare-swipe.png")

    sheet = OUT / "contact-sheet.png"
    gallery.select_ids(ids[:8])
    with qtbot.waitSignal(gallery.sheet_exported, timeout=10_000):
        gallery.item_actions.export_contact_sheet(gallery.selected_items(), sheet, title="Review · 8 images")
    with Image.open(sheet) as im:
        assert im.width > 1000
