"""The command line against a hostile loopback server and hostile files, as a user runs
it (real processes): what it prints never carries a raw control character, each failure
has its own exit code and words, --debug keeps the exit code, SIGTERM cleans up."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fluxdesk.core.library.record import ImageRecord
from fluxdesk.core.metadata import embed
from fluxdesk.core.request import validated_request
from tests.hostile.server import HostileServer, file_route, json_route, redirect_route, trickle_route

pytestmark = pytest.mark.subprocess

OSC = "\u001b]0;pwned\u0007"  # sets the terminal's title
CSI = "\u009b2J"  # the one-character CSI: clears the screen on some terminals


def png(width: int = 512, height: int = 512) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def env_for(home: Path, server: HostileServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLUXDESK_")}
    env["FLUXDESK_HOME"] = str(home)
    if server is not None:
        env["FLUXDESK_BASE_URL"] = server.base_url
        env["FLUXDESK_API_KEY"] = "sk-hostile-test"
    return env


def run(*args: str, home: Path, server: HostileServer | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", *args],
        capture_output=True,
        text=True,
        env=env_for(home, server),
        timeout=120,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def answer(server: HostileServer, count: int = 1, seed: int = 4134117142) -> dict[str, object]:
    return {"images": [{"url": server.url(f"/img/{i}.png")} for i in range(count)], "seed": seed}


def assert_no_raw_controls(*texts: str) -> None:
    for text in texts:
        assert not [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or 127 <= ord(ch) < 160]


def test_prompts_from_files_are_printed_escaped(home: Path) -> None:
    meta = ImageRecord.for_image(validated_request({"prompt": "a fox"}), seed=7, index=0, width=64, height=64)
    meta.request["prompt"] = f"{OSC}a fox {CSI}"
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, "PNG")
    folder = home / "library" / "2026" / "01" / "02"
    folder.mkdir(parents=True)
    (folder / "hostile.png").write_bytes(embed(out.getvalue(), meta))
    assert run("library", "reindex", home=home).returncode == 0
    listed = run("library", "list", home=home)
    assert listed.returncode == 0, listed.stderr
    assert_no_raw_controls(listed.stdout, listed.stderr)
    assert "\\u001b]0;pwned\\u0007a fox \\u009b2J" in listed.stdout
    as_json = run("library", "list", "--json", home=home)
    assert_no_raw_controls(as_json.stdout)
    # JSON stays JSON, and holds the prompt exactly.
    assert json.loads(as_json.stdout)[0]["prompt"] == f"{OSC}a fox {CSI}"


def test_a_server_message_is_printed_escaped(home: Path, server: HostileServer) -> None:
    server.api(json_route({"message": f"bad prompt {OSC}\u001b[2J{CSI}"}, status=422))
    result = run("generate", "a fox", home=home, server=server)
    assert result.returncode == 4
    assert_no_raw_controls(result.stdout, result.stderr)
    assert "bad prompt \\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J" in result.stderr


def test_debug_keeps_the_exit_code_and_adds_the_traceback(home: Path, server: HostileServer) -> None:
    server.api(json_route({"message": "no"}, status=422))
    plain = run("generate", "a fox", home=home, server=server)
    debug = run("generate", "a fox", "--debug", home=home, server=server)
    assert plain.returncode == debug.returncode == 4
    assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.rstrip().splitlines()[-1]


def test_too_many_images_saves_what_was_asked_and_warns(home: Path, server: HostileServer) -> None:
    server.answer(answer(server, count=40))
    for i in range(40):
        server.routes[f"/img/{i}.png"] = file_route(png())
    result = run("generate", "a fox", "--num-images", "1", home=home, server=server)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert (
        "fluxdesk: warning: The API listed 40 images for a request of 1; "
        "FluxDesk saved the first 1 and ignored the rest." in result.stderr
    )


@pytest.mark.parametrize(
    ("target", "words"),
    [("/img/0.png", "redirects in a loop"), ("file:///etc/passwd", "redirected to a file:// address")],
)
def test_redirects_say_what_happened(home: Path, server: HostileServer, target: str, words: str) -> None:
    server.answer(answer(server))
    server.routes["/img/0.png"] = redirect_route(target)
    result = run("generate", "a fox", home=home, server=server)
    assert result.returncode == 10
    assert words in result.stderr and "internet connection" not in result.stderr


def test_a_key_with_control_characters_is_refused(home: Path) -> None:
    result = run("key", "set", home=home, stdin="sk-abc\u001b[31mdef\n")
    assert result.returncode == 2
    assert "control characters; nothing was stored" in result.stderr


def test_out_of_range_settings_give_one_warning_each_and_the_command_runs(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.json").write_text(
        '{"connect_timeout": -1, "read_timeout": NaN, "library_dir": "x\\u0000y"}', encoding="utf-8"
    )
    result = run("library", "list", home=home)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("fluxdesk: warning: ")]
    assert len(warnings) == 3 and "unexpected error" not in result.stderr
    assert_no_raw_controls(result.stderr)


def test_sigterm_cleans_up_like_ctrl_c(home: Path, server: HostileServer) -> None:
    stop = threading.Event()
    data = png()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n" % len(data)
    server.answer(answer(server))
    server.routes["/img/0.png"] = trickle_route(head + data[:100], every=1.0, byte=b"\x00", stop=stop)
    proc = subprocess.Popen(
        [sys.executable, "-m", "fluxdesk", "generate", "a fox"],
        env=env_for(home, server),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):  # until the download has started writing its .part file
            if list(home.rglob("*.part")) or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert list(home.rglob("*.part")), "the download never started"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, (stdout, stderr)
    assert stderr.strip().splitlines()[-1] == "fluxdesk: terminated"
    assert list(home.rglob("*.part")) == [] and stdout == ""


def test_the_top_seed_of_the_seed_rule_is_kept_exactly_in_json_and_the_library(
    home: Path, server: HostileServer
) -> None:
    # 2**63 + 5 from the API made the CLI exit 1 after downloading, saving nothing. This
    # follows the catalogue's SEED_MAX (2**64 - 1 once the library stores unsigned seeds).
    from fluxdesk.core import params as P

    server.answer(answer(server, seed=P.SEED_MAX))
    server.routes["/img/0.png"] = file_route(png())
    result = run("generate", "a fox", "--json", home=home, server=server)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["seed"] == P.SEED_MAX
    listed = run("library", "list", "--json", home=home)
    assert [item["seed"] for item in json.loads(listed.stdout)] == [P.SEED_MAX]
