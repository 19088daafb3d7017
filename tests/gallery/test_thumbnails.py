"""The thumbnail loader: results made for a file that changed meanwhile are not kept."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QThreadPool

from fluxdesk.ui.thumbnails import ThumbnailLoader


def test_a_result_for_a_forgotten_item_is_dropped_and_asked_again(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "a.png"
    Image.new("RGB", (640, 480), (200, 40, 40)).save(image)
    pool = QThreadPool()
    loader = ThumbnailLoader(tmp_path / "cache", pool=pool)
    loader.request(1, image)
    # The job reads the file and finishes; its result waits in the GUI thread's queue
    # (no events are processed here) while the file is deleted and the item forgotten.
    assert pool.waitForDone(10_000)
    image.unlink()
    loader.forget(1)
    with qtbot.waitSignal(loader.missing, timeout=10_000):
        pass  # the stale "ready" is dropped, the thumbnail asked for again: missing
    assert 1 in loader.missing_ids and loader.pixmap(1) is None
    loader.shutdown()
