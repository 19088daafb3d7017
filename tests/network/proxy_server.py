"""A small forward proxy on loopback: CONNECT tunnels and absolute-form http requests,
optionally behind Basic authentication. It refuses any target that is not loopback."""

from __future__ import annotations

import base64
import contextlib
import select
import socket
import socketserver
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class ProxiedRequest:
    """One request the proxy received: its method, target and whether it was allowed."""

    method: str
    target: str
    authorized: bool


class _Handler(socketserver.BaseRequestHandler):
    server: ProxyServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        authorized = (
            self.server.credentials is None
            or headers.get("proxy-authorization")
            == "Basic " + base64.b64encode(self.server.credentials.encode()).decode()
        )
        self.server.record(ProxiedRequest(method, target, authorized))
        if not authorized:
            sock.sendall(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
            )
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            self._tunnel(sock, host.strip("[]"), int(port))
        else:
            self._forward(sock, method, target, lines[1:], rest)

    def _upstream(self, sock: socket.socket, host: str, port: int) -> socket.socket | None:
        if host not in LOOPBACK:
            sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return None
        try:
            return socket.create_connection((host, port), timeout=10)
        except OSError:
            sock.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return None

    def _tunnel(self, sock: socket.socket, host: str, port: int) -> None:
        upstream = self._upstream(sock, host, port)
        if upstream is None:
            return
        with upstream:
            sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._relay(sock, upstream)

    def _forward(self, sock: socket.socket, method: str, target: str, lines: list[str], rest: bytes) -> None:
        parts = urlsplit(target)
        upstream = self._upstream(sock, parts.hostname or "", parts.port or 80)
        if upstream is None:
            return
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        kept = [
            line for line in lines if not line.lower().startswith(("proxy-", "connection:", "keep-alive:"))
        ]
        head = "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close"]) + "\r\n\r\n"
        with upstream:
            upstream.sendall(head.encode("latin-1") + rest)
            # One request per client connection: answer, then close (said in the answer).
            self._relay(sock, upstream, close_after_answer=True)

    def _relay(
        self, client: socket.socket, upstream: socket.socket, close_after_answer: bool = False
    ) -> None:
        first = True
        sockets = [client, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 10)
            if not readable:
                return
            for source in readable:
                try:
                    chunk = source.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                if source is upstream and first and close_after_answer:
                    chunk = chunk.replace(b"\r\n", b"\r\nConnection: close\r\n", 1)
                    first = False
                (upstream if source is client else client).sendall(chunk)


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, credentials: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.credentials = credentials  # "user:password", or None: no authentication
        self.requests: list[ProxiedRequest] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, entry: ProxiedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def __enter__(self) -> ProxyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        with contextlib.suppress(RuntimeError):
            self._thread.join(timeout=2)
