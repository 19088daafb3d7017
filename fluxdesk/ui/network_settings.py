"""Settings → Network: proxy (system / none / manual URL with user and password), an
extra CA file, "Test connection" (the doctor's checks) and "Copy diagnostics".

The proxy password is loaded from and saved to the OS keyring (off the GUI thread for
loading); settings.json only ever holds the mode, the address and the user name.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from fluxdesk.core.context import AppContext
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.network.config import (
    PROXY_MODE_LABELS,
    NetworkConfig,
    ProxyMode,
    ca_file_problem,
    parse_proxy_mode,
    proxy_url_problem,
)
from fluxdesk.ui.tasks import run_task
from fluxdesk.ui.theme.palette import set_role

MARKS = {True: "✓", False: "✗", None: "–"}


def _diagnose(base_url: str, key: str, network: NetworkConfig, timeout: float) -> object:
    """(In a worker) the doctor's checks for the values in the dialog."""
    from fluxdesk.core.errors import KeyProblem, KeyStoreError
    from fluxdesk.core.network.diagnose import diagnose

    def lookup() -> str:
        if not key:
            raise KeyStoreError("No API key entered above.", KeyProblem.NO_KEY)
        return key

    return diagnose(
        base_url, key=lookup, key_source="entered above", network=network, connect_timeout=timeout
    )


class NetworkSection:
    """The Network rows of the settings form, and their buttons' work."""

    def __init__(
        self,
        ctx: AppContext,
        form: QFormLayout,
        pool: QThreadPool,
        inputs: Callable[[], tuple[str, str, float]],
        changed: Callable[[], object],
    ) -> None:
        """``inputs`` gives (base URL, key, connect timeout) as the dialog shows them now;
        ``changed`` is told when a problem appears or goes (the dialog enables Save)."""
        self.ctx = ctx
        self.pool = pool
        self._inputs = inputs
        self._changed = changed
        self._stored_password = ""
        s = ctx.settings

        self.proxy_mode = QComboBox()
        self.proxy_mode.setObjectName("proxyModeCombo")
        self.proxy_mode.setAccessibleName("Proxy")
        for mode, label in PROXY_MODE_LABELS.items():
            self.proxy_mode.addItem(label, mode.value)
        self.proxy_mode.setCurrentIndex(list(PROXY_MODE_LABELS).index(parse_proxy_mode(s.proxy_mode)))
        self.proxy_mode.setToolTip(
            "System: the proxy variables (HTTPS_PROXY, NO_PROXY…) and the OS settings. "
            "No proxy: always direct. Manual: the address below."
        )
        self.proxy_url = self._line(s.proxy_url, "proxyUrlEdit", "Proxy URL", "http://proxy.example.com:3128")
        self.proxy_user = self._line(s.proxy_username, "proxyUserEdit", "Proxy user name", "optional")
        self.proxy_password = self._line(
            "", "proxyPasswordEdit", "Proxy password", "kept in the system keyring"
        )
        self.proxy_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.proxy_error = self._error_label("proxyUrlError")
        self.ca_file = self._line(s.extra_ca_file, "caFileEdit", "Extra CA file", "optional PEM file")
        self.ca_file.setToolTip("Trusted in addition to the OS trust store (for a company CA)")
        browse = QPushButton("Browse…")
        browse.setObjectName("caFileBrowseButton")
        browse.setAccessibleName("Choose extra CA file")
        browse.clicked.connect(self._browse)
        self.ca_error = self._error_label("caFileError")
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setToolTip("Key, DNS, TCP, proxy, certificate and key check; nothing is generated")
        self.test_button.clicked.connect(self.test_connection)
        self.copy_button = QPushButton("Copy diagnostics")
        self.copy_button.setObjectName("copyDiagnosticsButton")
        self.copy_button.setToolTip("Run the checks and copy the report (key and passwords removed)")
        self.copy_button.clicked.connect(self.copy_diagnostics)
        self.result = QLabel()
        self.result.setObjectName("connectionResult")
        self.result.setWordWrap(True)
        set_role(self.result, "hint")
        self.last_report = ""

        user_box = QWidget()
        user_row = QHBoxLayout(user_box)
        user_row.setContentsMargins(0, 0, 0, 0)
        user_row.addWidget(self.proxy_user, 1)
        user_row.addWidget(self.proxy_password, 1)
        ca_box = QWidget()
        ca_row = QHBoxLayout(ca_box)
        ca_row.setContentsMargins(0, 0, 0, 0)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        buttons = QWidget()
        button_row = QHBoxLayout(buttons)
        button_row.setContentsMargins(0, 0, 0, 0)
        button_row.addWidget(self.test_button)
        button_row.addWidget(self.copy_button)
        button_row.addStretch(1)

        form.addRow("&Proxy", self.proxy_mode)
        form.addRow("Proxy &URL", self.proxy_url)
        form.addRow("", self.proxy_error)
        form.addRow("Proxy user", user_box)
        form.addRow("Extra C&A file", ca_box)
        form.addRow("", self.ca_error)
        form.addRow("", buttons)
        form.addRow("", self.result)

        self.proxy_mode.currentIndexChanged.connect(self._mode_changed)
        self.proxy_url.textChanged.connect(self._check)
        self.ca_file.textChanged.connect(self._check)
        self._mode_changed()
        # Tied to the field: a Settings dialog closed before the keyring answered drops it.
        run_task(
            self.pool,
            ctx.keystore.get_proxy_password,
            self._password_loaded,
            self._password_not_loaded,
            receiver=self.proxy_password,
        )

    # --- building ---------------------------------------------------------------------
    @staticmethod
    def _line(text: str, name: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(label)
        edit.setPlaceholderText(placeholder)
        return edit

    @staticmethod
    def _error_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        set_role(label, "error")
        label.setWordWrap(True)
        label.hide()
        return label

    # --- state ------------------------------------------------------------------------
    @property
    def mode(self) -> ProxyMode:
        return ProxyMode(self.proxy_mode.currentData())

    def _mode_changed(self) -> None:
        manual = self.mode is ProxyMode.MANUAL
        for widget in (self.proxy_url, self.proxy_user, self.proxy_password):
            widget.setEnabled(manual)
        self._check()

    def problems(self) -> list[str]:
        found = []
        if self.mode is ProxyMode.MANUAL:
            found.append(proxy_url_problem(self.proxy_url.text()))
        found.append(ca_file_problem(self.ca_file.text()))
        return [p for p in found if p]

    def _check(self) -> None:
        proxy = proxy_url_problem(self.proxy_url.text()) if self.mode is ProxyMode.MANUAL else None
        ca = ca_file_problem(self.ca_file.text())
        for label, problem in ((self.proxy_error, proxy), (self.ca_error, ca)):
            label.setText(problem or "")
            label.setVisible(problem is not None)
        self._changed()

    def network_config(self) -> NetworkConfig:
        """The network settings as the dialog shows them (not yet saved)."""
        return NetworkConfig(
            proxy_mode=self.mode,
            proxy_url=self.proxy_url.text().strip(),
            proxy_username=self.proxy_user.text().strip(),
            proxy_password=self.proxy_password.text(),
            extra_ca_file=self.ca_file.text().strip(),
        )

    def _password_loaded(self, password: str) -> None:
        self._stored_password = password
        if not self.proxy_password.isModified():
            self.proxy_password.setText(password)

    def _password_not_loaded(self, error: BaseException) -> None:
        if not isinstance(error, FluxDeskError):
            raise error
        self._show(str(error), False)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.ca_file,
            "Extra CA file",
            self.ca_file.text(),
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        if path:
            self.ca_file.setText(path)

    # --- saving -----------------------------------------------------------------------
    def save(self) -> str | None:
        """Write the values into the settings (and the password into the keyring); the
        problem's text when the keyring refused, else None."""
        password = self.proxy_password.text()
        if password != self._stored_password:
            try:
                self.ctx.keystore.set_proxy_password(password)
            except FluxDeskError as error:
                return str(error)
            self._stored_password = password
        s = self.ctx.settings
        s.proxy_mode = self.mode.value
        s.proxy_url = self.proxy_url.text().strip()
        s.proxy_username = self.proxy_user.text().strip()
        s.extra_ca_file = self.ca_file.text().strip()
        return None

    # --- the checks -------------------------------------------------------------------
    def _run(self, then: Callable[[object], None]) -> None:
        problems = self.problems()
        if problems:
            self._show(problems[0], False)
            return
        base_url, key, timeout = self._inputs()
        network = self.network_config()
        self.test_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self._show("Testing…", True)
        run_task(
            self.pool,
            lambda: _diagnose(base_url, key, network, timeout),
            then,
            self._failed,
            receiver=self.test_button,
        )

    def test_connection(self) -> None:
        self._run(self._tested)

    def copy_diagnostics(self) -> None:
        self._run(self._copy)

    def _finish(self, diagnosis: object) -> str:
        from fluxdesk.core.network.diagnose import CHECK_TITLES, Diagnosis

        assert isinstance(diagnosis, Diagnosis)
        self.test_button.setEnabled(True)
        self.copy_button.setEnabled(True)
        _, key, _ = self._inputs()
        self.last_report = diagnosis.report([key, self.proxy_password.text()])
        lines = [f"{MARKS[c.ok]} {CHECK_TITLES[c.check]}: {c.detail}" for c in diagnosis.checks]
        self._show("\n".join(lines), diagnosis.ok)
        return self.last_report

    def _tested(self, diagnosis: object) -> None:
        self._finish(diagnosis)

    def _copy(self, diagnosis: object) -> None:
        report = self._finish(diagnosis)
        QGuiApplication.clipboard().setText(report)
        self.result.setText(
            self.result.text() + "\nThe report is on the clipboard (key and passwords removed)."
        )

    def _failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.copy_button.setEnabled(True)
        if not isinstance(error, FluxDeskError):
            raise error
        self._show(str(error), False)

    def _show(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        set_role(self.result, "hint" if ok else "error")
        self._changed()
