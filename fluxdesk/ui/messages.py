"""The one place where core errors become words and actions in the window."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fluxdesk.core.errors import ErrorKind, FluxDeskError, RateLimitedError


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
    if kind is ErrorKind.AUTHENTICATION:
        return UserMessage(title, text, action=Action.OPEN_SETTINGS)
    if kind is ErrorKind.KEY_STORE:
        return UserMessage(title, text, Severity.WARNING, action=Action.OPEN_SETTINGS)
    if isinstance(error, RateLimitedError):
        wait = error.retry_after
        return UserMessage(title, text, Severity.WARNING, action=Action.RETRY, retry_after=wait)
    return UserMessage(title, text, action=Action.RETRY if error.retryable else Action.NONE)
