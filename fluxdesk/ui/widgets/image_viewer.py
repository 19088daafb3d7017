"""A zoomable, pannable image view (stored zoom mode, clamped scale) and its window."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QNativeGestureEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGestureEvent,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QMessageBox,
    QPinchGesture,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.ui.theme.palette import set_role

MIN_SCALE = 0.05
MAX_SCALE = 16.0
STEP = 1.25
FIT = "fit"
BACKDROP = "#26282c"  # neutral grey in both schemes: judges colour well (also compare's)


def clamp_scale(scale: float) -> float:
    return max(MIN_SCALE, min(MAX_SCALE, scale))


class ImageViewer(QGraphicsView):
    """Wheel/pinch/keys zoom, drag/scroll pan. The zoom *mode* (fit or a scale) is kept
    and re-applied on resize, so "fit" stays fitted when the window changes size."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAccessibleName("Image viewer")
        self._scene = QGraphicsScene(self)
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._scene.addItem(self._item)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(BACKDROP))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.mode: str | float = FIT

    # --- content ------------------------------------------------------------------------
    def set_image(self, image: QImage | QPixmap) -> None:
        pixmap = image if isinstance(image, QPixmap) else QPixmap.fromImage(image)
        self._item.setPixmap(pixmap)
        self._scene.setSceneRect(QRectF(pixmap.rect()))
        self.apply_mode()

    def image_size(self) -> tuple[int, int]:
        pm = self._item.pixmap()
        return pm.width(), pm.height()

    # --- zoom ---------------------------------------------------------------------------
    @property
    def scale_factor(self) -> float:
        return self.transform().m11()

    def fit_scale(self) -> float:
        w, h = self.image_size()
        if not w or not h:
            return 1.0
        vp = self.viewport().size()
        return clamp_scale(min(vp.width() / w, vp.height() / h))

    def apply_mode(self) -> None:
        target = self.fit_scale() if self.mode == FIT else float(self.mode)
        self._set_scale(target)

    def _set_scale(self, scale: float) -> None:
        scale = clamp_scale(scale)
        current = self.scale_factor
        if current > 0 and abs(scale - current) > 1e-9:
            factor = scale / current
            self.scale(factor, factor)  # relative: the transformation anchor is honoured
        self.zoom_changed.emit(scale)

    def set_zoom(self, scale: float) -> None:
        """Set an explicit scale (leaves fit mode), keeping the view centre still."""
        self.mode = clamp_scale(scale)
        # Centred by hand: Qt's AnchorViewCenter re-centres on the last point the view was
        # *scrolled* to, which from "fit" (nothing to scroll) is the image's top-left corner.
        to_scene, _ = self.viewportTransform().inverted()
        centre = to_scene.map(QRectF(self.viewport().rect()).center())  # (not rounded to a pixel)
        old = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self._set_scale(self.mode)
        self.setTransformationAnchor(old)
        self.centerOn(centre)

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.scale_factor * factor)

    def zoom_in(self) -> None:
        self.zoom_by(STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / STEP)

    def fit(self) -> None:
        self.mode = FIT
        self.apply_mode()

    def pixel_ratio(self) -> float:
        """Screen pixels per logical pixel where the view is (2.0 on a 200 % screen)."""
        return self.viewport().devicePixelRatioF() or 1.0

    def actual_size(self) -> None:
        """1:1: one image pixel on one screen pixel (on a 200 % screen, half the logical
        scale: at 1.0 each image pixel would cover 2×2 screen pixels and look soft)."""
        self.set_zoom(1.0 / self.pixel_ratio())

    # --- events -------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        # Touchpads scroll (pixel deltas) → pan; a mouse wheel or Ctrl+scroll → zoom.
        if not ctrl and (
            not event.pixelDelta().isNull() or event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if steps:
            self.mode = clamp_scale(self.scale_factor * STEP**steps)
            self._set_scale(float(self.mode))  # AnchorUnderMouse keeps the point under the cursor
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if (
            isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.mode = clamp_scale(self.scale_factor * (1 + event.value()))
            self._set_scale(float(self.mode))
            return True
        if event.type() == QEvent.Type.Gesture and isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                self.mode = clamp_scale(self.scale_factor * pinch.scaleFactor())
                self._set_scale(float(self.mode))
                return True
        return super().viewportEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.mode == FIT:
            self.apply_mode()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.apply_mode()


class ViewerWindow(QWidget):
    """A top-level window around :class:`ImageViewer`: toolbar, pixel size, full screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("viewerWindow")
        self.setWindowTitle("FluxDesk — Viewer")
        self.viewer = ImageViewer()
        self.toolbar = QToolBar("Viewer")
        self.toolbar.setObjectName("viewerToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.size_label = QLabel()
        self.size_label.setObjectName("pixelSizeLabel")
        set_role(self.size_label, "hint")
        self.size_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        def add(text: str, keys: list[QKeySequence], slot: object, tip: str) -> QAction:
            action = QAction(text, self)
            action.setShortcuts(keys)
            action.setToolTip(f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})")
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            # A screen reader reads the button's name: "Zoom out", not "−"; "Actual pixels", not "1:1".
            button = self.toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(tip)
            self.addAction(action)
            return action

        std = QKeySequence.StandardKey
        self.zoom_out_action = add(
            "−", [QKeySequence(std.ZoomOut), QKeySequence("-")], self.viewer.zoom_out, "Zoom out"
        )
        self.zoom_in_action = add(
            "+",
            [QKeySequence(std.ZoomIn), QKeySequence("+"), QKeySequence("=")],
            self.viewer.zoom_in,
            "Zoom in",
        )
        self.fit_action = add("Fit", [QKeySequence("F"), QKeySequence("0")], self.viewer.fit, "Fit to window")
        self.actual_action = add("1:1", [QKeySequence("1")], self.viewer.actual_size, "Actual pixels")
        self.full_action = add(
            "Full screen",
            [QKeySequence(std.FullScreen), QKeySequence("F11")],
            self.toggle_full_screen,
            "Full screen",
        )
        self.toolbar.addSeparator()
        # The file's own actions: the original bytes, as the window's Save as and Copy.
        self.save_action = add("Save as…", [QKeySequence(std.Save)], self.save_as_dialog, "Save the image as")
        self.copy_action = add("Copy", [QKeySequence(std.Copy)], self.copy_image, "Copy the image")
        self.path: Path | None = None
        self.save_action.setEnabled(False)
        self.copy_action.setEnabled(False)
        close = QAction("Close", self)
        close.setShortcuts([QKeySequence(Qt.Key.Key_Escape)])
        close.triggered.connect(self._escape)
        self.addAction(close)
        self.toolbar.addWidget(self.size_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.viewer, 1)
        self.viewer.zoom_changed.connect(self._update_label)
        self.resize(1100, 800)

    def show_image(self, image: QImage | QPixmap, title: str = "", path: Path | None = None) -> None:
        """Show ``image``; with the ``path`` of its file, Save as and Copy work on it."""
        self.viewer.mode = FIT
        self.viewer.set_image(image)
        if title:
            self.setWindowTitle(f"{title} — FluxDesk")
        self.path = path
        self.save_action.setEnabled(path is not None)
        self.copy_action.setEnabled(path is not None)
        self._update_label(self.viewer.scale_factor)

    def save_as_dialog(self) -> Path | None:
        if self.path is None:
            return None
        suffix = self.path.suffix.lstrip(".")
        target, _ = QFileDialog.getSaveFileName(
            self, "Save image as", str(Path.home() / self.path.name), f"Image (*.{suffix})"
        )
        return self.save_to(Path(target)) if target else None

    def save_to(self, target: Path) -> Path | None:
        """A byte-for-byte copy of the file (its metadata included), in the user's mode."""
        if self.path is None:
            return None
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            QMessageBox.warning(self, "Save image as", f"Cannot save {target.name}: {exc.strerror or exc}.")
            return None
        return target

    def copy_image(self) -> None:
        """The image and its file: pasted into an image editor or a file manager alike."""
        if self.path is None:
            return
        mime = QMimeData()
        mime.setImageData(QImage(str(self.path)))
        mime.setUrls([QUrl.fromLocalFile(str(self.path))])
        QGuiApplication.clipboard().setMimeData(mime)

    def _update_label(self, scale: float) -> None:
        w, h = self.viewer.image_size()
        mode = "Fit · " if self.viewer.mode == FIT else ""
        percent = scale * self.viewer.pixel_ratio() * 100  # of screen pixels: 100 % is 1:1
        self.size_label.setText(f"{w} × {h} px   {mode}{percent:.0f}%  ")

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def _escape(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.close()
