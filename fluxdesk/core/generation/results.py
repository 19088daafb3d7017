"""Plain data that flows out of a generation: what the API said and what was saved; and
:class:`GenerationClient`, the interface of whoever says it (the HTTP client, or the
sandbox's in-process fake in tests)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fluxdesk.core.request import GenerationRequest

if TYPE_CHECKING:
    from fluxdesk.core.cancel import CancelToken


def seed_label(seed: int, index: int = 0, count: int = 1) -> str:
    """ "Seed N", and for an image of a batch, which one: the API returns one seed per
    batch, so "Seed N" alone under four different pictures would promise what a single
    generation with seed N cannot give (only the same batch again can)."""
    return f"Seed {seed}" if count <= 1 else f"Seed {seed} · {batch_position(index, count)}"


def batch_position(index: int, count: int) -> str:
    """ "2 of 4": which image of a batch (``index`` from 0), as ``seed_label`` words it."""
    return f"{index + 1} of {count}"


def batch_note(seed: int, count: int) -> str:
    """For a tooltip: how to get a batch's image again."""
    return f"Seed {seed} is the batch's: {count} images with it give this batch again."


@dataclass(frozen=True)
class RemoteImage:
    """One image as the API response describes it (before download)."""

    url: str
    width: int
    height: int
    content_type: str
    nsfw: bool


@dataclass(frozen=True)
class ApiResponse:
    """The API's answer to a generation request: image URLs, the seed used, timings."""

    images: tuple[RemoteImage, ...]
    seed: int
    timings: dict[str, float]
    prompt: str
    extra_images: int = 0  # listed beyond the number requested: not downloaded


@dataclass(frozen=True)
class SavedImage:
    """One generated image, written to disk."""

    path: Path
    index: int
    width: int
    height: int
    nsfw: bool
    byte_size: int


@dataclass(frozen=True)
class GenerationResult:
    """A finished generation: the request, the seed used and the saved images."""

    request: GenerationRequest
    seed: int
    images: tuple[SavedImage, ...]
    timings: dict[str, float]
    created: str  # ISO 8601, UTC
    elapsed: float  # seconds, click to all saved
    notes: tuple[str, ...] = ()  # what the user should know (e.g. images the API sent too many)

    def to_json(self) -> dict[str, object]:
        """The ``fluxdesk generate --json`` shape."""
        return {
            "request": self.request.to_api_json(),
            "seed": self.seed,
            "model": self.request.model,
            "created": self.created,
            "elapsed": round(self.elapsed, 3),
            "timings": self.timings,
            "images": [
                {"path": str(img.path), "width": img.width, "height": img.height, "nsfw": img.nsfw}
                for img in self.images
            ],
            **({"notes": list(self.notes)} if self.notes else {}),
        }


class Stage(str, enum.Enum):
    SUBMITTING = "submitting"  # POST sent, waiting for the server (inference)
    DOWNLOADING = "downloading"
    SAVING = "saving"
    DONE = "done"


@dataclass(frozen=True)
class Progress:
    """Where a running generation is (stage, images and bytes so far)."""

    stage: Stage
    elapsed: float
    images_total: int = 0
    images_done: int = 0
    bytes_done: int = 0
    bytes_total: int = 0  # 0 when unknown
    note: str = field(default="")

    @property
    def activity(self) -> str:
        """What is happening, without the time: "Downloading 1/4 (2.3 MiB)"."""
        if self.stage is Stage.SUBMITTING:
            return "Generating…" if not self.note else self.note
        if self.stage is Stage.DOWNLOADING:
            mib = self.bytes_done / 1_048_576
            return f"Downloading {self.images_done}/{self.images_total} ({mib:.1f} MiB)"
        if self.stage is Stage.SAVING:
            return f"Saving {self.images_done}/{self.images_total}"
        return "Done"

    def describe(self) -> str:
        return f"{self.activity} {self.elapsed:.1f} s"


ByteProgress = Callable[[int, int], None]  # (bytes done, bytes total or 0)


class DownloadSession(Protocol):
    """What a client's ``download_session`` gives: shared by one generation's parallel
    downloads (connection reuse), closed when they are done."""

    def close(self) -> None: ...


class GenerationClient(Protocol):
    """What generating needs from the API: one POST, then the images from the CDN.

    ``core.generation.client.ApiClient`` implements it over HTTP; ``fluxdesk.sandbox.fake.FakeClient``
    in process, for fast tests of everything that is not the HTTP path. Every method
    raises ``FluxDeskError`` subclasses only, and ``CancelledError`` soon after ``cancel``
    is set.
    """

    def submit(
        self,
        request: GenerationRequest,
        cancel: CancelToken | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> ApiResponse:
        """Send ``request``; ``on_wait`` hears of each wait the API asked for (429/503)."""
        ...

    def download_session(self, cancel: CancelToken | None) -> DownloadSession: ...

    def download(
        self,
        remote: RemoteImage,
        dest: Path,
        cancel: CancelToken | None = None,
        on_bytes: ByteProgress | None = None,
        session: Any = None,  # from this client's download_session(); None: one of its own
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> int:
        """Write ``remote``'s bytes to ``dest`` (a temp file the caller owns), telling
        ``on_chunk`` each piece and ``on_bytes`` the progress; return the size."""
        ...
