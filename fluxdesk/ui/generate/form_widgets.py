"""The form's field widgets, and the one helper that binds a widget to a form key.

Number fields never alter what is typed: "99" in a field whose limit is 50 stays "99",
is named as a problem under the field and keeps Generate disabled, instead of a spin
box's validator silently dropping the keystroke and sending a value nobody typed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSignalBlocker, QSize, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.params import FieldSpec
from fluxdesk.ui.generate.form_model import RequestForm, typed_value
from fluxdesk.ui.lazy_qt import set_enum
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent
else:
    from fluxdesk.ui.lazy_qt import Qt  # the first frame is built without the Qt enums


class NumberField(QAbstractSpinBox):
    """A number from the catalogue, typed freely or stepped (arrows, Up/Down, wheel).

    The text is never corrected: the request model says what is wrong with it. An
    optional field (no default: the server decides) may be left empty, shown as "Auto";
    stepping down from its minimum empties it, stepping up from empty starts there.
    """

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.optional = spec.default is None
        edit = self.lineEdit()
        if self.optional:
            edit.setPlaceholderText(P.AUTO_TEXT)

    # The QSpinBox-like view tests and callers read.
    def minimum(self) -> float:
        return self.spec.minimum

    def maximum(self) -> float:
        return self.spec.maximum

    def singleStep(self) -> float:
        return self.spec.step

    def value(self) -> Any:
        """The number typed, or the text when it is not one; None when an optional field
        is empty (a required one left empty is its text: a problem, never the default)."""
        value = typed_value(self.text())
        return self.text() if value is None and not self.optional else value

    def setValue(self, value: Any) -> None:
        self.lineEdit().setText(self.format(value))

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return str(int(value)) if self.spec.integer and value.is_integer() else f"{value:g}"
        return str(value)

    def sizeHint(self) -> QSize:
        """Room for the widest allowed value (the base class knows no values)."""
        hint = super().sizeHint()
        widest = max(self.format(self.spec.minimum), self.format(self.spec.maximum), P.AUTO_TEXT, key=len)
        hint.setWidth(hint.width() + self.fontMetrics().horizontalAdvance(widest + "0"))
        return hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def stepBy(self, steps: int) -> None:
        spec, value = self.spec, self.value()
        if not isinstance(value, int | float) or not math.isfinite(value):
            new: float | None = spec.minimum if steps > 0 or not self.optional else None
        else:
            # From a value between steps, the first step lands on the step's grid.
            grid = math.floor if steps > 0 else math.ceil
            new = grid(value / spec.step) * spec.step + steps * spec.step
            # Below the minimum, an optional field goes back to "Auto".
            below = self.optional and new < spec.minimum
            new = None if below else min(max(new, spec.minimum), spec.maximum)
        if new is not None:
            new = round(new) if spec.integer else round(new, 6)
        self.setValue(new)
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag
        if self.isReadOnly() or not self.isEnabled():
            return flags.StepNone
        return flags.StepUpEnabled | flags.StepDownEnabled


class PromptEdit(QPlainTextEdit):
    """Multi-line prompt; Up on the first line / Down on the last walk the history."""

    history_step = Signal(int)  # -1 older, +1 newer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Tab moves focus instead of inserting a tab character (keyboard reachability).
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtGui import QTextCursor

        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            cursor = self.textCursor()
            at_top = event.key() == Qt.Key.Key_Up and not cursor.movePosition(QTextCursor.MoveOperation.Up)
            cursor = self.textCursor()
            at_bottom = event.key() == Qt.Key.Key_Down and not cursor.movePosition(
                QTextCursor.MoveOperation.Down
            )
            if at_top or at_bottom:
                self.history_step.emit(-1 if at_top else 1)
                return
        super().keyPressEvent(event)


class ErrorLabel(QLabel):
    """The inline reason a field is invalid; hidden while it is valid."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{key}Error")
        set_role(self, "error")
        self.setWordWrap(True)
        set_enum(self, "textFormat", "PlainText")
        from PySide6.QtWidgets import QSizePolicy  # (made after the first frame, mostly)

        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_problems(self, messages: list[str]) -> None:
        self.setText("\n".join(messages))
        self.setVisible(bool(messages))


def tool_button(name: str, text: str, tip: str, accessible_name: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(accessible_name)
    return button


def field_tooltip(spec: FieldSpec) -> str:
    """The catalogue's help, the allowed range, and what an empty field means."""
    if spec.kind not in (P.WHOLE, P.NUMBER):
        return spec.help
    unset = f"; empty: {spec.unset}" if spec.unset else ""
    return f"{spec.help} ({spec.range_text()}{unset})"


# --- binding ---------------------------------------------------------------------------
class Binding(QObject):
    """Two-way link between one form key and one widget (with a re-entrancy guard)."""

    def __init__(
        self,
        form: RequestForm,
        key: str,
        widget: QWidget,
        read: Callable[[], Any],
        write: Callable[[Any], None],
    ) -> None:
        super().__init__(widget)
        self._form, self._key, self._widget = form, key, widget
        self._read, self._write = read, write
        self._busy = False
        form.changed.connect(self._model_changed)
        self._model_changed(key)

    def widget_changed(self, *_: object) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self._form.set_value(self._key, self._read())
        finally:
            self._busy = False

    def _model_changed(self, key: str) -> None:
        if key != self._key or self._busy:
            return
        self._busy = True
        try:
            with QSignalBlocker(self._widget):
                self._write(self._form.value(self._key))
        finally:
            self._busy = False


def bind(form: RequestForm, key: str, widget: QWidget) -> Binding:
    """Bind ``widget`` to ``form[key]`` both ways; the one place widgets meet the model."""
    if isinstance(widget, QPlainTextEdit):
        edit = widget

        def write_text(value: Any) -> None:
            if edit.toPlainText() != value:
                # New text, the cursor after it, no undo step: what setPlainText and a move
                # to the end do, without QTextCursor, whose Python enums cost start-up time
                # of a returning user (the last prompt is written before the first frame).
                # Turning undo off clears its history, as setPlainText does.
                edit.setUndoRedoEnabled(False)
                edit.clear()
                edit.insertPlainText(value)
                edit.setUndoRedoEnabled(True)

        b = Binding(form, key, widget, edit.toPlainText, write_text)
        edit.textChanged.connect(b.widget_changed)
    elif isinstance(widget, NumberField):
        number = widget
        # (The line edit inside is what changes: its signals are the ones to block.)
        b = Binding(form, key, number.lineEdit(), number.value, number.setValue)
        number.lineEdit().textChanged.connect(b.widget_changed)
    elif isinstance(widget, QLineEdit):
        line = widget
        b = Binding(form, key, widget, line.text, lambda v: line.setText(str(v)))
        line.textChanged.connect(b.widget_changed)
    elif isinstance(widget, QComboBox):
        combo = widget

        def write_combo(value: Any) -> None:
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)

        b = Binding(form, key, widget, combo.currentData, write_combo)
        combo.currentIndexChanged.connect(b.widget_changed)
    elif isinstance(widget, QCheckBox):
        check = widget
        b = Binding(form, key, widget, check.isChecked, lambda v: check.setChecked(bool(v)))
        check.toggled.connect(b.widget_changed)
    else:
        raise TypeError(f"cannot bind {type(widget).__name__}")
    return b
