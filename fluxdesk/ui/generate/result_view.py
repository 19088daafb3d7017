"""The images of one job side by side, with seed, NSFW badge and the file actions."""

from __future__ import annotations

import math
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDrag,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.results import GenerationResult, batch_note, batch_position, seed_label
from fluxdesk.ui.generate.generation import DecodedImage, JobOutput
from fluxdesk.ui.texts import EMPTY_RESULTS_TEXT
from fluxdesk.ui.theme.line_icons import set_line_icon
from fluxdesk.ui.theme.palette import hint_colour, set_role

CAPTION_MARGIN = 6  # above and below the caption's lines (one line of a 14 px font: 26 px)
CAPTION_PAD = 8  # the caption's room to the card's edges, both sides together
CAPTION_FORMS = 4  # see ImageCard.caption_options
CAPTION_IMAGE_SHARE = 0.65  # a caption fitting the card's font may cost the images at most 35 % of their size
GAP = 14
MARGIN = 18


def caption_block_height(metrics: QFontMetrics, lines: int) -> int:
    """The height under a card's image that a caption of ``lines`` lines takes."""
    return 2 * CAPTION_MARGIN + lines * metrics.lineSpacing()


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


class ElidedLabel(QLabel):
    """A one-line label that elides with "…" instead of growing or clipping."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


META_SEPARATOR = "  ·  "
META_KEEP = 2  # segments the header line keeps beside the labelled buttons: the seed and the size


class SegmentLabel(QLabel):
    """A one-line label of segments ("Seed N  ·  W × H  ·  …"), the most important first,
    that drops whole segments from its end where it is too narrow. Eliding would cut a
    value in the middle, and a cut one reads as another value ("· 0…" for "0.4 s"); the
    first segment is always shown whole (the layout gives the label at least its width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[str] = []
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_segments(self, segments: list[str]) -> None:
        self._segments = list(segments)
        self.setAccessibleName(self.full_text())
        self._keep_first()
        self._fit()

    def full_text(self) -> str:
        return META_SEPARATOR.join(self._segments)

    def prefix_width(self, count: int) -> int:
        """How wide the first ``count`` segments are in the label's font."""
        return self.fontMetrics().horizontalAdvance(META_SEPARATOR.join(self._segments[:count]))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._keep_first()
            self._fit()

    def _keep_first(self) -> None:
        margins = self.contentsMargins()
        self.setMinimumWidth(self.prefix_width(1) + margins.left() + margins.right() if self._segments else 0)

    def _fit(self) -> None:
        room = self.contentsRect().width()
        count = len(self._segments)
        while count > 1 and self.prefix_width(count) > room:
            count -= 1
        self.setText(META_SEPARATOR.join(self._segments[:count]))


class ImageCard(QWidget):
    """One result image: fitted pixmap, seed caption, NSFW badge; drag it out."""

    activated = Signal(object)  # self (double-click / Enter)
    selected = Signal(object)
    context_requested = Signal(object, QPoint)

    def __init__(
        self,
        decoded: DecodedImage,
        seed: int,
        index: int,
        count: int,
        parent: QWidget | None = None,
        *,
        batch_size: int | None = None,
    ) -> None:
        """Card ``index`` of ``count`` shown; ``batch_size``: how many images the request
        asked for (the seed belongs to that batch; an image that failed leaves a gap)."""
        super().__init__(parent)
        self.decoded = decoded
        self.seed = seed
        self.index = index
        self.batch_size = count if batch_size is None else batch_size
        self.current = False
        self._pixmap = QPixmap.fromImage(decoded.thumb)  # GUI thread: pixmaps only here
        self._scaled: QPixmap | None = None
        # The caption's lines for a (width, font): measuring them takes every caption form
        # of the batch, and both painting and image_rect() ask for them on every paint.
        self._caption: tuple[tuple[int, str], list[str]] | None = None
        self._press: QPoint | None = None
        self.setObjectName(f"imageCard{index}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        nsfw = ", flagged NSFW" if decoded.saved.nsfw else ""
        label = seed_label(seed, decoded.saved.index, self.batch_size)
        self.setAccessibleName(f"Image {index + 1} of {count}, {label.lower()}{nsfw}")
        batch = f"\n{batch_note(seed, self.batch_size)}" if self.batch_size > 1 else ""
        self.setToolTip(
            f"{decoded.saved.width} × {decoded.saved.height} px · {label}{nsfw}{batch}\n"
            "Double-click to view · drag to copy out"
        )
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    @property
    def path(self) -> Path:
        return self.decoded.saved.path

    @property
    def nsfw(self) -> bool:
        return self.decoded.saved.nsfw

    def image_rect(self) -> QRect:
        metrics = self.fontMetrics()
        caption = caption_block_height(metrics, len(self.caption_lines()))
        area = self.rect().adjusted(4, 4, -4, -caption)
        size = self._pixmap.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = area.x() + (area.width() - size.width()) // 2
        y = area.y() + (area.height() - size.height()) // 2
        return QRect(QPoint(x, y), size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.image_rect()
        if rect.width() > 0 and rect.height() > 0:
            ratio = self.devicePixelRatioF()
            if self._scaled is None or self._scaled.size() != rect.size() * ratio:
                self._scaled = self._pixmap.scaled(
                    rect.size() * ratio,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                self._scaled.setDevicePixelRatio(ratio)
            painter.drawPixmap(rect.topLeft(), self._scaled)
        pal = self.palette()
        if self.current or self.hasFocus():
            pen = QPen(pal.color(QPalette.ColorRole.Highlight), 3 if self.hasFocus() else 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            # The same gap on every side (a QRect's right edge is its last pixel, so it is
            # adjusted as a QRectF).
            painter.drawRoundedRect(QRectF(rect).adjusted(-3, -3, 3, 3), 4, 4)
        if self.nsfw:
            badge = QRect(rect.left() + 8, rect.top() + 8, 52, 22)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(198, 40, 40, 230))
            painter.drawRoundedRect(badge, 4, 4)
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "NSFW")
        # The caption is never elided: the seed is what it is there for, and a seed cut at
        # either end reads as another number. Its first line is the seed, in the text
        # colour; a second one (which image of the batch) is secondary, like the header's.
        metrics = self.fontMetrics()
        lines = self.caption_lines()
        step = metrics.lineSpacing()
        top = self.height() - caption_block_height(metrics, len(lines)) + CAPTION_MARGIN
        secondary = hint_colour(pal)
        for i, line in enumerate(lines):
            painter.setFont(self.caption_font(line))
            painter.setPen(pal.color(QPalette.ColorRole.WindowText) if i == 0 else secondary)
            painter.drawText(QRect(0, top + i * step, self.width(), step), Qt.AlignmentFlag.AlignCenter, line)
        painter.end()

    def caption_font(self, line: str) -> QFont:
        """The card's font, made smaller only for a line even the narrowest caption form
        leaves wider than the card (a very large system font, or a long seed in a short
        canvas where the images come first): smaller, never cut."""
        font = QFont(self.font())
        advance = self.fontMetrics().horizontalAdvance(line)
        if advance <= self.width() - 2 or font.pointSizeF() <= 0:
            return font
        # Down to the card's width (the gap between cards keeps neighbours apart). A size in
        # proportion is not enough on its own: hinting rounds glyph advances, so a 9 pt seed
        # made 7.9 pt came out 3 px wider than the card. Step down until it measures to fit.
        room = max(1, self.width() - 2)
        size = max(1.0, font.pointSizeF() * room / advance)
        font.setPointSizeF(size)
        while size > 1.0 and QFontMetrics(font).horizontalAdvance(line) > room:
            size = max(1.0, size - 0.25)
            font.setPointSizeF(size)
        return font

    def caption_options(self, index: int | None = None) -> list[tuple[str, ...]]:
        """The caption's ``CAPTION_FORMS`` forms, the widest first, for image ``index`` of the
        batch (default: this card's). Every form has the seed's digits whole on its first
        line; the narrower ones give the batch position its own line:

        0. "Seed N · 2 of 4   ·   W × H" (the size only where there is room: the header has it)
        1. "Seed N · 2 of 4"
        2. "Seed N" / "2 of 4"
        3. "N" / "Seed · 2 of 4"
        """
        saved = self.decoded.saved
        at = saved.index if index is None else index
        label = seed_label(self.seed, at, self.batch_size)
        with_size = f"{label}   ·   {saved.width} × {saved.height}" if saved.width else label
        if self.batch_size <= 1:
            return [(with_size,), (label,), (label,), (str(self.seed), "Seed")]
        which = batch_position(at, self.batch_size)
        return [(with_size,), (label,), (f"Seed {self.seed}", which), (str(self.seed), f"Seed · {which}")]

    def _fitting_form(self, advance: Callable[[str], int], width: int) -> int | None:
        """The first caption form whose lines fit ``width`` for every image of the batch, so
        the cards of one job (all as wide) wrap alike; None when none fits."""
        room = width - CAPTION_PAD
        forms = [self.caption_options(i) for i in range(max(1, self.batch_size))]
        for form in range(CAPTION_FORMS):
            if all(advance(line) <= room for options in forms for line in options[form]):
                return form
        return None

    def caption_form(self, advance: Callable[[str], int], width: int) -> int:
        form = self._fitting_form(advance, width)
        return CAPTION_FORMS - 1 if form is None else form

    def caption_fits(self, advance: Callable[[str], int], width: int) -> bool:
        """Whether some caption form shows the seed at ``width`` in the card's own font."""
        return self._fitting_form(advance, width) is not None

    def caption_at(self, advance: Callable[[str], int], width: int) -> tuple[str, ...]:
        """The caption's lines at ``width`` (see ``caption_options``)."""
        return self.caption_options()[self.caption_form(advance, width)]

    def caption_text(self, advance: Callable[[str], int], width: int) -> str:
        """The caption at ``width``, its lines joined by newlines."""
        return "\n".join(self.caption_at(advance, width))

    def caption_lines(self) -> list[str]:
        """The caption's lines as the card paints them, at its width and in its font."""
        key = (self.width(), self.font().key())
        if self._caption is None or self._caption[0] != key:
            self._caption = (key, list(self.caption_at(self.fontMetrics().horizontalAdvance, self.width())))
        return self._caption[1]

    def caption_width(self, advance: Callable[[str], int], width: int) -> int:
        """How wide the card must be for the caption it would have at ``width`` (the size
        left out: it only shows where the image makes the card wide enough already)."""
        form = max(1, self.caption_form(advance, width))
        lines = [line for i in range(max(1, self.batch_size)) for line in self.caption_options(i)[form]]
        return max(advance(line) for line in lines) + CAPTION_PAD

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self.selected.emit(self)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and (event.position().toPoint() - self._press).manhattanLength() >= (
            QApplication.startDragDistance()
        ):
            self._press = None
            self.start_drag()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.selected.emit(self)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.selected.emit(self)
        self.context_requested.emit(self, event.globalPos())

    def mime_data(self) -> QMimeData:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(self.path))])
        mime.setImageData(self.decoded.image)
        return mime

    def start_drag(self) -> None:
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        preview = self._pixmap.scaled(
            QSize(160, 160), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        drag.setPixmap(preview)
        drag.setHotSpot(QPoint(preview.width() // 2, preview.height() // 2))
        drag.exec(Qt.DropAction.CopyAction)


class CardGrid(QWidget):
    """Lays out 1–4 cards in the arrangement that makes each image largest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultCanvas")
        set_role(self, "canvas")
        self.cards: list[ImageCard] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 160)

    def set_cards(self, cards: list[ImageCard]) -> None:
        for card in self.cards:
            card.hide()
            card.deleteLater()
        self.cards = cards
        for card in cards:
            card.setParent(self)
            card.show()
        self._layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    def _layout(self) -> None:
        n = len(self.cards)
        if not n:
            return
        area = self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        first = self.cards[0]  # (one job: the same seed, batch and font on every card)
        metrics = first.fontMetrics()
        advance = metrics.horizontalAdvance
        iw, ih = first.decoded.saved.width or 1, first.decoded.saved.height or 1
        # Each arrangement's image scale, and whether its columns have room for the whole
        # seed in the card's font (a caption that wraps to two lines takes that from the image).
        options: list[tuple[float, bool, int, int]] = []
        for rows in range(1, n + 1):
            cols = math.ceil(n / rows)
            column = (area.width() - GAP * (cols - 1)) // cols
            caption = caption_block_height(metrics, len(first.caption_at(advance, column)))
            ch = (area.height() - GAP * (rows - 1)) / rows - caption - 4
            scale = min((column - 8) / iw, ch / ih)
            options.append((scale, first.caption_fits(advance, column), rows, cols))
        # The images come first: a caption that fits in the card's font is worth a modest
        # share of their size, not most of it (a 19-digit seed in a short canvas once chose
        # two rows of 14 px images under whole one-line captions). Past that share the
        # largest images win and the caption takes its narrowest form, in a smaller font
        # where even that is too wide (see caption_font): smaller, never cut.
        largest = max(option[0] for option in options)
        fitting = [o for o in options if o[1] and o[0] >= CAPTION_IMAGE_SHARE * largest]
        scale, _, rows, cols = max(fitting or options, key=lambda option: option[0])  # (first: fewest rows)
        column = (area.width() - GAP * (cols - 1)) // cols
        caption = caption_block_height(metrics, len(first.caption_at(advance, column)))
        # Cells hug the image (plus the frame inset and caption), but are never narrower
        # than the caption the column has room for: a narrow image (a short canvas, four
        # landscapes) must not squeeze the seed onto more lines or past the card's edges.
        # The image is centred in a wider card; the block is centred in the canvas.
        cw = max(40, int(iw * scale) + 8, first.caption_width(advance, column))
        ch = max(40, int(ih * scale) + 4 + caption)
        cw = min(cw, column)
        ch = min(ch, (area.height() - GAP * (rows - 1)) // rows)
        block_w = cols * cw + GAP * (cols - 1)
        block_h = rows * ch + GAP * (rows - 1)
        x0 = area.x() + (area.width() - block_w) // 2
        y0 = area.y() + (area.height() - block_h) // 2
        for i, card in enumerate(self.cards):
            r, c = divmod(i, cols)
            in_row = min(cols, n - r * cols)
            shift = (cols - in_row) * (cw + GAP) // 2  # centre a short last row
            card.setGeometry(x0 + shift + c * (cw + GAP), y0 + r * (ch + GAP), cw, ch)


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
