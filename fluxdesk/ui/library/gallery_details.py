"""The details panel: every parameter of one image, its file, and the review editors.

Review edits (favourite, stars, notes, tags) are emitted as one ``review_changed`` call
per gesture; the gallery writes them through ``Library.update_review`` (file metadata
and index together) and feeds the updated item back with :meth:`show_item`.

Values are shown as the form shows them ("Landscape 4:3 (1024×768)", "JPEG", "Auto"),
never as the API's names (``core.param_diff.param_text``, shared with the compare view).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.generation.results import batch_note, seed_label
from fluxdesk.core.library.record import ImageRecord, parse_iso
from fluxdesk.core.param_diff import param_text, size_text
from fluxdesk.ui.theme.line_icons import set_line_icon
from fluxdesk.ui.theme.palette import set_role, set_text_colour
from fluxdesk.ui.widgets.wrap_rows import WrapRows

NOTES_SAVE_DELAY_MS = 600
STAR_POINT_SIZE = 15
STAR_COLOUR = "#e0a100"  # a filled star
HEART_COLOUR = "#f05a7e"  # a favourite's heart
EMPTY_TEXT = "Select an image to see its details."
# The API's and FluxDesk's timing keys; unknown ones get their key in sentence case.
TIMING_LABELS = {
    "api_roundtrip": "API round trip",
    "inference": "Inference",
    "download": "Download",
    "total": "Total",
}


def timings_text(timings: Mapping[str, float]) -> str:
    """One line per timing, in words: "API round trip 3.10 s"."""
    lines = [
        f"{TIMING_LABELS.get(key, key.replace('_', ' ').capitalize())} {seconds:.2f} s"
        for key, seconds in timings.items()
    ]
    return "\n".join(lines) or "—"


TITLE_CHARS = 160  # about three lines of the panel: a long prompt must not push the rest down


def title_text(prompt: str) -> str:
    """The prompt as the panel's title: one line of words, cut at a word after
    TITLE_CHARS (the whole prompt is the title's tooltip and in "Use these settings")."""
    words = " ".join(prompt.split())
    if len(words) <= TITLE_CHARS:
        return words
    return words[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def created_text(created: str) -> str:
    """An ISO time stamp (UTC) as a local date and time: "25 Nov 2026, 19:33"."""
    try:
        when = parse_iso(created).astimezone()
    except ValueError:
        return created
    return f"{when.day} {when:%b %Y}, {when:%H:%M}"


def breakable_path(path: str) -> str:
    """``path`` with zero-width spaces after its separators (and the slug's "-" and "_"),
    so a narrow panel wraps it there instead of growing as wide as the file name."""
    for sep in ("/", "\\", "-", "_"):
        path = path.replace(sep, sep + "\u200b")
    return path


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class StarRating(QWidget):
    """Five toggle-like star buttons; clicking the current rating clears it."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("starRating")
        self.value = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.buttons: list[QToolButton] = []
        for n in range(1, 6):
            button = QToolButton()
            button.setObjectName(f"star{n}")
            button.setAutoRaise(True)
            button.setAccessibleName(f"{n} star{'s' if n > 1 else ''}")
            button.setToolTip(f"Rate {n} of 5 (keys 0–5 in the grid)")
            button.clicked.connect(lambda _=False, n=n: self._clicked(n))
            font = button.font()
            font.setPointSize(STAR_POINT_SIZE)
            button.setFont(font)
            row.addWidget(button)
            self.buttons.append(button)
        self.set_value(0)

    def _clicked(self, n: int) -> None:
        self.set_value(0 if n == self.value else n)
        self.changed.emit(self.value)

    def set_value(self, value: int) -> None:
        self.value = value
        for n, button in enumerate(self.buttons, start=1):
            button.setText("★" if n <= value else "☆")
            set_text_colour(button, STAR_COLOUR if n <= value else None)


# A random seed has up to 11 digits, a chosen one up to 19: the field is wide enough for
# this many (more would widen the panel past a 900 px window), and the rest scroll.
# The request's fields in the details' rows (the prompt and seed have rows of their own,
# the number of images is in the seed's batch line).
DETAIL_FIELDS = tuple(spec for spec in P.FIELDS if spec not in (P.PROMPT, P.SEED, P.NUM_IMAGES))
SEED_DIGITS_SHOWN = 13
SEED_FRAME = 14  # the line edit's frame and text margins


class DetailsPanel(QScrollArea):
    """One image's details and review; a calm hint when nothing is selected; for several,
    only what applies to all of them (copy, export, delete)."""

    review_changed = Signal(int, dict)  # item id, Library.update_review keywords
    action_requested = Signal(
        str
    )  # "open", "reveal", "copy", "export", "delete", "use", "use_noseed", "vary", "preset"

    # Buttons that act on every selected image; the others need exactly one.
    MULTI_ACTIONS = ("copy", "export", "delete")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setAccessibleName("Image details")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Never wider than the panel: everything inside wraps (labels, button rows).
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.item: ImageRecord | None = None
        self.selected_count = 0
        body = QWidget()
        body.setObjectName("detailsBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(10)

        self.title = QLabel()
        self.title.setObjectName("detailsTitle")
        set_role(self.title, "heading")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.title)
        self.hint = QLabel(EMPTY_TEXT)
        self.hint.setObjectName("detailsHint")
        set_role(self.hint, "hint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setContentsMargins(0, 40, 0, 0)
        outer.addWidget(self.hint)

        # Everything about one image, hidden as a whole when there is not exactly one.
        self.single = QWidget()
        self.single.setObjectName("detailsSingle")
        single = QVBoxLayout(self.single)
        single.setContentsMargins(0, 0, 0, 0)
        single.setSpacing(10)
        # The actions come right under the title: at 900×600 with a message bar showing
        # they, the seed and the date stay above the fold (the rest scrolls).
        self._actions_at = outer.count()
        outer.addWidget(self.single)

        self.favourite = QToolButton()
        self.favourite.setObjectName("favouriteButton")
        self.favourite.setCheckable(True)
        self.favourite.setAutoRaise(True)
        self.favourite.setAccessibleName("Favourite")
        self.favourite.setToolTip("Favourite (F in the grid)")
        self.favourite.toggled.connect(self._favourite_toggled)
        self.stars = StarRating()
        self.stars.changed.connect(lambda v: self._emit_review(rating=v))
        review = QWidget()
        self._wraps = [WrapRows(review, (self.favourite, self.stars), spacing=4)]
        single.addWidget(review)

        # A grid, not a QFormLayout: that one gave a wrapped value (a preset's name and
        # size, a file path) one line's height in a narrow panel and cut the rest off.
        self._rows = 0
        self.form = QGridLayout()
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(8)
        self.form.setColumnStretch(1, 1)
        self.seed = QLineEdit()
        self.seed.setObjectName("detailsSeed")
        self.seed.setReadOnly(True)
        self.seed.setAccessibleName("Seed")
        self.seed.setMinimumWidth(60)
        self.copy_seed_button = QToolButton()
        self.copy_seed_button.setObjectName("copySeedButton")
        # An icon: the seed's digits get the room (a cut seed reads as another number).
        set_line_icon(self.copy_seed_button, "copy")
        self.copy_seed_button.setAccessibleName("Copy the seed")
        self.copy_seed_button.setToolTip("Copy the seed")
        self.copy_seed_button.clicked.connect(self.copy_seed)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.copy_seed_button)
        self._add_row("Seed", seed_row)
        self.values: dict[str, QLabel] = {}
        for key, label in (
            ("created", "Created"),
            ("project", "Project"),
            *((spec.field, spec.label) for spec in DETAIL_FIELDS),
            ("nsfw", "NSFW flagged"),
            ("model", "Model"),
            ("timings", "Timings"),
            ("file", "File"),
            ("file_size", "File size"),
        ):
            value = QLabel()
            value.setObjectName(f"details_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._add_row(label, value)
            self.values[key] = value
        single.addLayout(self.form)

        self.tags = QLineEdit()
        self.tags.setObjectName("tagsEdit")
        self.tags.setPlaceholderText("tags, comma separated")
        self.tags.setAccessibleName("Tags")
        self.tags.editingFinished.connect(self._tags_edited)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notesEdit")
        self.notes.setPlaceholderText("Notes for the review…")
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(90)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self.flush_notes)
        self.notes.textChanged.connect(self._notes_timer.start)
        single.addWidget(QLabel("Tags"))
        single.addWidget(self.tags)
        single.addWidget(QLabel("Notes"))
        single.addWidget(self.notes)

        # Grouped by purpose; each group wraps onto more lines in a narrow panel.
        self.action_buttons: dict[str, QToolButton] = {}
        self._action_lines: list[tuple[QWidget, list[str]]] = []  # a group's line, its buttons
        for group in (
            (("open", "Open in viewer"), ("reveal", "Show in folder"), ("copy", "Copy image")),
            (
                ("use", "Use these settings"),
                ("use_noseed", "Use settings without seed"),
                ("vary", "Vary seed"),
                ("preset", "Save as preset…"),
            ),
            (("export", "Export…"), ("delete", "Delete")),
        ):
            buttons = []
            for name, text in group:
                button = QToolButton()
                button.setObjectName(f"{name}Button")
                button.setText(text)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                button.clicked.connect(lambda _=False, name=name: self.action_requested.emit(name))
                buttons.append(button)
                self.action_buttons[name] = button
            line = QWidget()
            self._action_lines.append((line, [name for name, _text in group]))
            self._wraps.append(WrapRows(line, buttons, spacing=4))
            outer.insertWidget(self._actions_at, line)
            self._actions_at += 1
        self.action_buttons["use"].setToolTip("Put these settings, seed included, in the form")
        self.action_buttons["use_noseed"].setToolTip("Put these settings in the form with a random seed")
        self.action_buttons["preset"].setToolTip(
            "Save these settings as a named preset (the seed if you ask)"
        )
        outer.addStretch(1)
        self.setWidget(body)
        self.show_item(None)

    def _add_row(self, text: str, field: QWidget | QLayout) -> None:
        row = self._rows
        self._rows += 1
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if isinstance(field, QLayout):
            self.form.addWidget(label, row, 0)
            self.form.addLayout(field, row, 1)
        else:
            # Multi-line values (timings, file) read best with their label on the first line.
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.form.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            self.form.addWidget(field, row, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_rows()

    def _arrange_rows(self) -> None:
        """Button rows wrap to the panel's width (see WrapRows)."""
        body = self.widget()
        layout = body.layout() if body is not None else None
        if layout is None:
            return
        m = layout.contentsMargins()
        width = self.viewport().width() - m.left() - m.right()
        for rows in self._wraps:
            rows.arrange(width)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the content can wrap to, plus the scroll bar: a splitter squeezing
        the panel further would cut its right edge off (it never scrolls sideways)."""
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent, None, self)
        margins = body.contentsMargins()
        layout = body.layout()
        if layout is not None:
            margins = layout.contentsMargins()
        # The one-image part counts while hidden too: the splitter must not jump when an
        # image gets selected.
        single = self.single.minimumSizeHint().width() + margins.left() + margins.right()
        width = max(body.minimumSizeHint().width(), single) + bar + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())

    # --- showing ------------------------------------------------------------------------
    def show_selection(self, items: list[ImageRecord]) -> None:
        """The details of one image, or the empty / several-selected state."""
        if len(items) == 1:
            self.show_item(items[0])
            return
        self.show_item(None)
        if items:
            self._set_state(len(items))

    def _set_state(self, count: int) -> None:
        """Show what applies to ``count`` selected images (0: just the hint)."""
        self.selected_count = count
        one = count == 1
        self.single.setVisible(one)
        self.title.setVisible(count > 0)
        self.hint.setVisible(not one)
        if count > 1:
            self.title.setText(f"{count} images selected")
            self.hint.setText("Copy, export or delete them together, or select one to see its details.")
            self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft)
            self.hint.setContentsMargins(0, 0, 0, 0)
        else:
            self.hint.setText(EMPTY_TEXT)
            self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.hint.setContentsMargins(0, 40, 0, 0)
        for w in (self.favourite, self.stars, self.seed, self.copy_seed_button, self.tags, self.notes):
            w.setEnabled(one)
        for name, button in self.action_buttons.items():
            usable = one or (count > 1 and name in self.MULTI_ACTIONS)
            button.setVisible(usable)
            button.setEnabled(usable)
        for line, names in self._action_lines:  # no empty line (a gap) for a group with none
            line.setVisible(any(not self.action_buttons[name].isHidden() for name in names))
        many = count > 1
        self.updateGeometry()  # the minimum width follows the content (see minimumSizeHint)
        self.action_buttons["copy"].setText("Copy images" if many else "Copy image")
        self.action_buttons["export"].setText("Export…")
        self.action_buttons["delete"].setText(f"Delete {count} images" if many else "Delete")
        self._arrange_rows()  # shown buttons and longer texts

    def show_item(self, item: ImageRecord | None) -> None:
        if self.item is not None and (item is None or item.id != self.item.id):
            self.flush_notes()
        self.item = item
        self._set_state(1 if item is not None else 0)
        blockers = [QSignalBlocker(w) for w in (self.favourite, self.notes, self.tags)]
        if item is None:
            self.title.clear()
            self.seed.clear()
            for label in self.values.values():
                label.clear()
            self.notes.clear()
            self.tags.clear()
            self.stars.set_value(0)
            self.favourite.setChecked(False)
            self._update_heart()
            del blockers
            return
        p = item.params
        self.title.setText(title_text(item.prompt))
        self.title.setToolTip(item.prompt)
        self.seed.setText(str(item.seed))
        self.seed.setCursorPosition(0)  # if it must scroll, the leading digits show
        digits = self.seed.fontMetrics().horizontalAdvance(
            "0" * min(len(self.seed.text()), SEED_DIGITS_SHOWN)
        )
        self.seed.setMinimumWidth(digits + SEED_FRAME)
        batch = int(p.get("num_images") or 1)
        note = f"\n{batch_note(item.seed, batch)}" if batch > 1 else ""
        self.seed.setToolTip(seed_label(item.seed, item.index, batch) + note)
        values: dict[str, Any] = {
            **{spec.field: param_text(spec.field, p.get(spec.field)) for spec in DETAIL_FIELDS},
            # What the file is, which a request left to the defaults does not say.
            "image_size": size_text(p.get("image_size"), item.width, item.height),
            "output_format": param_text("output_format", item.output_format),
            "nsfw": "Yes" if item.nsfw else "No",
            "model": item.model,
            "created": created_text(item.created),
            "project": item.project or "No project",
            "timings": timings_text(item.timings),
            "file": breakable_path(str(item.path)),
            "file_size": human_size(item.file_size),
        }
        for key, text in values.items():
            self.values[key].setText(str(text))
        if self.notes.toPlainText() != item.notes:
            self.notes.setPlainText(item.notes)
        self.tags.setText(", ".join(item.tags))
        self.stars.set_value(item.rating)
        self.favourite.setChecked(item.favourite)
        self._update_heart()
        del blockers
        self.updateGeometry()  # a longer word (model, file name) may widen the minimum

    def _update_heart(self) -> None:
        on = self.favourite.isChecked()
        self.favourite.setText("♥ Favourite" if on else "♡ Favourite")
        set_text_colour(self.favourite, HEART_COLOUR if on else None)

    # --- edits --------------------------------------------------------------------------
    def _emit_review(self, **changes: Any) -> None:
        if self.item is not None:
            self.review_changed.emit(self.item.id, changes)

    def _favourite_toggled(self, on: bool) -> None:
        self._update_heart()
        self._emit_review(favourite=on)

    def _tags_edited(self) -> None:
        if self.item is None:
            return
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        if tuple(tags) != self.item.tags:
            self._emit_review(tags=tags)

    def flush_notes(self) -> None:
        self._notes_timer.stop()
        if self.item is not None and self.notes.toPlainText() != self.item.notes:
            self._emit_review(notes=self.notes.toPlainText())

    def copy_seed(self) -> None:
        if self.item is not None:
            QGuiApplication.clipboard().setText(str(self.item.seed))
