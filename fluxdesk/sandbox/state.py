"""What a sandbox knows between requests: its key, its faults, the request log, the files
its CDN serves (and a cache of their bytes), and how it answers a valid generation.

One :class:`SandboxState` is shared by the API and CDN handler threads; it holds no
socket, so the in-process fake (:mod:`fluxdesk.sandbox.fake`) uses the same one.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from fluxdesk.core import params as P
from fluxdesk.core.request import GenerationRequest
from fluxdesk.sandbox.faults import Fault, FaultKind, FaultQueue, ServerName, make_fault
from fluxdesk.sandbox.render import render_image

# Random seeds come from the whole range of the catalogue's seed rule, as the real
# service's go well past 2**31 (and may pass 2**63): clients that store them in smaller
# integers fail here first.
RANDOM_SEED_MAX = P.SEED_MAX
# Encoded images kept for repeat downloads: bounded both in count and in bytes.
CACHE_ENTRIES = 64
CACHE_BYTES = 256 << 20
# Files the CDN remembers (tokens are random, like real CDN URLs); the oldest expire first.
MAX_FILES = 4096
_NSFW_WORD = re.compile(r"\bnsfw\b", re.IGNORECASE)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as a server received it.

    The ``Authorization`` value is never stored (a real key may be pointed at the sandbox
    by mistake, and records end up in test output); ``authorized`` says instead whether
    it was present (not None) and matched the configured key.
    """

    server: ServerName
    method: str
    path: str
    headers: dict[str, str]
    body: Any = None  # parsed JSON of an API POST, when it was JSON
    authorized: bool | None = None
    time: float = 0.0  # time.time() on arrival, to check a client's back-off

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup (clients differ in capitalisation)."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def has_header(self, name: str) -> bool:
        return self.header(name) is not None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileSpec:
    """What the sandbox renders for one image file."""

    seed: int
    prompt: str
    width: int
    height: int
    fmt: P.OutputFormat
    blank: bool
    index: int = 0  # in its batch


class Published(NamedTuple):
    """A file the CDN serves, and when its URL was handed out (time.monotonic())."""

    spec: FileSpec
    time: float


@dataclass(frozen=True)
class Counts:
    """What the sandbox did since it started (or its request log was last cleared)."""

    generation_requests: int  # POSTs to the generation endpoint, whatever their answer
    generations: int  # of those, answered 201: what the real API would bill
    images: int  # images in those answers
    downloads: int  # file GETs answered with the whole file

    def to_json(self) -> dict[str, int]:
        return asdict(self)


class SandboxState:
    """The key, faults, request log, published files and image cache of one sandbox."""

    def __init__(self, *, api_key: str, inference_delay: float = 0.0) -> None:
        self.api_key = api_key
        self.inference_delay = inference_delay
        self.faults = FaultQueue()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._files: OrderedDict[str, Published] = OrderedDict()
        self._cache: OrderedDict[FileSpec, bytes] = OrderedDict()
        self._cache_bytes = 0
        self._generations = 0
        self._images = 0
        self._downloads = 0
        # Set when the sandbox stops: every sleep in a handler waits on it, so stopping
        # never waits for a `slow` fault or an inference delay to run out.
        self.stopping = threading.Event()

    def sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; True when the sandbox is shutting down."""
        return self.stopping.wait(max(0.0, seconds))

    def key_matches(self, authorization: str | None) -> bool | None:
        """None without a header, else whether it is ``Bearer <the key>``."""
        if authorization is None:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.api_key.encode()
        )

    # -- request log ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far (control endpoints excluded)."""
        with self._lock:
            return list(self._requests)

    @property
    def generation_requests(self) -> list[RecordedRequest]:
        """The POSTs to the generation endpoint (a job should cause exactly one)."""
        return [r for r in self.requests if is_generation_request(r)]

    def clear_requests(self) -> None:
        """Forget the request log and the counts."""
        with self._lock:
            self._requests.clear()
            self._generations = self._images = self._downloads = 0

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(entry)

    def count_generation(self, images: int) -> None:
        """A generation was answered 201 with ``images`` images (billed, for the real API)."""
        with self._lock:
            self._generations += 1
            self._images += images

    def count_download(self) -> None:
        with self._lock:
            self._downloads += 1

    def counts(self) -> Counts:
        with self._lock:
            requests = sum(1 for r in self._requests if is_generation_request(r))
            return Counts(requests, self._generations, self._images, self._downloads)

    # -- files ------------------------------------------------------------------------

    def publish(self, spec: FileSpec, cdn_base_url: str) -> str:
        """A fresh CDN URL for ``spec`` (random, like a real CDN's)."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._files[token] = Published(spec, time.monotonic())
            while len(self._files) > MAX_FILES:
                self._files.popitem(last=False)
        return f"{cdn_base_url}/files/{token}.{spec.fmt.extension}"

    def lookup(self, name: str) -> Published | None:
        """The file published as ``<token>.<extension>``, or None."""
        token, dot, extension = name.rpartition(".")
        with self._lock:
            published = self._files.get(token) if dot else None
        if published is None or published.spec.fmt.extension != extension:
            return None
        return published

    def file_bytes(self, spec: FileSpec) -> bytes:
        with self._lock:
            data = self._cache.get(spec)
            if data is not None:
                self._cache.move_to_end(spec)
                return data
        # Rendered outside the lock so downloads of different images run in parallel; two
        # simultaneous first downloads of one image just render it twice (same bytes).
        data = render_image(
            seed=spec.seed,
            prompt=spec.prompt,
            width=spec.width,
            height=spec.height,
            fmt=spec.fmt,
            blank=spec.blank,
            index=spec.index,
        )
        with self._lock:
            if spec not in self._cache:
                self._cache[spec] = data
                self._cache_bytes += len(data)
            while len(self._cache) > CACHE_ENTRIES or self._cache_bytes > CACHE_BYTES:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= len(old)
        return data

    # -- the generation ------------------------------------------------------------------

    def generate(
        self, request: GenerationRequest, cdn_base_url: str, wait: Callable[[float], object] | None = None
    ) -> dict[str, Any]:
        """The 201 body for a valid request, its images published on the CDN; the
        inference delay is spent in ``wait`` (default: :meth:`sleep`)."""
        started = time.monotonic()
        seed = request.seed if request.seed is not None else P.random_seed()
        (wait or self.sleep)(self.inference_delay)
        width, height = request.dimensions
        nsfw = request.enable_safety_checker and bool(_NSFW_WORD.search(request.prompt))
        images = []
        for i in range(request.num_images):
            # (seed, i): each image of a batch its own picture, reproducible as a batch.
            spec = FileSpec(seed, request.prompt, width, height, request.output_format, nsfw, i)
            url = self.publish(spec, cdn_base_url)
            images.append(
                {
                    "url": url,
                    "width": width,
                    "height": height,
                    "content_type": request.output_format.mime_type,
                }
            )
        return {
            "images": images,
            "timings": {"inference": round(time.monotonic() - started, 3)},
            "seed": seed,
            "has_nsfw_concepts": [nsfw] * request.num_images,
            "prompt": request.prompt,
        }


def is_generation_request(request: RecordedRequest) -> bool:
    return request.server == "api" and request.method == "POST" and request.path.split("?")[0] == P.API_PATH


class SandboxControls:
    """What a test does to a sandbox, the HTTP one or the in-process fake: queue faults,
    read the request log and its counts."""

    state: SandboxState

    def inject(self, kind: FaultKind | str, count: int | None = 1, **options: Any) -> None:
        """Queue ``kind`` for the next ``count`` matching requests, or every one until
        cleared when ``count`` is None (thread-safe)."""
        self.inject_many([make_fault(kind, count, options)])

    def inject_many(self, faults: list[Fault]) -> None:
        """Queue several faults at once (all were validated by :func:`make_fault`)."""
        self.state.faults.extend(faults)

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def pending_faults(self) -> list[tuple[FaultKind, int | None]]:
        return self.state.faults.pending()

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far (control endpoints excluded)."""
        return self.state.requests

    @property
    def generation_requests(self) -> list[RecordedRequest]:
        """The POSTs to the generation endpoint so far (a job should cause exactly one)."""
        return self.state.generation_requests

    def counts(self) -> Counts:
        """Generation requests, generations answered 201, their images, whole downloads."""
        return self.state.counts()

    def clear_requests(self) -> None:
        """Forget the request log and the counts."""
        self.state.clear_requests()
