"""User settings: a small typed catalogue stored as JSON in the data folder.

Each setting is declared once (name, default, help); loading checks every value's type
against its default and falls back to the default when a file was hand-edited wrongly.
Secrets never live here: the API key is in the OS keyring (see keystore.py).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxdesk.core import params as P
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.paths import AppPaths, app_paths, write_json_atomically
from fluxdesk.core.safe_text import has_controls

if TYPE_CHECKING:
    from fluxdesk.core.network.config import NetworkConfig

log = logging.getLogger(__name__)

BASE_URL_ENV = "FLUXDESK_BASE_URL"
PROMPT_HISTORY_LIMIT = 200
# Seconds for each timeout (the settings dialog's range, and what a hand-edited file may hold).
TIMEOUT_MIN = 1.0
TIMEOUT_MAX = 600.0


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the API's base URL, or None when it can.

    The one rule for the settings dialog, ``FLUXDESK_BASE_URL`` and the client (which
    refuses to send anything to an address that fails it).
    """
    from urllib.parse import urlsplit  # lazily: not needed to open the window

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # e.g. a port that is not a number
        valid = False
    if valid and not any(ch.isspace() for ch in url):
        return None
    return f"Base URL: must be an http:// or https:// address such as {P.DEFAULT_BASE_URL} (got {url!r})"


def _checked(name: str, value: Any) -> tuple[Any, str | None]:
    """``value`` (of the right type) made usable, or why it cannot be: a hand-edited
    file must not make a later step fail with "unexpected error"."""
    if name in ("connect_timeout", "read_timeout"):
        if not (math.isfinite(value) and TIMEOUT_MIN <= value <= TIMEOUT_MAX):
            return value, f"must be {TIMEOUT_MIN:g} to {TIMEOUT_MAX:g} seconds (got {value!r})"
    elif name == "library_dir":
        if has_controls(value) or "\n" in value or "\t" in value:
            return value, "must be a folder path without control characters"
    elif name == "prompt_history":
        return [p for p in value if isinstance(p, str)][:PROMPT_HISTORY_LIMIT], None
    elif name == "ui_state":
        return {str(k): v for k, v in value.items() if isinstance(v, str)}, None
    return value, None


@dataclass
class Settings:
    """The user's settings; each field's metadata holds its help text."""

    base_url: str = field(default=P.DEFAULT_BASE_URL, metadata={"help": "API base URL"})
    connect_timeout: float = field(default=10.0, metadata={"help": "Seconds to wait for a connection"})
    read_timeout: float = field(default=120.0, metadata={"help": "Seconds to wait for the API to answer"})
    library_dir: str = field(default="", metadata={"help": "Library folder (empty: default)"})
    auto_save: bool = field(default=True, metadata={"help": "Save every result to the library"})
    # Network (issue 17). No credentials here: the proxy's password is in the keyring.
    proxy_mode: str = field(default="system", metadata={"help": "system, none or manual"})
    proxy_url: str = field(default="", metadata={"help": "Manual proxy address (no credentials)"})
    proxy_username: str = field(default="", metadata={"help": "Manual proxy user name"})
    extra_ca_file: str = field(default="", metadata={"help": "PEM CA bundle trusted besides the OS store"})
    # 0 means "not set" for both (JSON has no None of a checked type): no cost is shown
    # without a price (we do not guess one), and no cap limits the day.
    price_per_image: float = field(default=0.0, metadata={"help": "Price per image (0: not set)"})
    daily_cap: int = field(default=0, metadata={"help": "Images a day at most (0: no cap)"})
    notifications: bool = field(default=True, metadata={"help": "Notify when a job ends in the background"})
    last_request: dict[str, Any] = field(default_factory=dict, metadata={"help": "Form values"})
    prompt_history: list[str] = field(default_factory=list, metadata={"help": "Recent prompts"})
    ui_state: dict[str, str] = field(default_factory=dict, metadata={"help": "Window geometry etc."})

    # --- derived values -------------------------------------------------------------
    def effective_base_url(self, env: dict[str, str] | None = None) -> str:
        env = dict(os.environ) if env is None else env
        return (env.get(BASE_URL_ENV) or self.base_url or P.DEFAULT_BASE_URL).rstrip("/")

    def network_config(self, proxy_password: str = "") -> NetworkConfig:
        """The client's network settings (the password comes from the keyring)."""
        from fluxdesk.core.network.config import NetworkConfig, parse_proxy_mode

        return NetworkConfig(
            proxy_mode=parse_proxy_mode(self.proxy_mode),
            proxy_url=self.proxy_url.strip(),
            proxy_username=self.proxy_username.strip(),
            proxy_password=proxy_password,
            extra_ca_file=self.extra_ca_file.strip(),
        )

    def library_root(self, paths: AppPaths) -> Path:
        return Path(self.library_dir).expanduser() if self.library_dir else paths.library

    def remember_prompt(self, prompt: str) -> None:
        prompt = prompt.strip()
        if not prompt:
            return
        history = [p for p in self.prompt_history if p != prompt]
        history.insert(0, prompt)
        self.prompt_history = history[:PROMPT_HISTORY_LIMIT]

    # --- persistence ----------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or app_paths().settings_file
        defaults = cls()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return defaults
        except (OSError, ValueError) as exc:  # ValueError: not UTF-8
            log.warning("Ignoring unreadable settings file %s: %s", path, exc)
            return defaults
        import json  # lazily: a first run has no settings file

        try:
            raw = json.loads(text)
        except (ValueError, RecursionError) as exc:  # (RecursionError: absurdly nested)
            log.warning("Ignoring unreadable settings file %s: %s", path, str(exc)[:200])
            return defaults
        if not isinstance(raw, dict):
            return defaults
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            default = getattr(defaults, f.name)
            value = raw[f.name]
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                try:
                    value = float(value)
                except OverflowError:  # an integer beyond a float's range
                    value = math.inf
            if type(value) is not type(default):
                log.warning("Setting %s has the wrong type in %s; using the default", f.name, path)
                continue
            value, problem = _checked(f.name, value)
            if problem:
                log.warning("Setting %s in %s %s; using the default (%s)", f.name, path, problem, default)
                continue
            values[f.name] = value
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        """Write atomically: a crash never leaves a half-written settings file."""
        path = path or app_paths().settings_file
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        try:
            write_json_atomically(path, data)
        except OSError as exc:
            raise LibraryError(f"Cannot save settings to {path}: {exc.strerror or exc}") from exc
