"""Deleting library images reversibly: the OS trash when there is one, else our own.

``QFile.moveToTrash`` needs a desktop trash (XDG, Finder, Recycle Bin); headless Linux,
some network drives and containers have none. Then files go to ``<library>/.trash``
(a hidden folder the library scan skips, on the same disk so the move is a rename) and
are purged after :data:`KEEP_DAYS`. Either way :func:`restore` puts them back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QFile

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.trash import OWN_TRASH, move_to_own_trash

__all__ = ["KEEP_DAYS", "OWN_TRASH", "Trashed", "move_to_trash", "purge_old", "restore"]
KEEP_DAYS = 30


@dataclass(frozen=True)
class Trashed:
    """A deleted file and where it went, so the delete can be undone."""

    original: Path
    location: Path
    system: bool  # True: in the OS trash


def move_to_trash(path: Path, library_root: Path) -> Trashed:
    handle = QFile(str(path))
    # On success Qt renames the QFile to its place in the trash: that is how undo finds it.
    if handle.moveToTrash() and handle.fileName() != str(path):
        return Trashed(path, Path(handle.fileName()), True)
    return Trashed(path, move_to_own_trash(path, library_root), False)


def restore(entry: Trashed) -> None:
    try:
        entry.original.parent.mkdir(parents=True, exist_ok=True)
        if entry.original.exists():
            raise LibraryError(f"Cannot undo: {entry.original.name} exists again.")
        shutil.move(str(entry.location), entry.original)
    except OSError as exc:
        raise LibraryError(f"Cannot restore {entry.original.name}: {exc.strerror or exc}.") from exc
    if entry.system:
        # XDG trash: drop the now dangling .trashinfo so the trash does not list a ghost.
        info = entry.location.parent.parent / "info" / f"{entry.location.name}.trashinfo"
        with contextlib.suppress(OSError):
            info.unlink()


def purge_old(library_root: Path, keep_days: float = KEEP_DAYS, now: float | None = None) -> int:
    """Remove what FluxDesk's own trash has held for more than ``keep_days``; returns how
    many files went. The gallery runs it with every rescan (on start, off the GUI thread).

    Age counts from the deletion, which the name records: a move keeps the file's own
    modification time, so an image made long ago and deleted today is not purged today.
    """
    cutoff = (time.time() if now is None else now) - keep_days * 86400
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(library_root / OWN_TRASH):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and _deleted_at(entry) < cutoff:
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _deleted_at(entry: os.DirEntry[str]) -> float:
    """When ``entry`` was trashed: its ``<milliseconds>_`` prefix (see move_to_trash), or
    for a file put there some other way, its modification time."""
    stamp, separator, _ = entry.name.partition("_")
    if separator and stamp.isdigit():
        return int(stamp) / 1000
    return entry.stat(follow_symlinks=False).st_mtime
