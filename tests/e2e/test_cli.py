"""The ``fluxdesk`` command line as a user and a script run it: real processes, real
loopback sandbox, real files."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from clirun import run

from fluxdesk.core.metadata import read_file
from fluxdesk.sandbox.server import Sandbox


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_help_lists_the_commands(home: Path) -> None:
    result = run("--help", home=home)
    assert result.returncode == 0
    for command in ("generate", "library", "key", "sandbox", "--sandbox"):
        assert command in result.stdout


def test_generate_json_then_list_and_search(sandbox: Sandbox, home: Path) -> None:
    result = run(
        "generate",
        "a lighthouse at dusk",
        "--width",
        "768",
        "--height",
        "512",
        "--num-images",
        "2",
        "--seed",
        str(2**63 - 1),
        "--format",
        "png",
        "--guidance-scale",
        "4.5",
        "--steps",
        "20",
        "--no-safety-checker",
        "--json",
        home=home,
        sandbox=sandbox,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # stdout is exactly one JSON object
    assert data["seed"] == 2**63 - 1
    assert data["request"] == {
        "model": "flux-realism",
        "prompt": "a lighthouse at dusk",
        "image_size": {"width": 768, "height": 512},
        "guidance_scale": 4.5,
        "num_inference_steps": 20,
        "enable_safety_checker": False,
        "output_format": "png",
        "num_images": 2,
        "seed": 2**63 - 1,
    }
    assert [set(img) for img in data["images"]] == [{"path", "width", "height", "nsfw"}] * 2
    for img in data["images"]:
        path = Path(img["path"])
        assert path.is_file() and path.is_relative_to(home / "library")
        assert (img["width"], img["height"], img["nsfw"]) == (768, 512, False)
        meta = read_file(path)
        assert meta is not None and meta.seed == 2**63 - 1

    listed = run("library", "list", "--json", home=home)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert sorted(i["path"] for i in items) == sorted(img["path"] for img in data["images"])
    assert {i["seed"] for i in items} == {2**63 - 1}
    assert items[0]["prompt"] == "a lighthouse at dusk"
    assert items[0]["parameters"]["num_inference_steps"] == 20

    assert len(json.loads(run("library", "list", "--search", "lighthou", "--json", home=home).stdout)) == 2
    assert json.loads(run("library", "list", "--search", "zebra", "--json", home=home).stdout) == []
    text = run("library", "list", home=home)
    assert "a lighthouse at dusk" in text.stdout


def test_plain_generate_prints_paths_only(sandbox: Sandbox, home: Path) -> None:
    result = run("generate", "fox", home=home, sandbox=sandbox)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and Path(lines[0]).is_file() and lines[0].endswith(".jpg")
    assert result.stderr == ""  # not a terminal: no progress noise


def test_validation_errors_exit_2_name_every_field_and_send_nothing(sandbox: Sandbox, home: Path) -> None:
    result = run(
        "generate",
        " ",
        "--width",
        "1000",
        "--steps",
        "80",
        "--num-images",
        "5",
        "--seed",
        "0",
        "--guidance-scale",
        "x",
        "--format",
        "gif",
        home=home,
        sandbox=sandbox,
    )
    assert result.returncode == 2
    for words in (
        "Prompt",
        "Width (--width): must be a multiple of 32 from 512 to 1536",
        "--width needs --height as well (each a multiple of 32 from 512 to 1536)",
        "Steps (--steps): must be a whole number from 1 to 50",
        "Images (--num-images): must be a whole number from 1 to 4",
        "Seed (--seed)",
        "Guidance scale (--guidance-scale): must be a number from 1 to 20",
        "Output format (--format): must be jpeg or png",
    ):
        assert words in result.stderr
    assert "Traceback" not in result.stderr and "None" not in result.stderr
    assert result.stdout == ""
    assert sandbox.requests == []


def test_size_and_width_together_are_refused(home: Path) -> None:
    result = run("generate", "x", "--size", "square", "--width", "512", "--height", "512", home=home)
    assert result.returncode == 2 and "--size and --width/--height are alternatives" in result.stderr


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        ("unauthorized", 3, "API key was rejected"),
        ("server_error", 6, "HTTP 500"),
        ("not_json", 9, "cannot read"),
        ("missing_images", 9, "lists no images"),
    ],
)
def test_failures_are_one_line_with_their_exit_code(
    sandbox: Sandbox, home: Path, fault: str, code: int, words: str
) -> None:
    sandbox.inject(fault)
    result = run("generate", "fox", home=home, sandbox=sandbox)
    assert result.returncode == code
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and sandbox.api_key not in result.stderr
    assert result.stdout == ""


def test_wrong_key_and_offline(sandbox: Sandbox, home: Path) -> None:
    result = run("generate", "fox", home=home, sandbox=sandbox, key="sk-wrong")
    assert result.returncode == 3 and "sk-wrong" not in result.stderr
    base_url = sandbox.base_url
    sandbox.stop()  # nothing listens there any more
    result = run("generate", "fox", home=home, base_url=base_url)
    assert result.returncode == 7 and "Cannot reach" in result.stderr and "Traceback" not in result.stderr


def test_debug_shows_the_traceback(home: Path) -> None:
    # A key no file path can contain (the fixture's "sandbox" may be part of the checkout's).
    with Sandbox(api_key="k3y-7f3a9c") as sandbox:
        sandbox.inject("server_error")
        result = run("--debug", "generate", "fox", home=home, sandbox=sandbox)
    assert result.returncode != 0 and "Traceback" in result.stderr
    assert sandbox.api_key not in result.stderr


def test_no_key_at_all_explains_what_to_do(home: Path) -> None:
    env_home = home
    result = run("generate", "fox", home=env_home)
    assert result.returncode == 11
    assert "FLUXDESK_API_KEY" in result.stderr and "Traceback" not in result.stderr


def test_builtin_sandbox_needs_no_key(home: Path) -> None:
    result = run("--sandbox", "generate", "a red fox", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert Path(json.loads(result.stdout)["images"][0]["path"]).is_file()


def test_reindex_rebuilds_from_the_files_alone(sandbox: Sandbox, home: Path) -> None:
    assert run("generate", "fox", "--num-images", "3", home=home, sandbox=sandbox).returncode == 0
    (home / "library" / "index.sqlite3").unlink()
    for extra in home.glob("library/index.sqlite3-*"):
        extra.unlink()
    result = run("library", "reindex", home=home)
    assert result.returncode == 0 and "3 added" in result.stdout
    assert len(json.loads(run("library", "list", "--json", home=home).stdout)) == 3


def test_progress_goes_to_a_terminal_stderr_and_stdout_stays_clean(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("slow", seconds=0.6)
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env.update(FLUXDESK_HOME=str(home), FLUXDESK_BASE_URL=sandbox.base_url, FLUXDESK_API_KEY=sandbox.api_key)
    proc = subprocess.run(
        [sys.executable, "-m", "fluxdesk", "generate", "fox", "--json"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
        timeout=60,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    terminal = b"".join(chunks).decode()
    assert proc.returncode == 0
    json.loads(proc.stdout)
    assert "Generating" in terminal and " s" in terminal


def test_ctrl_c_cancels_cleanly(sandbox: Sandbox, home: Path) -> None:
    sandbox.inject("slow_download", count=4, seconds=20, chunks=100)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env.update(FLUXDESK_HOME=str(home), FLUXDESK_BASE_URL=sandbox.base_url, FLUXDESK_API_KEY=sandbox.api_key)
    proc = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "generate", "fox", "--num-images", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 20
    while not any(r.server == "cdn" for r in sandbox.requests) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, err
    assert "Cancelled" in err and "Traceback" not in err
    leftovers = [
        p for p in (home / "library").rglob("*") if p.is_file() and p.suffix in {".jpg", ".png", ".part"}
    ]
    assert leftovers == []


def test_sandbox_command_serves_and_takes_faults_over_http(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "sandbox", "--port", "0", "--inference-delay", "0", "--key", "k1"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        base_url = first.split("API: ")[1].split()[0]
        faults = requests.post(
            f"{base_url}/_sandbox/faults", json={"faults": [{"kind": "server_error"}]}, timeout=5
        )
        assert faults.ok
        env.update(FLUXDESK_HOME=str(home), FLUXDESK_BASE_URL=base_url, FLUXDESK_API_KEY="k1")
        cmd = [sys.executable, "-m", "fluxdesk", "generate", "fox"]
        failed = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        assert failed.returncode == 6
        ok = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        assert ok.returncode == 0, ok.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_no_display_is_one_clear_line(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["FLUXDESK_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "fluxdesk", "--sandbox"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert "no display" in result.stderr and "fluxdesk --help" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
