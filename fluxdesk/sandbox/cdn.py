"""The sandbox's CDN server: ``GET /files/<token>.<ext>`` serves the rendered images the
API's answers point to, on another port (the API key belongs to the API host only), and
applies the CDN faults."""

from __future__ import annotations

import logging
import time

from fluxdesk.sandbox.faults import Fault, FaultKind
from fluxdesk.sandbox.handler import BaseHandler
from fluxdesk.sandbox.render import bomb_png
from fluxdesk.sandbox.state import FileSpec

log = logging.getLogger(__name__)


class CdnHandler(BaseHandler):
    def do_POST(self) -> None:
        self.record()
        self.send_message(405, "The CDN only serves GET", {"Allow": "GET, HEAD"})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.record()
        path = self.path.split("?")[0]
        published = self.state.lookup(path[len("/files/") :]) if path.startswith("/files/") else None
        if published is None:
            self.send_message(404, "No such file")
            return
        spec = published.spec
        # HEAD requests (size probes) neither trigger nor use up a fault.
        fault = None
        if self.command == "GET":
            age = time.monotonic() - published.time
            fault = self.state.faults.take("cdn", image_index=spec.index, file_age=age)
        if fault is not None:
            log.debug("sandbox cdn: applying fault %s", fault.kind.value)
            self._cdn_fault(fault, spec)
            return
        data = self.state.file_bytes(spec)
        if self.command == "GET":
            # Counted before the bytes go out: a client that has them all may look at once.
            self.state.count_download()
        self.send(200, data, spec.fmt.mime_type)

    def _cdn_fault(self, fault: Fault, spec: FileSpec) -> None:
        kind = fault.kind
        if kind is FaultKind.CDN_ERROR:
            self.send_message(500, str(fault.option("message", "CDN internal error")))
        elif kind is FaultKind.NOT_AN_IMAGE:
            self.send_html(200, "Access denied &mdash; this is not the picture you are looking for")
        elif kind is FaultKind.BOMB:
            data = bomb_png(int(fault.option("width", 40000)), int(fault.option("height", 40000)))
            self.send(200, data, "image/png")
        elif kind is FaultKind.CDN_REDIRECT:
            # Same port, different host name: a client must treat it as another host.
            location = f"http://localhost:{self.server.server_address[1]}{self.path}"
            self.send(302, b"", "text/plain", {"Location": location})
        elif kind is FaultKind.TRUNCATED_IMAGE:
            data = self.state.file_bytes(spec)
            half = data[: len(data) // 2]
            if fault.option("mode", "short_body") == "short_file":
                self.send(200, half, spec.fmt.mime_type)
                return
            self.send_response(200)
            self.send_header("Content-Type", spec.fmt.mime_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(half)
            self.wfile.flush()
            self.drop()
        elif kind is FaultKind.SLOW_DOWNLOAD:
            self._trickle(self.state.file_bytes(spec), spec, fault)
        elif kind is FaultKind.CDN_DROP:
            self.drop()
        elif kind is FaultKind.IMAGE_ERROR:
            default = f"CDN error for image {spec.index + 1} of its batch"
            self.send_message(int(fault.option("status", 500)), str(fault.option("message", default)))
        elif kind is FaultKind.EXPIRED_URL:
            # 404 reads like an unknown file; 403 like an expired signed URL (S3 and others).
            status = int(fault.option("status", 404))
            self.send_message(status, "No such file" if status == 404 else "Request has expired")

    def _trickle(self, data: bytes, spec: FileSpec, fault: Fault) -> None:
        seconds = float(fault.option("seconds", 1.0))
        chunks = max(1, int(fault.option("chunks", 20)))
        size = -(-len(data) // chunks)
        self.send_response(200)
        self.send_header("Content-Type", spec.fmt.mime_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        pieces = [data[start : start + size] for start in range(0, len(data), size)]
        for number, piece in enumerate(pieces, 1):
            if number == len(pieces):
                self.state.count_download()  # (before the client can have it all)
            self.wfile.write(piece)
            self.wfile.flush()
            if number < len(pieces) and self.state.sleep(seconds / chunks):
                self.drop()
                return
