"""The doctor's verdicts against real servers: a good setup, a wrong key, a closed port,
an untrusted certificate, a proxy; none of them costs a generation."""

from __future__ import annotations

import json
import socket

import pytest

from fluxdesk.core.errors import KeyProblem, KeyStoreError
from fluxdesk.core.network.config import NetworkConfig, ProxyMode
from fluxdesk.core.network.diagnose import CHECKS, Diagnosis, diagnose
from fluxdesk.sandbox.server import Sandbox

from .certs import CA_NAME
from .proxy_server import ProxyServer


def run(base_url: str, key: str | None, network: NetworkConfig | None = None) -> Diagnosis:
    def lookup() -> str:
        if key is None:
            raise KeyStoreError("No API key set.", KeyProblem.NO_KEY)
        return key

    return diagnose(
        base_url,
        key=lookup,
        key_source="set by the test",
        network=network or NetworkConfig(),
        connect_timeout=5,
    )


def verdicts(diagnosis: Diagnosis) -> dict[str, bool | None]:
    return {c.check: c.ok for c in diagnosis.checks}


def assert_not_billed(sandbox: Sandbox) -> None:
    assert sandbox.counts().generations == 0
    posts = [r for r in sandbox.requests if r.server == "api" and r.method == "POST"]
    # Only the key check, whose body has no prompt: nothing the API could generate from.
    assert all(r.body == {"model": "flux-realism"} for r in posts)


def test_good_setup_passes_every_check(tls_sandbox: Sandbox, trust_test_ca: None) -> None:
    diagnosis = run(tls_sandbox.base_url, tls_sandbox.api_key)
    assert [c.check for c in diagnosis.checks] == list(CHECKS)
    assert diagnosis.ok and diagnosis.exit_code == 0, diagnosis.report()
    tls = next(c for c in diagnosis.checks if c.check == "tls")
    assert CA_NAME in tls.detail and "OS trust store" in tls.detail
    assert "422" in diagnosis.checks[-1].detail
    assert_not_billed(tls_sandbox)
    assert len([r for r in tls_sandbox.requests if r.server == "api"]) == 1


def test_wrong_key_is_exit_3(tls_sandbox: Sandbox, trust_test_ca: None) -> None:
    diagnosis = run(tls_sandbox.base_url, "sk-wrong")
    assert verdicts(diagnosis) == {
        "key": True,
        "dns": True,
        "tcp": True,
        "proxy": True,
        "tls": True,
        "api": False,
    }
    assert diagnosis.exit_code == 3
    assert "sk-wrong" not in diagnosis.report(["sk-wrong"]) and "***" not in diagnosis.report(["sk-wrong"])
    assert_not_billed(tls_sandbox)


def test_closed_port_is_exit_7() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    diagnosis = run(f"https://127.0.0.1:{port}", "sk-any")
    assert verdicts(diagnosis) == {
        "key": True,
        "dns": True,
        "tcp": False,
        "proxy": None,
        "tls": None,
        "api": None,
    }
    assert diagnosis.exit_code == 7
    assert "refused" in diagnosis.first_failure.detail  # type: ignore[union-attr]


def test_untrusted_certificate_is_exit_13_and_names_the_issuer(tls_sandbox: Sandbox) -> None:
    diagnosis = run(tls_sandbox.base_url, tls_sandbox.api_key)
    assert verdicts(diagnosis) == {
        "key": True,
        "dns": True,
        "tcp": True,
        "proxy": True,
        "tls": False,
        "api": None,
    }
    assert diagnosis.exit_code == 13
    assert CA_NAME in diagnosis.first_failure.detail  # type: ignore[union-attr]
    assert (
        tls_sandbox.counts().generations == 0 and [r for r in tls_sandbox.requests if r.server == "api"] == []
    )


def test_no_key_still_checks_the_network(tls_sandbox: Sandbox, trust_test_ca: None) -> None:
    diagnosis = run(tls_sandbox.base_url, None)
    assert verdicts(diagnosis) == {
        "key": False,
        "dns": True,
        "tcp": True,
        "proxy": True,
        "tls": True,
        "api": None,
    }
    assert diagnosis.exit_code == 11


def test_through_a_proxy(tls_sandbox: Sandbox, trust_test_ca: None, proxy: ProxyServer) -> None:
    network = NetworkConfig(proxy_mode=ProxyMode.MANUAL, proxy_url=proxy.url)
    diagnosis = run(tls_sandbox.base_url, tls_sandbox.api_key, network)
    assert diagnosis.ok, diagnosis.report()
    assert "CONNECT" in next(c.detail for c in diagnosis.checks if c.check == "proxy")
    assert [r.method for r in proxy.requests] == ["CONNECT", "CONNECT"]  # the TLS check, the key check
    assert_not_billed(tls_sandbox)


@pytest.mark.parametrize("https", [True, False])
def test_proxy_wanting_a_password_is_exit_14(
    https: bool, tls_sandbox: Sandbox, sandbox: Sandbox, trust_test_ca: None, auth_proxy: ProxyServer
) -> None:
    target = tls_sandbox if https else sandbox
    network = NetworkConfig(proxy_mode=ProxyMode.MANUAL, proxy_url=auth_proxy.url)
    diagnosis = run(target.base_url, target.api_key, network)
    assert verdicts(diagnosis)["proxy"] is False and diagnosis.exit_code == 14


def test_json_shape(sandbox: Sandbox) -> None:
    diagnosis = run(sandbox.base_url, sandbox.api_key)
    data = json.loads(json.dumps(diagnosis.to_json()))
    assert [set(item) for item in data] == [{"check", "ok", "detail"}] * len(CHECKS)
    assert next(item for item in data if item["check"] == "tls")["detail"].startswith("not used")


def test_a_socks_proxy_fails_the_proxy_check(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as listener:  # something listens, as a real SOCKS proxy would
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{listener.getsockname()[1]}")
        diagnosis = run(sandbox.base_url, sandbox.api_key)
    assert verdicts(diagnosis)["tcp"] is True and verdicts(diagnosis)["proxy"] is False
    assert diagnosis.exit_code == 14 and "SOCKS" in diagnosis.first_failure.detail  # type: ignore[union-attr]
