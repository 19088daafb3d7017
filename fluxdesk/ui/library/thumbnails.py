"""Thumbnails for the gallery: made off the GUI thread, cached on disk and in memory.

Workers (``QRunnable`` in a dedicated pool) only ever produce ``QImage`` — painting on
``QPixmap`` outside the GUI thread is unsupported — and the GUI thread turns each one
into a pixmap kept in an LRU with a byte budget. Disk files are keyed by item id + file
mtime + size (:mod:`fluxdesk.core.library.thumbnail_cache`), so a changed image is re-rendered by
itself.

Requests wait in a short most-recent-first queue and only a few jobs are in the pool at a
time: a fast scroll through thousands of tiles asks for each one as it passes, and
queueing them all made the pool busy for minutes on tiles long gone, then delivered
thousands of images in one burst (hundreds of MB in posted events, a 100+ ms frame).
Requests that fall off the queue are simply asked for again if their tile is painted.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QImageWriter, QPixmap

from fluxdesk.core.library import thumbnail_cache as tc

MEMORY_BYTES = 48 << 20  # in-memory pixmaps: ~190 full 256² tiles (RGB32), far more small ones
WAITING = 96  # requests not yet started, newest first; older ones are dropped (tile scrolled away)
JPEG_QUALITY = 85


class _Signals(QObject):
    ready = Signal(int, QImage)  # item id, thumbnail
    missing = Signal(int)  # item id: the file is gone or cannot be decoded


def render_thumbnail(path: Path, side: int) -> QImage:
    """Decode ``path`` scaled to fit ``side`` (JPEG decodes at reduced size: fast)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return image
    if image.width() > side or image.height() > side:  # formats that ignore setScaledSize
        image = image.scaled(
            QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image.convertToFormat(QImage.Format.Format_RGB32)


class ThumbnailJob(QRunnable):
    def __init__(self, item_id: int, path: Path, cache_dir: Path, side: int, signals: _Signals) -> None:
        super().__init__()
        self.item_id = item_id
        self.path = path
        self.cache_dir = cache_dir
        self.side = side
        self.signals = signals

    def run(self) -> None:
        try:
            key = tc.ThumbKey.for_file(self.item_id, self.path, self.side)
        except OSError:
            self.signals.missing.emit(self.item_id)
            return
        cached = tc.cache_path(self.cache_dir, key)
        image = QImage(str(cached)) if cached.is_file() else QImage()
        if image.isNull():
            image = render_thumbnail(self.path, self.side)
            if image.isNull():
                self.signals.missing.emit(self.item_id)
                return
            self._store(image, key, cached)
        self.signals.ready.emit(self.item_id, image)

    def _store(self, image: QImage, key: tc.ThumbKey, target: Path) -> None:
        # A read-only or full cache disk only costs speed next time: never fail the tile.
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = tc.temp_path(target)
            writer = QImageWriter(str(temp), b"jpg")
            writer.setQuality(JPEG_QUALITY)
            if writer.write(image):
                tc.publish(temp, key, self.cache_dir)
            else:
                temp.unlink(missing_ok=True)


class ThumbnailLoader(QObject):
    """Asks for thumbnails by item id; emits ``ready(id)`` once :meth:`pixmap` has it."""

    ready = Signal(int)
    missing = Signal(int)

    def __init__(
        self,
        cache_dir: Path,
        side: int = tc.THUMB_SIDE,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.side = side
        if pool is None:
            pool = QThreadPool(self)
            # Leave a core for the GUI thread; decoding is CPU-bound.
            pool.setMaxThreadCount(max(1, min(4, QThreadPool.globalInstance().maxThreadCount() - 1)))
        self.pool = pool
        self._signals = _Signals(self)
        self._signals.ready.connect(self._on_ready)
        self._signals.missing.connect(self._on_missing)
        self._lru: OrderedDict[int, QPixmap] = OrderedDict()
        self._lru_bytes = 0
        self._waiting: OrderedDict[int, tuple[Path, int]] = OrderedDict()  # id → path, priority
        self._running: dict[int, Path] = {}  # handed to the pool, result not delivered yet
        # Forgotten while a job was on its way: that result describes the old file.
        self._stale: set[int] = set()
        self.missing_ids: set[int] = set()

    def pixmap(self, item_id: int) -> QPixmap | None:
        pixmap = self._lru.get(item_id)
        if pixmap is not None:
            self._lru.move_to_end(item_id)
        return pixmap

    def request(self, item_id: int, path: Path, *, priority: int = 0) -> None:
        if item_id in self._lru or item_id in self._running or item_id in self.missing_ids:
            return
        self._waiting[item_id] = (path, priority)
        self._waiting.move_to_end(item_id)  # asked again: its tile is still being painted
        while len(self._waiting) > WAITING:
            self._waiting.popitem(last=False)
        self._start_jobs()

    def _start_jobs(self) -> None:
        # A job or two beyond the threads keeps them busy without committing to stale tiles.
        limit = self.pool.maxThreadCount() + 1
        while self._waiting and len(self._running) < limit:
            item_id, (path, priority) = self._waiting.popitem(last=True)
            self._running[item_id] = path
            self.pool.start(ThumbnailJob(item_id, path, self.cache_dir, self.side, self._signals), priority)

    def cancel_pending(self) -> None:
        """Drop queued (not yet running) jobs, e.g. when a new search replaces the list."""
        self.pool.clear()
        self._waiting.clear()
        self._running.clear()
        self._stale.clear()

    def forget(self, item_id: int) -> None:
        if item_id in self._running:
            self._stale.add(item_id)
        pixmap = self._lru.pop(item_id, None)
        if pixmap is not None:
            self._lru_bytes -= _nbytes(pixmap)
        self.missing_ids.discard(item_id)

    def clear(self) -> None:
        self.cancel_pending()
        self._lru.clear()
        self._lru_bytes = 0
        self.missing_ids.clear()

    def shutdown(self, timeout_ms: int = 3000) -> None:
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)

    def _restart_if_stale(self, item_id: int) -> bool:
        """A result for a forgotten item is dropped and the thumbnail asked for again."""
        path = self._running.pop(item_id, None)
        if item_id not in self._stale:
            return False
        self._stale.discard(item_id)
        if path is not None:
            self.request(item_id, path)
        return True

    def _on_ready(self, item_id: int, image: QImage) -> None:
        if self._restart_if_stale(item_id):
            return
        self._waiting.pop(item_id, None)
        self.forget(item_id)
        pixmap = QPixmap.fromImage(image)
        self._lru[item_id] = pixmap
        self._lru_bytes += _nbytes(pixmap)
        while self._lru_bytes > MEMORY_BYTES and len(self._lru) > 1:
            _, old = self._lru.popitem(last=False)
            self._lru_bytes -= _nbytes(old)
        self._start_jobs()
        self.ready.emit(item_id)

    def _on_missing(self, item_id: int) -> None:
        if self._restart_if_stale(item_id):
            return
        self._waiting.pop(item_id, None)
        self.missing_ids.add(item_id)
        self._start_jobs()
        self.missing.emit(item_id)


def _nbytes(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth()) // 8
