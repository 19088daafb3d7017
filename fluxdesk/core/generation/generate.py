"""One generation from request to saved files: the single path the CLI and the window use.

POST the request, download every image in parallel (at most 4) into temp files in the
target folder, verify each by decoding it, embed the metadata and move it into place
atomically. On any failure or cancellation the temp files are removed: nothing partial
is ever left behind. Images already committed before a sibling failed stay saved (they
are complete) and the error says so.

A :class:`Journal` (the job store) hears of every step as it happens: before the request
is sent, the API's answer the moment it arrives, each file reserved and each image saved.
So a failure or a crash at any point leaves a record of what was paid for and what is
still to download, and :func:`download_images` can fetch just the missing images later.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import CancelledError, FluxDeskError, InvalidRequestError, LibraryError
from fluxdesk.core.generation.images import StreamingVerifier
from fluxdesk.core.generation.results import (
    ApiResponse,
    DownloadSession,
    GenerationClient,
    GenerationResult,
    Progress,
    RemoteImage,
    SavedImage,
    Stage,
)
from fluxdesk.core.interop.portable import with_sent_defaults
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.metadata import embed_file, fsync_dir
from fluxdesk.core.params import OutputFormat
from fluxdesk.core.request import GenerationRequest

log = logging.getLogger(__name__)

MAX_PARALLEL_DOWNLOADS = 4

ProgressCallback = Callable[[Progress], None]


class SavedFile(Protocol):
    @property
    def path(self) -> Path: ...


class ImageSink(Protocol):
    """Where finished images go: the Library, or a plain folder (auto-save off)."""

    def reserve_path(
        self, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat
    ) -> Path: ...

    def temp_path_for(self, final: Path) -> Path: ...

    def commit(self, temp: Path, final: Path, record: ImageRecord) -> SavedFile: ...


@dataclass(frozen=True)
class _FolderItem:
    """A file the folder sink has finished writing."""

    path: Path


class FolderSink:
    """Save into one plain folder with embedded metadata but no index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def reserve_path(
        self, created: datetime, prompt: str, seed: int, index: int, output_format: OutputFormat
    ) -> Path:
        from fluxdesk.core.library.naming import unique_file_name

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create {self.folder}: {exc.strerror or exc}") from None
        return self.folder / unique_file_name(self.folder, created, prompt, seed, index, output_format)

    def temp_path_for(self, final: Path) -> Path:
        return final.with_name(f".{final.name}.part")

    def commit(self, temp: Path, final: Path, record: ImageRecord) -> SavedFile:
        try:
            embed_file(temp, record)
            os.replace(temp, final)
            fsync_dir(final.parent)
        except OSError as exc:
            raise LibraryError(f"Cannot save {final}: {exc.strerror or exc}") from None
        finally:
            temp.unlink(missing_ok=True)
        return _FolderItem(final)


class Journal(Protocol):
    """Hears of a generation's steps as they happen (see the module docstring). Called from
    the download threads too: implementations are thread-safe."""

    def sending(self) -> None:
        """Just before the request is sent; raising here (e.g. DailyCapError) sends nothing."""

    def accepted(self, response: ApiResponse, created: datetime) -> None:
        """The API accepted (and billed) the job; ``created`` names and dates its files."""

    def reserved(self, index: int, final: Path) -> None:
        """Image ``index`` will be written to ``final`` (through its temp file)."""

    def saved(self, image: SavedImage) -> None:
        """Image ``image.index`` is saved, complete, under its final name."""


class _NoJournal:
    def sending(self) -> None:
        pass

    def accepted(self, response: ApiResponse, created: datetime) -> None:
        pass

    def reserved(self, index: int, final: Path) -> None:
        pass

    def saved(self, image: SavedImage) -> None:
        pass


class _ProgressTracker:
    """Aggregates byte counts from the download threads into Progress events."""

    def __init__(self, started: float, total_images: int, callback: ProgressCallback | None) -> None:
        self.started = started
        self.total_images = total_images
        self.callback = callback
        self.lock = threading.Lock()
        self.bytes_done: dict[int, int] = {}
        self.bytes_total: dict[int, int] = {}
        self.images_done = 0
        self.last_emit = 0.0

    def emit(self, stage: Stage, *, force: bool = True, note: str = "") -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        with self.lock:
            if not force and now - self.last_emit < 0.05:  # ≤ 20 events/s: calm UI, cheap
                return
            self.last_emit = now
            event = Progress(
                stage=stage,
                elapsed=now - self.started,
                images_total=self.total_images,
                images_done=self.images_done,
                bytes_done=sum(self.bytes_done.values()),
                bytes_total=sum(self.bytes_total.values()),
                note=note,
            )
        self.callback(event)

    def on_bytes(self, index: int) -> Callable[[int, int], None]:
        def update(done: int, total: int) -> None:
            with self.lock:
                self.bytes_done[index] = done
                self.bytes_total[index] = total
            self.emit(Stage.DOWNLOADING, force=False)

        return update

    def image_saved(self) -> None:
        with self.lock:
            self.images_done += 1
        self.emit(Stage.SAVING)


def _waiting(seconds: float) -> str:
    """The job's line while the API asks it to wait (429/503 with Retry-After)."""
    return f"The API asked to wait: retrying in {math.ceil(seconds)} s…"


def generate(
    request: GenerationRequest,
    client: GenerationClient,
    sink: ImageSink,
    *,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
    journal: Journal | None = None,
) -> GenerationResult:
    """Run one generation to the end. Raises FluxDeskError subclasses only."""
    problems = request.problems()
    if problems:
        raise InvalidRequestError([p.message for p in problems])
    # "Auto" steps/guidance are sent as the API's defaults, so every file records the values
    # really used and other tools can read it (README: Metadata FluxDesk writes).
    request = with_sent_defaults(request)
    cancel = cancel or CancelToken()
    journal = journal or _NoJournal()
    started = time.monotonic()
    tracker = _ProgressTracker(started, request.num_images, on_progress)
    cancel.raise_if_cancelled()
    journal.sending()
    tracker.emit(Stage.SUBMITTING)
    response = client.submit(
        request, cancel, on_wait=lambda seconds: tracker.emit(Stage.SUBMITTING, note=_waiting(seconds))
    )
    api_seconds = time.monotonic() - started
    # To the millisecond: the library lists newest first by this time, and two jobs that
    # finished within one second must not be ordered by chance (a job's images share it).
    now = datetime.now(timezone.utc)
    created = now.replace(microsecond=now.microsecond // 1000 * 1000)
    # Recorded before anything else can fail: from here on the images are paid for.
    journal.accepted(response, created)
    cancel.raise_if_cancelled()
    saved = download_images(
        request,
        response,
        created,
        client,
        sink,
        cancel=cancel,
        on_progress=on_progress,
        journal=journal,
        api_seconds=api_seconds,
        started=started,
    )
    return _result(request, response, saved, created, api_seconds, time.monotonic() - started)


def download_images(
    request: GenerationRequest,
    response: ApiResponse,
    created: datetime,
    client: GenerationClient,
    sink: ImageSink,
    *,
    indices: Sequence[int] | None = None,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
    journal: Journal | None = None,
    api_seconds: float = 0.0,
    started: float | None = None,
) -> list[SavedImage]:
    """Download and save the images ``indices`` (default: all) of an accepted job: the
    second half of :func:`generate`, and on its own the download-only retry (no request
    is sent to the API)."""
    cancel = cancel or CancelToken()
    wanted = list(range(len(response.images)) if indices is None else indices)
    tracker = _ProgressTracker(time.monotonic() if started is None else started, len(wanted), on_progress)
    tracker.emit(Stage.DOWNLOADING)
    saved = _download_all(
        request,
        response,
        wanted,
        client,
        sink,
        cancel,
        tracker,
        created,
        api_seconds,
        journal or _NoJournal(),
    )
    tracker.emit(Stage.DONE)
    return saved


def _result(
    request: GenerationRequest,
    response: ApiResponse,
    saved: Sequence[SavedImage],
    created: datetime,
    api_seconds: float,
    elapsed: float,
) -> GenerationResult:
    timings = dict(response.timings)
    timings.update({"api_roundtrip": round(api_seconds, 3), "total": round(elapsed, 3)})
    notes: tuple[str, ...] = ()
    if response.extra_images:
        listed = len(response.images) + response.extra_images
        notes = (
            f"The API listed {listed} images for a request of {request.num_images}; "
            f"FluxDesk saved the first {len(response.images)} and ignored the rest.",
        )
        log.warning("%s", notes[0])
    return GenerationResult(
        request=request,
        seed=response.seed,
        images=tuple(sorted(saved, key=lambda s: s.index)),
        timings=timings,
        created=created.isoformat(timespec="milliseconds"),
        elapsed=elapsed,
        notes=notes,
    )


def _download_all(
    request: GenerationRequest,
    response: ApiResponse,
    indices: Sequence[int],
    client: GenerationClient,
    sink: ImageSink,
    cancel: CancelToken,
    tracker: _ProgressTracker,
    created: datetime,
    api_seconds: float,
    journal: Journal,
) -> list[SavedImage]:
    # A failed image does not stop its siblings: the good images of a job are kept
    # (nothing the user paid for is thrown away) and the error says how many.
    session = client.download_session(cancel)
    try:
        workers = max(1, min(MAX_PARALLEL_DOWNLOADS, len(indices)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fluxdesk-download") as pool:
            futures: list[Future[SavedImage]] = [
                pool.submit(
                    _fetch_one,
                    request,
                    response,
                    response.images[index],
                    index,
                    client,
                    sink,
                    cancel,
                    session,
                    tracker,
                    created,
                    api_seconds,
                    journal,
                )
                for index in indices
            ]
            wait(futures)
        errors = [f.exception() for f in futures if f.exception() is not None]
        saved = [f.result() for f in futures if f.exception() is None]
    finally:
        session.close()
    if errors:
        if cancel.cancelled:
            raise CancelledError()
        first = errors[0]
        if isinstance(first, FluxDeskError) and saved:
            first.message += f" ({len(saved)} of {len(indices)} images were saved.)"
        assert first is not None
        raise first
    return saved


def _fetch_one(
    request: GenerationRequest,
    response: ApiResponse,
    remote: RemoteImage,
    index: int,
    client: GenerationClient,
    sink: ImageSink,
    cancel: CancelToken,
    session: DownloadSession,
    tracker: _ProgressTracker,
    created: datetime,
    api_seconds: float,
    journal: Journal,
) -> SavedImage:
    final = sink.reserve_path(created, request.prompt, response.seed, index, request.output_format)
    journal.reserved(index, final)
    temp = sink.temp_path_for(final)
    download_started = time.monotonic()
    # Decoding runs beside the download, so verification costs little extra wall time.
    verifier = StreamingVerifier()
    try:
        try:
            size = client.download(
                remote, temp, cancel, tracker.on_bytes(index), session=session, on_chunk=verifier.feed
            )
            cancel.raise_if_cancelled()
            check = verifier.finish()
        finally:
            verifier.abort()  # a no-op after finish(); stops the decoder on any failure
        if check.output_format is not request.output_format:
            # The server chose another format: keep the bytes, name the file truthfully.
            final = sink.reserve_path(created, request.prompt, response.seed, index, check.output_format)
            journal.reserved(index, final)
        record = ImageRecord.for_image(
            request,
            seed=response.seed,
            index=index,
            width=check.width,
            height=check.height,
            nsfw=remote.nsfw,
            timings={
                **response.timings,
                "api_roundtrip": round(api_seconds, 3),
                "download": round(time.monotonic() - download_started, 3),
            },
            created=created.isoformat(timespec="milliseconds"),
            output_format=check.output_format,
        )
        item = sink.commit(temp, final, record)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    saved = SavedImage(
        path=item.path, index=index, width=check.width, height=check.height, nsfw=remote.nsfw, byte_size=size
    )
    journal.saved(saved)
    tracker.image_saved()
    return saved
