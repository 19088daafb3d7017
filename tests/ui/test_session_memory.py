"""A window open all day must not grow with every generation (issue 19, class 6).

Thirty-two generations of a 1024×768 image in one real window: a finished job keeps no
pixels of its own (the full image is read from its file when needed, thumbnails live in
one cache bounded in bytes), so the live QImages stay bounded and the process's resident
memory stays flat. It grew by ~5 MB per image before.
"""

from __future__ import annotations

import gc
import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from fluxdesk.ui.generate.generation import THUMB_CACHE_BYTES, THUMBS
from fluxdesk.ui.generate.jobs import JobState
from fluxdesk.ui.main_window import MainWindow

JOBS = 32
WARM_UP = 12  # the thumbnail cache is full by then
MIB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def live_qimages() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, QImage) and not obj.isNull())


def test_many_generations_in_one_window_keep_memory_flat(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(window.form_panel.prompt, "memory: a lighthouse at dusk")
    sizes: dict[int, int] = {}
    for n in range(1, JOBS + 1):
        with qtbot.waitSignal(window.image_saved, timeout=15_000) as blocker:
            qtbot.mouseClick(window.generate_button, Qt.MouseButton.LeftButton)
        assert blocker.args[0].state is JobState.DONE
        qtbot.wait(10)  # the cards of the previous job are deleted (deleteLater)
        if n in (WARM_UP, JOBS):
            gc.collect()
            sizes[n] = rss()
    done = [job for job in window.queue.jobs if job.state is JobState.DONE]
    assert len(done) >= WARM_UP
    # Structure: finished jobs hold records, not pixels; the cache keeps to its bound.
    assert THUMBS.bytes <= THUMB_CACHE_BYTES
    assert live_qimages() <= len(THUMBS) + 8
    card = window.result_view.cards()[0]
    assert card.decoded.image.size().width() == 1024  # the full image, read again on demand
    # And the process: ~5 MB per image before (about 100 MB over these 20 jobs).
    growth = sizes[JOBS] - sizes[WARM_UP]
    assert growth < 30 * MIB, f"grew {growth / MIB:.1f} MiB over {JOBS - WARM_UP} generations"
