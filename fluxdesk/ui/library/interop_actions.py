"""The Library's actions for files that travel (issue 16): "Import images…" and the
one-time offer to add the standard metadata to older FluxDesk files.

The work runs on the gallery's I/O pool through ``core/interop`` (the same code as
``fluxdesk library import`` and ``library upgrade-metadata``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from fluxdesk.ui.messages import Severity, UserMessage
from fluxdesk.ui.tasks import run_task

if TYPE_CHECKING:
    from fluxdesk.ui.library.gallery import GalleryWidget

# Set in the settings' ui_state once the upgrade has been offered (never asked twice).
UPGRADE_OFFERED = "metadata_upgrade_offered"
# How many of the oldest images the offer's check looks at (header reads only).
UPGRADE_SAMPLE = 50


class InteropActions:
    """Import images into the library; offer the metadata upgrade once."""

    def __init__(self, gallery: GalleryWidget) -> None:
        self.gallery = gallery

    def import_dialog(self) -> None:
        start = self.gallery.ctx.settings.ui_state.get("import_dir") or str(Path.home())
        names, _ = QFileDialog.getOpenFileNames(
            self.gallery, "Import images", start, "Images (*.png *.jpg *.jpeg);;All files (*)"
        )
        if names:
            self.gallery.ctx.settings.ui_state["import_dir"] = str(Path(names[0]).parent)
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> None:
        """Copy ``paths`` into the library byte for byte (off the GUI thread) and say what
        happened; the gallery shows the new images."""
        from fluxdesk.core.interop.importing import import_paths

        library = self.gallery.library
        if library is None:
            return
        self.gallery.set_count_text("Importing…")
        run_task(
            self.gallery.io_pool,
            lambda: import_paths(library, paths),
            self._imported,
            self.gallery.on_worker_error,
            receiver=self.gallery,
        )

    def _imported(self, report: Any) -> None:
        if report.added:
            self.gallery.refresh()
        self.gallery.update_count()
        added = len(report.added)
        text = f"{added} image{'s' if added != 1 else ''} added to the library (copied byte for byte)."
        if report.duplicates:
            text += f" {len(report.duplicates)} already there."
        if report.skipped:
            first = report.skipped[0]
            text += f" {len(report.skipped)} skipped, e.g. {first}."
        self.gallery.show_note("Import finished", text, Severity.INFO if added else Severity.WARNING)
        self.gallery.imported.emit(report)

    # ------------------------------------------------------------------- upgrade offer

    def offer_upgrade_once(self) -> None:
        """After the library opens: if older FluxDesk files lack the standard metadata
        and the offer was never made, offer to add it (one message, one button)."""
        state = self.gallery.ctx.settings.ui_state
        library = self.gallery.library
        if library is None or state.get(UPGRADE_OFFERED):
            return
        run_task(self.gallery.io_pool, lambda: _older_files_exist(library), self._offer, lambda _e: None)

    def _offer(self, older: bool) -> None:
        if not older:
            return
        self.gallery.ctx.settings.ui_state[UPGRADE_OFFERED] = "1"
        self.gallery.message_bar.show_message(
            UserMessage(
                "Older images lack standard metadata",
                "Images saved by earlier FluxDesk versions carry their settings only for FluxDesk. "
                "Add the XMP and A1111 blocks other tools read? Pixels are not touched.",
                Severity.INFO,
            ),
            self.upgrade,
            primary_label="Add metadata",
        )

    def upgrade(self) -> None:
        from fluxdesk.core.interop.upgrade import upgrade_library

        library = self.gallery.library
        if library is None:
            return
        self.gallery.set_count_text("Adding standard metadata…")
        run_task(
            self.gallery.io_pool,
            lambda: upgrade_library(library),
            self._upgraded,
            self.gallery.on_worker_error,
            receiver=self.gallery,
        )

    def _upgraded(self, report: Any) -> None:
        self.gallery.refresh()
        self.gallery.update_count()
        text = f"{report.upgraded} file(s) now carry XMP and A1111 metadata."
        if report.problems:
            text += f" {len(report.problems)} could not be changed, e.g. {report.problems[0]}."
        self.gallery.show_note(
            "Metadata added", text, Severity.INFO if not report.problems else Severity.WARNING
        )


def _older_files_exist(library: Any) -> bool:
    from fluxdesk.core.interop.upgrade import lacks_standard_blocks

    # The oldest (the list is newest first), read alone: building every record of a
    # 100,000-image library for 50 of them took 250 MB and seconds of the GIL at start-up.
    items = library.items(limit=UPGRADE_SAMPLE, offset=max(0, library.count() - UPGRADE_SAMPLE))
    return any(lacks_standard_blocks(Path(item.path)) for item in items)
