"""Drop an image file anywhere on the window: its embedded FluxDesk settings fill the form.

An image without our metadata is normal (a photo, a screenshot, a file whose metadata
an app stripped), so it gets an explanation in the message bar, never an error dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from fluxdesk.core import metadata as md
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.messages import Severity, UserMessage

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"}


def request_from_file(path: Path) -> tuple[GenerationRequest | None, UserMessage]:
    """The request embedded in ``path`` and a message saying what happened."""
    name = path.name
    try:
        meta = md.read_file(path)
    except OSError as exc:
        return None, UserMessage(
            "Cannot read the dropped file", f"{name}: {exc.strerror or exc}.", Severity.WARNING
        )
    except ValueError as exc:
        if "not a PNG or JPEG" in str(exc):
            text = f"{name} is not a PNG or JPEG image, so it cannot carry FluxDesk settings."
        else:
            text = f"{name} has FluxDesk settings, but they are damaged ({exc}). Nothing was changed."
        return None, UserMessage("No settings to use", text, Severity.INFO)
    if meta is None:
        return None, UserMessage(
            "No FluxDesk settings in this image",
            f"{name} carries no FluxDesk metadata: it was made elsewhere, or an app or website "
            "removed its metadata when saving or sharing it. The form was left as it was.",
            Severity.INFO,
        )
    try:
        request = meta.to_request(with_seed=True)
    except ValueError as exc:
        return None, UserMessage(
            "These settings cannot be used",
            f"{name} was made with settings this version does not accept ({exc}).",
            Severity.WARNING,
        )
    return request, UserMessage(
        "Settings loaded from a dropped image",
        f"The form now holds the settings of {name} (seed {meta.seed}).",
        Severity.INFO,
    )


def dropped_image(mime: QMimeData) -> Path | None:
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in IMAGE_SUFFIXES:
                return path
    return None


class ImageDropFilter(QObject):
    """An event filter that makes ``target`` accept image-file drops."""

    def __init__(
        self,
        target: QWidget,
        on_request: Callable[[GenerationRequest, UserMessage], None],
        on_message: Callable[[UserMessage], None],
    ) -> None:
        super().__init__(target)
        self.on_request = on_request
        self.on_message = on_message
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if dropped_image(event.mimeData()) is not None:
                event.acceptProposedAction()
                return True
            return False
        if isinstance(event, QDropEvent):
            path = dropped_image(event.mimeData())
            if path is None:
                return False
            event.acceptProposedAction()
            self.handle(path)
            return True
        return False

    def handle(self, path: Path) -> GenerationRequest | None:
        request, message = request_from_file(path)
        if request is not None:
            self.on_request(request, message)
        else:
            self.on_message(message)
        return request
