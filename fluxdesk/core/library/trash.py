"""FluxDesk's own trash: ``<library>/.trash``, for where there is no desktop trash (and
for the command line, which has no desktop). A hidden folder the library scan skips, on
the same disk so the move is a rename; the window purges it after 30 days and can restore
from it (ui/library/trash.py, which tries the OS trash first)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from fluxdesk.core.errors import LibraryError

OWN_TRASH = ".trash"


def move_to_own_trash(path: Path, library_root: Path) -> Path:
    """Move ``path`` into the library's trash; returns where it went."""
    folder = library_root / OWN_TRASH
    try:
        folder.mkdir(exist_ok=True)
        # The prefix records when it was deleted (the purge counts the days from it).
        target = folder / f"{int(time.time() * 1000)}_{path.name}"
        shutil.move(str(path), target)
    except OSError as exc:
        raise LibraryError(f"Cannot delete {path.name}: {exc.strerror or exc}.") from exc
    return target
