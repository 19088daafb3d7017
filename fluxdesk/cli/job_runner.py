"""Running one stored job from the command line (``generate`` and ``jobs retry``): in a
thread, so Ctrl+C cancels it cleanly, with a progress line on a terminal's stderr, and
the results printed the same way whether the job was new or retried."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

from fluxdesk.cli.common import PROG
from fluxdesk.core.errors import FluxDeskError

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.core.generation.results import GenerationResult, Progress
    from fluxdesk.core.jobs.model import Job


class TerminalProgress:
    """One self-rewriting status line on stderr (only when stderr is a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        from fluxdesk.cli.terminal import unescaped

        self.stream = stream  # escapes control characters (our text is plain anyway)
        self.control = unescaped(stream)  # for the line's own carriage return and erase
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.text = "Submitting…"
        self.lock = threading.Lock()

    def update(self, progress: Progress) -> None:
        with self.lock:
            self.text = progress.activity

    def draw(self) -> None:
        if self.enabled:
            with self.lock:
                line = f"{self.text}  {time.monotonic() - self.started:5.1f} s"
            self.control.write("\r\x1b[2K")
            self.stream.write(line)
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.control.write("\r\x1b[2K")
            self.control.flush()


def run_job_here(ctx: AppContext, job_id: int) -> GenerationResult:
    """Run (or download the rest of) job ``job_id``; raises its FluxDeskError."""
    from fluxdesk.core.cancel import CancelToken
    from fluxdesk.core.jobs.runner import run_job

    client = ctx.make_client()
    library = ctx.library()
    store = ctx.jobs()
    cancel = CancelToken()
    progress = TerminalProgress(sys.stderr)
    outcome: dict[str, GenerationResult | BaseException] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = run_job(
                store,
                job_id,
                client,
                library,
                daily_cap=ctx.settings.daily_cap,
                cancel=cancel,
                on_progress=progress.update,
            )
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            finished.set()

    # The work runs in a thread so Ctrl+C in the main thread can cancel it cleanly
    # (temp files removed) instead of killing it mid-write. An Event, not join(): a
    # join() interrupted by KeyboardInterrupt may not wait properly afterwards.
    threading.Thread(target=work, name="fluxdesk-generate", daemon=True).start()
    try:
        while not finished.wait(0.1):
            progress.draw()
    except KeyboardInterrupt:
        cancel.cancel()
        finished.wait()
    finally:
        progress.finish()
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    result = outcome["result"]
    assert not isinstance(result, BaseException)
    return result


def partial_result(job: Job) -> GenerationResult:
    """What an accepted job has saved so far, as a result to print."""
    from fluxdesk.core.generation.results import GenerationResult

    assert job.seed is not None and job.batch_created is not None
    return GenerationResult(
        request=job.request,
        seed=job.seed,
        images=tuple(image.as_saved() for image in job.images if image.saved),
        timings=dict(job.timings),
        created=job.batch_created,
        elapsed=0.0,
    )


def print_result(result: GenerationResult, *, as_json: bool, job_id: int | None = None) -> None:
    if as_json:
        import json  # (lazily, like every module the window does not need)

        data = result.to_json()
        if job_id is not None:
            data["job"] = job_id
        print(json.dumps(data, ensure_ascii=False))
    else:
        for image in result.images:
            print(image.path)


def report_kept(job: Job, error: FluxDeskError) -> int:
    """After a failure of an accepted job: the error, then as the last stderr line how to
    finish it (or, when the image server no longer has the images, how to forget it).
    A cancel (Ctrl+C, SIGTERM) says where the job is kept and goes on to the entry point,
    which ends with its own last line and exit code."""
    from fluxdesk.core.errors import ErrorKind

    cancelled = error.kind is ErrorKind.CANCELLED
    if not cancelled:
        print(f"{PROG}: {error}", file=sys.stderr)
    if job.images_gone:
        print(
            f"{PROG}: {job.images_saved} of {job.images_total} images saved; the others can no longer "
            f"be downloaded: run {PROG} jobs discard {job.id}",
            file=sys.stderr,
        )
    else:
        print(
            f"{PROG}: {job.images_saved} of {job.images_total} images saved; the rest are paid for and "
            f"kept as job {job.id}: run {PROG} jobs retry {job.id}",
            file=sys.stderr,
        )
    if cancelled:
        raise error
    return error.exit_code
