"""Bulk actions on many images (issue 18): real files, real SQLite, and real processes
killed half way with SIGKILL to show index and files still agree."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bulkhelpers import build, disagreements, review_of

from fluxdesk.core import metadata as md
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.library import projects as pj
from fluxdesk.core.library.bulk import journal
from fluxdesk.core.library.bulk.apply import BATCH, Progress, restore_reviews, set_review
from fluxdesk.core.library.bulk.delete import restore_images, trash_images
from fluxdesk.core.library.bulk.review import Review, ReviewChange
from fluxdesk.core.library.store import Library
from fluxdesk.core.library.trash import move_to_own_trash

COUNT = 2 * BATCH + 10  # three batches


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = build(tmp_path / "lib", COUNT)
    yield library
    library.close()


def ids_of(library: Library) -> list[int]:
    return [item.id for item in library.items()]


def test_a_change_reaches_every_file_and_row_and_one_undo_puts_all_back(lib: Library) -> None:
    pj.create(lib, "Picks")
    ids = ids_of(lib)
    chosen = ids[: BATCH + 5]
    before = {i.id: review_of(i) for i in lib.items()}
    seen: list[Progress] = []
    change = ReviewChange(favourite=True, rating=5, add_tags=("keep",), remove_tags=("RED",), project="Picks")
    result = set_review(lib, chosen, change, progress=seen.append)
    assert not result.failed and not result.cancelled and result.unchanged == 0
    assert sorted(r.id for r in result.changed) == sorted(chosen)
    assert [p.done for p in seen] == [BATCH, BATCH + 5] and seen[-1].total == len(chosen)
    for item in lib.items():
        if item.id in chosen:
            assert review_of(item) == (True, 5, ("base", "keep"), "Picks")
        else:
            assert review_of(item) == before[item.id]
    assert disagreements(lib) == []
    # What the action reported is what the index now says.
    assert {r.id: review_of(r) for r in result.changed} == {
        i.id: review_of(i) for i in lib.items() if i.id in chosen
    }
    assert {i: review_of_review(r) for i, r in result.before.items()} == {i: before[i] for i in chosen}

    undo = restore_reviews(lib, result.before)
    assert len(undo.changed) == len(chosen) and not undo.failed
    assert {i.id: review_of(i) for i in lib.items()} == before
    assert disagreements(lib) == []
    assert journal.pending(lib) == []


def review_of_review(review: Review) -> tuple[bool, int, tuple[str, ...], str]:
    return (review.favourite, review.rating, review.tags, review.project)


def test_images_that_already_have_the_change_are_left_alone(lib: Library) -> None:
    ids = ids_of(lib)
    first = lib.get(ids[0])
    assert first is not None
    mtime = first.path.stat().st_mtime_ns
    result = set_review(lib, ids[:3], ReviewChange(add_tags=("base",)))
    assert result.unchanged == 3 and result.changed == [] and result.before == {}
    assert first.path.stat().st_mtime_ns == mtime  # not even rewritten


def test_cancel_half_way_stops_with_every_image_changed_or_untouched(lib: Library) -> None:
    ids = ids_of(lib)
    token = CancelToken()

    def progress(p: Progress) -> None:
        token.cancel()  # after the first batch

    result = set_review(lib, ids, ReviewChange(rating=4), cancel=token, progress=progress)
    assert result.cancelled and len(result.changed) == BATCH
    by_id = {i.id: i for i in lib.items()}
    assert [by_id[i].rating for i in ids[:BATCH]] == [4] * BATCH
    assert [by_id[i].rating for i in ids[BATCH:]] == [n % 3 for n in range(BATCH, len(ids))]
    assert disagreements(lib) == []
    restore_reviews(lib, result.before)  # the Undo of what was done before the cancel
    assert [lib.get(i).rating for i in ids] == [n % 3 for n in range(len(ids))]  # type: ignore[union-attr]


def test_a_damaged_file_is_named_and_the_others_change(lib: Library) -> None:
    ids = ids_of(lib)
    broken = lib.get(ids[1])
    assert broken is not None
    broken.path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage")
    result = set_review(lib, ids[:4], ReviewChange(favourite=True))
    assert [i for i, _ in result.failed] == [ids[1]] and "damaged" in result.failed[0][1]
    assert sorted(r.id for r in result.changed) == sorted([ids[0], ids[2], ids[3]])
    gone = set_review(lib, [999_999], ReviewChange(favourite=True))
    assert gone.failed[0][0] == 999_999 and "no image with id 999999" in gone.failed[0][1].lower()


def test_delete_to_the_trash_and_undo(lib: Library) -> None:
    ids = ids_of(lib)
    chosen = ids[: BATCH + 3]
    paths = {i: lib.get(i).path for i in chosen}  # type: ignore[union-attr]
    before = {i.path: review_of(i) for i in lib.items()}
    result = trash_images(lib, chosen, lambda p: move_to_own_trash(p, lib.root))
    assert len(result.removed) == len(chosen) and not result.failed
    assert set(ids_of(lib)) == set(ids) - set(chosen)
    assert not any(p.exists() for p in paths.values())
    assert len(list((lib.root / ".trash").iterdir())) == len(chosen)

    def restore(entry: Path) -> None:
        original = next(p for p in paths.values() if entry.name.endswith("_" + p.name))
        entry.rename(original)

    pairs = [(item.path, entry) for item, entry in result.removed if entry is not None]
    restored, failed = restore_images(lib, pairs, restore)
    assert not failed and len(restored) == len(chosen)
    assert {i.path: review_of(i) for i in lib.items()} == before
    assert disagreements(lib) == [] and journal.pending(lib) == []


def test_a_journal_left_by_a_dead_process_is_reconciled_on_open(lib: Library) -> None:
    """What a kill between a file's rewrite and its row's update leaves: the next open
    makes the row say what the file says."""
    item = lib.items()[0]
    md.rewrite_file(item.path, md.read_file(item.path).with_review(rating=5, favourite=True))  # type: ignore[union-attr]
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    key = journal.begin(lib, [lib.relative(item.path)])
    with lib.write() as conn:  # as if written by that (now dead) process
        value = json.loads(
            conn.execute("SELECT value FROM library_state WHERE key = ?", (key,)).fetchone()[0]
        )
        value["writer"] = f"{journal.writer().rpartition(':')[0]}:{dead.stdout.strip()}"
        conn.execute("UPDATE library_state SET value = ? WHERE key = ?", (json.dumps(value), key))
    assert disagreements(lib) != []
    lib.close()
    with Library(lib.root) as reopened:
        assert disagreements(reopened) == [] and journal.pending(reopened) == []
        assert review_of(reopened.get(item.id)) == (True, 5, item.tags, "")  # type: ignore[arg-type]


def test_a_journal_of_a_live_process_is_left_alone(lib: Library) -> None:
    item = lib.items()[0]
    journal.begin(lib, [lib.relative(item.path)])  # this process: alive
    assert journal.reconcile(lib) == 0 and len(journal.pending(lib)) == 1


CHILD = """
import os, sys, time
from pathlib import Path
from fluxdesk.core.library.store import Library
from fluxdesk.core.library.bulk.apply import restore_reviews
from fluxdesk.core.library.bulk.delete import trash_images
from fluxdesk.core.library.bulk.review import Review
from fluxdesk.core.library.trash import move_to_own_trash

root, action, stop_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
library = Library(root)
ids = [item.id for item in library.items()]
seen = []

def halt() -> None:
    # Far enough into a batch that some files are written and their rows are not.
    print("halfway", flush=True)
    time.sleep(600)

class Targets(dict):
    def __getitem__(self, key):
        seen.append(key)
        if len(seen) == stop_at:
            halt()
        return super().__getitem__(key)

if action == "rate":
    restore_reviews(library, Targets((i, Review(True, 5, ("killed",), "")) for i in ids))
else:
    def to_trash(path):
        seen.append(path)
        if len(seen) == stop_at:
            halt()
        return move_to_own_trash(path, root)
    trash_images(library, ids, to_trash)
"""


@pytest.mark.parametrize("action", ["rate", "delete"])
def test_killed_half_way_leaves_index_and_files_agreeing(lib: Library, action: str) -> None:
    ids = ids_of(lib)
    before = {i.id: review_of(i) for i in lib.items()}
    lib.close()
    stop_at = BATCH + 7  # the 8th image of the second batch
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(lib.root), action, str(stop_at)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "halfway"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    # Killed inside a batch: its journal entry is there, and the rows are behind the files.
    conn = sqlite3.connect(lib.root / "index.sqlite3")
    left = conn.execute("SELECT count(*) FROM library_state WHERE key LIKE 'bulk:%'").fetchone()[0]
    conn.close()
    assert left == 1
    with Library(lib.root) as reopened:
        assert disagreements(reopened) == [] and journal.pending(reopened) == []
        done = stop_at - 1  # images finished before the halt
        if action == "rate":
            after = {i.id: review_of(i) for i in reopened.items()}
            assert [after[i] for i in ids[:done]] == [(True, 5, ("killed",), "")] * done
            assert [after[i] for i in ids[done:]] == [before[i] for i in ids[done:]]
        else:
            assert ids_of(reopened) == ids[done:]
            assert len(list((reopened.root / ".trash").iterdir())) == done
