"""Projects, stacks and bulk edits through the command line (issue 18): real processes
against the loopback sandbox; membership lives in the files, so a reindex keeps it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from clirun import run

from fluxdesk.core import metadata as md
from fluxdesk.core.library import schema
from fluxdesk.sandbox.server import Sandbox


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def ok(*args: str, home: Path, sandbox: Sandbox | None = None) -> str:
    done = run(*args, home=home, sandbox=sandbox)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def listed(home: Path, *extra: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ok("library", "list", "--json", *extra, home=home))
    return data


def projects(home: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ok("project", "list", "--json", home=home))
    return data


def test_the_active_project_gets_new_images_and_a_job_is_one_stack(home: Path, sandbox: Sandbox) -> None:
    ok("project", "create", "Logo work", home=home)
    assert "'Logo work'" in ok("project", "use", "logo WORK", home=home)  # names ignore case
    ok("generate", "a red fox", "--num-images", "3", home=home, sandbox=sandbox)
    ok("generate", "a cat", "--project", "none", home=home, sandbox=sandbox)
    ok("project", "create", "Other", home=home)
    ok("generate", "a dog", "--num-images", "2", "--project", "other", home=home, sandbox=sandbox)

    items = listed(home)
    by_prompt: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_prompt.setdefault(item["prompt"], []).append(item)
    assert [i["project"] for i in by_prompt["a red fox"]] == ["Logo work"] * 3
    assert [i["project"] for i in by_prompt["a cat"]] == [None]
    assert [i["project"] for i in by_prompt["a dog"]] == ["Other"] * 2
    # One job, one stack id; two jobs, two.
    fox_jobs = {i["job"] for i in by_prompt["a red fox"]}
    dog_jobs = {i["job"] for i in by_prompt["a dog"]}
    assert len(fox_jobs) == 1 and len(dog_jobs) == 1 and fox_jobs != dog_jobs and None not in fox_jobs
    # The membership is in the file's FluxDesk block.
    record = md.read_file(Path(by_prompt["a red fox"][0]["path"]))
    assert record is not None and record.project == "Logo work"

    assert [i["prompt"] for i in listed(home, "--project", "logo work")] == ["a red fox"] * 3
    assert [i["prompt"] for i in listed(home, "--project", "none")] == ["a cat"]
    assert projects(home) == [
        {"name": "Logo work", "images": 3, "active": True},
        {"name": "Other", "images": 2, "active": False},
    ]


def test_unknown_projects_and_bad_names_exit_2_naming_them(home: Path, sandbox: Sandbox) -> None:
    for args in (
        ("library", "list", "--project", "Nope"),
        ("generate", "a fox", "--project", "Nope"),
        ("project", "use", "Nope"),
        ("project", "delete", "Nope"),
    ):
        done = run(*args, home=home, sandbox=sandbox)
        assert done.returncode == 2, (args, done.stderr)
        assert "no project named 'Nope'" in done.stderr and "Traceback" not in done.stderr
    assert not [r for r in sandbox.requests if r.server == "api"]  # nothing was sent
    bad = run("project", "create", "x" * 81, home=home)
    assert bad.returncode == 2 and "1 to 80 printable characters" in bad.stderr
    reserved = run("project", "create", "None", home=home)
    assert reserved.returncode == 2 and "'none' is reserved" in reserved.stderr
    ok("project", "create", "Twice", home=home)
    again = run("project", "create", "twice", home=home)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_membership_survives_a_reindex_from_the_files_alone(home: Path, sandbox: Sandbox) -> None:
    ok("project", "create", "Brand", home=home)
    ok("generate", "a red fox", "--num-images", "2", "--project", "Brand", home=home, sandbox=sandbox)
    ok("generate", "a cat", home=home, sandbox=sandbox)
    before = {i["path"]: (i["project"], i["job"]) for i in listed(home)}
    index = home / "library" / "index.sqlite3"
    for leftover in index.parent.glob("index.sqlite3*"):
        leftover.unlink()  # as good as a library copied without its index
    ok("library", "reindex", home=home)
    after = {i["path"]: (i["project"], i["job"]) for i in listed(home)}
    assert after == before
    assert sorted(v[0] or "" for v in after.values()) == ["", "Brand", "Brand"]
    assert projects(home) == [{"name": "Brand", "images": 2, "active": False}]


def test_rename_and_delete_rewrite_the_files(home: Path, sandbox: Sandbox) -> None:
    ok("project", "create", "Draft", home=home)
    ok("project", "use", "Draft", home=home)
    ok("generate", "a red fox", "--num-images", "2", home=home, sandbox=sandbox)
    ok("project", "rename", "draft", "Final", home=home)
    items = listed(home)
    assert [i["project"] for i in items] == ["Final", "Final"]
    assert all(md.read_file(Path(i["path"])).project == "Final" for i in items)  # type: ignore[union-attr]
    assert projects(home) == [{"name": "Final", "images": 2, "active": True}]  # still the active one

    ok("project", "delete", "Final", home=home)
    items = listed(home)
    assert len(items) == 2 and [i["project"] for i in items] == [None, None]  # the images stay
    assert all(md.read_file(Path(i["path"])).project == "" for i in items)  # type: ignore[union-attr]
    assert projects(home) == []
    ok("generate", "a cat", home=home, sandbox=sandbox)  # no active project any more
    assert listed(home)[0]["project"] is None


def test_library_set_changes_the_index_and_every_file(home: Path, sandbox: Sandbox) -> None:
    ok("project", "create", "Picks", home=home)
    ok("generate", "a red fox", "--num-images", "3", home=home, sandbox=sandbox)
    ids = sorted(i["id"] for i in listed(home))
    chosen = ",".join(map(str, ids[:2]))
    ok("library", "set", "--ids", chosen, "--add-tag", "keep", "--add-tag", "red", home=home)
    ok(
        "library", "set", "--ids", chosen, "--rating", "4", "--favourite", "--remove-tag", "RED",
        "--project", "picks", home=home,
    )  # fmt: skip
    for item in listed(home):
        on_disk = md.read_file(Path(item["path"]))
        assert on_disk is not None
        if item["id"] in ids[:2]:
            assert (item["rating"], item["favourite"], item["tags"], item["project"]) == (
                4,
                True,
                ["keep"],
                "Picks",
            )
        else:
            assert (item["rating"], item["favourite"], item["tags"], item["project"]) == (0, False, [], None)
        # The file says the same as the index.
        assert (on_disk.rating, on_disk.favourite, list(on_disk.tags), on_disk.project or None) == (
            item["rating"],
            item["favourite"],
            item["tags"],
            item["project"],
        )
    ok("library", "set", "--ids", str(ids[0]), "--no-favourite", "--project", "none", home=home)
    first = next(i for i in listed(home) if i["id"] == ids[0])
    assert (first["favourite"], first["project"], first["rating"]) == (False, None, 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--ids", "1", "--rating", "6"), "--rating must be a whole number from 0 to 5 (got '6')"),
        (("--ids", "1", "--rating", "-1"), "--rating must be a whole number from 0 to 5"),
        (("--ids", "1,x", "--rating", "1"), "--ids takes image ids"),
        (("--ids", "1"), "nothing to change"),
        (("--ids", "1", "--add-tag", " "), "--add-tag"),
        (("--ids", "1", "--favourite", "--no-favourite"), "not allowed with argument --favourite"),
        (("--ids", "1,99", "--rating", "2"), "--ids: no image with id 99 (nothing was changed)"),
        (("--ids", "1", "--project", "Nope"), "--project: no project named 'Nope'"),
    ],
)
def test_library_set_refuses_bad_values_changing_nothing(
    home: Path, sandbox: Sandbox, args: tuple[str, ...], message: str
) -> None:
    ok("generate", "a red fox", home=home, sandbox=sandbox)
    before = listed(home)
    done = run("library", "set", *args, home=home)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert listed(home) == before


def test_library_delete_moves_files_to_the_trash(home: Path, sandbox: Sandbox) -> None:
    ok("generate", "a red fox", "--num-images", "3", home=home, sandbox=sandbox)
    items = listed(home)
    gone, kept = items[:2], items[2]
    bad = run("library", "delete", "--ids", f"{gone[0]['id']},999", home=home)
    assert bad.returncode == 2 and "no image with id 999" in bad.stderr
    assert len(listed(home)) == 3  # nothing deleted
    ok("library", "delete", "--ids", ",".join(str(i["id"]) for i in gone), home=home)
    assert [i["id"] for i in listed(home)] == [kept["id"]]
    trash = home / "library" / ".trash"
    assert sorted(p.name.partition("_")[2] for p in trash.iterdir()) == sorted(
        Path(i["path"]).name for i in gone
    )
    assert not any(Path(i["path"]).exists() for i in gone)
    ok("library", "reindex", home=home)  # the trash is not part of the library
    assert [i["id"] for i in listed(home)] == [kept["id"]]


def test_an_index_of_schema_2_gets_projects_and_stacks(home: Path, sandbox: Sandbox) -> None:
    ok("generate", "a red fox", home=home, sandbox=sandbox)
    index = home / "library" / "index.sqlite3"
    conn = sqlite3.connect(index)
    # Back to schema 2: what an index of the previous version looks like.
    conn.executescript(
        "DROP INDEX images_project_order; DROP INDEX images_order; DROP INDEX images_job;"
        "DROP TABLE projects;"
        "DROP TABLE library_state; CREATE INDEX images_newest ON images (created_ts DESC, id DESC);"
        "ALTER TABLE images DROP COLUMN project; ALTER TABLE images DROP COLUMN job;"
        "PRAGMA user_version = 2;"
    )
    conn.close()
    (item,) = listed(home)
    assert (item["project"], item["job"]) == (None, None)  # an old row: no project, no stack
    assert sqlite3.connect(index).execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    ok("project", "create", "New", home=home)
    ok("library", "set", "--ids", str(item["id"]), "--project", "New", home=home)
    assert listed(home, "--project", "new")[0]["id"] == item["id"]
