"""Settings: API key (OS keyring, masked, "test key"), base URL, timeouts, library, auto-save."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.settings import Settings
from fluxdesk.ui.messages import user_message
from fluxdesk.ui.theme import set_role

TIMEOUT_MAX = 600.0


class _KeyTest(QRunnable):
    class Signals(QObject):
        done = Signal(str, bool)  # message, ok

    def __init__(self, base_url: str, key: str, connect_timeout: float, read_timeout: float) -> None:
        super().__init__()
        self.signals = self.Signals()
        self._args = (base_url, key, connect_timeout, read_timeout)

    def run(self) -> None:
        base_url, key, connect_timeout, read_timeout = self._args
        try:
            from fluxdesk.core.client import ApiClient, ClientConfig

            client = ApiClient(
                ClientConfig(
                    base_url=base_url, api_key=key, connect_timeout=connect_timeout, read_timeout=read_timeout
                )
            )
            client.check_key()
        except BaseException as exc:
            msg = user_message(exc)
            self.signals.done.emit(f"{msg.title}: {msg.text}", False)
        else:
            self.signals.done.emit("The key works.", True)


class _KeyLoad(QRunnable):
    class Signals(QObject):
        done = Signal(str, str)  # key (may be ""), status text

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.signals = self.Signals()

    def run(self) -> None:
        try:
            key = self.ctx.keystore.get() or ""
            status = self.ctx.keystore.status().describe()
        except FluxDeskError as exc:
            key, status = "", str(exc)
        self.signals.done.emit(key, status)


class SettingsDialog(QDialog):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, pool: QThreadPool | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.ctx = ctx
        self.pool = pool or QThreadPool.globalInstance()
        self._stored_key = ""
        self._tasks: list[QRunnable] = []
        s = ctx.settings
        defaults = Settings()

        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("apiKeyEdit")
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Loading…")
        self.key_edit.setEnabled(False)
        reveal = QAction("Show", self.key_edit)
        reveal.setCheckable(True)
        reveal.setToolTip("Show or hide the key")
        reveal.toggled.connect(
            lambda on: self.key_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.reveal_action = reveal
        self.show_key = QCheckBox("Show")
        self.show_key.setObjectName("showKeyCheck")
        self.show_key.setAccessibleName("Show API key")
        self.show_key.toggled.connect(reveal.setChecked)
        self.test_button = QPushButton("Test key")
        self.test_button.setObjectName("testKeyButton")
        self.test_button.setAccessibleName("Test API key")
        self.test_button.clicked.connect(self.test_key)
        self.key_status = QLabel()
        self.key_status.setObjectName("keyStatus")
        set_role(self.key_status, "hint")
        self.key_status.setWordWrap(True)
        key_box = QWidget()
        key_row = QHBoxLayout(key_box)
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.test_button)

        self.base_url = QLineEdit(s.base_url)
        self.base_url.setObjectName("baseUrlEdit")
        self.base_url.setAccessibleName("Base URL")
        self.base_url.setPlaceholderText(P.DEFAULT_BASE_URL)
        self.connect_timeout = self._seconds(s.connect_timeout, "connectTimeoutSpin", "Connect timeout")
        self.read_timeout = self._seconds(s.read_timeout, "readTimeoutSpin", "Read timeout")
        self.library_dir = QLineEdit(s.library_dir)
        self.library_dir.setObjectName("libraryDirEdit")
        self.library_dir.setAccessibleName("Library folder")
        self.library_dir.setPlaceholderText(str(ctx.paths.library))
        browse = QPushButton("Browse…")
        browse.setObjectName("libraryBrowseButton")
        browse.setAccessibleName("Choose library folder")
        browse.clicked.connect(self._browse)
        lib_box = QWidget()
        lib_row = QHBoxLayout(lib_box)
        lib_row.setContentsMargins(0, 0, 0, 0)
        lib_row.addWidget(self.library_dir, 1)
        lib_row.addWidget(browse)
        self.auto_save = QCheckBox("Save every finished image to the library")
        self.auto_save.setObjectName("autoSaveCheck")
        self.auto_save.setChecked(s.auto_save)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        key_label = QLabel("API &key")
        key_label.setBuddy(self.key_edit)
        form.addRow(key_label, key_box)
        form.addRow("", self.key_status)
        form.addRow("&Base URL", self.base_url)
        form.addRow("&Connect timeout", self.connect_timeout)
        form.addRow("&Read timeout", self.read_timeout)
        lib_label = QLabel("&Library")
        lib_label.setBuddy(self.library_dir)
        form.addRow(lib_label, lib_box)
        form.addRow("", self.auto_save)
        for label, widget in (
            (self.connect_timeout, defaults.connect_timeout),
            (self.read_timeout, defaults.read_timeout),
        ):
            label.setToolTip(f"Default {widget:g} s")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, 0)

        if ctx.sandbox is not None:
            self.key_status.setText("The sandbox is active: it needs no key.")
        load = _KeyLoad(ctx)
        load.signals.done.connect(self._key_loaded)
        self._run(load)

    def _seconds(self, value: float, name: str, label: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(1.0, TIMEOUT_MAX)
        spin.setDecimals(0)
        spin.setSuffix(" s")
        spin.setValue(value)
        return spin

    def _run(self, task: QRunnable) -> None:
        self._tasks.append(task)  # keep the signals object alive
        self.pool.start(task)

    def _key_loaded(self, key: str, status: str) -> None:
        self._stored_key = key
        self.key_edit.setEnabled(True)
        self.key_edit.setText(key)
        self.key_edit.setPlaceholderText("Paste your AI/ML API key")
        if self.ctx.sandbox is None:
            self.key_status.setText(status)
        self.key_edit.setFocus()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Library folder", self.library_dir.text() or str(self.ctx.paths.library)
        )
        if folder:
            self.library_dir.setText(folder)

    def test_key(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            self._set_status("Enter a key first.", False)
            return
        self.test_button.setEnabled(False)
        self._set_status("Testing…", True)
        base = (
            self.ctx.base_url
            if self.ctx.sandbox is not None
            else (self.base_url.text().strip() or P.DEFAULT_BASE_URL)
        )
        task = _KeyTest(base.rstrip("/"), key, self.connect_timeout.value(), self.read_timeout.value())
        task.signals.done.connect(self._tested)
        self._run(task)

    def _tested(self, text: str, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self._set_status(text, ok)

    def _set_status(self, text: str, ok: bool) -> None:
        self.key_status.setText(text)
        set_role(self.key_status, "hint" if ok else "error")

    def accept(self) -> None:
        key = self.key_edit.text().strip()
        if self.key_edit.isEnabled() and key and key != self._stored_key:
            try:
                self.ctx.keystore.set(key)
            except FluxDeskError as exc:
                self._set_status(str(exc), False)
                return
        s = self.ctx.settings
        s.base_url = self.base_url.text().strip() or P.DEFAULT_BASE_URL
        s.connect_timeout = float(self.connect_timeout.value())
        s.read_timeout = float(self.read_timeout.value())
        s.library_dir = self.library_dir.text().strip()
        s.auto_save = self.auto_save.isChecked()
        super().accept()

    def done(self, result: int) -> None:
        self.pool.waitForDone(100)
        super().done(result)
