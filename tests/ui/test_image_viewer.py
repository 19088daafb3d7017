"""The viewer's keyboard zoom keeps what is in the middle of the view in the middle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage

from fluxdesk.ui.widgets.image_viewer import ImageViewer, ViewerWindow

IMAGE_CENTRE = QPointF(768, 512)


def _centre(view: ImageViewer) -> QPointF:
    to_scene, _ = view.viewportTransform().inverted()
    return to_scene.map(QRectF(view.viewport().rect()).center())


def _assert_near(view: ImageViewer, point: QPointF, expected: QPointF) -> None:
    """Within two screen pixels (scrolling moves in whole pixels)."""
    tolerance = 2 / view.scale_factor
    assert abs(point.x() - expected.x()) <= tolerance and abs(point.y() - expected.y()) <= tolerance, (
        point,
        expected,
        view.scale_factor,
    )


def test_keyboard_zoom_from_fit_keeps_the_centre(qtbot) -> None:  # type: ignore[no-untyped-def]
    image = QImage(1536, 1024, QImage.Format.Format_RGB32)
    image.fill(QColor("#808080"))
    window = ViewerWindow()
    qtbot.addWidget(window)
    window.resize(900, 700)
    window.show_image(image, "test")
    qtbot.waitExposed(window)
    view = window.viewer
    qtbot.waitUntil(lambda: view.scale_factor == pytest.approx(view.fit_scale()))
    for _ in range(4):  # from fit to beyond 1:1, as + does
        before = _centre(view)
        window.zoom_in_action.trigger()
        _assert_near(view, _centre(view), before)
    window.actual_action.trigger()
    # Whole-pixel scrolling adds up to a few pixels over many steps, never a jump.
    centre = _centre(view)
    assert abs(centre.x() - IMAGE_CENTRE.x()) < 10 and abs(centre.y() - IMAGE_CENTRE.y()) < 10
    # Panned away (not to the very edge, where the view stops), zooming keeps the new centre.
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum() // 3)
    before = _centre(view)
    window.zoom_out_action.trigger()
    _assert_near(view, _centre(view), before)


HIDPI_CHILD = """
import sys
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from fluxdesk.ui.widgets.image_viewer import ViewerWindow
app = QApplication(sys.argv[:1])
image = QImage(64, 64, QImage.Format.Format_RGB32)
for y in range(64):
    for x in range(64):  # one-pixel checkerboard: any resampling shows
        image.setPixelColor(x, y, QColor("white" if (x + y) % 2 else "black"))
window = ViewerWindow()
window.resize(500, 400)
window.show_image(image, "hidpi")
window.show()
for _ in range(30):
    app.processEvents()
window.actual_action.trigger()
for _ in range(10):
    app.processEvents()
view = window.viewer
shot = view.viewport().grab().toImage()  # in screen pixels
centre_x, centre_y = shot.width() // 2, shot.height() // 2
row = [shot.pixelColor(centre_x + i, centre_y).lightness() for i in range(-8, 8)]
print(view.pixel_ratio(), view.scale_factor, window.size_label.text().split()[-1], row)
"""


def test_one_to_one_is_one_image_pixel_per_screen_pixel_on_a_200_percent_screen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import itertools
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_SCALE_FACTOR="2", FLUXDESK_HOME=str(tmp_path))
    command = [sys.executable, "-c", HIDPI_CHILD]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ratio, scale, percent, row = done.stdout.strip().split(" ", 3)
    assert (float(ratio), float(scale), percent) == (2.0, 0.5, "100%")
    values = [int(v) for v in row.strip("[]").split(",")]
    # Neighbouring screen pixels alternate black and white: not 2×2 blocks, not blurred.
    assert all(v in (0, 255) for v in values), values
    assert all(a != b for a, b in itertools.pairwise(values)), values


def test_viewer_toolbar_saves_and_copies_the_original_file(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    source = tmp_path / "fox_42.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(source))
    window = ViewerWindow()
    qtbot.addWidget(window)
    window.show_image(QImage(), "nothing")
    assert not window.save_action.isEnabled() and not window.copy_action.isEnabled()
    window.show_image(image, source.name, source)
    window.show()
    qtbot.waitExposed(window)
    texts = [a.text() for a in window.toolbar.actions()]
    assert "Save as…" in texts and "Copy" in texts
    assert window.save_action.isEnabled() and window.copy_action.isEnabled()
    target = tmp_path / "out" / "copy.png"
    target.parent.mkdir()
    assert window.save_to(target) == target and target.read_bytes() == source.read_bytes()
    window.copy_action.trigger()
    mime = QGuiApplication.clipboard().mimeData()
    assert [u.toLocalFile() for u in mime.urls()] == [str(source)]
    assert QGuiApplication.clipboard().image().size() == image.size()
