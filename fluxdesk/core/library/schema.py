"""The index's SQLite schema: its migrations, the columns a row is read with, the upsert.

``PRAGMA user_version`` says which migrations a database has had; :func:`migrate`
applies the missing ones in one write transaction, so two processes opening an old index
at once cannot both migrate it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence

from fluxdesk.core.errors import LibraryError


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


def _migrate_2(conn: sqlite3.Connection) -> None:
    """Seeds 1…2**64-1 (the seed rule): the column holds seed - 2**63 (see rows.py), and
    the request JSON no longer repeats the seed (the record holds it once).

    A row with a negative seed (which version 1 let through, and no seed rule allows) is
    dropped: its file stays, and a reindex names it as a file it cannot use. Seed 0 stays:
    an imported image whose tool named no seed (record.UNKNOWN_SEED).
    """
    _run_script(
        conn,
        """
        DELETE FROM images WHERE seed < 0;
        ALTER TABLE images RENAME COLUMN seed TO seed_shifted;
        UPDATE images SET
            seed_shifted = seed_shifted + (-9223372036854775807 - 1),
            params_json = json_remove(params_json, '$.seed');
        """,
    )


def _migrate_3(conn: sqlite3.Connection) -> None:
    """Projects and stacks (issue 18): each image's project ('' for none) and job (its
    stack id); the projects themselves (a project may hold no image yet); and the
    library's own state (the active project), so the window and the CLI share it.

    Existing rows get no project and no job: their files hold neither.
    """
    _run_script(
        conn,
        """
        ALTER TABLE images ADD COLUMN project TEXT NOT NULL DEFAULT '';
        ALTER TABLE images ADD COLUMN job TEXT NOT NULL DEFAULT '';
        CREATE INDEX images_project ON images (project, created_ts DESC, id DESC);
        CREATE TABLE projects (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            created_ts REAL NOT NULL DEFAULT 0
        );
        CREATE TABLE library_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def _migrate_4(conn: sqlite3.Connection) -> None:
    """Indexes in the gallery's whole order (paging.ORDER), after the done state every
    listing asks for: the first page and every keyset page after it are an index range
    read in order, without sorting the library (at 100,000 images the planner had scanned
    the table and sorted it for each first page), and a count of done rows, of a
    project's done rows, reads the index alone. The project index compares names without
    case, as every project query does (the schema 3 one, case-sensitive, was never used).
    """
    _run_script(
        conn,
        """
        DROP INDEX images_newest;
        DROP INDEX images_project;
        CREATE INDEX images_order ON images (state, created_ts DESC, seed_shifted, image_index, id DESC);
        CREATE INDEX images_project_order ON images (
            project COLLATE NOCASE, state, created_ts DESC, seed_shifted, image_index, id DESC
        );
        """,
    )


def _migrate_5(conn: sqlite3.Connection) -> None:
    """Stacks: a job's images by their job id (the gallery loads the rest of a stack that
    a page cuts in two; without the index that is a scan of the whole table)."""
    conn.execute("CREATE INDEX images_job ON images (job)")


# Index i migrates user_version i -> i + 1. Append only; never edit a shipped step.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _migrate_1,
    _migrate_2,
    _migrate_3,
    _migrate_4,
    _migrate_5,
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION inside one write transaction (safe if racing)."""
    run_migrations(conn, MIGRATIONS, "library index")


def run_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Callable[[sqlite3.Connection], None]], store: str
) -> None:
    """Apply the steps of ``migrations`` a database lacks (its ``PRAGMA user_version``
    says how many it has had) inside one write transaction, so two processes opening an
    old database at once cannot both migrate it. ``store`` names the database in the
    error a newer schema gets (LibraryError). Shared by the library index and the job store."""
    latest = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > latest:
            raise LibraryError(
                f"The {store} was written by a newer FluxDesk (schema {version}, "
                f"this version knows {latest}); update FluxDesk."
            )
        for step in range(version, latest):
            migrations[step](conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


# What a row is read with (see queries.item_from_row).
COLUMNS = (
    "id, path, prompt, seed_shifted, created, width, height, output_format, nsfw, params_json, "
    "timings_json, file_size, favourite, rating, notes, tags, model, image_index, app_version, project, job"
)

UPSERT = """
INSERT INTO images (
    path, prompt, seed_shifted, created, created_ts, width, height, output_format, nsfw,
    guidance_scale, num_inference_steps, num_images, image_index, model, params_json,
    timings_json, app_version, file_size, mtime, favourite, rating, notes, tags,
    project, job, state, writer, pending_since
) VALUES (
    :path, :prompt, :seed_shifted, :created, :created_ts, :width, :height, :output_format, :nsfw,
    :guidance_scale, :num_inference_steps, :num_images, :image_index, :model, :params_json,
    :timings_json, :app_version, :file_size, :mtime, :favourite, :rating, :notes, :tags,
    :project, :job, :state, :writer, :pending_since
)
ON CONFLICT (path) DO UPDATE SET
    prompt = excluded.prompt, seed_shifted = excluded.seed_shifted, created = excluded.created,
    created_ts = excluded.created_ts, width = excluded.width, height = excluded.height,
    output_format = excluded.output_format, nsfw = excluded.nsfw,
    guidance_scale = excluded.guidance_scale, num_inference_steps = excluded.num_inference_steps,
    num_images = excluded.num_images, image_index = excluded.image_index, model = excluded.model,
    params_json = excluded.params_json, timings_json = excluded.timings_json,
    app_version = excluded.app_version, file_size = excluded.file_size, mtime = excluded.mtime,
    favourite = excluded.favourite, rating = excluded.rating, notes = excluded.notes,
    tags = excluded.tags, project = excluded.project, job = excluded.job,
    state = excluded.state, writer = excluded.writer,
    pending_since = excluded.pending_since
"""
