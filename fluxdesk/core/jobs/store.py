"""The job store: one SQLite file (``jobs.sqlite3`` in the data folder), crash-safe like
the library index: WAL, ``synchronous = FULL``, every change one short ``BEGIN
IMMEDIATE`` transaction, so the window and the command line can share it and a crash
never leaves a half-written job. A job of a process that died while it was ``sent`` or
``accepted`` becomes ``interrupted`` when the store is next opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fluxdesk.core.errors import DailyCapError, FluxDeskError, ImageGoneError, LibraryError
from fluxdesk.core.generation.results import ApiResponse, RemoteImage, SavedImage
from fluxdesk.core.jobs.model import (
    IMAGES_GONE,
    UNFINISHED_STATES,
    Job,
    JobImage,
    JobState,
    UsageFigures,
    UsageReport,
)
from fluxdesk.core.jobs.schema import JOBS_DB_NAME, migrate
from fluxdesk.core.jobs.usage import day_start, month_start, usage_figures
from fluxdesk.core.library.naming import PART_SUFFIX
from fluxdesk.core.library.store import _alive
from fluxdesk.core.request import GenerationRequest, build_request

BUSY_TIMEOUT_S = 10.0
# A running job of a writer whose liveness cannot be checked (another host, Windows) is
# taken as interrupted after this long without a change.
STALE_AFTER_S = 600.0
# Finished jobs are kept a while (the window lists the session's results), then pruned.
KEEP_DONE_S = 7 * 24 * 3600.0

INTERRUPTED_MESSAGE = "FluxDesk stopped while this job was running."
INTERRUPTED_BEFORE_ANSWER = (
    "FluxDesk stopped while waiting for the API: it may have generated (and billed) the "
    "images, but without its answer they cannot be downloaded."
)


def jobs_db_path(data_folder: Path) -> Path:
    return data_folder / JOBS_DB_NAME


def _now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _temp_for(final: Path) -> Path:
    """The ``.name.part`` temp file beside ``final`` (the library's and folder sink's rule)."""
    return final.with_name(f".{final.name}{PART_SUFFIX}")


class UnknownJobError(FluxDeskError):
    """No job with this id (discarded, finished and pruned, or never made)."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"No unfinished job {job_id}; `fluxdesk jobs list` shows them.")
        self.job_id = job_id


class JobStore:
    """The jobs of every front end. Thread-safe (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._writer = f"{socket.gethostname()}:{os.getpid()}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create {self.path.parent}: {exc.strerror or exc}") from exc
        with self._sql():
            # check_same_thread=False: the window's worker threads use it too, one at a
            # time through self._lock.
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            if self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise LibraryError(f"The job store {self.path} cannot use WAL mode (network drive?).")
            migrate(self._conn)
        self.recover()

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- plumbing

    @contextlib.contextmanager
    def _sql(self) -> Iterator[None]:
        """SQLite's failures as one-line LibraryErrors (exit 12), like the library's."""
        try:
            yield
        except sqlite3.Error as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                message = f"The job store {self.path} is locked by another program; try again."
            elif "malformed" in text or "not a database" in text:
                message = f"The job store {self.path} is damaged ({exc}); move it away to start afresh."
            else:
                message = f"Cannot use the job store {self.path}: {exc}."
            raise LibraryError(message) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._sql():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, query: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock, self._sql():
            return self._conn.execute(query, args).fetchall()

    def _set_state(self, conn: sqlite3.Connection, job_id: int, state: JobState, **values: Any) -> None:
        values = {"state": state.value, "updated_ts": time.time(), **values}
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        conn.execute(f"UPDATE jobs SET {assignments} WHERE id = :id", {**values, "id": job_id})

    # ----------------------------------------------------------------- reading

    def get(self, job_id: int) -> Job | None:
        rows = self._rows("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return self._job(rows[0]) if rows else None

    def require(self, job_id: int) -> Job:
        job = self.get(job_id)
        if job is None or job.state is JobState.DONE:
            raise UnknownJobError(job_id)
        return job

    def unfinished(self) -> list[Job]:
        """Jobs a person has to act on (``jobs list``), oldest first."""
        marks = ", ".join("?" for _ in UNFINISHED_STATES)
        rows = self._rows(
            f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY id",
            tuple(s.value for s in UNFINISHED_STATES),
        )
        return [self._job(row) for row in rows]

    def _job(self, row: sqlite3.Row) -> Job:
        request, problems = build_request(json.loads(row["request_json"]))
        if request is None:  # written by this code from a valid request: a damaged store
            raise LibraryError(f"Job {row['id']} in {self.path} is damaged: {problems[0].message}")
        images = [
            JobImage(
                index=image["idx"],
                remote=RemoteImage(
                    url=image["url"],
                    width=image["width"],
                    height=image["height"],
                    content_type=image["content_type"],
                    nsfw=bool(image["nsfw"]),
                ),
                path=Path(image["path"]) if image["path"] else None,
                reserved=Path(image["reserved"]) if image["reserved"] else None,
                width=image["saved_width"],
                height=image["saved_height"],
                byte_size=image["byte_size"],
            )
            for image in self._rows("SELECT * FROM job_images WHERE job_id = ? ORDER BY idx", (row["id"],))
        ]
        return Job(
            id=row["id"],
            state=JobState(row["state"]),
            created=row["created"],
            request=request,
            images_total=row["images_total"],
            seed=int(row["seed"]) if row["seed"] is not None else None,
            error=row["error"],
            error_kind=row["error_kind"],
            batch_created=row["batch_created"],
            timings=json.loads(row["timings_json"]),
            images=tuple(images),
            writer=row["writer"],
            stack=row["stack"],
        )

    # ----------------------------------------------------------------- the steps

    def add(self, request: GenerationRequest, stack: str = "") -> Job:
        """Write a new ``queued`` job (``stack``: the stack id its images get, a sweep's)."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO jobs (state, created, updated_ts, request_json, images_total, stack) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    JobState.QUEUED.value,
                    _now_iso(),
                    time.time(),
                    json.dumps(request.to_fields(), ensure_ascii=False),
                    request.num_images,
                    stack,
                ),
            )
            job_id = cursor.lastrowid
        assert job_id is not None
        job = self.get(job_id)
        assert job is not None
        return job

    def mark_sent(self, job_id: int, daily_cap: int = 0) -> None:
        """The request is about to be sent. With a cap, refuse (DailyCapError, the job
        unchanged) when its images would pass it, counting today's billed images and the
        jobs other processes have on their way now. Check and mark are one transaction,
        so the window and a script cannot both squeeze under the cap."""
        with self._write() as conn:
            row = conn.execute("SELECT images_total FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise UnknownJobError(job_id)
            if daily_cap > 0:
                used = self._billed_since(conn, day_start())
                in_flight = conn.execute(
                    "SELECT COALESCE(SUM(images_total), 0) FROM jobs WHERE state = 'sent' AND id != ?",
                    (job_id,),
                ).fetchone()[0]
                if used + in_flight + row["images_total"] > daily_cap:
                    raise DailyCapError(daily_cap, used + in_flight, row["images_total"])
            self._set_state(conn, job_id, JobState.SENT, writer=self._writer, error="", error_kind="")

    def accept(self, job_id: int, response: ApiResponse, created: datetime) -> None:
        """The API's answer, stored at once with the billed images counted."""
        with self._write() as conn:
            conn.execute("DELETE FROM job_images WHERE job_id = ?", (job_id,))
            conn.executemany(
                "INSERT INTO job_images (job_id, idx, url, width, height, content_type, nsfw) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (job_id, i, image.url, image.width, image.height, image.content_type, int(image.nsfw))
                    for i, image in enumerate(response.images)
                ],
            )
            conn.execute(
                "INSERT INTO usage (job_id, accepted_ts, images) VALUES (?, ?, ?)",
                (job_id, time.time(), len(response.images)),
            )
            self._set_state(
                conn,
                job_id,
                JobState.ACCEPTED,
                seed=str(response.seed),
                batch_created=created.isoformat(timespec="milliseconds"),
                timings_json=json.dumps(response.timings),
                images_total=len(response.images),
                writer=self._writer,
            )

    def begin_download(self, job_id: int) -> None:
        """A download-only retry starts: the job is this process's, ``accepted`` again."""
        with self._write() as conn:
            self._set_state(conn, job_id, JobState.ACCEPTED, writer=self._writer)

    def reserved(self, job_id: int, index: int, final: Path) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE job_images SET reserved = ? WHERE job_id = ? AND idx = ?", (str(final), job_id, index)
            )

    def saved(self, job_id: int, image: SavedImage) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE job_images SET path = ?, reserved = NULL, saved_width = ?, saved_height = ?, "
                "byte_size = ? WHERE job_id = ? AND idx = ?",
                (str(image.path), image.width, image.height, image.byte_size, job_id, image.index),
            )

    def finish(self, job_id: int) -> None:
        with self._write() as conn:
            self._set_state(conn, job_id, JobState.DONE, writer="", error="", error_kind="")

    def fail(self, job_id: int, error: FluxDeskError) -> JobState:
        """Record why the job stopped: ``download_failed`` once accepted, else ``failed``."""
        job = self.get(job_id)
        state = JobState.DOWNLOAD_FAILED if job is not None and job.accepted else JobState.FAILED
        kind = IMAGES_GONE if isinstance(error, ImageGoneError) else error.kind.value
        with self._write() as conn:
            self._set_state(conn, job_id, state, writer="", error=error.message, error_kind=kind)
        self._remove_temps(job_id)
        return state

    def interrupt(self, job_id: int, message: str = INTERRUPTED_MESSAGE) -> None:
        with self._write() as conn:
            self._set_state(conn, job_id, JobState.INTERRUPTED, writer="", error=message, error_kind="")
        self._remove_temps(job_id)

    def requeue(self, job_id: int) -> None:
        """Back to ``queued`` (a job that was refused by the cap, or never got an answer)."""
        with self._write() as conn:
            self._set_state(conn, job_id, JobState.QUEUED, writer="")

    def discard(self, job_id: int) -> bool:
        """Forget the job and its temporary files (saved images stay in the library).
        Its billed images stay counted. False when there was no such job."""
        self._remove_temps(job_id)
        with self._write() as conn:
            conn.execute("DELETE FROM job_images WHERE job_id = ?", (job_id,))
            return conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount > 0

    def _remove_temps(self, job_id: int) -> None:
        """Temp files of the job's unsaved images: only after their writer stopped."""
        rows = self._rows(
            "SELECT idx, reserved FROM job_images WHERE job_id = ? AND reserved IS NOT NULL AND path IS NULL",
            (job_id,),
        )
        for row in rows:
            with contextlib.suppress(OSError):
                _temp_for(Path(row["reserved"])).unlink(missing_ok=True)
        with self._write() as conn:
            conn.execute("UPDATE job_images SET reserved = NULL WHERE job_id = ? AND path IS NULL", (job_id,))

    # ----------------------------------------------------------------- recovery

    def recover(self) -> list[int]:
        """Mark the running jobs of dead processes ``interrupted`` (removing their temp
        files) and prune old finished jobs; return the ids interrupted."""
        now = time.time()
        rows = self._rows(
            "SELECT id, writer, updated_ts, batch_created FROM jobs WHERE state IN ('sent', 'accepted')"
        )
        interrupted = []
        for row in rows:
            alive = _alive(row["writer"])
            if alive or (alive is None and now - row["updated_ts"] < STALE_AFTER_S):
                continue
            message = INTERRUPTED_MESSAGE if row["batch_created"] else INTERRUPTED_BEFORE_ANSWER
            self.interrupt(row["id"], message)
            interrupted.append(row["id"])
        with self._write() as conn:
            old = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM jobs WHERE state = 'done' AND updated_ts < ?", (now - KEEP_DONE_S,)
                )
            ]
            for job_id in old:
                conn.execute("DELETE FROM job_images WHERE job_id = ?", (job_id,))
                conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        return interrupted

    # ----------------------------------------------------------------- usage

    @staticmethod
    def _billed_since(conn: sqlite3.Connection, since: float) -> int:
        row = conn.execute(
            "SELECT COALESCE(SUM(images), 0) FROM usage WHERE accepted_ts >= ?", (since,)
        ).fetchone()
        return int(row[0])

    def images_today(self) -> int:
        with self._lock, self._sql():
            return self._billed_since(self._conn, day_start())

    def usage_rows(self, since: float) -> tuple[int, int]:
        """(generations, images) billed since ``since`` (Unix seconds)."""
        rows = self._rows(
            "SELECT COUNT(*), COALESCE(SUM(images), 0) FROM usage WHERE accepted_ts >= ?", (since,)
        )
        return int(rows[0][0]), int(rows[0][1])

    def usage(self, price_per_image: float | None, daily_cap: int | None) -> UsageReport:
        """The ``usage`` report (today and this month in local time, and all time)."""

        def figures(since: float) -> UsageFigures:
            return usage_figures(*self.usage_rows(since), price_per_image)

        return UsageReport(
            today=figures(day_start()),
            month=figures(month_start()),
            total=figures(float("-inf")),
            price_per_image=price_per_image,
            daily_cap=daily_cap,
        )
