"""Rebuild the index from the files alone: add new files, refresh changed ones, drop gone ones.

A file whose size and modification time match its done row is not read again, so a rescan
of an unchanged library reads no image. Writes go in batches of short transactions so a
long reindex never blocks the window or another CLI for long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fluxdesk.core import metadata as md
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.failures import os_message
from fluxdesk.core.library.naming import is_image_name
from fluxdesk.core.library.rows import row_values
from fluxdesk.core.library.schema import UPSERT

if TYPE_CHECKING:
    from fluxdesk.core.library.store import Library

BATCH = 200  # rows per write transaction


@dataclass
class ReindexReport:
    """What ``Library.reindex`` found, changed and could not read."""

    scanned: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped_without_metadata: int = 0  # plain images: no FluxDesk block at all
    unchanged: int = 0
    unreadable: list[str] = field(default_factory=list)  # relative paths with damaged metadata
    reasons: dict[str, str] = field(default_factory=dict)  # why, for each unreadable path


def reindex(library: Library) -> ReindexReport:
    """Rebuild ``library``'s index from the files' embedded metadata (works from an empty index)."""
    report = ReindexReport()
    with library.sql():
        known = {
            row["path"]: (row["file_size"], row["mtime"], row["state"])
            for row in library.connection().execute("SELECT path, file_size, mtime, state FROM images")
        }
    seen: set[str] = set()
    batch: list[tuple[bool, dict[str, Any]]] = []

    def flush() -> None:
        if not batch:
            return
        with library.write() as conn:
            for existed, values in batch:
                conn.execute(UPSERT, {**values, "state": "done", "writer": "", "pending_since": 0.0})
                if values["project"]:  # a copied library's projects come back from its files
                    conn.execute(
                        "INSERT OR IGNORE INTO projects (name, created_ts) VALUES (?, ?)",
                        (values["project"], values["created_ts"]),
                    )
                if existed:
                    report.updated += 1
                else:
                    report.added += 1
        batch.clear()

    for path in library.walk(is_image_name):
        report.scanned += 1
        rel = library.relative(path)
        try:
            stat = path.stat()
        except OSError:
            continue  # vanished while walking
        seen.add(rel)
        previous = known.get(rel)
        if (
            previous
            and previous[2] == "done"
            and previous[0] == stat.st_size
            and previous[1] == stat.st_mtime
        ):
            report.unchanged += 1
            continue
        try:
            record = md.read_file(path)
        except ValueError as exc:
            # One damaged or hostile file is skipped and named; it never stops the rest.
            report.unreadable.append(rel)
            report.reasons[rel] = str(exc)
            continue
        except OSError as exc:
            raise LibraryError(os_message(exc, path, "read")) from exc
        if record is None:
            # Another tool's image imported byte for byte: indexed from its own parameters.
            from fluxdesk.core.interop.importing import foreign_record

            record = foreign_record(path)
        if record is None:
            report.skipped_without_metadata += 1
            continue
        values = row_values(record, rel, size=stat.st_size, mtime=stat.st_mtime)
        batch.append((previous is not None, values))
        if len(batch) >= BATCH:
            flush()
    flush()
    gone = [rel for rel, (_s, _m, state) in known.items() if rel not in seen and state == "done"]
    with library.write() as conn:
        for rel in gone:
            if not (library.root / rel).exists():
                report.removed += conn.execute(
                    "DELETE FROM images WHERE path = ? AND state = 'done'", (rel,)
                ).rowcount
    return report
