"""FluxDesk's own trash (``library/.trash``): purged by the age of the deletion."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fluxdesk.core.library.store import Library
from fluxdesk.ui.library import trash
from fluxdesk.ui.library.gallery import GalleryWidget

DAY = 86400.0
TIMEOUT = 10_000


def _trashed(folder: Path, name: str, *, deleted_days_ago: float | None, modified_days_ago: float) -> Path:
    """A file as move_to_trash leaves it (``<ms>_name``), or without the prefix."""
    now = time.time()
    if deleted_days_ago is not None:
        name = f"{int((now - deleted_days_ago * DAY) * 1000)}_{name}"
    path = folder / name
    path.write_bytes(b"image bytes")
    modified = now - modified_days_ago * DAY
    os.utime(path, (modified, modified))
    return path


def test_purge_counts_days_from_the_deletion_not_the_file_date(tmp_path: Path) -> None:
    folder = tmp_path / trash.OWN_TRASH
    folder.mkdir()
    deleted_long_ago = _trashed(folder, "a.png", deleted_days_ago=40, modified_days_ago=0)
    # Made a year ago, deleted yesterday: a move keeps the old date, the name has the new.
    old_image_deleted_now = _trashed(folder, "b.png", deleted_days_ago=1, modified_days_ago=365)
    unprefixed_old = _trashed(folder, "c.png", deleted_days_ago=None, modified_days_ago=40)
    unprefixed_new = _trashed(folder, "d.png", deleted_days_ago=None, modified_days_ago=1)
    (folder / "a folder").mkdir()

    assert trash.purge_old(tmp_path) == 2
    assert not deleted_long_ago.exists() and not unprefixed_old.exists()
    assert old_image_deleted_now.exists() and unprefixed_new.exists()
    assert (folder / "a folder").is_dir()
    # The limit is KEEP_DAYS: a day before it, the file stays; a day after, it goes.
    now = time.time()
    assert trash.purge_old(tmp_path, now=now + (trash.KEEP_DAYS - 2) * DAY) == 0
    assert trash.purge_old(tmp_path, now=now + trash.KEEP_DAYS * DAY) == 2
    assert not any(p.is_file() for p in folder.iterdir())


def test_purge_without_a_trash_folder(tmp_path: Path) -> None:
    assert trash.purge_old(tmp_path) == 0


def test_rescan_purges_the_own_trash(qtbot, gallery: GalleryWidget, library: Library) -> None:  # type: ignore[no-untyped-def]
    folder = library.root / trash.OWN_TRASH
    folder.mkdir(exist_ok=True)
    expired = _trashed(folder, "old.png", deleted_days_ago=trash.KEEP_DAYS + 1, modified_days_ago=0)
    recent = _trashed(folder, "new.png", deleted_days_ago=1, modified_days_ago=400)
    with qtbot.waitSignal(gallery.rescanned, timeout=TIMEOUT):
        gallery.rescan()
    assert not expired.exists()
    assert recent.exists()
