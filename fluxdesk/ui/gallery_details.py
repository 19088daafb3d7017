"""The details panel: every parameter of one image, its file, and the review editors.

Review edits (favourite, stars, notes, tags) are emitted as one ``review_changed`` call
per gesture; the gallery writes them through ``Library.update_review`` (file metadata
and index together) and feeds the updated item back with :meth:`show_item`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.library import LibraryItem
from fluxdesk.core.param_diff import LABELS, show
from fluxdesk.ui.theme import set_role

NOTES_SAVE_DELAY_MS = 600


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
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.set_value(0)

    def _clicked(self, n: int) -> None:
        self.set_value(0 if n == self.value else n)
        self.changed.emit(self.value)

    def set_value(self, value: int) -> None:
        self.value = value
        for n, button in enumerate(self.buttons, start=1):
            button.setText("★" if n <= value else "☆")
            button.setStyleSheet("color: #e0a100; font-size: 15pt;" if n <= value else "font-size: 15pt;")


class DetailsPanel(QScrollArea):
    review_changed = Signal(int, dict)  # item id, Library.update_review keywords
    action_requested = Signal(
        str
    )  # "open", "reveal", "copy", "export", "delete", "use", "use_noseed", "vary"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.item: LibraryItem | None = None
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(10)

        self.title = QLabel("No image selected")
        self.title.setObjectName("detailsTitle")
        set_role(self.title, "heading")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.title)

        review = QHBoxLayout()
        self.favourite = QToolButton()
        self.favourite.setObjectName("favouriteButton")
        self.favourite.setCheckable(True)
        self.favourite.setAutoRaise(True)
        self.favourite.setAccessibleName("Favourite")
        self.favourite.setToolTip("Favourite (F in the grid)")
        self.favourite.toggled.connect(self._favourite_toggled)
        self.stars = StarRating()
        self.stars.changed.connect(lambda v: self._emit_review(rating=v))
        review.addWidget(self.favourite)
        review.addWidget(self.stars, 1)
        outer.addLayout(review)

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.seed = QLineEdit()
        self.seed.setObjectName("detailsSeed")
        self.seed.setReadOnly(True)
        self.seed.setAccessibleName("Seed")
        self.seed.setMinimumWidth(60)
        copy_seed = QToolButton()
        copy_seed.setObjectName("copySeedButton")
        copy_seed.setText("Copy")
        copy_seed.setToolTip("Copy the seed")
        copy_seed.clicked.connect(self.copy_seed)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(copy_seed)
        self.form.addRow("Seed", seed_row)
        self.values: dict[str, QLabel] = {}
        for key, label in (
            ("image_size", "Size"),
            ("guidance_scale", LABELS["guidance_scale"]),
            ("num_inference_steps", LABELS["num_inference_steps"]),
            ("output_format", LABELS["output_format"]),
            ("enable_safety_checker", LABELS["enable_safety_checker"]),
            ("nsfw", "NSFW flagged"),
            ("model", "Model"),
            ("created", "Created"),
            ("timings", "Timings"),
            ("file", "File"),
            ("file_size", "File size"),
        ):
            value = QLabel()
            value.setObjectName(f"details_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, value)
            self.values[key] = value
        outer.addLayout(self.form)

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
        outer.addWidget(QLabel("Tags"))
        outer.addWidget(self.tags)
        outer.addWidget(QLabel("Notes"))
        outer.addWidget(self.notes)

        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        self.action_buttons: dict[str, QToolButton] = {}
        for row in (
            (("open", "Open in viewer"), ("reveal", "Show in folder"), ("copy", "Copy image")),
            (("use", "Use these settings"), ("use_noseed", "…without seed"), ("vary", "Vary seed")),
            (("export", "Export copy…"), ("delete", "Delete")),
        ):
            line = QHBoxLayout()
            for name, text in row:
                button = QToolButton()
                button.setObjectName(f"{name}Button")
                button.setText(text)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                button.clicked.connect(lambda _=False, name=name: self.action_requested.emit(name))
                line.addWidget(button)
                self.action_buttons[name] = button
            line.addStretch(1)
            buttons.addLayout(line)
        outer.addLayout(buttons)
        outer.addStretch(1)
        self.setWidget(body)
        self.show_item(None)

    # --- showing ------------------------------------------------------------------------
    def show_item(self, item: LibraryItem | None) -> None:
        if self.item is not None and (item is None or item.id != self.item.id):
            self.flush_notes()
        self.item = item
        enabled = item is not None
        for w in (self.favourite, self.stars, self.tags, self.notes, *self.action_buttons.values()):
            w.setEnabled(enabled)
        blockers = [QSignalBlocker(w) for w in (self.favourite, self.notes, self.tags)]
        if item is None:
            self.title.setText("No image selected")
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
        self.title.setText(item.prompt)
        self.seed.setText(str(item.seed))
        values: dict[str, Any] = {
            "image_size": f"{item.width} × {item.height}"
            + (f"  ({p['image_size']})" if isinstance(p.get("image_size"), str) else ""),
            "guidance_scale": show(p.get("guidance_scale")),
            "num_inference_steps": show(p.get("num_inference_steps")),
            "output_format": item.output_format.upper(),
            "enable_safety_checker": show(p.get("enable_safety_checker")),
            "nsfw": "yes" if item.nsfw else "no",
            "model": item.model,
            "created": item.created.replace("T", " "),
            "timings": ", ".join(f"{k} {v:.2f} s" for k, v in item.timings.items()) or "—",
            # Zero-width spaces let the label wrap a long path at its separators.
            "file": str(item.path).replace("/", "/\u200b").replace("\\", "\\\u200b"),
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

    def _update_heart(self) -> None:
        on = self.favourite.isChecked()
        self.favourite.setText("♥ Favourite" if on else "♡ Favourite")
        self.favourite.setStyleSheet("color: #f05a7e;" if on else "")

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
