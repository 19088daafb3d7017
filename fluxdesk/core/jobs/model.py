"""The job records: states, images and the usage figures, as plain data."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fluxdesk.core.generation.results import ApiResponse, RemoteImage, SavedImage
from fluxdesk.core.request import GenerationRequest


class JobState(str, enum.Enum):
    """Where a job is. ``queued`` → ``sent`` → ``accepted`` → ``done``, or one of the
    endings a person has to look at: ``download_failed``, ``interrupted``, ``failed``."""

    QUEUED = "queued"  # written, nothing sent yet
    SENT = "sent"  # the request is on its way (may be billed from here)
    ACCEPTED = "accepted"  # the API answered with image URLs (billed); downloading
    DONE = "done"  # every image saved
    DOWNLOAD_FAILED = "download_failed"  # accepted, some image could not be downloaded
    INTERRUPTED = "interrupted"  # the process ended (or was cancelled) while sent/accepted
    FAILED = "failed"  # the API refused or never answered: nothing to download

    @property
    def running(self) -> bool:
        return self in (JobState.SENT, JobState.ACCEPTED)


# The error kind of a job whose images the image server no longer has (expired links):
# retrying cannot help, only discarding.
IMAGES_GONE = "images_gone"

# What `jobs list` shows and the window offers to run, retry or discard.
UNFINISHED_STATES = (JobState.QUEUED, JobState.INTERRUPTED, JobState.DOWNLOAD_FAILED, JobState.FAILED)


@dataclass(frozen=True)
class JobImage:
    """One image of an accepted job: where the API put it and where it was saved."""

    index: int
    remote: RemoteImage
    path: Path | None = None  # the saved file; None while missing
    reserved: Path | None = None  # the final name reserved for it while downloading
    width: int = 0
    height: int = 0
    byte_size: int = 0

    @property
    def saved(self) -> bool:
        return self.path is not None

    def as_saved(self) -> SavedImage:
        assert self.path is not None
        return SavedImage(
            path=self.path,
            index=self.index,
            width=self.width,
            height=self.height,
            nsfw=self.remote.nsfw,
            byte_size=self.byte_size,
        )


@dataclass(frozen=True)
class Job:
    """A generation job as the store holds it."""

    id: int
    state: JobState
    created: str  # ISO 8601 UTC: when the job was written
    request: GenerationRequest
    images_total: int  # asked for until accepted, then as many as the API returned
    seed: int | None = None  # the API's seed, once accepted
    error: str = ""
    error_kind: str = ""
    batch_created: str | None = None  # the accepted batch's time (file names, metadata)
    timings: dict[str, float] = field(default_factory=dict)
    images: tuple[JobImage, ...] = ()
    writer: str = ""  # 'host:pid' of the process running it
    stack: str = ""  # the stack id its images get instead of their own (a sweep's cells)

    @property
    def images_saved(self) -> int:
        return sum(1 for image in self.images if image.saved)

    @property
    def missing(self) -> list[int]:
        """Indices of the accepted images not saved yet."""
        return [image.index for image in self.images if not image.saved]

    @property
    def accepted(self) -> bool:
        """The API answered with image URLs (and billed): a retry only downloads."""
        return self.batch_created is not None

    @property
    def response(self) -> ApiResponse | None:
        if not self.accepted or self.seed is None:
            return None
        return ApiResponse(
            images=tuple(image.remote for image in self.images),
            seed=self.seed,
            timings=dict(self.timings),
            prompt=self.request.prompt,
        )

    @property
    def batch_time(self) -> datetime | None:
        return None if self.batch_created is None else datetime.fromisoformat(self.batch_created)

    @property
    def images_gone(self) -> bool:
        return self.state is JobState.DOWNLOAD_FAILED and self.error_kind == IMAGES_GONE

    @property
    def can_download_again(self) -> bool:
        return self.accepted and self.state in (JobState.DOWNLOAD_FAILED, JobState.INTERRUPTED)

    def to_json(self) -> dict[str, Any]:
        """The ``jobs list --json`` shape."""
        return {
            "id": self.id,
            "state": self.state.value,
            "created": self.created,
            "prompt": self.request.prompt,
            "seed": self.seed if self.seed is not None else self.request.seed,
            "images_total": self.images_total,
            "images_saved": self.images_saved,
            "error": self.error or None,
        }


@dataclass(frozen=True)
class UsageFigures:
    """Generations and images the API billed in one period, and their cost (None without
    a price: we never guess one)."""

    generations: int
    images: int
    cost: float | None

    def to_json(self) -> dict[str, Any]:
        return {"generations": self.generations, "images": self.images, "cost": self.cost}


@dataclass(frozen=True)
class UsageReport:
    """Today, this month (local time) and all time, with the price and cap they used."""

    today: UsageFigures
    month: UsageFigures
    total: UsageFigures
    price_per_image: float | None
    daily_cap: int | None

    def to_json(self) -> dict[str, Any]:
        """The ``usage --json`` shape."""
        return {
            "today": self.today.to_json(),
            "month": self.month.to_json(),
            "total": self.total.to_json(),
            "price_per_image": self.price_per_image,
            "daily_cap": self.daily_cap,
        }
