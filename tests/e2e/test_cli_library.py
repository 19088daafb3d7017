"""``fluxdesk library search`` and ``export-sheet`` as real processes, on a library made by
``fluxdesk generate`` against the loopback sandbox, so CLI and GUI share one library."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from clirun import run
from PIL import Image

from fluxdesk.core.library import contact_sheet as cs
from fluxdesk.sandbox.server import Sandbox


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-library") / "home"
    with Sandbox() as sandbox:
        for prompt, extra in (
            ("a red fox in snow", ["--num-images", "2"]),
            ("lighthouse at dusk", ["--format", "png"]),
            ("koi pond from above", []),
        ):
            done = run("generate", prompt, "--seed", "7", *extra, home=home, sandbox=sandbox)
            assert done.returncode == 0, done.stderr
    return home


def test_search_is_list_search_and_prints_json(home: Path) -> None:
    found = run("library", "search", "fox", "--json", home=home)
    assert found.returncode == 0, found.stderr
    items = json.loads(found.stdout)
    assert len(items) == 2 and all("fox" in i["prompt"] for i in items)
    listed = run("library", "list", "--search", "fox", "--json", home=home)
    assert json.loads(listed.stdout) == items
    prefix = run("library", "search", "lightho", home=home)
    assert prefix.returncode == 0 and "lighthouse at dusk" in prefix.stdout
    none = run("library", "search", "zebra", home=home)
    assert none.returncode == 0 and none.stdout == "" and "No images match 'zebra'" in none.stderr


def test_export_sheet_png_and_pdf(home: Path, tmp_path: Path) -> None:
    png = tmp_path / "review.png"
    done = run("library", "export-sheet", str(png), "--search", "fox", home=home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Wrote {png} (2 images, 1 page)."
    with Image.open(png) as im:
        im.load()
        assert im.format == "PNG" and im.width == cs.PAGE_WIDTH
    # A sheet is for sharing: the mode a new file of the user's gets (not mkstemp's 0600).
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(png.stat().st_mode) == 0o666 & ~umask

    items = json.loads(run("library", "list", "--json", home=home).stdout)
    ids = ",".join(str(i["id"]) for i in items[:3])
    pdf = tmp_path / "out" / "review.pdf"
    done = run("library", "export-sheet", str(pdf), "--ids", ids, "--title", "Client review", home=home)
    assert done.returncode == 0, done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1


def test_export_sheet_errors_are_one_line(home: Path, tmp_path: Path) -> None:
    bad = run("library", "export-sheet", str(tmp_path / "sheet.gif"), home=home)
    assert bad.returncode == 2 and not (tmp_path / "sheet.gif").exists()
    assert bad.stderr.count("\n") == 1 and ".png or .pdf" in bad.stderr
    missing = run("library", "export-sheet", str(tmp_path / "s.png"), "--ids", "1,99999", home=home)
    assert missing.returncode == 2 and "99999" in missing.stderr and missing.stderr.count("\n") == 1
    garbage = run("library", "export-sheet", str(tmp_path / "s.png"), "--ids", "one", home=home)
    assert garbage.returncode == 2 and garbage.stderr.count("\n") == 1
    empty = run("library", "export-sheet", str(tmp_path / "s.png"), "--search", "zebra", home=home)
    assert empty.returncode == 1 and "no images" in empty.stderr
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    unwritable = run("library", "export-sheet", str(blocked / "s.png"), home=home)
    assert unwritable.returncode == 12 and unwritable.stderr.startswith(
        "fluxdesk: Cannot write the contact sheet"
    )
    assert unwritable.stderr.count("\n") == 1
