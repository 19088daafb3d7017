"""``fluxdesk library import``: other tools' images copied into the library byte for byte,
indexed with their parameters, exact duplicates skipped, originals left in place, and
``library reindex`` reading them back the same way; a review keeps their bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import samples
from interophelpers import image_bytes, make_meta

from fluxdesk.cli.main import main
from fluxdesk.core import metadata as md
from fluxdesk.core.library.store import Library


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("FLUXDESK_HOME", str(home))
    return home


@pytest.fixture
def originals(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    (folder / "comfy").mkdir(parents=True)
    samples.a1111_png(folder / "a1111.png")
    samples.jpeg_with_user_comment(folder / "a1111.jpg", samples.A1111_PARAMETERS)
    samples.comfyui_png(folder / "comfy" / "c.png")
    samples.invokeai_png(folder / "comfy" / "invoke.png")
    (folder / "photo.png").write_bytes(image_bytes("png", (20, 20)))  # no parameters
    (folder / "own.jpg").write_bytes(md.embed(image_bytes("jpeg"), make_meta(fmt="jpeg", seed=99)))
    (folder / "notes.txt").write_text("not an image")
    os.utime(folder / "a1111.png", (1_700_000_000, 1_700_000_000))
    return folder


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:  # type: ignore[type-arg]
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_import_copies_byte_for_byte_and_indexes(
    home: Path, originals: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in originals.rglob("*") if p.is_file()}
    added = run_json(capsys, "library", "import", str(originals))
    by_prompt = {a["prompt"]: a for a in added}
    assert len(added) == 5  # the photo without parameters and the text file are skipped
    lighthouse = [a for a in added if a["prompt"] == "a lighthouse on a cliff, golden hour"]
    assert len(lighthouse) == 2 and {a["format"] for a in lighthouse} == {"png", "jpeg"}
    comfy = by_prompt["beautiful scenery nature glass bottle landscape"]
    assert comfy["seed"] == 156680208700286 and comfy["parameters"]["num_inference_steps"] == 20
    assert by_prompt["a red fox in snow"]["seed"] == 99  # a FluxDesk file from elsewhere
    png = next(a for a in lighthouse if a["format"] == "png")
    assert Path(png["path"]).read_bytes() == (originals / "a1111.png").read_bytes()
    assert png["created"].startswith("2023-11-14T22:13:20")  # the original's time
    assert {p: p.read_bytes() for p in originals.rglob("*") if p.is_file()} == before  # left in place

    # Exact duplicates (same bytes) are skipped; nothing new.
    assert run_json(capsys, "library", "import", str(originals / "a1111.png"), str(originals)) == []
    # reindex reads the imported files back the same way.
    listed = run_json(capsys, "library", "list")
    with Library(home / "library") as library:
        library.connection().execute("DELETE FROM images")
        library.connection().commit()
        report = library.reindex()
        assert report.added == 5
    relisted = run_json(capsys, "library", "list")
    key = lambda rows: sorted((r["path"], r["prompt"], r["seed"], r["created"]) for r in rows)  # noqa: E731
    assert key(relisted) == key(listed)


def test_reviewing_an_imported_image_keeps_its_bytes(home: Path, originals: Path) -> None:
    with Library(home / "library") as library:
        from fluxdesk.core.interop.importing import import_paths

        report = import_paths(library, [originals / "comfy" / "c.png"])
        item = report.added[0]
        data = item.path.read_bytes()
        updated = library.update_review(item.id, rating=5, tags=["keep"])
        assert updated.rating == 5 and updated.tags == ("keep",)
        assert item.path.read_bytes() == data


def test_import_of_a_missing_path_is_exit_2(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["library", "import", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_import_says_what_it_skipped(home: Path, originals: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "import", str(originals / "photo.png"), str(originals / "notes.txt")]) == 0
    err = capsys.readouterr().err
    assert "Imported 0 images; 0 already in the library, 2 skipped." in err
    assert "photo.png: no parameters FluxDesk can read" in err and "notes.txt: not a readable image" in err


def test_an_imported_image_without_a_seed_has_none_and_its_settings_can_be_used(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed rule has no value for "unknown": such an image lists its seed as null and
    "Use these settings" (to_request) works, leaving the seed to the server."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(
        "parameters", "a cat on a windowsill\nSteps: 20, Sampler: Euler, CFG scale: 3.5, Size: 512x512"
    )
    source = tmp_path / "no-seed.png"
    Image.new("RGB", (512, 512), (90, 120, 150)).save(source, pnginfo=info)
    (added,) = run_json(capsys, "library", "import", str(source))
    assert added["seed"] is None and added["parameters"]["seed"] is None
    with Library(home / "library") as library:
        (record,) = library.items()
        request = record.to_request()
        assert request.seed is None and request.prompt == "a cat on a windowsill"
        assert request.num_inference_steps == 20
