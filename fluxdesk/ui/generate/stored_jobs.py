"""The window's queue backed by the job store (core/jobs): every job is written when it is
queued, runs through ``core.jobs.runner.run_job`` (so a job the API accepted is kept for
"Download again", and the daily cap is checked before anything is sent), and the jobs a
closed or crashed window left behind come back, waiting, on the next start.

The store is opened off the GUI thread (``load_kept``); the small writes of queueing and
discarding happen on it, like the settings' history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import CancelledError, FluxDeskError
from fluxdesk.core.generation.results import Progress
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.generate.generation import THUMB_SIDE, JobOutput, JobWork, decode_result
from fluxdesk.ui.generate.jobs import Job, JobState

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.jobs.model import Job as StoredJob


class StoreLink:
    """The queue's side of the store (``jobs.JobStoreLink``)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def add(self, request: GenerationRequest, stack: str = "") -> int:
        return self.ctx.jobs().add(request, stack).id

    def discard(self, store_id: int) -> None:
        self.ctx.jobs().discard(store_id)


def stored_work(ctx: AppContext, job: Job, thumb_side: int = THUMB_SIDE) -> JobWork:
    """The work of one stored job: send it or download what it misses, save, decode."""
    store_id = job.store_id
    assert store_id is not None
    cancel: CancelToken = job.cancel_token

    def work(report: Callable[[Progress], None]) -> JobOutput:
        from fluxdesk.core.jobs.runner import run_job  # heavy (requests, PIL): lazily

        store = ctx.jobs()
        client = ctx.make_client()
        sink = ctx.make_sink()  # (run_job puts a sweep cell's images into its stack)
        try:
            result = run_job(
                store,
                store_id,
                client,
                sink,
                daily_cap=ctx.settings.daily_cap,
                cancel=cancel,
                on_progress=report,
            )
        except CancelledError:
            kept = store.get(store_id)
            if kept is not None and not kept.accepted and not job.kept_on_close:
                store.discard(store_id)  # cancelled by the user before the API answered
            job.can_download_again = kept is not None and kept.can_download_again
            job.saved_note = _saved_note(kept) if kept is not None and kept.accepted else ""
            raise
        except FluxDeskError:
            kept = store.get(store_id)
            job.can_download_again = kept is not None and kept.can_download_again
            job.saved_note = _saved_note(kept) if kept is not None and kept.accepted else ""
            raise
        job.can_download_again = False
        job.saved_note = ""
        cancel.raise_if_cancelled()
        return decode_result(result, thumb_side)

    return work


def _saved_note(stored: StoredJob) -> str:
    return f"{stored.images_saved} of {stored.images_total} saved"


class KeptError(FluxDeskError):
    """The error a job kept from an earlier session ended with, as the store recorded it."""


def load_kept(ctx: AppContext) -> list[StoredJob]:
    """(In a worker) open the store (recovering jobs of a process that died) and list the
    jobs still to act on."""
    return ctx.jobs().unfinished()


def restored_job(stored: StoredJob) -> Job:
    """A queue row for a job kept in the store: waiting when it was never sent, failed
    (with "Download again" when the API accepted it) otherwise."""
    from fluxdesk.core.jobs.model import JobState as Stored

    job = Job(request=stored.request, store_id=stored.id, stack=stored.stack)
    if stored.state is Stored.QUEUED:
        job.state = JobState.WAITING
        return job
    job.state = JobState.FAILED
    job.error = KeptError(stored.error or "FluxDesk stopped while this job was running.")
    job.can_download_again = stored.can_download_again
    job.saved_note = _saved_note(stored) if stored.accepted else ""
    return job


def usage_text(ctx: AppContext, next_images: int | None) -> tuple[str, str]:
    """(text, tooltip) of the status bar's usage: the next job's images and estimated
    cost, and today's billed images (against the cap) and cost."""
    from fluxdesk.core.jobs import usage as U

    settings = ctx.settings
    price = U.price_setting(settings.price_per_image)
    cap = U.cap_setting(settings.daily_cap)
    today = ctx.jobs().images_today()
    parts: list[str] = []
    if next_images:
        estimate = U.cost(next_images, price)
        cost = f" ≈ {U.format_cost(estimate)}" if estimate is not None else ""
        parts.append(f"Next: {next_images} image{'s' if next_images != 1 else ''}{cost}")
    used = f"{today} of {cap}" if cap is not None else str(today)
    spent = U.cost(today, price)
    parts.append(f"Today: {used} images" + (f" · {U.format_cost(spent)}" if spent is not None else ""))
    tip = "Images the API billed today (local time)"
    if cap is not None:
        tip += f"; the daily cap is {cap} (Settings)"
    if price is None:
        tip += "; set a price per image in Settings to see costs"
    return "   ·   ".join(parts) + "  ", tip


def describe_pause(error: Any) -> str:
    return f"{error} The queue is paused: raise the cap in Settings, then Run all."
