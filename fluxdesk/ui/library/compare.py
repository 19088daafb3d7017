"""Compare two library images: side by side with synchronised zoom/pan, or a swipe slider,
above a table of their parameters with the differing ones highlighted."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.param_diff import ParamRow, diff_params
from fluxdesk.ui.theme.palette import set_role
from fluxdesk.ui.widgets.image_viewer import BACKDROP, ImageViewer


def compare_rows(left: ImageRecord, right: ImageRecord) -> list[ParamRow]:
    """The parameters of both images in the form's words ("Auto", "JPEG", preset labels);
    a row differs when what the designer reads differs."""

    def params(item: ImageRecord) -> dict[str, object]:
        # The seed actually used (the request may have said "random"), and the model.
        return {**item.params, "seed": item.seed, "model": item.model}

    return diff_params(params(left), params(right))


def load_image(item: ImageRecord) -> QImage:
    image = QImage(str(item.path))
    if image.isNull():  # missing or damaged: a neutral stand-in, never a crash
        image = QImage(item.width or 512, item.height or 512, QImage.Format.Format_RGB32)
        image.fill(QColor("#3a3d44"))
    return image


class SyncedViewers(QWidget):
    """Two viewers that mirror each other's zoom and scroll position (proportionally, so
    images of different sizes stay aligned on the same relative spot)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left = ImageViewer()
        self.left.setObjectName("compareLeft")
        self.right = ImageViewer()
        self.right.setObjectName("compareRight")
        self.left.setAccessibleName("Image A (left)")  # not two panes both called "Image viewer"
        self.right.setAccessibleName("Image B (right)")
        # Each pane says which image it shows: the table's "A (left)" / "B (right)" columns
        # and the swipe view's corner letters refer to these.
        self.left_caption = QLabel("A")
        self.left_caption.setObjectName("compareCaptionA")
        self.right_caption = QLabel("B")
        self.right_caption.setObjectName("compareCaptionB")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for caption, viewer in ((self.left_caption, self.left), (self.right_caption, self.right)):
            caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            # A long file name is cut at the pane's edge (the whole path is in the tooltip):
            # it must not make the dialog wider than the screen (it asked for 1492 px).
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            caption.setMinimumWidth(1)
            pane = QVBoxLayout()
            pane.setSpacing(2)
            pane.addWidget(caption)
            pane.addWidget(viewer, 1)
            row.addLayout(pane, 1)
        self._syncing = False
        for a, b in ((self.left, self.right), (self.right, self.left)):
            a.zoom_changed.connect(lambda _s, a=a, b=b: self._sync_zoom(a, b))
            for bar_a, bar_b in (
                (a.horizontalScrollBar(), b.horizontalScrollBar()),
                (a.verticalScrollBar(), b.verticalScrollBar()),
            ):
                bar_a.valueChanged.connect(lambda _v, x=bar_a, y=bar_b: self._sync_bar(x, y))

    def set_images(self, left: QImage, right: QImage) -> None:
        self.left.set_image(left)
        self.right.set_image(right)

    def set_captions(self, left: str, right: str) -> None:
        self.left_caption.setText(f"<b>A</b>&nbsp;&nbsp;{escape(left)}")
        self.right_caption.setText(f"<b>B</b>&nbsp;&nbsp;{escape(right)}")
        self.left_caption.setAccessibleName(f"A: {left}")
        self.right_caption.setAccessibleName(f"B: {right}")

    def _sync_zoom(self, source: ImageViewer, target: ImageViewer) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            target.mode = source.mode
            sw, _ = source.image_size()
            tw, _ = target.image_size()
            # Same *displayed* size when fitted; same relative zoom otherwise.
            ratio = (sw / tw) if sw and tw and source.mode != "fit" else 1.0
            if source.mode == "fit":
                target.apply_mode()
            else:
                target.set_zoom(source.scale_factor * ratio)
                target.mode = source.mode
        finally:
            self._syncing = False
        self._sync_bar(source.horizontalScrollBar(), target.horizontalScrollBar())
        self._sync_bar(source.verticalScrollBar(), target.verticalScrollBar())

    def _sync_bar(self, source: object, target: object) -> None:
        from PySide6.QtWidgets import QScrollBar

        if self._syncing or not isinstance(source, QScrollBar) or not isinstance(target, QScrollBar):
            return
        self._syncing = True
        try:
            span = source.maximum() - source.minimum()
            fraction = (source.value() - source.minimum()) / span if span else 0.5
            target.setValue(round(target.minimum() + fraction * (target.maximum() - target.minimum())))
        finally:
            self._syncing = False


class SwipeView(QWidget):
    """Both images fitted in the same rectangle; left of the divider A, right of it B."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("swipeView")
        self.setMinimumSize(200, 200)
        self.left = QImage()
        self.right = QImage()
        self.split = 0.5

    def set_images(self, left: QImage, right: QImage) -> None:
        self.left, self.right = left, right
        self.update()

    def set_split(self, fraction: float) -> None:
        self.split = max(0.0, min(1.0, fraction))
        self.update()

    def image_rect(self, image: QImage | None = None) -> QRectF:
        """Where ``image`` (default: A) is drawn: fitted and centred, its own aspect kept."""
        image = self.left if image is None else image
        if image.isNull():
            return QRectF(self.rect())
        size = image.size().toSizeF().scaled(self.size().toSizeF(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRectF(QPointF(0, 0), size)
        rect.moveCenter(QRectF(self.rect()).center())
        return rect

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # The side-by-side viewers' backdrop: the same in both modes and schemes, and the
        # white divider and labels show on it.
        painter.fillRect(self.rect(), QColor(BACKDROP))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.image_rect()
        other = self.image_rect(self.right)  # B keeps its own aspect ratio, never stretched
        x = target.left() + target.width() * self.split
        full = QRectF(self.rect())
        painter.save()
        painter.setClipRect(QRectF(full.left(), full.top(), x - full.left(), full.height()))
        painter.drawImage(target, self.left)
        painter.restore()
        painter.save()
        painter.setClipRect(QRectF(x, full.top(), full.right() - x, full.height()))
        painter.drawImage(other, self.right)
        painter.restore()
        target = target.united(other)
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QPointF(x, target.center().y()), 7, 7)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        box = target.adjusted(8, 6, -8, -6)
        for text, align in (("A", Qt.AlignmentFlag.AlignLeft), ("B", Qt.AlignmentFlag.AlignRight)):
            # White on a dark shadow: readable on a bright sky as well as on the backdrop.
            flags = align | Qt.AlignmentFlag.AlignTop
            painter.setPen(QColor(0, 0, 0, 170))
            painter.drawText(box.translated(1, 1), flags, text)
            painter.setPen(QColor("white"))
            painter.drawText(box, flags, text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._drag(event)

    def _drag(self, event: QMouseEvent) -> None:
        rect = self.image_rect()
        if rect.width() > 0:
            self.set_split((event.position().x() - rect.left()) / rect.width())
            parent = self.parent()
            while parent is not None and not isinstance(parent, CompareDialog):
                parent = parent.parent()
            if isinstance(parent, CompareDialog):
                parent.slider.setValue(round(self.split * 1000))


class CompareDialog(QDialog):
    def __init__(self, left: ImageRecord, right: ImageRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare — FluxDesk")
        self.items = (left, right)
        images = (load_image(left), load_image(right))

        self.side_by_side = SyncedViewers()
        self.side_by_side.set_images(*images)
        self.side_by_side.set_captions(*(f"Seed {item.seed} · {item.path.name}" for item in self.items))
        for caption, item in zip(
            (self.side_by_side.left_caption, self.side_by_side.right_caption), self.items, strict=True
        ):
            caption.setToolTip(str(item.path))
        self.swipe = SwipeView()
        self.swipe.set_images(*images)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.side_by_side)
        self.stack.addWidget(self.swipe)

        self.side_button = QPushButton("Side by side")
        self.side_button.setObjectName("compareSideBySide")
        self.swipe_button = QPushButton("Swipe")
        self.swipe_button.setObjectName("compareSwipe")
        group = QButtonGroup(self)
        for n, button in enumerate((self.side_button, self.swipe_button)):
            button.setCheckable(True)
            group.addButton(button, n)
        self.side_button.setChecked(True)
        group.idClicked.connect(self.set_mode)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("swipeSlider")
        self.slider.setAccessibleName("Swipe position")
        self.slider.setRange(0, 1000)
        self.slider.setValue(500)
        self.slider.valueChanged.connect(lambda v: self.swipe.set_split(v / 1000))
        self.fit_button = QPushButton("Fit")
        self.fit_button.setObjectName("compareFit")
        self.fit_button.clicked.connect(self.side_by_side.left.fit)
        self.actual_button = QPushButton("1:1")
        self.actual_button.setObjectName("compareActualSize")
        self.actual_button.clicked.connect(self.side_by_side.left.actual_size)
        # Each mode shows only its own controls: zoom for side by side, the slider for swipe.
        self.zoom_controls = QWidget()
        zoom_row = QHBoxLayout(self.zoom_controls)
        zoom_row.setContentsMargins(12, 0, 0, 0)
        zoom_row.addWidget(self.fit_button)
        zoom_row.addWidget(self.actual_button)
        zoom_row.addStretch(1)
        self.swipe_controls = QWidget()
        swipe_row = QHBoxLayout(self.swipe_controls)
        swipe_row.setContentsMargins(12, 0, 0, 0)
        swipe_row.addWidget(QLabel("A"))
        swipe_row.addWidget(self.slider, 1)
        swipe_row.addWidget(QLabel("B"))
        bar = QHBoxLayout()
        bar.addWidget(self.side_button)
        bar.addWidget(self.swipe_button)
        bar.addWidget(self.zoom_controls, 1)
        bar.addWidget(self.swipe_controls, 1)

        self.rows = compare_rows(left, right)
        self.table = self._table(self.rows)
        differing = sum(r.differs for r in self.rows)
        summary = QLabel(
            f"{differing} parameter{'s differ' if differing != 1 else ' differs'} (highlighted)"
            if differing
            else "All parameters are the same."
        )
        summary.setObjectName("compareSummary")
        set_role(summary, "hint")

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.stack, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(summary)
        bottom_layout.addWidget(self.table, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self._summary, self._bottom, self._split = summary, bottom, split
        self.table.horizontalHeader().sectionResized.connect(self._fit_table)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.resize(1200, 820)
        self._fit_table()
        self._sized = False
        self.set_mode(0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # the table gets its rows' height, the images the rest
            self._sized = True
            total = sum(self._split.sizes())
            bottom = min(self._bottom.maximumHeight(), total // 2)
            self._split.setSizes([total - bottom, bottom])

    def _fit_table(self, *_: object) -> None:
        """The table as tall as its rows (no empty band below the last one)."""
        table = self.table
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
        if table.horizontalScrollBar().isVisible():
            height += table.horizontalScrollBar().sizeHint().height()
        table.setMaximumHeight(height)
        layout = self._bottom.layout()
        spacing = max(0, layout.spacing()) if layout is not None else 6
        self._bottom.setMaximumHeight(self._summary.sizeHint().height() + spacing + height)

    def set_mode(self, mode: int) -> None:
        """0: side by side, 1: swipe."""
        swipe = mode == 1
        self.stack.setCurrentIndex(mode)
        self.swipe_controls.setVisible(swipe)
        self.slider.setEnabled(swipe)
        self.zoom_controls.setVisible(not swipe)
        (self.swipe_button if swipe else self.side_button).setChecked(True)

    def _table(self, rows: list[ParamRow]) -> QTableWidget:
        table = QTableWidget(len(rows), 3)
        table.setObjectName("compareTable")
        table.setAccessibleName("Parameters of A and B")
        table.setHorizontalHeaderLabels(["Parameter", "A (left)", "B (right)"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        highlight = QColor("#e0a100")
        highlight.setAlpha(70)
        for r, row in enumerate(rows):
            for c, text in enumerate((row.label, row.left, row.right)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if row.differs:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                    cell.setBackground(QBrush(highlight))
                table.setItem(r, c, cell)
        table.setItemDelegate(PaddedCells(table))
        table.resizeRowsToContents()
        return table


class PaddedCells(QStyledItemDelegate):
    """Table cells with room around their text (Fusion's cells put it against the grid)."""

    PAD_X, PAD_Y = 8, 4

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return super().sizeHint(option, index) + QSize(2 * self.PAD_X, 2 * self.PAD_Y)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        # The background (highlight, selection) fills the whole cell; the text sits inset.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        opt.rect = opt.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        opt.backgroundBrush = QBrush()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
