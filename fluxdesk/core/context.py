"""Everything a front end (CLI or window) needs, built once from the environment.

``AppContext`` ties together paths, settings, the key store and, for ``--sandbox``, an
in-process sandbox. Front ends ask it for a client, a sink for the results and a library
instead of wiring those themselves, so the CLI and the GUI cannot drift apart.

The sandbox and key lifecycle live here too: a front end may only *want* the sandbox
(``want_sandbox``: the window starts it after its first frame, off the GUI thread); the
first thread that needs it (``ensure_sandbox``, also on the way to a client) starts it,
once, whichever thread comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fluxdesk.core.paths import AppPaths, app_paths
from fluxdesk.core.settings import Settings

if TYPE_CHECKING:
    from fluxdesk.core.generation.generate import ImageSink
    from fluxdesk.core.generation.results import GenerationClient
    from fluxdesk.core.jobs.store import JobStore
    from fluxdesk.core.keystore import KeyStore
    from fluxdesk.core.library.store import Library
    from fluxdesk.core.network.config import NetworkConfig
    from fluxdesk.core.network.diagnose import Diagnosis
    from fluxdesk.sandbox.server import Sandbox


@dataclass
class AppContext:
    """Paths, settings, the key store and (with ``--sandbox``) the in-process sandbox."""

    paths: AppPaths
    settings: Settings
    sandbox: Sandbox | None = None
    # Wanted but maybe not started yet (see want_sandbox); a running sandbox is used anyway.
    sandbox_wanted: bool = False
    # Where clients come from instead of the HTTP client, when set: tests put the sandbox's
    # in-process fake here (fluxdesk.sandbox.fake) where the HTTP path is not under test.
    client_factory: Callable[[], GenerationClient] | None = field(default=None, repr=False)
    _library: Library | None = field(default=None, repr=False)
    _keystore: KeyStore | None = field(default=None, repr=False)
    _jobs: JobStore | None = field(default=None, repr=False)
    # The window opens the library in a worker while a job on the GUI thread may want it
    # too: one Library (and one crash recovery) per folder, whoever comes first.
    _library_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # Settings are written from copies (a worker may write one while the window changes
    # them); the numbers keep an older copy from overwriting a newer one.
    _sandbox_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _settings_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _settings_taken: int = field(default=0, repr=False, compare=False)
    _settings_written: int = field(default=0, repr=False, compare=False)

    @classmethod
    def create(cls, *, use_sandbox: bool = False, inference_delay: float = 0.6) -> AppContext:
        paths = app_paths()
        settings = Settings.load(paths.settings_file)
        ctx = cls(paths=paths, settings=settings)
        if use_sandbox:
            ctx.start_sandbox(inference_delay=inference_delay)
        return ctx

    def start_sandbox(self, *, inference_delay: float = 0.6) -> Sandbox:
        """Start the in-process sandbox now (once: a second call, from any thread, gets the
        running one)."""
        with self._sandbox_lock:
            if self.sandbox is None:
                import secrets  # lazily: not needed to open the window

                from fluxdesk.sandbox.server import Sandbox

                # A random key per run: the in-process sandbox needs none from the user,
                # but the client still authenticates exactly as against the real API.
                sandbox = Sandbox(api_key="sandbox-" + secrets.token_hex(8), inference_delay=inference_delay)
                sandbox.start()
                # Published only once it runs: another thread that finds it set may use it
                # at once (the window starts it in a worker while a job may be asking).
                self.sandbox = sandbox
            return self.sandbox

    def want_sandbox(self) -> None:
        """Use the sandbox from now on; it starts on ``ensure_sandbox`` (or a client)."""
        self.sandbox_wanted = True

    @property
    def uses_sandbox(self) -> bool:
        return self.sandbox_wanted or self.sandbox is not None

    def ensure_sandbox(self) -> None:
        """(Any thread; may take a moment.) Start the wanted sandbox unless it runs."""
        if self.sandbox_wanted and self.sandbox is None:
            self.start_sandbox()

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.close()
            self._jobs = None
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None

    @property
    def keystore(self) -> KeyStore:
        # Created on first use: the window's first frame does not need it.
        if self._keystore is None:
            from fluxdesk.core.keystore import KeyStore

            self._keystore = KeyStore()
        return self._keystore

    @property
    def base_url(self) -> str:
        if self.sandbox is not None:
            return self.sandbox.base_url
        return self.settings.effective_base_url()

    def api_key(self) -> str:
        """The key for the current target; raises KeyStoreError with help when missing."""
        if self.sandbox is not None:
            return self.sandbox.api_key
        return self.keystore.require()

    def has_key(self) -> bool:
        """Whether a key is there for the real API (off the GUI thread: the keyring may block
        on D-Bus). No usable keyring counts as no key: the front end says what to do then."""
        from fluxdesk.core.errors import FluxDeskError

        try:
            return bool(self.keystore.get())
        except FluxDeskError:
            return False

    def make_client(self) -> GenerationClient:
        if self.client_factory is not None:
            return self.client_factory()
        from fluxdesk.core.generation.client import ApiClient, ClientConfig

        self.ensure_sandbox()
        return ApiClient(
            ClientConfig(
                base_url=self.base_url,
                api_key=self.api_key(),
                connect_timeout=self.settings.connect_timeout,
                read_timeout=self.settings.read_timeout,
                network=self.network_config(),
            )
        )

    def make_sink(self) -> ImageSink:
        """Where a generation's images go: the library, or with auto-save off the session's
        folder of unsaved results."""
        if self.settings.auto_save:
            return self.library()
        from fluxdesk.core.generation.generate import FolderSink

        return FolderSink(self.paths.unsaved_results)

    def network_config(self) -> NetworkConfig:
        """Proxy and trust from the settings, the proxy password from the keyring."""
        from fluxdesk.core.network.config import NetworkConfig, ProxyMode

        if self.sandbox is not None:
            # The in-process sandbox is on this machine's loopback: a company proxy
            # could never reach it.
            return NetworkConfig(proxy_mode=ProxyMode.NONE)
        settings = self.settings
        password = ""
        if settings.proxy_mode == ProxyMode.MANUAL.value and settings.proxy_username.strip():
            password = self.keystore.get_proxy_password()
        return settings.network_config(password)

    def diagnose(self) -> Diagnosis:
        """``fluxdesk doctor``: every step from the key to the API, in order."""
        from fluxdesk.core.errors import FluxDeskError
        from fluxdesk.core.network.diagnose import diagnose

        if self.sandbox is not None:
            source = "the in-process sandbox's own key"
        else:
            try:
                source = self.keystore.status().describe().removeprefix("API key: ")
            except FluxDeskError:  # the key check itself reports the keyring's problem
                source = "found"
        return diagnose(
            self.base_url,
            key=self.api_key,
            key_source=source,
            network=self.network_config(),
            connect_timeout=self.settings.connect_timeout,
        )

    def secrets(self) -> list[str]:
        """What a diagnostics report must never show (the key, the proxy password)."""
        found: list[str] = []
        for lookup in (self.api_key, lambda: self.network_config().proxy_password):
            try:
                found.append(lookup())
            except Exception:
                continue
        return [s for s in found if s]

    @property
    def library_root(self) -> Path:
        return self.settings.library_root(self.paths)

    def library(self) -> Library:
        from fluxdesk.core.library.store import Library

        with self._library_lock:
            if self._library is None or self._library.root != self.library_root:
                self._library = Library(self.library_root)
            return self._library

    def jobs(self) -> JobStore:
        """The job store (``jobs.sqlite3`` in the data folder), opened on first use."""
        from fluxdesk.core.jobs.store import JobStore, jobs_db_path

        with self._library_lock:
            if self._jobs is None:
                self._jobs = JobStore(jobs_db_path(self.paths.data))
            return self._jobs

    def save_settings(self) -> None:
        self.settings_writer()()

    def settings_writer(self) -> Callable[[], None]:
        """A copy of the settings as they are now, and a function that writes it (on any
        thread) unless a later copy was written first. Raises LibraryError when it cannot."""
        import copy

        with self._settings_lock:
            self._settings_taken += 1
            number = self._settings_taken
        snapshot = copy.deepcopy(self.settings)

        def write() -> None:
            with self._settings_lock:
                if number < self._settings_written:
                    return
                snapshot.save(self.paths.settings_file)
                self._settings_written = number

        return write
