"""Deleting many images to a trash, and putting them back: the bulk form of the delete.

Each file goes to the trash first (a rename on the same disk), then its row is dropped;
batches are journalled like the review changes (see ``journal``), so a delete killed
half way leaves no row without its file. The trash itself is the caller's: the command
line uses the library's own ``.trash``, the window the desktop's trash when there is
one (``ui/library/trash.py``). The undo moves the files back and indexes them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from fluxdesk.core import metadata as md
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.bulk import journal
from fluxdesk.core.library.bulk.apply import BATCH, Progress, ReportProgress, journalled_batches
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.rows import record_from_row, row_values
from fluxdesk.core.library.schema import COLUMNS, UPSERT

if TYPE_CHECKING:
    import sqlite3

    from fluxdesk.core.library.store import Library

Entry = TypeVar("Entry")  # what the trash returns for a file: where it went, to restore it


@dataclass
class DeleteResult(Generic[Entry]):
    """What a bulk delete did: the records it removed with each file's trash entry
    (None: the file was already gone), and what it could not delete."""

    total: int
    removed: list[tuple[ImageRecord, Entry | None]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def done(self) -> int:
        return len(self.removed) + len(self.failed)

    @property
    def entries(self) -> list[Entry]:
        return [entry for _item, entry in self.removed if entry is not None]


def trash_images(
    library: Library,
    ids: Iterable[int],
    to_trash: Callable[[Path], Entry],
    *,
    cancel: CancelToken | None = None,
    progress: ReportProgress | None = None,
) -> DeleteResult[Entry]:
    """Move the images ``ids`` to the trash (``to_trash(path)`` moves one file and says
    where it went, or raises LibraryError) and drop their rows."""
    wanted = list(dict.fromkeys(ids))
    result: DeleteResult[Entry] = DeleteResult(total=len(wanted))
    for batch, items, key in journalled_batches(library, wanted, result, cancel):
        gone: list[tuple[ImageRecord, Entry | None]] = []
        try:
            for item_id in batch:
                item = items.get(item_id)
                if item is None:
                    continue
                if cancel is not None and cancel.cancelled:
                    break
                try:
                    entry = to_trash(item.path) if item.path.exists() else None
                except LibraryError as exc:
                    result.failed.append((item_id, str(exc)))
                    continue
                gone.append((item, entry))
        finally:
            with library.write() as conn:
                conn.executemany("DELETE FROM images WHERE id = ?", [(item.id,) for item, _ in gone])
                journal.end(conn, key)
        result.removed += gone
        if progress is not None:
            progress(Progress(result.done, result.total, removed=[item.id for item, _ in gone]))
    return result


def restore_images(
    library: Library,
    entries: list[tuple[Path, Entry]],
    restore: Callable[[Entry], None],
    *,
    progress: ReportProgress | None = None,
) -> tuple[list[ImageRecord], list[tuple[Path, str]]]:
    """Undo a delete: ``restore(entry)`` moves each file back to its original path (the
    first of each pair), then it is indexed again. Returns the records indexed and the
    files that could not come back (with why)."""
    restored: list[ImageRecord] = []
    failed: list[tuple[Path, str]] = []
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        key = journal.begin(library, [library.relative(original) for original, _ in batch])
        back: list[Path] = []
        try:
            for original, entry in batch:
                try:
                    restore(entry)
                except LibraryError as exc:
                    failed.append((original, str(exc)))
                    continue
                back.append(original)
        finally:
            with library.write() as conn:
                rels = [_index_file(library, conn, path) for path in back]
                journal.end(conn, key)
        found = _records_at(library, [rel for rel in rels if rel])
        restored += found
        if progress is not None:
            progress(Progress(len(restored) + len(failed), len(entries), changed=found))
    return restored, failed


def _index_file(library: Library, conn: sqlite3.Connection, path: Path) -> str:
    """Upsert the row of the restored file ``path``; its relative path ('' if unusable)."""
    rel = library.relative(path)
    try:
        record = md.read_file(path)
        if record is None:
            from fluxdesk.core.interop.importing import foreign_record

            record = foreign_record(path)
        if record is None:
            return ""
        stat = path.stat()
        values = row_values(record, rel, size=stat.st_size, mtime=stat.st_mtime)
    except (OSError, ValueError):
        return ""  # the next rescan names it
    conn.execute(UPSERT, {**values, "state": "done", "writer": "", "pending_since": 0.0})
    if record.project:  # its project may have been deleted meanwhile: as a reindex does
        conn.execute(
            "INSERT OR IGNORE INTO projects (name, created_ts) VALUES (?, ?)", (record.project, time.time())
        )
    return rel


def _records_at(library: Library, rels: list[str]) -> list[ImageRecord]:
    if not rels:
        return []
    marks = ",".join("?" * len(rels))
    with library.sql():
        rows = (
            library.connection()
            .execute(f"SELECT {COLUMNS} FROM images WHERE path IN ({marks})", rels)
            .fetchall()
        )
    return [record_from_row(library.root, row) for row in rows]
