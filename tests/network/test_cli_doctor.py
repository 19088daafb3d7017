"""``fluxdesk doctor`` as a user runs it: a real process against real loopback servers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fluxdesk.sandbox.server import Sandbox

from .certs import CA_NAME, Pki
from .proxy_server import ProxyServer

PROXY_VARIABLES = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}
pytestmark = pytest.mark.subprocess  # real `fluxdesk doctor` processes


def doctor(*args: str, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FLUXDESK_") and k.upper() not in PROXY_VARIABLES and k != "SSL_CERT_FILE"
    }
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", "doctor", *args],
        capture_output=True,
        text=True,
        env={**clean, "FLUXDESK_HOME": str(home), **env},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_good_setup_json(tls_sandbox: Sandbox, pki: Pki, tmp_path: Path) -> None:
    env = {
        "FLUXDESK_BASE_URL": tls_sandbox.base_url,
        "FLUXDESK_API_KEY": tls_sandbox.api_key,
        "SSL_CERT_FILE": str(pki.ca_file),
    }
    result = doctor("--json", home=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = json.loads(result.stdout)
    assert [c["check"] for c in checks] == ["key", "dns", "tcp", "proxy", "tls", "api"]
    assert all(c["ok"] is True for c in checks) and CA_NAME in checks[4]["detail"]
    assert tls_sandbox.api_key not in result.stdout + result.stderr
    assert tls_sandbox.counts().generations == 0


def test_wrong_key_untrusted_and_closed_port(tls_sandbox: Sandbox, pki: Pki, tmp_path: Path) -> None:
    trusted = {"FLUXDESK_BASE_URL": tls_sandbox.base_url, "SSL_CERT_FILE": str(pki.ca_file)}
    wrong = doctor(home=tmp_path, env={**trusted, "FLUXDESK_API_KEY": "sk-wrong-key"})
    assert wrong.returncode == 3 and "[FAIL] API accepts the key" in wrong.stdout
    assert "sk-wrong-key" not in wrong.stdout + wrong.stderr

    untrusted = doctor(
        home=tmp_path, env={"FLUXDESK_BASE_URL": tls_sandbox.base_url, "FLUXDESK_API_KEY": "sk-any"}
    )
    assert untrusted.returncode == 13 and "[FAIL] Certificate (TLS)" in untrusted.stdout
    assert CA_NAME in untrusted.stdout and "internet" not in untrusted.stdout

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = doctor(
        "--json",
        home=tmp_path,
        env={"FLUXDESK_BASE_URL": f"https://127.0.0.1:{port}", "FLUXDESK_API_KEY": "k"},
    )
    assert closed.returncode == 7
    assert [c["ok"] for c in json.loads(closed.stdout)] == [True, True, False, None, None, None]
    assert tls_sandbox.counts().generations == 0


def test_environment_proxy_and_the_in_process_sandbox(sandbox: Sandbox, tmp_path: Path) -> None:
    with ProxyServer() as proxy:
        env = {
            "FLUXDESK_BASE_URL": sandbox.base_url,
            "FLUXDESK_API_KEY": sandbox.api_key,
            "HTTP_PROXY": proxy.url,
        }
        result = doctor(home=tmp_path, env=env)
        assert result.returncode == 0, result.stdout
        assert f"Proxy: System proxy: {proxy.url}" in result.stdout
        assert [r.method for r in proxy.requests] == ["GET", "POST"]  # the proxy check, the key check
    assert sandbox.counts().generations == 0
    in_process = doctor("--sandbox", home=tmp_path, env={})
    assert in_process.returncode == 0 and "Verdict: all checks passed" in in_process.stdout


def test_a_base_url_that_is_no_address_is_exit_2(tmp_path: Path) -> None:
    result = doctor(home=tmp_path, env={"FLUXDESK_BASE_URL": "ftp://files.example", "FLUXDESK_API_KEY": "k"})
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr.count("\n") == 1
        and "Base URL" in result.stderr
        and "FLUXDESK_BASE_URL" in result.stderr
    )
