"""The result cards: one image with its seed caption and NSFW badge (``ImageCard``), and
the grid that lays out a job's 1–4 cards so each image is largest (``CardGrid``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QRect, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDrag,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from fluxdesk.core.generation.results import batch_note, batch_position, seed_label
from fluxdesk.ui.generate.generation import DecodedImage
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
