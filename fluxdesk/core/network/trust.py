"""TLS that trusts what the OS trusts, plus an optional extra CA bundle.

requests verifies against its own CA bundle (certifi), so a company's root CA that the
OS trusts (TLS inspection, a private API gateway) was refused. FluxDesk verifies with the
OS store instead: on Windows and macOS through ``truststore`` (the system's own
certificate verification); on Linux, where the OS store *is* OpenSSL's (the
distribution's bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), by loading that store into
the context once. truststore does the same on Linux but loads the whole bundle again
for every handshake (measured: ~10× the handshake time, +60–110 ms per connection here;
``benchmarks/tls_handshake.py``), with the same result. The extra CA file from Settings
is added on top in both cases. Nothing here is imported while the window opens: the
client builds the context with its first session.
"""

from __future__ import annotations

import os
import re
import ssl
import sys
import threading
from typing import Any

from fluxdesk.core.errors import CertificateError
from fluxdesk.core.generation.deadline import DeadlineAdapter

_contexts: dict[tuple[object, ...], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()

# OpenSSL verify codes (X509_V_ERR_*) that mean "signed by a CA this machine does not trust".
_UNTRUSTED_CODES = frozenset({2, 18, 19, 20, 21})
_EXPIRED, _NOT_YET_VALID = 10, 9
_NAME_MISMATCH = frozenset({62, 63, 64})  # host name, e-mail, IP address


def _cache_key(extra_ca_file: str) -> tuple[object, ...]:
    # OpenSSL keeps every certificate it has loaded into a context's store, so a context
    # is made again when what it loads changes: the extra file, or the OpenSSL store's
    # own variables (which tests and users may point elsewhere between sessions).
    stamp: tuple[float, int] | None = None
    if extra_ca_file:
        try:
            st = os.stat(extra_ca_file)
            stamp = (st.st_mtime, st.st_size)
        except OSError:
            stamp = None
    return (extra_ca_file, stamp, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


# Where Linux distributions keep the OS bundle when OpenSSL's compiled-in default is
# missing (the list truststore uses, after certifi-system-store by Christian Heimes).
CA_FILE_CANDIDATES = (
    "/etc/ssl/cert.pem",  # Alpine, Arch, Fedora 34-43, OpenWRT, RHEL 9-10, BSD
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # Fedora 44+, RHEL 11+
    "/etc/pki/tls/cert.pem",  # Fedora <= 34, RHEL <= 9, CentOS <= 9
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu
    "/etc/ssl/ca-bundle.pem",  # SUSE
)
_HASHED_NAME = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]$")


def uses_truststore(platform: str = sys.platform) -> bool:
    """Windows and macOS verify through the system (truststore); elsewhere OpenSSL's store."""
    return platform == "win32" or platform == "darwin"


def _openssl_store_context() -> ssl.SSLContext:
    """A verifying context with OpenSSL's default store (SSL_CERT_FILE/SSL_CERT_DIR, else
    the compiled-in paths, else the first distribution bundle found), loaded once."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    defaults = ssl.get_default_verify_paths()
    capath = defaults.capath
    has_dir = (
        bool(capath) and os.path.isdir(capath) and any(_HASHED_NAME.match(n) for n in os.listdir(capath))
    )
    if defaults.cafile or has_dir:
        context.set_default_verify_paths()
    else:
        for candidate in CA_FILE_CANDIDATES:
            if os.path.isfile(candidate):
                context.load_verify_locations(cafile=candidate)
                break
    return context


def _system_context() -> ssl.SSLContext:
    if uses_truststore():
        import truststore  # lazily: costly imports, paid by the first request, not the first frame

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return _openssl_store_context()


def ssl_context(extra_ca_file: str = "") -> ssl.SSLContext:
    """The verifying context for every HTTPS connection (shared between sessions).

    Raises CertificateError naming the file when the extra CA file cannot be used.
    """
    extra = os.path.expanduser(extra_ca_file.strip()) if extra_ca_file.strip() else ""
    key = _cache_key(extra)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is not None:
            return context
        context = _system_context()
        if extra:
            from fluxdesk.core.network.config import ca_file_problem

            problem = ca_file_problem(extra)
            if problem is None:
                try:
                    context.load_verify_locations(cafile=extra)
                except (ssl.SSLError, OSError, ValueError) as exc:
                    problem = f"Extra CA file: {extra} cannot be loaded ({exc})"
            if problem:
                raise CertificateError(f"{problem}. Choose a PEM file in Settings → Network, or clear it.")
        _contexts[key] = context
        return context


def unverified_context() -> ssl.SSLContext:
    """A context that accepts any certificate: only to read who issued a refused one."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class TrustAdapter(DeadlineAdapter):
    """The client's adapter: connections (direct and through proxies) verify with
    :func:`ssl_context` and never load requests' own CA bundle on top of it; the
    whole-response deadline of :class:`DeadlineAdapter` watches them as before."""

    def __init__(self, context: ssl.SSLContext, **kwargs: Any) -> None:
        self._ssl_context = context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("ssl_context", self._ssl_context)
        proxy_kwargs.setdefault("proxy_ssl_context", self._ssl_context)  # an https:// proxy
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would name a bundle for urllib3 to load into
        # the shared context: the trust is the OS store and the extra file, nothing else.
        pool_kwargs.pop("ca_certs", None)
        pool_kwargs.pop("ca_cert_dir", None)
        pool_kwargs["cert_reqs"] = "CERT_REQUIRED"
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # requests would point every connection at certifi's bundle here.
        conn.cert_reqs = "CERT_REQUIRED" if url.lower().startswith("https") else "CERT_NONE"
        conn.ca_certs = None
        conn.ca_cert_dir = None


def certificate_error(host: str, error: BaseException | None, issuer: str) -> CertificateError:
    """The one-line message for a refused certificate or failed TLS handshake."""
    by = f"issued by {issuer}" if issuer else "issued by an unknown CA"
    if isinstance(error, ssl.SSLCertVerificationError):
        code = getattr(error, "verify_code", None)
        reason = getattr(error, "verify_message", None) or str(error)
        if code in _UNTRUSTED_CODES or "self-signed" in reason or "issuer" in reason:
            text = (
                f"The certificate of {host} is not trusted: it was {by}, which neither the OS trust "
                "store nor the extra CA file vouches for. Install that CA in the OS, or choose its "
                "file in Settings → Network (extra CA file)."
            )
        elif code in _NAME_MISMATCH:
            text = f"The certificate of {host} belongs to another name ({by}): check the base URL."
        elif code == _EXPIRED:
            text = f"The certificate of {host} has expired ({by}); check the computer's clock."
        elif code == _NOT_YET_VALID:
            text = f"The certificate of {host} is not valid yet ({by}); check the computer's clock."
        else:
            text = f"The certificate of {host} was refused ({reason}; {by})."
    else:
        reason = getattr(error, "reason", None) or (str(error) if error else "")
        hint = " Is the base URL perhaps http:// rather than https://?" if "WRONG_VERSION" in reason else ""
        text = f"The secure connection to {host} failed ({reason or 'TLS handshake'}).{hint}"
    return CertificateError(text, host=host, issuer=issuer)
