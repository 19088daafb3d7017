"""Proxies, for real: a forward proxy on loopback (CONNECT tunnels for https, forwarded
requests for http), set through the environment and through the settings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from fluxdesk.core import errors as E
from fluxdesk.core.generation.client import ApiClient, ClientConfig
from fluxdesk.core.generation.generate import FolderSink, generate
from fluxdesk.core.network.config import NetworkConfig, ProxyMode, proxy_url_problem, without_credentials
from fluxdesk.core.request import validated_request
from fluxdesk.sandbox.server import Sandbox

from .proxy_server import ProxyServer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def client(sandbox: Sandbox, network: NetworkConfig | None = None) -> ApiClient:
    return ApiClient(
        ClientConfig(base_url=sandbox.base_url, api_key=sandbox.api_key, network=network or NetworkConfig())
    )


def manual(proxy: ProxyServer, user: str = "", password: str = "") -> NetworkConfig:
    return NetworkConfig(
        proxy_mode=ProxyMode.MANUAL, proxy_url=proxy.url, proxy_username=user, proxy_password=password
    )


def test_environment_proxy_carries_https_through_connect(
    tls_sandbox: Sandbox,
    trust_test_ca: None,
    proxy: ProxyServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    result = generate(validated_request({"prompt": "fog"}), client(tls_sandbox), FolderSink(tmp_path))
    assert len(result.images) == 1
    methods = [(r.method, r.target) for r in proxy.requests]
    assert ("CONNECT", f"127.0.0.1:{tls_sandbox.port}") in methods
    # The image download (plain http CDN) went through the same proxy, forwarded.
    assert any(m == "GET" and t.startswith(tls_sandbox.cdn_base_url) for m, t in methods)


def test_environment_proxy_forwards_plain_http(
    sandbox: Sandbox, proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", proxy.url)
    assert client(sandbox).check_key() == 422
    assert [(r.method, r.target) for r in proxy.requests] == [
        ("POST", sandbox.base_url + "/v1/images/generations")
    ]


def test_no_proxy_variable_is_respected(
    sandbox: Sandbox, proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert client(sandbox).check_key() == 422
    assert proxy.requests == []


def test_settings_proxy_with_password(
    tls_sandbox: Sandbox, trust_test_ca: None, auth_proxy: ProxyServer
) -> None:
    network = manual(auth_proxy, "designer", "s3cret pass")
    assert client(tls_sandbox, network).check_key() == 422
    assert [r.authorized for r in auth_proxy.requests] == [True]
    assert "s3cret" not in repr(network) and "s3cret" not in repr(
        ClientConfig("https://x", "k", network=network)
    )


@pytest.mark.parametrize("https", [True, False], ids=["connect", "forwarded"])
def test_proxy_asking_for_authentication_is_its_own_error(
    https: bool, tls_sandbox: Sandbox, sandbox: Sandbox, trust_test_ca: None, auth_proxy: ProxyServer
) -> None:
    target = tls_sandbox if https else sandbox
    with pytest.raises(E.ProxyError) as info:
        client(target, manual(auth_proxy, "designer", "wrong")).submit(validated_request({"prompt": "x"}))
    assert info.value.problem is E.ProxyProblem.AUTH and info.value.exit_code == 14
    assert "asked for authentication" in str(info.value) and "wrong" not in str(info.value)
    assert target.counts().generations == 0 and [r for r in target.requests if r.server == "api"] == []


def test_settings_proxy_overrides_the_environment(
    sandbox: Sandbox, proxy: ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    assert client(sandbox, manual(proxy)).check_key() == 422
    assert len(proxy.requests) == 1
    # "No proxy" ignores the environment's (dead) proxy too.
    assert client(sandbox, NetworkConfig(proxy_mode=ProxyMode.NONE)).check_key() == 422


def test_a_dead_proxy_is_a_proxy_error(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    port = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    with pytest.raises(E.ProxyError) as info:
        client(sandbox).check_key()
    assert info.value.problem is E.ProxyProblem.REFUSED and f"127.0.0.1:{port}" in str(info.value)
    assert "internet" not in str(info.value)


def test_proxy_addresses_keep_credentials_out_of_files() -> None:
    assert proxy_url_problem("http://proxy.example:3128") is None
    assert "own fields" in (proxy_url_problem("http://me:pw@proxy.example:3128") or "")
    assert "http://" in (proxy_url_problem("proxy example") or "")
    assert without_credentials("http://me:pw@proxy.example:3128") == "http://proxy.example:3128"


def test_a_socks_proxy_variable_is_named_not_called_a_redirect(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests refuses socks:// without PySocks before connecting: nothing is sent.
    monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{closed_port()}")
    with pytest.raises(E.ProxyError) as info:
        client(sandbox).check_key()
    assert info.value.problem is E.ProxyProblem.UNSUPPORTED and info.value.exit_code == 14
    assert "SOCKS" in str(info.value) and "redirect" not in str(info.value)
    assert sandbox.requests == []
