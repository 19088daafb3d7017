"""The sandbox's faults: what the next matching requests get instead of a normal answer.

A fault is queued with ``Sandbox.inject`` (or ``POST /_sandbox/faults``, or the CLI's
``--fault KIND[:COUNT][:NAME=VALUE,…]``) and replaces the normal behaviour of the next
``count`` matching requests (API faults: generation POSTs; CDN faults: file GETs), or of
every one until the faults are cleared (``count`` None, ``all`` on the command line). A
fault is used up as soon as a matching request arrives, whatever that request contains.
Some CDN faults match only some requests: ``image_error`` one image of each batch,
``expired_url`` files older than ``after_seconds`` or requests after the first
``after_requests``.

The client retries a download that fails with a 5xx or a dropped connection (three times),
so a count of 1 only delays such an image: ``all`` (or a count above the retries) makes it
fail for good. 403/404 are not retried.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ServerName = Literal["api", "cdn"]


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
    CDN_DROP = "cdn_drop"  # close the socket without any response (the CDN is unreachable)
    IMAGE_ERROR = "image_error"  # `status` (default 500) for image number `image` of a batch only
    EXPIRED_URL = "expired_url"  # `status` 404 (default) or 403: the URL has expired

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
        FaultKind.CDN_DROP,
        FaultKind.IMAGE_ERROR,
        FaultKind.EXPIRED_URL,
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
    FaultKind.CDN_DROP: frozenset(),
    # image: its number in the batch, from 1 (default 1); status: 400-599.
    FaultKind.IMAGE_ERROR: frozenset({"image", "status", "message"}),
    # Only files published at least after_seconds ago, and only after the first
    # after_requests file requests since the fault was queued, are expired (default 0, 0).
    FaultKind.EXPIRED_URL: frozenset({"status", "after_requests", "after_seconds"}),
}
EXPIRED_STATUSES = (404, 403)
TRUNCATE_MODES = ("short_body", "short_file")


@dataclass
class Fault:
    """A fault injected into the sandbox, for the next ``remaining`` matching requests
    (None: every one until cleared)."""

    kind: FaultKind
    remaining: int | None
    options: dict[str, Any] = field(default_factory=dict)
    seen: int = 0  # requests to its server since it was queued (for after_requests)

    def option(self, name: str, default: Any) -> Any:
        return self.options.get(name, default)

    def applies_to(self, image_index: int | None, file_age: float | None) -> bool:
        """Whether a request for this file is one the fault is about."""
        if self.kind is FaultKind.IMAGE_ERROR:
            return image_index == int(self.option("image", 1)) - 1
        if self.kind is FaultKind.EXPIRED_URL:
            return file_age is None or file_age >= float(self.option("after_seconds", 0))
        return True


def make_fault(
    kind: FaultKind | str, count: int | None = 1, options: Mapping[str, Any] | None = None
) -> Fault:
    """A checked :class:`Fault`; ValueError names the unknown kind, option or bad value."""
    fault_kind = FaultKind(kind)
    options = dict(options or {})
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"count must be a whole number of at least 1, or None for all (got {count!r})")
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
    elif name == "status":
        allowed = EXPIRED_STATUSES if kind is FaultKind.EXPIRED_URL else range(400, 600)
        ok = _whole(value) and value in allowed
    elif name in ("chunks", "width", "height", "image"):
        ok = _whole(value) and 1 <= value <= 1_000_000
    elif name == "after_requests":
        ok = _whole(value) and 0 <= value <= 1_000_000
    elif name == "after_seconds":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 86400
    else:  # seconds, retry_after (None: send no Retry-After header at all)
        ok = (value is None and name == "retry_after") or (
            isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 3600
        )
    if not ok:
        raise ValueError(f"{kind.value}: bad value for {name}: {value!r}")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_fault_spec(text: str) -> Fault:
    """The CLI's ``--fault`` syntax: ``KIND[:COUNT][:NAME=VALUE[,NAME=VALUE…]]``, COUNT a
    whole number or ``all``; e.g. ``slow_download:all:seconds=30,chunks=300``,
    ``image_error:all:image=2``, ``expired_url:all:after_requests=1,status=403``."""
    name, _, rest = text.strip().partition(":")
    try:
        kind = FaultKind(name.strip().lower())
    except ValueError:
        names = ", ".join(k.value for k in FaultKind)
        raise ValueError(f"unknown fault {name!r}; choose from {names}") from None
    first, _, tail = rest.partition(":")
    count_text, options_text = ("", rest) if "=" in first else (first.strip(), tail)
    count: int | None
    if count_text.lower() == "all":
        count = None
    else:
        try:
            count = int(count_text) if count_text else 1
        except ValueError:
            raise ValueError(f"fault count must be a whole number or 'all' (got {count_text!r})") from None
        if count < 1:
            raise ValueError(f"fault count must be at least 1 (got {count})")
    options: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in options_text.split(","))):
        key, equals, value = pair.partition("=")
        if not equals:
            raise ValueError(f"fault option must be NAME=VALUE (got {pair!r})")
        options[key.strip()] = _option_value(value.strip())
    return make_fault(kind, count, options)


def _option_value(text: str) -> Any:
    """A number where it reads as one (``status=403``, ``seconds=0.5``), else the text."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


class FaultQueue:
    """The queued faults, shared by the handler threads (and the in-process fake)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def extend(self, faults: list[Fault]) -> None:
        """Queue faults that were all validated by :func:`make_fault`."""
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[tuple[FaultKind, int | None]]:
        with self._lock:
            return [(f.kind, f.remaining) for f in self._faults]

    def take(
        self, server: ServerName, *, image_index: int | None = None, file_age: float | None = None
    ) -> Fault | None:
        """The fault for this request (of image ``image_index`` of its batch, a file
        published ``file_age`` seconds ago), used up by one; None for a normal answer."""
        # Faults for one server queue in order; the other server's faults are skipped over,
        # so an API fault and a CDN fault can be queued together, and so are faults about
        # other requests (another image, a younger file).
        chosen: Fault | None = None
        with self._lock:
            for fault in self._faults:
                if fault.kind.server != server:
                    continue
                waiting = fault.seen < int(fault.option("after_requests", 0))
                fault.seen += 1
                if chosen is None and not waiting and fault.applies_to(image_index, file_age):
                    chosen = fault
            if chosen is None:
                return None
            if chosen.remaining is not None:
                chosen.remaining -= 1
                if chosen.remaining <= 0:
                    self._faults.remove(chosen)
            return Fault(chosen.kind, 1, chosen.options)
