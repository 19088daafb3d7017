"""The local image library: files under ``root/YYYY/MM/DD/`` plus a SQLite index.

The files are the truth: each carries its full metadata (see :mod:`metadata`), so the
index ``root/index.sqlite3`` is a cache that :meth:`Library.reindex` can rebuild from
nothing. Saving is crash-safe: an image only ever appears under its final name complete
and with metadata (written as a hidden ``.name.part`` then renamed), and a row is first
inserted as ``pending`` so a crash between rename and index update is repaired on the
next start.

Concurrency: one sqlite3 connection per thread (GUI thread + worker share one Library),
WAL mode and a 10 s busy timeout so the GUI and the CLI can write at the same time;
every write is a short ``BEGIN IMMEDIATE`` transaction.

The package's other modules: ``schema`` (tables, migrations), ``naming`` (file names),
``queries`` (filters to SQL), ``rows`` (record to row and back), ``reindex``,
``failures`` (environment errors as one-line messages).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fluxdesk.core import metadata as md
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library import naming
from fluxdesk.core.library.failures import os_message, sqlite_env_message
from fluxdesk.core.library.paging import ORDER, PAGE_COLUMNS, PageKey, PageRow, after_clause, records_sql
from fluxdesk.core.library.queries import ItemFilter, search_alone, where
from fluxdesk.core.library.record import UNKNOWN_SEED, ImageRecord
from fluxdesk.core.library.reindex import ReindexReport, reindex
from fluxdesk.core.library.rows import record_from_row, row_values
from fluxdesk.core.library.schema import COLUMNS, UPSERT, migrate
from fluxdesk.core.params import SEED_MAX, SEED_MIN, OutputFormat

INDEX_NAME = "index.sqlite3"
BUSY_TIMEOUT_S = 10.0
# How old a pending row or a *.part file of a *possibly live* writer must be before
# recovery treats it as abandoned. Rows from a dead process on this host are recovered
# at once; a .part file has no owner record, so only age tells (another process may be
# downloading into it right now).
DEFAULT_STALE_AFTER_S = 600.0


def _alive(writer: str) -> bool | None:
    """Whether the 'host:pid' writer still runs; None when we cannot tell."""
    host, _, pid_text = writer.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return None  # os.kill(pid, 0) would *terminate* the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours (EPERM)
    return True


class Library:
    def __init__(self, root: str | os.PathLike[str], *, stale_after: float = DEFAULT_STALE_AFTER_S) -> None:
        self.root = Path(root).expanduser().absolute()
        self.db_path = self.root / INDEX_NAME
        self.stale_after = stale_after
        self._lock = threading.Lock()
        # One connection per OS thread, keyed by thread id, not threading.local: PySide
        # runs each QThreadPool task under a fresh Python thread state, so a thread-local
        # was empty on every task and each one opened (and kept) another connection.
        self._connections: dict[int, sqlite3.Connection] = {}
        self._pid = os.getpid()
        self._writer = f"{socket.gethostname()}:{os.getpid()}"
        # The project new images go into: None means the active project (issue 18);
        # `generate --project NAME|none` sets it for one job ("" for none).
        self.new_image_project: str | None = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(os_message(exc, self.root, "create the library folder")) from exc
        with self.sql():
            conn = self.connection()
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise LibraryError(f"The library index {self.db_path} cannot use WAL mode (network drive?).")
            migrate(conn)
        self.recover()

    # ----------------------------------------------------------------- connections

    def connection(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # Forked child: the parent's connections must not be used here.
            self._connections = {}
            self._pid = os.getpid()
            self._writer = f"{socket.gethostname()}:{os.getpid()}"
        thread = threading.get_ident()
        conn = self._connections.get(thread)
        if conn is None:
            # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a write never
            # starts as a read and fails to upgrade (SQLITE_BUSY without waiting).
            # check_same_thread=False only so close() can close every thread's connection;
            # each connection is still used by its own thread only.
            conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")
            with self._lock:
                self._connections[thread] = conn
        return conn

    def data_version(self) -> int:
        """A number that changes when another connection (another thread's, another
        process's: the CLI, a second window) commits to the index: one cheap PRAGMA, so
        a window can follow the index without looking at the files."""
        with self.sql():
            return int(self.connection().execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for conn in self._connections.values():
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
            self._connections.clear()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def sql(self) -> Iterator[None]:
        """Turn environment failures of SQLite into LibraryError; bugs pass through."""
        try:
            yield
        except sqlite3.Error as exc:
            message = sqlite_env_message(exc, self.db_path, BUSY_TIMEOUT_S)
            if message is None:
                raise
            raise LibraryError(message) from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.sql():
            conn = self.connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def relative(self, path: Path) -> str:
        return Path(path).absolute().relative_to(self.root).as_posix()

    # ------------------------------------------------------------------ write path

    def reserve_path(
        self, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat | str
    ) -> Path:
        """A unique final path for a new image; its folder exists afterwards.

        The reservation is the empty ``.name.part`` temp file, created exclusively, so two
        processes saving the same second with the same prompt and seed get different names.
        """
        fmt = OutputFormat(output_format) if isinstance(output_format, str) else output_format
        folder = naming.day_folder(self.root, created)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(os_message(exc, folder, "create the folder")) from exc
        stem = naming.file_stem(created, prompt, seed, index)
        for name in naming.candidates(stem, fmt):
            final = folder / name
            if final.exists() or self._row_exists(final):
                continue
            try:
                fd = os.open(self.temp_path_for(final), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            except OSError as exc:
                raise LibraryError(os_message(exc, folder, "write in")) from exc
            os.close(fd)
            return final
        raise LibraryError(f"Cannot find a free file name for {stem} in {folder}.")

    def _project_for_new_image(self) -> str:
        if self.new_image_project is not None:
            return self.new_image_project
        from fluxdesk.core.library.projects import active_project

        return active_project(self)

    def _row_exists(self, final: Path) -> bool:
        with self.sql():
            row = (
                self.connection()
                .execute("SELECT 1 FROM images WHERE path = ?", (self.relative(final),))
                .fetchone()
            )
        return row is not None

    @staticmethod
    def temp_path_for(final: Path) -> Path:
        return naming.temp_path_for(final)

    def commit(self, temp: Path, final: Path, record: ImageRecord, *, embed: bool = True) -> ImageRecord:
        """Embed ``record`` into ``temp``, index it and move it to ``final``, crash-safely.

        ``embed=False`` keeps ``temp`` byte for byte (an imported file: ``record`` only
        goes into the index).

        On failure nothing is left behind (no row, no temp file) and LibraryError says why.
        ``temp`` need not be ``temp_path_for(final)`` (the caller may re-reserve a name
        after finding another format); the reservation of ``final`` is released too.
        """
        temp, final = Path(temp), Path(final)
        reservation = self.temp_path_for(final)
        if not (SEED_MIN <= record.seed <= SEED_MAX or (not embed and record.seed == UNKNOWN_SEED)):
            raise ValueError(f"seed {record.seed} is not a seed (the rule: {SEED_MIN} to {SEED_MAX})")
        rel = self.relative(final)
        if not record.project:
            record = replace(record, project=self._project_for_new_image())
        # Built before touching anything so a bad `created` fails with nothing to undo.
        row = row_values(record, rel, size=0, mtime=0.0)
        try:
            size = md.embed_file(temp, record) if embed else temp.stat().st_size
        except OSError as exc:
            _discard(temp)
            raise LibraryError(os_message(exc, temp, "write")) from exc
        except ValueError:
            _discard(temp)
            raise
        row["file_size"] = size
        try:
            with self.write() as conn:
                # Upsert: a stale row may name this path if its file vanished meanwhile.
                conn.execute(
                    UPSERT, {**row, "state": "pending", "writer": self._writer, "pending_since": time.time()}
                )
                item_id = conn.execute("SELECT id FROM images WHERE path = ?", (rel,)).fetchone()[0]
        except BaseException:
            _discard(temp)
            raise
        try:
            os.replace(temp, final)
            if reservation != temp:
                _discard(reservation)
            md.fsync_dir(final.parent)
        except BaseException as exc:
            if not final.exists():
                _discard(temp)
                with contextlib.suppress(sqlite3.Error, LibraryError), self.write() as conn:
                    conn.execute("DELETE FROM images WHERE id = ? AND state = 'pending'", (item_id,))
            if isinstance(exc, OSError):
                raise LibraryError(os_message(exc, final, "save")) from exc
            raise
        stat = final.stat()
        # If this fails (index locked for 10 s) the file is safe and the pending row is
        # promoted by recovery on the next start.
        with self.write() as conn:
            conn.execute(
                "UPDATE images SET state = 'done', writer = '', mtime = ?, file_size = ? WHERE id = ?",
                (stat.st_mtime, stat.st_size, item_id),
            )
        item = self.get(item_id)
        assert item is not None
        return item

    # -------------------------------------------------------------------- recovery

    def recover(self) -> None:
        """Finish or undo saves interrupted by a crash; remove abandoned ``*.part`` files."""
        now = time.time()
        with self.sql():
            pending = (
                self.connection()
                .execute("SELECT id, path, writer, pending_since FROM images WHERE state = 'pending'")
                .fetchall()
            )
        for row in pending:
            alive = _alive(row["writer"])
            if alive or (alive is None and now - row["pending_since"] < self.stale_after):
                continue  # another process may be mid-save
            final = self.root / row["path"]
            meta = _read_quietly(final)
            with self.write() as conn:
                if meta is not None:
                    stat = final.stat()
                    conn.execute(
                        "UPDATE images SET state = 'done', writer = '', mtime = ?, file_size = ? "
                        "WHERE id = ? AND state = 'pending'",
                        (stat.st_mtime, stat.st_size, row["id"]),
                    )
                else:
                    conn.execute("DELETE FROM images WHERE id = ? AND state = 'pending'", (row["id"],))
            _discard(self.temp_path_for(final))
        for part in self.walk(naming.is_part_name):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime >= self.stale_after:
                    part.unlink()
        # A bulk action (many files, then their rows) killed half way: rows catch up
        # with their files (see bulk/journal.py).
        from fluxdesk.core.library.bulk.journal import reconcile

        reconcile(self)

    def walk(self, wanted: Callable[[str], bool]) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if wanted(name):
                    yield Path(folder) / name

    # ------------------------------------------------------------------------ read

    def _query(
        self, select: str, tail: str, tail_args: list[Any], flt: ItemFilter, *, per_row: bool = False
    ) -> list[sqlite3.Row]:
        search = flt.search
        for use_fts in (True, False):
            clause, args = where(flt, use_fts=use_fts, per_row=per_row)
            try:
                with self.sql():
                    return (
                        self.connection()
                        .execute(f"{select} WHERE {clause} {tail}", args + tail_args)
                        .fetchall()
                    )
            except sqlite3.OperationalError:
                # FTS rejected the query (it should not, the query is quoted): plain LIKE.
                if not use_fts or not search:
                    raise
        raise AssertionError("unreachable")

    def items(
        self, query: ItemFilter | str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ImageRecord]:
        """Saved images, newest first, a batch's images in their order (they share one
        time stamp and are indexed as their downloads finish); ``query`` is a filter or
        just search text."""
        rows = self._query(
            f"SELECT {COLUMNS} FROM images",
            f"ORDER BY {ORDER} LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset],
            ItemFilter.of(query),
        )
        return [record_from_row(self.root, row) for row in rows]

    def page(self, query: ItemFilter | str | None, after: PageKey | None, limit: int) -> list[PageRow]:
        """Light rows in ``items``' order, the ``limit`` after ``after`` (from the newest
        when None): a keyset page, as cheap deep in the library as at its start."""
        flt = ItemFilter.of(query)
        clause, args = after_clause(after) if after is not None else ("1", [])
        # One stack's rest: its few rows by the job index. Left to itself the planner reads
        # images_order from the key on (no sort for the LIMIT) and, finding fewer rows than
        # the limit, to the library's end: 40 ms at 100,000 images, on most pages.
        table = "images INDEXED BY images_job" if flt.job is not None else "images"
        rows = self._query(
            f"SELECT {PAGE_COLUMNS} FROM {table}",
            f"AND {clause} ORDER BY {ORDER} LIMIT ?",
            [*args, limit],
            flt,
            per_row=flt.job is not None,
        )
        return [PageRow(*row) for row in rows]

    def page_rows(self, ids: list[int]) -> dict[int, PageRow]:
        """The light rows of these ids (at most 500 a call), by id (a stack shown again)."""
        if not ids:
            return {}
        with self.sql():
            rows = self.connection().execute(records_sql(PAGE_COLUMNS, len(ids)), ids).fetchall()
        return {row[0]: PageRow(*row) for row in rows}

    def get_many(self, ids: list[int]) -> dict[int, ImageRecord]:
        """The saved records of these ids, by id (500 ids to a query); ids no longer
        indexed, or whose image is still being saved, are absent."""
        found: dict[int, ImageRecord] = {}
        with self.sql():
            conn = self.connection()
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                sql = records_sql(COLUMNS, len(chunk)) + " AND state = 'done'"
                found.update((row["id"], record_from_row(self.root, row)) for row in conn.execute(sql, chunk))
        return found

    def count(self, query: ItemFilter | str | None = None) -> int:
        flt = ItemFilter.of(query)
        match = search_alone(flt)
        if match is not None:
            with contextlib.suppress(sqlite3.OperationalError):  # FTS refused it: counted below
                return self._count_matches(match)
        if not flt.active:  # every row less the pending ones: the smallest index, not images_order
            with self.sql():
                row = (
                    self.connection()
                    .execute(
                        "SELECT (SELECT count(*) FROM images) - "
                        "(SELECT count(*) FROM images WHERE state = 'pending')"
                    )
                    .fetchone()
                )
            return int(row[0])
        return int(self._query("SELECT count(*) FROM images", "", [], flt)[0][0])

    def _count_matches(self, match: str) -> int:
        """Done images matching a search: counted in the full-text index (a few ms at
        100,000 images, where joining each match to its row took 20), less the matches
        still pending (rare: saves in flight)."""
        fts = "SELECT rowid FROM images_fts WHERE images_fts MATCH ?"
        with self.sql():
            conn = self.connection()
            found = int(conn.execute(f"SELECT count(*) FROM ({fts})", (match,)).fetchone()[0])
            if conn.execute("SELECT 1 FROM images WHERE state = 'pending' LIMIT 1").fetchone():
                found -= int(
                    conn.execute(
                        f"SELECT count(*) FROM images WHERE state = 'pending' AND id IN ({fts})", (match,)
                    ).fetchone()[0]
                )
        return found

    def ids(self) -> set[int]:
        """Every indexed image id (cheap: no rows are built)."""
        with self.sql():
            return {row[0] for row in self.connection().execute("SELECT id FROM images")}

    def get(self, item_id: int) -> ImageRecord | None:
        with self.sql():
            row = (
                self.connection().execute(f"SELECT {COLUMNS} FROM images WHERE id = ?", (item_id,)).fetchone()
            )
        return None if row is None else record_from_row(self.root, row)

    # ----------------------------------------------------------------------- edits

    def update_review(
        self,
        item_id: int,
        *,
        favourite: bool | None = None,
        rating: int | None = None,
        notes: str | None = None,
        tags: tuple[str, ...] | list[str] | None = None,
        project: str | None = None,
    ) -> ImageRecord:
        """Change the user's review (and the image's project: "" for none) in the file's
        embedded metadata first, then in the index.

        File first: the file is the truth, so if the index update fails a reindex still
        has the new review; if the file cannot be written nothing changes.
        """
        from fluxdesk.core.library.bulk.files import (
            UPDATE_REVIEW_SQL,
            editable_record,
            row_update,
            write_record,
        )

        item = self.get(item_id)
        if item is None:
            raise KeyError(item_id)
        current, imported = editable_record(item)
        updated = current.with_review(
            favourite=favourite, rating=rating, notes=notes, tags=tags, project=project
        )
        stat = write_record(item, updated, imported)
        with self.write() as conn:
            conn.execute(UPDATE_REVIEW_SQL, row_update(item_id, updated, stat))
        result = self.get(item_id)
        assert result is not None
        return result

    def remove(self, item_id: int, delete_file: bool) -> None:
        """Drop an image from the index, and from disk when ``delete_file``.

        Without ``delete_file`` the next reindex will find the file and add it back.
        """
        item = self.get(item_id)
        if item is None:
            raise KeyError(item_id)
        if delete_file:
            try:
                item.path.unlink(missing_ok=True)
            except OSError as exc:
                raise LibraryError(os_message(exc, item.path, "delete")) from exc
        with self.write() as conn:
            conn.execute("DELETE FROM images WHERE id = ?", (item_id,))

    # --------------------------------------------------------------------- reindex

    def reindex(self) -> ReindexReport:
        """Rebuild the index from the files' embedded metadata (works from an empty index)."""
        return reindex(self)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _read_quietly(path: Path) -> ImageRecord | None:
    try:
        return md.read_file(path)
    except (OSError, ValueError):
        return None
