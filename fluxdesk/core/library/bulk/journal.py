"""Why a bulk action killed half way leaves the index and the files agreeing.

Each image's file is replaced atomically (it is either the old or the new file, never a
mix), but the file and its index row are two writes: a process killed between them would
leave a row that disagrees with its file. So before touching a batch of images, the
action writes a *journal entry* naming their files (in the index's ``library_state``
table, one short transaction); the same transaction that updates (or deletes) the
batch's rows removes the entry. An entry left behind means "these files may be ahead of
their rows": the next time any process opens the library (``Library.recover``) it
re-reads each named file and makes its row say what the file says (the file is the
truth), or drops the row of a file that went to the trash. An entry of a process that
still runs is left alone: it is still working on it.

The cost is two transactions per batch (not per image), which is why actions run in
batches (``apply.BATCH``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import time
from typing import TYPE_CHECKING, Any

from fluxdesk.core import metadata as md
from fluxdesk.core.library.rows import row_values
from fluxdesk.core.library.schema import UPSERT

if TYPE_CHECKING:
    import sqlite3

    from fluxdesk.core.library.store import Library

KEY_PREFIX = "bulk:"
_serial = itertools.count(1)


def writer() -> str:
    """'host:pid' of this process (the journal entry's owner)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def begin(library: Library, paths: list[str]) -> str:
    """Journal that the files ``paths`` (relative to the library) are about to change;
    returns the entry's key, for :func:`end` in the transaction that updates their rows."""
    owner = writer()
    key = f"{KEY_PREFIX}{owner}:{next(_serial)}"
    value = json.dumps({"writer": owner, "since": time.time(), "paths": paths}, ensure_ascii=False)
    with library.write() as conn:
        conn.execute("INSERT OR REPLACE INTO library_state (key, value) VALUES (?, ?)", (key, value))
    return key


def end(conn: sqlite3.Connection, key: str) -> None:
    """Drop the entry ``key`` (inside the transaction that brought the rows up to date)."""
    conn.execute("DELETE FROM library_state WHERE key = ?", (key,))


def pending(library: Library) -> list[tuple[str, dict[str, Any]]]:
    """Every journal entry left in the index: (key, its value)."""
    with library.sql():
        rows = (
            library.connection()
            .execute(
                "SELECT key, value FROM library_state WHERE key >= ? AND key < ?",
                (KEY_PREFIX, KEY_PREFIX[:-1] + chr(ord(KEY_PREFIX[-1]) + 1)),
            )
            .fetchall()
        )
    entries = []
    for key, value in rows:
        try:
            data = json.loads(value)
        except ValueError:
            data = {}
        entries.append((str(key), data if isinstance(data, dict) else {}))
    return entries


def reconcile(library: Library) -> int:
    """Bring the rows of files named by abandoned journal entries up to date with their
    files; returns how many files were looked at. Entries of live processes stay."""
    from fluxdesk.core.library.store import _alive

    looked = 0
    for key, data in pending(library):
        owner = str(data.get("writer", ""))
        if _alive(owner):
            continue
        if _alive(owner) is None and time.time() - float(data.get("since", 0)) < library.stale_after:
            continue  # another host's process may still be working on it
        paths = [p for p in data.get("paths", []) if isinstance(p, str)]
        with library.write() as conn:
            for rel in paths:
                _reconcile_one(library, conn, rel)
                looked += 1
            end(conn, key)
    return looked


def _reconcile_one(library: Library, conn: sqlite3.Connection, rel: str) -> None:
    path = library.root / rel
    try:
        stat = path.stat()
    except FileNotFoundError:
        # Gone to the trash before its row was dropped (or restored from it after).
        conn.execute("DELETE FROM images WHERE path = ? AND state = 'done'", (rel,))
        return
    except OSError:
        return  # unreadable now: the next reindex deals with it
    try:
        record = md.read_file(path)
    except (OSError, ValueError):
        return  # damaged: the reindex names it; the row stays as it was
    if record is None:
        # An imported file keeps its bytes: its review is in the index only, nothing to
        # catch up with. One restored from the trash with no row yet is found by a rescan.
        return
    with contextlib.suppress(ValueError):  # a record the index cannot hold: reindex names it
        if record.project:  # as a reindex does: a project named by a file exists
            conn.execute(
                "INSERT OR IGNORE INTO projects (name, created_ts) VALUES (?, ?)",
                (record.project, time.time()),
            )
        conn.execute(
            UPSERT,
            {
                **row_values(record, rel, size=stat.st_size, mtime=stat.st_mtime),
                "state": "done",
                "writer": "",
                "pending_since": 0.0,
            },
        )
