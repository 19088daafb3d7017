"""The library: real files in tmp_path, real SQLite, real subprocesses for crashes and races."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from libhelpers import image_bytes, make_meta, pixels

from fluxdesk.core import metadata as md
from fluxdesk.core.errors import LibraryError
from fluxdesk.core.library import store as library_module
from fluxdesk.core.library.naming import slugify
from fluxdesk.core.library.queries import ItemFilter, fts_query
from fluxdesk.core.library.record import ImageRecord, parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat

WHEN = datetime(2026, 11, 25, 14, 15, 30, tzinfo=timezone.utc)


def save(lib: Library, meta: ImageRecord, size: tuple[int, int] | None = None) -> ImageRecord:
    """What the generation code does: reserve, download into the temp file, commit."""
    created = parse_iso(meta.created)
    fmt = OutputFormat(meta.output_format)
    final = lib.reserve_path(created, meta.prompt, meta.seed, meta.index, fmt)
    temp = lib.temp_path_for(final)
    temp.write_bytes(image_bytes(meta.output_format, size or (meta.width, meta.height)))
    return lib.commit(temp, final, meta)


def image_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".png", ".jpg"})


def part_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.part"))


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / "lib")
    yield library
    library.close()


def test_commit_names_file_and_lists_it(lib: Library) -> None:
    meta = make_meta("A red fox in snow!", seed=4134117142, index=1)
    item = save(lib, meta)
    assert item.path == lib.root / "2026/11/25/20261125-141530_a-red-fox-in-snow_4134117142_1.png"
    assert item.path.is_file() and part_files(lib.root) == []
    assert md.read_file(item.path) == meta
    assert (item.prompt, item.seed, item.width, item.height, item.output_format) == (
        "A red fox in snow!",
        4134117142,
        64,
        48,
        "png",
    )
    assert item.file_size == item.path.stat().st_size
    assert item.params["seed"] == 4134117142 and item.params["guidance_scale"] == 3.5
    assert item.timings == {"inference": 1.25}
    assert lib.items() == [item] and lib.count() == 1 and lib.get(item.id) == item
    assert item.to_request().seed == 4134117142
    data = item.to_json()
    assert set(data) == {
        "id", "path", "prompt", "seed", "created", "width", "height", "format", "nsfw",
        "parameters", "favourite", "rating", "notes", "tags", "project", "job",
    }  # fmt: skip
    assert data["format"] == "png" and data["parameters"]["prompt"] == "A red fox in snow!"


def test_same_name_gets_unique_path(lib: Library) -> None:
    first = save(lib, make_meta())
    second = save(lib, make_meta())
    assert first.path != second.path and second.path.name.endswith("_4134117142_1-2.png")
    assert lib.count() == 2


def test_slug() -> None:
    assert slugify("Ünïcode — café, 東京 & fox") == "unicode-cafe-fox"
    assert slugify("东京") == "image"
    long = slugify("word " * 30)
    assert len(long) <= 40 and not long.endswith("-") and long.startswith("word-word")


def test_newest_first_limit_offset(lib: Library) -> None:
    for day in (3, 1, 2):
        save(lib, make_meta(f"day {day}", created=f"2026-11-0{day}T10:00:00Z"))
    assert [i.prompt for i in lib.items()] == ["day 3", "day 2", "day 1"]
    assert [i.prompt for i in lib.items(limit=1, offset=1)] == ["day 2"]


def test_a_batch_lists_in_its_order(lib: Library) -> None:
    """Its images share one time stamp and are indexed as their downloads finish."""
    for index in (0, 3, 1, 2):
        save(lib, make_meta("batch", index=index, created="2026-11-05T10:00:00Z"))
    assert [i.index for i in lib.items()] == [0, 1, 2, 3]


def test_search_words_prefixes_notes_tags_and_unicode(lib: Library) -> None:
    fox = save(lib, make_meta("A red fox in snow"))
    save(lib, make_meta("Portrait of an old fisherman", seed=2))
    cafe = save(lib, make_meta("Café au lait on a Tokyo terrace, 東京", seed=3))
    lib.update_review(fox.id, notes="client: Acme", tags=["winter", "animals"])

    def found(query: str) -> set[str]:
        assert lib.count(query) == len(lib.items(query))
        return {i.prompt.split()[0] for i in lib.items(query)}

    assert found("fox") == {"A"}
    assert found("FO") == {"A"} and found("fi") == {"Portrait"}  # prefixes
    assert found("f") == {"A", "Portrait"}
    assert found("red snow") == {"A"}  # every word must match
    assert found("red fisherman") == set()
    assert found("acme") == {"A"} and found("winter") == {"A"}
    assert found("cafe") == {"Café"} and found("CAFÉ") == {"Café"}
    assert found("東京") == {"Café"}
    assert lib.get(cafe.id) is not None


NASTY = {
    # query: seeds expected (1 = "A red fox in snow", 2 = the punctuation-heavy prompt)
    '"': [],
    '""': [],
    "AND": [2],  # a word, not an operator
    "fox AND": [],  # every word must match
    "OR NOT": [],
    "-x": [2],  # not a NOT
    "fox -": [1],
    "NEAR(fox)": [],
    "prompt:fox": [],  # not a column filter
    "really)": [2],
    "*": [],
    "fox*": [1],
    "(": [2],
    "'": [],
    "\\": [],
    "%": [2],  # LIKE wildcards are literal
    "_": [2],
    "deal": [2],
}


@pytest.mark.parametrize("query", list(NASTY))
def test_nasty_search_input_never_breaks(lib: Library, query: str) -> None:
    save(lib, make_meta("A red fox in snow", seed=1))
    save(lib, make_meta("100% AND -x done_deal (really)", seed=2))
    items = lib.items(query)
    assert lib.count(query) == len(items)
    assert [i.seed for i in items] == NASTY[query]


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('fox "AND -x') == '"fox"* "AND"* "x"*'
    assert fts_query('"') is None


def test_emoji_only_search_falls_back_to_like(lib: Library) -> None:
    save(lib, make_meta("fox 🦊 in snow"))
    save(lib, make_meta("plain", seed=2))
    assert [i.prompt for i in lib.items("🦊")] == ["fox 🦊 in snow"]


def test_filters(lib: Library) -> None:
    a = save(lib, make_meta("a", created="2026-11-01T08:00:00Z", fmt="png", size=(64, 48)))
    b = save(lib, make_meta("b", created="2026-11-02T23:59:59Z", fmt="jpeg", size=(32, 32), nsfw=True))
    c = save(lib, make_meta("c", created="2026-11-03T00:00:00Z", fmt="png", size=(32, 48)))
    lib.update_review(a.id, favourite=True, rating=5)
    lib.update_review(b.id, rating=3)

    def ids(**filters: object) -> list[int]:
        flt = ItemFilter(**filters)  # type: ignore[arg-type]
        assert lib.count(flt) == len(lib.items(flt))
        return sorted(i.id for i in lib.items(flt))

    assert ids(date_from=date(2026, 11, 2)) == [b.id, c.id]
    assert ids(date_to="2026-11-02") == [a.id, b.id]
    assert (
        ids(date_from="2026-11-02T00:00:00+00:00", date_to=datetime(2026, 11, 2, 23, 0, tzinfo=timezone.utc))
        == []
    )
    assert (
        ids(width=32) == [b.id, c.id]
        and ids(height=48) == [a.id, c.id]
        and ids(width=32, height=32) == [b.id]
    )
    assert ids(output_format="jpg") == [b.id] and ids(output_format=OutputFormat.PNG) == [a.id, c.id]
    assert ids(favourite=True) == [a.id] and ids(favourite=False) == [b.id, c.id]
    assert ids(min_rating=3) == [a.id, b.id] and ids(min_rating=4) == [a.id]
    assert (
        ids(nsfw=True) == [b.id] and ids(nsfw=False) == [a.id, c.id] and ids(nsfw=None) == [a.id, b.id, c.id]
    )
    assert lib.items(ItemFilter(search="b", nsfw=True, output_format="jpeg"))[0].id == b.id
    assert ItemFilter(search="fox", favourite=True).active and not ItemFilter(search="").active


@pytest.mark.parametrize("seed", [1, 4134117142, 2**63 - 1])
def test_64_bit_seed_roundtrip(lib: Library, seed: int) -> None:
    item = save(lib, make_meta(seed=seed))
    assert lib.get(item.id).seed == seed  # type: ignore[union-attr]
    # Stored exactly, as a signed 64-bit integer ordered like the seeds (rows.seed_column).
    query = "SELECT seed_shifted, typeof(seed_shifted) FROM images"
    raw = sqlite3.connect(lib.db_path).execute(query).fetchone()
    assert raw == (seed - 2**63, "integer")
    assert str(seed) in item.path.name


def test_update_review_survives_reindex_from_scratch(lib: Library) -> None:
    item = save(lib, make_meta(fmt="jpeg"))
    save(lib, make_meta("other", seed=9))
    before = pixels(item.path.read_bytes())
    updated = lib.update_review(
        item.id, favourite=True, rating=4, notes="hero shot", tags=["fox", "Fox", "  snow "]
    )
    assert (updated.favourite, updated.rating, updated.notes, updated.tags) == (
        True,
        4,
        "hero shot",
        ("fox", "snow"),
    )
    assert pixels(item.path.read_bytes()) == before
    assert md.read_file(item.path).rating == 4  # type: ignore[union-attr]
    lib.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{lib.db_path}{suffix}").unlink(missing_ok=True)
    fresh = Library(lib.root)
    assert fresh.count() == 0
    report = fresh.reindex()
    assert (report.scanned, report.added, report.updated, report.removed) == (2, 2, 0, 0)
    (again,) = fresh.items("hero")
    assert (again.path, again.favourite, again.rating, again.notes, again.tags) == (
        item.path,
        True,
        4,
        "hero shot",
        ("fox", "snow"),
    )
    assert fresh.items(ItemFilter(favourite=True)) == [again]
    fresh.close()


def test_reindex_counts_updates_removals_and_plain_files(lib: Library) -> None:
    keep = save(lib, make_meta("keep"))
    gone = save(lib, make_meta("gone", seed=2))
    (lib.root / "2026" / "plain.png").write_bytes(image_bytes("png"))
    (lib.root / "broken.jpg").write_bytes(b"\xff\xd8garbage")
    gone.path.unlink()
    md.rewrite_file(keep.path, md.read_file(keep.path).with_review(notes="edited elsewhere"))  # type: ignore[union-attr]
    report = lib.reindex()
    assert (report.scanned, report.added, report.updated, report.removed) == (3, 0, 1, 1)
    assert report.skipped_without_metadata == 1 and report.unreadable == ["broken.jpg"]
    assert [i.notes for i in lib.items()] == ["edited elsewhere"]
    assert lib.reindex().unchanged == 1


def test_remove(lib: Library) -> None:
    one = save(lib, make_meta("one"))
    two = save(lib, make_meta("two", seed=2))
    lib.remove(one.id, delete_file=False)
    assert one.path.exists() and lib.get(one.id) is None
    lib.remove(two.id, delete_file=True)
    assert not two.path.exists() and lib.count() == 0
    assert lib.reindex().added == 1  # the kept file comes back
    with pytest.raises(KeyError):
        lib.remove(12345, delete_file=True)


def test_worker_thread_and_gui_thread_share_one_library(lib: Library) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                save(lib, make_meta(f"thread {n} image {i}", seed=n * 100 + i + 1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and lib.count() == 15 and lib.count("thread") == 15


# --------------------------------------------------------------- processes and crashes

CHILD = r"""
import os, signal, sys, time
from datetime import datetime, timezone
sys.path.insert(0, sys.argv[1])
from libhelpers import image_bytes, make_meta
from fluxdesk.core import metadata as md
from fluxdesk.core.library import store as L
from fluxdesk.core.params import OutputFormat

root, mode, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
lib = L.Library(root)
data = image_bytes("png", (16, 16))
def die(*_a, **_k):
    os.kill(os.getpid(), signal.SIGKILL)
if mode == "race":
    go = os.path.join(root, "go")
    while not os.path.exists(go):
        time.sleep(0.002)
for i in range(count):
    # Both racers use the same prompt, seed and second: names collide on purpose.
    meta = make_meta("same prompt", seed=7, index=i, size=(16, 16))
    when = datetime(2026, 11, 25, 14, 15, 30, tzinfo=timezone.utc)
    final = lib.reserve_path(when, meta.prompt, 7, i, OutputFormat.PNG)
    temp = lib.temp_path_for(final)
    temp.write_bytes(data)
    if mode == "after_download":
        die()
    elif mode == "before_insert":
        lib.write = die
    elif mode == "before_replace":
        L.os.replace = die
    elif mode == "before_done":
        md.fsync_dir = die
    lib.commit(temp, final, meta)
"""


def run_child(root: Path, mode: str, count: int = 1) -> subprocess.Popen[bytes]:
    helpers = str(Path(__file__).parent)
    return subprocess.Popen([sys.executable, "-c", CHILD, helpers, str(root), mode, str(count)])


@pytest.mark.subprocess
def test_two_processes_writing_concurrently_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    Library(root).close()
    n = 25
    children = [run_child(root, "race", n) for _ in range(2)]
    (root / "go").touch()
    assert [c.wait(timeout=60) for c in children] == [0, 0]
    lib = Library(root)
    assert lib.count() == 2 * n == len(image_files(root))
    assert len({i.path for i in lib.items()}) == 2 * n
    assert part_files(root) == []
    assert lib.reindex().added == 0
    lib.close()


@pytest.mark.subprocess
@pytest.mark.parametrize("point", ["after_download", "before_insert", "before_replace", "before_done"])
def test_sigkill_at_any_point_leaves_consistent_library(tmp_path: Path, point: str) -> None:
    root = tmp_path / "lib"
    child = run_child(root, point)
    assert child.wait(timeout=30) == -signal.SIGKILL
    if point in ("before_replace", "before_done"):
        pending = sqlite3.connect(root / "index.sqlite3").execute("SELECT state FROM images").fetchall()
        assert pending == [("pending",)]
    # Default grace: the dead writer's pending row is settled at once...
    lib = Library(root)
    saved = point == "before_done"
    assert lib.count() == int(saved) and len(image_files(root)) == int(saved)
    if saved:
        assert md.read_file(lib.items()[0].path) is not None
    lib.close()
    # ...while an ownerless .part waits for its grace period (it could be a live download).
    lib = Library(root, stale_after=0)
    assert part_files(root) == [] and lib.count() == int(saved)
    assert sqlite3.connect(root / "index.sqlite3").execute(
        "SELECT count(*) FROM images WHERE state='pending'"
    ).fetchone() == (0,)
    lib.close()


def test_failed_rename_cleans_up_everything(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(library_module.os, "replace", fail)
    with pytest.raises(LibraryError, match="disk is full"):
        save(lib, make_meta())
    assert lib.count() == 0 and image_files(lib.root) == [] and part_files(lib.root) == []
    assert sqlite3.connect(lib.db_path).execute("SELECT count(*) FROM images").fetchone() == (0,)


def test_commit_of_a_non_image_cleans_up(lib: Library) -> None:
    final = lib.reserve_path(WHEN, "x", 1, 0, OutputFormat.PNG)
    temp = lib.temp_path_for(final)
    temp.write_bytes(b"<html>not an image</html>")
    with pytest.raises(ValueError):
        lib.commit(temp, final, make_meta())
    assert part_files(lib.root) == [] and lib.count() == 0


def test_commit_into_a_re_reserved_name_releases_both_reservations(lib: Library) -> None:
    """The server sent PNG for a JPEG request: the caller reserves a .png name, keeps the temp."""
    jpg = lib.reserve_path(WHEN, "x", 1, 0, OutputFormat.JPEG)
    png = lib.reserve_path(WHEN, "x", 1, 0, OutputFormat.PNG)
    temp = lib.temp_path_for(jpg)
    temp.write_bytes(image_bytes("png"))
    item = lib.commit(temp, png, make_meta("x", seed=1, index=0))
    assert item.path == png and part_files(lib.root) == []


# ------------------------------------------------------------------ environment errors


def test_read_only_library_folder_raises_library_error() -> None:
    folder = Path(tempfile.mkdtemp(prefix="fluxdesk-ro-"))
    try:
        folder.chmod(0o555)
        if os.geteuid() != 0:
            with pytest.raises(LibraryError, match=str(folder)) as info:
                Library(folder)
            message = str(info.value)
        else:
            message = _as_nobody(lambda: _library_error_message(folder))
        assert message.startswith("Cannot write the library index") and str(folder) in message
        assert "\n" not in message
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


def _library_error_message(folder: Path) -> str:
    try:
        Library(folder)
    except LibraryError as exc:
        return str(exc)
    return "no error"


def _as_nobody(fn: object) -> str:
    """Root ignores permissions: run ``fn`` in a forked child that dropped to 'nobody'."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            result = fn()  # type: ignore[operator]
        except BaseException as exc:
            result = f"unexpected {exc!r}"
        os.write(write, str(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read().decode()
    os.waitpid(pid, 0)
    return output


def test_corrupt_index_raises_library_error(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "index.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="damaged") as info:
        Library(root)
    assert str(root / "index.sqlite3") in str(info.value)


def test_locked_index_raises_library_error(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    item = save(lib, make_meta())
    monkeypatch.setattr(library_module, "BUSY_TIMEOUT_S", 0.2)
    other = Library(lib.root)
    blocker = sqlite3.connect(lib.db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LibraryError, match="locked"):
            other.update_review(item.id, rating=2)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        other.close()
    # The file was rewritten first, so a reindex still picks the new review up.
    assert md.read_file(item.path).rating == 2  # type: ignore[union-attr]
    lib.reindex()
    assert lib.get(item.id).rating == 2  # type: ignore[union-attr]
