"""``fluxdesk doctor`` and the window's "Test connection": the path to the API, one step
at a time, so a failure names its step.

In order: the key is present; the API's host name resolves (the proxy's, when one is
used: the proxy resolves the API's); a TCP connection opens; the proxy lets FluxDesk
through (a CONNECT tunnel, or for an http:// API a forwarded request); TLS verifies
(and who issued the certificate); the API accepts the key. The last step sends
``POST /v1/images/generations`` with the body ``{"model": "flux-realism"}``: no prompt, so
the API refuses the body (400/422) once it has accepted the key, or answers 401/403 for
a wrong key; nothing is generated and nothing is billed.

A network step that fails ends the network steps after it (they would fail the same
way); they are reported as not run (``ok`` null). The verdict is the exit code of the
first failure, 0 when every step passed.
"""

from __future__ import annotations

import platform
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fluxdesk import __version__
from fluxdesk.core import params as P
from fluxdesk.core.errors import (
    FluxDeskError,
    InvalidRequestError,
    NetCause,
    NetworkError,
    ProxyError,
    ProxyProblem,
    TimeoutError_,
)
from fluxdesk.core.network.config import PROXY_MODE_LABELS, NetworkConfig, ProxyMode
from fluxdesk.core.network.probe import Target, close_quietly, peer_certificate, proxy_socket, target_of
from fluxdesk.core.network.proxy import ProxyRoute, ask_proxy, open_tunnel, proxy_for

CHECKS = ("key", "dns", "tcp", "proxy", "tls", "api")
CHECK_TITLES = {
    "key": "API key present",
    "dns": "Host name (DNS)",
    "tcp": "Connection (TCP)",
    "proxy": "Proxy",
    "tls": "Certificate (TLS)",
    "api": "API accepts the key",
}


@dataclass
class CheckResult:
    """One step: passed (True), failed (False, with its error) or not run (None)."""

    check: str
    ok: bool | None
    detail: str
    error: FluxDeskError | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "ok": self.ok, "detail": self.detail}


@dataclass
class Diagnosis:
    """Every step's result, and what the report says about the setup."""

    checks: list[CheckResult]
    base_url: str
    network: NetworkConfig
    proxy: str  # the proxy used, or how the connection goes without one

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def first_failure(self) -> CheckResult | None:
        return next((c for c in self.checks if c.ok is False), None)

    @property
    def exit_code(self) -> int:
        failure = self.first_failure
        if failure is None:
            return 0
        return failure.error.exit_code if failure.error is not None else 1

    def to_json(self, secrets: Iterable[str] = ()) -> list[dict[str, Any]]:
        """The ``--json`` array, each detail with every secret replaced by ***."""
        hidden = list(secrets)
        return [{**c.to_json(), "detail": redact(c.detail, hidden)} for c in self.checks]

    def report(self, secrets: Iterable[str] = ()) -> str:
        """The plain-text report ("Copy diagnostics"), with every secret replaced by ***."""
        extra = self.network.extra_ca_file or "(none)"
        lines = [
            f"FluxDesk {__version__} connection diagnostics",
            f"System: {platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"{ssl.OPENSSL_VERSION}",
            f"Base URL: {self.base_url}",
            f"Proxy: {self.proxy}",
            f"Extra CA file: {extra}",
        ]
        marks = {True: "ok  ", False: "FAIL", None: "--  "}
        lines += [f"[{marks[c.ok]}] {CHECK_TITLES[c.check]}: {c.detail}" for c in self.checks]
        failure = self.first_failure
        lines.append("Verdict: all checks passed" if failure is None else f"Verdict: exit {self.exit_code}")
        return redact("\n".join(lines), secrets)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret replaced by ***. Secrets shorter than 4 characters are
    left alone: replacing every "k" would garble the report and hide nothing."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class _Failed(Exception):
    def __init__(self, error: FluxDeskError) -> None:
        super().__init__(str(error))
        self.error = error


def _describe_proxy(network: NetworkConfig, route: ProxyRoute | None) -> str:
    mode = PROXY_MODE_LABELS[network.proxy_mode]
    if route is not None:
        user = f" as {route.username}" if route.username else ""
        return f"{mode}: {route.safe_url}{user}"
    if network.proxy_mode is ProxyMode.SYSTEM:
        return f"{mode}: none applies to this address (direct)"
    return f"{mode}: direct"


def diagnose(
    base_url: str,
    *,
    key: Callable[[], str],
    key_source: str,
    network: NetworkConfig,
    connect_timeout: float = 10.0,
) -> Diagnosis:
    """Run the checks against ``base_url``. ``key`` returns the API key or raises
    (KeyStoreError: no key); ``key_source`` says where it comes from, never the key."""
    from fluxdesk.core.settings import BASE_URL_ENV, base_url_problem

    problem = base_url_problem(base_url)
    if problem:  # nothing to check: the client would refuse to send anything there
        raise InvalidRequestError([f"{problem}; set it in Settings or with {BASE_URL_ENV}"])
    api_url = base_url.rstrip("/") + P.API_PATH
    target = target_of(api_url)
    route = proxy_for(api_url, network)
    results: list[CheckResult] = []

    api_key = ""
    try:
        api_key = key()
        results.append(CheckResult("key", True, key_source))
    except FluxDeskError as error:
        results.append(CheckResult("key", False, str(error), error))

    steps: list[tuple[str, Callable[[], str]]] = []
    state: dict[str, Any] = {}
    steps.append(("dns", lambda: _dns(target, route)))
    steps.append(("tcp", lambda: _tcp(target, route, connect_timeout)))
    steps.append(("proxy", lambda: _proxy(target, route, connect_timeout, network, state)))
    steps.append(("tls", lambda: _tls(target, route, connect_timeout, network, api_url, state)))
    failed = ""
    for name, step in steps:
        if failed:
            results.append(CheckResult(name, None, f"not run: the {CHECK_TITLES[failed]} check failed"))
            continue
        try:
            results.append(CheckResult(name, True, step()))
        except _Failed as failure:
            results.append(CheckResult(name, False, str(failure.error), failure.error))
            failed = name
    close_quietly(state.pop("tunnel", None))

    if failed:
        results.append(CheckResult("api", None, f"not run: the {CHECK_TITLES[failed]} check failed"))
    elif not api_key:
        results.append(CheckResult("api", None, "not run: no API key"))
    else:
        results.append(_api(base_url, api_key, network, connect_timeout))
    return Diagnosis(results, base_url, network, _describe_proxy(network, route))


def _dns(target: Target, route: ProxyRoute | None) -> str:
    host, port = (route.host, route.port) if route else (target.host, target.port)
    started = time.perf_counter()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        if route is not None:
            raise _Failed(ProxyError(route.display, ProxyProblem.NOT_FOUND)) from None
        raise _Failed(NetworkError(target.display, "the API", NetCause.DNS)) from None
    addresses = ", ".join(dict.fromkeys(str(info[4][0]) for info in infos))
    elapsed = (time.perf_counter() - started) * 1000
    whose = " (the proxy's host; the proxy resolves the API's)" if route else ""
    return f"{host} → {addresses}{whose} in {elapsed:.0f} ms"


def _tcp(target: Target, route: ProxyRoute | None, timeout: float) -> str:
    host, port = (route.host, route.port) if route else (target.host, target.port)
    display = f"{host}:{port}"
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except ConnectionRefusedError:
        if route is not None:
            raise _Failed(ProxyError(display, ProxyProblem.REFUSED)) from None
        raise _Failed(NetworkError(display, "the API", NetCause.REFUSED)) from None
    except TimeoutError:
        raise _Failed(TimeoutError_(display, timeout)) from None
    except OSError:
        raise _Failed(NetworkError(display, "the proxy" if route else "the API")) from None
    elapsed = (time.perf_counter() - started) * 1000
    return f"connected to {display}{' (the proxy)' if route else ''} in {elapsed:.0f} ms"


def _proxy(
    target: Target, route: ProxyRoute | None, timeout: float, network: NetworkConfig, state: dict[str, Any]
) -> str:
    if route is None:
        return _describe_proxy(network, None)
    if route.scheme not in ("http", "https"):
        raise _Failed(ProxyError(route.display, ProxyProblem.UNSUPPORTED, route.scheme))
    context = _trust(network) if route.scheme == "https" else None
    try:
        if target.scheme == "https":
            state["tunnel"] = open_tunnel(route, target.host, target.port, timeout, context)
            return f"{route.display} opened a tunnel (CONNECT) to {target.display}"
        return _forward(route, target, timeout, context)
    except FluxDeskError as error:
        raise _Failed(error) from None


def _forward(route: ProxyRoute, target: Target, timeout: float, context: ssl.SSLContext | None) -> str:
    """An http:// API through the proxy: a GET of its root, which generates nothing."""
    sock = proxy_socket(route, timeout, context)
    try:
        head = f"GET http://{target.display}/ HTTP/1.1\r\nHost: {target.display}\r\nConnection: close\r\n"
        status, reason = ask_proxy(sock, route, head, timeout)
    finally:
        close_quietly(sock)
    if status == 407:
        detail = "the user name or password was refused" if route.username else "HTTP 407"
        raise ProxyError(route.display, ProxyProblem.AUTH, detail)
    return f"{route.display} forwarded a request to {target.display} (HTTP {status} {reason})".rstrip()


def _trust(network: NetworkConfig) -> ssl.SSLContext:
    from fluxdesk.core.network.trust import ssl_context

    try:
        return ssl_context(network.extra_ca_file)
    except FluxDeskError as error:
        raise _Failed(error) from None


def _tls(
    target: Target,
    route: ProxyRoute | None,
    timeout: float,
    network: NetworkConfig,
    api_url: str,
    state: dict[str, Any],
) -> str:
    if target.scheme != "https":
        return "not used: the base URL is http://"
    from fluxdesk.core.network.certinfo import issuer_from_peercert, issuer_of
    from fluxdesk.core.network.trust import certificate_error

    context = _trust(network)
    raw = state.pop("tunnel", None)
    try:
        if raw is None:
            raw = socket.create_connection((target.host, target.port), timeout=timeout)
        with context.wrap_socket(raw, server_hostname=target.host) as tls:
            issuer = issuer_from_peercert(tls.getpeercert())  # type: ignore[arg-type]
            version = tls.version() or "TLS"
    except ssl.SSLError as error:
        close_quietly(raw)
        issuer = issuer_of(peer_certificate(api_url, network, timeout))
        raise _Failed(certificate_error(target.display, error, issuer)) from None
    except TimeoutError:
        close_quietly(raw)
        raise _Failed(TimeoutError_(target.display, timeout)) from None
    except OSError as error:
        close_quietly(raw)
        raise _Failed(certificate_error(target.display, error, "")) from None
    store = "the OS trust store" + (" and the extra CA file" if network.extra_ca_file else "")
    return f"{version}, trusted by {store}: issued by {issuer or 'an unnamed CA'}"


def _api(base_url: str, api_key: str, network: NetworkConfig, timeout: float) -> CheckResult:
    from fluxdesk.core.generation.client import ApiClient, ClientConfig

    config = ClientConfig(base_url=base_url, api_key=api_key, connect_timeout=timeout, network=network)
    try:
        status = ApiClient(config).check_key()
    except FluxDeskError as error:  # 401/403 (exit 3), or the network on the way
        return CheckResult("api", False, str(error), error)
    if 200 <= status < 300:
        # Not expected: the test body has no prompt. Said plainly rather than hidden.
        detail = f"accepted (HTTP {status}: the API answered the test body with success)"
        return CheckResult("api", True, detail)
    return CheckResult(
        "api", True, f"accepted: HTTP {status} to a test request without a prompt (nothing generated)"
    )
