"""Raw connections to the API's host, direct or through the proxy, for the checks.

Used by ``fluxdesk doctor`` (one step at a time, so each failure has its own name) and
by the client to name the issuer of a refused certificate.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from typing import NamedTuple
from urllib.parse import urlsplit

from fluxdesk.core.network.config import NetworkConfig
from fluxdesk.core.network.proxy import ProxyRoute, connect_proxy, open_tunnel, proxy_for


class Target(NamedTuple):
    """Scheme, host and port of a URL (the port filled in from the scheme)."""

    scheme: str
    host: str
    port: int

    @property
    def display(self) -> str:
        return f"{self.host}:{self.port}"


def target_of(url: str) -> Target:
    parts = urlsplit(url)
    scheme = parts.scheme or "https"
    return Target(scheme, parts.hostname or "", parts.port or (443 if scheme == "https" else 80))


def connect(
    target: Target, route: ProxyRoute | None, timeout: float, context: ssl.SSLContext | None = None
) -> socket.socket:
    """A TCP connection to ``target``: directly, or a CONNECT tunnel through ``route``.

    Raises the typed errors of proxy.py for the proxy; OSError for a direct failure.
    """
    if route is None:
        return socket.create_connection((target.host, target.port), timeout=timeout)
    return open_tunnel(route, target.host, target.port, timeout, context)


def peer_certificate(url: str, config: NetworkConfig, timeout: float) -> bytes | None:
    """The certificate ``url``'s host presents (DER), read without verifying it; None
    when it cannot be read. Only ever used to name the issuer of a refused certificate."""
    from fluxdesk.core.network.trust import unverified_context

    target = target_of(url)
    try:
        route = proxy_for(url, config)
        with (
            connect(target, route, timeout) as raw,
            unverified_context().wrap_socket(raw, server_hostname=target.host) as tls,
        ):
            return tls.getpeercert(binary_form=True)
    except Exception:  # best effort: the caller already has the real error to report
        return None


def close_quietly(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()


def proxy_socket(route: ProxyRoute, timeout: float, context: ssl.SSLContext | None) -> socket.socket:
    """A connection to the proxy itself (re-exported for the checks)."""
    return connect_proxy(route, timeout, context)
