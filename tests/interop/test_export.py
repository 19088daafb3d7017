"""``library export`` and ``upgrade-metadata`` on a real library: templates, clean copies
(pixels identical, nothing of the prompt left: read with exiftool and Pillow), sidecars,
.zip, never overwriting, cancelling; and older files upgraded without touching pixels."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from interophelpers import exiftool, image_bytes, make_meta, make_old_style, pixels
from PIL import Image

from fluxdesk.cli.main import main
from fluxdesk.core import metadata as md
from fluxdesk.core.cancel import CancelToken
from fluxdesk.core.errors import CancelledError
from fluxdesk.core.interop import containers
from fluxdesk.core.interop.clean import clean_copy
from fluxdesk.core.interop.export import ExportOptions, TemplateError, check_template, export, plan
from fluxdesk.core.interop.upgrade import needs_upgrade
from fluxdesk.core.interop.xmp import TRAINED_ALGORITHMIC_MEDIA
from fluxdesk.core.library.record import parse_iso
from fluxdesk.core.library.store import Library
from fluxdesk.core.params import OutputFormat

SECRET = "a secret fox prompt"


def add(
    library: Library, fmt: str, seed: int, *, prompt: str = SECRET, size: tuple[int, int] = (64, 48)
) -> int:
    meta = make_meta(prompt, seed=seed, fmt=fmt, size=size)
    final = library.reserve_path(parse_iso(meta.created), prompt, seed, 0, OutputFormat(fmt))
    temp = library.temp_path_for(final)
    temp.write_bytes(image_bytes(fmt, size, **({"quality": 85} if fmt == "jpeg" else {})))
    item = library.commit(temp, final, meta)
    return library.update_review(item.id, rating=4, notes="client notes", tags=["private"]).id


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("FLUXDESK_HOME", str(home))
    with Library(home / "library") as library:
        add(library, "jpeg", 7_340_912_007_111)
        add(library, "png", 7_340_912_007_222)
        add(library, "jpeg", 7_340_912_007_333, prompt="another picture")
    return home


def items(home: Path, *ids: int) -> list:  # type: ignore[type-arg]
    with Library(home / "library") as library:
        return [library.get(i) for i in ids] if ids else library.items()


def test_template_fields_and_unknown_field() -> None:
    check_template("{date}_{time}_{seed}_{index}_{prompt:30}_{width}x{height}_{rating}_{id}")
    with pytest.raises(TemplateError, match=r"unknown field \{colour\}"):
        check_template("{date}_{colour}")
    with pytest.raises(TemplateError, match="only"):
        check_template("{seed:5}")


def test_cli_unknown_template_field_is_exit_2(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["library", "export", str(tmp_path / "out"), "--template", "{nope}"]) == 2
    assert "unknown field {nope}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_names_clash_get_a_suffix_and_nothing_is_overwritten(home: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "x.jpg").write_bytes(b"mine")
    report = export(items(home), dest, ExportOptions(template="x"))
    assert sorted(report.files) == ["x (2).jpg", "x (3).jpg", "x.png"]
    assert (dest / "x.jpg").read_bytes() == b"mine"
    again = export(items(home), dest, ExportOptions(template="x"))
    assert sorted(again.files) == ["x (2).png", "x (4).jpg", "x (5).jpg"]


def test_default_template_and_prompt_width(home: Path) -> None:
    first = next(i for i in items(home) if i.prompt == "another picture")
    assert plan([first], ExportOptions()) == [f"{first.created[:10]}_{first.seed}_0.jpg"]
    assert plan([first], ExportOptions(template="{prompt:9}_{id}")) == [f"another_{first.id}.jpg"]


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_clean_copy_keeps_pixels_and_only_the_ai_label(home: Path, tmp_path: Path, fmt: str) -> None:
    item = next(i for i in items(home) if i.output_format == fmt)
    dest = tmp_path / "clean"
    report = export([item], dest, ExportOptions(clean=True))
    copy = dest / report.files[0]
    assert pixels(copy) == pixels(item.path)
    data = copy.read_bytes()
    assert SECRET.encode() not in data and str(item.seed).encode() not in data
    assert b"client notes" not in data and b"private" not in data and md.read_bytes(data) is None
    found = exiftool(copy)
    assert found["XMP-iptcExt:DigitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    # (the file's name and folder carry the seed by the template's choice: not metadata)
    text = json.dumps({k: v for k, v in found.items() if k != "SourceFile" and not k.startswith("System:")})
    assert SECRET not in text and str(item.seed) not in text and "client notes" not in text
    assert not [k for k in found if "Warning" in k]
    with Image.open(copy) as im:
        assert not im.info.get("parameters") and not im.getexif()
        assert not [k for k in im.info if k in ("fluxdesk", "parameters", "prompt", "Description")]


def test_clean_copy_without_ai_label_has_no_text_at_all(home: Path, tmp_path: Path) -> None:
    item = next(i for i in items(home) if i.output_format == "png")
    report = export([item], tmp_path / "bare", ExportOptions(clean=True, ai_label=False))
    chunks, _ = containers.png_chunks((tmp_path / "bare" / report.files[0]).read_bytes())
    assert not [c for c in chunks if c.kind in (b"tEXt", b"iTXt", b"zTXt")]


def test_clean_jpeg_keeps_icc_profile_and_drops_comments() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buf, "JPEG", icc_profile=b"\0" * 200, comment=b"secret comment")
    data = buf.getvalue()
    clean = clean_copy(data)
    assert b"secret comment" not in clean and b"ICC_PROFILE" in clean
    assert pixels(clean) == pixels(data)


def test_sidecars_json_and_csv(home: Path, tmp_path: Path) -> None:
    report = export(items(home), tmp_path / "j", ExportOptions(sidecar="json"))
    for name in report.files:
        record = json.loads((tmp_path / "j" / f"{Path(name).stem}.json").read_text("utf-8"))
        assert (
            record["request"]["prompt"] in (SECRET, "another picture") and record["notes"] == "client notes"
        )
    export(items(home), tmp_path / "c", ExportOptions(sidecar="csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c" / "index.csv").read_text("utf-8-sig"))))
    assert len(rows) == 3 and {r["seed"] for r in rows} == {"7340912007111", "7340912007222", "7340912007333"}
    assert all((tmp_path / "c" / r["file"]).exists() for r in rows)


def test_zip_holds_the_same(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "share.zip"
    assert main(["library", "export", str(dest), "--zip", "--clean", "--sidecar", "csv", "--favourites"]) == 1
    assert "no images" in capsys.readouterr().err and not dest.exists()
    assert (
        main(["library", "export", str(dest), "--zip", "--clean", "--sidecar", "csv", "--min-rating", "4"])
        == 0
    )
    with zipfile.ZipFile(dest) as archive:
        names = archive.namelist()
        assert len(names) == 4 and "index.csv" in names
        for name in names:
            if name != "index.csv":
                assert SECRET.encode() not in archive.read(name)
    assert main(["library", "export", str(dest), "--zip"]) == 12  # exists: never overwritten
    assert "already exists" in capsys.readouterr().err


def test_cancel_leaves_nothing_behind(home: Path, tmp_path: Path) -> None:
    cancel = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 2:
            cancel.cancel()

    dest = tmp_path / "out"
    with pytest.raises(CancelledError):
        export(items(home), dest, ExportOptions(sidecar="json"), cancel=cancel, on_progress=progress)
    assert seen == [1, 2] and list(dest.iterdir()) == []
    with pytest.raises(CancelledError):
        export(items(home), tmp_path / "x.zip", ExportOptions(), as_zip=True, cancel=cancel)
    assert list(tmp_path.glob("*.zip*")) == [] and list(tmp_path.glob(".x.zip*")) == []


def _old_style(path: Path) -> None:
    make_old_style(path)
    assert needs_upgrade(path)


def test_upgrade_metadata_adds_the_standard_blocks_without_touching_pixels(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {}
    for item in items(home):
        _old_style(item.path)
        before[item.path] = (pixels(item.path), md.read_file(item.path))
        assert "XMP-dc:Description" not in exiftool(item.path)
    assert main(["library", "upgrade-metadata"]) == 0
    assert "Upgraded 3 files" in capsys.readouterr().out
    for path, (pix, record) in before.items():
        assert pixels(path) == pix and md.read_file(path) == record
        assert exiftool(path)["XMP-dc:Description"] in (SECRET, "another picture")
        assert not needs_upgrade(path)
    assert main(["library", "upgrade-metadata"]) == 0
    assert "Upgraded 0 files; 3 already had" in capsys.readouterr().out
    assert main(["library", "list", "--json"]) == 0  # the index still matches the files
    assert len(json.loads(capsys.readouterr().out)) == 3
