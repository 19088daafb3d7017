"""Presets through the command line: what ``generate --preset`` sends is read from the
loopback sandbox's request log; bad presets are refused naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import run

from fluxdesk.core import params as P
from fluxdesk.sandbox.server import Sandbox


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def sent_bodies(sandbox: Sandbox) -> list[dict[str, object]]:
    return [r.body for r in sandbox.requests if r.server == "api" and r.method == "POST"]


def test_a_preset_holds_every_setting_and_options_given_win(home: Path, sandbox: Sandbox) -> None:
    saved = run(
        "preset", "save", "Moody portrait", "--prompt", "studio portrait of {subject}, rim light",
        "--width", "768", "--height", "1152", "--guidance-scale", "4.5", "--steps", "30",
        "--num-images", "2", "--format", "png", "--no-safety-checker", home=home,
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert "Saved preset 'Moody portrait'" in saved.stdout

    done = run("generate", "a red fox", "--preset", "moody portrait", "--json", home=home, sandbox=sandbox)
    assert done.returncode == 0, done.stderr
    (body,) = sent_bodies(sandbox)
    assert body == {
        "model": "flux-realism",
        "prompt": "studio portrait of a red fox, rim light",
        "image_size": {"width": 768, "height": 1152},
        "guidance_scale": 4.5,
        "num_inference_steps": 30,
        "num_images": 2,
        "output_format": "png",
        "enable_safety_checker": False,
    }
    assert "seed" not in body  # not asked for: a preset keeps the seed only with --seed
    assert len(json.loads(done.stdout)["images"]) == 2

    again = run("generate", "an owl", "--preset", "Moody portrait", "--steps", "12", "--size", "square",
                home=home, sandbox=sandbox)  # fmt: skip
    assert again.returncode == 0, again.stderr
    body = sent_bodies(sandbox)[-1]
    assert body["num_inference_steps"] == 12 and body["image_size"] == "square"
    assert body["prompt"] == "studio portrait of an owl, rim light" and body["guidance_scale"] == 4.5


def test_a_plain_prompt_preset_and_the_seed_when_asked(home: Path, sandbox: Sandbox) -> None:
    assert run("preset", "save", "lighthouse", "--prompt", "a lighthouse at dusk", "--seed", "42",
               home=home).returncode == 0  # fmt: skip
    done = run("generate", "--preset", "lighthouse", home=home, sandbox=sandbox)
    assert done.returncode == 0, done.stderr
    body = sent_bodies(sandbox)[-1]
    assert body["prompt"] == "a lighthouse at dusk" and body["seed"] == 42
    # Steps and guidance the preset leaves to the server go out as the API's defaults.
    assert (body["num_inference_steps"], body["guidance_scale"]) == (
        P.API_DEFAULT_STEPS,
        P.API_DEFAULT_GUIDANCE_SCALE,
    )
    run("generate", "a harbour", "--preset", "lighthouse", home=home, sandbox=sandbox)
    assert sent_bodies(sandbox)[-1]["prompt"] == "a harbour"  # the prompt given wins


def test_unknown_presets_and_missing_subjects_send_nothing(home: Path, sandbox: Sandbox) -> None:
    run("preset", "save", "portrait", "--prompt", "portrait of {subject}", home=home)
    unknown = run("generate", "x", "--preset", "landscape", home=home, sandbox=sandbox)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "fluxdesk generate: no preset called 'landscape' (presets: portrait)"
    no_subject = run("generate", "--preset", "portrait", home=home, sandbox=sandbox)
    assert no_subject.returncode == 2 and "{subject}" in no_subject.stderr
    assert sent_bodies(sandbox) == []


def test_list_show_export_import_delete(home: Path, tmp_path: Path) -> None:
    run("preset", "save", "quick", "--steps", "12", "--guidance-scale", "2", home=home)
    listed = json.loads(run("preset", "list", "--json", home=home).stdout)
    assert listed == [
        {"name": "quick", "template": False, "values": {"guidance_scale": 2.0, "num_inference_steps": 12}}
    ]
    shown = run("preset", "show", "quick", home=home)
    assert shown.stdout.splitlines() == ["quick", "  Guidance scale: 2", "  Steps: 12"]

    shared = tmp_path / "shared" / "quick.json"
    assert run("preset", "export", "quick", str(shared), home=home).returncode == 0
    assert json.loads(shared.read_text())["fluxdesk_preset"] == 1
    other = tmp_path / "other-home"
    imported = run("preset", "import", str(shared), home=other)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(run("preset", "list", "--json", home=other).stdout) == listed

    assert run("preset", "delete", "quick", home=home).returncode == 0
    assert json.loads(run("preset", "list", "--json", home=home).stdout) == []
    gone = run("preset", "delete", "quick", home=home)
    assert gone.returncode == 2 and "no preset called 'quick'" in gone.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {"fluxdesk_preset": 1, "name": "x", "values": {"num_inference_steps": 99}},
            "Steps: must be a whole number from 1 to 50 (got 99)",
        ),
        (
            {"fluxdesk_preset": 1, "name": "x", "values": {"image_size": {"width": 500, "height": 768}}},
            "Width: must be a multiple of 32 from 512 to 1536",
        ),
        ({"fluxdesk_preset": 1, "name": "x", "values": {"seed": "7"}}, "Seed: must be a whole number"),
        ({"fluxdesk_preset": 1, "name": "x", "values": {"sampler": "euler"}}, "unknown field 'sampler'"),
        ({"fluxdesk_preset": 1, "name": "", "values": {}}, "Preset name: must not be empty"),
        ({"name": "x", "values": {}}, 'not a FluxDesk preset (no "fluxdesk_preset": 1)'),
        ([1, 2, 3], "not a FluxDesk preset"),
    ],
)
def test_import_names_the_bad_field(home: Path, tmp_path: Path, content: object, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(content))
    done = run("preset", "import", str(bad), home=home)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert json.loads(run("preset", "list", "--json", home=home).stdout) == []


def test_import_of_a_file_that_is_not_json(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    done = run("preset", "import", str(bad), home=home)
    assert done.returncode == 2 and "image.png: not a FluxDesk preset (not a JSON file)" in done.stderr
