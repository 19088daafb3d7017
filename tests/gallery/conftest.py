"""Fixtures: a throw-away FLUXDESK_HOME with a generated library, and a gallery on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.core.library.store import Library
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.theme.palette import apply_theme

if TYPE_CHECKING:
    from fluxdesk.ui.main_window import MainWindow

from .factory import build_library

COUNT = 24


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # an OS trash, if any, stays here
    monkeypatch.delenv("FLUXDESK_API_KEY", raising=False)
    context = AppContext.create()
    yield context
    context.close()


@pytest.fixture
def library(ctx: AppContext) -> Iterator[Library]:
    lib = build_library(ctx.library_root, COUNT)
    yield lib
    lib.close()


@pytest.fixture
def gallery(qtbot, qapp: QApplication, ctx: AppContext, library: Library) -> Iterator[GalleryWidget]:  # type: ignore[no-untyped-def]
    apply_theme(qapp)
    widget = GalleryWidget(ctx, library=library, rescan_on_open=False)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # the grid's key shortcuts need an active window
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
    yield widget
    widget.shutdown()
    if widget.item_actions.viewer is not None:
        widget.item_actions.viewer.close()
    if widget.item_actions.compare_dialog is not None:
        widget.item_actions.compare_dialog.close()


@pytest.fixture
def main_window(qtbot, qapp: QApplication, ctx: AppContext, library: Library) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The whole window on the generated library, built, with every image listed."""
    from fluxdesk.ui.main_window import MainWindow

    apply_theme(qapp)
    win = MainWindow(ctx, check_key=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.built, timeout=10_000)
    gallery = win.gallery_view
    qtbot.waitUntil(lambda: gallery.model.rowCount() == COUNT, timeout=10_000)
    yield win
    # Let the start-up rescan finish before the window goes.
    qtbot.waitUntil(lambda: gallery.io_pool.activeThreadCount() == 0, timeout=10_000)
    win.queue.shutdown(timeout_ms=5000)
    win.close()
