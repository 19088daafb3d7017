"""Drop an image file anywhere on the window: its embedded settings fill the form (FluxDesk's
own, or what maps onto flux-realism from A1111/Forge, ComfyUI, InvokeAI and Fooocus images,
read by ``core/interop/readers.py``; what does not map is named in the message).

An image without our metadata is normal (a photo, a screenshot, a file whose metadata
an app stripped), so it gets an explanation in the message bar, never an error dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.messages import Severity, UserMessage

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"}


def request_from_file(path: Path) -> tuple[GenerationRequest | None, UserMessage]:
    """The request ``path`` carries (FluxDesk's own, or what maps onto flux-realism from
    A1111/Forge, ComfyUI, InvokeAI, Fooocus or XMP) and a message saying what happened."""
    from fluxdesk.core.interop.readers import SOURCE_NAMES, UnreadableImage, read_image
    from fluxdesk.core.request import build_request

    name = path.name
    try:
        reading = read_image(path)
    except UnreadableImage as exc:
        if "neither PNG nor JPEG" in str(exc):
            text = f"{name} is not a PNG or JPEG image, so it cannot carry settings."
        else:
            text = f"{name}: {exc}."
        return None, UserMessage("No settings to use", text, Severity.INFO)
    if reading.source == "fluxdesk":
        try:
            request = reading.record.to_request(with_seed=True)
        except ValueError as exc:
            return None, UserMessage(
                "These settings cannot be used",
                f"{name} was made with settings this version does not accept ({exc}).",
                Severity.WARNING,
            )
        return request, UserMessage(
            "Settings loaded from a dropped image",
            f"The form now holds the settings of {name} (seed {reading.record.seed}).",
            Severity.INFO,
        )
    request = None
    if reading.request is not None:
        request, _ = build_request(reading.request)
    if request is None:
        damaged = f" ({reading.notes[0]})" if reading.notes else ""
        return None, UserMessage(
            "No FluxDesk settings in this image",
            f"{name} carries no FluxDesk metadata and no prompt from A1111/Forge, ComfyUI, "
            f"InvokeAI or Fooocus{damaged}: it was made elsewhere, or an app or website "
            "removed its metadata when saving or sharing it. The form was left as it was.",
            Severity.INFO,
        )
    source = SOURCE_NAMES[reading.source or ""]
    unmapped = f" Not used by flux-realism: {'; '.join(reading.unmapped)}." if reading.unmapped else ""
    return request, UserMessage(
        f"Settings loaded from {'an' if source[0] in 'AEIOU' else 'a'} {source} image",
        f"The form now holds what {name} says that flux-realism can use.{unmapped}",
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
