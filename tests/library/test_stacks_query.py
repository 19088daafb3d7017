"""One stack's images from the index: ItemFilter(job=…), with the index it uses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from libhelpers import image_bytes, make_meta

from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.library.record import ImageRecord, parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat


def save(lib: Library, meta: ImageRecord) -> ImageRecord:
    final = lib.reserve_path(parse_iso(meta.created), meta.prompt, meta.seed, meta.index, OutputFormat.PNG)
    temp = lib.temp_path_for(final)
    temp.write_bytes(image_bytes("png", (meta.width, meta.height)))
    return lib.commit(temp, final, meta)


def test_job_filter_lists_one_stack_in_its_order(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        batch = [save(lib, make_meta("batch", index=i, created="2026-11-05T10:00:00Z")) for i in (2, 0, 1)]
        other = save(lib, make_meta("another job", created="2026-11-05T10:00:00Z", seed=7))
        job = batch[0].job
        assert job and {b.job for b in batch} == {job} and other.job != job
        assert [i.index for i in lib.items(ItemFilter(job=job))] == [0, 1, 2]
        assert lib.count(ItemFilter(job=job)) == 3
        lib.update_review(batch[1].id, favourite=True)
        assert [i.id for i in lib.items(ItemFilter(job=job, favourite=True))] == [batch[1].id]
        assert lib.items(ItemFilter(job="no such job")) == []
        # The query finds a stack through its index, not by reading every row.
        conn = sqlite3.connect(lib.db_path)
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM images WHERE state = 'done' AND job = ?", (job,)
            )
        )
        conn.close()
        assert "images_job" in plan
