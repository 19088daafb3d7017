"""``library set``/``delete`` run the bulk actions (issue 18): an image that cannot be
changed is named (exit 12) and the others still change; index and files agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clirun import run

from fluxdesk.core import metadata as md
from fluxdesk.sandbox.server import Sandbox


def listed(home: Path) -> list[dict[str, Any]]:
    done = run("library", "list", "--json", home=home)
    assert done.returncode == 0, done.stderr
    data: list[dict[str, Any]] = json.loads(done.stdout)
    return data


def test_a_damaged_file_is_named_and_the_others_change(tmp_path: Path, sandbox: Sandbox) -> None:
    home = tmp_path / "home"
    assert run("generate", "a red fox", "--num-images", "3", home=home, sandbox=sandbox).returncode == 0
    items = listed(home)
    damaged = items[1]
    Path(damaged["path"]).write_bytes(b"\x89PNG\r\n\x1a\n" + b"no chunks at all")
    ids = ",".join(str(i["id"]) for i in items)
    done = run("library", "set", "--ids", ids, "--rating", "5", "--add-tag", "picked", home=home)
    assert done.returncode == 12, done.stderr
    assert f"Image {damaged['id']}:" in done.stderr and "2 other image(s) changed" in done.stderr
    assert "Traceback" not in done.stderr
    for item in listed(home):
        if item["id"] == damaged["id"]:
            assert (item["rating"], item["tags"]) == (0, [])
            continue
        on_disk = md.read_file(Path(item["path"]))
        assert on_disk is not None
        assert (item["rating"], item["tags"]) == (on_disk.rating, list(on_disk.tags)) == (5, ["picked"])
