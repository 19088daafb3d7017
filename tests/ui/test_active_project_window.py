"""A new image generated in the window goes into the active project: end to end against
the loopback sandbox, read back from the index and from the saved file's own block."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fluxdesk.core import metadata as md
from fluxdesk.core.library import projects
from fluxdesk.ui.generate import form as F
from fluxdesk.ui.main_window import MainWindow

TIMEOUT = 15_000


def test_images_generated_in_the_window_go_into_the_active_project(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    gallery = window.gallery_view
    qtbot.waitUntil(
        lambda: gallery.library is not None and window.project_box.combo.isEnabled(), timeout=TIMEOUT
    )
    library = gallery.library
    assert library is not None
    projects.create(library, "Logo work")
    gallery.project_panel.state.reload()
    window.project_box.choose("Logo work")

    window.form.set_value(F.NUM_IMAGES, 2)
    qtbot.keyClicks(window.form_panel.prompt, "a logo of a fox")
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT):
        qtbot.mouseClick(window.generate_button, Qt.MouseButton.LeftButton)
    paths = [card.path for card in window.result_view.cards()]
    assert len(paths) == 2
    for path in paths:
        record = md.read_file(path)
        assert record is not None and record.project == "Logo work"
    saved = library.items()
    assert {item.path for item in saved} == set(paths) and {item.project for item in saved} == {"Logo work"}
    # The Library's list counts them.
    window.tabs.setCurrentIndex(1)
    panel = gallery.project_panel
    assert panel.state.count_of("Logo work") == 2  # counted as soon as they were saved
    panel.choose("Logo work")
    qtbot.waitUntil(lambda: gallery.model.total == 2, timeout=TIMEOUT)  # (one stack: the batch)

    # Back to no project: the next image is in none.
    window.project_box.choose("")
    window.form.set_value(F.NUM_IMAGES, 1)
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.generate_button.isVisible() and window.generate_button.isEnabled())
    with qtbot.waitSignal(window.image_saved, timeout=TIMEOUT):
        window.generate_button.click()  # (a second QTest click here reads as a double click)
    (newest,) = [item for item in library.items() if item.path not in paths]  # (same second: any order)
    assert newest.project == ""
    record = md.read_file(newest.path)
    assert record is not None and record.project == ""
