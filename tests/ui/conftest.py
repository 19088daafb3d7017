"""Fixtures for the window tests: a throw-away FLUXDESK_HOME and the real in-process sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme.palette import apply_theme


@pytest.fixture
def fd_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("FLUXDESK_HOME", str(home))
    monkeypatch.delenv("FLUXDESK_API_KEY", raising=False)
    monkeypatch.delenv("FLUXDESK_BASE_URL", raising=False)
    return home


@pytest.fixture
def ctx(fd_home: Path) -> Iterator[AppContext]:
    context = AppContext.create(use_sandbox=True, inference_delay=0.05)
    yield context
    context.close()


@pytest.fixture
def fake_ctx(fd_home: Path) -> Iterator[AppContext]:
    """A context whose jobs use the sandbox's in-process fake client (no sockets, no server
    threads): for window tests where the HTTP path is not what is under test. A test
    module takes it with ``def ctx(fake_ctx)``; the fake is ``fake_ctx.client_factory()``."""
    from fluxdesk.sandbox.fake import FakeClient

    fake = FakeClient(inference_delay=0.05)
    context = AppContext.create()
    context.client_factory = lambda: fake
    yield context
    context.close()


@pytest.fixture
def window(qtbot, qapp: QApplication, ctx: AppContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    apply_theme(qapp)
    win = MainWindow(ctx, use_sandbox=ctx.client_factory is None, check_key=False)
    qtbot.addWidget(win)
    win.resize(1280, 820)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.built, timeout=3000)  # the rest is built right after the first frame
    win.activateWindow()  # shortcuts (Ctrl+Return, Esc) need the active window
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    yield win
    win.queue.shutdown(timeout_ms=5000)
    if win.viewer is not None:
        win.viewer.close()
