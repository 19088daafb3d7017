"""The active project in the real window: the box beside the tabs and ``fluxdesk project
use`` (a real command-line process on the same library) follow each other."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from fluxdesk.core.library import projects
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.projects.active_box import NEW
from fluxdesk.ui.library.projects.dialogs import NameDialog
from fluxdesk.ui.main_window import MainWindow
from tests.e2e.clirun import run

from .helpers import row_of, rows

WATCH_TIMEOUT = 5000  # the window polls the index once a second


def _entries(win: MainWindow) -> list[str]:
    combo = win.project_box.combo
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)]


@pytest.mark.subprocess
def test_active_project_box_and_the_command_line_follow_each_other(
    qtbot, main_window: MainWindow, library: Library
) -> None:  # type: ignore[no-untyped-def]
    win = main_window
    box = win.project_box
    assert win.tabs.cornerWidget(Qt.Corner.TopRightCorner) is box and box.isVisible()
    assert box.combo.accessibleName() == "Active project" and box.combo.isEnabled()
    assert _entries(win) == ["No project", "New project…"] and box.active() == ""
    home = os.environ["FLUXDESK_HOME"]

    # Made on the command line: the window shows the new project, then the active one.
    done = run("project", "create", "Logo work", home=home)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: "Logo work" in _entries(win), timeout=WATCH_TIMEOUT)
    assert row_of(win.gallery_view.project_panel, "Logo work").text(1) == "0"  # in the list too
    done = run("project", "use", "Logo work", home=home)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: box.active() == "Logo work", timeout=WATCH_TIMEOUT)
    assert box.combo.currentText() == "Logo work"

    # Chosen in the window (on the Generate tab): the command line sees it.
    assert win.tabs.currentIndex() == 0
    box.choose("")
    done = run("project", "list", "--json", home=home)  # type: ignore[arg-type]
    assert '"active": false' in done.stdout and '"active": true' not in done.stdout
    box.choose("Logo work")
    assert projects.active_project(library) == "Logo work"

    # "New project…" asks for a name, creates it and makes it the active one.
    box.choose(NEW)
    dialog = box.dialog
    assert isinstance(dialog, NameDialog)
    qtbot.waitExposed(dialog)
    assert box.active() == "Logo work"  # until the new one exists
    qtbot.keyClicks(dialog.edit, "Posters")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert box.active() == "Posters" and _entries(win) == [
        "No project",
        "Logo work",
        "Posters",
        "New project…",
    ]
    done = run("project", "list", home=home)  # type: ignore[arg-type]
    assert done.returncode == 0 and "Posters" in done.stdout
    assert projects.active_project(library) == "Posters"

    # Deleted on the command line: the window goes back to no project.
    done = run("project", "delete", "Posters", home=home)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: box.active() == "" and "Posters" not in _entries(win), timeout=WATCH_TIMEOUT)


def test_the_list_follows_the_box(qtbot, main_window: MainWindow, library: Library) -> None:  # type: ignore[no-untyped-def]
    win = main_window
    projects.create(library, "Logo work")
    panel = win.gallery_view.project_panel
    panel.state.reload()
    win.project_box.choose("Logo work")
    assert row_of(panel, "Logo work").font(0).bold()
    panel.choose("Logo work")
    panel.choose("")
    panel.use_action.trigger()  # "Set as active project" on "No project"
    assert win.project_box.active() == "" and not row_of(panel, "Logo work").font(0).bold()


def test_a_project_deleted_elsewhere_leaves_the_list_on_all_images(
    qtbot, main_window: MainWindow, library: Library
) -> None:  # type: ignore[no-untyped-def]
    projects.create(library, "Posters")
    projects.move(library, [1, 2], "Posters")
    win = main_window
    panel = win.gallery_view.project_panel
    panel.state.reload()
    win.tabs.setCurrentIndex(1)
    panel.choose("Posters")
    assert win.gallery_view.model.total == 2
    with Library(library.root) as other:  # another process's connection (a second window, the CLI)
        projects.delete(other, "Posters")
    qtbot.waitUntil(lambda: panel.key() is None, timeout=WATCH_TIMEOUT)
    assert "Posters" not in [name for name, _count in rows(panel)]
    qtbot.waitUntil(lambda: win.gallery_view.model.total == library.count(), timeout=WATCH_TIMEOUT)
