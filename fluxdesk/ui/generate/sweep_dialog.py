"""Parameter sweep: pick one or two axes, submit every cell as a job, watch a labelled grid.

The dialog only builds a :class:`~fluxdesk.core.sweep.Sweep` (core validates); the grid
window submits the cells to the main window's :class:`JobQueue` and fills in as jobs
finish. The finished grid exports like a contact sheet, one column per column value.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core import params as P
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.library import contact_sheet as cs
from fluxdesk.core.request import GenerationRequest, RequestInvalid
from fluxdesk.core.sweep import AXES, Axis, Sweep, SweepCell, expand, parse_values
from fluxdesk.ui.generate.jobs import Job, JobQueue, JobState
from fluxdesk.ui.theme.palette import plain_buttons, set_role

CELL = 200
FIRST_AXIS = P.GUIDANCE_SCALE  # what a sweep most often asks: which guidance?


class SweepDialog(QDialog):
    """Choose the axes; ``sweep`` holds the result after ``accept``."""

    def __init__(self, base: GenerationRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepDialog")
        self.setWindowTitle("Parameter sweep — FluxDesk")
        self.base = base
        self.sweep: Sweep | None = None
        self.col_field = self._fields(include_none=False)
        self.col_values = QLineEdit(FIRST_AXIS.sweep)
        self.col_values.setObjectName("sweepColumnValues")
        self.row_field = self._fields(include_none=True)
        self.row_values = QLineEdit()
        self.row_values.setObjectName("sweepRowValues")
        self.col_field.setObjectName("sweepColumnField")
        self.row_field.setObjectName("sweepRowField")
        # The value fields' rows have no label of their own: name all four for a screen reader.
        for widget, name in (
            (self.col_field, "Column parameter"),
            (self.col_values, "Column values"),
            (self.row_field, "Row parameter"),
            (self.row_values, "Row values"),
        ):
            widget.setAccessibleName(name)
        self.summary = QLabel()
        self.summary.setObjectName("sweepSummary")
        self.summary.setWordWrap(True)
        hint = QLabel("Values: a list (2, 3.5, 5), a range (10-40 step 10), or for seeds: random 4.")
        set_role(hint, "hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Prompt", QLabel(base.prompt[:80] + ("…" if len(base.prompt) > 80 else "")))
        form.addRow("Columns", self.col_field)
        form.addRow("", self.col_values)
        form.addRow("Rows", self.row_field)
        form.addRow("", self.row_values)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton("Generate", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName("sweepGenerate")
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.col_field.currentIndexChanged.connect(lambda: self._default(self.col_field, self.col_values))
        self.row_field.currentIndexChanged.connect(lambda: self._default(self.row_field, self.row_values))
        for edit in (self.col_values, self.row_values):
            edit.textChanged.connect(self.update_preview)
        self.update_preview()

    def _fields(self, *, include_none: bool) -> QComboBox:
        combo = QComboBox()
        if include_none:
            combo.addItem("None (one row)", "")
        for name, kind in AXES.items():
            combo.addItem(kind.label, name)
        if not include_none:
            combo.setCurrentIndex(combo.findData(FIRST_AXIS.field))
        return combo

    def _default(self, combo: QComboBox, edit: QLineEdit) -> None:
        field = combo.currentData()
        edit.setText(AXES[field].sweep if field else "")
        edit.setEnabled(bool(combo.currentData()))

    def build(self) -> Sweep:
        columns = Axis(
            self.col_field.currentData(), parse_values(self.col_field.currentData(), self.col_values.text())
        )
        rows = None
        if self.row_field.currentData():
            field = self.row_field.currentData()
            rows = Axis(field, parse_values(field, self.row_values.text()))
        return expand(self.base, columns, rows)

    def update_preview(self) -> None:
        try:
            sweep = self.build()
        except (ValueError, RequestInvalid) as exc:
            self.summary.setText(str(exc))
            set_role(self.summary, "error")
            self.go.setEnabled(False)
            self.sweep = None
        else:
            rows, cols = sweep.shape
            self.summary.setText(f"{rows} × {cols} = {len(sweep.cells)} images, one job each.")
            set_role(self.summary, "hint")
            self.go.setEnabled(True)
            self.sweep = sweep


class _Cell(QWidget):
    def __init__(self, cell: SweepCell) -> None:
        super().__init__()
        self.cell = cell
        self.path: Path | None = None
        self.image = QLabel("Queued…")
        self.image.setObjectName("sweepCellImage")
        self.image.setFixedSize(QSize(CELL, CELL))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet("background: palette(alternate-base); border-radius: 4px;")
        self.label = QLabel(cell.label)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image)
        layout.addWidget(self.label)


class SweepGridWindow(QWidget):
    """The sweep's results as a grid labelled by axis values; exports as a contact sheet."""

    finished = Signal()

    def __init__(self, sweep: Sweep, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sweepGrid")
        self.setWindowTitle("Parameter sweep — FluxDesk")
        self.sweep = sweep
        self.queue = queue
        self.cells: list[_Cell] = []
        self._jobs: dict[int, _Cell] = {}
        self._submitting = False
        grid = QGridLayout()
        grid.setSpacing(10)
        rows, cols = sweep.shape
        for c, value in enumerate(sweep.columns.values):
            head = QLabel(f"<b>{sweep.columns.label(value)}</b>")
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, c + 1)
        if sweep.rows is not None:
            for r, value in enumerate(sweep.rows.values):
                grid.addWidget(QLabel(f"<b>{sweep.rows.label(value)}</b>"), r + 1, 0)
        for cell in sweep.cells:
            widget = _Cell(cell)
            self.cells.append(widget)
            grid.addWidget(widget, cell.row + 1, cell.column + 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setAccessibleName("Sweep results")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        self.status = QLabel()
        self.status.setObjectName("sweepStatus")
        self.export_button = QPushButton("Export contact sheet…")
        self.export_button.setObjectName("sweepExport")
        self.export_button.clicked.connect(self.export_dialog)
        # A window of its own (not a dialog): without these there was no way out but the
        # title bar's X, which a keyboard user may not reach.
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("sweepClose")
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        queue.job_done.connect(self._done)
        queue.job_failed.connect(self._failed)
        queue.job_cancelled.connect(self._failed)
        self.resize(min(1400, 120 + cols * (CELL + 14)), min(900, 120 + rows * (CELL + 40)))

    def submit(self) -> list[Job]:
        from fluxdesk.core.sweep import new_stack_id

        jobs = []
        self._submitting = True
        stack = new_stack_id()  # the sweep's images: one stack in the Library
        for widget in self.cells:
            job = self.queue.submit(widget.cell.request, label=f"Sweep {widget.cell.label}", stack=stack)
            self._jobs[job.id] = widget
            jobs.append(job)
            if job.state.finished:  # an inline runner finished it inside submit()
                (self._done if job.state is JobState.DONE else self._failed)(job)
        self._submitting = False
        self._update_status()
        return jobs

    def _done(self, job: Job) -> None:
        widget = self._jobs.pop(job.id, None)
        if widget is None or job.output is None or not job.output.images:
            return
        decoded = job.output.images[0]
        widget.path = decoded.saved.path
        pixmap = QPixmap.fromImage(decoded.thumb).scaled(
            QSize(CELL, CELL), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        widget.image.setPixmap(pixmap)
        widget.label.setText(f"{widget.cell.label}\nseed {job.output.result.seed}")
        self._update_status()

    def _failed(self, job: Job) -> None:
        widget = self._jobs.pop(job.id, None)
        if widget is not None:
            widget.image.setText("Failed" if job.error else "Cancelled")
            widget.image.setToolTip(str(job.error or ""))
            self._update_status()

    def _update_status(self) -> None:
        done = sum(1 for c in self.cells if c.path is not None)
        left = len(self._jobs)
        self.status.setText(f"{done} of {len(self.cells)} done" + (f", {left} to go" if left else ""))
        self.export_button.setEnabled(done > 0)
        if not left and not self._submitting:
            self.finished.emit()

    def entries(self) -> list[cs.SheetEntry]:
        return [
            cs.SheetEntry(image=c.path or Path(""), prompt=c.cell.label, details=(c.cell.request.prompt,))
            for c in self.cells
        ]

    def export(self, path: Path) -> int:
        title = f"Sweep · {self.sweep.cells[0].request.prompt[:60]}"
        return cs.export_sheet(self.entries(), path, title=title, columns=self.sweep.shape[1])

    def export_dialog(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Export sweep", str(Path.home() / "sweep.pdf"), "PDF (*.pdf);;PNG (*.png)"
        )
        if not target:
            return
        try:
            pages = self.export(Path(target))
        except FluxDeskError as exc:
            self.status.setText(str(exc))
        else:
            self.status.setText(f"Saved {target} ({pages} page{'s' if pages != 1 else ''}).")


def run_sweep(parent: QWidget, base: GenerationRequest | None, queue: JobQueue) -> SweepGridWindow | None:
    """The menu action: ask for the axes, then submit the cells and show the grid."""
    if base is None:
        return None
    dialog = SweepDialog(base, parent)
    if not dialog.exec() or dialog.sweep is None:
        return None
    window = SweepGridWindow(dialog.sweep, queue, parent)
    window.submit()
    window.show()
    return window
