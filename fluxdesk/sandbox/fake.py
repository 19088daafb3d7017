"""An in-process stand-in for the HTTP client and the sandbox behind it, for fast tests.

:class:`FakeClient` implements :class:`fluxdesk.core.generation.results.GenerationClient` without a
socket: ``submit`` answers from a :class:`~fluxdesk.sandbox.state.SandboxState` exactly as
the sandbox's API server would, and ``download`` writes the rendered image straight into
the destination file. Faults (``inject``) are honoured as the real client would end up
experiencing them against the HTTP sandbox, retries included (429/503 waits, up to three
retries of a 5xx or dropped download), and every request is recorded in the same log, so
``generation_requests`` and ``counts()`` read as they do for a :class:`Sandbox`.

Use it where the HTTP path is not what is under test (the pipeline, the window, jobs);
keep the real loopback sandbox for everything HTTP. ``tests/sandbox/test_fake.py`` holds
the two to the same outcomes, fault by fault.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fluxdesk.core import params as P
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import (
    AuthenticationError,
    BadImageError,
    BadResponseError,
    FluxDeskError,
    ImageGoneError,
    LibraryError,
    NetCause,
    NetworkError,
    RateLimitedError,
    ServerError,
    ServerValidationError,
)
from fluxdesk.core.generation.answers import parse_generation_body
from fluxdesk.core.generation.client import IMAGE_GONE_STATUSES, RETRIABLE_GET_STATUSES
from fluxdesk.core.generation.results import ApiResponse, ByteProgress, GenerationClient, RemoteImage
from fluxdesk.core.request import GenerationRequest, build_request
from fluxdesk.sandbox.faults import Fault, FaultKind, ServerName
from fluxdesk.sandbox.render import bomb_png
from fluxdesk.sandbox.state import RecordedRequest, SandboxControls, SandboxState

# The fake's API and CDN "addresses": loopback, on the discard port where nothing answers.
# Only the fake reads its URLs; a real client handed one fails at once, locally.
FAKE_API_URL = "http://127.0.0.1:9"
FAKE_CDN_URL = "http://127.0.0.1:9/cdn"
_CDN_HOST = urlsplit(FAKE_CDN_URL).netloc
_FILES = urlsplit(FAKE_CDN_URL).path + "/files/"
# As the real client: three retries, at most 60 s of waiting asked for by the API in all.
MAX_RETRIES = 3
MAX_RETRY_WAIT = 60.0
_DEFAULT_MESSAGES = {
    FaultKind.RATE_LIMIT: "Rate limit exceeded",
    FaultKind.UNAVAILABLE: "Service unavailable",
    FaultKind.SERVER_ERROR: "Internal server error",
    FaultKind.UNAUTHORIZED: "Invalid API key",
    FaultKind.FORBIDDEN: "This key may not use flux-realism",
}
_NOT_AN_IMAGE = b"<!doctype html><html><body><h1>Access denied</h1></body></html>"


class _Session:
    """The fake's download session: nothing to share, nothing to close."""

    def close(self) -> None:
        return None


class FakeClient(SandboxControls, GenerationClient):
    """A :class:`~fluxdesk.core.generation.results.GenerationClient` answering in process."""

    def __init__(self, *, api_key: str = "sandbox", inference_delay: float = 0.0) -> None:
        self.state = SandboxState(api_key=api_key, inference_delay=inference_delay)
        self.base_url = FAKE_API_URL
        self.cdn_base_url = FAKE_CDN_URL

    # -- the generation call ----------------------------------------------------------

    def submit(
        self,
        request: GenerationRequest,
        cancel: CancelToken | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> ApiResponse:
        cancel = cancel or CancelToken()
        body = request.to_api_json()
        budget = MAX_RETRY_WAIT
        for attempt in range(MAX_RETRIES + 1):
            cancel.raise_if_cancelled()
            self._record("api", "POST", P.API_PATH, body)
            fault = self.state.faults.take("api")
            kind = fault.kind if fault is not None else None
            if fault is None or kind in (FaultKind.SLOW, FaultKind.NOT_JSON, FaultKind.MISSING_IMAGES):
                if fault is not None and kind is FaultKind.SLOW:
                    cancel.wait(float(fault.option("seconds", 1.0)))
                return self._answer(request, body, kind, cancel)
            assert fault is not None
            if kind in (FaultKind.RATE_LIMIT, FaultKind.UNAVAILABLE) and attempt < MAX_RETRIES:
                retry_after = fault.option("retry_after", 1)
                # Without Retry-After the client backs off 0 s, 1 s, 2 s (urllib3's rule).
                backoff = 0.5 * 2**attempt if attempt else 0.0
                wait = float(retry_after) if retry_after is not None else backoff
                if wait > budget:
                    raise RateLimitedError(wait)
                budget -= wait
                if on_wait is not None and wait > 0:
                    on_wait(wait)
                cancel.wait(wait)
                continue
            raise _api_error(fault)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _answer(
        self, request: GenerationRequest, body: dict[str, Any], kind: FaultKind | None, cancel: CancelToken
    ) -> ApiResponse:
        # Validated as the API server validates what arrives (the same catalogue).
        checked, problems = build_request(body, strict_types=True)
        if checked is None:
            raise ServerValidationError("; ".join(p.message for p in problems))
        answer = self.state.generate(checked, self.cdn_base_url, wait=cancel.wait)
        self.state.count_generation(len(answer["images"]))
        if kind is FaultKind.NOT_JSON:
            raise BadResponseError("expected JSON but got text/html")
        if kind is FaultKind.MISSING_IMAGES:
            del answer["images"]
        return parse_generation_body(answer, request)

    # -- downloads -----------------------------------------------------------------------

    def download_session(self, cancel: CancelToken | None) -> _Session:
        return _Session()

    def download(
        self,
        remote: RemoteImage,
        dest: Path,
        cancel: CancelToken | None = None,
        on_bytes: ByteProgress | None = None,
        session: Any = None,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> int:
        cancel = cancel or CancelToken()
        path = urlsplit(remote.url).path
        for attempt in range(MAX_RETRIES + 1):
            cancel.raise_if_cancelled()
            self._record("cdn", "GET", path, None)
            published = self.state.lookup(path[len(_FILES) :]) if path.startswith(_FILES) else None
            if published is None:
                raise _download_error(404)
            spec = published.spec
            age = time.monotonic() - published.time
            fault = self.state.faults.take("cdn", image_index=spec.index, file_age=age)
            if fault is None:
                data = self.state.file_bytes(spec)
                size = _write(dest, [data], cancel, on_bytes, on_chunk)
                self.state.count_download()
                return size
            retry = attempt < MAX_RETRIES
            kind = fault.kind
            if kind is FaultKind.CDN_REDIRECT:
                continue  # the client follows it: the next request may meet the next fault
            if kind is FaultKind.CDN_DROP:
                if retry:
                    continue
                raise NetworkError(_CDN_HOST, "the image server", NetCause.DROPPED)
            if kind in (FaultKind.CDN_ERROR, FaultKind.IMAGE_ERROR, FaultKind.EXPIRED_URL):
                status = _status(fault)
                if status in RETRIABLE_GET_STATUSES and retry:
                    continue
                raise _download_error(status)
            return self._odd_download(fault, self.state.file_bytes(spec), dest, cancel, on_bytes, on_chunk)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _odd_download(
        self,
        fault: Fault,
        data: bytes,
        dest: Path,
        cancel: CancelToken,
        on_bytes: ByteProgress | None,
        on_chunk: Callable[[bytes], None] | None,
    ) -> int:
        """The CDN faults that answer 200 with something other than the whole image."""
        kind = fault.kind
        if kind is FaultKind.NOT_AN_IMAGE:
            return _write(dest, [_NOT_AN_IMAGE], cancel, on_bytes, on_chunk)
        if kind is FaultKind.BOMB:
            bomb = bomb_png(int(fault.option("width", 40000)), int(fault.option("height", 40000)))
            return _write(dest, [bomb], cancel, on_bytes, on_chunk)
        if kind is FaultKind.TRUNCATED_IMAGE:
            half = data[: len(data) // 2]
            if fault.option("mode", "short_body") == "short_file":
                return _write(dest, [half], cancel, on_bytes, on_chunk)
            _write(dest, [half], cancel, on_bytes, on_chunk, total=len(data))
            raise BadImageError("the download was cut short (truncated)")
        assert kind is FaultKind.SLOW_DOWNLOAD, kind
        chunks = max(1, int(fault.option("chunks", 20)))
        pause = float(fault.option("seconds", 1.0)) / chunks
        size = -(-len(data) // chunks)
        pieces = [data[start : start + size] for start in range(0, len(data), size)]
        done = _write(dest, pieces, cancel, on_bytes, on_chunk, pause=pause)
        self.state.count_download()
        return done

    def _record(self, server: ServerName, method: str, path: str, body: Any) -> None:
        # The headers the real client sends, the key redacted as the servers record it.
        headers = {"User-Agent": "FluxDesk (in-process fake)"}
        authorized = None
        if server == "api":
            headers.update({"Authorization": "<redacted>", "Content-Type": "application/json"})
            authorized = True
        self.state.record(RecordedRequest(server, method, path, headers, body, authorized, time.time()))


def _api_error(fault: Fault) -> FluxDeskError:
    """What the real client raises for the API's answer under ``fault``."""
    kind = fault.kind
    message = str(fault.option("message", _DEFAULT_MESSAGES.get(kind, "")))
    if kind is FaultKind.RATE_LIMIT:
        retry_after = fault.option("retry_after", 1)
        return RateLimitedError(None if retry_after is None else float(retry_after))
    if kind is FaultKind.UNAVAILABLE:
        return ServerError(503, message)
    if kind is FaultKind.SERVER_ERROR:
        return ServerError(500, message)
    if kind is FaultKind.BAD_GATEWAY:
        return ServerError(502, "")
    if kind in (FaultKind.UNAUTHORIZED, FaultKind.FORBIDDEN):
        return AuthenticationError(401 if kind is FaultKind.UNAUTHORIZED else 403, message)
    assert kind is FaultKind.DROP_CONNECTION, kind
    # Dropped after the POST went out: the API may have billed it (the client says so).
    return NetworkError(urlsplit(FAKE_API_URL).netloc, "the API", NetCause.SENT)


def _download_error(status: int) -> BadImageError:
    """What the real client raises for a download answered ``status``."""
    if status in IMAGE_GONE_STATUSES:
        return ImageGoneError(status)
    return BadImageError(f"the image server answered HTTP {status}")


def _status(fault: Fault) -> int:
    if fault.kind is FaultKind.CDN_ERROR:
        return 500
    default = 404 if fault.kind is FaultKind.EXPIRED_URL else 500
    return int(fault.option("status", default))


def _write(
    dest: Path,
    pieces: list[bytes],
    cancel: CancelToken,
    on_bytes: ByteProgress | None,
    on_chunk: Callable[[bytes], None] | None,
    *,
    total: int | None = None,
    pause: float = 0.0,
) -> int:
    """Write ``pieces`` to ``dest`` as the client writes what it reads: progress after
    each, cancel checked between them (``pause`` seconds apart, as the CDN trickles)."""
    total = sum(len(p) for p in pieces) if total is None else total
    done = 0
    try:
        with open(dest, "wb") as fh:
            for number, piece in enumerate(pieces, 1):
                if pause and number > 1:
                    cancel.wait(pause)
                cancel.raise_if_cancelled()
                fh.write(piece)
                if on_chunk is not None:
                    on_chunk(piece)
                done += len(piece)
                if on_bytes is not None:
                    on_bytes(done, total)
    except OSError as exc:  # as the client: our side (disk full, folder gone)
        raise LibraryError(f"Cannot write {dest}: {exc.strerror or exc}") from None
    return done
