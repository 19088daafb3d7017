"""A failed request's exception → the typed error that names its cause.

requests wraps urllib3's errors, which wrap the socket's and ssl's: the cause is found
by walking that chain (``args``, ``reason``, ``original_error``, ``__cause__``), so a
refused certificate is not reported as "check your internet connection".
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Callable, Iterator

import urllib3.exceptions as u3

from fluxdesk.core.errors import (
    FluxDeskError,
    NetCause,
    NetworkError,
    ProxyError,
    ProxyProblem,
    TimeoutError_,
)

_REFUSED = {errno.ECONNREFUSED, getattr(errno, "WSAECONNREFUSED", 10061)}


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps, outermost first, each once."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested: list[object] = [
            getattr(current, "reason", None),
            getattr(current, "original_error", None),
            current.__cause__,
            current.__context__,
            *current.args,
        ]
        stack.extend(item for item in nested if isinstance(item, BaseException))


Kinds = type[BaseException] | tuple[type[BaseException], ...]


def _first(chain: list[BaseException], kind: Kinds) -> BaseException | None:
    return next((e for e in chain if isinstance(e, kind)), None)


def is_timeout(chain: list[BaseException]) -> bool:
    # urllib3's NewConnectionError (refused, DNS) subclasses ConnectTimeoutError.
    return any(
        isinstance(e, u3.ReadTimeoutError | TimeoutError)
        or (isinstance(e, u3.ConnectTimeoutError) and not isinstance(e, u3.NewConnectionError))
        for e in chain
    )


def is_dns_failure(chain: list[BaseException]) -> bool:
    return _first(chain, (u3.NameResolutionError, socket.gaierror)) is not None


def is_refused(chain: list[BaseException]) -> bool:
    return any(
        isinstance(e, ConnectionRefusedError)
        or (isinstance(e, OSError) and e.errno in _REFUSED)
        # urllib3 words some refusals into a message without keeping the errno
        or (isinstance(e, u3.NewConnectionError) and "refused" in str(e).lower())
        for e in chain
    )


def classify(
    exc: BaseException,
    *,
    host: str,
    what: str,
    timeout: float,
    proxy: str | None,
    certificate: Callable[[BaseException], FluxDeskError],
) -> FluxDeskError:
    """The typed error for a requests/urllib3 exception of a call to ``host``.

    ``proxy`` is host:port of the proxy the call went through (None: direct);
    ``certificate`` builds the certificate error (it may look up the issuer).
    """
    chain = list(causes(exc))
    through_proxy = proxy is not None and _first(chain, u3.ProxyError) is not None
    if through_proxy and proxy is not None:
        tunnel = next((str(e) for e in chain if "Tunnel connection failed" in str(e)), "")
        if " 407" in tunnel:
            return ProxyError(proxy, ProxyProblem.AUTH, "HTTP 407")
        if tunnel:
            status = tunnel.split("failed:", 1)[-1].strip()
            return ProxyError(proxy, ProxyProblem.TUNNEL, f"HTTP {status}" if status else "")
        if is_dns_failure(chain):
            return ProxyError(proxy, ProxyProblem.NOT_FOUND)
        if is_refused(chain):
            return ProxyError(proxy, ProxyProblem.REFUSED)
        if is_timeout(chain):
            return TimeoutError_(f"the proxy at {proxy}", timeout)
    tls = _first(chain, ssl.SSLError)
    if tls is not None:
        return certificate(tls)
    if _first(chain, u3.SSLError) is not None:  # urllib3 sometimes keeps only the text
        return certificate(_first(chain, u3.SSLError))  # type: ignore[arg-type]
    if is_dns_failure(chain):
        return NetworkError(host, what, NetCause.DNS)
    if is_refused(chain):
        return NetworkError(host, what, NetCause.REFUSED)
    if is_timeout(chain):
        return TimeoutError_(host, timeout)
    if _first(chain, (u3.ProtocolError, ConnectionResetError, ConnectionAbortedError)) is not None:
        return NetworkError(host, what, NetCause.DROPPED)
    if through_proxy and proxy is not None:
        return ProxyError(proxy, ProxyProblem.REFUSED, "the connection failed")
    return NetworkError(host, what, NetCause.UNREACHABLE)
