"""A calm, non-modal message strip at the top of the result area (no dialogs)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from fluxdesk.ui.messages import Severity, UserMessage
from fluxdesk.ui.theme.icons import icon
from fluxdesk.ui.theme.line_icons import set_line_icon
from fluxdesk.ui.theme.palette import set_role


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._primary_label = ""
        self.setObjectName("messageBar")
        self.setAccessibleName("Message")
        self.message: UserMessage | None = None
        self._primary: Callable[[], None] | None = None
        self._secondary: Callable[[], None] | None = None
        self._ready_at = 0.0

        self.icon_label = QLabel()
        self.icon_label.setFixedSize(22, 22)
        self.title = QLabel()
        self.title.setObjectName("messageTitle")
        set_role(self.title, "heading")
        self.text = QLabel()
        self.text.setObjectName("messageText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.primary = QPushButton()
        self.primary.setObjectName("messageAction")
        self.primary.clicked.connect(self._run_primary)
        self.secondary = QPushButton()
        self.secondary.setObjectName("messageSecondaryAction")
        self.secondary.clicked.connect(self._run_secondary)
        self.close_button = QToolButton()
        self.close_button.setObjectName("messageClose")
        set_line_icon(self.close_button, "close", size=12)  # (Fusion's own is a boxed title-bar ✕)
        self.close_button.setIconSize(QSize(12, 12))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.dismiss)

        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.text)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.setSpacing(10)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self.secondary, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.primary, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)

        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        self.hide()

    def show_message(
        self,
        message: UserMessage,
        primary: Callable[[], None] | None = None,
        secondary: tuple[str, Callable[[], None]] | None = None,
        *,
        primary_label: str = "",
    ) -> None:
        """``primary_label`` names the primary button when the message's own action has no
        words for it ("Undo", "Open"…)."""
        self.message = message
        self._primary_label = primary_label or message.action_label
        set_role(self, f"message-{message.severity.value}")
        self.icon_label.setPixmap(icon(message.severity.value).pixmap(20, 20))
        self.title.setText(message.title)
        self.text.setText(message.text)
        self.setAccessibleDescription(f"{message.title}. {message.text}")
        self._primary = primary
        self.primary.setText(self._primary_label)
        self.primary.setVisible(primary is not None and bool(self._primary_label))
        self.primary.setEnabled(True)
        self._secondary = secondary[1] if secondary else None
        self.secondary.setText(secondary[0] if secondary else "")
        self.secondary.setVisible(secondary is not None)
        self._ready_at = time.monotonic() + (message.retry_after or 0)
        if message.retry_after:
            self._countdown.start()
            self._tick()
        else:
            self._countdown.stop()
        self.show()

    def _tick(self) -> None:
        assert self.message is not None
        left = self._ready_at - time.monotonic()
        if left > 0:
            self.primary.setEnabled(False)
            self.primary.setText(f"{self._primary_label} in {math.ceil(left)} s")  # never "in 0 s"
        else:
            self._countdown.stop()
            self.primary.setEnabled(True)
            self.primary.setText(self._primary_label)

    def _run_primary(self) -> None:
        action = self._primary
        self.dismiss()
        if action:
            action()

    def _run_secondary(self) -> None:
        action = self._secondary
        self.dismiss()
        if action:
            action()

    def dismiss(self) -> None:
        self._countdown.stop()
        self.message = None
        self.hide()

    @property
    def severity(self) -> Severity | None:
        return self.message.severity if self.message else None
