"""Typed errors: each knows the one line a designer should read.

Core raises these; the CLI prints ``str(error)`` and the window shows it, with
``kind`` telling the UI which action to offer (open key settings, wait, retry).
No message ever contains the API key: messages are built from our own words, the
status code and the server's ``message`` field, never from request headers.
"""

from __future__ import annotations

import enum


class ErrorKind(str, enum.Enum):
    VALIDATION = "validation"
    AUTHENTICATION = "authentication"
    SERVER_VALIDATION = "server_validation"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    NETWORK = "network"
    TIMEOUT = "timeout"
    BAD_RESPONSE = "bad_response"
    BAD_IMAGE = "bad_image"
    CANCELLED = "cancelled"
    KEY_STORE = "key_store"
    LIBRARY = "library"
    CERTIFICATE = "certificate"
    PROXY = "proxy"
    DAILY_CAP = "daily_cap"


# Exit codes of the CLI, one per kind (2 is argparse's and ours for bad input).
EXIT_CODES: dict[ErrorKind, int] = {
    ErrorKind.VALIDATION: 2,
    ErrorKind.AUTHENTICATION: 3,
    ErrorKind.SERVER_VALIDATION: 4,
    ErrorKind.RATE_LIMITED: 5,
    ErrorKind.SERVER: 6,
    ErrorKind.NETWORK: 7,
    ErrorKind.TIMEOUT: 8,
    ErrorKind.BAD_RESPONSE: 9,
    ErrorKind.BAD_IMAGE: 10,
    ErrorKind.KEY_STORE: 11,
    ErrorKind.LIBRARY: 12,
    ErrorKind.CERTIFICATE: 13,
    ErrorKind.PROXY: 14,
    ErrorKind.DAILY_CAP: 15,
    ErrorKind.CANCELLED: 130,
}
# A command ended by SIGTERM (after cleaning up as for Ctrl+C): 128 + 15, as shells report it.
EXIT_TERMINATED = 143


class FluxDeskError(Exception):
    """Base of every error a user may see. ``str()`` is the one-line message."""

    kind: ErrorKind = ErrorKind.SERVER
    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]


class AuthenticationError(FluxDeskError):
    kind = ErrorKind.AUTHENTICATION

    def __init__(self, status: int, detail: str = "") -> None:
        self.status = status
        self.detail = detail
        what = "was rejected" if status == 401 else "is not allowed to use this model"
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"The API key {what} (HTTP {status}){extra}. Check it in Settings or with `fluxdesk key set`."
        )


class ServerValidationError(FluxDeskError):
    kind = ErrorKind.SERVER_VALIDATION

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"The server refused the request: {detail}")


class RateLimitedError(FluxDeskError):
    kind = ErrorKind.RATE_LIMITED
    retryable = True

    def __init__(self, retry_after: float | None) -> None:
        self.retry_after = retry_after
        wait = f" Try again in {retry_after:.0f} s." if retry_after else " Try again in a moment."
        super().__init__("Too many requests: the API is rate limiting this key." + wait)


class ServerError(FluxDeskError):
    kind = ErrorKind.SERVER
    retryable = True

    def __init__(self, status: int, detail: str = "") -> None:
        self.status = status
        self.detail = detail
        extra = f": {detail}" if detail else ""
        super().__init__(f"The API had a problem (HTTP {status}){extra}. {self.advice}")

    @property
    def advice(self) -> str:
        """What was done and what to do: 503 ("unavailable") is retried as the API asks;
        any other 5xx is not (a resent generation may be billed twice)."""
        if self.status == 503:
            return "FluxDesk retried as the API asked; try again later."
        return "Nothing was retried automatically so you are not billed twice; retry when ready."


class NetCause(str, enum.Enum):
    """Why a host could not be reached: each cause has its own advice."""

    DNS = "dns"  # the host name does not resolve (often a VPN that is not connected)
    REFUSED = "refused"  # the host answered, nothing listens on that port
    DROPPED = "dropped"  # connected, then closed without an answer
    SENT = "sent"  # a generation request went out, then the connection closed: maybe billed
    UNREACHABLE = "unreachable"  # no route, network down: really offline


_NET_ADVICE: dict[NetCause, str] = {
    NetCause.DNS: "host name not found (DNS). Check the address, or connect the VPN it needs.",
    NetCause.REFUSED: "the connection was refused (nothing listens on that port). "
    "Check the base URL and port.",
    NetCause.DROPPED: "the connection closed without an answer. Try again.",
    NetCause.SENT: "the connection closed after the request was sent, before the answer came. "
    "The API may have accepted it, and billed it: check your usage before you generate it again.",
    NetCause.UNREACHABLE: "check your internet connection.",
}


class NetworkError(FluxDeskError):
    kind = ErrorKind.NETWORK
    retryable = True

    def __init__(self, host: str, what: str = "the API", cause: NetCause = NetCause.UNREACHABLE) -> None:
        self.host = host
        self.cause = cause
        super().__init__(f"Cannot reach {what} at {host}: {_NET_ADVICE[cause]}")


class CertificateError(FluxDeskError):
    """The TLS connection was made but its certificate (or the handshake) was refused.

    Not "offline": the network works, FluxDesk does not trust what answered.
    """

    kind = ErrorKind.CERTIFICATE
    retryable = False

    def __init__(self, message: str, *, host: str = "", issuer: str = "") -> None:
        self.host = host
        self.issuer = issuer
        super().__init__(message)


class ProxyProblem(str, enum.Enum):
    REFUSED = "refused"  # nothing listens at the proxy's address
    NOT_FOUND = "not_found"  # the proxy's host name does not resolve
    AUTH = "auth"  # 407: the proxy wants (other) credentials
    TUNNEL = "tunnel"  # the proxy refused to connect on to the API (403, 502…)
    UNSUPPORTED = "unsupported"  # a SOCKS proxy: FluxDesk speaks to HTTP(S) proxies only


class ProxyError(FluxDeskError):
    kind = ErrorKind.PROXY
    retryable = True

    def __init__(self, proxy: str, problem: ProxyProblem, detail: str = "") -> None:
        self.proxy = proxy  # host:port, never with credentials
        self.problem = problem
        extra = f" ({detail})" if detail else ""
        text = {
            ProxyProblem.REFUSED: f"The proxy at {proxy} refused the connection{extra}. "
            "Check the proxy in Settings or your proxy variables.",
            ProxyProblem.NOT_FOUND: f"The proxy host {proxy} was not found (DNS){extra}. "
            "Check the proxy in Settings or your proxy variables.",
            ProxyProblem.AUTH: f"The proxy at {proxy} asked for authentication{extra}. "
            "Set its user name and password in Settings → Network.",
            ProxyProblem.TUNNEL: f"The proxy at {proxy} refused to connect to the API{extra}.",
            ProxyProblem.UNSUPPORTED: f"The proxy at {proxy} is a SOCKS proxy{extra}, which FluxDesk "
            "cannot use: choose an http:// proxy or No proxy in Settings → Network.",
        }[problem]
        super().__init__(text)


class TimeoutError_(FluxDeskError):
    kind = ErrorKind.TIMEOUT
    retryable = True

    def __init__(self, host: str, seconds: float, *, whole: bool = False) -> None:
        self.host = host
        # whole: the server kept sending, but too slowly to finish within the deadline.
        what = "did not finish its answer" if whole else "did not answer"
        super().__init__(f"{host} {what} within {seconds:g} s. Try again or raise the timeout in Settings.")


class BadResponseError(FluxDeskError):
    kind = ErrorKind.BAD_RESPONSE
    retryable = True

    def __init__(self, detail: str) -> None:
        super().__init__(f"The API sent an answer FluxDesk cannot read: {detail}.")


class BadImageError(FluxDeskError):
    kind = ErrorKind.BAD_IMAGE
    retryable = True

    def __init__(self, detail: str) -> None:
        super().__init__(f"A downloaded image is unusable: {detail}.")


class ImageGoneError(BadImageError):
    """The image server no longer has an image (403/404/410): its link expired. Retrying
    cannot help; the job's other images are unaffected."""

    retryable = False

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"the image server no longer has it (HTTP {status}): its link has expired")


class DailyCapError(FluxDeskError):
    """A job would pass the daily image cap: refused before anything was sent."""

    kind = ErrorKind.DAILY_CAP

    def __init__(self, cap: int, used: int, asked: int) -> None:
        self.cap = cap
        self.used = used
        self.asked = asked
        super().__init__(
            f"Daily cap reached: {asked} more image{'s' if asked != 1 else ''} would pass the cap of "
            f"{cap} images a day ({used} used today). Nothing was sent; raise the cap in Settings "
            "or with `fluxdesk usage --cap N`."
        )


class CancelledError(FluxDeskError):
    kind = ErrorKind.CANCELLED

    def __init__(self) -> None:
        super().__init__("Cancelled.")


class KeyProblem(str, enum.Enum):
    """What went wrong with the key, so each front end can word it (and offer) its own way."""

    NO_KEYRING = "no_keyring"  # no usable OS keyring on this machine
    NO_KEY = "no_key"  # the keyring works; nothing is stored in it
    KEYRING_FAILED = "keyring_failed"  # the keyring refused to read, store or delete
    INVALID_KEY = "invalid_key"  # empty or with spaces: nothing was stored


class KeyStoreError(FluxDeskError):
    kind = ErrorKind.KEY_STORE

    def __init__(self, message: str, problem: KeyProblem = KeyProblem.KEYRING_FAILED) -> None:
        super().__init__(message)
        self.problem = problem


class LibraryError(FluxDeskError):
    kind = ErrorKind.LIBRARY


class InvalidRequestError(FluxDeskError):
    """The request did not pass validation; nothing was sent."""

    kind = ErrorKind.VALIDATION

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("Invalid request: " + "; ".join(messages))
