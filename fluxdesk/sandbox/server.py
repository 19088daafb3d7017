"""An offline stand-in for the AI/ML API and its CDN, for tests, demos and the CLI.

Two loopback HTTP servers run in daemon threads:

* the **API** (``base_url``) answers ``POST /v1/images/generations`` exactly as the real
  service documents it (Bearer key check, 422 with every problem, 201 with the image list);
* the **CDN** (``cdn_base_url``, another port) serves the images those answers point to.

They are separate servers on purpose: the API key belongs to the API host only, and the
request log lets a test prove that no CDN request ever carried an ``Authorization`` header.

Request bodies are validated with :func:`fluxdesk.core.request.build_request`, the same
rules the client uses, so the sandbox can never drift from the parameter catalogue.

Faults (:class:`FaultKind`) are queued with :meth:`Sandbox.inject` or, from another process,
``POST /_sandbox/faults``; each one replaces the normal behaviour of the next ``count``
matching requests (API faults: generation POSTs; CDN faults: file GETs). A fault is used up
as soon as a matching request arrives, whatever that request contains.
"""

from __future__ import annotations

import contextlib
import enum
import hmac
import json
import logging
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Literal

from fluxdesk.core import params as P
from fluxdesk.core.request import GenerationRequest, build_request
from fluxdesk.sandbox.render import bomb_png, render_image

log = logging.getLogger(__name__)

ServerName = Literal["api", "cdn"]

CONTROL_PREFIX = "/_sandbox/"
# Random seeds go well past 2**31, as the real service's do, so clients that store them in
# 32-bit integers fail here first.
RANDOM_SEED_MAX = 2**32 * 4
MAX_BODY_BYTES = 1 << 20
# Encoded images kept for repeat downloads: bounded both in count and in bytes.
CACHE_ENTRIES = 64
CACHE_BYTES = 256 << 20
# Files the CDN remembers (tokens are random, like real CDN URLs); the oldest expire first.
MAX_FILES = 4096
_NSFW_WORD = re.compile(r"\bnsfw\b", re.IGNORECASE)


class FaultKind(str, enum.Enum):
    """What the next matching request gets instead of a normal answer."""

    # API (POST /v1/images/generations)
    RATE_LIMIT = "rate_limit"  # 429 + Retry-After (option retry_after, default 1)
    UNAVAILABLE = "unavailable"  # 503 + Retry-After (option retry_after, default 1)
    SERVER_ERROR = "server_error"  # 500 JSON {"message"}
    BAD_GATEWAY = "bad_gateway"  # 502 with an HTML body, as a proxy in front would send
    UNAUTHORIZED = "unauthorized"  # 401 even with the right key
    FORBIDDEN = "forbidden"  # 403
    SLOW = "slow"  # sleep `seconds` (default 1), then answer normally
    NOT_JSON = "not_json"  # 201 with an HTML body
    MISSING_IMAGES = "missing_images"  # 201 JSON without "images"
    DROP_CONNECTION = "drop_connection"  # close the socket without any response
    # CDN (GET /files/...)
    SLOW_DOWNLOAD = "slow_download"  # body in `chunks` pieces spread over `seconds` (default 1)
    TRUNCATED_IMAGE = "truncated_image"  # half the bytes; see `mode` below
    NOT_AN_IMAGE = "not_an_image"  # 200 text/html garbage
    BOMB = "bomb"  # valid tiny PNG claiming `width`×`height` (default 40000×40000)
    CDN_REDIRECT = "cdn_redirect"  # 302 to the same file on http://localhost:<cdn port>
    CDN_ERROR = "cdn_error"  # 500 JSON

    @property
    def server(self) -> ServerName:
        return "cdn" if self in _CDN_FAULTS else "api"


_CDN_FAULTS = frozenset(
    {
        FaultKind.SLOW_DOWNLOAD,
        FaultKind.TRUNCATED_IMAGE,
        FaultKind.NOT_AN_IMAGE,
        FaultKind.BOMB,
        FaultKind.CDN_REDIRECT,
        FaultKind.CDN_ERROR,
    }
)

# Options each fault understands; anything else is a typo in a test and is refused.
# truncated_image mode: "short_body" (default) announces the full Content-Length, sends the
# first half and closes (the client sees an incomplete read); "short_file" announces and
# sends exactly half, a complete HTTP response carrying a cut-off image.
FAULT_OPTIONS: dict[FaultKind, frozenset[str]] = {
    FaultKind.RATE_LIMIT: frozenset({"retry_after", "message"}),
    FaultKind.UNAVAILABLE: frozenset({"retry_after", "message"}),
    FaultKind.SERVER_ERROR: frozenset({"message"}),
    FaultKind.BAD_GATEWAY: frozenset(),
    FaultKind.UNAUTHORIZED: frozenset({"message"}),
    FaultKind.FORBIDDEN: frozenset({"message"}),
    FaultKind.SLOW: frozenset({"seconds"}),
    FaultKind.NOT_JSON: frozenset(),
    FaultKind.MISSING_IMAGES: frozenset(),
    FaultKind.DROP_CONNECTION: frozenset(),
    FaultKind.SLOW_DOWNLOAD: frozenset({"seconds", "chunks"}),
    FaultKind.TRUNCATED_IMAGE: frozenset({"mode"}),
    FaultKind.NOT_AN_IMAGE: frozenset(),
    FaultKind.BOMB: frozenset({"width", "height"}),
    FaultKind.CDN_REDIRECT: frozenset(),
    FaultKind.CDN_ERROR: frozenset({"message"}),
}
TRUNCATE_MODES = ("short_body", "short_file")


@dataclass
class Fault:
    """A fault injected into the sandbox, for the next ``remaining`` requests."""

    kind: FaultKind
    remaining: int
    options: dict[str, Any] = field(default_factory=dict)

    def option(self, name: str, default: Any) -> Any:
        return self.options.get(name, default)


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
class _FileSpec:
    """What the sandbox renders for one image file."""

    seed: int
    prompt: str
    width: int
    height: int
    fmt: P.OutputFormat
    blank: bool
    index: int = 0  # in its batch


def make_fault(kind: FaultKind | str, count: int = 1, options: Mapping[str, Any] | None = None) -> Fault:
    """A checked :class:`Fault`; ValueError names the unknown kind, option or bad value."""
    fault_kind = FaultKind(kind)
    options = dict(options or {})
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of at least 1 (got {count!r})")
    unknown = set(options) - FAULT_OPTIONS[fault_kind]
    if unknown:
        allowed = ", ".join(sorted(FAULT_OPTIONS[fault_kind])) or "none"
        raise ValueError(f"{fault_kind.value} does not take {sorted(unknown)}; options: {allowed}")
    for name, value in options.items():
        _check_option(fault_kind, name, value)
    return Fault(fault_kind, count, options)


def _check_option(kind: FaultKind, name: str, value: Any) -> None:
    # Checked when queued, so a bad value (say a string from the control endpoint's JSON)
    # fails the inject call instead of crashing a handler thread later.
    if name == "message":
        ok = isinstance(value, str)
    elif name == "mode":
        ok = value in TRUNCATE_MODES
    elif name in ("chunks", "width", "height"):
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1_000_000
    else:  # seconds, retry_after (None: send no Retry-After header at all)
        ok = (value is None and name == "retry_after") or (
            isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 3600
        )
    if not ok:
        raise ValueError(f"{kind.value}: bad value for {name}: {value!r}")


def parse_fault_spec(text: str) -> tuple[FaultKind, int]:
    """``KIND`` or ``KIND:COUNT`` (the CLI's ``--fault`` syntax)."""
    name, _, count_text = text.strip().partition(":")
    try:
        kind = FaultKind(name.strip().lower())
    except ValueError:
        names = ", ".join(k.value for k in FaultKind)
        raise ValueError(f"unknown fault {name!r}; choose from {names}") from None
    try:
        count = int(count_text) if count_text else 1
    except ValueError:
        raise ValueError(f"fault count must be a whole number (got {count_text!r})") from None
    if count < 1:
        raise ValueError(f"fault count must be at least 1 (got {count})")
    return kind, count


class Sandbox:
    """The API + CDN pair. Use as a context manager or call :meth:`start`/:meth:`stop`."""

    def __init__(
        self,
        *,
        api_key: str = "sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        cdn_port: int = 0,
        inference_delay: float = 0.0,
    ) -> None:
        self._api_key = api_key
        self.host = host
        self._port = port
        self._cdn_port = cdn_port
        self.inference_delay = inference_delay
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._files: OrderedDict[str, _FileSpec] = OrderedDict()
        self._cache: OrderedDict[_FileSpec, bytes] = OrderedDict()
        self._cache_bytes = 0
        # Set by stop(): every sleep in a handler waits on it, so stop() never waits for a
        # `slow` fault or an inference delay to run out.
        self._stopping = threading.Event()
        self._api: _Server | None = None
        self._cdn: _Server | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._api is not None:
            return self
        self._stopping.clear()
        api = _Server((self.host, self._port), _ApiHandler, self, "api")
        try:
            cdn = _Server((self.host, self._cdn_port), _CdnHandler, self, "cdn")
        except OSError:
            api.server_close()
            raise
        self._api, self._cdn = api, cdn
        for server in (api, cdn):
            # A short poll interval keeps shutdown() (hence stop()) prompt.
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"fluxdesk-sandbox-{server.role}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        log.debug("sandbox started: api %s, cdn %s", self.base_url, self.cdn_base_url)
        return self

    def stop(self) -> None:
        api, cdn = self._api, self._cdn
        if api is None or cdn is None:
            return
        self._stopping.set()
        # shutdown() waits up to one poll interval; stopping both servers side by side
        # halves that wait (it adds up over hundreds of test fixtures).
        stopper = threading.Thread(target=cdn.shutdown, daemon=True)
        stopper.start()
        api.shutdown()
        stopper.join()
        for server in (api, cdn):
            server.server_close()
            # Keep-alive connections would otherwise go on being served by their handler
            # threads after the listening socket is gone.
            server.close_connections()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
        self._api = self._cdn = None
        log.debug("sandbox stopped")

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def port(self) -> int:
        return self._bound(self._api)

    @property
    def cdn_port(self) -> int:
        return self._bound(self._cdn)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def cdn_base_url(self) -> str:
        return f"http://{self.host}:{self.cdn_port}"

    @staticmethod
    def _bound(server: _Server | None) -> int:
        if server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return int(server.server_address[1])

    # -- faults ---------------------------------------------------------------------

    def inject(self, kind: FaultKind | str, count: int = 1, **options: Any) -> None:
        """Queue ``kind`` for the next ``count`` matching requests (thread-safe)."""
        self.inject_many([make_fault(kind, count, options)])

    def inject_many(self, faults: list[Fault]) -> None:
        """Queue several faults at once (all were validated by :func:`make_fault`)."""
        with self._lock:
            self._faults.extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> list[tuple[FaultKind, int]]:
        with self._lock:
            return [(f.kind, f.remaining) for f in self._faults]

    def _take_fault(self, server: ServerName) -> Fault | None:
        # Faults for one server queue in order; the other server's faults are skipped over,
        # so an API fault and a CDN fault can be queued together.
        with self._lock:
            for fault in self._faults:
                if fault.kind.server == server:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return Fault(fault.kind, 1, fault.options)
        return None

    # -- request log ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request so far (control endpoints excluded)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(entry)

    # -- internals used by the handlers --------------------------------------------------

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; True when the sandbox is shutting down."""
        return self._stopping.wait(max(0.0, seconds))

    def _key_matches(self, authorization: str | None) -> bool | None:
        if authorization is None:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self._api_key.encode()
        )

    def _publish(self, spec: _FileSpec) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._files[token] = spec
            while len(self._files) > MAX_FILES:
                self._files.popitem(last=False)
        return f"{self.cdn_base_url}/files/{token}.{spec.fmt.extension}"

    def _lookup(self, name: str) -> _FileSpec | None:
        token, dot, extension = name.rpartition(".")
        with self._lock:
            spec = self._files.get(token) if dot else None
        if spec is None or spec.fmt.extension != extension:
            return None
        return spec

    def _file_bytes(self, spec: _FileSpec) -> bytes:
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

    def _generate(self, request: GenerationRequest) -> dict[str, Any]:
        started = time.monotonic()
        seed = request.seed if request.seed is not None else random.randint(1, RANDOM_SEED_MAX)
        self._sleep(self.inference_delay)
        width, height = request.dimensions
        nsfw = request.enable_safety_checker and bool(_NSFW_WORD.search(request.prompt))
        images = []
        for i in range(request.num_images):
            # (seed, i): each image of a batch its own picture, reproducible as a batch.
            spec = _FileSpec(seed, request.prompt, width, height, request.output_format, nsfw, i)
            url = self._publish(spec)
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        sandbox: Sandbox,
        role: ServerName,
    ) -> None:
        self.sandbox = sandbox
        self.role: ServerName = role
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-download is routine here (timeouts, cancel tests): log it
        # quietly instead of printing a traceback to stderr.
        log.debug("sandbox %s: error while serving %s", self.role, client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive like the real service, so client connection reuse
    # is exercised; every response therefore carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "FluxDeskSandbox/1"
    sys_version = ""
    # An idle keep-alive connection frees its thread after this long.
    timeout = 30
    server: _Server

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        # Only the request line and status reach here, never headers, so no key is logged.
        log.debug("sandbox %s: " + format, self.server.role, *args)

    def _headers_for_log(self) -> dict[str, str]:
        return {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.headers.items()}

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, extra: Mapping[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _message(self, status: int, message: str, extra: Mapping[str, str] | None = None) -> None:
        self._json(status, {"message": message}, extra)

    def _html(self, status: int, text: str) -> None:
        self._send(status, f"<!doctype html><html><body><h1>{text}</h1></body></html>".encode(), "text/html")

    def _drop(self) -> None:
        """Hang up without a response (the client sees the connection closed)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 413 for an oversized one."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True  # the unread body would corrupt the next request
            self._message(413, f"Body must be a JSON object of at most {MAX_BODY_BYTES} bytes")
            return None
        return self.rfile.read(length) if length else b""


class _ApiHandler(_Handler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] == CONTROL_PREFIX + "requests":
            self._json(200, {"requests": [r.to_json() for r in self.sandbox.requests]})
        elif self.path.split("?")[0] == CONTROL_PREFIX + "faults":
            pending = [{"kind": k.value, "count": n} for k, n in self.sandbox.pending_faults()]
            self._json(200, {"faults": pending})
        else:
            self._not_here()

    def do_DELETE(self) -> None:
        if self.path == CONTROL_PREFIX + "faults":
            self.sandbox.clear_faults()
            self._json(200, {"faults": []})
        elif self.path == CONTROL_PREFIX + "requests":
            self.sandbox.clear_requests()
            self._json(200, {"requests": []})
        else:
            self._not_here()

    def _not_here(self) -> None:
        self._record(None)
        if self.path.split("?")[0] == P.API_PATH:
            self._message(405, f"Use POST for {P.API_PATH}", {"Allow": "POST"})
        else:
            self._message(404, f"No such endpoint: {self.path}")

    def _record(self, body: Any) -> None:
        authorized = self.sandbox._key_matches(self.headers.get("Authorization"))
        self.sandbox._record(
            RecordedRequest(
                "api", self.command, self.path, self._headers_for_log(), body, authorized, time.time()
            )
        )

    def do_POST(self) -> None:
        raw = self._read_body()
        if raw is None:
            return
        if self.path == CONTROL_PREFIX + "faults":
            self._control_faults(raw)
            return
        body: Any = None
        with contextlib.suppress(ValueError):
            body = json.loads(raw) if raw else None
        self._record(body)
        if self.path.split("?")[0] != P.API_PATH:
            self._message(404, f"No such endpoint: {self.path}")
            return

        fault = self.sandbox._take_fault("api")
        if fault is not None:
            log.debug("sandbox api: applying fault %s", fault.kind.value)
            if fault.kind is FaultKind.SLOW:
                if self.sandbox._sleep(float(fault.option("seconds", 1.0))):
                    self._drop()
                    return
            elif fault.kind not in (FaultKind.NOT_JSON, FaultKind.MISSING_IMAGES):
                self._api_fault(fault)
                return

        result = self._validate(raw, body)
        if result is None:
            return
        response = self.sandbox._generate(result)
        if self.sandbox._stopping.is_set():
            self._drop()
        elif fault is not None and fault.kind is FaultKind.NOT_JSON:
            self._html(201, "Generation complete")
        elif fault is not None and fault.kind is FaultKind.MISSING_IMAGES:
            del response["images"]
            self._json(201, response)
        else:
            self._json(201, response)

    def _validate(self, raw: bytes, body: Any) -> GenerationRequest | None:
        """Check the key, the media type and the fields; answer and return None on failure."""
        authorized = self.sandbox._key_matches(self.headers.get("Authorization"))
        if authorized is None:
            self._message(401, "Missing Authorization header: send 'Authorization: Bearer <API key>'")
            return None
        if not authorized:
            self._message(401, "Invalid API key")
            return None
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            # Stricter than strictly needed, to catch a client that forgets the header.
            self._message(415, f"Content-Type must be application/json (got {content_type or 'none'!r})")
            return None
        if not isinstance(body, dict):
            self._message(400, "Body must be a JSON object")
            return None
        request, problems = build_request(body, strict_types=True)
        if request is None:
            self._json(
                422,
                {
                    "message": "; ".join(p.message for p in problems),
                    "errors": [{"field": p.field, "message": p.message} for p in problems],
                },
            )
            return None
        return request

    def _api_fault(self, fault: Fault) -> None:
        kind = fault.kind
        if kind is FaultKind.DROP_CONNECTION:
            self._drop()
        elif kind in (FaultKind.RATE_LIMIT, FaultKind.UNAVAILABLE):
            retry_after = fault.option("retry_after", 1)
            status, default = (
                (429, "Rate limit exceeded") if kind is FaultKind.RATE_LIMIT else (503, "Service unavailable")
            )
            extra = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
            self._message(status, str(fault.option("message", default)), extra)
        elif kind is FaultKind.SERVER_ERROR:
            self._message(500, str(fault.option("message", "Internal server error")))
        elif kind is FaultKind.BAD_GATEWAY:
            self._html(502, "502 Bad Gateway")
        elif kind is FaultKind.UNAUTHORIZED:
            self._message(401, str(fault.option("message", "Invalid API key")))
        elif kind is FaultKind.FORBIDDEN:
            self._message(403, str(fault.option("message", "This key may not use flux-realism")))

    def _control_faults(self, raw: bytes) -> None:
        try:
            payload = json.loads(raw)
            entries = payload["faults"]
            if not isinstance(entries, list):
                raise TypeError("faults must be a list")
            # All entries are checked before any is queued, so a bad list changes nothing.
            queued = []
            for entry in entries:
                options = dict(entry)
                queued.append(make_fault(options.pop("kind"), options.pop("count", 1), options))
            self.sandbox.inject_many(queued)
        except (ValueError, KeyError, TypeError) as error:
            self._message(400, f"Bad fault list: {error}")
            return
        pending = [{"kind": k.value, "count": n} for k, n in self.sandbox.pending_faults()]
        self._json(200, {"faults": pending})


class _CdnHandler(_Handler):
    def do_POST(self) -> None:
        self._record()
        self._message(405, "The CDN only serves GET", {"Allow": "GET, HEAD"})

    def do_HEAD(self) -> None:
        self.do_GET()

    def _record(self) -> None:
        authorized = self.sandbox._key_matches(self.headers.get("Authorization"))
        self.sandbox._record(
            RecordedRequest(
                "cdn", self.command, self.path, self._headers_for_log(), None, authorized, time.time()
            )
        )

    def do_GET(self) -> None:
        self._record()
        path = self.path.split("?")[0]
        spec = self.sandbox._lookup(path[len("/files/") :]) if path.startswith("/files/") else None
        if spec is None:
            self._message(404, "No such file")
            return
        # HEAD requests (size probes) neither trigger nor use up a fault.
        fault = self.sandbox._take_fault("cdn") if self.command == "GET" else None
        if fault is not None:
            log.debug("sandbox cdn: applying fault %s", fault.kind.value)
            self._cdn_fault(fault, spec)
            return
        self._send(200, self.sandbox._file_bytes(spec), spec.fmt.mime_type)

    def _cdn_fault(self, fault: Fault, spec: _FileSpec) -> None:
        kind = fault.kind
        if kind is FaultKind.CDN_ERROR:
            self._message(500, str(fault.option("message", "CDN internal error")))
        elif kind is FaultKind.NOT_AN_IMAGE:
            self._html(200, "Access denied &mdash; this is not the picture you are looking for")
        elif kind is FaultKind.BOMB:
            data = bomb_png(int(fault.option("width", 40000)), int(fault.option("height", 40000)))
            self._send(200, data, "image/png")
        elif kind is FaultKind.CDN_REDIRECT:
            # Same port, different host name: a client must treat it as another host.
            location = f"http://localhost:{self.server.server_address[1]}{self.path}"
            self._send(302, b"", "text/plain", {"Location": location})
        elif kind is FaultKind.TRUNCATED_IMAGE:
            data = self.sandbox._file_bytes(spec)
            half = data[: len(data) // 2]
            if fault.option("mode", "short_body") == "short_file":
                self._send(200, half, spec.fmt.mime_type)
                return
            self.send_response(200)
            self.send_header("Content-Type", spec.fmt.mime_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(half)
            self.wfile.flush()
            self._drop()
        elif kind is FaultKind.SLOW_DOWNLOAD:
            self._trickle(self.sandbox._file_bytes(spec), spec, fault)

    def _trickle(self, data: bytes, spec: _FileSpec, fault: Fault) -> None:
        seconds = float(fault.option("seconds", 1.0))
        chunks = max(1, int(fault.option("chunks", 20)))
        size = -(-len(data) // chunks)
        self.send_response(200)
        self.send_header("Content-Type", spec.fmt.mime_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for start in range(0, len(data), size):
            self.wfile.write(data[start : start + size])
            self.wfile.flush()
            if self.sandbox._sleep(seconds / chunks):
                self._drop()
                return


# -- command line entry ---------------------------------------------------------------------


def run_sandbox_server(
    port: int, cdn_port: int, api_key: str, inference_delay: float, faults: list[str]
) -> int:
    """Run a sandbox in the foreground until Ctrl+C or SIGTERM; for ``fluxdesk sandbox``."""
    try:
        parsed = [parse_fault_spec(text) for text in faults]
    except ValueError as error:
        print(f"fluxdesk sandbox: {error}", file=sys.stderr)
        return 2
    sandbox = Sandbox(api_key=api_key, port=port, cdn_port=cdn_port, inference_delay=inference_delay)
    try:
        sandbox.start()
    except OSError as error:
        print(f"fluxdesk sandbox: cannot listen on port {port} or {cdn_port}: {error}", file=sys.stderr)
        return 1
    for kind, count in parsed:
        sandbox.inject(kind, count)
    stop = threading.Event()
    with sandbox, _stop_on_sigterm(stop):
        print(f"FluxDesk sandbox API: {sandbox.base_url}  (key: {api_key})")
        print(f"FluxDesk sandbox CDN: {sandbox.cdn_base_url}")
        print(
            f"Point the CLI at it: FLUXDESK_BASE_URL={sandbox.base_url} "
            f'FLUXDESK_API_KEY={api_key} fluxdesk generate "a lighthouse at dusk"'
        )
        print("Press Ctrl+C to stop.")
        sys.stdout.flush()
        try:
            # A timed wait keeps the main thread responsive to Ctrl+C on every platform.
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    # signal handlers can only be installed from the main thread (tests may call us elsewhere).
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
