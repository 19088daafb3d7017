"""The Library's Export dialog: the selected images to a folder or a .zip, named by a
template, as plain or clean copies, with sidecars; a live preview of the first names and
of exactly what metadata each copy carries; progress and Cancel while it runs.

The work is ``core/interop/export.py`` (the same as ``fluxdesk library export``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.interop.export import (
    DEFAULT_TEMPLATE,
    FIELDS,
    ExportOptions,
    TemplateError,
    check_template,
    plan,
)
from fluxdesk.ui.tasks import run_reporting_task

PREVIEW_NAMES = 3
SIDECAR_CHOICES = (("No sidecar", None), ("One .json per image", "json"), ("One index.csv", "csv"))


def carried_metadata(options: ExportOptions) -> str:
    """What each copy will carry, in words (the dialog's preview)."""
    if not options.clean:
        text = (
            "Everything: prompt, seed and parameters (XMP, A1111 parameters, FluxDesk's block), "
            "your rating, notes and tags."
        )
    elif options.ai_label:
        text = (
            "Only the AI label (XMP DigitalSourceType = trainedAlgorithmicMedia): no prompt, seed, "
            "parameters, notes or tags. Pixels unchanged."
        )
    else:
        text = "No metadata at all: no prompt, seed, parameters, notes, tags or AI label. Pixels unchanged."
    if options.sidecar == "json":
        text += " Beside each image: a .json with the full record."
    elif options.sidecar == "csv":
        text += " Plus index.csv listing prompt, seed and parameters of every image."
    return text


class ExportDialog(QDialog):
    """Export ``items`` (library items); ``exported(report)`` when done."""

    exported = Signal(object)

    def __init__(self, items: list[Any], pool: Any, start_dir: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = items
        self.pool = pool
        self.cancel_token: CancelToken | None = None
        self.setWindowTitle(f"Export {len(items)} image{'s' if len(items) != 1 else ''}")
        self.dest = QLineEdit(str(Path(start_dir) / "FluxDesk export"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest, 1)
        dest_row.addWidget(browse)
        self.as_zip = QCheckBox("One .zip file")
        self.template = QLineEdit(DEFAULT_TEMPLATE)
        self.template.setToolTip("Fields: " + " ".join(f"{{{f}}}" for f in FIELDS) + "; {prompt:30} shortens")
        self.clean = QCheckBox("Clean copies (strip prompt, parameters, notes and tags; no re-encoding)")
        self.ai_label = QCheckBox("Keep the AI label")
        self.ai_label.setChecked(True)
        self.sidecar = QComboBox()
        for label, _value in SIDECAR_CHOICES:
            self.sidecar.addItem(label)
        self.names_preview = QLabel()
        self.metadata_preview = QLabel()
        self.metadata_preview.setWordWrap(True)
        self.problem = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, len(items))
        self.progress.hide()
        form = QFormLayout()
        form.addRow("Destination", dest_row)
        form.addRow("", self.as_zip)
        form.addRow("File names", self.template)
        form.addRow("First names", self.names_preview)
        form.addRow("", self.clean)
        form.addRow("", self.ai_label)
        form.addRow("Sidecar", self.sidecar)
        form.addRow("Each copy carries", self.metadata_preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel_or_close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        for signal in (self.template.textChanged, self.dest.textChanged):
            signal.connect(self.refresh)
        for box in (self.clean, self.ai_label, self.as_zip):
            box.toggled.connect(self.refresh)
        self.sidecar.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def options(self) -> ExportOptions:
        return ExportOptions(
            template=self.template.text(),
            clean=self.clean.isChecked(),
            ai_label=self.ai_label.isChecked(),
            sidecar=SIDECAR_CHOICES[self.sidecar.currentIndex()][1],
        )

    def destination(self) -> Path:
        path = Path(self.dest.text().strip() or ".")
        if self.as_zip.isChecked() and path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        return path

    def refresh(self) -> None:
        options = self.options()
        self.ai_label.setEnabled(options.clean)
        problem = ""
        try:
            check_template(options.template)
        except TemplateError as exc:
            problem = str(exc).replace("--template", "File names")
        if problem:
            self.names_preview.setText("")
        else:
            names = plan(self.items[:PREVIEW_NAMES], options)
            more = len(self.items) - len(names)
            self.names_preview.setText("\n".join(names) + (f"\n… and {more} more" if more > 0 else ""))
        self.metadata_preview.setText(carried_metadata(options))
        self.problem.setText(problem)
        self.export_button.setEnabled(not problem and self.cancel_token is None)

    def _browse(self) -> None:
        if self.as_zip.isChecked():
            path, _ = QFileDialog.getSaveFileName(self, "Export to a .zip", self.dest.text(), "Zip (*.zip)")
        else:
            path = QFileDialog.getExistingDirectory(self, "Export to a folder", self.dest.text())
        if path:
            self.dest.setText(path)

    def start(self) -> None:
        """Run the export off the GUI thread; progress shows for more than a few images."""
        from fluxdesk.core.interop.export import export

        if self.cancel_token is not None:
            return
        options, dest, as_zip = self.options(), self.destination(), self.as_zip.isChecked()
        token = self.cancel_token = CancelToken()
        self.progress.setValue(0)
        self.progress.setVisible(len(self.items) > 3)
        self.export_button.setEnabled(False)
        for widget in (self.dest, self.template, self.clean, self.ai_label, self.sidecar, self.as_zip):
            widget.setEnabled(False)
        items = list(self.items)

        def work(report: Any) -> Any:
            return export(
                items, dest, options, as_zip=as_zip, cancel=token, on_progress=lambda d, _t: report(d)
            )

        run_reporting_task(self.pool, work, self.progress.setValue, self._done, self._failed, receiver=self)

    def cancel_or_close(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()
        else:
            self.reject()

    def _done(self, report: Any) -> None:
        self.cancel_token = None
        self.exported.emit(report)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from fluxdesk.core.errors import CancelledError

        self.cancel_token = None
        for widget in (self.dest, self.template, self.clean, self.sidecar, self.as_zip):
            widget.setEnabled(True)
        self.progress.hide()
        self.refresh()  # (clears the problem line: the outcome goes in after it)
        self.problem.setText(
            "Export cancelled: nothing was kept." if isinstance(exc, CancelledError) else str(exc)
        )
