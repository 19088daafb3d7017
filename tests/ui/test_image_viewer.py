"""The viewer's keyboard zoom keeps what is in the middle of the view in the middle."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage

from fluxdesk.ui.image_viewer import ImageViewer, ViewerWindow

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
