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

Dates in folder and file names are UTC, like the ``created`` field, so names never
depend on the machine's time zone or DST.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import socket
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fluxdesk import __version__
from fluxdesk.core import metadata as md
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.metadata import ImageMetadata
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest, build_request

INDEX_NAME = "index.sqlite3"
BUSY_TIMEOUT_S = 10.0
SLUG_MAX = 40
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
PART_SUFFIX = ".part"
# How old a pending row or a *.part file of a *possibly live* writer must be before
# recovery treats it as abandoned. Rows from a dead process on this host are recovered
# at once; a .part file has no owner record, so only age tells (another process may be
# downloading into it right now).
DEFAULT_STALE_AFTER_S = 600.0

DateLike = date | datetime | str

# -------------------------------------------------------------------- schema / migrations


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the migration transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")


def _migrate_1(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,            -- relative to the library root, '/' separated
            prompt TEXT NOT NULL,
            seed INTEGER NOT NULL,                -- signed 64-bit
            created TEXT NOT NULL,                -- ISO-8601 UTC, as embedded in the file
            created_ts REAL NOT NULL,             -- Unix seconds, for sorting and date filters
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            output_format TEXT NOT NULL CHECK (output_format IN ('jpeg', 'png')),
            nsfw INTEGER NOT NULL DEFAULT 0,
            guidance_scale REAL,
            num_inference_steps INTEGER,
            num_images INTEGER NOT NULL DEFAULT 1,
            image_index INTEGER NOT NULL DEFAULT 0,
            model TEXT NOT NULL,
            params_json TEXT NOT NULL,            -- the request fields, seed filled in
            timings_json TEXT NOT NULL DEFAULT '{}',
            app_version TEXT NOT NULL DEFAULT '',
            file_size INTEGER NOT NULL DEFAULT 0,
            mtime REAL NOT NULL DEFAULT 0,
            favourite INTEGER NOT NULL DEFAULT 0,
            rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
            notes TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',      -- JSON array of strings
            state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('pending', 'done')),
            writer TEXT NOT NULL DEFAULT '',      -- 'host:pid' of the process saving a pending row
            pending_since REAL NOT NULL DEFAULT 0
        );
        CREATE INDEX images_newest ON images (created_ts DESC, id DESC);
        CREATE INDEX images_pending ON images (state) WHERE state = 'pending';
        CREATE VIRTUAL TABLE images_fts USING fts5 (
            prompt, notes, tags,
            content = 'images', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
            INSERT INTO images_fts (rowid, prompt, notes, tags)
            VALUES (new.id, new.prompt, new.notes, new.tags);
        END;
        CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
            INSERT INTO images_fts (images_fts, rowid, prompt, notes, tags)
            VALUES ('delete', old.id, old.prompt, old.notes, old.tags);
        END;
        CREATE TRIGGER images_fts_update AFTER UPDATE OF prompt, notes, tags ON images BEGIN
            INSERT INTO images_fts (images_fts, rowid, prompt, notes, tags)
            VALUES ('delete', old.id, old.prompt, old.notes, old.tags);
            INSERT INTO images_fts (rowid, prompt, notes, tags)
            VALUES (new.id, new.prompt, new.notes, new.tags);
        END;
        """,
    )


# Index i migrates user_version i -> i + 1. Append only; never edit a shipped step.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_1,)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION inside one write transaction (safe if racing)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"The library index was written by a newer FluxDesk (schema {version}, "
                f"this version knows {SCHEMA_VERSION}); update FluxDesk."
            )
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class LibraryItem:
    """One indexed image: its file, its parameters and the user's review."""

    id: int
    path: Path
    prompt: str
    seed: int
    created: str
    width: int
    height: int
    output_format: str
    nsfw: bool
    params: dict[str, Any]
    timings: dict[str, float]
    file_size: int
    favourite: bool
    rating: int
    notes: str
    tags: tuple[str, ...]
    model: str
    index: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "prompt": self.prompt,
            "seed": self.seed,
            "created": self.created,
            "width": self.width,
            "height": self.height,
            "format": self.output_format,
            "nsfw": self.nsfw,
            "parameters": dict(self.params),
            "favourite": self.favourite,
            "rating": self.rating,
            "notes": self.notes,
            "tags": list(self.tags),
        }

    def to_request(self, with_seed: bool = True) -> GenerationRequest:
        raw = dict(self.params)
        raw["seed"] = self.seed if with_seed else None
        request, problems = build_request(raw)
        if request is None:
            raise ValueError("stored request is invalid: " + "; ".join(map(str, problems)))
        return request


@dataclass
class ReindexReport:
    """What ``Library.reindex`` found, changed and could not read."""

    scanned: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped_without_metadata: int = 0
    unchanged: int = 0
    unreadable: list[str] = field(default_factory=list)  # relative paths with damaged metadata


# ------------------------------------------------------------------------- error mapping

_ENV_SQLITE_CODES = {
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_PERM",
    "SQLITE_PROTOCOL",
    "SQLITE_AUTH",
}
_ENV_SQLITE_WORDS = (
    "locked",
    "readonly",
    "read-only",
    "unable to open",
    "disk",
    "full",
    "malformed",
    "not a database",
    "i/o",
)


def _sqlite_env_message(exc: sqlite3.Error, db: Path) -> str | None:
    """A one-line message if ``exc`` is about the environment, None if it is a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""  # Python >= 3.11
    text = str(exc).lower()
    base = name.split("_")[0:2]
    code = "_".join(base)
    if not (code in _ENV_SQLITE_CODES or any(w in text for w in _ENV_SQLITE_WORDS)):
        return None
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED") or "locked" in text:
        return (
            f"The library index {db} is locked by another program (waited {BUSY_TIMEOUT_S:g} s); try again."
        )
    if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text or "not a database" in text:
        return (
            f"The library index {db} is damaged ({exc}); delete it and run a reindex "
            "to rebuild it from the images."
        )
    if code == "SQLITE_FULL" or "full" in text:
        return f"The disk holding the library index {db} is full."
    if code in ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM") or "readonly" in text:
        return f"Cannot write the library index {db}: the folder or file is read-only ({exc})."
    return f"Cannot use the library index {db}: {exc}."


def _os_message(exc: OSError, path: Path, action: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"Cannot {action} {path}: the disk is full."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot {action} {path}: permission denied or read-only folder."
    return f"Cannot {action} {path}: {exc.strerror or exc}."


# ------------------------------------------------------------------------------ helpers


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """ASCII, lowercase, dash-separated, at most ``limit`` chars, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else slug[:limit]
        slug = slug[:limit].strip("-")
    return slug or "image"


def file_stem(created: datetime, prompt: str, seed: int, index: int) -> str:
    """``20261125-141530_a-red-fox-in-snow_4134117142_1`` (UTC time)."""
    return f"{_to_utc(created):%Y%m%d-%H%M%S}_{slugify(prompt)}_{seed}_{index}"


def _candidates(stem: str, fmt: OutputFormat) -> Iterator[str]:
    yield f"{stem}.{fmt.extension}"
    for attempt in range(2, 10_000):
        yield f"{stem}-{attempt}.{fmt.extension}"


def unique_file_name(
    folder: Path, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat | str
) -> str:
    """A file name not yet used in ``folder`` (neither as image nor as temp file).

    For plain-folder saving (no index, no reservation); the Library uses reserve_path.
    """
    fmt = OutputFormat(output_format) if isinstance(output_format, str) else output_format
    stem = file_stem(created, prompt, seed, index)
    for name in _candidates(stem, fmt):
        final = folder / name
        if not final.exists() and not Library.temp_path_for(final).exists():
            return name
    raise LibraryError(f"Cannot find a free file name for {stem} in {folder}.")


def _to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _bound_ts(value: DateLike, *, end: bool) -> float:
    """Filter bound in Unix seconds; a bare date covers that whole UTC day."""
    if isinstance(value, str):
        text = value.strip()
        value = date.fromisoformat(text) if len(text) == 10 else md.parse_iso(text)
    if isinstance(value, datetime):
        return _to_utc(value).timestamp()
    start = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return (start + timedelta(days=1)).timestamp() - 1e-6 if end else start.timestamp()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Letters and digits only, like FTS5's unicode61 tokenizer ('_' separates words there too).
_WORD = re.compile(r"[^\W_]+")


def fts_query(search: str) -> str | None:
    """A safe FTS5 MATCH string: every word of the user's text as a quoted prefix term.

    Quoting makes ``AND``, ``NEAR``, ``-x``, ``col:`` and stray quotes plain words; the
    implicit AND between terms means every word must match. None when no word is left.
    """
    words = _WORD.findall(search)
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words) or None


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


# ------------------------------------------------------------------------------ library

_COLUMNS = (
    "id, path, prompt, seed, created, width, height, output_format, nsfw, params_json, "
    "timings_json, file_size, favourite, rating, notes, tags, model, image_index"
)


@dataclass(frozen=True)
class ItemFilter:
    """Which images to list; None (or empty search) means "any". Shared by the CLI and the gallery."""

    search: str | None = None
    date_from: DateLike | None = None
    date_to: DateLike | None = None
    width: int | None = None
    height: int | None = None
    output_format: OutputFormat | str | None = None
    favourite: bool | None = None
    min_rating: int | None = None
    nsfw: bool | None = None

    @classmethod
    def of(cls, query: ItemFilter | str | None) -> ItemFilter:
        return query if isinstance(query, ItemFilter) else cls(search=query)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))


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
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(_os_message(exc, self.root, "create the library folder")) from exc
        with self._sql():
            conn = self._conn()
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise LibraryError(f"The library index {self.db_path} cannot use WAL mode (network drive?).")
            migrate(conn)
        self.recover()

    # ----------------------------------------------------------------- connections

    def _conn(self) -> sqlite3.Connection:
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
    def _sql(self) -> Iterator[None]:
        """Turn environment failures of SQLite into LibraryError; bugs pass through."""
        try:
            yield
        except sqlite3.Error as exc:
            message = _sqlite_env_message(exc, self.db_path)
            if message is None:
                raise
            raise LibraryError(message) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._sql():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _rel(self, path: Path) -> str:
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
        when = _to_utc(created)
        folder = self.root / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(_os_message(exc, folder, "create the folder")) from exc
        stem = file_stem(when, prompt, seed, index)
        for name in _candidates(stem, fmt):
            final = folder / name
            if final.exists() or self._row_exists(final):
                continue
            try:
                fd = os.open(self.temp_path_for(final), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            except OSError as exc:
                raise LibraryError(_os_message(exc, folder, "write in")) from exc
            os.close(fd)
            return final
        raise LibraryError(f"Cannot find a free file name for {stem} in {folder}.")

    def _row_exists(self, final: Path) -> bool:
        with self._sql():
            row = self._conn().execute("SELECT 1 FROM images WHERE path = ?", (self._rel(final),)).fetchone()
        return row is not None

    @staticmethod
    def temp_path_for(final: Path) -> Path:
        return final.with_name(f".{final.name}{PART_SUFFIX}")

    def commit(self, temp: Path, final: Path, meta: ImageMetadata) -> LibraryItem:
        """Embed ``meta`` into ``temp``, index it and move it to ``final``, crash-safely.

        On failure nothing is left behind (no row, no temp file) and LibraryError says why.
        ``temp`` need not be ``temp_path_for(final)`` (the caller may re-reserve a name
        after finding another format); the reservation of ``final`` is released too.
        """
        temp, final = Path(temp), Path(final)
        reservation = self.temp_path_for(final)
        if not md.SEED_RANGE[0] <= meta.seed <= md.SEED_RANGE[1]:
            raise ValueError(f"seed {meta.seed} does not fit in 64 bits")
        rel = self._rel(final)
        # Built before touching anything so a bad `created` fails with nothing to undo.
        row = self._row_values(meta, rel, size=0, mtime=0.0)
        try:
            size = md.embed_file(temp, meta)
        except OSError as exc:
            _discard(temp)
            raise LibraryError(_os_message(exc, temp, "write")) from exc
        except ValueError:
            _discard(temp)
            raise
        row["file_size"] = size
        try:
            with self._write() as conn:
                # Upsert: a stale row may name this path if its file vanished meanwhile.
                conn.execute(
                    _UPSERT, {**row, "state": "pending", "writer": self._writer, "pending_since": time.time()}
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
                with contextlib.suppress(sqlite3.Error, LibraryError), self._write() as conn:
                    conn.execute("DELETE FROM images WHERE id = ? AND state = 'pending'", (item_id,))
            if isinstance(exc, OSError):
                raise LibraryError(_os_message(exc, final, "save")) from exc
            raise
        stat = final.stat()
        # If this fails (index locked for 10 s) the file is safe and the pending row is
        # promoted by recovery on the next start.
        with self._write() as conn:
            conn.execute(
                "UPDATE images SET state = 'done', writer = '', mtime = ?, file_size = ? WHERE id = ?",
                (stat.st_mtime, stat.st_size, item_id),
            )
        item = self.get(item_id)
        assert item is not None
        return item

    @staticmethod
    def _row_values(meta: ImageMetadata, rel: str, *, size: int, mtime: float) -> dict[str, Any]:
        request = meta.request
        return {
            "path": rel,
            "prompt": meta.prompt,
            "seed": meta.seed,
            "created": meta.created,
            "created_ts": md.parse_iso(meta.created).timestamp(),
            "width": meta.width,
            "height": meta.height,
            "output_format": meta.output_format,
            "nsfw": int(meta.nsfw),
            "guidance_scale": _opt_float(request.get("guidance_scale")),
            "num_inference_steps": _opt_int(request.get("num_inference_steps")),
            "num_images": _opt_int(request.get("num_images")) or 1,
            "image_index": meta.index,
            "model": meta.model,
            "params_json": json.dumps({**request, "seed": meta.seed}, ensure_ascii=False),
            "timings_json": json.dumps(meta.timings),
            "app_version": meta.app_version,
            "file_size": size,
            "mtime": mtime,
            "favourite": int(meta.favourite),
            "rating": meta.rating,
            "notes": meta.notes,
            "tags": json.dumps(list(meta.tags), ensure_ascii=False),
        }

    # -------------------------------------------------------------------- recovery

    def recover(self) -> None:
        """Finish or undo saves interrupted by a crash; remove abandoned ``*.part`` files."""
        now = time.time()
        with self._sql():
            pending = (
                self._conn()
                .execute("SELECT id, path, writer, pending_since FROM images WHERE state = 'pending'")
                .fetchall()
            )
        for row in pending:
            alive = _alive(row["writer"])
            if alive or (alive is None and now - row["pending_since"] < self.stale_after):
                continue  # another process may be mid-save
            final = self.root / row["path"]
            meta = _read_quietly(final)
            with self._write() as conn:
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
        for part in self._walk(lambda name: name.startswith(".") and name.endswith(PART_SUFFIX)):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime >= self.stale_after:
                    part.unlink()

    def _walk(self, wanted: Callable[[str], bool]) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if wanted(name):
                    yield Path(folder) / name

    # ------------------------------------------------------------------------ read

    def _where(self, flt: ItemFilter, *, use_fts: bool) -> tuple[str, list[Any]]:
        search, date_from, date_to = flt.search, flt.date_from, flt.date_to
        width, height, output_format = flt.width, flt.height, flt.output_format
        favourite, min_rating, nsfw = flt.favourite, flt.min_rating, flt.nsfw
        clauses = ["state = 'done'"]
        args: list[Any] = []
        if search and search.strip():
            query = fts_query(search) if use_fts else None
            if query is not None:
                clauses.append("id IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)")
                args.append(query)
            else:
                for word in search.split():
                    clauses.append(
                        "(prompt LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\')"
                    )
                    args.extend([f"%{_like_escape(word)}%"] * 3)
        if date_from is not None:
            clauses.append("created_ts >= ?")
            args.append(_bound_ts(date_from, end=False))
        if date_to is not None:
            clauses.append("created_ts <= ?")
            args.append(_bound_ts(date_to, end=True))
        if width is not None:
            clauses.append("width = ?")
            args.append(width)
        if height is not None:
            clauses.append("height = ?")
            args.append(height)
        if output_format is not None:
            text = str(getattr(output_format, "value", output_format)).lower()
            clauses.append("output_format = ?")
            args.append(OutputFormat("jpeg" if text == "jpg" else text).value)
        if favourite is not None:
            clauses.append("favourite = ?")
            args.append(int(favourite))
        if min_rating is not None:
            clauses.append("rating >= ?")
            args.append(min_rating)
        if nsfw is not None:
            clauses.append("nsfw = ?")
            args.append(int(nsfw))
        return " AND ".join(clauses), args

    def _query(self, select: str, tail: str, tail_args: list[Any], flt: ItemFilter) -> list[sqlite3.Row]:
        search = flt.search
        for use_fts in (True, False):
            where, args = self._where(flt, use_fts=use_fts)
            try:
                with self._sql():
                    return self._conn().execute(f"{select} WHERE {where} {tail}", args + tail_args).fetchall()
            except sqlite3.OperationalError:
                # FTS rejected the query (it should not, the query is quoted): plain LIKE.
                if not use_fts or not search:
                    raise
        raise AssertionError("unreachable")

    def items(
        self, query: ItemFilter | str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[LibraryItem]:
        """Saved images, newest first, a batch's images in their order (they share one
        time stamp and are indexed as their downloads finish); ``query`` is a filter or
        just search text."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM images",
            "ORDER BY created_ts DESC, seed, image_index, id DESC LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset],
            ItemFilter.of(query),
        )
        return [self._item(row) for row in rows]

    def count(self, query: ItemFilter | str | None = None) -> int:
        return int(self._query("SELECT count(*) FROM images", "", [], ItemFilter.of(query))[0][0])

    def ids(self) -> set[int]:
        """Every indexed image id (cheap: no rows are built)."""
        with self._sql():
            return {row[0] for row in self._conn().execute("SELECT id FROM images")}

    def get(self, item_id: int) -> LibraryItem | None:
        with self._sql():
            row = self._conn().execute(f"SELECT {_COLUMNS} FROM images WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else self._item(row)

    def _item(self, row: sqlite3.Row) -> LibraryItem:
        return LibraryItem(
            id=row["id"],
            path=self.root / row["path"],
            prompt=row["prompt"],
            seed=row["seed"],
            created=row["created"],
            width=row["width"],
            height=row["height"],
            output_format=row["output_format"],
            nsfw=bool(row["nsfw"]),
            params=json.loads(row["params_json"]),
            timings=json.loads(row["timings_json"]),
            file_size=row["file_size"],
            favourite=bool(row["favourite"]),
            rating=row["rating"],
            notes=row["notes"],
            tags=tuple(json.loads(row["tags"])),
            model=row["model"],
            index=row["image_index"],
        )

    # ----------------------------------------------------------------------- edits

    def update_review(
        self,
        item_id: int,
        *,
        favourite: bool | None = None,
        rating: int | None = None,
        notes: str | None = None,
        tags: tuple[str, ...] | list[str] | None = None,
    ) -> LibraryItem:
        """Change the user's review in the file's embedded metadata first, then in the index.

        File first: the file is the truth, so if the index update fails a reindex still
        has the new review; if the file cannot be written nothing changes.
        """
        item = self.get(item_id)
        if item is None:
            raise KeyError(item_id)
        try:
            current = md.read_file(item.path)
        except OSError as exc:
            raise LibraryError(_os_message(exc, item.path, "read")) from exc
        except ValueError as exc:
            raise LibraryError(f"Cannot update {item.path}: its metadata is damaged ({exc}).") from exc
        if current is None:
            current = self._meta_from_item(item)
        updated = current.with_review(favourite=favourite, rating=rating, notes=notes, tags=tags)
        try:
            md.rewrite_file(item.path, updated)
            stat = item.path.stat()
        except OSError as exc:
            raise LibraryError(_os_message(exc, item.path, "update")) from exc
        with self._write() as conn:
            conn.execute(
                "UPDATE images SET favourite = ?, rating = ?, notes = ?, tags = ?, file_size = ?, mtime = ? "
                "WHERE id = ?",
                (
                    int(updated.favourite),
                    updated.rating,
                    updated.notes,
                    json.dumps(list(updated.tags), ensure_ascii=False),
                    stat.st_size,
                    stat.st_mtime,
                    item_id,
                ),
            )
        result = self.get(item_id)
        assert result is not None
        return result

    @staticmethod
    def _meta_from_item(item: LibraryItem) -> ImageMetadata:
        return ImageMetadata(
            request=dict(item.params),
            seed=item.seed,
            model=item.model,
            index=item.index,
            width=item.width,
            height=item.height,
            output_format=item.output_format,
            nsfw=item.nsfw,
            timings=dict(item.timings),
            created=item.created,
            app_version=__version__,
            favourite=item.favourite,
            rating=item.rating,
            notes=item.notes,
            tags=item.tags,
        )

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
                raise LibraryError(_os_message(exc, item.path, "delete")) from exc
        with self._write() as conn:
            conn.execute("DELETE FROM images WHERE id = ?", (item_id,))

    # --------------------------------------------------------------------- reindex

    def reindex(self) -> ReindexReport:
        """Rebuild the index from the files' embedded metadata (works from an empty index)."""
        report = ReindexReport()
        with self._sql():
            known = {
                row["path"]: (row["file_size"], row["mtime"], row["state"])
                for row in self._conn().execute("SELECT path, file_size, mtime, state FROM images")
            }
        seen: set[str] = set()
        batch: list[tuple[bool, dict[str, Any]]] = []

        def flush() -> None:
            if not batch:
                return
            with self._write() as conn:
                for existed, values in batch:
                    conn.execute(_UPSERT, {**values, "state": "done", "writer": "", "pending_since": 0.0})
                    if existed:
                        report.updated += 1
                    else:
                        report.added += 1
            batch.clear()

        images = self._walk(lambda n: not n.startswith(".") and Path(n).suffix.lower() in IMAGE_SUFFIXES)
        for path in images:
            report.scanned += 1
            rel = self._rel(path)
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
                meta = md.read_file(path)
            except ValueError:
                report.unreadable.append(rel)
                report.skipped_without_metadata += 1
                continue
            except OSError as exc:
                raise LibraryError(_os_message(exc, path, "read")) from exc
            if meta is None:
                report.skipped_without_metadata += 1
                continue
            batch.append(
                (previous is not None, self._row_values(meta, rel, size=stat.st_size, mtime=stat.st_mtime))
            )
            if len(batch) >= 200:  # short transactions: never block other writers for long
                flush()
        flush()
        gone = [rel for rel, (_s, _m, state) in known.items() if rel not in seen and state == "done"]
        with self._write() as conn:
            for rel in gone:
                if not (self.root / rel).exists():
                    report.removed += conn.execute(
                        "DELETE FROM images WHERE path = ? AND state = 'done'", (rel,)
                    ).rowcount
        return report


_UPSERT = """
INSERT INTO images (
    path, prompt, seed, created, created_ts, width, height, output_format, nsfw,
    guidance_scale, num_inference_steps, num_images, image_index, model, params_json,
    timings_json, app_version, file_size, mtime, favourite, rating, notes, tags,
    state, writer, pending_since
) VALUES (
    :path, :prompt, :seed, :created, :created_ts, :width, :height, :output_format, :nsfw,
    :guidance_scale, :num_inference_steps, :num_images, :image_index, :model, :params_json,
    :timings_json, :app_version, :file_size, :mtime, :favourite, :rating, :notes, :tags,
    :state, :writer, :pending_since
)
ON CONFLICT (path) DO UPDATE SET
    prompt = excluded.prompt, seed = excluded.seed, created = excluded.created,
    created_ts = excluded.created_ts, width = excluded.width, height = excluded.height,
    output_format = excluded.output_format, nsfw = excluded.nsfw,
    guidance_scale = excluded.guidance_scale, num_inference_steps = excluded.num_inference_steps,
    num_images = excluded.num_images, image_index = excluded.image_index, model = excluded.model,
    params_json = excluded.params_json, timings_json = excluded.timings_json,
    app_version = excluded.app_version, file_size = excluded.file_size, mtime = excluded.mtime,
    favourite = excluded.favourite, rating = excluded.rating, notes = excluded.notes,
    tags = excluded.tags, state = excluded.state, writer = excluded.writer,
    pending_since = excluded.pending_since
"""


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _read_quietly(path: Path) -> ImageMetadata | None:
    try:
        return md.read_file(path)
    except (OSError, ValueError):
        return None


def _opt_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _opt_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None
