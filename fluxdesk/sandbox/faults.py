"""The sandbox's faults: what the next matching requests get instead of a normal answer.

A fault is queued with ``Sandbox.inject`` (or ``POST /_sandbox/faults``, or the CLI's
``--fault KIND[:COUNT]``) and replaces the normal behaviour of the next ``count`` matching
requests (API faults: generation POSTs; CDN faults: file GETs). A fault is used up as soon
as a matching request arrives, whatever that request contains.
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

    def pending(self) -> list[tuple[FaultKind, int]]:
        with self._lock:
            return [(f.kind, f.remaining) for f in self._faults]

    def take(self, server: ServerName) -> Fault | None:
        """The fault for this request, used up by one; None for a normal answer."""
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
