"""One damaged file never stops the library (issue 19, item 1), and every seed of the seed
rule is stored exactly (1…2**64-1, issue 19 item 3).

Hostile files are real FluxDesk files (saved through the library's own writer) with one
value of their document made hostile; reading one is a ValueError naming the field, never
an OverflowError or RecursionError, and a reindex indexes everything else.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from libhelpers import image_bytes

from fluxdesk.core import metadata as md
from fluxdesk.core.library import schema
from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import SEED_MAX, OutputFormat
from fluxdesk.core.request import GenerationRequest
from tests.hostile.damaged import (
    ALL_DAMAGE,
    CREATED,
    hostile_bytes,
    real_file,
    words_for,
    write_hostile_files,
)


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / "library")
    yield library  # type: ignore[misc]
    library.close()


@pytest.mark.parametrize("damage", ALL_DAMAGE)
def test_a_hostile_value_is_one_value_error_naming_the_field(lib: Library, damage: str) -> None:
    good = real_file(lib, "a red fox", 7).path
    assert md.read_file(good) is not None
    hostile = good.with_name("hostile.png")
    hostile.write_bytes(hostile_bytes(good.read_bytes(), damage))
    with pytest.raises(ValueError, match="metadata") as caught:
        md.read_file(hostile)
    assert words_for(damage) in str(caught.value)


def test_reindex_indexes_the_rest_and_names_each_damaged_file(lib: Library) -> None:
    fox = real_file(lib, "a red fox", 7)
    koi = real_file(lib, "koi pond", 8, created=CREATED + timedelta(minutes=1))
    damaged = write_hostile_files(fox.path, fox.path.parent)
    # From nothing: the index is deleted, as a user would before a reindex.
    lib.close()
    for path in lib.root.glob("index.sqlite3*"):
        path.unlink()
    again = Library(lib.root)
    report = again.reindex()
    assert report.added == 2 and report.scanned == 2 + len(damaged)
    assert sorted(report.unreadable) == sorted(again.relative(p) for p in damaged)
    for path in damaged:
        name = path.stem.removeprefix("damaged-")
        assert words_for(name) in report.reasons[again.relative(path)], name
    assert [i.prompt for i in again.items()] == ["koi pond", "a red fox"]
    assert [i.seed for i in again.items()] == [koi.seed, fox.seed]
    # A rescan of the same files reads the damaged ones again and still indexes nothing else.
    second = again.reindex()
    assert second.unchanged == 2 and len(second.unreadable) == len(damaged) and second.added == 0
    again.close()


SEEDS = [1, 2**63 - 1, 2**63, 2**63 + 5, SEED_MAX]


def test_every_seed_of_the_rule_is_stored_exactly_and_sorts(lib: Library) -> None:
    assert SEED_MAX == 2**64 - 1
    for seed in reversed(SEEDS):
        real_file(lib, "same second", seed)
    # One time stamp: the index orders them by seed, exactly as the seeds compare.
    assert [i.seed for i in lib.items()] == SEEDS
    assert [i.params["seed"] for i in lib.items()] == SEEDS
    assert [i.to_request().seed for i in lib.items()] == SEEDS
    rows = sqlite3.connect(lib.db_path).execute("SELECT typeof(seed_shifted) FROM images").fetchall()
    assert rows == [("integer",)] * len(SEEDS)
    # The files carry them too: a reindex from nothing gives the same seeds.
    lib.close()
    for path in lib.root.glob("index.sqlite3*"):
        path.unlink()
    rebuilt = Library(lib.root)
    assert rebuilt.reindex().added == len(SEEDS)
    assert [i.seed for i in rebuilt.items()] == SEEDS
    assert all(str(i.seed) in i.path.name for i in rebuilt.items())
    rebuilt.close()


def test_a_seed_outside_the_rule_is_not_saved(lib: Library) -> None:
    with pytest.raises(ValueError, match="not a seed"):
        real_file(lib, "too big", SEED_MAX + 1)
    assert lib.count() == 0


def test_an_index_of_schema_1_is_migrated_with_its_seeds(tmp_path: Path) -> None:
    root = tmp_path / "library"
    root.mkdir()
    conn = sqlite3.connect(root / "index.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    schema.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    for n, seed in enumerate([5, 2**63 - 1, 0, -3]):
        request = {"prompt": f"old {n}", "num_images": 1, "output_format": "png", "seed": seed}
        conn.execute(
            "INSERT INTO images (path, prompt, seed, created, created_ts, width, height, output_format, "
            "model, params_json) VALUES (?, ?, ?, ?, ?, 64, 48, 'png', 'flux-realism', ?)",
            (
                f"old-{n}.png",
                f"old {n}",
                seed,
                CREATED.isoformat(),
                CREATED.timestamp() + n,
                json.dumps(request),
            ),
        )
    conn.close()
    lib = Library(root)
    assert sqlite3.connect(lib.db_path).execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    # Seeds are kept exactly (0: an imported image's unknown seed); a negative seed, which
    # no rule ever allowed, is dropped (its file, if any, is named by the next reindex).
    assert sorted(i.seed for i in lib.items()) == [0, 5, 2**63 - 1]
    stored = [
        json.loads(r[0]) for r in sqlite3.connect(lib.db_path).execute("SELECT params_json FROM images")
    ]
    assert all("seed" not in r for r in stored)  # the seed is held once, in its column
    # A seed of 0 (outside the seed rule) reads as unknown: None, and "Use settings" works.
    assert {i.prompt: i.params["seed"] for i in lib.items()} == {
        "old 0": 5,
        "old 1": 2**63 - 1,
        "old 2": None,
    }
    assert lib.count("old") == 3  # full-text search still finds them
    lib.close()


def test_list_json_keeps_its_shape_with_the_seed_as_an_integer(lib: Library) -> None:
    item = real_file(lib, "a red fox", 2**63 + 5)
    data = json.loads(json.dumps(lib.get(item.id).to_json()))  # type: ignore[union-attr]
    assert list(data) == [
        "id",
        "path",
        "prompt",
        "seed",
        "created",
        "width",
        "height",
        "format",
        "nsfw",
        "parameters",
        "favourite",
        "rating",
        "notes",
        "tags",
        "project",
        "job",
    ]
    assert data["seed"] == 2**63 + 5 and data["parameters"]["seed"] == 2**63 + 5
    assert data["parameters"]["prompt"] == "a red fox" and data["parameters"]["guidance_scale"] == 3.5


def test_timings_a_file_cannot_hold_are_not_written(lib: Library) -> None:
    """The server's timings are informative: what the record cannot hold is left out, so
    every file FluxDesk writes reads back (none becomes a "damaged" file on reindex)."""
    timings = {"inference": 1.5, "huge": 1e300, "negative": -1, "nan": float("nan"), "n" * 100: 2}
    request = GenerationRequest(prompt="a red fox", output_format=OutputFormat.PNG)
    record = ImageRecord.for_image(request, seed=7, index=0, width=64, height=48, timings=timings)
    assert record.timings == {"inference": 1.5}
    final = lib.reserve_path(CREATED, "a red fox", 7, 0, OutputFormat.PNG)
    lib.temp_path_for(final).write_bytes(image_bytes("png", (64, 48)))
    saved = lib.commit(lib.temp_path_for(final), final, record)
    again = md.read_file(saved.path)
    assert again is not None and again.timings == {"inference": 1.5}
