"""The job queue: job state lives here (a model with a state enum and signals).

Jobs run one after another on a ``QThreadPool``, each as a reporting task
(``ui/tasks.py``: its progress and outcome come back on the GUI thread, and not at all
once the queue is gone). Cancelling the running job frees the queue at once (late
results from its worker are ignored), so the next job starts without waiting for a slow
network call to give up.
"""

from __future__ import annotations

import enum
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    Signal,
)

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import CancelledError, DailyCapError, FluxDeskError
from fluxdesk.core.generation.results import Progress
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.generate.generation import JobOutput, JobWork
from fluxdesk.ui.tasks import run_reporting_task

KEEP_FINISHED = 50


class JobState(str, enum.Enum):
    WAITING = "waiting"  # kept from an earlier session, or held by the daily cap: not started by itself
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def label(self) -> str:
        return self.value.capitalize()


_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """One generation in the queue, with its state, timing, progress and outcome."""

    request: GenerationRequest
    id: int = field(default_factory=lambda: next(_ids))
    state: JobState = JobState.QUEUED
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    ended: float | None = None
    progress: Progress | None = None
    error: BaseException | None = None
    output: JobOutput | None = None
    cancel_token: CancelToken = field(default_factory=CancelToken)
    store_id: int | None = None  # the job's row in the job store (core/jobs)
    # Accepted by the API (billed) but not all images saved: "Download again" fetches the
    # rest from the stored URLs, without a second generation request.
    can_download_again: bool = False
    saved_note: str = ""  # e.g. "1 of 4 saved", for a job kept from an earlier session
    kept_on_close: bool = False  # cancelled because the window closed: stays in the store
    label: str = ""  # what sets it apart from its siblings, e.g. a sweep cell's "guidance 3.5"
    stack: str = ""  # the stack id its images get instead of their own (a sweep's cells share one)

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or time.monotonic()) - self.started

    def title(self) -> str:
        """The job's first line: its label (a sweep's swept value) before the prompt."""
        prompt = " ".join(self.request.prompt.split())
        return f"{self.label} · {prompt}" if self.label else prompt

    def status_text(self) -> str:
        if self.state is JobState.RUNNING:
            stage = self.progress.activity if self.progress else "Starting…"
            return f"Running · {self.elapsed:.1f} s · {stage}"
        if self.state is JobState.DONE:
            n = len(self.output.images) if self.output else 0
            return f"Done · {n} image{'s' if n != 1 else ''} · {self.elapsed:.1f} s"
        note = f" · {self.saved_note}" if self.saved_note else ""
        # A job that ran says how long, also when it failed or was cancelled.
        took = f" · {self.elapsed:.1f} s" if self.started is not None else ""
        if self.state is JobState.FAILED:
            return "Failed" + took + note + " · " + self.failure_reason()
        if self.state is JobState.CANCELLED:
            return "Cancelled" + took + note
        if self.state is JobState.WAITING:
            return "Waiting" + note + " · Run all to start"
        return "Queued"

    def failure_reason(self) -> str:
        """One line a person can read: the error's own message, or its kind for a bug."""
        error = self.error
        if error is None:
            return ""
        if isinstance(error, FluxDeskError):
            from fluxdesk.ui.messages import user_message  # (the window's wording of it)

            text = user_message(error).text
        else:
            text = f"Unexpected error ({type(error).__name__})"
        lines = [line for line in (" ".join(part.split()) for part in text.splitlines()) if line]
        return lines[0] if lines else type(error).__name__


WorkFactory = Callable[[Job], JobWork]  # what a job runs in a worker (generation_work)


class JobStoreLink(Protocol):
    """What the queue asks of the job store (see ui/generate/stored_jobs.py)."""

    def add(self, request: GenerationRequest, stack: str = "") -> int: ...

    def discard(self, store_id: int) -> None: ...


class JobQueue(QObject):
    job_added = Signal(object)
    job_changed = Signal(object)  # state or progress changed
    job_started = Signal(object)
    job_done = Signal(object)
    job_failed = Signal(object)
    job_cancelled = Signal(object)
    idle_changed = Signal(bool)
    job_removed = Signal(object)  # discarded
    paused_changed = Signal(object)  # the error that paused the queue (the daily cap), or None

    def __init__(
        self,
        make_work: WorkFactory,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
        store: JobStoreLink | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_work = make_work
        self.store = store
        self.paused: BaseException | None = None
        self.pool = pool or QThreadPool(self)
        if pool is None:
            self.pool.setMaxThreadCount(4)
        self.jobs: list[Job] = []
        self.running: Job | None = None

    # --- public API ---------------------------------------------------------------------
    def submit(self, request: GenerationRequest, label: str = "", stack: str = "") -> Job:
        job = Job(request=request, label=label, stack=stack)
        if self.store is not None:
            # Written before it can be sent: a crash or a close keeps it for the next start.
            job.store_id = self.store.add(request, stack)
        self.jobs.append(job)
        self._trim()
        self.job_added.emit(job)
        self._start_next()
        return job

    def retry(self, job: Job) -> Job:
        """Run a failed or cancelled job again. A stored job runs again as itself: one the
        API accepted downloads only its missing images ("Download again"), never a second
        generation request."""
        # A job cancelled before the API answered was forgotten by its worker: a new one.
        again = job.state in (JobState.FAILED, JobState.WAITING) or job.can_download_again
        if job.store_id is None or not again:
            return self.submit(job.request, stack=job.stack)
        self._requeue(job)
        self._start_next()
        return job

    def run_all(self) -> None:
        """Start every waiting job (kept from an earlier session, or held by the cap)."""
        self._set_paused(None)
        for job in self.jobs:
            if job.state is JobState.WAITING:
                self._requeue(job)
        self._start_next()

    def restore(self, jobs: list[Job]) -> None:
        """Show jobs kept from an earlier session (waiting or failed); none starts by itself."""
        for job in jobs:
            self.jobs.append(job)
            self.job_added.emit(job)

    def discard(self, job: Job) -> None:
        """Forget a job that is not running, here and in the store."""
        if job is self.running:
            return
        if job.store_id is not None and self.store is not None:
            self.store.discard(job.store_id)
        job.state = JobState.CANCELLED
        if job in self.jobs:
            self.jobs.remove(job)
        self.job_removed.emit(job)

    def clear_finished(self) -> int:
        """Take done and cancelled jobs off the list (failed ones stay: they may need
        "Retry" or "Download again"); returns how many went."""
        gone = [
            j
            for j in self.jobs
            if j.state in (JobState.DONE, JobState.CANCELLED)
            and not j.can_download_again
            and not j.kept_on_close
        ]
        for job in gone:
            self.jobs.remove(job)
            self.job_removed.emit(job)
        return len(gone)

    def _requeue(self, job: Job) -> None:
        job.state = JobState.QUEUED
        job.error = None
        job.started = job.ended = None
        job.progress = None
        job.cancel_token = CancelToken()
        self.job_changed.emit(job)

    def _set_paused(self, reason: BaseException | None) -> None:
        if (self.paused is None) != (reason is None) or reason is not None:
            self.paused = reason
            self.paused_changed.emit(reason)

    def cancel(self, job: Job) -> None:
        if job.state.finished:
            return
        if job is not self.running and job.store_id is not None and self.store is not None:
            self.store.discard(job.store_id)  # never sent: nothing to keep (a running one's
            # worker decides: a job the API accepted is kept for "Download again")
        job.cancel_token.cancel()
        was_running = job is self.running
        self._finish(job, JobState.CANCELLED, error=CancelledError())
        if was_running:
            self._start_next()

    def cancel_running(self) -> bool:
        if self.running is None:
            return False
        self.cancel(self.running)
        return True

    def queued(self) -> list[Job]:
        return [j for j in self.jobs if j.state is JobState.QUEUED]

    @property
    def busy(self) -> bool:
        return self.running is not None or bool(self.queued())

    def shutdown(self, timeout_ms: int = 5000) -> None:
        for job in list(self.jobs):
            if not job.state.finished:
                job.kept_on_close = True  # waiting jobs stay in the store for the next start
                job.cancel_token.cancel()
        self.pool.waitForDone(timeout_ms)

    # --- internals ----------------------------------------------------------------------
    def _start_next(self) -> None:
        if self.running is not None or self.paused is not None:
            return
        queued = self.queued()
        if not queued:
            self.idle_changed.emit(True)
            return
        job = queued[0]
        job.state = JobState.RUNNING
        job.started = time.monotonic()
        self.running = job
        work = self._make_work(job)
        self.job_started.emit(job)
        self.job_changed.emit(job)
        self.idle_changed.emit(False)
        # Tied to the queue: once it is gone (its window closed), a late result is dropped.
        run_reporting_task(
            self.pool,
            work,
            lambda progress: self._on_progress(job, progress),
            lambda output: self._on_finished(job, output),
            lambda error: self._on_failed(job, error),
            receiver=self,
        )

    def _on_progress(self, job: Job, progress: Progress) -> None:
        if job.state is JobState.RUNNING:
            job.progress = progress
            self.job_changed.emit(job)

    def _on_finished(self, job: Job, output: JobOutput) -> None:
        if job.state is not JobState.RUNNING:
            return  # cancelled meanwhile: ignore the late result
        job.output = output
        self._finish(job, JobState.DONE)
        self._start_next()

    def _on_failed(self, job: Job, error: BaseException) -> None:
        if job.state is not JobState.RUNNING:
            return
        if isinstance(error, DailyCapError):
            # Nothing was sent: the job waits, and so does the rest of the queue.
            job.state = JobState.WAITING
            job.error = None
            job.started = None
            self.running = None
            self.job_changed.emit(job)
            self._set_paused(error)
            self.idle_changed.emit(True)
            return
        state = JobState.CANCELLED if isinstance(error, CancelledError) else JobState.FAILED
        self._finish(job, state, error=error)
        self._start_next()

    def _finish(self, job: Job, state: JobState, error: BaseException | None = None) -> None:
        job.state = state
        job.ended = time.monotonic()
        job.error = error
        if job is self.running:
            self.running = None
        self.job_changed.emit(job)
        {
            JobState.DONE: self.job_done,
            JobState.FAILED: self.job_failed,
            JobState.CANCELLED: self.job_cancelled,
        }[state].emit(job)

    def _trim(self) -> None:
        finished = [j for j in self.jobs if j.state.finished]
        for job in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            self.jobs.remove(job)


JobRole = Qt.ItemDataRole.UserRole + 1


class JobListModel(QAbstractListModel):
    """The queue as a list, newest first, for the ``jobList`` view."""

    def __init__(
        self, queue: JobQueue, icons: dict[JobState, Any] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._queue = queue
        self._rows: list[Job] = []
        self._icons = icons or {}
        queue.job_added.connect(self._added)
        queue.job_changed.connect(self._changed)
        queue.job_removed.connect(self._removed)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def job(self, row: int) -> Job | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, job: Job) -> int:
        try:
            return self._rows.index(job)
        except ValueError:
            return -1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        job = self.job(index.row()) if index.isValid() else None
        if job is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            prompt = job.title()
            if len(prompt) > 70:
                prompt = prompt[:69] + "…"
            return f"{prompt}\n{job.status_text()}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{job.title()}\n\n{job.status_text()}"
                if job.label
                else f"{job.request.prompt}\n\n{job.status_text()}"
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Job {job.id}, {job.state.label}: {job.title()[:100]}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(job.state)
        if role == JobRole:
            return job
        return None

    def _added(self, job: Job) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, job)
        self.endInsertRows()
        # Drop rows the queue forgot.
        known = set(map(id, self._queue.jobs))
        for row in range(len(self._rows) - 1, -1, -1):
            if id(self._rows[row]) not in known:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()

    def _removed(self, job: Job) -> None:
        row = self.row_of(job)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def _changed(self, job: Job) -> None:
        row = self.row_of(job)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def refresh_running(self) -> None:
        """Called by a timer so the running job's elapsed time ticks."""
        if self._queue.running is not None:
            self._changed(self._queue.running)
