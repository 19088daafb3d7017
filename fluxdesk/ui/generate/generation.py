"""A generation job's work, as it runs in a worker, and its output decoded for display.

``generation_work`` makes the function a job runs off the GUI thread (through
``ui/tasks.run_reporting_task``): client set-up, the POST, parallel downloads, saving
(all inside core ``generate``, reporting its progress), then decoding each saved file
into a ``QImage`` plus a display-sized thumbnail. It never touches a widget; the GUI
thread turns the images into pixmaps when the results arrive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import BadImageError
from fluxdesk.core.request import GenerationRequest
from fluxdesk.core.results import GenerationResult, Progress, SavedImage

if TYPE_CHECKING:
    from fluxdesk.core.client import ApiClient

THUMB_SIDE = 768  # result cards show at most this many logical pixels per side


def thumb_side_for(device_pixel_ratio: float) -> int:
    """The result cards' thumbnail side on a screen with this ratio: on a 200 % screen a
    768 px card shows 1536 screen pixels, and a 768 px thumbnail would be drawn soft."""
    return math.ceil(THUMB_SIDE * max(1.0, device_pixel_ratio))


@dataclass(frozen=True)
class DecodedImage:
    """A saved image decoded off the GUI thread, with its thumbnail."""

    saved: SavedImage
    image: QImage  # full resolution, in a pixmap-friendly format
    thumb: QImage  # at most thumb_side_for(the screen's ratio) per side


@dataclass(frozen=True)
class JobOutput:
    """A job's result with its images decoded for display."""

    result: GenerationResult
    images: tuple[DecodedImage, ...]


# What a job runs in a worker: it reports Progress and returns the JobOutput.
JobWork = Callable[[Callable[[Progress], None]], JobOutput]


def decode_image(path: str) -> QImage:
    """Read an image file into a QImage ready for ``QPixmap.fromImage`` (no conversion)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        raise BadImageError(f"{path} could not be decoded ({reader.errorString()})")
    fmt = QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    return image if image.format() == fmt else image.convertToFormat(fmt)


def make_thumb(image: QImage, side: int = THUMB_SIDE) -> QImage:
    if image.width() <= side and image.height() <= side:
        return image
    return image.scaled(
        QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def decode_result(result: GenerationResult, thumb_side: int = THUMB_SIDE) -> JobOutput:
    decoded = []
    for saved in result.images:
        image = decode_image(str(saved.path))
        decoded.append(DecodedImage(saved=saved, image=image, thumb=make_thumb(image, thumb_side)))
    return JobOutput(result=result, images=tuple(decoded))


def generation_work(
    request: GenerationRequest,
    make_client: Callable[[], ApiClient],
    make_sink: Callable[[], Any],
    cancel: CancelToken,
    thumb_side: int = THUMB_SIDE,
) -> JobWork:
    """The work of one job: generate ``request``, save, decode for display; everything it
    raises goes back to the queue as the job's error (a message, never a traceback)."""

    def work(report: Callable[[Progress], None]) -> JobOutput:
        from fluxdesk.core.generate import generate  # heavy (requests, PIL): lazily

        client = make_client()
        sink = make_sink()
        result = generate(request, client, sink, cancel=cancel, on_progress=report)
        cancel.raise_if_cancelled()
        return decode_result(result, thumb_side)

    return work
