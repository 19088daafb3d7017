"""The thumbnail loader: results made for a file that changed meanwhile are not kept;
thumbnails as sharp as the screen shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QThreadPool

from fluxdesk.core.library.thumbnail_cache import THUMB_SIDE, side_for
from fluxdesk.ui.library.thumbnails import ThumbnailLoader


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


def test_thumbnail_sides_follow_the_screen() -> None:
    assert side_for(176, 1.0) == THUMB_SIDE  # room to spare on a 1x screen
    assert side_for(176, 1.5) == 320  # 264 px needed, in 64 px steps
    assert side_for(176, 2.0) == 384  # 352 px needed
    assert side_for(176, 0.5) == THUMB_SIDE


HIDPI_GALLERY = """
import sys
from pathlib import Path
from PIL import Image
from PySide6.QtWidgets import QApplication
from fluxdesk.core.context import AppContext
from fluxdesk.ui.library.gallery import GalleryWidget
from fluxdesk.ui.library.thumbnails import render_thumbnail
app = QApplication(sys.argv[:1])
gallery = GalleryWidget(AppContext.create(), rescan_on_open=False)
image = Path(sys.argv[1])
Image.new("RGB", (1536, 1024), (90, 120, 200)).save(image)
thumb = render_thumbnail(image, gallery.loader.side)
print(gallery.loader.side, thumb.width(), flush=True)
"""


def test_a_2x_screen_gets_thumbnails_twice_as_sharp(tmp_path: Path) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR="2", FLUXDESK_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-c", HIDPI_GALLERY, str(tmp_path / "wide.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["384", "384"]  # a 176 px row is 352 device pixels
