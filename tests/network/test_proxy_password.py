"""The manual proxy's password: in the real Secret Service, never in settings.json, and
used by the client through the proxy (a real one on loopback, asking for it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from fluxdesk.core.context import AppContext
from fluxdesk.core.keystore import PROXY_ACCOUNT, SERVICE, KeyStore
from fluxdesk.core.network.config import ProxyMode
from fluxdesk.core.paths import app_paths
from fluxdesk.core.settings import Settings
from fluxdesk.sandbox.server import Sandbox

from .proxy_server import ProxyServer

PASSWORD = "pr0xy pass:with@symbols"


@pytest.fixture
def store() -> Iterator[KeyStore]:
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
    store = KeyStore(env={})
    store.set_proxy_password("")
    yield store
    store.set_proxy_password("")


def test_password_lives_in_the_keyring_only(
    store: KeyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLUXDESK_HOME", str(tmp_path))
    assert store.get_proxy_password() == ""
    store.set_proxy_password(PASSWORD)
    assert keyring.get_password(SERVICE, PROXY_ACCOUNT) == PASSWORD

    with ProxyServer(credentials=f"designer:{PASSWORD}") as proxy, Sandbox() as sandbox:
        settings = Settings(proxy_mode="manual", proxy_url=proxy.url, proxy_username="designer")
        settings.base_url = sandbox.base_url
        settings.save(app_paths().settings_file)
        assert PASSWORD not in app_paths().settings_file.read_text()
        ctx = AppContext.create()
        ctx._keystore = KeyStore(env={"FLUXDESK_API_KEY": sandbox.api_key})
        network = ctx.network_config()
        assert network.proxy_mode is ProxyMode.MANUAL and network.proxy_password == PASSWORD
        diagnosis = ctx.diagnose()
        assert diagnosis.ok, diagnosis.report()
        assert [r.authorized for r in proxy.requests] == [True, True]  # the proxy check, the key check
        report = diagnosis.report(ctx.secrets())
        assert PASSWORD not in report and sandbox.api_key not in report

    store.set_proxy_password("")
    assert keyring.get_password(SERVICE, PROXY_ACCOUNT) is None
