"""Running a stored job: the one path the command line and the window take.

A job that never got an answer from the API is sent (through ``generate``, which tells the
store each step); a job the API accepted only downloads its missing images from the
stored URLs: no second generation request, ever.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import CancelledError, DailyCapError, FluxDeskError
from fluxdesk.core.generation.generate import ImageSink, ProgressCallback, download_images, generate
from fluxdesk.core.generation.results import ApiResponse, GenerationClient, GenerationResult, SavedImage
from fluxdesk.core.interop.portable import with_sent_defaults
from fluxdesk.core.jobs.model import Job
from fluxdesk.core.jobs.store import JobStore

CANCELLED_AFTER_ANSWER = (
    "Cancelled after the API answered: the images are paid for and can be downloaded again."
)


class StoreJournal:
    """Tells the store each step of one job's generation (see ``generate.Journal``)."""

    def __init__(self, store: JobStore, job_id: int, daily_cap: int = 0) -> None:
        self.store = store
        self.job_id = job_id
        self.daily_cap = daily_cap
        self.was_accepted = False

    def sending(self) -> None:
        self.store.mark_sent(self.job_id, self.daily_cap)

    def accepted(self, response: ApiResponse, created: datetime) -> None:
        self.store.accept(self.job_id, response, created)
        self.was_accepted = True

    def reserved(self, index: int, final: Path) -> None:
        self.store.reserved(self.job_id, index, final)

    def saved(self, image: SavedImage) -> None:
        self.store.saved(self.job_id, image)


def run_job(
    store: JobStore,
    job_id: int,
    client: GenerationClient,
    sink: ImageSink,
    *,
    daily_cap: int = 0,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
) -> GenerationResult:
    """Send the job, or download what it misses; leave it ``done`` or say why not.

    On failure the job records the error (``download_failed`` once accepted, else
    ``failed``; ``interrupted`` when cancelled after the answer, ``queued`` again when the
    cap or a cancel stopped it before anything was sent) and the error is raised.
    """
    job = store.require(job_id)
    if job.state.running:
        raise FluxDeskError(f"Job {job_id} is running in another FluxDesk (state {job.state.value}).")
    cancel = cancel or CancelToken()
    if job.stack:  # a sweep's cell: its images join the sweep's stack
        from fluxdesk.core.sweep import StackSink

        sink = StackSink(sink, job.stack)
    if job.accepted:
        return _download_missing(store, job, client, sink, cancel, on_progress)
    journal = StoreJournal(store, job_id, daily_cap)
    try:
        result = generate(job.request, client, sink, cancel=cancel, on_progress=on_progress, journal=journal)
    except DailyCapError:
        raise  # refused before sending: the job stays as it was
    except CancelledError:
        if journal.was_accepted:
            store.interrupt(job_id, CANCELLED_AFTER_ANSWER)
        else:
            store.requeue(job_id)
        raise
    except FluxDeskError as error:
        store.fail(job_id, error)
        raise
    store.finish(job_id)
    return result


def _download_missing(
    store: JobStore,
    job: Job,
    client: GenerationClient,
    sink: ImageSink,
    cancel: CancelToken,
    on_progress: ProgressCallback | None,
) -> GenerationResult:
    response, created = job.response, job.batch_time
    assert response is not None and created is not None
    # The files record the request as it was sent (generate fills in "Auto" values too).
    request = with_sent_defaults(job.request)
    started = time.monotonic()
    store.begin_download(job.id)
    try:
        download_images(
            request,
            response,
            created,
            client,
            sink,
            indices=job.missing,
            cancel=cancel,
            on_progress=on_progress,
            journal=StoreJournal(store, job.id),
            started=started,
        )
    except CancelledError:
        store.interrupt(job.id, CANCELLED_AFTER_ANSWER)
        raise
    except FluxDeskError as error:
        store.fail(job.id, error)
        raise
    store.finish(job.id)
    done = store.get(job.id)
    assert done is not None
    return GenerationResult(
        request=request,
        seed=response.seed,
        images=tuple(image.as_saved() for image in done.images if image.saved),
        timings=dict(response.timings),
        created=created.isoformat(),
        elapsed=time.monotonic() - started,
    )
