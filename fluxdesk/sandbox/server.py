"""An offline stand-in for the AI/ML API and its CDN, for tests, demos and the CLI.

Two loopback HTTP servers run in daemon threads:

* the **API** (``base_url``, :mod:`fluxdesk.sandbox.api`) answers
  ``POST /v1/images/generations`` exactly as the real service documents it;
* the **CDN** (``cdn_base_url``, another port, :mod:`fluxdesk.sandbox.cdn`) serves the
  images those answers point to.

They are separate servers on purpose: the API key belongs to the API host only, and the
request log lets a test prove that no CDN request ever carried an ``Authorization`` header.
What they remember between requests (faults, request log, files) is one
:class:`~fluxdesk.sandbox.state.SandboxState`; the faults are in
:mod:`fluxdesk.sandbox.faults`. This module starts and stops the pair and runs
``fluxdesk sandbox``.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import ssl
import sys
import threading
from collections.abc import Iterator
from types import FrameType, TracebackType

from fluxdesk.sandbox.api import CONTROL_PREFIX, ApiHandler
from fluxdesk.sandbox.cdn import CdnHandler
from fluxdesk.sandbox.faults import Fault, FaultKind, make_fault, parse_fault_spec
from fluxdesk.sandbox.handler import SandboxHTTPServer
from fluxdesk.sandbox.state import RANDOM_SEED_MAX, Counts, RecordedRequest, SandboxControls, SandboxState

# The names tests and tools have always imported from here.
__all__ = [
    "CONTROL_PREFIX",
    "RANDOM_SEED_MAX",
    "Counts",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "Sandbox",
    "make_fault",
    "parse_fault_spec",
    "run_sandbox_server",
]

log = logging.getLogger(__name__)


class Sandbox(SandboxControls):
    """The API + CDN pair. Use as a context manager or call :meth:`start`/:meth:`stop`;
    faults and the request log through :class:`SandboxControls`."""

    def __init__(
        self,
        *,
        api_key: str = "sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        cdn_port: int = 0,
        inference_delay: float = 0.0,
        api_tls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        # A server-side TLS context makes the API an https:// server (network tests:
        # trust stores, proxies' CONNECT tunnels); the CDN stays plain http.
        self._api_tls = api_tls
        self._port = port
        self._cdn_port = cdn_port
        self.state = SandboxState(api_key=api_key, inference_delay=inference_delay)
        self._api: SandboxHTTPServer | None = None
        self._cdn: SandboxHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._api is not None:
            return self
        self.state.stopping.clear()
        api = SandboxHTTPServer((self.host, self._port), ApiHandler, self.state, "api", self._api_tls)
        try:
            cdn = SandboxHTTPServer((self.host, self._cdn_port), CdnHandler, self.state, "cdn")
        except OSError:
            api.server_close()
            raise
        self._api, self._cdn = api, cdn
        api.cdn_base_url = self.cdn_base_url
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
        self.state.stopping.set()
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
        return self.state.api_key

    @property
    def inference_delay(self) -> float:
        """Seconds each generation takes (changeable while running)."""
        return self.state.inference_delay

    @inference_delay.setter
    def inference_delay(self, seconds: float) -> None:
        self.state.inference_delay = seconds

    @property
    def port(self) -> int:
        return self._bound(self._api)

    @property
    def cdn_port(self) -> int:
        return self._bound(self._cdn)

    @property
    def base_url(self) -> str:
        scheme = "https" if self._api_tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def cdn_base_url(self) -> str:
        return f"http://{self.host}:{self.cdn_port}"

    @staticmethod
    def _bound(server: SandboxHTTPServer | None) -> int:
        if server is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return int(server.server_address[1])


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
    sandbox.inject_many(parsed)
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
