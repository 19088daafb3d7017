"""The request form: the model (:mod:`form_model`) bound to widgets (:mod:`form_widgets`).

The rows are made from the catalogue (:data:`fluxdesk.core.params.FIELDS`): a number
field, a choice or a switch needs no code here; the prompt, the size (a preset or custom
sides) and the seed (with "Use last" and "Random") have rows of their own.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.params import FieldSpec, SizePreset
from fluxdesk.ui.generate.form_model import (
    CUSTOM_SIZE,
    FORMAT,
    GUIDANCE,
    HEIGHT,
    NUM_IMAGES,
    PROMPT,
    SAFETY,
    SEED,
    SIZE,
    STEPS,
    WIDTH,
    RequestForm,
    default_values,
)
from fluxdesk.ui.generate.form_widgets import (
    Binding,
    ErrorLabel,
    NumberField,
    PromptEdit,
    bind,
    field_tooltip,
    tool_button,
)
from fluxdesk.ui.lazy_qt import set_enum
from fluxdesk.ui.theme.palette import set_role

__all__ = [
    "CUSTOM_SIZE",
    "FORMAT",
    "GUIDANCE",
    "HEIGHT",
    "NUM_IMAGES",
    "PROMPT",
    "SAFETY",
    "SEED",
    "SIZE",
    "STEPS",
    "WIDTH",
    "FormPanel",
    "RequestForm",
    "default_values",
]

AUTO_TEXT = P.AUTO_TEXT
SEED_EDIT_EXTRA = 26  # a line edit's frame and margins, and its clear button
PROMPT_HEIGHT = 192  # ~10 lines; a text edit's own size hint
PROMPT_MIN_HEIGHT = 96
# Each row's keyboard accelerator (Alt+letter), unique in the window: the form's own choice.
MNEMONICS = {
    PROMPT: "P",
    P.IMAGE_SIZE.field: "z",
    GUIDANCE: "u",
    STEPS: "t",
    NUM_IMAGES: "I",
    SEED: "d",
    FORMAT: "o",
}


def row_text(spec: FieldSpec) -> str:
    """The row's label: the field's short label, with its accelerator marked."""
    text, letter = spec.short, MNEMONICS.get(spec.field, "")
    at = text.find(letter) if letter else -1
    return text if at < 0 else f"{text[:at]}&{text[at:]}"


class FormPanel(QWidget):
    """All request controls, laid out as a calm single column."""

    history_requested = Signal()

    def __init__(self, form: RequestForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._bindings: list[Binding] = []
        # Each field's inline problem, made the first time it has one (most sessions
        # never do): where it goes, and the label once made.
        self._error_slots: dict[str, tuple[QBoxLayout, int]] = {}
        self._errors: dict[str, ErrorLabel] = {}
        self.numbers: dict[str, NumberField] = {}  # every number field but the seed
        self.last_seed: int | None = None
        self._ratio: float | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        grid = QFormLayout()
        grid.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        set_enum(grid, "labelAlignment", "AlignLeft|AlignVCenter")
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        self.combos: dict[str, QComboBox] = {}
        self.switches: dict[str, QCheckBox] = {}
        for spec in P.FIELDS:
            if spec.kind == P.TEXT:
                self._prompt_rows(outer, spec)
                outer.addSpacing(6)
                outer.addLayout(grid)
            elif spec.kind == P.SIZE:
                self._size_rows(grid, spec)
            elif spec is P.SEED:
                self._seed_row(grid, spec)
            elif spec.kind in (P.WHOLE, P.NUMBER):
                field = self.numbers[spec.field] = NumberField(spec)
                field.setObjectName(f"{spec.short.lower()}Spin")
                self._add_row(grid, row_text(spec), spec.field, field, spec=spec)
                self._bind(spec.field, field)
            elif spec.kind == P.CHOICE:
                self._choice_row(grid, spec)
            elif spec.kind == P.SWITCH:
                check = self.switches[spec.field] = QCheckBox(spec.label)
                check.setObjectName(f"{spec.short.lower()}Check")
                self._add_row(grid, "", spec.field, check, spec=spec)
                self._bind(spec.field, check)
        outer.addStretch(1)
        # The widgets by name, for the window and tests.
        self.guidance_spin = self.numbers[GUIDANCE]
        self.steps_spin = self.numbers[STEPS]
        self.images_spin = self.numbers[NUM_IMAGES]
        self.format_combo = self.combos[FORMAT]
        self.safety_check = self.switches[SAFETY]

        form.changed.connect(self._on_changed)
        form.validated.connect(self._show_problems)
        self._on_changed(SIZE)
        self._on_changed(PROMPT)
        self._show_problems()

    def _prompt_rows(self, outer: QVBoxLayout, spec: FieldSpec) -> None:
        head = QHBoxLayout()
        prompt_label = QLabel(row_text(spec))
        set_role(prompt_label, "heading")
        self.char_count = QLabel()
        self.char_count.setObjectName("charCount")
        set_role(self.char_count, "hint")
        self.history_button = tool_button(
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
        self.prompt.setAccessibleName(spec.label)
        self.prompt.setToolTip(spec.help)
        self.prompt.setPlaceholderText("Describe the image: subject, setting, light, lens…")
        # Its own height, never more: problems appearing below take the form's spare room
        # instead of the prompt's. Only a window too short for the whole form (900×600)
        # takes a little from the prompt, down to about five lines, before the form scrolls.
        # (A maximum height, not a Preferred size policy: QSizePolicy's Python enums cost
        # start-up time.)
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

    def _size_rows(self, grid: QFormLayout, spec: FieldSpec) -> None:
        """A preset, or custom sides with a swap button and a ratio lock."""
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("sizeCombo")
        for preset in SizePreset:
            self.size_combo.addItem(preset.label, preset.value)
        self.size_combo.addItem("Custom…", CUSTOM_SIZE)
        self.size_combo.setToolTip(spec.help)
        self._add_row(grid, row_text(spec), SIZE, self.size_combo)

        self.width_spin = NumberField(P.WIDTH)
        self.width_spin.setObjectName("widthSpin")
        self.height_spin = NumberField(P.HEIGHT)
        self.height_spin.setObjectName("heightSpin")
        for field, side in ((self.width_spin, P.WIDTH), (self.height_spin, P.HEIGHT)):
            field.setToolTip(f"{side.help} ({side.range_text()}, in pixels)")
            field.setAccessibleName(side.label)
        self.swap_button = tool_button("swapButton", "⇄", "Swap width and height", "Swap width and height")
        self.swap_button.clicked.connect(self.swap_sides)
        self.lock_ratio = tool_button(
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

    def _seed_row(self, grid: QFormLayout, spec: FieldSpec) -> None:
        """The seed as text (all 20 digits of a 64-bit one), "Use last" and "Random"."""
        self.seed_edit = QLineEdit()
        self.seed_edit.setObjectName("seedEdit")
        self.seed_edit.setPlaceholderText("New each time")  # (the button beside it says "Random")
        # Room for the longest seed and the clear button after the first frame: a seed cut
        # at either end reads as another number.
        longest = self.seed_edit.fontMetrics().horizontalAdvance("8" * len(str(P.SEED_MAX)))
        self.seed_edit.setMinimumWidth(longest + SEED_EDIT_EXTRA)
        self.reuse_seed = tool_button(
            "reuseSeedButton", "Use last", "Lock the seed of the last result", "Lock the last seed"
        )
        self.reuse_seed.setEnabled(False)
        self.reuse_seed.clicked.connect(self.lock_last_seed)
        self.random_seed = tool_button(
            "randomSeedButton", "Random", "A new random seed for every generation", "Random seed"
        )
        self.random_seed.clicked.connect(lambda: self.form.set_value(SEED, ""))
        seed_row = QHBoxLayout()
        # One joined group: a seed has 20 digits (2**64-1), and the 8 px the gaps took
        # keep the window within 900 px.
        seed_row.setSpacing(0)
        seed_row.addWidget(self.seed_edit, 1)
        seed_row.addWidget(self.reuse_seed)
        seed_row.addWidget(self.random_seed)
        self._add_row(grid, row_text(spec), SEED, seed_row, spec=spec, focus=self.seed_edit)
        self._bind(SEED, self.seed_edit)

    def _choice_row(self, grid: QFormLayout, spec: FieldSpec) -> None:
        assert spec.choices is not None
        combo = self.combos[spec.field] = QComboBox()
        combo.setObjectName(f"{spec.short.lower()}Combo")
        for choice in spec.choices:
            combo.addItem(choice.name, choice.value)
        self._add_row(grid, row_text(spec), spec.field, combo, spec=spec)
        self._bind(spec.field, combo)

    def finish_after_first_frame(self) -> None:
        """Details the first frame can do without (nobody can type before it): the seed's
        clear button, which loads the icon theme. The main window calls this right after
        its first frame. (No validator: what is typed is never altered; a problem says
        what is wrong with it.)"""
        self.seed_edit.setClearButtonEnabled(True)
        from fluxdesk.ui.widgets.screen_reader import name_clear_button  # (after the first frame)

        name_clear_button(self.seed_edit, "Clear the seed")
        # Tab goes from the prompt (where a session starts) to its History… button, then
        # down the form: in the order made, the button would come last, after the job list.
        # (Set here, once the form sits in the window: set while the form is being built,
        # Qt leaves the order as it was.)
        self.setTabOrder(self.prompt, self.history_button)

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
        not container widgets: the first frame builds fewer widgets."""
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
            target.setToolTip(field_tooltip(spec))
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
            self.char_count.setAccessibleName(f"{n} of {P.PROMPT_MAX_CHARS} characters")
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

    def _sides(self) -> tuple[float, float] | None:
        """Width and height as numbers, or None while either is not one."""
        w, h = self.form.value(WIDTH), self.form.value(HEIGHT)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (w, h))
        return (w, h) if numbers else None

    def _lock_toggled(self, locked: bool) -> None:
        sides = self._sides()
        self._ratio = (sides[0] / sides[1]) if locked and sides and sides[1] > 0 else None

    def _keep_ratio(self, changed: str) -> None:
        assert self._ratio
        ratio, sides = self._ratio, self._sides()
        if sides is None or min(sides) <= 0:
            return  # (a side being typed: nothing to keep yet)
        if changed == WIDTH:
            other, value = HEIGHT, sides[0] / ratio
        else:
            other, value = WIDTH, sides[1] * ratio
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

    def load_fields(self, fields: dict[str, Any]) -> None:
        """Fill the form from request fields (a preset's): the sides exactly as given
        (a ratio lock would bend the second to the first), the lock then keeping theirs."""
        locked, self._ratio = self._ratio, None
        try:
            self.form.load_fields(fields)
        finally:
            if locked:
                self._lock_toggled(True)

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
