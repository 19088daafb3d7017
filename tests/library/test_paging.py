"""Keyset pages of the library (core/library/paging.py), the search count and the
schema 4 indexes: what the gallery scrolls through at 100,000 images."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from libhelpers import image_bytes, make_meta

from fluxdesk.core.library import schema
from fluxdesk.core.library.paging import ORDER, PageKey
from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord, parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "lib")
    yield library
    library.close()


def save(lib: Library, meta: ImageRecord) -> ImageRecord:
    created = parse_iso(meta.created)
    final = lib.reserve_path(created, meta.prompt, meta.seed, meta.index, OutputFormat(meta.output_format))
    temp = lib.temp_path_for(final)
    temp.write_bytes(image_bytes(meta.output_format, (meta.width, meta.height)))
    return lib.commit(temp, final, meta)


def at(minute: int) -> str:
    return f"2026-11-25T14:{minute:02d}:00+00:00"


def fill(lib: Library) -> None:
    """Images sharing time stamps in every way the order breaks ties: a batch (one seed,
    indexes 0…2), two jobs of the same second with other seeds, single images."""
    for minute in (50, 40, 30):
        for index in range(3):
            save(lib, make_meta(f"batch {minute}", seed=7, index=index, created=at(minute)))
        for seed in (3, 99):
            save(lib, make_meta(f"other {minute} {seed}", seed=seed, index=0, created=at(minute)))
    for minute in (45, 20, 10, 5):
        save(lib, make_meta(f"single {minute}", seed=minute, created=at(minute)))


def all_pages(lib: Library, flt: ItemFilter, size: int) -> list[int]:
    ids: list[int] = []
    after: PageKey | None = None
    while True:
        page = lib.page(flt, after, size)
        ids += [row.id for row in page]
        if len(page) < size:
            return ids
        after = page[-1].key


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 100])
def test_keyset_pages_give_every_row_once_in_the_list_order(lib: Library, size: int) -> None:
    fill(lib)
    expected = [item.id for item in lib.items()]
    assert len(expected) == 19
    assert all_pages(lib, ItemFilter(), size) == expected
    search = ItemFilter(search="batch")
    assert all_pages(lib, search, size) == [item.id for item in lib.items(search)]


def test_a_page_row_carries_what_the_layout_needs(lib: Library) -> None:
    saved = save(lib, make_meta("wide", size=(96, 48), created=at(1)))
    (row,) = lib.page(None, None, 10)
    assert (row.id, row.width, row.height) == (saved.id, 96, 48)
    assert row.created_ts == parse_iso(saved.created).timestamp()
    assert lib.get_many([saved.id, saved.id + 100]) == {saved.id: saved}
    assert lib.get_many([]) == {}


def test_images_added_or_removed_mid_scroll_are_neither_repeated_nor_skipped(lib: Library) -> None:
    fill(lib)
    first = lib.page(None, None, 5)
    # Meanwhile: a new image (newest: above what was shown), an old one (still to come),
    # one on the first page deleted, and one still to come deleted.
    save(lib, make_meta("brand new", seed=1, created="2026-11-25T15:00:00+00:00"))
    old = save(lib, make_meta("very old", seed=2, created="2026-11-25T13:00:00+00:00"))
    lib.remove(first[2].id, delete_file=True)
    upcoming = [item.id for item in lib.items()][-3]
    lib.remove(upcoming, delete_file=True)
    rest: list[int] = []
    after = first[-1].key
    while page := lib.page(None, after, 5):
        rest += [row.id for row in page]
        after = page[-1].key
    seen = [row.id for row in first] + rest
    assert len(seen) == len(set(seen))
    assert old.id in rest and upcoming not in rest
    assert rest == [item.id for item in lib.items()][[i.id for i in lib.items()].index(first[-1].id) + 1 :]


def test_a_search_alone_is_counted_in_the_full_text_index_without_pending_images(lib: Library) -> None:
    fill(lib)
    conn = lib.connection()
    # A save in flight: its row is pending (and in the full-text index already).
    conn.execute(
        "UPDATE images SET state = 'pending' WHERE id = ?", (lib.items(ItemFilter(search="batch"))[0].id,)
    )
    for text in ("batch", "bat", "other 40", "single", "nothing", "batch 50 other"):
        flt = ItemFilter(search=text)
        assert lib.count(flt) == len(lib.items(flt))
    # With any other condition the count is the general query's.
    assert lib.count(ItemFilter(search="batch", min_rating=0)) == 8


def test_schema_4_lists_pages_from_its_order_index_without_sorting(lib: Library) -> None:
    fill(lib)
    conn = lib.connection()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 4
    for project in (None, "Client"):
        flt = "state = 'done'" + (" AND project = ? COLLATE NOCASE" if project else "")
        plan = " ".join(
            str(row[3])
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM images WHERE {flt} ORDER BY {ORDER} LIMIT 5",
                (project,) if project else (),
            )
        )
        assert "images_project_order" in plan if project else "images_order" in plan
        assert "TEMP B-TREE" not in plan, plan


def test_an_index_of_schema_3_gets_the_order_indexes(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    with Library(root) as lib:
        fill(lib)
        expected = [item.id for item in lib.items()]
    conn = sqlite3.connect(root / "index.sqlite3")
    conn.executescript(
        "DROP INDEX images_order; DROP INDEX images_project_order; DROP INDEX images_job;"
        "CREATE INDEX images_newest ON images (created_ts DESC, id DESC);"
        "CREATE INDEX images_project ON images (project, created_ts DESC, id DESC);"
        "PRAGMA user_version = 3;"
    )
    conn.close()
    with Library(root) as lib:
        names = {
            row[0] for row in lib.connection().execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {"images_order", "images_project_order"} <= names
        assert not names & {"images_newest", "images_project"}
        assert all_pages(lib, ItemFilter(), 4) == expected


def test_the_rest_of_a_stack_under_a_search_is_checked_row_by_row(lib: Library) -> None:
    fill(lib)
    batch = lib.items(ItemFilter(search="batch 40"))
    job = batch[0].job
    assert len(batch) == 3 and {item.job for item in batch} == {job}
    first = lib.page(ItemFilter(search="batch"), None, 1)
    (after,) = [row for row in lib.page(ItemFilter(job=job), None, 1)]
    for text, expected in (
        ("batch", [i.id for i in batch[1:]]),
        ("other", []),
        ("40", [i.id for i in batch[1:]]),
    ):
        rest = lib.page(ItemFilter(search=text, job=job), after.key, 10)
        assert [row.id for row in rest] == expected
    assert first[0].id != after.id  # (the newest batch is another one)


def test_the_whole_library_is_counted_without_pending_images(lib: Library) -> None:
    fill(lib)
    assert lib.count() == len(lib.items()) == 19
    lib.connection().execute("UPDATE images SET state = 'pending' WHERE id = ?", (lib.items()[3].id,))
    assert lib.count() == len(lib.items()) == 18


def test_jobs_finished_within_one_second_are_listed_newest_first(tmp_path: Path) -> None:
    """A job's time is kept to the millisecond: jobs a second apart or less are listed in
    the order they finished (to the second, they were ordered by their seeds: by chance)."""
    from fluxdesk.core.generation.generate import generate
    from fluxdesk.core.request import validated_request
    from fluxdesk.sandbox.fake import FakeClient

    fake = FakeClient()
    with Library(tmp_path / "lib") as library:
        for n in range(6):
            generate(validated_request({"prompt": f"job {n}", "num_images": 2}), fake, library)
        items = library.items(limit=20)
    assert [item.prompt for item in items] == [f"job {n}" for n in reversed(range(6)) for _ in (0, 1)]
    assert [item.index for item in items[:2]] == [0, 1]  # a batch in its own order
