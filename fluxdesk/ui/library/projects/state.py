"""The window's view of the library's projects: the names, their counts and the active
project, shared by the Library's project list and the active-project box beside the tabs.

Reading them is one GROUP BY (``projects.overview``, ~15 ms at 100,000 images), done
when the library opens, after each change made here and whenever another process (the
command line: ``fluxdesk project use``) or a worker commits to the index: its own
:class:`IndexWatcher` polls ``PRAGMA data_version`` once a second while the window lives,
on both tabs. Switching the gallery's project filter reads nothing here.

Choosing the active project or creating one is a one-row write (GUI thread); renaming and
deleting rewrite each member's file, so they run on the gallery's writer pool. Moving
images (a drop on the list, the grid's "Move to project" menu) is a bulk action
(``BulkActions.move_to_project``): progress, Cancel and one Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from fluxdesk.core.errors import FluxDeskError
from fluxdesk.core.library import projects
from fluxdesk.core.library.projects import Overview
from fluxdesk.ui.library.live_index import IndexWatcher
from fluxdesk.ui.tasks import run_task

if TYPE_CHECKING:
    from fluxdesk.core.library.record import ImageRecord
    from fluxdesk.core.library.store import Library
    from fluxdesk.ui.library.gallery import GalleryWidget


def _noun(count: int) -> str:
    return f"{count:,} image" + ("" if count == 1 else "s")


class ProjectsState(QObject):
    changed = Signal()  # the overview was read again
    done = Signal(str)  # a rename or delete finished (its status text)
    moved = Signal()  # a bulk action (a move, its undo) or one image's edit ended: counts read

    def __init__(self, gallery: GalleryWidget) -> None:
        super().__init__(gallery)
        self.gallery = gallery
        self.overview = Overview((), 0, 0, "")
        self.busy = False  # a rename, delete or move is running
        self.watcher = IndexWatcher(lambda: gallery.library, self)
        self.watcher.changed.connect(self.reload)
        gallery.library_ready.connect(self._library_ready)
        gallery.bulk.runner.finished.connect(self._bulk_finished)
        gallery.review_saved.connect(self._review_saved)  # (a bulk action of one image)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.watcher.stop)

    @property
    def library(self) -> Library | None:
        return self.gallery.library

    @property
    def ready(self) -> bool:
        return self.library is not None

    def names(self) -> list[str]:
        return [p.name for p in self.overview.projects]

    def count_of(self, key: str | None) -> int:
        """Images in project ``key`` ("": in no project; None: all)."""
        if key is None:
            return self.overview.total
        if key == "":
            return self.overview.no_project
        folded = key.casefold()
        return next((p.images for p in self.overview.projects if p.name.casefold() == folded), 0)

    def _library_ready(self) -> None:
        self.reload()
        self.watcher.start()

    def reload(self) -> None:
        library = self.library
        if library is None:
            return
        try:
            self.overview = projects.overview(library)
        except FluxDeskError as exc:
            self.gallery.show_error(str(exc))
            return
        self.watcher.mark_seen()
        self.changed.emit()

    # --- quick writes (GUI thread) ------------------------------------------------------
    def use(self, name: str) -> bool:
        """Make ``name`` ("" for none) the active project: new images go into it."""
        return self._write(lambda library: projects.use(library, name or projects.NO_PROJECT))

    def create(self, name: str) -> str | None:
        """A new project; its stored name, or None (the error is shown)."""
        made: list[str] = []
        ok = self._write(lambda library: made.append(projects.create(library, name)))
        return made[0] if ok else None

    def _write(self, write: Callable[[Library], object]) -> bool:
        library = self.library
        if library is None:
            return False
        try:
            write(library)
        except FluxDeskError as exc:
            self.gallery.show_error(str(exc))
            self.reload()  # (the box and the list show what the index holds)
            return False
        self.reload()
        return True

    # --- file rewrites (the gallery's writer pool) --------------------------------------
    def move(self, name: str, ids: list[int] | None = None) -> None:
        """Put the images ``ids`` (None: the grid's selection, all of it under Select all)
        into project ``name`` ("": into no project), as a bulk action."""
        self.gallery.bulk.move_to_project(name, ids)

    def _bulk_finished(self, _result: object) -> None:
        self.reload()
        if self.gallery.model.filter.project is not None:
            self.gallery.refresh()  # moved images leave (or join) the project shown
        self.moved.emit()

    def _review_saved(self, item: ImageRecord) -> None:
        self.reload()
        shown = self.gallery.model.filter.project
        if shown is not None and item.project.casefold() != shown.casefold():
            self.gallery.refresh()  # it left the project shown
        self.moved.emit()

    def rename(self, old: str, new: str) -> None:
        self._rewrite(
            f"Renaming “{old}”…",
            lambda library: projects.rename(library, old, new),
            lambda stored: f"“{old}” renamed to “{stored}”",
        )

    def delete(self, name: str) -> None:
        self._rewrite(
            f"Deleting “{name}”…",
            lambda library: projects.delete(library, name),
            lambda members: f"Project “{name}” deleted; its {_noun(members)} stay, in no project",
        )

    def _rewrite(self, status: str, work: Callable[[Library], object], said: Callable[[Any], str]) -> None:
        library = self.library
        if library is None:
            return
        self.busy = True
        self.gallery.set_count_text(status)

        def done(result: object) -> None:
            self._finished()
            self.done.emit(said(result))

        def failed(error: BaseException) -> None:
            self._finished()
            if isinstance(error, FluxDeskError):
                self.gallery.show_error(str(error))
            else:
                self.gallery.on_worker_error(error)
            self.done.emit("")

        run_task(self.gallery.io_pool, lambda: work(library), done, failed, receiver=self)

    def _finished(self) -> None:
        self.busy = False
        self.reload()
        self.gallery.refresh()  # the moved images leave (or join) the shown project
        self.gallery.update_count()
