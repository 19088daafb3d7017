"""The one place where core errors become words and actions in the window."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fluxdesk.core.errors import (
    AuthenticationError,
    CertificateError,
    ErrorKind,
    FluxDeskError,
    KeyProblem,
    KeyStoreError,
    NetCause,
    NetworkError,
    ProxyError,
    RateLimitedError,
    ServerError,
)


class Action(str, enum.Enum):
    """What the message bar offers next to the text."""

    NONE = "none"
    RETRY = "retry"
    OPEN_SETTINGS = "open_settings"
    USE_SANDBOX = "use_sandbox"


ACTION_LABELS: dict[Action, str] = {
    Action.NONE: "",
    Action.RETRY: "Retry",
    Action.OPEN_SETTINGS: "Open key settings…",
    Action.USE_SANDBOX: "Use the sandbox",
}


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class UserMessage:
    """An error or notice as the window shows it: title, text and one action."""

    title: str
    text: str
    severity: Severity = Severity.ERROR
    action: Action = Action.NONE
    retry_after: float | None = None  # seconds, for rate limiting

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


_TITLES: dict[ErrorKind, str] = {
    ErrorKind.VALIDATION: "The request is not valid",
    ErrorKind.AUTHENTICATION: "API key rejected",
    ErrorKind.SERVER_VALIDATION: "The server refused the request",
    ErrorKind.RATE_LIMITED: "Rate limited",
    ErrorKind.SERVER: "The API had a problem",
    ErrorKind.NETWORK: "Offline",
    ErrorKind.TIMEOUT: "No answer in time",
    ErrorKind.BAD_RESPONSE: "Unexpected answer",
    ErrorKind.BAD_IMAGE: "Unusable image",
    ErrorKind.CANCELLED: "Cancelled",
    ErrorKind.KEY_STORE: "No API key",
    ErrorKind.LIBRARY: "Cannot save",
    ErrorKind.CERTIFICATE: "Certificate not trusted",
    ErrorKind.PROXY: "Proxy problem",
}
# A network error's title says its cause: a refused port or an unknown host is not "offline".
_NETWORK_TITLES: dict[NetCause, str] = {
    NetCause.DNS: "Host not found",
    NetCause.REFUSED: "Connection refused",
    NetCause.DROPPED: "Connection dropped",
    NetCause.SENT: "Connection lost after sending",
    NetCause.UNREACHABLE: "Offline",
}


# The core's own messages name command lines (`fluxdesk key set`) for the terminal; the
# window words these in its own terms and offers the way out as a button.
NO_KEYRING_MESSAGE = UserMessage(
    "No keyring for your API key",
    "FluxDesk keeps your key in the system keyring (Keychain, Credential Locker, or a "
    "Secret Service such as GNOME Keyring), and none is available here. Unlock or install "
    "one, or start FluxDesk with the FLUXDESK_API_KEY environment variable set. The "
    "sandbox works without a key.",
    Severity.WARNING,
    Action.USE_SANDBOX,
)
_KEY_MESSAGES: dict[KeyProblem, UserMessage] = {
    KeyProblem.NO_KEYRING: NO_KEYRING_MESSAGE,
    KeyProblem.NO_KEY: UserMessage(
        "No API key yet",
        "Add your AI/ML API key in Settings, or try FluxDesk first with the offline sandbox.",
        Severity.WARNING,
        Action.OPEN_SETTINGS,
    ),
}


def user_message(error: BaseException) -> UserMessage:
    """Map any error from a job to what the window shows (never a traceback)."""
    if not isinstance(error, FluxDeskError):
        return UserMessage(
            "Something went wrong",
            f"An unexpected error stopped this job ({type(error).__name__}). "
            "Retry, or report it if it repeats.",
            action=Action.RETRY,
        )
    kind = error.kind
    title = _TITLES.get(kind, "Error")
    text = str(error)
    if kind is ErrorKind.CANCELLED:
        return UserMessage(title, "The job was cancelled.", Severity.INFO)
    if isinstance(error, NetworkError):
        title = _NETWORK_TITLES[error.cause]
    if isinstance(error, CertificateError | ProxyError):  # fixed in Settings → Network
        return UserMessage(title, text, action=Action.OPEN_SETTINGS)
    if isinstance(error, AuthenticationError):
        refused = "refused the key" if error.status == 401 else "does not let this key use the model"
        detail = f": {error.detail}" if error.detail else ""
        text = f"The API {refused}{detail} (HTTP {error.status}). Check or replace it in Settings."
        return UserMessage(title, text, action=Action.OPEN_SETTINGS)
    if isinstance(error, KeyStoreError):
        known = _KEY_MESSAGES.get(error.problem)
        return known or UserMessage(title, text, Severity.WARNING, action=Action.OPEN_SETTINGS)
    if isinstance(error, ServerError):  # the title already says "The API had a problem"
        detail = f": {error.detail}" if error.detail else ""
        text = f"HTTP {error.status}{detail}. {error.advice}"
        return UserMessage(title, text, action=Action.RETRY)
    if isinstance(error, RateLimitedError):
        wait = error.retry_after
        if wait:  # said as what the API asked: the Retry button counts down what is left
            text = f"Too many requests: the API asked FluxDesk to wait {wait:.0f} s before the next one."
        return UserMessage(title, text, Severity.WARNING, action=Action.RETRY, retry_after=wait)
    return UserMessage(title, text, action=Action.RETRY if error.retryable else Action.NONE)
