"""The images of one job side by side (``image_cards``), under a header with the prompt,
seed and timings, the file-action buttons and the cards' menu."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from fluxdesk.core.generation.results import GenerationResult
from fluxdesk.ui.generate.generation import JobOutput
from fluxdesk.ui.generate.image_cards import MARGIN, CardGrid, ImageCard
from fluxdesk.ui.texts import EMPTY_RESULTS_TEXT
from fluxdesk.ui.theme.line_icons import set_line_icon
from fluxdesk.ui.theme.palette import set_role
from fluxdesk.ui.widgets.fitted_labels import ElidedLabel, SegmentLabel

META_KEEP = 2  # segments the header line keeps beside the labelled buttons: the seed and the size


def suggested_file_name(prompt: str, seed: int, index: int, extension: str, *, count: int = 1) -> str:
    """``a-red-fox-in-snow-1234567.jpg``: words of the prompt, the seed, the index."""
    text = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 48:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or "image"
    suffix = f"-{index + 1}" if count > 1 else ""
    return f"{slug}-{seed}{suffix}.{extension}"


class ResultView(QWidget):
    """Header (prompt, seed, timings) + action buttons + the card grid, or an empty state."""

    view_requested = Signal(object)  # ImageCard
    save_requested = Signal()
    copy_requested = Signal()
    seed_copied = Signal(object)  # the seed (an int: Signal(int) is 32-bit, a seed is 64-bit)
    open_folder_requested = Signal()
    reuse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultView")
        self.setAccessibleName("Results")
        self.output: JobOutput | None = None
        self.current: ImageCard | None = None

        self.title = ElidedLabel()
        self.title.setObjectName("resultTitle")
        set_role(self.title, "heading")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.meta = SegmentLabel()
        self.meta.setObjectName("resultMeta")
        set_role(self.meta, "hint")

        self._labels: dict[QPushButton, str] = {}

        def button(text: str, name: str, tip: str, signal: Any, icon: str) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setAccessibleName(text.replace("…", "").replace("&", ""))
            set_line_icon(b, icon)
            b.clicked.connect(signal)
            self._labels[b] = text
            return b

        self.save_button = button(
            "Save as…", "saveAsButton", "Save the selected image (Ctrl+S)", self.save_requested, "save"
        )
        self.copy_button = button(
            "Copy", "copyButton", "Copy the selected image (Ctrl+C)", self.copy_requested, "copy"
        )
        self.folder_button = button(
            "Show in folder",
            "openFolderButton",
            "Show the image in its folder",
            self.open_folder_requested,
            "folder",
        )
        self.reuse_button = button(
            "Use settings",  # (short: all five keep their words at the default window size)
            "reuseButton",
            "Use these settings again: this job's prompt, size and seed back in the form (Ctrl+R)",
            self.reuse_requested,
            "reuse",
        )
        self.view_button = button(
            "View", "viewButton", "Open the selected image in the viewer (Enter)", self._view_current, "view"
        )
        self.compact = False  # icon-only buttons (tooltips keep the words) when the header is narrow
        self._full_buttons_width = 0
        self._buttons = [
            self.view_button,
            self.save_button,
            self.copy_button,
            self.folder_button,
            self.reuse_button,
        ]

        row = self._button_row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.meta, 1)
        for b in self._buttons:
            row.addWidget(b)
        head = QVBoxLayout()
        head.setContentsMargins(MARGIN, 12, MARGIN, 8)
        head.setSpacing(4)
        head.addWidget(self.title)
        head.addLayout(row)
        self.header = QWidget()
        self.header.setLayout(head)

        self.grid = CardGrid()
        self.empty = QLabel(EMPTY_RESULTS_TEXT)
        self.empty.setObjectName("emptyState")
        set_role(self.empty, "hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        empty_layout = QVBoxLayout(self.grid)
        empty_layout.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.grid, 1)
        self.clear()

    def set_empty_text(self, text: str) -> None:
        self.empty.setText(text)

    def clear(self) -> None:
        self.output = None
        self.current = None
        self.grid.set_cards([])
        self.header.hide()
        self.empty.show()

    def show_output(self, output: JobOutput, elapsed: float | None = None) -> None:
        """``elapsed``: the job's time as the job list and status bar show it (default: the
        generation's own, which leaves out queueing and decoding for display)."""
        self.output = output
        result = output.result
        n = len(output.images)
        batch = result.request.num_images
        cards = [ImageCard(img, result.seed, i, n, batch_size=batch) for i, img in enumerate(output.images)]
        for card in cards:
            card.activated.connect(self.view_requested)
            card.selected.connect(self._select)
            card.context_requested.connect(self._context_menu)
        self.empty.hide()
        self.grid.set_cards(cards)
        self.header.show()
        prompt = " ".join(result.request.prompt.split())
        self.title.set_full_text(prompt)
        self.title.setToolTip(result.request.prompt)
        w, h = result.request.dimensions
        nsfw = sum(1 for img in output.images if img.saved.nsfw)
        # The most important first: where the line is narrow, the last ones give way (the
        # time, which the status bar and job list show too, before the NSFW count).
        parts = [f"Seed {result.seed}", f"{w} × {h}", f"{n} image{'s' if n != 1 else ''}"]
        if nsfw:
            parts.append(f"{nsfw} flagged NSFW")
        parts.append(f"{result.elapsed if elapsed is None else elapsed:.1f} s")
        self.meta.set_segments(parts)
        self.meta.setToolTip(self.meta.full_text())
        self._update_compact()
        self._select(cards[0] if cards else None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_compact()

    def _update_compact(self) -> None:
        """Icon-only buttons when the labelled ones would squeeze the seed in the header."""
        spacing = self._button_row.spacing()
        if not self.compact:
            self._full_buttons_width = sum(b.sizeHint().width() + spacing for b in self._buttons)
        # The meta line drops its last segments (its tooltip has them all); the buttons keep
        # their words while its first ones (the seed, even a 19-digit one, and the size)
        # still fit beside them.
        meta = self.meta.prefix_width(META_KEEP) + 12
        available = self.width() - 2 * MARGIN
        compact = meta + self._full_buttons_width > available
        if compact == self.compact:
            return
        self.compact = compact
        for b in self._buttons:
            b.setText("" if compact else self._labels[b])
            if compact:
                b.setFixedWidth(b.sizeHint().height() + 6)
            else:
                b.setMinimumWidth(0)
                b.setMaximumWidth(16777215)

    @property
    def result(self) -> GenerationResult | None:
        return self.output.result if self.output else None

    def cards(self) -> list[ImageCard]:
        return list(self.grid.cards)

    def _select(self, card: ImageCard | None) -> None:
        for c in self.grid.cards:
            c.current = c is card
            c.update()
        self.current = card

    def _view_current(self) -> None:
        if self.current is not None:
            self.view_requested.emit(self.current)

    def set_card_actions(
        self, view: QAction, save: QAction, copy: QAction, folder: QAction, reuse: QAction
    ) -> None:
        """The window's actions on the current card, for the cards' menu: the same words,
        keys and enabled state as in the window's menus."""
        self._card_actions = (view, save, copy, folder, reuse)
        for action in self._card_actions:
            action.setShortcutVisibleInContextMenu(True)  # (hidden in context menus on macOS)

    def _context_menu(self, card: ImageCard, pos: QPoint) -> None:
        view, save, copy, folder, reuse = self._card_actions  # (the card is the current one)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions([view, save, copy])
        menu.addAction("Copy seed", lambda: self.copy_seed(card))
        menu.addAction(folder)
        menu.addSeparator()
        menu.addAction(reuse)
        menu.popup(pos)

    # --- file actions (the window asks for the target; these do the work) --------------
    def suggested_name(self, card: ImageCard | None = None) -> str:
        card = card or self.current
        assert card is not None and self.output is not None
        ext = card.path.suffix.lstrip(".") or self.output.result.request.output_format.extension
        return suggested_file_name(
            self.output.result.request.prompt, card.seed, card.index, ext, count=len(self.grid.cards)
        )

    @staticmethod
    def save_copy(card: ImageCard, target: Path) -> Path:
        """Save as: the original bytes, untouched (metadata included)."""
        shutil.copyfile(card.path, target)
        return target

    def copy_seed(self, card: ImageCard) -> None:
        """The seed's digits to the clipboard; the window says so, as it does for an image."""
        QGuiApplication.clipboard().setText(str(card.seed))
        self.seed_copied.emit(card.seed)

    @staticmethod
    def copy_to_clipboard(card: ImageCard) -> None:
        QGuiApplication.clipboard().setMimeData(card.mime_data())
