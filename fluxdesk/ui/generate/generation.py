"""A generation job's work, as it runs in a worker, and its output decoded for display.

``generation_work`` makes the function a job runs off the GUI thread (through
``ui/tasks.run_reporting_task``): client set-up, the POST, parallel downloads, saving
(all inside core ``generate``, reporting its progress), then decoding each saved file
into a display-sized thumbnail. It never touches a widget; the GUI thread turns the
thumbnails into pixmaps when the results arrive.

A window open all day must not grow with every job: a finished job keeps only its
records (paths, sizes, seed). Thumbnails live in one cache bounded in bytes (the recent
jobs'), and the full image is read from disk when it is needed (viewer, clipboard);
both come back from the file on demand.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import BadImageError
from fluxdesk.core.generation.results import GenerationResult, Progress, SavedImage
from fluxdesk.core.request import GenerationRequest

if TYPE_CHECKING:
    from fluxdesk.core.generation.results import GenerationClient

THUMB_SIDE = 768  # result cards show at most this many logical pixels per side
# The thumbnails kept for the recent jobs: a 1024×768 card is 1.7 MB (6.8 MB at 200 %),
# so this holds the last two or three jobs; older ones are read from their files again
# (~20 ms for a 1024×768 JPEG) when picked in the job list.
THUMB_CACHE_BYTES = 16 * 1024 * 1024


def thumb_side_for(device_pixel_ratio: float) -> int:
    """The result cards' thumbnail side on a screen with this ratio: on a 200 % screen a
    768 px card shows 1536 screen pixels, and a 768 px thumbnail would be drawn soft."""
    return math.ceil(THUMB_SIDE * max(1.0, device_pixel_ratio))


class ThumbCache:
    """Thumbnails by (file, side), least recently used first out, at most ``max_bytes``
    of pixels in all. Thread-safe: workers put, the GUI thread gets."""

    def __init__(self, max_bytes: int = THUMB_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[Path, int], QImage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, path: Path, side: int) -> QImage | None:
        with self._lock:
            image = self._items.get((path, side))
            if image is not None:
                self._items.move_to_end((path, side))
            return image

    def put(self, path: Path, side: int, image: QImage) -> None:
        size = image.sizeInBytes()
        with self._lock:
            old = self._items.pop((path, side), None)
            if old is not None:
                self._bytes -= old.sizeInBytes()
            if size > self.max_bytes:
                return
            self._items[(path, side)] = image
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped.sizeInBytes()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


THUMBS = ThumbCache()


class DecodedImage:
    """A saved image of a job: its record, with its pixels read from the file on demand.

    Nothing full-size is kept: ``thumb`` comes from the bounded THUMBS cache (or the file
    again), ``image`` is decoded from the file on each call (the viewer, the clipboard).
    """

    __slots__ = ("saved", "thumb_side")

    def __init__(self, saved: SavedImage, thumb_side: int = THUMB_SIDE, thumb: QImage | None = None) -> None:
        self.saved = saved
        self.thumb_side = thumb_side
        if thumb is not None:
            THUMBS.put(saved.path, thumb_side, thumb)

    @property
    def image(self) -> QImage:
        """Full resolution, in a pixmap-friendly format (read now, not kept)."""
        return decode_image(str(self.saved.path))

    @property
    def thumb(self) -> QImage:
        """At most ``thumb_side`` per side; a null image when the file is gone or damaged."""
        cached = THUMBS.get(self.saved.path, self.thumb_side)
        if cached is not None:
            return cached
        try:
            thumb = make_thumb(decode_image(str(self.saved.path)), self.thumb_side)
        except BadImageError:
            return QImage()
        THUMBS.put(self.saved.path, self.thumb_side, thumb)
        return thumb


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
    """Check each saved file decodes and put its thumbnail into the cache (off the GUI
    thread, so showing the job costs no decoding); the full images are not kept."""
    decoded = []
    for saved in result.images:
        thumb = make_thumb(decode_image(str(saved.path)), thumb_side)
        decoded.append(DecodedImage(saved, thumb_side, thumb))
    return JobOutput(result=result, images=tuple(decoded))


def generation_work(
    request: GenerationRequest,
    make_client: Callable[[], GenerationClient],
    make_sink: Callable[[], Any],
    cancel: CancelToken,
    thumb_side: int = THUMB_SIDE,
) -> JobWork:
    """The work of one job: generate ``request``, save, decode for display; everything it
    raises goes back to the queue as the job's error (a message, never a traceback)."""

    def work(report: Callable[[Progress], None]) -> JobOutput:
        from fluxdesk.core.generation.generate import generate  # heavy (requests, PIL): lazily

        client = make_client()
        sink = make_sink()
        result = generate(request, client, sink, cancel=cancel, on_progress=report)
        cancel.raise_if_cancelled()
        return decode_result(result, thumb_side)

    return work
