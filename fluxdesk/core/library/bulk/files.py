"""An image's file edited for a review change: the one implementation that
``Library.update_review`` and the bulk actions share.

The file is the truth, so it is written first (atomically: a temp file, fsync, rename;
see ``metadata.rewrite_file``) and the index row after. An image imported from another
tool keeps its bytes: its review lives in the index only.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

from fluxdesk import __version__
from fluxdesk.core import metadata as md
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.failures import os_message
from fluxdesk.core.library.record import ImageRecord

# The index columns a review change writes (the same for one image and for 5,000).
UPDATE_REVIEW_SQL = (
    "UPDATE images SET favourite = :favourite, rating = :rating, notes = :notes, tags = :tags, "
    "project = :project, file_size = :file_size, mtime = :mtime WHERE id = :id"
)


def editable_record(item: ImageRecord) -> tuple[ImageRecord, bool]:
    """What to edit for the indexed ``item``: its file's own record (the truth), and
    whether the file is an imported one whose bytes stay as they are.

    LibraryError (one line) when the file cannot be read or its block is damaged.
    """
    try:
        current = md.read_file(item.path)
    except OSError as exc:
        raise LibraryError(os_message(exc, item.path, "read")) from exc
    except ValueError as exc:
        raise LibraryError(f"Cannot update {item.path}: its metadata is damaged ({exc}).") from exc
    imported = current is None and _foreign_record(item) is not None
    if current is None:  # imported, or its block was stripped: the indexed record
        current = replace(item, app_version=__version__)
    return current, imported


def write_record(item: ImageRecord, updated: ImageRecord, imported: bool) -> os.stat_result:
    """Write ``updated`` into ``item``'s file atomically (unless imported); the file's
    stat afterwards, for its index row."""
    try:
        if not imported:
            md.rewrite_file(item.path, updated)
        return item.path.stat()
    except OSError as exc:
        raise LibraryError(os_message(exc, item.path, "update")) from exc


def row_update(item_id: int, updated: ImageRecord, stat: os.stat_result) -> dict[str, object]:
    """The parameters of :data:`UPDATE_REVIEW_SQL` for ``updated``."""
    return {
        "id": item_id,
        "favourite": int(updated.favourite),
        "rating": updated.rating,
        "notes": updated.notes,
        "tags": json.dumps(list(updated.tags), ensure_ascii=False),
        "project": updated.project,
        "file_size": stat.st_size,
        "mtime": stat.st_mtime,
    }


def _foreign_record(item: ImageRecord) -> ImageRecord | None:
    from fluxdesk.core.interop.importing import foreign_record

    record: ImageRecord | None = foreign_record(item.path)
    return record
