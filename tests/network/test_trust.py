"""HTTPS through the OS trust store, against a real TLS server on loopback whose
certificate comes from a CA made in the test.

On Linux truststore verifies with OpenSSL's store, which ``SSL_CERT_FILE`` points at
the test CA: trusted with it, refused without it (the system bundle does not know it),
and the refusal names the certificate's issuer instead of "check your internet".
"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from fluxdesk.core import errors as E
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.network.certinfo import cert_names, issuer_of
from fluxdesk.core.network.config import NetworkConfig
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.server import Sandbox

from .certs import CA_NAME, CA_ORG, Pki, make_pki


def client(sandbox: Sandbox, network: NetworkConfig | None = None, **options: object) -> ApiClient:
    config = ClientConfig(
        base_url=sandbox.base_url, api_key=sandbox.api_key, network=network or NetworkConfig(), **options
    )  # type: ignore[arg-type]
    return ApiClient(config)


def test_trusted_through_the_os_store(tls_sandbox: Sandbox, trust_test_ca: None, tmp_path: Path) -> None:
    assert tls_sandbox.base_url.startswith("https://127.0.0.1:")
    result = generate(
        validated_request({"prompt": "a lighthouse"}), client(tls_sandbox), FolderSink(tmp_path)
    )
    assert len(result.images) == 1 and result.images[0].path.is_file()
    assert tls_sandbox.counts().generations == 1


def test_refused_without_the_ca_names_the_issuer(tls_sandbox: Sandbox) -> None:
    with pytest.raises(E.CertificateError) as info:
        client(tls_sandbox).submit(validated_request({"prompt": "a lighthouse"}))
    message = str(info.value)
    assert f"{CA_NAME} ({CA_ORG})" in message and "not trusted" in message
    assert "internet" not in message and "\n" not in message
    assert info.value.exit_code == 13 and info.value.kind is E.ErrorKind.CERTIFICATE
    assert info.value.issuer == f"{CA_NAME} ({CA_ORG})"
    # The handshake failed: the API never saw the request, nothing was generated.
    assert [r for r in tls_sandbox.requests if r.server == "api"] == []
    assert tls_sandbox.counts().generations == 0


def test_extra_ca_file_from_settings(tls_sandbox: Sandbox, pki: Pki) -> None:
    network = NetworkConfig(extra_ca_file=str(pki.ca_file))
    assert client(tls_sandbox, network).check_key() == 422
    assert tls_sandbox.counts().generations == 0


def test_an_unusable_extra_ca_file_is_named(tls_sandbox: Sandbox, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-ca.pem"
    bogus.write_text("hello\n")
    for path in (bogus, tmp_path / "missing.pem"):
        with pytest.raises(E.CertificateError) as info:
            client(tls_sandbox, NetworkConfig(extra_ca_file=str(path))).check_key()
        assert str(path) in str(info.value) and "Extra CA file" in str(info.value)


def test_a_certificate_for_another_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = make_pki(tmp_path / "other", names=("api.example.test",), ips=())
    monkeypatch.setenv("SSL_CERT_FILE", str(other.ca_file))
    with Sandbox(api_tls=other.server_context()) as sandbox, pytest.raises(E.CertificateError) as info:
        client(sandbox).check_key()
    assert "belongs to another name" in str(info.value) and CA_NAME in str(info.value)


def test_https_to_a_plain_http_server_says_so(sandbox: Sandbox) -> None:
    config = ClientConfig(base_url=sandbox.base_url.replace("http://", "https://"), api_key=sandbox.api_key)
    with pytest.raises(E.CertificateError) as info:
        ApiClient(config).check_key()
    assert "secure connection" in str(info.value) and "http://" in str(info.value)


def test_certificate_names_are_read_from_der(pki: Pki) -> None:
    der = ssl.PEM_cert_to_DER_cert(pki.cert_file.read_text())
    names = cert_names(der)
    assert names.issuer_name == f"{CA_NAME} ({CA_ORG})"
    assert names.subject_name == "localhost (FluxDesk test server)"
    assert issuer_of(b"not a certificate") == "" and issuer_of(None) == ""


def test_the_os_store_is_what_verifies() -> None:
    from fluxdesk.core.network.trust import ssl_context, uses_truststore

    assert uses_truststore("win32") and uses_truststore("darwin") and not uses_truststore("linux")
    # Without SSL_CERT_FILE: the distribution's bundle, loaded once into the shared context
    # (truststore would load it again for every handshake: benchmarks/tls_handshake.py).
    context = ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0 or ssl.get_default_verify_paths().capath
    assert ssl_context() is context
