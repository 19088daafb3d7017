"""A whole-response deadline for HTTP calls, enforced on the socket.

requests/urllib3 only have per-read timeouts: a server that sends one byte every two
seconds never trips a 60 s read timeout and can hold a call open for ever. A Deadline
is armed around a call in the calling thread; every connection that thread opens or
reuses registers its socket with it (``DeadlineAdapter``), and when the time is up a
timer shuts those sockets down, so the blocked read returns at once and the call fails.
The caller then asks ``expired`` to report a timeout rather than a dropped connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection

_current = threading.local()  # .deadline: the Deadline armed in this thread, if any


class Deadline:
    """``seconds`` from arming until every socket registered with it is shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._ends_at = 0.0
        self._timer: threading.Timer | None = None
        self._expired = False
        self._aborted = False
        self._armed = False

    @property
    def expired(self) -> bool:
        return self._expired

    def extend(self, seconds: float) -> None:
        """Move the end later (a retry wait the server asked for is not the server's slowness)."""
        with self._lock:
            self.seconds += seconds
            if self._armed and not self._expired:
                self._ends_at += seconds
                self._schedule()

    def abort(self) -> None:
        """End the call now (it was cancelled): shut its sockets down, as at expiry, but
        without calling it a timeout."""
        with self._lock:
            self._aborted = True
            for sock in self._sockets:
                _shut(sock)

    def remaining(self) -> float:
        return max(0.0, self._ends_at - time.monotonic()) if self._armed else self.seconds

    @contextmanager
    def armed(self) -> Iterator[Deadline]:
        """Arm in this thread for the ``with`` body (re-entrant: an outer arming wins)."""
        outer = getattr(_current, "deadline", None)
        if outer is not None:
            yield outer
            return
        with self._lock:
            self._armed = True
            self._ends_at = time.monotonic() + self.seconds
            self._schedule()
        _current.deadline = self
        try:
            yield self
        finally:
            _current.deadline = None
            with self._lock:
                self._armed = False
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                self._sockets.clear()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if sock not in self._sockets:
                self._sockets.append(sock)
            if self._expired or self._aborted:
                _shut(sock)

    def _schedule(self) -> None:  # (with the lock held)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(max(0.0, self._ends_at - time.monotonic()), self._expire)
        self._timer.daemon = True
        self._timer.name = "fluxdesk-deadline"
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            if time.monotonic() < self._ends_at - 0.001:  # extended meanwhile
                self._schedule()
                return
            self._expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket.shutdown, not SSLSocket.shutdown: the SSL object is the reading
    # thread's; shutting the descriptor down makes its blocked recv return.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _register(conn: HTTPConnection) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(getattr(conn, "sock", None))


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)  # a reused keep-alive connection (connect() is not called again)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections (direct or through an HTTP proxy) obey ``Deadline``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have connection classes of their own
            manager.pool_classes_by_scheme = _POOLS
        return manager


def current_deadline() -> Deadline | None:
    """The deadline armed in this thread, if any (retry waits extend it)."""
    return getattr(_current, "deadline", None)
