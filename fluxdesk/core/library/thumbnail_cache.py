"""Where thumbnails live on disk and when they are stale (the Qt-free part of the cache).

A thumbnail is keyed by the library item id *and* the image file's mtime and size, so an
image rewritten by a review edit, replaced, or re-added under a reused id never shows an
old picture: its key changes and the old file is simply not found. Files are sharded
into 256 folders so a 10,000-image library does not make one huge directory.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

THUMB_SIDE = 256  # pixels, longest side: the smallest thumbnails made (tiles are ~176 px)
SIDE_STEP = 64  # larger sides are rounded up to this, so few sizes end up in the cache
SUFFIX = ".jpg"


def side_for(tile_px: int, device_pixel_ratio: float) -> int:
    """The thumbnail side that stays sharp in a ``tile_px`` (logical pixels) tile on a
    screen with this device pixel ratio: at least THUMB_SIDE (so a 1x screen can zoom a
    little), larger on HiDPI screens, in SIDE_STEP steps."""
    needed = tile_px * max(1.0, device_pixel_ratio)
    return max(THUMB_SIDE, -(-int(needed) // SIDE_STEP) * SIDE_STEP)


@dataclass(frozen=True)
class ThumbKey:
    """Identifies a cached thumbnail: it changes whenever the image file does."""

    item_id: int
    mtime_ns: int
    size: int
    side: int = THUMB_SIDE

    @classmethod
    def for_file(cls, item_id: int, image: Path, side: int = THUMB_SIDE) -> ThumbKey:
        """The key of ``image`` as it is now (OSError when it is gone)."""
        st = image.stat()
        return cls(item_id, st.st_mtime_ns, st.st_size, side)

    @property
    def prefix(self) -> str:
        return f"{self.item_id}_{self.side}_"

    @property
    def name(self) -> str:
        return f"{self.prefix}{self.mtime_ns:x}_{self.size:x}{SUFFIX}"


def shard(cache_dir: Path, item_id: int) -> Path:
    return cache_dir / f"{item_id % 256:02x}"


def cache_path(cache_dir: Path, key: ThumbKey) -> Path:
    return shard(cache_dir, key.item_id) / key.name


def temp_path(target: Path) -> Path:
    """A per-writer temp name beside ``target`` (two threads may render the same item)."""
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident():x}.part")


def publish(temp: Path, key: ThumbKey, cache_dir: Path) -> Path:
    """Atomically move a finished ``temp`` into place and drop older versions of the item."""
    target = cache_path(cache_dir, key)
    os.replace(temp, target)
    remove_stale(cache_dir, key)
    return target


def remove_stale(cache_dir: Path, key: ThumbKey) -> int:
    """Delete cached versions of ``key.item_id`` at this side that are not ``key``."""
    removed = 0
    folder = shard(cache_dir, key.item_id)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(key.prefix) and entry.name != key.name:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def prune(cache_dir: Path, keep_ids: set[int]) -> int:
    """Remove thumbnails of items that are no longer in the library (after a rescan)."""
    removed = 0
    if not cache_dir.is_dir():
        return 0
    for folder in cache_dir.iterdir():
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            head = entry.name.split("_", 1)[0]
            if head.isdigit() and int(head) not in keep_ids:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
