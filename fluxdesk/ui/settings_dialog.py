"""Settings: API key (OS keyring, masked, "test key"), base URL, timeouts, library, auto-save,
and the network (proxy, extra CA file, "Test connection", "Copy diagnostics")."""

from __future__ import annotations

import os

from PySide6.QtCore import QThreadPool
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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.jobs.usage import CAP_MAX, PRICE_MAX
from fluxdesk.core.keystore import KEY_ENV, KeySource, KeyStatus
from fluxdesk.core.network.config import NetworkConfig
from fluxdesk.core.settings import BASE_URL_ENV, TIMEOUT_MAX, TIMEOUT_MIN, Settings, base_url_problem
from fluxdesk.ui.messages import NO_KEYRING_MESSAGE, user_message
from fluxdesk.ui.network_settings import NetworkSection
from fluxdesk.ui.tasks import run_task
from fluxdesk.ui.theme.palette import plain_buttons, set_role

SANDBOX_NOTE = (
    "FluxDesk is using its offline sandbox, which needs no key. The key and Base URL here "
    "are for the real API (FluxDesk started without --sandbox)."
)


def _test_key(
    base_url: str, key: str, connect_timeout: float, read_timeout: float, network: NetworkConfig
) -> None:
    """(In a worker) raises when the API refuses the key or cannot be reached."""
    from fluxdesk.core.generation.client import ApiClient, ClientConfig

    config = ClientConfig(
        base_url=base_url,
        api_key=key,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        network=network,
    )
    ApiClient(config).check_key()


def _load_key(ctx: AppContext) -> tuple[str, str]:
    """(In a worker: the keyring may block on D-Bus) the stored key ("" if none), its status."""
    return ctx.keystore.get() or "", _describe(ctx.keystore.status())


def _describe(status: KeyStatus) -> str:
    """Where the key comes from, in the window's words (KeyStatus.describe is the CLI's)."""
    if status.source is KeySource.ENVIRONMENT:
        return f"Set by {KEY_ENV}, which overrides the keyring."
    if status.source is KeySource.KEYRING:
        return f"Stored in the system keyring ({status.backend})."
    if not status.usable_backend:
        return NO_KEYRING_MESSAGE.text
    return f"Not set yet: paste your key and press Save; it is kept in the system keyring ({status.backend})."


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
        self.base_url.setToolTip(f"Empty: {P.DEFAULT_BASE_URL}")
        self.base_url_error = QLabel()
        self.base_url_error.setObjectName("baseUrlError")
        set_role(self.base_url_error, "error")
        self.base_url_error.setWordWrap(True)
        self.base_url_error.hide()
        # FLUXDESK_BASE_URL wins over the saved address (for this process): show what is
        # really used, and why it cannot be edited here.
        self.base_url_override = os.environ.get(BASE_URL_ENV, "").strip()
        self.base_url_note = QLabel()
        self.base_url_note.setObjectName("baseUrlNote")
        self.base_url_note.setWordWrap(True)
        set_role(self.base_url_note, "hint")
        self.base_url_note.hide()
        if self.base_url_override:
            self.base_url.setText(self.base_url_override)
            self.base_url.setReadOnly(True)
            self.base_url.setToolTip(f"Set by {BASE_URL_ENV} in the environment")
            self.base_url_note.setText(
                f"Set by {BASE_URL_ENV} in the environment, which wins over this setting; "
                f"unset it and restart FluxDesk to edit the address here (saved: "
                f"{s.base_url or P.DEFAULT_BASE_URL})."
            )
            self.base_url_note.show()
        self.base_url.textChanged.connect(self._check_base_url)
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
        self.daily_cap = QSpinBox()
        self.daily_cap.setObjectName("dailyCapSpin")
        self.daily_cap.setAccessibleName("Daily image cap")
        self.daily_cap.setRange(0, CAP_MAX)
        self.daily_cap.setSpecialValueText("No cap")  # 0
        self.daily_cap.setSuffix(" images a day")
        self.daily_cap.setValue(max(0, min(CAP_MAX, s.daily_cap)))
        self.daily_cap.setToolTip(
            f"A job that would pass it waits, and the queue pauses, before anything is sent "
            f"(1 to {CAP_MAX}; 0: no cap)"
        )
        self.price = QDoubleSpinBox()
        self.price.setObjectName("pricePerImageSpin")
        self.price.setAccessibleName("Price per image")
        self.price.setRange(0.0, PRICE_MAX)
        self.price.setDecimals(4)
        self.price.setSingleStep(0.01)
        self.price.setSpecialValueText("Not set")  # 0: no cost is shown (never guessed)
        self.price.setValue(max(0.0, min(PRICE_MAX, s.price_per_image)))
        self.price.setToolTip("Your plan's price per image, for the cost estimate and today's total")
        self.notifications = QCheckBox("Notify me when a job ends while FluxDesk is in the background")
        self.notifications.setObjectName("notificationsCheck")
        self.notifications.setChecked(s.notifications)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        key_label = QLabel("API &key")
        key_label.setBuddy(self.key_edit)
        form.addRow(key_label, key_box)
        form.addRow("", self.key_status)
        form.addRow("&Base URL", self.base_url)
        # The address's problem and the override note share one row (no empty gap).
        base_url_notes = QWidget()
        notes = QVBoxLayout(base_url_notes)
        notes.setContentsMargins(0, 0, 0, 0)
        notes.setSpacing(4)
        notes.addWidget(self.base_url_error)
        notes.addWidget(self.base_url_note)
        form.addRow("", base_url_notes)
        form.addRow("&Connect timeout", self.connect_timeout)
        form.addRow("&Read timeout", self.read_timeout)
        lib_label = QLabel("&Library")
        lib_label.setBuddy(self.library_dir)
        form.addRow(lib_label, lib_box)
        form.addRow("", self.auto_save)
        form.addRow("Dail&y cap", self.daily_cap)
        form.addRow("Price per &image", self.price)
        form.addRow("", self.notifications)
        for spin, default in (
            (self.connect_timeout, defaults.connect_timeout),
            (self.read_timeout, defaults.read_timeout),
        ):
            spin.setToolTip(f"{TIMEOUT_MIN:g} to {TIMEOUT_MAX:g} s (default {default:g} s)")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        plain_buttons(buttons)
        network_title = QLabel("Network")
        set_role(network_title, "heading")
        form.addRow(network_title)
        self.network = NetworkSection(
            ctx,
            form,
            self.pool,
            inputs=lambda: (
                self._base_url().rstrip("/"),
                self.key_edit.text().strip(),
                self.connect_timeout.value(),
            ),
            changed=self._check_base_url,
        )
        self._check_base_url()  # a bad address saved by hand shows at once
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(600, 0)

        if ctx.sandbox is not None:
            self.key_status.setText(SANDBOX_NOTE)
            self._fit_height()
        run_task(self.pool, lambda: _load_key(ctx), self._key_loaded, self._key_not_loaded)

    def _connection_inputs(self) -> tuple[str, str, float]:
        """What "Test connection" checks: the base URL and key as shown, not as saved."""
        return self._base_url().rstrip("/"), self.key_edit.text().strip(), self.connect_timeout.value()

    def _seconds(self, value: float, name: str, label: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(label)
        spin.setRange(TIMEOUT_MIN, TIMEOUT_MAX)
        spin.setDecimals(0)
        spin.setSuffix(" s")
        # Out of range (e.g. 0) becomes the nearest allowed value, not the previous one.
        spin.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToNearestValue)
        spin.setValue(value)
        return spin

    def _key_not_loaded(self, error: BaseException) -> None:
        if not isinstance(error, FluxDeskError):
            raise error  # a bug: on to the crash handler, not hidden in a status line
        # e.g. no usable keyring: the message says what to do
        self._key_loaded(("", user_message(error).text))

    def _key_loaded(self, loaded: tuple[str, str]) -> None:
        key, status = loaded
        self._stored_key = key
        self.key_edit.setEnabled(True)
        self.key_edit.setText(key)
        self.key_edit.setPlaceholderText("Paste your AI/ML API key")
        if self.ctx.sandbox is None:
            self.key_status.setText(status)
            self._fit_height()
        self.key_edit.setFocus()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Library folder", self.library_dir.text() or str(self.ctx.paths.library)
        )
        if folder:
            self.library_dir.setText(folder)

    def _base_url(self) -> str:
        return self.base_url.text().strip() or P.DEFAULT_BASE_URL

    def _check_base_url(self) -> bool:
        problem = base_url_problem(self._base_url())
        self.base_url_error.setText(problem or "")
        if self.base_url_error.isHidden() == (problem is not None):
            self.base_url_error.setVisible(problem is not None)
            self._fit_height()  # the message is shown in full, not cut off
        section = getattr(self, "network", None)  # (None while the section is being built)
        problems = ([problem] if problem else []) + (section.problems() if section is not None else [])
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not problems)
        save.setToolTip(problems[0] if problems else "")
        if section is not None:
            self._fit_height()
        return problem is None

    def test_key(self) -> None:
        """Asks the API at the Base URL above (also in sandbox mode: the key is for the
        real API; the sandbox has none of its own to check it against)."""
        key = self.key_edit.text().strip()
        if not key:
            sandbox = " (The sandbox itself needs none.)" if self.ctx.sandbox else ""
            self._set_status("Enter a key to test it." + sandbox, False)
            return
        if not self._check_base_url():
            return
        self.test_button.setEnabled(False)
        self.key_status.setText("Testing…")
        set_role(self.key_status, "hint")
        args = (
            self._base_url().rstrip("/"),
            key,
            self.connect_timeout.value(),
            self.read_timeout.value(),
            self.network.network_config(),
        )
        run_task(self.pool, lambda: _test_key(*args), self._key_works, self._key_refused)

    def _key_works(self, _: None) -> None:
        self.test_button.setEnabled(True)
        self._set_status("The key works.", True)

    def _key_refused(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        message = user_message(error)
        self._set_status(f"{message.title}: {message.text}", False)

    def _set_status(self, text: str, ok: bool) -> None:
        self.key_status.setText(text)
        set_role(self.key_status, "success" if ok else "error")
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show a longer status in full (a shown dialog keeps its size otherwise)."""
        layout = self.layout()
        if layout is None:
            return
        layout.invalidate()  # the label's new text changed its height for this width
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        self.resize(self.width(), max(self.height(), needed, self.minimumSizeHint().height()))

    def accept(self) -> None:
        if not self._check_base_url() or self.network.problems():
            return
        key = self.key_edit.text().strip()
        if self.key_edit.isEnabled() and key and key != self._stored_key:
            try:
                self.ctx.keystore.set(key)
            except FluxDeskError as exc:
                self._set_status(user_message(exc).text, False)
                return
        problem = self.network.save()
        if problem:
            self._set_status(problem, False)
            return
        s = self.ctx.settings
        if not self.base_url_override:  # (the saved address stays as it was)
            s.base_url = self._base_url()
        s.connect_timeout = float(self.connect_timeout.value())
        s.read_timeout = float(self.read_timeout.value())
        s.library_dir = self.library_dir.text().strip()
        s.auto_save = self.auto_save.isChecked()
        s.daily_cap = int(self.daily_cap.value())
        s.price_per_image = float(self.price.value())
        s.notifications = self.notifications.isChecked()
        super().accept()

    def done(self, result: int) -> None:
        self.pool.waitForDone(100)
        super().done(result)
