"""The request form: one model (:class:`RequestForm`) bound to widgets by one helper.

Every limit, default, step and help text comes from :mod:`fluxdesk.core.params`;
validation is :func:`fluxdesk.core.request.build_request` — the form only shows what
core says, next to the field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.params import FieldSpec, OutputFormat, SizePreset
from fluxdesk.core.request import CustomSize, GenerationRequest, Problem, build_request
from fluxdesk.ui.lazy_qt import set_enum
from fluxdesk.ui.theme.palette import set_role

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent
else:
    from fluxdesk.ui.lazy_qt import Qt  # the first frame is built without the Qt enums

CUSTOM_SIZE = "custom"

# Field keys of the form (request field names, plus the split image size).
PROMPT = "prompt"
SIZE = "size"
WIDTH = P.WIDTH.field
HEIGHT = P.HEIGHT.field
GUIDANCE = P.GUIDANCE_SCALE.field
STEPS = P.NUM_INFERENCE_STEPS.field
NUM_IMAGES = P.NUM_IMAGES.field
SEED = P.SEED.field
FORMAT = "output_format"
SAFETY = "enable_safety_checker"


def default_values() -> dict[str, Any]:
    return {
        PROMPT: "",
        SIZE: P.DEFAULT_SIZE.value,
        WIDTH: int(P.WIDTH.default or P.WIDTH.minimum),
        HEIGHT: int(P.HEIGHT.default or P.HEIGHT.minimum),
        GUIDANCE: P.GUIDANCE_SCALE.default,
        STEPS: P.NUM_INFERENCE_STEPS.default,
        NUM_IMAGES: int(P.NUM_IMAGES.default or P.NUM_IMAGES.minimum),
        SEED: "" if P.SEED.default is None else str(int(P.SEED.default)),
        FORMAT: P.DEFAULT_FORMAT.value,
        SAFETY: P.DEFAULT_SAFETY_CHECKER,
    }


class RequestForm(QObject):
    """The form's state: raw values in, a validated request (or problems) out."""

    changed = Signal(str)  # the key that changed
    validated = Signal()  # problems/request were recomputed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values = default_values()
        self.request: GenerationRequest | None = None
        self.problems: list[Problem] = []
        self._validate()

    # --- values -----------------------------------------------------------------------
    def value(self, key: str) -> Any:
        return self._values[key]

    def set_value(self, key: str, value: Any) -> None:
        if key not in self._values:
            raise KeyError(key)
        if self._values[key] == value and type(self._values[key]) is type(value):
            return
        self._values[key] = value
        self.changed.emit(key)
        self._validate()

    def values(self) -> dict[str, Any]:
        return dict(self._values)

    def load(self, saved: Mapping[str, Any]) -> None:
        """Restore saved values; anything of the wrong type keeps its default."""
        sizes = {p.value for p in SizePreset} | {CUSTOM_SIZE}
        formats = {f.value for f in OutputFormat}
        for key, default in default_values().items():
            if key not in saved:
                continue
            value = saved[key]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if key == GUIDANCE:
                ok = value is None or number
                value = None if value is None else float(value)
            elif key == STEPS:
                ok = value is None or (number and float(value).is_integer())
                value = None if value is None else int(value)
            elif key == SIZE:
                ok = value in sizes
            elif key == FORMAT:
                ok = value in formats
            else:
                ok = type(value) is type(default)
            if ok:
                self.set_value(key, value)

    def load_request(self, request: GenerationRequest, *, with_seed: bool = True) -> None:
        """ "Use these settings again": fill the form from a request."""
        size = request.image_size
        if isinstance(size, SizePreset):
            self.set_value(SIZE, size.value)
        else:
            assert isinstance(size, CustomSize)
            self.set_value(SIZE, CUSTOM_SIZE)
            self.set_value(WIDTH, size.width)
            self.set_value(HEIGHT, size.height)
        self.set_value(PROMPT, request.prompt)
        self.set_value(GUIDANCE, request.guidance_scale)
        self.set_value(STEPS, request.num_inference_steps)
        self.set_value(NUM_IMAGES, request.num_images)
        self.set_value(SEED, str(request.seed) if with_seed and request.seed is not None else "")
        self.set_value(FORMAT, request.output_format.value)
        self.set_value(SAFETY, request.enable_safety_checker)

    # --- validation ---------------------------------------------------------------------
    def raw(self) -> dict[str, Any]:
        """The values in the shape build_request accepts."""
        v = self._values
        size: Any = v[SIZE]
        if size == CUSTOM_SIZE:
            size = {WIDTH: v[WIDTH], HEIGHT: v[HEIGHT]}
        return {
            "prompt": v[PROMPT],
            "image_size": size,
            GUIDANCE: v[GUIDANCE],
            STEPS: v[STEPS],
            NUM_IMAGES: v[NUM_IMAGES],
            SEED: v[SEED].strip() or None,
            FORMAT: v[FORMAT],
            SAFETY: v[SAFETY],
        }

    def _validate(self) -> None:
        self.request, self.problems = build_request(self.raw())
        self.validated.emit()

    @property
    def valid(self) -> bool:
        return self.request is not None

    def problems_for(self, key: str) -> list[str]:
        fields = {key, "image_size"} if key == SIZE else {key}
        return [p.rule for p in self.problems if p.field in fields]  # the value is in the field


# --- binding ---------------------------------------------------------------------------
class _Binding(QObject):
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


def bind(form: RequestForm, key: str, widget: QWidget) -> _Binding:
    """Bind ``widget`` to ``form[key]`` both ways; the one place widgets meet the model."""
    if isinstance(widget, QPlainTextEdit):
        edit = widget

        def write_text(value: Any) -> None:
            if edit.toPlainText() != value:
                # New text, the cursor after it, no undo step: what setPlainText and a move
                # to the end do, without QTextCursor, whose Python enums cost ~0.7 ms of a
                # returning user's start-up (the last prompt is written before the first
                # frame). Turning undo off clears its history, as setPlainText does.
                edit.setUndoRedoEnabled(False)
                edit.clear()
                edit.insertPlainText(value)
                edit.setUndoRedoEnabled(True)

        b = _Binding(form, key, widget, edit.toPlainText, write_text)
        edit.textChanged.connect(b.widget_changed)
    elif isinstance(widget, QLineEdit):
        line = widget
        b = _Binding(form, key, widget, line.text, lambda v: line.setText(str(v)))
        line.textChanged.connect(b.widget_changed)
    elif isinstance(widget, OptionalSpinBox | OptionalDoubleSpinBox):
        opt = widget
        b = _Binding(form, key, widget, opt.optional_value, opt.set_optional_value)
        opt.valueChanged.connect(b.widget_changed)
    elif isinstance(widget, QSpinBox):
        spin = widget
        b = _Binding(form, key, widget, spin.value, lambda v: spin.setValue(int(v)))
        spin.valueChanged.connect(b.widget_changed)
    elif isinstance(widget, QComboBox):
        combo = widget

        def write_combo(value: Any) -> None:
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)

        b = _Binding(form, key, widget, combo.currentData, write_combo)
        combo.currentIndexChanged.connect(b.widget_changed)
    elif isinstance(widget, QCheckBox):
        check = widget
        b = _Binding(form, key, widget, check.isChecked, lambda v: check.setChecked(bool(v)))
        check.toggled.connect(b.widget_changed)
    else:
        raise TypeError(f"cannot bind {type(widget).__name__}")
    return b


# --- widgets --------------------------------------------------------------------------
AUTO_TEXT = P.AUTO_TEXT
SEED_EDIT_EXTRA = 26  # a line edit's frame and margins, and its clear button
PROMPT_HEIGHT = 192  # ~10 lines; a text edit's own size hint
PROMPT_MIN_HEIGHT = 96


class OptionalSpinBox(QSpinBox):
    """An integer from the catalogue, or "Auto" (None: the server decides)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        step = int(spec.step)
        self.setRange(int(spec.minimum) - step, int(spec.maximum))
        self.setSingleStep(step)
        self.setSpecialValueText(AUTO_TEXT)

    def optional_value(self) -> int | None:
        return None if self.value() == self.minimum() else self.value()

    def set_optional_value(self, value: Any) -> None:
        self.setValue(self.minimum() if value is None else int(value))


class OptionalDoubleSpinBox(QDoubleSpinBox):
    """A decimal from the catalogue, or "Auto" (None: the server decides)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(1)
        self.setRange(spec.minimum - spec.step, spec.maximum)
        self.setSingleStep(spec.step)
        self.setSpecialValueText(AUTO_TEXT)

    def optional_value(self) -> float | None:
        return None if self.value() == self.minimum() else self.value()

    def set_optional_value(self, value: Any) -> None:
        self.setValue(self.minimum() if value is None else float(value))


def _tool_button(name: str, text: str, tip: str, accessible_name: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(accessible_name)
    return button


def number_spin(spec: FieldSpec, parent: QWidget | None = None) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(int(spec.minimum), int(spec.maximum))
    spin.setSingleStep(int(spec.step))
    return spin


class PromptEdit(QPlainTextEdit):
    """Multi-line prompt; Up on the first line / Down on the last walk the history."""

    history_step = Signal(int)  # -1 older, +1 newer

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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Tab moves focus instead of inserting a tab character (keyboard reachability).
        self.setTabChangesFocus(True)


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


class FormPanel(QWidget):
    """All request controls, laid out as a calm single column."""

    history_requested = Signal()

    def __init__(self, form: RequestForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._bindings: list[_Binding] = []
        # Each field's inline problem, made the first time it has one (most sessions
        # never do): where it goes, and the label once made.
        self._error_slots: dict[str, tuple[QBoxLayout, int]] = {}
        self._errors: dict[str, ErrorLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self.last_seed: int | None = None
        self._ratio: float | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)

        # Prompt
        head = QHBoxLayout()
        prompt_label = QLabel("&Prompt")
        set_role(prompt_label, "heading")
        self.char_count = QLabel()
        self.char_count.setObjectName("charCount")
        set_role(self.char_count, "hint")
        self.history_button = _tool_button(
            "historyButton",
            "History…",
            "Search earlier prompts (Up/Down in the prompt also walks them)",
            "Prompt history",
        )
        self.history_button.setAutoRaise(True)
        self.history_button.clicked.connect(self.history_requested)
        head.addWidget(prompt_label)
        head.addStretch(1)
        head.addWidget(self.history_button)
        outer.addLayout(head)

        self.prompt = PromptEdit()
        self.prompt.setObjectName("promptEdit")
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setToolTip(P.PROMPT_HELP)
        self.prompt.setPlaceholderText("Describe the image: subject, setting, light, lens…")
        # Its own height, never more: problems appearing below take the form's spare room
        # instead of the prompt's. Only a window too short for the whole form (900×600)
        # takes a little from the prompt, down to about five lines, before the form scrolls.
        # (A maximum height, not a Preferred size policy: QSizePolicy's Python enums cost
        # ~0.4 ms of start-up.)
        self.prompt.setMinimumHeight(PROMPT_MIN_HEIGHT)
        self.prompt.setMaximumHeight(PROMPT_HEIGHT)
        prompt_label.setBuddy(self.prompt)
        outer.addWidget(self.prompt)
        below = QHBoxLayout()
        self._error_slots[PROMPT] = (below, 1)  # (the stretch: the count keeps its width)
        below.addStretch(1)
        set_enum(self.char_count, "alignment", "AlignTop|AlignRight")
        below.addWidget(self.char_count)
        outer.addLayout(below)
        self._bind(PROMPT, self.prompt)

        grid = QFormLayout()
        grid.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        set_enum(grid, "labelAlignment", "AlignLeft|AlignVCenter")
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        outer.addSpacing(6)
        outer.addLayout(grid)

        # Size: preset or custom
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("sizeCombo")
        for preset in SizePreset:
            self.size_combo.addItem(preset.label, preset.value)
        self.size_combo.addItem("Custom…", CUSTOM_SIZE)
        self.size_combo.setToolTip(P.SIZE_HELP)
        self._add_row(grid, "Si&ze", SIZE, self.size_combo)

        self.width_spin = number_spin(P.WIDTH)
        self.width_spin.setObjectName("widthSpin")
        self.height_spin = number_spin(P.HEIGHT)
        self.height_spin.setObjectName("heightSpin")
        for spin, spec in ((self.width_spin, P.WIDTH), (self.height_spin, P.HEIGHT)):
            spin.setSuffix(" px")
            spin.setToolTip(spec.help)
            spin.setAccessibleName(spec.label)
            spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.swap_button = _tool_button("swapButton", "⇄", "Swap width and height", "Swap width and height")
        self.swap_button.clicked.connect(self.swap_sides)
        self.lock_ratio = _tool_button(
            "aspectLock",
            "Lock ratio",
            "Keep the aspect ratio when changing width or height",
            "Lock aspect ratio",
        )
        self.lock_ratio.setCheckable(True)
        self.lock_ratio.toggled.connect(self._lock_toggled)
        sides_row = QHBoxLayout()
        sides_row.setSpacing(4)
        sides_row.addWidget(self.width_spin, 1)
        sides_row.addWidget(self.swap_button)
        sides_row.addWidget(self.height_spin, 1)
        sides_row.addWidget(self.lock_ratio)
        self._add_row(grid, "", WIDTH, sides_row, focus=self.width_spin, extra_error_keys=(HEIGHT,))
        self._bind(SIZE, self.size_combo)
        self._bind(WIDTH, self.width_spin)
        self._bind(HEIGHT, self.height_spin)

        self.guidance_spin = OptionalDoubleSpinBox(P.GUIDANCE_SCALE)
        self.guidance_spin.setObjectName("guidanceSpin")
        self._add_row(grid, "G&uidance", GUIDANCE, self.guidance_spin, spec=P.GUIDANCE_SCALE)
        self.steps_spin = OptionalSpinBox(P.NUM_INFERENCE_STEPS)
        self.steps_spin.setObjectName("stepsSpin")
        self._add_row(grid, "S&teps", STEPS, self.steps_spin, spec=P.NUM_INFERENCE_STEPS)
        self.images_spin = number_spin(P.NUM_IMAGES)
        self.images_spin.setObjectName("imagesSpin")
        self._add_row(grid, "&Images", NUM_IMAGES, self.images_spin, spec=P.NUM_IMAGES)
        self._bind(GUIDANCE, self.guidance_spin)
        self._bind(STEPS, self.steps_spin)
        self._bind(NUM_IMAGES, self.images_spin)

        self.seed_edit = QLineEdit()
        self.seed_edit.setObjectName("seedEdit")
        self.seed_edit.setPlaceholderText("New each time")  # (the button beside it says "Random")
        # Room for the longest seed (19 digits) and the clear button after the first frame:
        # a seed cut at either end reads as another number.
        longest = self.seed_edit.fontMetrics().horizontalAdvance("8" * len(str(P.SEED_MAX)))
        self.seed_edit.setMinimumWidth(longest + SEED_EDIT_EXTRA)
        self.reuse_seed = _tool_button(
            "reuseSeedButton", "Use last", "Lock the seed of the last result", "Lock the last seed"
        )
        self.reuse_seed.setEnabled(False)
        self.reuse_seed.clicked.connect(self.lock_last_seed)
        self.random_seed = _tool_button(
            "randomSeedButton", "Random", "A new random seed for every generation", "Random seed"
        )
        self.random_seed.clicked.connect(lambda: self.form.set_value(SEED, ""))
        seed_row = QHBoxLayout()
        seed_row.setSpacing(4)
        seed_row.addWidget(self.seed_edit, 1)
        seed_row.addWidget(self.reuse_seed)
        seed_row.addWidget(self.random_seed)
        self._add_row(grid, "See&d", SEED, seed_row, spec=P.SEED, focus=self.seed_edit)
        self._bind(SEED, self.seed_edit)

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("formatCombo")
        for fmt in OutputFormat:
            self.format_combo.addItem(fmt.name, fmt.value)
        self.format_combo.setToolTip("File format the API returns (PNG is lossless and larger)")
        self._add_row(grid, "F&ormat", FORMAT, self.format_combo)

        self.safety_check = QCheckBox("Safety checker")
        self.safety_check.setObjectName("safetyCheck")
        self.safety_check.setToolTip("Ask the API to flag (and blur) NSFW images")
        self.safety_check.setAccessibleName("Safety checker")
        self._add_row(grid, "", SAFETY, self.safety_check)
        self._bind(FORMAT, self.format_combo)
        self._bind(SAFETY, self.safety_check)
        outer.addStretch(1)

        form.changed.connect(self._on_changed)
        form.validated.connect(self._show_problems)
        self._on_changed(SIZE)
        self._on_changed(PROMPT)
        self._show_problems()

    def finish_after_first_frame(self) -> None:
        """Details the first frame can do without (nobody can type before it): the seed's
        clear button, which loads the icon theme (~6 ms), and its digits-only validator.
        The main window calls this right after its first frame."""
        from PySide6.QtCore import QRegularExpression
        from PySide6.QtGui import QRegularExpressionValidator

        self.seed_edit.setClearButtonEnabled(True)
        digits = len(str(P.SEED_MAX))
        digits_only = QRegularExpression(rf"\d{{0,{digits}}}")
        self.seed_edit.setValidator(QRegularExpressionValidator(digits_only, self))

    # --- construction helpers -----------------------------------------------------------
    def _error_label(self, key: str) -> ErrorLabel:
        """The field's inline problem label, made and put in its place on first use."""
        label = self._errors.get(key)
        if label is None:
            layout, stretch = self._error_slots[key]
            label = self._errors[key] = ErrorLabel(key, self)
            if stretch:  # the prompt's row: the label takes the stretch's place
                layout.takeAt(0)
            index = 0 if stretch else layout.count()
            layout.insertWidget(index, label, stretch)
        return label

    def _bind(self, key: str, widget: QWidget) -> None:
        self._bindings.append(bind(self.form, key, widget))
        self._fields[key] = widget

    def _add_row(
        self,
        grid: QFormLayout,
        text: str,
        key: str,
        field: QWidget | QBoxLayout,
        *,
        spec: FieldSpec | None = None,
        focus: QWidget | None = None,
        extra_error_keys: tuple[str, ...] = (),
    ) -> None:
        """A labelled row: ``field`` (a widget, or a row of them with ``focus`` the one the
        label points to), and below it the field's problems, added when they occur. Layouts,
        not container widgets: the first frame builds ~10 fewer widgets."""
        col = QVBoxLayout()
        col.setSpacing(2)
        if isinstance(field, QWidget):
            col.addWidget(field)
        else:
            col.addLayout(field)
        for k in (key, *extra_error_keys):
            self._error_slots[k] = (col, 0)
        target = focus or field
        assert isinstance(target, QWidget), "a row of widgets needs the focus one"
        if spec is not None:
            auto = "; Auto lets the server decide" if spec.default is None and spec is not P.SEED else ""
            target.setToolTip(f"{spec.help} ({spec.range_text()}{auto})")
            target.setAccessibleName(spec.label)
        elif not target.accessibleName():
            target.setAccessibleName(text.replace("&", "") or key)
        label = QLabel(text) if text else None
        if label is not None:
            label.setBuddy(target)
            grid.addRow(label, col)
        else:
            grid.addRow("", col)

    # --- behaviour --------------------------------------------------------------------------
    def _on_changed(self, key: str) -> None:
        if key == PROMPT:
            n = len(self.form.value(PROMPT))
            self.char_count.setText(f"{n} / {P.PROMPT_MAX_CHARS}")
            role = "error" if n > P.PROMPT_MAX_CHARS else "hint"
            if self.char_count.property("role") != role:
                set_role(self.char_count, role)
        elif key == SIZE:
            size = self.form.value(SIZE)
            custom = size == CUSTOM_SIZE
            for w in (self.width_spin, self.height_spin, self.swap_button, self.lock_ratio):
                w.setEnabled(custom)
            if not custom:
                w_, h_ = SizePreset(size).dimensions
                # Show what the preset means; starting "Custom" from here keeps it.
                self.form.set_value(WIDTH, w_)
                self.form.set_value(HEIGHT, h_)
        elif key in (WIDTH, HEIGHT) and self._ratio and self.form.value(SIZE) == CUSTOM_SIZE:
            self._keep_ratio(key)

    def _lock_toggled(self, locked: bool) -> None:
        w, h = self.form.value(WIDTH), self.form.value(HEIGHT)
        self._ratio = (w / h) if locked and h else None

    def _keep_ratio(self, changed: str) -> None:
        assert self._ratio
        ratio = self._ratio
        if changed == WIDTH:
            other, value = HEIGHT, self.form.value(WIDTH) / ratio
        else:
            other, value = WIDTH, self.form.value(HEIGHT) * ratio
        step = P.SIDE_STEP
        snapped = int(round(value / step) * step)
        snapped = max(int(P.SIDE_MIN), min(int(P.SIDE_MAX), snapped))
        saved, self._ratio = self._ratio, None  # no ping-pong
        try:
            self.form.set_value(other, snapped)
        finally:
            self._ratio = saved

    def swap_sides(self) -> None:
        w, h = self.form.value(WIDTH), self.form.value(HEIGHT)
        saved, self._ratio = self._ratio, None
        try:
            self.form.set_value(WIDTH, h)
            self.form.set_value(HEIGHT, w)
        finally:
            self._ratio = (1 / saved) if saved else None

    def set_last_seed(self, seed: int | None) -> None:
        self.last_seed = seed
        self.reuse_seed.setEnabled(seed is not None)
        if seed is not None:
            self.reuse_seed.setToolTip(f"Lock the seed of the last result ({seed})")

    def lock_last_seed(self) -> None:
        if self.last_seed is not None:
            self.form.set_value(SEED, str(self.last_seed))

    def _show_problems(self) -> None:
        for key in self._error_slots:
            messages = self.form.problems_for(key)
            if key == PROMPT and not self.form.value(PROMPT):
                # An empty prompt is where every session starts, not a mistake: no red text
                # for it. Generate stays disabled and its tooltip says why.
                messages = []
            if messages or key in self._errors:
                self._error_label(key).show_problems(messages)
