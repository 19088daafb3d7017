"""What the Library does with the selected images: view, show in folder, copy, export,
reuse their settings, compare, contact sheets, delete to the trash and undo.

``GalleryActions`` works on its ``GalleryWidget``'s selection and reports through the
gallery's message bar and signals; slow work runs on the gallery's I/O pool.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog

from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library import contact_sheet as cs
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.params import random_seed
from fluxdesk.core.request import GenerationRequest
from fluxdesk.ui.library.compare import CompareDialog
from fluxdesk.ui.messages import Severity, UserMessage
from fluxdesk.ui.tasks import run_task
from fluxdesk.ui.widgets.image_viewer import ViewerWindow

if TYPE_CHECKING:
    from fluxdesk.core.interop.export import ExportReport
    from fluxdesk.ui.library.export_dialog import ExportDialog
    from fluxdesk.ui.library.gallery import GalleryWidget
    from fluxdesk.ui.presets.dialog import SavePresetDialog


# Export and contact sheets read the records of all they take on the GUI thread (names,
# captions, the dialog's preview): after Select all, at most this many (~1 s to read).
EXPORT_MOST = 10_000


class GalleryActions:
    """The gallery's actions on its selected images (``GalleryWidget.item_actions``)."""

    def __init__(self, gallery: GalleryWidget) -> None:
        self.gallery = gallery
        self.viewer: ViewerWindow | None = None
        self.compare_dialog: CompareDialog | None = None

    def open_in_viewer(self) -> ViewerWindow | None:
        item = self.gallery.current_item()
        if item is None:
            return None
        image = QImage(str(item.path))
        if image.isNull():
            self.gallery.show_error(
                f"{item.path.name} cannot be shown: the file is missing or damaged. Rescan the library."
            )
            return None
        if self.viewer is None:
            self.viewer = ViewerWindow()
            self.viewer.setWindowIcon(self.gallery.window().windowIcon())
        self.viewer.show_image(image, item.path.name, item.path)
        self.viewer.show()
        self.viewer.raise_()
        self.viewer.activateWindow()
        return self.viewer

    def reveal(self) -> None:
        item = self.gallery.current_item()
        if item is not None:
            from fluxdesk.ui.reveal import show_in_folder

            show_in_folder(item.path, self.gallery)

    def copy_image(self) -> None:
        items = self.gallery.selected_items()
        if not items:
            return
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(i.path)) for i in items])
        image = QImage(str(items[0].path))
        if not image.isNull():
            mime.setImageData(image)
        QGuiApplication.clipboard().setMimeData(mime)

    def _selection_records(self, what: str) -> list[ImageRecord]:
        """Every image the selection stands for (after Select all: those not loaded yet
        too), or [] with the reason shown."""
        try:
            items = self.gallery.bulk.scope.records(EXPORT_MOST)
        except LibraryError as exc:
            self.gallery.show_error(str(exc))
            return []
        if items is None:
            self.gallery.show_note(
                what,
                f"{what} takes at most {EXPORT_MOST:,} images at a time, and "
                f"{self.gallery.model.total:,} are selected: narrow the search or filters first.",
                Severity.WARNING,
            )
            return []
        return items

    def export_copy_dialog(self) -> ExportDialog | None:
        """The Export dialog for the selection (names, clean copies, sidecars, .zip)."""
        from fluxdesk.ui.library.export_dialog import ExportDialog

        items = self._selection_records("Export")
        if not items:
            return None
        start = self.gallery.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        dialog = ExportDialog(items, self.gallery.io_pool, start, self.gallery)
        dialog.exported.connect(self._exported)
        dialog.open()
        return dialog

    def _exported(self, report: ExportReport) -> None:
        folder = report.dest.parent if report.dest.suffix.lower() == ".zip" else report.dest
        self.gallery.ctx.settings.ui_state["save_dir"] = str(folder)
        self.gallery.show_note(
            "Exported", f"{len(report.files)} image(s) exported to {report.dest}.", Severity.INFO
        )

    def export_copies(self, items: list[ImageRecord], target: Path) -> list[Path]:
        """Copy files (metadata included) to ``target`` (a file for one, else a folder)."""
        written = []
        try:
            for item in items:
                dest = target / item.path.name if target.is_dir() else target
                shutil.copy2(item.path, dest)
                written.append(dest)
        except OSError as exc:
            self.gallery.show_error(f"Cannot export {item.path.name}: {exc.strerror or exc}.")
            return written
        self.gallery.ctx.settings.ui_state["save_dir"] = str(written[0].parent)
        self.gallery.show_note(
            "Exported", f"{len(written)} file(s) copied to {written[0].parent}.", Severity.INFO
        )
        return written

    def use_settings(self, *, with_seed: bool) -> GenerationRequest | None:
        item = self.gallery.current_item()
        if item is None:
            return None
        try:
            request = item.to_request(with_seed=with_seed)
        except ValueError as exc:
            self.gallery.show_error(f"These settings cannot be reused: {exc}")
            return None
        text = (
            f"Settings restored (seed {item.seed} locked)" if with_seed else "Settings restored (random seed)"
        )
        self.gallery.use_request.emit(request, text)
        return request

    def vary_seed(self) -> GenerationRequest | None:
        item = self.gallery.current_item()
        if item is None:
            return None
        try:
            base = item.to_request(with_seed=False)
        except ValueError as exc:
            self.gallery.show_error(f"These settings cannot be reused: {exc}")
            return None
        seed = random_seed()
        while seed == item.seed:
            seed = random_seed()
        request = replace(base, seed=seed)
        self.gallery.use_request.emit(request, f"Same settings, new seed {seed}: press Generate")
        return request

    def save_as_preset(self) -> SavePresetDialog | None:
        from fluxdesk.ui.presets.from_library import save_item_as_preset

        return save_item_as_preset(self.gallery, self.gallery.current_item())

    # --- compare, contact sheet ---------------------------------------------------------
    def compare_selected(self) -> CompareDialog | None:
        items = self.gallery.selected_items()
        if len(items) != 2:
            self.gallery.show_note("Compare", "Select exactly two images to compare.", Severity.INFO)
            return None
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.compare_dialog = CompareDialog(items[0], items[1], self.gallery)
        self.compare_dialog.show()
        return self.compare_dialog

    def export_sheet_dialog(self) -> None:
        items = self._selection_records("A contact sheet")
        if not items:
            return
        start = self.gallery.ctx.settings.ui_state.get("save_dir") or str(Path.home())
        target, chosen = QFileDialog.getSaveFileName(
            self.gallery,
            "Export contact sheet",
            str(Path(start) / "contact-sheet.pdf"),
            "PDF document (*.pdf);;PNG image (*.png)",
        )
        if target:
            path = Path(target)
            if path.suffix.lower() not in cs.FORMATS:
                path = path.with_suffix(".png" if "PNG" in chosen else ".pdf")
            self.export_contact_sheet(items, path)

    def export_contact_sheet(self, items: list[ImageRecord], path: Path, title: str = "") -> None:
        entries = [cs.entry_for_item(i) for i in items]
        plural = "s" if len(items) != 1 else ""
        title = title or f"FluxDesk review · {len(items)} image{plural} · {date.today():%Y-%m-%d}"
        self.gallery.set_count_text("Rendering contact sheet…")

        def done(pages: int) -> None:
            self.gallery.update_count()
            self.gallery.ctx.settings.ui_state["save_dir"] = str(path.parent)
            self.gallery.message_bar.show_message(
                UserMessage(
                    "Contact sheet saved", f"{path} ({pages} page{'s' if pages != 1 else ''}).", Severity.INFO
                ),
                lambda: self._open_url(path),
                primary_label="Open",
            )
            self.gallery.sheet_exported.emit(path, pages)

        run_task(
            self.gallery.io_pool,
            lambda: cs.export_sheet(entries, path, title=title),
            done,
            self.gallery.on_worker_error,
            receiver=self.gallery,
        )

    @staticmethod
    def _open_url(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- delete --------------------------------------------------------------------------
    def delete_selected(self) -> None:
        """Delete the selection to the trash, with one Undo (a bulk action: see
        ``ui/library/bulk``; the gallery's ``deleted`` signal says when it is done)."""
        self.gallery.bulk.delete()
