"""The command line on a library holding damaged files, and an API seed past 2**63, as a
user runs it (real processes): ``library reindex`` indexes the rest, names each damaged
file on stderr and exits 0; a seed of 2**63+5 from the server is saved and listed exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fluxdesk.core.library.store import Library
from tests.e2e.clirun import run
from tests.hostile.damaged import ALL_DAMAGE, real_file, words_for, write_hostile_files
from tests.hostile.server import HostileServer, file_route
from tests.hostile.test_hostile_cli import answer, png

pytestmark = pytest.mark.subprocess


def test_reindex_skips_and_names_damaged_files_and_indexes_the_rest(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Library(home / "library") as library:
        fox = real_file(library, "a red fox", 7)
        real_file(library, "koi pond", 2**63 + 5)
        damaged = write_hostile_files(fox.path, fox.path.parent)
    for path in (home / "library").glob("index.sqlite3*"):
        path.unlink()  # from the files alone
    result = run("library", "reindex", home=home)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    assert "Traceback" not in result.stderr
    assert f"fluxdesk: warning: {len(damaged)} files with damaged FluxDesk metadata skipped" in result.stderr
    for path in damaged:
        line = next(x for x in result.stderr.splitlines() if path.name in x)
        assert words_for(path.stem.removeprefix("damaged-")) in line
    listed = json.loads(run("library", "list", "--json", home=home).stdout)
    assert sorted(i["prompt"] for i in listed) == ["a red fox", "koi pond"]
    assert {i["prompt"]: i["seed"] for i in listed}["koi pond"] == 2**63 + 5
    assert len(ALL_DAMAGE) == len(damaged)


def test_an_api_seed_past_2_63_is_saved_and_listed_exactly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed = 2**63 + 5
    with HostileServer() as server:
        server.answer(answer(server, seed=seed))
        server.routes["/img/0.png"] = file_route(png())
        result = run(
            "generate", "a fox", "--json", home=home, base_url=server.base_url, key="sk-hostile-test"
        )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["seed"] == seed
    saved = Path(data["images"][0]["path"])
    assert saved.is_file() and str(seed) in saved.name
    listed = run("library", "list", "--json", home=home)
    assert listed.returncode == 0, listed.stderr
    [item] = json.loads(listed.stdout)
    assert item["seed"] == seed and item["parameters"]["seed"] == seed
