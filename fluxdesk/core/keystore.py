"""The API key: OS keyring (service ``fluxdesk``), overridden by ``FLUXDESK_API_KEY``.

There is deliberately no plaintext fallback file: when no keyring backend is usable the
user is told how to provide the key (environment variable, or unlock/install a keyring
and run ``fluxdesk key set``). The key never appears in a message, log or exception.
"""

from __future__ import annotations

import contextlib
import enum
import os
from dataclasses import dataclass

from fluxdesk.core.errors import KeyProblem, KeyStoreError
from fluxdesk.core.safe_text import has_controls

SERVICE = "fluxdesk"
ACCOUNT = "aimlapi-api-key"
PROXY_ACCOUNT = "proxy-password"  # the manual proxy's password (Settings → Network)
KEY_ENV = "FLUXDESK_API_KEY"

NO_BACKEND_HELP = (
    "No usable OS keyring was found ({backend}). Set the FLUXDESK_API_KEY environment "
    "variable, or install/unlock a keyring (macOS Keychain, Windows Credential Locker, "
    "or a Secret Service such as GNOME Keyring or KWallet) and run `fluxdesk key set`."
)


class KeySource(str, enum.Enum):
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    NONE = "none"


@dataclass(frozen=True)
class KeyStatus:
    """Where the API key comes from and which keyring backend is in use (never the key)."""

    source: KeySource
    backend: str  # human-readable keyring backend name
    usable_backend: bool

    def describe(self) -> str:
        if self.source is KeySource.ENVIRONMENT:
            return f"API key: set by {KEY_ENV} (overrides the keyring)"
        if self.source is KeySource.KEYRING:
            return f"API key: stored in the OS keyring ({self.backend})"
        if not self.usable_backend:
            return "API key: not set. " + NO_BACKEND_HELP.format(backend=self.backend)
        return f"API key: not set (keyring: {self.backend}). Run `fluxdesk key set`."


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be stored, or None (the one rule: the key store and the CLI)."""
    key = key.strip()
    if not key:
        return "the API key is empty; nothing was stored"
    if any(c.isspace() for c in key):
        return "the API key contains spaces or line breaks; nothing was stored"
    if has_controls(key):  # an escape sequence pasted with the key would reach the keyring
        return "the API key contains control characters; nothing was stored"
    return None


class KeyStore:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self._env = dict(os.environ) if env is None else env

    # keyring is imported lazily: it scans entry points and costs start-up time.
    @staticmethod
    def _keyring():  # type: ignore[no-untyped-def]
        import keyring

        return keyring

    def backend_name(self) -> str:
        backend = self._keyring().get_keyring()
        name = getattr(backend, "name", None) or type(backend).__name__
        return f"{name}"

    def backend_usable(self) -> bool:
        import keyring.backends.fail

        return not isinstance(self._keyring().get_keyring(), keyring.backends.fail.Keyring)

    def _require_backend(self) -> None:
        if not self.backend_usable():
            raise KeyStoreError(NO_BACKEND_HELP.format(backend=self.backend_name()), KeyProblem.NO_KEYRING)

    def get(self) -> str | None:
        """The key to use: environment first, then keyring. None when not set."""
        env_key = self._env.get(KEY_ENV, "").strip()
        if env_key:
            return env_key
        if not self.backend_usable():
            return None
        try:
            value = self._keyring().get_password(SERVICE, ACCOUNT)
        except Exception as exc:  # keyring backends raise many types (D-Bus, locked, ...)
            raise KeyStoreError(
                f"Cannot read the API key from the keyring ({self.backend_name()}): {type(exc).__name__}. "
                f"Unlock the keyring or set {KEY_ENV}."
            ) from None
        return value or None

    def require(self) -> str:
        key = self.get()
        if key:
            return key
        if not self.backend_usable():
            raise KeyStoreError(NO_BACKEND_HELP.format(backend=self.backend_name()), KeyProblem.NO_KEYRING)
        raise KeyStoreError(
            f"No API key set. Run `fluxdesk key set`, set {KEY_ENV}, or try `fluxdesk --sandbox`.",
            KeyProblem.NO_KEY,
        )

    def set(self, key: str) -> None:
        key = key.strip()
        problem = key_problem(key)
        if problem:
            raise KeyStoreError(f"{problem[0].upper()}{problem[1:]}.", KeyProblem.INVALID_KEY)
        self._require_backend()
        try:
            self._keyring().set_password(SERVICE, ACCOUNT, key)
        except Exception as exc:
            raise KeyStoreError(
                f"Cannot store the API key in the keyring ({self.backend_name()}): {type(exc).__name__}."
            ) from None

    def delete(self) -> bool:
        """Remove the stored key; False when there was none."""
        self._require_backend()
        import keyring.errors

        try:
            self._keyring().delete_password(SERVICE, ACCOUNT)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:
            raise KeyStoreError(
                f"Cannot delete the API key from the keyring ({self.backend_name()}): {type(exc).__name__}."
            ) from None
        return True

    # --- the manual proxy's password ---------------------------------------------------
    def get_proxy_password(self) -> str:
        """The stored proxy password, "" when none (or no usable keyring)."""
        if not self.backend_usable():
            return ""
        try:
            return self._keyring().get_password(SERVICE, PROXY_ACCOUNT) or ""
        except Exception as exc:
            raise KeyStoreError(
                f"Cannot read the proxy password from the keyring ({self.backend_name()}): "
                f"{type(exc).__name__}. Unlock the keyring."
            ) from None

    def set_proxy_password(self, password: str) -> None:
        """Store the proxy password; an empty one removes it."""
        self._require_backend()
        import keyring.errors

        try:
            if password:
                self._keyring().set_password(SERVICE, PROXY_ACCOUNT, password)
            else:
                with contextlib.suppress(keyring.errors.PasswordDeleteError):
                    self._keyring().delete_password(SERVICE, PROXY_ACCOUNT)
        except Exception as exc:
            raise KeyStoreError(
                f"Cannot store the proxy password in the keyring ({self.backend_name()}): "
                f"{type(exc).__name__}."
            ) from None

    def status(self) -> KeyStatus:
        usable = self.backend_usable()
        if self._env.get(KEY_ENV, "").strip():
            source = KeySource.ENVIRONMENT
        elif usable and self.get():
            source = KeySource.KEYRING
        else:
            source = KeySource.NONE
        return KeyStatus(source=source, backend=self.backend_name(), usable_backend=usable)
