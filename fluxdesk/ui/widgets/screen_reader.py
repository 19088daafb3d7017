"""Names a screen reader says where ``setAccessibleName`` alone is not enough.

- A combo box on Linux publishes its current entry as its name and ignores
  ``setAccessibleName`` (Qt: "on Linux we use relations for this"); what says what it is
  for is a label whose buddy it is. A combo without a visible label (the Library's
  filters) gets a hidden one, kept beside it wherever it is moved.
- A line edit's clear button (Qt's own, made by ``setClearButtonEnabled``) has no name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QToolButton


class _HiddenBuddyLabel(QLabel):
    """Never shown: Qt finds a widget's labels among its siblings, so this one follows the
    combo box to each new parent (a layout that re-flows the filters moves them). Until the
    combo has a parent, the label is its child (owned by Qt, not dropped by Python)."""

    def __init__(self, combo: QComboBox, name: str) -> None:
        super().__init__(name, combo.parentWidget() or combo)
        self.setObjectName(f"{combo.objectName() or 'combo'}Label")
        self.setBuddy(combo)
        self.hide()
        combo.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ParentChange and isinstance(watched, QComboBox):
            self.setParent(watched.parentWidget() or watched)
            self.hide()
        return False


def name_combo(combo: QComboBox, name: str) -> None:
    """``name`` for every platform: the accessible name (Windows, macOS), a hidden buddy
    label (Linux, AT-SPI), and the tooltip where there is none (read as its description)."""
    combo.setAccessibleName(name)
    if not combo.toolTip():
        combo.setToolTip(name)
    _HiddenBuddyLabel(combo, name)


def name_clear_button(edit: QLineEdit, name: str) -> None:
    """Name the clear button ``setClearButtonEnabled(True)`` made inside ``edit``."""
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)
