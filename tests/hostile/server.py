"""A hostile HTTP server on loopback, written on raw sockets so it can misbehave in ways
a well-behaved server library would not let it: trickle bytes, send endless JSON, lie
about sizes and seeds, redirect in circles or to ``file://``.

Each route is a function that gets the connected socket and the parsed request and
writes whatever it likes. The API route answers a generation with ``answer`` (a dict
built by the test), whose image URLs usually point back at this server.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fluxdesk.core import params as P


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Callable[[socket.socket, Request], None]


def send_response(
    conn: socket.socket, status: int, body: bytes, content_type: str = "application/json", **headers: str
) -> None:
    head = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    head += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    conn.sendall(("\r\n".join(head) + "\r\nConnection: close\r\n\r\n").encode() + body)


def json_route(answer: Any, status: int = 200) -> Route:
    def route(conn: socket.socket, request: Request) -> None:
        send_response(conn, status, json.dumps(answer).encode())

    return route


def file_route(data: bytes, content_type: str = "image/png") -> Route:
    def route(conn: socket.socket, request: Request) -> None:
        send_response(conn, 200, data, content_type)

    return route


def redirect_route(location: str, status: int = 302) -> Route:
    def route(conn: socket.socket, request: Request) -> None:
        send_response(conn, status, b"", "text/plain", Location=location)

    return route


def trickle_route(
    head: bytes, every: float, byte: bytes = b" ", stop: threading.Event | None = None
) -> Route:
    """Send ``head`` then one ``byte`` every ``every`` seconds until the client goes away."""

    def route(conn: socket.socket, request: Request) -> None:
        conn.sendall(head)
        while stop is None or not stop.is_set():
            time.sleep(every)
            conn.sendall(byte)

    return route


def endless_json_route() -> Route:
    """A chunked JSON answer that never ends (no Content-Length to refuse up front)."""

    def route(conn: socket.socket, request: Request) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        piece = b'{"images": [' + b'{"url": "http://127.0.0.1/x.png"},' * 2000
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        while True:
            conn.sendall(chunk)

    return route


@dataclass
class HostileServer:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stopped = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, route: Route) -> None:
        self.routes[P.API_PATH] = route

    def answer(self, answer: dict[str, Any]) -> None:
        """The API answers every generation with ``answer``."""
        self.api(json_route(answer))

    def close(self) -> None:
        self._stopped = True
        self._sock.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = self._read_request(conn)
                self.seen.append(request)
                route = self.routes.get(request.path.split("?")[0])
                if route is None:
                    send_response(conn, 404, b"{}")
                else:
                    route(conn, request)
            except OSError:
                pass  # the client hung up: the point of most routes

    @staticmethod
    def _read_request(conn: socket.socket) -> Request:
        data = b""
        while b"\r\n\r\n" not in data:
            more = conn.recv(65536)
            if not more:
                raise OSError("closed")
            data += more
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            more = conn.recv(65536)
            if not more:
                break
            body += more
        return Request(method, path, headers, body)
