"""Settings dialog: the key loads off the GUI thread, "Test key" asks the (sandbox) API."""

from __future__ import annotations

import pytest

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import KeyStoreError
from fluxdesk.ui.settings_dialog import SettingsDialog

TIMEOUT = 10_000


def open_dialog(qtbot, ctx: AppContext) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.key_edit.isEnabled, timeout=TIMEOUT)  # the key was loaded
    return dialog


def test_test_key_reports_a_working_and_a_refused_key(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    dialog = open_dialog(qtbot, ctx)
    dialog.base_url.setText(ctx.sandbox.base_url)  # "Test key" asks the API the field names

    dialog.key_edit.setText(ctx.sandbox.api_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.key_status.text() == "The key works."
    assert dialog.key_status.property("role") == "success"  # green, not the grey of a hint
    colour = dialog.key_status.palette().color(dialog.key_status.foregroundRole())
    assert colour.green() > colour.red() and colour.green() > colour.blue()

    wrong = "sk-wrong-0123456789"
    dialog.key_edit.setText(wrong)
    dialog.test_button.click()
    assert dialog.key_status.text() == "Testing…"
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.key_status.text().startswith("API key rejected")
    assert dialog.key_status.property("role") == "error"
    assert wrong not in dialog.key_status.text()


def test_a_keyring_that_cannot_be_read_is_explained(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def unreadable() -> str | None:
        raise KeyStoreError("No usable keyring: set FLUXDESK_API_KEY or unlock your keyring")

    monkeypatch.setattr(ctx.keystore, "get", unreadable)
    ctx.close()  # no sandbox: the dialog shows the key store's status
    dialog = open_dialog(qtbot, ctx)
    assert dialog.key_edit.text() == ""
    assert dialog.key_status.text().startswith("No usable keyring")


def test_a_bug_while_loading_the_key_is_not_swallowed(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken() -> str | None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(ctx.keystore, "get", broken)
    with qtbot.captureExceptions() as caught:  # it reaches the crash handler (sys.excepthook)
        dialog = SettingsDialog(ctx)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: bool(caught), timeout=TIMEOUT)
    assert isinstance(caught[0][1], ZeroDivisionError)


def test_a_base_url_that_is_no_address_is_marked_and_not_saved(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = open_dialog(qtbot, ctx)
    assert all(b.icon().isNull() for b in dialog.buttons.buttons())  # like every other button
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    dialog.base_url.setText("ftp://bad url")
    assert dialog.base_url_error.isVisible() and not save.isEnabled()
    assert dialog.base_url_error.text().startswith("Base URL: must be an http:// or https:// address")
    assert "Settings" not in dialog.base_url_error.text()  # (it is open)
    error = dialog.base_url_error
    qtbot.waitUntil(lambda: error.height() >= error.heightForWidth(error.width()), timeout=TIMEOUT)
    dialog.accept()  # (Enter) refuses too
    assert dialog.isVisible() and ctx.settings.base_url != "ftp://bad url"
    dialog.base_url.setText("")  # empty: the default address
    assert not dialog.base_url_error.isVisible() and save.isEnabled()
    dialog.base_url.setText("http://127.0.0.1:8765")
    dialog.connect_timeout.lineEdit().setText("0")  # below the range: the nearest allowed value
    dialog.connect_timeout.interpretText()
    dialog.connect_timeout.editingFinished.emit()
    dialog.accept()
    assert ctx.settings.base_url == "http://127.0.0.1:8765"
    assert ctx.settings.connect_timeout == 1.0


def test_a_saved_bad_base_url_is_refused_before_anything_is_sent(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.core.errors import InvalidRequestError
    from fluxdesk.core.generation.client import ApiClient, ClientConfig

    with pytest.raises(InvalidRequestError, match="Base URL: must be an http"):
        ApiClient(ClientConfig(base_url="not a url", api_key="k"))
    ctx.settings.base_url = "ftp://bad url"
    ctx.close()
    dialog = open_dialog(qtbot, ctx)  # opened on it: marked at once
    assert dialog.base_url_error.isVisible()


def test_sandbox_mode_explains_the_key_and_tests_it_at_the_base_url(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert ctx.sandbox is not None
    dialog = open_dialog(qtbot, ctx)
    assert "offline sandbox, which needs no key" in dialog.key_status.text()
    label = dialog.key_status  # shown in full, not cut off after its first line
    assert label.height() >= label.heightForWidth(label.width())
    dialog.key_edit.setText("")
    dialog.test_button.click()
    assert "The sandbox itself needs none" in dialog.key_status.text()
    # The key is tested where the Base URL field points (here: a dead port), not at the sandbox.
    dialog.base_url.setText("http://127.0.0.1:9")
    dialog.connect_timeout.setValue(1)
    dialog.key_edit.setText(ctx.sandbox.api_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.key_status.property("role") == "error"
    assert "127.0.0.1" in dialog.key_status.text()


def test_no_keyring_is_explained_in_full_in_the_windows_words(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.core.keystore import KeySource, KeyStatus

    monkeypatch.setattr(ctx.keystore, "get", lambda: None)
    monkeypatch.setattr(ctx.keystore, "status", lambda: KeyStatus(KeySource.NONE, "fail Keyring", False))
    ctx.close()  # no sandbox: the dialog shows the key store's status
    dialog = open_dialog(qtbot, ctx)
    text = dialog.key_status.text()
    assert text.startswith("FluxDesk keeps your key in the system keyring") and "`" not in text
    label = dialog.key_status
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=TIMEOUT)
    assert label.geometry().bottom() < dialog.buttons.geometry().top()  # not cut off or overlapped


def test_base_url_from_the_environment_is_shown_locked_and_tested(  # type: ignore[no-untyped-def]
    qtbot, ctx: AppContext, monkeypatch
) -> None:
    """FLUXDESK_BASE_URL wins over Settings: the dialog shows that address, says why the
    field cannot be edited, tests the key there, and saving keeps the saved address."""
    assert ctx.sandbox is not None
    ctx.settings.base_url = "https://saved.example.invalid"
    monkeypatch.setenv("FLUXDESK_BASE_URL", ctx.sandbox.base_url)
    dialog = open_dialog(qtbot, ctx)
    assert dialog.base_url.text() == ctx.sandbox.base_url and dialog.base_url.isReadOnly()
    assert dialog.base_url_note.isVisible()
    note = dialog.base_url_note.text()
    assert "FLUXDESK_BASE_URL" in note and "https://saved.example.invalid" in note
    dialog.key_edit.setText(ctx.sandbox.api_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.key_status.text() == "The key works."  # asked at the override, not the saved one
    dialog.accept()
    assert ctx.settings.base_url == "https://saved.example.invalid"


def test_without_the_override_the_base_url_is_editable(qtbot, ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FLUXDESK_BASE_URL", raising=False)
    dialog = open_dialog(qtbot, ctx)
    assert not dialog.base_url.isReadOnly() and not dialog.base_url_note.isVisible()
