"""What the sandbox's two HTTP servers share: the threaded server that can drop its
keep-alive connections on stop, and the request handler's answering helpers."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fluxdesk.sandbox.faults import ServerName
from fluxdesk.sandbox.state import RecordedRequest, SandboxState

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20


class SandboxHTTPServer(ThreadingHTTPServer):
    """One of the pair (``role`` "api" or "cdn"), answering from the shared state."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        state: SandboxState,
        role: ServerName,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.state = state
        self.role: ServerName = role
        self.tls = tls  # a server-side context: this server speaks HTTPS
        # The API's answers point at the CDN: set by the sandbox once both are bound.
        self.cdn_base_url = ""
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


class BaseHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive like the real service, so client connection reuse
    # is exercised; every response therefore carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "FluxDeskSandbox/1"
    sys_version = ""
    # An idle keep-alive connection frees its thread after this long.
    timeout = 30
    server: SandboxHTTPServer

    @property
    def state(self) -> SandboxState:
        return self.server.state

    def setup(self) -> None:
        if self.server.tls is not None:
            # The handshake runs here, in the connection's own thread, so a client that
            # refuses the certificate (or never speaks TLS) cannot stall the accept loop.
            self.request.settimeout(self.timeout)
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        # Only the request line and status reach here, never headers, so no key is logged.
        log.debug("sandbox %s: " + format, self.server.role, *args)

    def record(self, body: Any = None) -> None:
        """Log this request in the state (the Authorization value redacted)."""
        headers = {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.headers.items()}
        authorized = self.state.key_matches(self.headers.get("Authorization"))
        self.state.record(
            RecordedRequest(self.server.role, self.command, self.path, headers, body, authorized, time.time())
        )

    def send(
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

    def send_json(self, status: int, payload: Any, extra: Mapping[str, str] | None = None) -> None:
        self.send(status, json.dumps(payload).encode(), "application/json", extra)

    def send_message(self, status: int, message: str, extra: Mapping[str, str] | None = None) -> None:
        self.send_json(status, {"message": message}, extra)

    def send_html(self, status: int, text: str) -> None:
        self.send(status, f"<!doctype html><html><body><h1>{text}</h1></body></html>".encode(), "text/html")

    def drop(self) -> None:
        """Hang up without a response (the client sees the connection closed)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def read_body(self) -> bytes | None:
        """The request body, or None after answering 413 for an oversized one."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True  # the unread body would corrupt the next request
            self.send_message(413, f"Body must be a JSON object of at most {MAX_BODY_BYTES} bytes")
            return None
        return self.rfile.read(length) if length else b""
