"""Settings dialog: the key loads off the GUI thread, "Test key" asks the (sandbox) API."""

from __future__ import annotations

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

    dialog.key_edit.setText(ctx.sandbox.api_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=TIMEOUT)
    assert dialog.key_status.text() == "The key works."
    assert dialog.key_status.property("role") == "hint"

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
