"""The job store's tables and their migrations (``PRAGMA user_version``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from fluxdesk.core.library.schema import run_migrations

JOBS_DB_NAME = "jobs.sqlite3"

_V1 = (
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN (
            'queued', 'sent', 'accepted', 'done', 'download_failed', 'interrupted', 'failed')),
        created TEXT NOT NULL,                -- ISO 8601 UTC
        updated_ts REAL NOT NULL,
        request_json TEXT NOT NULL,           -- GenerationRequest.to_fields()
        images_total INTEGER NOT NULL,
        seed TEXT,                            -- decimal: seeds go up to 2**64-1, past INTEGER
        batch_created TEXT,                   -- set when accepted: names and dates the files
        timings_json TEXT NOT NULL DEFAULT '{}',
        error TEXT NOT NULL DEFAULT '',
        error_kind TEXT NOT NULL DEFAULT '',
        writer TEXT NOT NULL DEFAULT ''       -- 'host:pid' while sent/accepted
    )
    """,
    "CREATE INDEX jobs_state ON jobs (state)",
    """
    CREATE TABLE job_images (
        job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        url TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        nsfw INTEGER NOT NULL DEFAULT 0,
        path TEXT,                            -- the saved file
        reserved TEXT,                        -- the final name reserved while downloading
        saved_width INTEGER NOT NULL DEFAULT 0,
        saved_height INTEGER NOT NULL DEFAULT 0,
        byte_size INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, idx)
    )
    """,
    # Billed generations, kept when their job is discarded or pruned.
    """
    CREATE TABLE usage (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL,
        accepted_ts REAL NOT NULL,            -- Unix seconds
        images INTEGER NOT NULL
    )
    """,
    "CREATE INDEX usage_time ON usage (accepted_ts)",
)


def _migrate_1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


def _migrate_2(conn: sqlite3.Connection) -> None:
    """The stack id a job's images get instead of their own ('' for their own): the cells
    of a sweep share one, also when a cell's images are downloaded again later."""
    conn.execute("ALTER TABLE jobs ADD COLUMN stack TEXT NOT NULL DEFAULT ''")


# Index i migrates user_version i -> i + 1. Append only; never edit a shipped step.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_1, _migrate_2)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION inside one write transaction (safe if racing)."""
    run_migrations(conn, MIGRATIONS, "job store")
