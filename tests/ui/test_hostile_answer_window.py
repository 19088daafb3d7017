"""The window against a hostile API: more images than were asked for are not saved, and
the status line says so."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from fluxdesk.core.context import AppContext
from fluxdesk.ui.main_window import MainWindow
from tests.hostile.server import HostileServer, file_route


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (512, 512), (30, 160, 90)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def test_extra_images_are_not_saved_and_the_status_line_says_so(  # type: ignore[no-untyped-def]
    qtbot, qapp: QApplication, fd_home: Path, server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.answer({"images": [{"url": server.url(f"/img/{i}.png")} for i in range(40)], "seed": 77})
    for i in range(40):
        server.routes[f"/img/{i}.png"] = file_route(png())
    monkeypatch.setenv("FLUXDESK_BASE_URL", server.base_url)
    monkeypatch.setenv("FLUXDESK_API_KEY", "sk-hostile-test")
    ctx = AppContext.create(use_sandbox=False)
    win = MainWindow(ctx, use_sandbox=False, check_key=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=3000)
    try:
        qtbot.keyClicks(win.form_panel.prompt, "a fox")
        with qtbot.waitSignal(win.image_saved, timeout=15_000):
            win.generate_button.click()
        assert len(win.result_view.cards()) == 1
        assert (
            len(list((fd_home / "library").rglob("*.jpg"))) + len(list((fd_home / "library").rglob("*.png")))
            == 1
        )
        note = "The API listed 40 images for a request of 1; FluxDesk saved the first 1 and ignored the rest."
        assert win.status_label.text().endswith(note) and win.status_label.toolTip() == note
    finally:
        win.queue.shutdown(timeout_ms=5000)
        ctx.close()
