"""Network settings as the client uses them: proxy mode, proxy address, extra CA file.

The plain files (settings.json) hold the mode, the proxy's address and user name; the
proxy's password lives in the OS keyring like the API key (see keystore.py) and is
only ever held here, in memory, for building a session.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class ProxyMode(str, enum.Enum):
    SYSTEM = "system"  # the environment's proxy variables (and the OS settings on Windows/macOS)
    NONE = "none"  # always direct, whatever the environment says
    MANUAL = "manual"  # the proxy address in Settings


PROXY_MODE_LABELS: dict[ProxyMode, str] = {
    ProxyMode.SYSTEM: "System proxy",
    ProxyMode.NONE: "No proxy",
    ProxyMode.MANUAL: "Manual (URL)",
}


def parse_proxy_mode(value: str) -> ProxyMode:
    """The mode stored in settings; an unknown word (a hand-edited file) means the default."""
    try:
        return ProxyMode(value)
    except ValueError:
        return ProxyMode.SYSTEM


def proxy_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the manual proxy's address, or None when it can.

    The one rule for the settings dialog and the client. Credentials are refused in the
    address: they would end up in a plain file; the user name and password have fields
    of their own (the password goes to the keyring).
    """
    from urllib.parse import urlsplit

    example = "such as http://proxy.example.com:3128"
    try:
        parts = urlsplit(url.strip())
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        has_credentials = bool(parts.username or parts.password)
    except ValueError:  # a port that is not a number
        valid, has_credentials = False, False
    if has_credentials:
        return "Proxy URL: put the user name and password in their own fields, not in the address"
    if not valid or any(ch.isspace() for ch in url.strip()):
        return f"Proxy URL: must be an http:// or https:// address {example} (got {url!r})"
    return None


def ca_file_problem(path: str) -> str | None:
    """Why ``path`` cannot be the extra CA bundle, or None when it can (or is empty)."""
    if not path.strip():
        return None
    file = Path(path.strip()).expanduser()
    if not file.is_file():
        return f"Extra CA file: no such file: {file}"
    try:
        head = file.read_bytes()[:1_000_000]
    except OSError as exc:
        return f"Extra CA file: cannot read {file}: {exc.strerror or exc}"
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return f"Extra CA file: {file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    return None


@dataclass(frozen=True)
class NetworkConfig:
    """How to reach the API: proxy and trust. The password never reaches a repr or file."""

    proxy_mode: ProxyMode = ProxyMode.SYSTEM
    proxy_url: str = ""  # MANUAL only; no credentials in it
    proxy_username: str = ""
    proxy_password: str = field(default="", repr=False)
    extra_ca_file: str = ""  # a PEM bundle trusted in addition to the OS store

    def manual_proxy_url(self) -> str | None:
        """The manual proxy's address with its credentials, for requests; None when not manual."""
        if self.proxy_mode is not ProxyMode.MANUAL or not self.proxy_url.strip():
            return None
        return with_credentials(self.proxy_url.strip(), self.proxy_username, self.proxy_password)


def with_credentials(url: str, username: str, password: str) -> str:
    """``url`` with ``username:password@`` (percent-encoded) in front of its host."""
    if not username:
        return url
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    userinfo = quote(username, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed (for messages and reports)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable address>"
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=netloc))
