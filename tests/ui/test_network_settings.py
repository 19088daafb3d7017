"""Settings → Network in a real window: a proxy set in Settings (with its password in the
real Secret Service), "Test connection" against an https sandbox through a real proxy,
"Copy diagnostics" without the key, and addresses that must not be saved."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from network.certs import CA_NAME, make_pki
from network.proxy_server import ProxyServer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from fluxdesk.core.context import AppContext
from fluxdesk.core.keystore import PROXY_ACCOUNT, SERVICE
from fluxdesk.core.settings import Settings
from fluxdesk.sandbox.server import Sandbox
from fluxdesk.ui.settings_dialog import SettingsDialog

TIMEOUT = 15_000


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def clean_keyring() -> object:
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
    if keyring.get_password(SERVICE, PROXY_ACCOUNT) is not None:
        keyring.delete_password(SERVICE, PROXY_ACCOUNT)
    yield None
    if keyring.get_password(SERVICE, PROXY_ACCOUNT) is not None:
        keyring.delete_password(SERVICE, PROXY_ACCOUNT)


def open_dialog(qtbot, ctx: AppContext) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.key_edit.isEnabled, timeout=TIMEOUT)
    return dialog


def test_test_connection_through_a_settings_proxy_and_copy_diagnostics(  # type: ignore[no-untyped-def]
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_keyring: object
) -> None:
    pki = make_pki(tmp_path / "pki")
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_file))
    with (
        Sandbox(api_key="sk-live-0123456789", api_tls=pki.server_context()) as api,
        ProxyServer(credentials="designer:pa ss") as proxy,
    ):
        dialog = open_dialog(qtbot, ctx)
        dialog.base_url.setText(api.base_url)
        dialog.key_edit.setText(api.api_key)
        net = dialog.network
        net.proxy_mode.setCurrentIndex(net.proxy_mode.findData("manual"))
        assert net.proxy_url.isEnabled()
        qtbot.keyClicks(net.proxy_url, proxy.url)
        qtbot.keyClicks(net.proxy_user, "designer")
        qtbot.keyClicks(net.proxy_password, "pa ss")

        net.test_button.click()
        qtbot.waitUntil(net.test_button.isEnabled, timeout=TIMEOUT)
        text = net.result.text()
        assert "✓ API accepts the key" in text and CA_NAME in text, text
        assert net.result.property("role") == "hint"
        assert [r.method for r in proxy.requests] == ["CONNECT", "CONNECT"]
        assert all(r.authorized for r in proxy.requests)

        net.copy_button.click()
        qtbot.waitUntil(net.copy_button.isEnabled, timeout=TIMEOUT)
        copied = QGuiApplication.clipboard().text()
        assert copied.startswith("FluxDesk ") and "Verdict: all checks passed" in copied
        assert api.api_key not in copied and "pa ss" not in copied and "designer" in copied
        assert api.counts().generations == 0

        # A wrong password: the proxy check fails and says so.
        net.proxy_password.setText("wrong")
        net.test_button.click()
        qtbot.waitUntil(net.test_button.isEnabled, timeout=TIMEOUT)
        assert "✗ Proxy: The proxy at" in net.result.text() and "authentication" in net.result.text()
        assert net.result.property("role") == "error"

        net.proxy_password.setText("pa ss")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    ctx.save_settings()
    saved = Settings.load(ctx.paths.settings_file)
    assert (saved.proxy_mode, saved.proxy_url, saved.proxy_username) == ("manual", proxy.url, "designer")
    assert "pa ss" not in ctx.paths.settings_file.read_text()
    assert keyring.get_password(SERVICE, PROXY_ACCOUNT) == "pa ss"


def test_bad_proxy_address_and_ca_file_are_not_saved(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ctx)
    net = dialog.network
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    net.proxy_mode.setCurrentIndex(net.proxy_mode.findData("manual"))
    net.proxy_url.setText("http://me:secret@proxy.example:3128")
    assert not save.isEnabled() and "own fields" in net.proxy_error.text() and net.proxy_error.isVisible()
    net.proxy_url.setText("http://proxy.example:3128")
    assert save.isEnabled() and not net.proxy_error.isVisible()
    net.ca_file.setText(str(tmp_path / "missing.pem"))
    assert not save.isEnabled() and "no such file" in net.ca_error.text()
    # "No proxy" does not care about the address field.
    net.ca_file.setText("")
    net.proxy_mode.setCurrentIndex(net.proxy_mode.findData("none"))
    net.proxy_url.setText("not an address")
    assert save.isEnabled() and not net.proxy_url.isEnabled()


def test_file_menu_copies_connection_diagnostics(qtbot, window, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    QGuiApplication.clipboard().clear()
    assert window.diagnostics_action in window.menus["file"].actions()
    window.diagnostics_action.trigger()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text().startswith("FluxDesk "), timeout=TIMEOUT)
    report = QGuiApplication.clipboard().text()
    assert "Verdict: all checks passed" in report and ctx.sandbox.base_url in report
    assert ctx.sandbox.api_key not in report
    assert window.status_label.text() == "Connection diagnostics copied to the clipboard (all checks passed)"
    assert ctx.sandbox.counts().generations == 0
