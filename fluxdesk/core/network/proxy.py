"""Which proxy a request goes through, and a raw tunnel through it for the checks.

- System: requests' own rules (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``/``NO_PROXY``
  in either case, and on Windows/macOS the OS proxy settings) — credentials in those
  variables keep working.
- None: always direct (the environment is ignored).
- Manual: the Settings address, with the user name from settings.json and the password
  from the keyring.
"""

from __future__ import annotations

import base64
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import requests

from fluxdesk.core.errors import NetCause, NetworkError, ProxyError, ProxyProblem, TimeoutError_
from fluxdesk.core.network.config import NetworkConfig, ProxyMode, without_credentials

MAX_PROXY_HEADER = 64 * 1024


@dataclass(frozen=True)
class ProxyRoute:
    """The proxy one URL goes through. ``url`` may hold credentials: never show it."""

    url: str = field(repr=False)
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def display(self) -> str:
        """host:port, for messages (no credentials)."""
        return f"{self.host}:{self.port}"

    @property
    def safe_url(self) -> str:
        return without_credentials(self.url)

    def auth_header(self) -> dict[str, str]:
        if not self.username:
            return {}
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Proxy-Authorization": f"Basic {token}"}


def _route(url: str) -> ProxyRoute | None:
    if "://" not in url:  # requests accepts "proxy:3128" in the variables
        url = "http://" + url
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    default_port = 443 if parts.scheme == "https" else 1080 if parts.scheme.startswith("socks") else 80
    return ProxyRoute(
        url=url,
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or default_port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def proxy_for(url: str, config: NetworkConfig) -> ProxyRoute | None:
    """The proxy a request to ``url`` goes through under ``config``, or None (direct)."""
    if config.proxy_mode is ProxyMode.NONE:
        return None
    if config.proxy_mode is ProxyMode.MANUAL:
        manual = config.manual_proxy_url()
        return _route(manual) if manual else None
    from requests.utils import get_environ_proxies, select_proxy

    chosen = select_proxy(url, get_environ_proxies(url))
    return _route(chosen) if chosen else None


def configure_session(session: requests.Session, config: NetworkConfig) -> None:
    """Apply the proxy mode to a session (System is requests' default behaviour)."""
    if config.proxy_mode is ProxyMode.SYSTEM:
        return
    # trust_env off: no proxy variables (and no .netrc, no REQUESTS_CA_BUNDLE) apply.
    session.trust_env = False
    manual = config.manual_proxy_url()
    session.proxies = {"http": manual, "https": manual} if manual else {}


def connect_proxy(route: ProxyRoute, timeout: float, context: ssl.SSLContext | None) -> socket.socket:
    """A TCP (or for an https:// proxy, TLS) connection to the proxy itself."""
    try:
        sock = socket.create_connection((route.host, route.port), timeout=timeout)
    except socket.gaierror:
        raise ProxyError(route.display, ProxyProblem.NOT_FOUND) from None
    except ConnectionRefusedError:
        raise ProxyError(route.display, ProxyProblem.REFUSED) from None
    except TimeoutError:
        raise TimeoutError_(f"the proxy at {route.display}", timeout) from None
    except OSError as exc:
        raise NetworkError(route.display, "the proxy", NetCause.UNREACHABLE) from exc
    if route.scheme == "https" and context is not None:
        try:
            return context.wrap_socket(sock, server_hostname=route.host)
        except BaseException:
            sock.close()
            raise
    return sock


def ask_proxy(
    sock: socket.socket, route: ProxyRoute, head: str, timeout: float, asked: str = ""
) -> tuple[int, str]:
    """Send ``head`` (request line and headers, each ending in CRLF) with the route's
    proxy credentials and read the answer's status; a silent or garbled proxy is named."""
    for name, value in route.auth_header().items():
        head += f"{name}: {value}\r\n"
    sock.sendall((head + "\r\n").encode("latin-1"))
    try:
        return read_head(sock)
    except TimeoutError:
        raise TimeoutError_(f"the proxy at {route.display}", timeout) from None
    except (OSError, ValueError) as exc:
        raise ProxyError(route.display, ProxyProblem.TUNNEL, f"no HTTP answer{asked}: {exc}") from None


def read_head(sock: socket.socket) -> tuple[int, str]:
    """(status, reason) of an HTTP response head read from ``sock`` (the head is consumed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_PROXY_HEADER:
            break
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP answer: {line[:60]!r}")
    return int(parts[1]), parts[2].strip() if len(parts) > 2 else ""


def open_tunnel(
    route: ProxyRoute, host: str, port: int, timeout: float, context: ssl.SSLContext | None
) -> socket.socket:
    """A CONNECT tunnel through the proxy to host:port; ProxyError names what it refused."""
    sock = connect_proxy(route, timeout, context)
    try:
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        status, reason = ask_proxy(
            sock, route, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n", timeout, " to CONNECT"
        )
        if status == 407:
            detail = "the user name or password was refused" if route.username else "HTTP 407"
            raise ProxyError(route.display, ProxyProblem.AUTH, detail)
        if not 200 <= status < 300:
            raise ProxyError(route.display, ProxyProblem.TUNNEL, f"HTTP {status} {reason}".strip())
        return sock
    except BaseException:
        sock.close()
        raise
