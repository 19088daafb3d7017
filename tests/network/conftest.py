"""Fixtures for the network tests: a CA and an https sandbox, a forward proxy, and an
environment without proxy variables (so only what a test sets applies)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fluxdesk.sandbox.server import Sandbox

from .certs import Pki, make_pki
from .proxy_server import ProxyServer

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def clean_network_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_sandbox(pki: Pki) -> Iterator[Sandbox]:
    """The sandbox's API as https://127.0.0.1:PORT with a certificate of the test CA."""
    with Sandbox(api_tls=pki.server_context()) as running:
        yield running


@pytest.fixture
def trust_test_ca(monkeypatch: pytest.MonkeyPatch, pki: Pki) -> None:
    """OpenSSL's store (what truststore uses on Linux) pointed at the test CA."""
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_file))


@pytest.fixture
def proxy() -> Iterator[ProxyServer]:
    with ProxyServer() as running:
        yield running


@pytest.fixture
def auth_proxy() -> Iterator[ProxyServer]:
    with ProxyServer(credentials="designer:s3cret pass") as running:
        yield running
