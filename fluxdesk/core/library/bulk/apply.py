"""A review change (favourite, rating, tags, project) on many images, and its undo.

Image by image, in batches: the batch is journalled (see ``journal``), each image's file
is rewritten atomically, then one transaction updates the batch's rows and drops the
journal entry. Stopped by its cancel token, the action finishes the batch's index update
for the images already written, so what it reports is what is on disk. An image that
cannot be changed (its file unreadable or damaged, gone meanwhile) is named in
``failed`` and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library.bulk import journal
from fluxdesk.core.library.bulk.files import UPDATE_REVIEW_SQL, editable_record, row_update, write_record
from fluxdesk.core.library.bulk.review import Review, ReviewChange
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord

if TYPE_CHECKING:
    from fluxdesk.core.library.store import Library

BATCH = 50  # images per journal entry and per index transaction


@dataclass
class Progress:
    """How far a bulk action is: images done of all, and the records this batch changed
    (as the index now has them: a window updates those rows)."""

    done: int
    total: int
    changed: list[ImageRecord] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)  # ids (a delete)


@dataclass
class BulkResult:
    """What a bulk review change did: the records it changed (after), what each had
    before (for one Undo of the whole action), what it could not change and why."""

    total: int
    changed: list[ImageRecord] = field(default_factory=list)
    before: dict[int, Review] = field(default_factory=dict)
    unchanged: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # id, one-line reason
    cancelled: bool = False

    @property
    def done(self) -> int:
        return len(self.changed) + self.unchanged + len(self.failed)


Target = Callable[[int, ImageRecord], Review]  # the review image id, as its file has it, gets
ReportProgress = Callable[[Progress], None]


def set_review(
    library: Library,
    ids: Iterable[int],
    change: ReviewChange,
    *,
    cancel: CancelToken | None = None,
    progress: ReportProgress | None = None,
) -> BulkResult:
    """Apply ``change`` to the images ``ids`` (in that order)."""
    return _run(
        library, list(dict.fromkeys(ids)), lambda _id, r: change.target(Review.of(r)), cancel, progress
    )


def restore_reviews(
    library: Library,
    before: Mapping[int, Review],
    *,
    cancel: CancelToken | None = None,
    progress: ReportProgress | None = None,
) -> BulkResult:
    """Put back what a :func:`set_review` changed (its ``before``): the Undo."""
    return _run(library, list(before), lambda item_id, _r: before[item_id], cancel, progress)


def existing_ids(library: Library, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the index has."""
    wanted = list(dict.fromkeys(ids))
    found: set[int] = set()
    with library.sql():
        conn = library.connection()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0] for row in conn.execute(f"SELECT id FROM images WHERE id IN ({marks})", chunk)
            )
    return found


def matching_ids(library: Library, flt: ItemFilter) -> list[int]:
    """Every image the filter ``flt`` matches, as the gallery lists them (newest first):
    what "Select all" stands for, loaded into the window or not."""
    from fluxdesk.core.library.paging import ORDER

    rows = library._query("SELECT id FROM images", f"ORDER BY {ORDER}", [], flt)
    return [int(row[0]) for row in rows]


def _run(
    library: Library,
    ids: list[int],
    target: Target,
    cancel: CancelToken | None,
    progress: ReportProgress | None,
) -> BulkResult:
    result = BulkResult(total=len(ids))
    for batch, items, key in journalled_batches(library, ids, result, cancel):
        changed = _run_batch(library, batch, items, key, target, cancel, result)
        if progress is not None:
            progress(Progress(result.done, result.total, changed))
    return result


class Tally(Protocol):
    """What :func:`journalled_batches` keeps up to date on a bulk action's result."""

    total: int
    failed: list[tuple[int, str]]
    cancelled: bool

    @property
    def done(self) -> int: ...


def journalled_batches(
    library: Library, ids: list[int], result: Tally, cancel: CancelToken | None
) -> Iterator[tuple[list[int], dict[int, ImageRecord], str]]:
    """The ids in batches of BATCH, each with the records the index has (a missing id is
    named in ``result.failed``) and the key of the batch's journal entry, which the caller
    ends in the transaction that brings the batch's rows up to date. Stops, marking
    ``result.cancelled``, when ``cancel`` is set before a batch or stopped one half way."""
    for start in range(0, len(ids), BATCH):
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            return
        batch = ids[start : start + BATCH]
        items = library.get_many(batch)
        result.failed += [
            (i, f"No image with id {i} in the library (any more).") for i in batch if i not in items
        ]
        yield (
            batch,
            items,
            journal.begin(library, [library.relative(items[i].path) for i in batch if i in items]),
        )
        if cancel is not None and cancel.cancelled and result.done < result.total:
            result.cancelled = True
            return


def _run_batch(
    library: Library,
    batch: list[int],
    items: dict[int, ImageRecord],
    key: str,
    target: Target,
    cancel: CancelToken | None,
    result: BulkResult,
) -> list[ImageRecord]:
    updates: list[dict[str, object]] = []
    changed: list[ImageRecord] = []
    try:
        for item_id in batch:
            item = items.get(item_id)
            if item is None:
                continue
            if cancel is not None and cancel.cancelled:
                break
            try:
                current, imported = editable_record(item)
                before = Review.of(current)
                wanted = target(item_id, current)
                if wanted == before and Review.of(item) == before:
                    result.unchanged += 1
                    continue
                updated = wanted.applied_to(current)
                stat = write_record(item, updated, imported)
            except (LibraryError, ValueError) as exc:
                result.failed.append((item_id, str(exc)))
                continue
            updates.append(row_update(item_id, updated, stat))
            result.before[item_id] = before
            changed.append(
                replace(
                    item,
                    favourite=updated.favourite,
                    rating=updated.rating,
                    tags=updated.tags,
                    project=updated.project,
                    file_size=stat.st_size,
                )
            )
    finally:
        # Also when stopped by an error or a cancel: the rows of the files written so
        # far are brought up to date, and only then is the journal entry dropped.
        with library.write() as conn:
            conn.executemany(UPDATE_REVIEW_SQL, updates)
            journal.end(conn, key)
    result.changed.extend(changed)
    return changed
