"""Runs a core bulk action (``core/library/bulk``) for the gallery: on its one writer
thread (``io_pool``), with the progress strip and Cancel, the loaded rows updated batch
by batch (a batch's rows at once, never a reload of the grid), and at the end one
message with one Undo for the whole action.

While an action runs the gallery stops following the index (``IndexWatcher``): the
worker's own commits would otherwise make it reload the grid every second.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.library.bulk.apply import BulkResult, Progress, restore_reviews, set_review
from fluxdesk.core.library.bulk.delete import DeleteResult, restore_images, trash_images
from fluxdesk.core.library.bulk.review import Review, ReviewChange
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.ui.library import trash
from fluxdesk.ui.library.bulk.progress import BulkProgress
from fluxdesk.ui.library.bulk.selection import IdSource
from fluxdesk.ui.messages import Severity, UserMessage
from fluxdesk.ui.tasks import run_reporting_task

if TYPE_CHECKING:
    from fluxdesk.core.library.store import Library
    from fluxdesk.ui.library.gallery import GalleryWidget

# Up to this many deleted rows leave the grid one by one (it keeps its scroll position);
# more, and the grid reloads its first page: removing thousands of rows one at a time
# relayouts the grid thousands of times.
REMOVE_ROWS_MAX = 200
# Up to this many images a review change runs at once on the GUI thread (~10 ms an
# image: a file rewritten and synced); more go to the worker with progress and Cancel.
NOW_MAX = 4


def plural(count: int, noun: str = "image") -> str:
    return f"{count:,} {noun}{'s' if count != 1 else ''}"


class BulkRunner(QObject):
    finished = Signal(object)  # BulkResult or DeleteResult of an action (or undo) that ended

    def __init__(self, gallery: GalleryWidget, strip: BulkProgress) -> None:
        super().__init__(gallery)
        self.gallery = gallery
        self.strip = strip
        self.token: CancelToken | None = None
        strip.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self.token is not None

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()

    # --- review changes -----------------------------------------------------------------
    def change(self, change: ReviewChange, source: IdSource, total: int, verb: str, done_verb: str) -> bool:
        """Apply ``change`` to the ids ``source()`` gives (in the worker); ``verb`` says
        what happens ("Rating"), ``done_verb`` what happened ("Rated"). False when
        another action still runs."""
        library = self.gallery.library
        if total <= NOW_MAX and library is not None and self.token is None:
            return self._change_now(library, change, source(), done_verb)
        token = self._begin(verb, total)
        if token is None or library is None:
            return False

        def work(report: Callable[[Any], None]) -> BulkResult:
            return set_review(library, source(), change, cancel=token, progress=report)

        self._run(work, lambda result: self._changed(result, done_verb))
        return True

    def _change_now(self, library: Library, change: ReviewChange, ids: list[int], done_verb: str) -> bool:
        """A few images (a stack of four, say) change at once, on the GUI thread, as a key
        press on one image does: their stars show before the next key press."""
        self.gallery.message_bar.dismiss()
        try:
            result = set_review(library, ids, change)
        except FluxDeskError as exc:
            self.gallery.refresh()
            self.gallery.show_error(str(exc))
            return False
        self._progress(Progress(result.done, result.total, result.changed))
        self._changed(result, done_verb)
        return True

    def undo_change(self, before: dict[int, Review]) -> None:
        library = self.gallery.library
        token = self._begin("Undoing:", len(before))
        if token is None or library is None:
            return

        def work(report: Callable[[Any], None]) -> BulkResult:
            return restore_reviews(library, before, cancel=token, progress=report)

        self._run(work, self._change_undone)

    def _changed(self, result: BulkResult, done_verb: str) -> None:
        self._end()
        n = len(result.changed)
        parts = []
        if result.cancelled:
            parts.append(f"Stopped after {result.done:,} of {result.total:,}.")
        if result.unchanged:
            parts.append(f"{plural(result.unchanged)} had it already.")
        parts += self._failures(result.failed, "changed")
        message = UserMessage(
            f"{done_verb} {plural(n)}",
            " ".join(parts) or "Saved in the files and the index.",
            Severity.WARNING if result.failed else Severity.INFO,
        )
        if result.before:
            before = dict(result.before)
            self.gallery.message_bar.show_message(
                message, lambda: self.undo_change(before), primary_label="Undo"
            )
        else:
            self.gallery.message_bar.show_message(message)
        self.finished.emit(result)

    def _change_undone(self, result: BulkResult) -> None:
        self._end()
        parts = self._failures(result.failed, "restored")
        if result.cancelled:
            parts.insert(0, f"Stopped after {result.done:,} of {result.total:,}.")
        self.gallery.message_bar.show_message(
            UserMessage(
                f"Undone: {plural(len(result.changed))} as before",
                " ".join(parts) or "Saved in the files and the index.",
                Severity.WARNING if result.failed or result.cancelled else Severity.INFO,
            )
        )
        self.gallery.restored.emit()
        self.finished.emit(result)

    # --- delete -------------------------------------------------------------------------
    def delete(self, source: IdSource, total: int) -> bool:
        """Move the images to the trash (the desktop's, else the library's own)."""
        library = self.gallery.library
        token = self._begin("Deleting", total)
        if token is None or library is None:
            return False
        root = library.root

        def work(report: Callable[[Any], None]) -> DeleteResult[trash.Trashed]:
            return trash_images(
                library, source(), lambda path: trash.move_to_trash(path, root), cancel=token, progress=report
            )

        self._run(work, self._deleted)
        return True

    def _deleted(self, result: DeleteResult[trash.Trashed]) -> None:
        self._end()
        gallery = self.gallery
        ids = {item.id for item, _entry in result.removed}
        for item_id in ids:
            gallery.loader.forget(item_id)
        loaded = all(gallery.model.row_of(i) >= 0 for i in ids)
        if loaded and len(ids) <= REMOVE_ROWS_MAX:
            gallery.model.remove_ids(ids)
        elif ids:
            gallery.model.refresh()
            gallery.grid.verticalScrollBar().setValue(0)
        gallery.update_count()
        entries = result.entries
        where = "the trash" if all(e.system for e in entries) else "FluxDesk's trash (library/.trash)"
        parts = [f"Moved to {where}."]
        if result.cancelled:
            parts.insert(0, f"Stopped after {result.done:,} of {result.total:,}.")
        parts += self._failures(result.failed, "deleted")
        message = UserMessage(
            f"Deleted {plural(len(ids))}",
            " ".join(parts),
            Severity.WARNING if result.failed else Severity.INFO,
        )
        pairs = [(entry.original, entry) for entry in entries]
        if pairs:
            gallery.message_bar.show_message(message, lambda: self.undo_delete(pairs), primary_label="Undo")
        else:
            gallery.message_bar.show_message(message)
        gallery.deleted.emit(entries)
        self.finished.emit(result)

    def undo_delete(self, pairs: list[tuple[Path, trash.Trashed]]) -> None:
        library = self.gallery.library
        token = self._begin("Restoring", len(pairs))
        if token is None or library is None:
            return

        def work(report: Callable[[Any], None]) -> tuple[list[ImageRecord], list[tuple[Path, str]]]:
            return restore_images(library, pairs, trash.restore, progress=report)

        self._run(work, self._delete_undone)

    def _delete_undone(self, outcome: tuple[list[ImageRecord], list[tuple[Path, str]]]) -> None:
        self._end()
        restored, failed = outcome
        gallery = self.gallery
        gallery.message_bar.dismiss()
        gallery.refresh()
        gallery.select_ids([item.id for item in restored])
        if failed:
            path, reason = failed[0]
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            gallery.show_error(f"{path.name} could not be restored{more}: {reason}")
        gallery.restored.emit()
        self.finished.emit(outcome)

    # --- running ------------------------------------------------------------------------
    def _begin(self, verb: str, total: int) -> CancelToken | None:
        if self.token is not None:
            self.gallery.show_note(
                "Library", "Another action on many images is still running: wait for it or cancel it.",
                Severity.INFO,
            )  # fmt: skip
            return None
        if self.gallery.library is None:
            return None
        self.token = CancelToken()
        self.gallery.watcher.stop()
        self.gallery.message_bar.dismiss()  # an older Undo no longer applies as it says
        self.strip.start(verb, total)
        return self.token

    def _run(self, work: Callable[[Callable[[Any], None]], Any], done: Callable[[Any], None]) -> None:
        run_reporting_task(self.gallery.io_pool, work, self._progress, done, self._failed, receiver=self)

    def _progress(self, progress: Progress) -> None:
        self.strip.set_done(progress.done, progress.total)
        model = self.gallery.model
        for item in progress.changed:
            model.replace_item(item)

    def _failed(self, error: BaseException) -> None:
        self._end()
        self.gallery.refresh()  # the rows may be behind what was written before the error
        self.gallery.on_worker_error(error)

    def _end(self) -> None:
        self.token = None
        self.strip.finish()
        gallery = self.gallery
        gallery.watcher.mark_seen()
        if gallery.isVisible():
            gallery.watcher.start()
        gallery._selection_changed()  # the details and the enabled actions

    @staticmethod
    def _failures(failed: list[tuple[int, str]], verb: str) -> list[str]:
        if not failed:
            return []
        _item_id, reason = failed[0]
        return [f"{plural(len(failed))} could not be {verb}, e.g. {reason}"]
